/*
 * The recommending units' screening page (build_scripts/templates/pages/screening.md.j2). The checker's module
 * worker does all the deciding, planning and CSV writing; this page reads the unit's file, shows the plan and
 * passes on the unit's changes of order. Through the shared client (../common/worker-client.js):
 * - `template` {lang, format} -> {csv} or {xlsx}: the template, downloaded as a file;
 * - `batch` {csv, file_name, unit_kind, lang, order_by, order?} -> the plan (checker/batch.py): rows, quota figures,
 *   the order it is in (`order_statement`), its export `csv` and a `plan_id`;
 * - `replan` {plan_id, order_by, order} -> the same plan's placement in the unit's order (a list of row numbers,
 *   starting from the base order `order_by` the unit chose: its file's, or the tool's suggestion; none: that base
 *   order itself): each row's rank and quota status (one place per applicant), and the figures. The rows move at
 *   once; ranks, statuses and figures follow when the placement comes back;
 * - `export` {plan_id, format} -> {csv} or {xlsx}: the plan's result file as it stands.
 * A workbook (upload, template or export as .xlsx) makes the worker load openpyxl first, once; CSV never does.
 * Modules beside this one: page.js (elements, strings, status lines), file-reading.js (FileReader, encodings),
 * plan-view.js (the figures and the table), print-list.js (the list printed to sign). Every value from the file is
 * set as text, never as HTML.
 */

import { bootValues, endDownload, showDownload } from "../common/boot-words.js";
import { nextFrame, saveFile } from "../common/dom.js";
import { WorkerClient } from "../common/worker-client.js";
import { countRows, fromBase64, readAsArrayBuffer, toBase64 } from "./file-reading.js";
import { LANG, T, announce, clearError, fmt, hideProgress, root, setProgress, showError, ui } from "./page.js";
import { displayName, isRanked, renderErrors, renderSummary, renderTable, updateButtons, updateRows } from "./plan-view.js";
import { renderPrintList, setPageNumbers } from "./print-list.js";


// ------------------------------------------------------------------------------------------------ the worker

let engineReady = false;
let checker = null;

/** Why the checker cannot start, for the visitor (the checker page's texts, per error code): which file, what is
 * wrong, what to do — never the worker's own words. */
function bootMessage(error) {
  const texts = T.boot[error.code] || T.boot.internal;
  return fmt(texts[0], bootValues(error, checker ? checker.timeoutMs : 0, LANG));
}

const engineBar = () => ui.engine.querySelector("progress");

// A failed start can be tried again: a new client, with a new worker.
const handlers = {
  onStage: (stage) => {
    if (engineReady || !(stage in T.stage)) return;
    endDownload(ui.engine, engineBar());
    ui.engineText.textContent = fmt(T.stage_line, { stage: T.stage[stage] });
  },
  onDownload: (download) => {
    if (!engineReady) showDownload(ui.engine, ui.engineText, engineBar(), T.download_progress, download, LANG);
  },
  onReady: () => {
    engineReady = true;
    endDownload(ui.engine, engineBar());
    keepWorkbookForOffline();
    ui.engineText.textContent = T.engine_ready;
    ui.engine.querySelector("progress").hidden = true;
    ui.engine.classList.add("screening__engine--ready");
  },
  onFail: (error) => {
    endDownload(ui.engine, engineBar());
    ui.engine.hidden = false;
    ui.engine.querySelector("progress").hidden = true;
    ui.engineText.textContent = bootMessage(error);
    ui.retry.hidden = error.code === "no_webassembly";
    root.dataset.bootError = error.code;
    showError(ui.engineText.textContent);
  },
  onSlow: (ms) => announce(fmt(T.slow, { s: Math.round(ms / 1000) })), // other requests than a batch (below)
};

/** Online, and not asked to save data: ask the service worker (docs/sw.js, "keep") to keep Excel's packages now,
 * so that an .xlsx can be read and written offline after this visit, even if this visit never used Excel. */
function keepWorkbookForOffline() {
  if (!navigator.onLine || navigator.connection?.saveData || !navigator.serviceWorker) return;
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type === "kept") root.dataset.workbookKept = String(event.data.urls.length);
  });
  checker.request("workbook_files").then(async (response) => {
    if (!response.ok || !response.result.urls.length) return;
    const registration = await navigator.serviceWorker.ready;
    registration.active?.postMessage({ type: "keep", urls: response.result.urls });
  });
}

