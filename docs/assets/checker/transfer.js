/* The tools beside the form: export and import of the answers (JSON files), a link with the answers, clearing
 * them (after a confirmation) and printing the report. */

import { fill, saveFile } from "../common/dom.js";
import { applyAnswers, collectAnswers } from "./form.js";
import { shareLink } from "./link.js";
import { showMessage } from "./messages.js";
import { $, CALL, RULESET, S } from "./page.js";
import { exportDoc, forget } from "./storage.js";
import { unwrap } from "../common/saved-answers.js";

/**
 * Wire the tools. `page` gives what they need of the page: request (the worker client's), changed() (save and
 * re-assess), save(), assessed(result) (show a result), clearErrors() and bootFailed().
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
    const previous = collectAnswers();
    applyAnswers({});
    forget();
    closeConfirm();
    page.clearErrors();
    page.changed(0, { save: false });
    showMessage(S.cleared, { undo: previous });
  });

  $("checker-print").addEventListener("click", () => window.print());
}

async function importFile(page, name, text) {
  let doc;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    // The browser's own parser message ("Unexpected token … in JSON at position …") says nothing to a visitor.
    showMessage(fill(S.import_not_json, { file: name }), { alert: true });
    return;
  }
  const raw = unwrap(doc);
  if (!raw) {
    showMessage(fill(S.import_no_answers, { file: name }), { alert: true });
    return;
  }
  const notes = [];
  if (doc.call && String(doc.call) !== CALL) notes.push(fill(S.import_other_call, { theirs: doc.call, ours: CALL }));
  if (doc.ruleset_version && doc.ruleset_version !== RULESET) {
    notes.push(fill(S.import_other_version, { theirs: doc.ruleset_version, ours: RULESET }));
  }
  const previous = collectAnswers();
  if (page.bootFailed()) {
    applyAnswers(raw);
    page.changed();
    showMessage([fill(S.imported, { file: name, n: Object.keys(raw).length }), S.import_unchecked, ...notes].join(" "), { undo: previous });
    return;
  }
  showMessage(fill(S.import_checking, { file: name }));
  const response = await page.request("assess", { answers: doc });
  if (!response.ok) {
    if (response.error.code === "invalid_answers") {
      showMessage(fill(S.import_invalid, { file: name }), { alert: true, list: response.error.details.map((d) => d.message) });
    } else {
      showMessage(fill(S.import_error, { file: name, message: response.error.message }), { alert: true });
    }
    return;
  }
  // The checker's normalised answers (labels become ids; answers to hidden questions are dropped).
  applyAnswers(response.result.answers);
  page.save();
  page.assessed(response.result);
  showMessage([fill(S.imported, { file: name, n: Object.keys(response.result.answers).length }), ...notes].join(" "), { undo: previous });
}
