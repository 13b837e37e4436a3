/* The tools beside the form: export and import of the answers (JSON files), a link with the answers, clearing
 * them (after a confirmation) and printing the report. */

import { fill, saveFile } from "../common/dom.js";
import { nesting } from "../common/nesting.js";
import { unwrap } from "../common/saved-answers.js";
import { describeAll } from "./aside.js";
import { collectAnswers, setKey } from "./form.js";
import { shareLink } from "./link.js";
import { showMessage } from "./messages.js";
import { $, CALL, MAX_DEPTH, RULESET, S } from "./page.js";
import { EMPTY, exportDoc, forget, stateOf } from "./storage.js";

/**
 * Wire the tools. `page` gives what they need of the page: request (the worker client's), state() (what the page
 * shows), show(state), changed() (save and re-assess), save(), assessed(result) (show a result), clearErrors() and
 * bootFailed().
 */
export function setUpTools(page) {
  $("checker-export").addEventListener("click", () => {
    const doc = exportDoc();
    const file = fill(S.export_file, { date: doc.exported_on });
    saveFile(JSON.stringify(doc, null, 2) + "\n", file, "application/json");
    showMessage(fill(S.exported, { file }));
  });

  const importInput = $("checker-import");
  $("checker-import-button").addEventListener("click", () => importInput.click());
  importInput.addEventListener("change", async () => {
    const file = importInput.files && importInput.files[0];
    importInput.value = "";
    if (file) await importFile(page, file.name, await file.text());
  });

  $("checker-share").addEventListener("click", async () => {
    const url = shareLink();
    const field = $("checker-share-url");
    field.value = url;
    $("checker-share-box").hidden = false;
    let copied = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(url);
        copied = true;
      }
    } catch (error) {
      copied = false;
    }
    field.focus();
    field.select();
    showMessage(copied ? S.link_copied : S.link_copy_manually);
  });

  const clearButton = $("checker-clear");
  const clearConfirm = $("checker-clear-confirm");
  const closeConfirm = () => {
    clearConfirm.hidden = true;
    clearButton.setAttribute("aria-expanded", "false");
    clearButton.focus();
  };
  clearButton.addEventListener("click", () => {
    clearConfirm.hidden = false;
    clearButton.setAttribute("aria-expanded", "true");
    $("checker-clear-no").focus();
  });
  $("checker-clear-no").addEventListener("click", closeConfirm);
  $("checker-clear-yes").addEventListener("click", () => {
    const previous = page.state();
    page.show(EMPTY);
    forget();
    closeConfirm();
    page.clearErrors();
    page.changed(0, { save: false });
    showMessage(S.cleared, { undo: previous });
  });

  $("checker-print").addEventListener("click", () => window.print());
}

// The checker's reasons that only say these rules do not know an answer (a question they no longer ask, an option
// they no longer offer): a file refused for those alone is imported without them, and they are kept aside.
const NOT_IN_THESE_RULES = new Set(["unknown_question", "unknown_question_again", "unknown_option"]);

/** The fields of an exported file that must be text when present; a file with another value there is refused. */
const TEXT_FIELDS = ["call", "ruleset_version"];

async function importFile(page, name, text) {
  const refuse = (template, values = {}) => showMessage(fill(template, { file: name, ...values }), { alert: true });
  text = text.replace(/^\uFEFF/, "");
  // Measured before parsing: a file nested deeper than the checker reads is refused here, with its limit (sent as
  // it is, the browser's structured clone of it throws and the checker never answers).
  if (MAX_DEPTH && nesting(text, MAX_DEPTH) > MAX_DEPTH) {
    refuse(S.import_too_deep, { limit: MAX_DEPTH });
    return;
  }
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    // The browser's own parser message ("Unexpected token … in JSON at position …") says nothing to a visitor.
    refuse(S.import_not_json);
    return;
  }
  const raw = unwrap(doc);
  if (!raw) {
    refuse(S.import_no_answers);
    return;
  }
  const exported = raw !== doc; // {call, ruleset_version, exported_on, answers, set_aside?}
  const wrongField = exported && [...TEXT_FIELDS, "set_aside"].find((field) =>
    doc[field] !== undefined && doc[field] !== null && (field === "set_aside" ? !stateOf(doc) : typeof doc[field] !== "string"));
  if (wrongField) {
    refuse(wrongField === "set_aside" ? S.import_bad_aside : S.import_bad_field, { field: wrongField });
    return;
  }
  const state = stateOf(doc);
  const notes = [];
  if (exported && doc.call && doc.call !== CALL) notes.push(fill(S.import_other_call, { theirs: doc.call.slice(0, 40), ours: CALL }));
  if (exported && doc.ruleset_version && doc.ruleset_version !== RULESET) {
    notes.push(fill(S.import_other_version, { theirs: doc.ruleset_version.slice(0, 40), ours: RULESET }));
  }
  const previous = page.state();
  if (page.bootFailed()) {
    page.show(state);
    page.changed();
    const aside = page.state().aside;
    const list = describeAll(aside);
    const told = [fill(S.imported, { file: name, n: Object.keys(collectAnswers()).length }), S.import_unchecked, ...notes];
    if (list.length) told.push(S.import_aside);
    showMessage(told.join(" "), { alert: Boolean(list.length), list, undo: previous });
    return;
  }
  showMessage(fill(S.import_checking, { file: name }));
  let answers = state.answers;
  let response = await page.request("assess", { answers });
  const notInTheseRules = {};
  if (!response.ok && response.error.code === "invalid_answers" && response.error.details.every((d) =>
    NOT_IN_THESE_RULES.has(d.code) && typeof d.question === "string" && Object.hasOwn(answers, d.question))) {
    for (const d of response.error.details) setKey(notInTheseRules, d.question, answers[d.question]);
    answers = Object.fromEntries(Object.entries(answers).filter(([qid]) => !Object.hasOwn(notInTheseRules, qid)));
    response = await page.request("assess", { answers });
  }
  if (!response.ok) {
    const { code, details } = response.error;
    if (code === "invalid_answers") {
      showMessage(fill(S.import_invalid, { file: name }), { alert: true, list: details.map((d) => d.message) });
    } else if (code === "too_deep") {
      refuse(S.import_too_deep, { limit: details.limit });
    } else if (code === "not_sent") {
      refuse(S.import_not_sent);
    } else {
      refuse(S.import_error, { message: response.error.message });
    }
    return;
  }
  // The checker's normalised answers (labels become ids), the file's answers to the questions its other answers
  // hide (the checker leaves them out of its result; the form keeps them, as it keeps the visitor's own), and
  // everything the form cannot take kept aside: the file's own, and the answers these rules do not know.
  const result = response.result;
  const shown = { ...result.answers };
  for (const { question } of result.ignored || []) {
    if (Object.hasOwn(answers, question)) setKey(shown, question, answers[question]);
  }
  page.show({ answers: shown, aside: { ...state.aside, ...notInTheseRules } });
  page.save();
  page.assessed(result);
  const list = describeAll(page.state().aside);
  const told = [fill(S.imported, { file: name, n: Object.keys(collectAnswers()).length }), ...notes];
  if (list.length) told.push(S.import_aside);
  showMessage(told.join(" "), { alert: Boolean(list.length), list, undo: previous });
}