function startChecker() {
  checker = new WorkerClient(root, handlers);
  checker.start();
}

ui.retry.addEventListener("click", () => {
  ui.retry.hidden = true;
  delete root.dataset.bootError;
  clearError();
  ui.engineText.textContent = T.retrying;
  ui.engine.querySelector("progress").hidden = false;
  startChecker();
});

/** A request's result, or an Error with the checker's message. */
async function ask(type, fields, options) {
  const response = await checker.request(type, { lang: LANG, ...fields }, options);
  if (response.ok) return response.result;
  // Excel's packages could not be loaded (offline before any workbook was used): said here, with the CSV way out;
  // a checker that could not start: why, as its start said it.
  const code = response.error?.code;
  const message = code === "workbook_unavailable" ? T.err_workbook_offline
    : code === "not_ready" && response.error.details?.code ? bootMessage(response.error.details) : response.error?.message;
  throw Object.assign(new Error(message || "error"), { info: response.error || {} });
}

// ------------------------------------------------------------------------------------------------ state

const state = {
  job: 0,          // the latest file or re-run; older answers are dropped
  csvText: null,   // the unit's file ({file}: its bytes as base64), kept to re-run when the unit kind changes
  fileName: "",
  inflight: null,  // {text, name} being screened now
  plan: null,      // the latest plan from the checker
  ranked: [],      // the ranked rows in the order shown
  trs: new Map(),  // row number -> <tr>
  rendering: false,
  replans: 0,      // replan requests sent; only the latest one's plan is shown
  replanned: Promise.resolve(),
  view: 0,         // tables started; only the latest one is finished
};

// ------------------------------------------------------------------------------------------------ the template

/** A file the checker wrote (its answer holds it under the format's name; a binary one as base64), saved. */
function saveWritten(button, result, name) {
  const content = result[button.dataset.templateFormat || button.dataset.downloadFormat];
  saveFile("binary" in button.dataset ? fromBase64(content) : content, name, button.dataset.mediaType);
}

/** The template in the button's format (the .xlsx with drop-downs of the labels, or CSV), written by the checker. */
async function downloadTemplate(button) {
  clearError();
  button.setAttribute("aria-busy", "true");
  announce(T.template_busy);
  try {
    const written = await ask("template", { format: button.dataset.templateFormat });
    const name = written.file_stem + button.dataset.suffix; // named by the checker, in the page's language
    saveWritten(button, written, name);
    announce(fmt(T.template_done, { file: name }));
  } catch (error) {
    showError(fmt(T.err_file, { message: error.message }));
  } finally {
    button.removeAttribute("aria-busy");
  }
}

for (const button of ui.templateButtons) button.addEventListener("click", () => downloadTemplate(button));

// ------------------------------------------------------------------------------------------------ screening a file

function unitKind() {
  return root.querySelector('input[name="screening-unit-kind"]:checked');
}

/** The order the list starts from, as the unit chose it: "file" (the default) or "suggested". */
function orderBy() {
  return root.querySelector('input[name="screening-order-by"]:checked').value;
}

function showOrderBy(value) {
  const radio = root.querySelector(`input[name="screening-order-by"][value="${CSS.escape(String(value))}"]`);
  if (radio) radio.checked = true;
}

async function handleFile(file) {
  clearError();
  ui.fileNote.hidden = true;
  const job = ++state.job;
  forgetShown(); // a new file: the previous results and status line go, whatever this one turns out to be
  root.dataset.state = "busy";
  if (file.size > T.max_file_bytes) { // the checker's one limit (checker/limits.py), given to the page at build time
    showError(fmt(T.err_too_big, { mb: T.max_file_bytes / 1e6 }));
    return;
  }
  setProgress(fmt(T.reading, { name: file.name }), 0);
  announce(fmt(T.reading, { name: file.name }));
  let decoded;
  let buffer;
  try {
    buffer = await readAsArrayBuffer(file, (fraction) => {
      if (job === state.job) setProgress(fmt(T.reading_pct, { name: file.name, pct: Math.round(fraction * 100) }), fraction);
    });
    // The bytes as they are: the checker tells CSV in any encoding from a workbook (checker/sheet_io.py).
    decoded = toBase64(new Uint8Array(buffer));
  } catch (error) {
    if (job === state.job) {
      hideProgress();
      showError(fmt(T.err_read, { message: error.message }));
    }
    return;
  }
  if (job !== state.job) return;
  if (!buffer.byteLength) {
    hideProgress();
    showError(T.err_empty);
    return;
  }
  await runBatch(job, { file: { file: decoded }, name: file.name }, null);
}

