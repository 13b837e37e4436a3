/*
 * The self-check page (build_scripts/templates/pages/checker.md.j2): saves the answers, sends them to the
 * checker's module worker through the shared client (../common/worker-client.js) and shows the result.
 * The form is plain HTML rendered at build time; the modules beside this one read and fill it:
 *   page.js (the page's data)   form.js (answers in and out)   storage.js (localStorage, the export format)
 *   link.js (#answers= links)    messages.js (status, undo)      transfer.js (export, import, share, clear, print)
 *   result.js (the result's groups, as the checker made them)   summary.js (the printable summary)
 *   boot-error.js (why the checker could not start)
 * Everything the visitor typed and everything the checker returns goes into the page as text, never as HTML.
 * "?direction=d4" in the address preselects a direction once.
 */

import { fill, localDate } from "../common/dom.js";
import { WorkerClient } from "../common/worker-client.js";
import { hideBootError, showBootError } from "./boot-error.js";
import { applyAnswers, collectAnswers, focusQuestion, onExclusive, selectDirection } from "./form.js";
import { restoreFromFragment, sameAnswers } from "./link.js";
import { clearMessage, setUndoHandler, showMessage } from "./messages.js";
import { $, DIRECTION_QUESTION, S, form, lang, root } from "./page.js";
import { clearFieldErrors, renderErrors, renderResult, showWaiting } from "./result.js";
import { loadSaved, save as saveAnswers, watchOtherTabs } from "./storage.js";
import { updateSummary } from "./summary.js";
import { setUpTools } from "./transfer.js";

const engineBox = $("checker-engine");
// The verdict's live region is busy from an answer change until the result for the latest answers is shown: a
// screen reader announces the settled verdict, not the steps on the way (and tests know when the page is done).
const live = $("checker-live");
function busy(on) {
  if (on) live.setAttribute("aria-busy", "true");
  else live.removeAttribute("aria-busy");
}
const engineText = $("checker-engine-text");
// A failed boot can be tried again ("Try again"): a new client, with a new worker.
let client = null;
function startClient() {
  const started = new WorkerClient(root, {
    onStage: (stage) => { engineText.textContent = S.stage[stage] || S.stage.waiting; },
    onReady: () => {
      engineText.textContent = S.stage.ready;
      engineBox.hidden = true;
      assessNow();
    },
    onFail: (error) => {
      busy(false);
      showBootError(error, started.timeoutMs, retry);
    },
    // A request still unanswered after a while (the form stays usable: the checker runs in its own thread).
    onSlow: (ms) => {
      slowShown = true;
      showMessage(fill(S.slow, { s: Math.round(ms / 1000) }));
    },
  });
  client = started;
  started.start();
}
function retry() {
  hideBootError();
  engineText.textContent = S.retrying;
  delete root.dataset.ready;
  startClient();
  assessNow();
}
let slowShown = false;

const request = (type, fields) => client.request(type, { lang, as_of: localDate(), ...fields });
const save = () => saveAnswers(() => showMessage(S.saved_unavailable, { alert: true }));

// ------------------------------------------------------------------------------------------------ assessing

let assessSeq = 0;
let debounceTimer = null;
let lastResult = null;

// What the visitor waits for (the verdict and the reasons) is drawn first; the answers' summary and the progress
// line follow in the next frame, so they never delay the verdict (scheduled while the worker assesses, that frame
// could fall just before its answer arrives and hold it back).
let summaryFrame = 0;
function summaryLater() {
  if (!summaryFrame) {
    summaryFrame = requestAnimationFrame(() => {
      summaryFrame = 0;
      updateSummary(lastResult);
    });
  }
}

function show(result) {
  lastResult = result;
  renderResult(result);
  summaryLater();
}

async function assessNow() {
  clearTimeout(debounceTimer);
  debounceTimer = null;
  busy(true);
  if (!client.ready) {
    updateSummary(lastResult);
    if (client.failure) busy(false); // nothing is coming: the boot error says why
    else showWaiting(); // onReady assesses
    return;
  }
  const seq = ++assessSeq;
  const response = await request("assess", { answers: collectAnswers() });
  if (slowShown) {
    slowShown = false;
    clearMessage();
  }
  if (seq !== assessSeq) return; // a newer change is on its way
  if (!debounceTimer) busy(false);
  if (response.ok) {
    clearFieldErrors();
    show(response.result);
  } else {
    renderErrors(response.error);
    summaryLater();
  }
}

