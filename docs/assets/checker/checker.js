/*
 * The self-check page (build_scripts/templates/pages/checker.md.j2): saves the answers, sends them to the
 * checker's module worker through the shared client (../common/worker-client.js) and shows the result.
 * The form is plain HTML rendered at build time; the modules beside this one read and fill it:
 *   page.js (the page's data)   form.js (answers in and out)   storage.js (localStorage, the export format)
 *   link.js (#answers= links)    messages.js (status, undo)      transfer.js (export, import, share, clear, print)
 *   aside.js (answers the form cannot take, kept and listed)
 *   result.js (the result's groups, as the checker made them)   summary.js (the printable summary)
 *   boot-error.js (why the checker could not start)
 * Everything the visitor typed and everything the checker returns goes into the page as text, never as HTML.
 * "?direction=d4" in the address preselects a direction once (asking first when the saved answers chose another):
 * it is the only thing the address sets. Nothing in it configures the page.
 *
 * No answer is ever silently replaced: whatever replaces saved answers (a link, a file, Back to a page this tab
 * left, a direction link, another tab's answers, a change made in a tab whose answers another tab replaced) either
 * asks first or says so with a way back (Undo, "load the newer answers").
 */

import { fill, localDate } from "../common/dom.js";
import { WorkerClient } from "../common/worker-client.js";
import { endDownload, showDownload } from "../common/boot-words.js";
import { describeAll, keepAside, keptAside, setRemoveHandler } from "./aside.js";
import { hideBootError, showBootError } from "./boot-error.js";
import {
  applyAnswers, collectAnswers, focusQuestion, nextQuestion, onExclusive, selectDirection, setKey, whyNotTaken,
} from "./form.js";
import { restoreFromFragment } from "./link.js";
import { clearMessage, setUndoHandler, showMessage } from "./messages.js";
import { $, DIRECTION_QUESTION, MAX_DEPTH, QUESTIONS, RULESET, S, form, lang, root } from "./page.js";
import { clearFieldErrors, renderErrors, renderResult, showWaiting } from "./result.js";
import {
  EMPTY, currentState, forget, hasAnswers, lastSeen, previousSeen, readStored, sameAnswers, sameState,
  save as saveAnswers, takeSeen, watchOtherTabs,
} from "./storage.js";
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
const engineBar = $("checker-engine-progress");
// A failed boot can be tried again ("Try again"): a new client, with a new worker.
let client = null;
function startClient() {
  const started = new WorkerClient(root, {
    onStage: (stage) => {
      endDownload(engineBox, engineBar);
      engineText.textContent = S.stage[stage] || S.stage.waiting;
    },
    onDownload: (download) => showDownload(engineBox, engineText, engineBar, S.download_progress, download, lang),
    onReady: () => {
      endDownload(engineBox, engineBar);
      engineText.textContent = S.stage.ready;
      engineBox.hidden = true;
      assessNow();
    },
    onFail: (error) => {
      busy(false);
      endDownload(engineBox, engineBar);
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

// ------------------------------------------------------------------------------------------------ the state

// What the form showed after the page last filled it or the visitor last changed it: a difference found later
// was made by the browser (see "Back" below).
let formShown = {};

/** Show `state`: its answers in the form, and what the form cannot take of them kept aside with its own. An
 * answer kept aside that the form can take now (these rules offer its option again) goes back into the form, unless
 * the question has another answer there. */
function showState(state) {
  const answers = { ...state.answers };
  const aside = {};
  for (const [qid, value] of Object.entries(state.aside)) {
    setKey(Object.hasOwn(answers, qid) || whyNotTaken(qid, value) ? aside : answers, qid, value);
  }
  const left = applyAnswers(answers);
  keepAside({ ...aside, ...left });
  formShown = collectAnswers();
}

/** Save the page's answers. A save that replaced answers another tab had saved meanwhile (this tab had not seen
 * them) says so and offers them back: the first change in a tab left behind by another never silently wins. */
function save() {
  formShown = collectAnswers();
  const replaced = saveAnswers(() => showMessage(S.saved_unavailable, { alert: true }));
  if (replaced) offerReplaced(replaced);
}

function offerReplaced(replaced) {
  const cleared = !hasAnswers(replaced);
  showMessage(cleared ? S.stale_saved_cleared : S.stale_saved, {
    alert: true,
    actions: [{
      id: "checker-stale-load",
      label: cleared ? S.stale_clear : S.stale_load,
      run: () => {
        const mine = currentState();
        showState(replaced);
        if (cleared) {
          forget();
          changed(0, { save: false });
        } else {
          changed(0);
        }
        showMessage(cleared ? S.stale_cleared : S.stale_loaded, { undo: mine });
      },
    }],
  });
}

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
  else formShown = collectAnswers();
}

setUndoHandler((previous) => {
  showState(previous);
  changed();
});

// "Remove these answers" (the answers kept aside): gone from what is saved too, with Undo.
setRemoveHandler(() => {
  const previous = currentState();
  keepAside({});
  save();
  showMessage(S.aside_removed, { undo: previous });
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
// Enter in a field moves on to the next question, as a person filling a form in expects; the browser would submit
// the form instead, and "See my result" then moves the keyboard (and the page) to the result far below. A key
// that ends an input method's composition (Chinese pinyin) is the input method's, not a move.
form.addEventListener("keydown", (event) => {
  const field = event.target;
  if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
  if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
  if (field.tagName !== "INPUT" || field.type === "radio" || field.type === "checkbox") return;
  event.preventDefault();
  const next = nextQuestion(field.name);
  if (!next || !focusQuestion(next)) $("checker-submit").focus();
});
// Material's keyboard shortcuts (n, p, s, f, /) also fire on focused radio buttons; keep letters to the form.
form.addEventListener("keydown", (event) => {
  if (event.target.type === "radio" && event.key.length === 1 && !event.ctrlKey && !event.metaKey) event.stopPropagation();
});

setUpTools({
  request,
  state: currentState,
  show: showState,
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

// ------------------------------------------------------------------------------------------------ Back

// Back to this page in a tab that left it shows what this tab showed then: the browser's own copy of the form is
// switched off (autocomplete="off" on the form; it came back after the page had started, silently), the page keeps
// what it saved last per tab (storage.js, sessionStorage), and a page kept whole by the browser (the back-forward
// cache) keeps its own. Either way, answers saved since in another tab are newer: they are shown, and the visitor
// may take this tab's earlier answers back instead. Never silently either way.
let askingEarlier = false;
function offerEarlier(earlier) {
  askingEarlier = true;
  showMessage(S.back_newer, {
    alert: true,
    focus: true,
    actions: [
      {
        id: "checker-back-keep",
        label: S.back_keep,
        run: () => {
          askingEarlier = false;
          showMessage(S.back_kept);
        },
      },
      {
        id: "checker-back-earlier",
        label: S.back_earlier,
        run: () => {
          askingEarlier = false;
          const newer = currentState();
          showState(earlier);
          changed(0);
          showMessage(S.back_taken, { undo: newer });
        },
      },
    ],
  });
}

/** This tab comes back to what is saved now: newer answers (saved since by another tab) are shown, and this tab's
 * `earlier` ones offered. Returns whether it asks. */
function comeBack(earlier) {
  const saved = readStored().state || EMPTY;
  if (!earlier || sameState(earlier, saved)) return false;
  showState(saved);
  takeSeen(saved);
  if (sameAnswers(earlier.answers, saved.answers)) return false; // only the answers kept aside differ: nothing to ask
  offerEarlier(earlier);
  return true;
}

const navigation = (performance.getEntriesByType && performance.getEntriesByType("navigation")[0]) || {};
const RESTORING = new Set(["back_forward", "reload"]);
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    // Kept whole by the browser while another tab may have saved: compare what this tab showed with what is saved.
    if (comeBack(lastSeen() || currentState())) changed(0, { save: false });
    return;
  }
  // A browser that puts its copy of the form back after the page has started (autocomplete="off" ignored; only
  // ever on Back or a reload) changes answers without a single event: put back what the page showed, and offer
  // the browser's copy if it differs.
  if (!RESTORING.has(navigation.type)) return;
  const restored = collectAnswers();
  if (sameAnswers(restored, formShown)) return;
  const earlier = { answers: { ...formShown, ...restored }, aside: keptAside() };
  showState({ answers: formShown, aside: keptAside() });
  if (!askingEarlier) offerEarlier(earlier);
});

// ------------------------------------------------------------------------------------------------ start-up

startClient();
const earlier = previousSeen(); // what this tab saved or took last, before this page was loaded
const stored = readStored();
const saved = stored.state || EMPTY;
const typed = collectAnswers();
let asking = false;
if (stored.problem) {
  showMessage(fill(S.saved_unreadable[stored.problem], { limit: MAX_DEPTH }), { alert: true });
}
if (navigation.type === "back_forward" && earlier && !sameState(earlier, saved)) {
  // What the form holds now is the browser's copy of the page this tab left, not typing: not taken over newer.
  asking = comeBack(earlier);
} else {
  // The form works before this script runs: what the visitor answered meanwhile is kept over the saved answers.
  showState({ answers: { ...saved.answers, ...typed }, aside: saved.aside });
  takeSeen(saved);
  if (Object.keys(typed).length) save();
}
const aside = describeAll(keptAside());
if (aside.length && !asking) {
  showMessage(fill(S.aside_found, { version: RULESET }), { alert: true, list: aside });
}
const linkPage = { show: showState, save, changed: (delay) => changed(delay) };
if (!asking) asking = Boolean(restoreFromFragment(linkPage).asks);

// ?direction=d4 (the direction pages link here with it) preselects the direction once: the address keeps it, and
// history.state remembers that it was dealt with, so a reload keeps whatever the visitor chose since. When the
// saved answers chose another direction, the visitor is asked first.
const direction = new URLSearchParams(location.search).get("direction");
const directionLabel = (id) => ((QUESTIONS.get(DIRECTION_QUESTION).options || []).find((o) => o.id === id) || {}).label;
const dealtWith = () => {
  const state = history.state && typeof history.state === "object" ? history.state : {};
  history.replaceState({ ...state, checkerDirection: direction }, "");
};
const historyState = history.state && typeof history.state === "object" ? history.state : {};
if (direction && historyState.checkerDirection !== direction && !asking && directionLabel(direction)) {
  const chosen = collectAnswers()[DIRECTION_QUESTION];
  if (chosen === undefined || chosen === direction) {
    if (chosen === undefined && selectDirection(direction)) save();
    dealtWith();
  } else {
    asking = true;
    const names = { theirs: directionLabel(direction), ours: directionLabel(chosen) || chosen };
    showMessage(fill(S.direction_choice, names), {
      alert: true,
      focus: true,
      actions: [
        {
          id: "checker-direction-use",
          label: fill(S.direction_use, names),
          run: () => {
            const previous = currentState();
            selectDirection(direction);
            changed(0);
            dealtWith();
            showMessage(fill(S.direction_used, names), { undo: previous });
          },
        },
        {
          id: "checker-direction-keep",
          label: fill(S.direction_keep, names),
          run: () => {
            dealtWith();
            showMessage(fill(S.direction_kept, names));
          },
        },
      ],
    });
  }
} else if (direction && historyState.checkerDirection !== direction && !asking) {
  dealtWith(); // a direction these rules do not have: nothing to select
}
window.addEventListener("hashchange", () => {
  if (restoreFromFragment(linkPage).changed) changed(0, { save: false });
});
// Another tab changed the saved answers: say so (this page keeps showing its own) and offer theirs.
watchOtherTabs((theirs) => {
  if (sameState(theirs, currentState())) {
    takeSeen(theirs); // the same answers: nothing is left behind
    return;
  }
  showMessage(S.other_tab, {
    alert: true,
    actions: [{
      id: "checker-other-tab-load",
      label: S.other_tab_load,
      run: () => {
        const mine = currentState();
        showState(theirs);
        takeSeen(theirs);
        changed(0, { save: false }); // they are saved already, by the other tab
        showMessage(S.other_tab_loaded, { undo: mine });
      },
    }],
  });
});
assessNow();
root.dataset.form = "ready"; // every listener is in place (the benchmark's "interactive form" waits for this)