/** Screen `source` ({file: {csv} or {xlsx}, name}) in `order` (row numbers, or null); it becomes the page's file
 * only when the checker accepted it. */
async function runBatch(job, source, order) {
  state.inflight = source;
  const lines = source.file.csv !== undefined ? countRows(source.file.csv) : "…"; // (a file's rows: the checker counts)
  const started = performance.now();
  let reached = null; // the worker's last {done, total}
  let slow = false;   // the request ran past the client's time-out: said once, and kept on the line
  const tick = () => {
    if (job !== state.job) return;
    const s = Math.round((performance.now() - started) / 1000);
    const line = reached ? fmt(T.screening_progress, { ...reached, s }) : fmt(T.screening_rows, { n: lines, s });
    setProgress(slow ? `${line} ${fmt(T.slow, { s })}` : line, reached && reached.total ? reached.done / reached.total : null);
  };
  tick();
  const timer = window.setInterval(tick, 1000);
  const options = {
    onProgress: (progress) => {
      reached = progress;
      tick();
    },
    onSlow: (ms) => {
      slow = true;
      tick();
      if (job === state.job) announce(fmt(T.slow, { s: Math.round(ms / 1000) }));
    },
  };
  let plan;
  try {
    plan = await ask("batch", { ...source.file, file_name: source.name, unit_kind: unitKind().value, order_by: orderBy(), order },
      options);
  } catch (error) {
    if (job !== state.job) return;
    state.inflight = null;
    hideProgress();
    showError(fmt(T.err_file, { message: error.message }));
    announce(ui.error.textContent);
    return;
  } finally {
    window.clearInterval(timer);
  }
  if (job !== state.job) return;
  setProgress(T.rendering, null);
  await nextFrame(); // let the browser paint the progress line before building a large table
  if (job !== state.job) return;
  state.inflight = null;
  state.csvText = source.file;
  state.fileName = source.name;
  if (!(await showPlan(plan, job))) return;
  hideProgress();
  // The exempt rows are said only in a call with an exemption, by the name the call's data gives it.
  announce(fmt(plan.exemption ? T.done_exemption : T.done, {
    total: plan.rows_total, eligible: plan.eligible, counted: plan.counted, quota: plan.quota,
    exempt: plan.exempt, exemption: plan.exemption, over: plan.over_by, same: plan.same_applicant, not_counted: plan.not_counted, errors: plan.errors,
  }));
  // For tests and scripts: what the table shows now.
  root.dataset.file = state.fileName;
  root.dataset.unit = plan.unit_kind;
  root.dataset.runs = String(Number(root.dataset.runs || 0) + 1);
  root.dataset.state = "done";
  saveSession();
}

// ------------------------------------------------------------------------------------------------ the session

// The last file checked, its unit kind and order, and the unit's name, kept in this browser only, so a reload shows
// the same list; "clear" forgets it. By default for this tab only (sessionStorage: gone when the tab closes, so the
// next person at a shared office computer does not see the list's names, codes and contacts); on this computer
// (localStorage) only when the official ticks "remember".
const SESSION_KEY = `bdpilot.screening.${root.dataset.call}.v1`;

function store(remembered) {
  return remembered ? window.localStorage : window.sessionStorage;
}

function forgetStored() {
  for (const area of [window.sessionStorage, window.localStorage]) {
    try {
      area.removeItem(SESSION_KEY);
    } catch { /* storage off: nothing kept */ }
  }
}