/** The answers changed: save them and assess after `delay` ms (typing waits for a pause; a click, 0: at once). */
function changed(delay = 150, { save: keep = true } = {}) {
  clearTimeout(debounceTimer);
  busy(true);
  if (delay === 0) assessNow();
  else debounceTimer = setTimeout(assessNow, delay);
  if (keep) save();
}

setUndoHandler((previous) => {
  applyAnswers(previous);
  changed();
});

// ------------------------------------------------------------------------------------------------ the form

// A click on a choice is assessed at once; typing (numbers, dates, text) waits for a pause.
const CHOICES = new Set(["radio", "checkbox", "select-one", "select-multiple"]);
form.addEventListener("change", (event) => {
  onExclusive(event.target);
  changed(CHOICES.has(event.target.type) ? 0 : undefined);
});
form.addEventListener("input", (event) => {
  // A choice is assessed at once (its change event) and the summary follows the verdict; typing waits for a pause,
  // so the summary follows the keys meanwhile.
  if (event.target.type === "radio" || event.target.type === "checkbox") return;
  summaryLater();
  changed();
});
// "See my result": the keyboard goes to the error summary when an answer cannot be used, else to the result.
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  await assessNow();
  const errors = $("checker-errors");
  (errors.childElementCount ? errors : $("checker-results-title")).focus();
});
// Links to a question (error summary, "still to answer", "change") move the keyboard there, not only the view.
root.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-question]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (focusQuestion(link.dataset.question)) event.preventDefault();
});
// Material's keyboard shortcuts (n, p, s, f, /) also fire on focused radio buttons; keep letters to the form.
form.addEventListener("keydown", (event) => {
  if (event.target.type === "radio" && event.key.length === 1 && !event.ctrlKey && !event.metaKey) event.stopPropagation();
});

setUpTools({
  request,
  changed,
  save,
  // A result the tools asked for (an import) is the latest: an answer to an earlier request is no longer shown.
  assessed: (result) => {
    ++assessSeq;
    if (!debounceTimer) busy(false);
    show(result);
  },
  clearErrors: clearFieldErrors,
  bootFailed: () => Boolean(client.failure),
});

// The report prints every reason: open the collapsed lists while printing, close them again afterwards.
let openedForPrint = [];
window.addEventListener("beforeprint", () => {
  updateSummary(lastResult);
  openedForPrint = [...$("checker-results").querySelectorAll("details:not([open])")];
  for (const details of openedForPrint) details.open = true;
});
window.addEventListener("afterprint", () => {
  for (const details of openedForPrint) details.open = false;
  openedForPrint = [];
});

// Links to another direction keep every other answer: switch in place.
$("checker-details").addEventListener("click", (event) => {
  const link = event.target.closest("[data-switch-direction]");
  if (!link) return;
  event.preventDefault();
  selectDirection(link.dataset.switchDirection);
  changed();
  $(`q-${DIRECTION_QUESTION}`).scrollIntoView({ block: "start" });
  const input = $(`in-${DIRECTION_QUESTION}--${link.dataset.switchDirection}`);
  if (input) input.focus();
});

// ------------------------------------------------------------------------------------------------ start-up

startClient();
// The form works before this script runs: what the visitor answered meanwhile is kept over the saved answers.
const typed = collectAnswers();
const saved = loadSaved();
if (saved) applyAnswers({ ...saved, ...typed });
if (Object.keys(typed).length) save();
const linkPage = { save, changed: (delay) => changed(delay) };
restoreFromFragment(linkPage);
// ?direction=d4 (the direction pages link here with it) preselects the direction once: the address keeps it,
// and history.state remembers that it was applied, so a reload keeps whatever the visitor chose since.
const direction = new URLSearchParams(location.search).get("direction");
const state = history.state && typeof history.state === "object" ? history.state : {};
if (direction && state.checkerDirection !== direction) {
  if (selectDirection(direction)) save();
  history.replaceState({ ...state, checkerDirection: direction }, "");
}
window.addEventListener("hashchange", () => {
  if (restoreFromFragment(linkPage)) changed(0, { save: false });
});
// Another tab changed the saved answers: say so (this page keeps showing its own) and offer theirs.
watchOtherTabs((theirs) => {
  if (sameAnswers(theirs, collectAnswers())) return;
  showMessage(S.other_tab, {
    alert: true,
    actions: [{
      id: "checker-other-tab-load",
      label: S.other_tab_load,
      run: () => {
        applyAnswers(theirs);
        changed(0, { save: false }); // they are saved already, by the other tab
        showMessage(S.other_tab_loaded);
      },
    }],
  });
});
assessNow();
root.dataset.form = "ready"; // every listener is in place (the benchmark's "interactive form" waits for this)