function saveSession() {
  if (!state.plan || state.csvText === null) return;
  const session = {
    name: state.fileName,
    file: state.csvText,
    unit: state.plan.unit_kind,
    orderBy: state.plan.order_by,
    order: state.plan.custom_order ? state.ranked.map((r) => r.row) : null,
    unitName: ui.unitName.value,
  };
  try {
    store(ui.remember.checked).setItem(SESSION_KEY, JSON.stringify(session));
    store(!ui.remember.checked).removeItem(SESSION_KEY); // one copy, where the official chose
  } catch {
    ui.sessionNote.textContent = T.session_not_kept; // too large for this browser's storage (or storage is off)
    ui.sessionNote.hidden = false;
  }
}

/** The session kept: this tab's, else the one remembered on this computer ({remembered: true}). */
function readSession() {
  for (const remembered of [false, true]) {
    const session = readFrom(remembered);
    if (session) return { ...session, remembered };
  }
  return null;
}

function readFrom(remembered) {
  try {
    const session = JSON.parse(store(remembered).getItem(SESSION_KEY) || "null");
    const kind = session && root.querySelector(`input[name="screening-unit-kind"][value="${CSS.escape(String(session.unit))}"]`);
    const file = session && session.file;
    // {file} (bytes as base64); {csv} and {xlsx} are what sessions saved before the checker read the bytes itself.
    const fileOk = file && ["file", "csv", "xlsx"].some((key) => typeof file[key] === "string");
    return kind && fileOk && typeof session.name === "string" ? { ...session, kind } : null;
  } catch {
    return null;
  }
}

async function restoreSession() {
  const session = readSession();
  if (!session) return;
  session.kind.checked = true;
  ui.remember.checked = session.remembered;
  ui.unitName.value = typeof session.unitName === "string" ? session.unitName : "";
  ui.signUnit.textContent = ui.unitName.value;
  showOrderBy(session.orderBy || "file");
  const order = Array.isArray(session.order) && session.order.every(Number.isInteger) ? session.order : null;
  root.dataset.state = "busy";
  await runBatch(++state.job, { file: session.file, name: session.name }, order);
  if (state.fileName === session.name) {
    ui.sessionNote.textContent = fmt(T.session_restored, { name: session.name });
    ui.sessionNote.hidden = false;
    root.dataset.restored = "true";
  }
}

/** Hide the results shown and forget their file (the saved session stays until a new one is saved or cleared). */
function forgetShown() {
  state.plan = null;
  state.csvText = null;
  state.fileName = "";
  ui.results.hidden = true;
  document.body.classList.remove("screening-has-results");
  ui.sessionNote.hidden = true;
  hideProgress();
  delete root.dataset.file;
  delete root.dataset.restored;
}

ui.clear.addEventListener("click", () => {
  forgetStored();
  ui.remember.checked = false;
  state.job++;
  forgetShown();
  root.dataset.state = "ready";
  announce(T.session_cleared);
  ui.file.focus();
});

// Ticked: the list moves to this computer's storage; unticked: back to this tab's only (and off this computer).
ui.remember.addEventListener("change", () => {
  if (state.plan && state.csvText !== null) saveSession();
  else if (!ui.remember.checked) forgetStored();
  announce(ui.remember.checked ? T.remember_on : T.remember_off);
});

ui.unitName.addEventListener("input", () => {
  ui.signUnit.textContent = ui.unitName.value;
  saveSession();
});

/** Take a plan (or a new placement of it) as the one shown: its order as the checker says it, the order chosen
 * and whether the unit's moves can be undone. */
function takePlan(plan) {
  state.plan = plan;
  state.ranked = plan.rows.filter(isRanked);
  showOrderBy(plan.order_by);
  ui.reset.hidden = !plan.custom_order;
  ui.orderLine.textContent = plan.order_statement;
  root.dataset.orderBy = plan.order_by;
  root.dataset.customOrder = String(plan.custom_order);
}

/** Build the table of `plan`; false when a newer file or a newer table took over meanwhile. */
async function drawTable(plan, job) {
  const view = ++state.view;
  state.rendering = true;
  const trs = await renderTable(plan, () => job === state.job && view === state.view);
  if (!trs) return false;
  state.trs = trs;
  state.rendering = false;
  updateButtons(state.ranked, trs);
  return true;
}

/** Show a whole plan; false when a newer job took over while the table was being built. */
async function showPlan(plan, job) {
  takePlan(plan);
  renderSummary(plan, state.fileName);
  renderErrors(plan);
  ui.results.hidden = false;
  document.body.classList.add("screening-has-results");
  return drawTable(plan, job);
}

// ------------------------------------------------------------------------------------------------ the unit's order

/** The checker's placement for a new order (ranks, quota statuses, figures) put onto the plan shown. */
function takePlacement(placement) {
  const byRow = new Map(state.plan.rows.map((r) => [r.row, r]));
  const { rows, ...figures } = placement;
  takePlan({ ...state.plan, ...figures, csv: null, rows: rows.map((r) => Object.assign(byRow.get(r.row), r)) });
}

/** Ask for the plan in `order` (null: the base order chosen, as it is); `shown(plan)` runs if it is still the
 * latest. The figures follow (which row of an applicant is counted depends on the order). */
function replan(order, shown) {
  const seq = ++state.replans;
  const planId = state.plan.plan_id;
  const base = orderBy();
  state.replanned = (async () => {
    let placement = null;
    let plan = null;
    try {
      placement = await ask("replan", { plan_id: planId, order_by: base, order });
    } catch (error) {
      if (error.info?.code === "not_ready" || !state.csvText) throw error;
      // The checker no longer holds this screen: screen the file again, in this order.
      plan = await ask("batch", { ...state.csvText, file_name: state.fileName, unit_kind: state.plan.unit_kind,
                                  order_by: base, order });
    }
    if (seq !== state.replans) return;
    if (placement) takePlacement(placement);
    else takePlan(plan);
    renderSummary(state.plan, state.fileName);
    saveSession();
    await shown(state.plan);
    root.dataset.replans = String(seq); // for tests and scripts: this order is shown, table and all
  })().catch((error) => {
    showError(fmt(T.err_file, { message: error.message }));
  });
  return state.replanned;
}

/** The export of the plan shown, written by the checker: CSV (the batch's own, or asked for after a change of
 * order) or .xlsx (base64). */
async function exportFile(format) {
  await state.replanned;
  // The unit's name heads the export (the list the unit signs); the batch answer's own CSV is made without it.
  const unitName = ui.unitName.value.trim();
  if (format === "csv" && state.plan.csv && !unitName) return { csv: state.plan.csv };
  try {
    return await ask("export", { plan_id: state.plan.plan_id, format, unit_name: unitName });
  } catch (error) {
    if (error.info?.code === "not_ready" || !state.csvText) throw error;
    // The checker no longer holds this screen: screen the file again, in this order.
    const order = state.plan.custom_order ? state.ranked.map((r) => r.row) : null;
    const plan = await ask("batch", { ...state.csvText, file_name: state.fileName, unit_kind: state.plan.unit_kind,
                                      order_by: state.plan.order_by, order });
    return ask("export", { plan_id: plan.plan_id, format, unit_name: unitName });
  }
}

function move(row, direction) {
  const index = state.ranked.findIndex((r) => r.row === row);
  const entry = state.ranked[index];
  const target = index + (direction === "up" ? -1 : 1);
  if (target < 0 || target >= state.ranked.length) {
    announce(fmt(direction === "up" ? T.at_top : T.at_bottom, { name: displayName(entry) }));
    return;
  }
  const other = state.ranked[target];
  state.ranked[index] = other;
  state.ranked[target] = entry;
  // Move the other row, never the one whose button has focus (moving a focused node drops the focus).
  const tr = state.trs.get(entry.row);
  const otherTr = state.trs.get(other.row);
  if (direction === "up") tr.after(otherTr);
  else tr.before(otherTr);
  updateButtons(state.ranked, state.trs);
  const otherBefore = other.quota_status;
  replan(state.ranked.map((r) => r.row), (plan) => {
    updateRows(plan, state.trs);
    const byRow = new Map(plan.rows.map((r) => [r.row, r]));
    const moved = byRow.get(entry.row);
    const pushed = byRow.get(other.row);
    let text = fmt(T.moved, { name: displayName(moved), rank: moved.rank, status: moved.quota_status_label });
    if (pushed.quota_status !== otherBefore) {
      text += " " + fmt(T.moved_swap, { name: displayName(pushed), rank: pushed.rank, status: pushed.quota_status_label });
    }
    announce(text);
  });
}

ui.table.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-move]");
  if (!button || state.rendering) return;
  move(Number(button.closest("tr").dataset.row), button.dataset.move);
});

/** The list in the base order chosen (the file's, or the tool's suggestion), without the unit's moves: the
 * checker places it, the table is built again in that order, and the order it is in is said. */
function showBaseOrder(afterwards) {
  const job = state.job;
  replan(null, async (plan) => {
    if (!(await drawTable(plan, job))) return;
    hideProgress();
    announce(plan.order_statement);
    if (afterwards) afterwards();
  });
}

// "Undo the moves": back to the base order chosen; the focus goes to that choice (the button hides).
ui.reset.addEventListener("click", () => {
  if (state.rendering || !state.plan) return;
  showBaseOrder(() => root.querySelector('input[name="screening-order-by"]:checked').focus());
});

async function download(button) {
  let result;
  try {
    result = await exportFile(button.dataset.downloadFormat);
  } catch (error) {
    showError(fmt(T.err_file, { message: error.message }));
    return;
  }
  const name = state.plan.file_stem + button.dataset.suffix; // named by the checker, in the page's language
  saveWritten(button, result, name);
  announce(fmt(T.download_done, { file: name }));
}

for (const button of ui.downloadButtons) button.addEventListener("click", () => download(button));

ui.print.addEventListener("click", () => window.print());

// The printed list is built from the plan shown as the page is printed: by the Print button, the browser's menu or
// keys (beforeprint), or a print preview of the page's print style (the media query turning to print).
function preparePrint() {
  if (state.plan) renderPrintList(state.plan, ui.unitName.value.trim());
}
window.addEventListener("beforeprint", preparePrint);
window.matchMedia("print").addEventListener("change", (event) => {
  if (event.matches) preparePrint();
});
setPageNumbers();

// ------------------------------------------------------------------------------------------------ inputs

ui.file.addEventListener("change", () => {
  const file = ui.file.files && ui.file.files[0];
  if (!file) return;
  handleFile(file);
  // Choosing the same file again after editing it must read it again: no "change" without clearing the value.
  ui.file.value = "";
});

let dragDepth = 0;
ui.drop.addEventListener("dragenter", (event) => {
  event.preventDefault();
  dragDepth++;
  ui.drop.classList.add("screening__drop--active");
});
ui.drop.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) ui.drop.classList.remove("screening__drop--active");
});
ui.drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
});
ui.drop.addEventListener("drop", (event) => {
  event.preventDefault();
  dragDepth = 0;
  ui.drop.classList.remove("screening__drop--active");
  const files = event.dataTransfer ? [...event.dataTransfer.files] : [];
  if (!files.length) return;
  handleFile(files[0]); // (its synchronous start clears the note below)
  if (files.length > 1) {
    ui.fileNote.textContent = fmt(T.err_many_files, { name: files[0].name });
    ui.fileNote.hidden = false;
  }
});
// A file dropped beside the box must not make the browser open it (and lose the results).
for (const type of ["dragover", "drop"]) {
  window.addEventListener(type, (event) => {
    if (event.dataTransfer && [...event.dataTransfer.types].includes("Files")) event.preventDefault();
  });
}

// Another kind of unit: screen the same file again (the one being checked, else the one shown), keeping a
// hand-made order.
root.addEventListener("change", async (event) => {
  // Another base order (a radio of #screening-order): the list shown is placed again from it (the unit's moves
  // go); with no list yet, the next file starts from it. While a list is being checked or drawn the choice waits
  // for it: the radios show the order of the list shown.
  if (event.target.name === "screening-order-by") {
    if (!state.plan) return;
    if (state.rendering || state.inflight !== null) showOrderBy(state.plan.order_by);
    else showBaseOrder();
    return;
  }
  if (event.target.name !== "screening-unit-kind") return;
  const source = state.inflight || (state.csvText !== null ? { file: state.csvText, name: state.fileName } : null);
  if (!source) return;
  const job = ++state.job;
  root.dataset.state = "busy";
  clearError();
  announce(fmt(T.rerun, { unit: event.target.dataset.label }));
  await state.replanned;
  const keep = state.plan && state.plan.custom_order && source.file === state.csvText ? state.ranked.map((r) => r.row) : null;
  runBatch(job, source, keep);
});

startChecker();
root.hidden = false;
root.dataset.state = "ready";
restoreSession();
