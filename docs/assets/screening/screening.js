/*
 * The recommending units' screening page (build_scripts/templates/pages/screening.md.j2).
 *
 * - Starts the checker's module worker (assets/checker/worker.mjs, URL relative to the page so the site works under
 *   any sub-path and in /en/) and talks to it with its one protocol: page -> worker {v: 1, id, type, ...},
 *   worker -> page {v: 1, id, ok, result | error} and progress events {v: 1, type: "progress", stage}.
 * - `template` {lang} -> {csv}: the CSV template, downloaded as a file.
 * - The unit's CSV is read by the browser (FileReader; nothing is uploaded), decoded as UTF-8 (or GB18030 when it
 *   is not UTF-8, as Chinese Excel saves "CSV"), and sent as text to `batch` {csv, unit_kind, lang}; the plan that
 *   comes back (rows, quota figures, csv) is shown as a table. Every value from the file is set with textContent,
 *   never as HTML.
 * - Reordering: the unit may move ranked rows up and down. Within/over is then re-applied in the new order the way
 *   checker/batch.py's _plan does it (the first `quota` non-exempt ranked rows are within, the rest over), and the
 *   result CSV is the worker's `csv` with the records reordered and only the rank and quota columns rewritten
 *   (unchanged order: byte for byte the worker's csv).
 */

const root = document.getElementById("screening");
const T = JSON.parse(document.getElementById("screening-strings").textContent);
const LANG = root.dataset.lang;
const MAX_BYTES = 20 * 1024 * 1024;
const BOOT_TIMEOUT_MS = 90_000; // booting, and no word from the worker for this long: give up (a hung boot)
const CSV_COLUMNS = { rank: 0, row: 1, quota: 5 }; // checker/batch.py result_csv's column order
const COUNTABLE = new Set(["eligible", "eligible_with_points_to_confirm"]);

const $ = (id) => document.getElementById(id);
const el = {
  engine: $("screening-engine"),
  engineText: $("screening-engine-text"),
  templateButton: $("screening-template"),
  drop: $("screening-drop"),
  file: $("screening-file"),
  progress: $("screening-progress"),
  progressText: $("screening-progress-text"),
  progressBar: $("screening-progress-bar"),
  error: $("screening-error"),
  fileNote: $("screening-file-note"),
  live: $("screening-live"),
  results: $("screening-results"),
  printed: $("screening-printed"),
  checkedFile: $("screening-checked-file"),
  summary: $("screening-summary"),
  errors: $("screening-errors"),
  download: $("screening-download"),
  print: $("screening-print"),
  reset: $("screening-reset"),
  orderNote: $("screening-order-note"),
  table: $("screening-table"),
};

function fmt(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));
}

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function announce(text) {
  // Clearing first makes a screen reader read the same message again when it repeats.
  el.live.textContent = "";
  window.setTimeout(() => { el.live.textContent = text; }, 50);
}

function showError(text) {
  el.error.textContent = text;
  root.dataset.state = "error";
}

function clearError() {
  el.error.textContent = "";
}

// ------------------------------------------------------------------------------------------------ the worker

class Checker {
  constructor(url, onStage) {
    this.onStage = onStage;
    this.pending = new Map();
    this.nextId = 1;
    this.failed = null;
    this.ready = false;
    this.lastMessage = Date.now();
    try {
      this.worker = new Worker(url, { type: "module" });
    } catch (error) {
      // e.g. a browser without module workers: say so once the page is set up
      window.setTimeout(() => this.fail(String(error.message || error)), 0);
      return;
    }
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(event.message || "worker error");
    };
    this.worker.onmessageerror = () => this.fail("unreadable message from the worker");
    // A boot can hang without an error (a server sending .wasm with the wrong type): time it out.
    this.watchdog = window.setInterval(() => {
      if (!this.ready && Date.now() - this.lastMessage > BOOT_TIMEOUT_MS) this.fail(T.engine_timeout);
    }, 5000);
  }

  receive(message) {
    this.lastMessage = Date.now();
    if (!message || message.v !== 1) return;
    if (message.type === "progress") {
      if (message.stage === "ready") {
        this.ready = true;
        window.clearInterval(this.watchdog);
      }
      if (message.stage === "failed") this.fail(message.error?.message || "boot failed");
      else this.onStage(message.stage, message);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.ok) waiting.resolve(message.result);
    else waiting.reject(Object.assign(new Error(message.error?.message || "error"), { info: message.error || {} }));
  }

  fail(text) {
    if (this.failed) return;
    this.failed = text;
    window.clearInterval(this.watchdog);
    if (this.worker) this.worker.terminate();
    for (const waiting of this.pending.values()) {
      waiting.reject(Object.assign(new Error(text), { info: { code: "engine" } }));
    }
    this.pending.clear();
    this.onStage("failed", { message: text });
  }

  request(type, fields = {}) {
    if (this.failed || !this.worker) {
      return Promise.reject(Object.assign(new Error(this.failed || T.engine_timeout), { info: { code: "engine" } }));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.lastMessage = Date.now();
      this.worker.postMessage({ v: 1, id, type, call: root.dataset.call, ...fields });
    });
  }
}

let engineReady = false;

function onStage(stage, message) {
  if (stage === "failed") {
    el.engine.hidden = false;
    el.engine.querySelector("progress").hidden = true;
    el.engineText.textContent = fmt(T.engine_failed, { message: message.message });
    showError(el.engineText.textContent);
    return;
  }
  if (stage === "ready") {
    engineIsReady();
    return;
  }
  if (engineReady || !(stage in T.stage)) return; // e.g. "warning": nothing to show
  const name = T.stage[stage];
  el.engineText.textContent = fmt(T.stage_line, { stage: name });
}

function engineIsReady() {
  if (engineReady) return;
  engineReady = true;
  el.engineText.textContent = T.engine_ready;
  el.engine.querySelector("progress").hidden = true;
  el.engine.classList.add("screening__engine--ready");
}

const checker = new Checker(new URL(root.dataset.worker, document.baseURI), onStage);

// ------------------------------------------------------------------------------------------------ downloads

function saveText(text, filename) {
  const blob = new Blob([text], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function withBom(text) {
  return text.startsWith("\ufeff") ? text : "\ufeff" + text;
}

el.templateButton.addEventListener("click", async () => {
  clearError();
  el.templateButton.setAttribute("aria-busy", "true");
  announce(T.template_busy);
  try {
    const result = await checker.request("template", { lang: LANG });
    saveText(withBom(result.csv), T.template_file);
    announce(fmt(T.template_done, { file: T.template_file }));
  } catch (error) {
    showError(fmt(T.err_file, { message: error.message }));
  } finally {
    el.templateButton.removeAttribute("aria-busy");
  }
});

// ------------------------------------------------------------------------------------------------ reading the file

function readAsArrayBuffer(file, onProgress) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error || new Error("FileReader error"));
    reader.readAsArrayBuffer(file);
  });
}

function decode(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = Array.from(bytes.slice(0, 4));
  const isZip = magic[0] === 0x50 && magic[1] === 0x4b && magic[2] === 0x03 && magic[3] === 0x04;
  const isOle = magic[0] === 0xd0 && magic[1] === 0xcf && magic[2] === 0x11 && magic[3] === 0xe0;
  if (isZip || isOle) return { error: T.err_xlsx };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder("utf-16le").decode(bytes) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder("utf-16be").decode(bytes) };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { text: new TextDecoder("gb18030").decode(bytes), note: T.gbk_note };
  }
}

function setProgress(text, fraction) {
  el.progress.hidden = false;
  el.progressText.textContent = text;
  if (fraction === null || fraction === undefined) el.progressBar.removeAttribute("value");
  else {
    el.progressBar.max = 1;
    el.progressBar.value = fraction;
  }
}

function hideProgress() {
  el.progress.hidden = true;
}

// ------------------------------------------------------------------------------------------------ state

const state = {
  job: 0,          // the latest file or re-run; older answers are dropped
  csvText: null,   // the unit's file as text, kept to re-run when the unit kind changes
  fileName: "",
  inflight: null,  // {text, name} being screened now
  plan: null,      // the worker's plan
  ranked: [],      // the plan's ranked rows in the current order (objects of plan.rows)
  unranked: [],    // the rest, in the plan's order
  custom: false,   // order changed by hand
  records: null,   // Map row number -> the record of plan.csv
  header: null,    // plan.csv's header record
  labels: {},      // quota status -> label in the plan's language
  trs: new Map(),  // row number -> <tr>
};

function unitKind() {
  return root.querySelector('input[name="screening-unit-kind"]:checked');
}

async function handleFile(file) {
  clearError();
  el.fileNote.hidden = true;
  const job = ++state.job;
  root.dataset.state = "busy";
  if (file.size > MAX_BYTES) {
    showError(fmt(T.err_too_big, { mb: MAX_BYTES / 1024 / 1024 }));
    return;
  }
  setProgress(fmt(T.reading, { name: file.name }), 0);
  announce(fmt(T.reading, { name: file.name }));
  let decoded;
  try {
    const buffer = await readAsArrayBuffer(file, (fraction) => {
      if (job === state.job) setProgress(fmt(T.reading_pct, { name: file.name, pct: Math.round(fraction * 100) }), fraction);
    });
    decoded = decode(buffer);
  } catch (error) {
    if (job === state.job) {
      hideProgress();
      showError(fmt(T.err_read, { message: error.message }));
    }
    return;
  }
  if (job !== state.job) return;
  if (decoded.error) {
    hideProgress();
    showError(decoded.error);
    return;
  }
  if (!decoded.text.replace(/^\ufeff/, "").trim()) {
    hideProgress();
    showError(T.err_empty);
    return;
  }
  if (decoded.note) {
    el.fileNote.textContent = decoded.note;
    el.fileNote.hidden = false;
  }
  await runBatch(job, { text: decoded.text, name: file.name }, null);
}

/** About how many rows follow the header (for the progress line only). */
function countRows(text) {
  let n = text.endsWith("\n") ? 0 : 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return Math.max(1, n - 1);
}

/** Screen `source` ({text, name}); it becomes the page's file only when the worker accepted it. */
async function runBatch(job, source, keepOrder) {
  state.inflight = source;
  const kind = unitKind();
  const lines = countRows(source.text);
  const started = performance.now();
  const tick = () => setProgress(fmt(T.screening_rows, { n: lines, s: Math.round((performance.now() - started) / 1000) }), null);
  tick();
  const timer = window.setInterval(() => { if (job === state.job) tick(); }, 1000);
  let plan;
  try {
    plan = await checker.request("batch", { csv: source.text, unit_kind: kind.value, lang: LANG });
  } catch (error) {
    window.clearInterval(timer);
    if (job !== state.job) return;
    state.inflight = null;
    hideProgress();
    showError(fmt(T.err_file, { message: error.message }));
    announce(el.error.textContent);
    return;
  } finally {
    window.clearInterval(timer);
  }
  if (job !== state.job) return;
  setProgress(T.rendering, null);
  // Let the browser paint the progress line before building a large table.
  await nextFrame();
  if (job !== state.job) return;
  state.inflight = null;
  state.csvText = source.text;
  state.fileName = source.name;
  if (!(await showPlan(plan, keepOrder, job))) return;
  hideProgress();
  const msg = fmt(T.done, {
    total: plan.rows_total, eligible: plan.eligible, counted: plan.counted, quota: plan.quota,
    exempt: plan.exempt, over: plan.over_by, not_counted: plan.not_counted, errors: plan.errors,
  });
  announce(msg);
  // For tests and scripts: what the table shows now.
  root.dataset.file = state.fileName;
  root.dataset.unit = plan.unit_kind;
  root.dataset.runs = String(Number(root.dataset.runs || 0) + 1);
  root.dataset.state = "done";
}

// ------------------------------------------------------------------------------------------------ CSV records

/** RFC 4180 records of `text` (what Python's csv module writes), without a leading BOM. */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = "";
  let i = text.startsWith("\ufeff") ? 1 : 0;
  let quoted = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { record.push(field); field = ""; }
    else if (c === "\r" || c === "\n") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || record.length) { record.push(field); records.push(record); }
  return records;
}

/** One CSV line the way Python's csv.writer (QUOTE_MINIMAL, lineterminator "\r\n") writes it. */
function csvLine(record) {
  return record.map((cell) => (/[",\r\n]/.test(cell) ? '"' + cell.replace(/"/g, '""') + '"' : cell)).join(",") + "\r\n";
}

function resultCsv() {
  const { plan } = state;
  if (!state.custom) return withBom(plan.csv);
  let out = "\ufeff" + csvLine(state.header);
  for (const entry of [...state.ranked, ...state.unranked]) {
    const record = [...state.records.get(entry.row)];
    record[CSV_COLUMNS.rank] = entry.rank ? String(entry.rank) : "";
    record[CSV_COLUMNS.quota] = state.labels[entry.quota_status] || T.status[entry.quota_status];
    out += csvLine(record);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ showing a plan

/** Show a plan; false when a newer job took over while the table was being built. */
async function showPlan(plan, keepOrder, job) {
  state.plan = plan;
  state.ranked = plan.rows.filter((r) => r.rank !== null && r.rank !== undefined);
  state.unranked = plan.rows.filter((r) => r.rank === null || r.rank === undefined);
  for (const r of state.ranked) r.plan_rank = r.rank;
  state.labels = {};
  for (const r of plan.rows) state.labels[r.quota_status] = r.quota_status_label;
  const records = parseCsv(plan.csv);
  state.header = records[0];
  state.records = new Map();
  records.slice(1).forEach((record) => state.records.set(Number(record[CSV_COLUMNS.row]), record));
  state.custom = false;
  if (keepOrder && keepOrder.length) {
    const position = new Map(keepOrder.map((row, i) => [row, i]));
    const known = state.ranked.filter((r) => position.has(r.row)).sort((a, b) => position.get(a.row) - position.get(b.row));
    state.ranked = [...known, ...state.ranked.filter((r) => !position.has(r.row))];
    state.custom = true;
  }
  renderSummary();
  renderErrors();
  el.results.hidden = false;
  document.body.classList.add("screening-has-results");
  return renderTable(job);
}

function renderSummary() {
  const { plan } = state;
  const L = T.summary;
  const items = [
    ["unit", plan.unit_label, "unit"],
    ["quota", plan.quota, "quota"],
    ["counted", plan.counted, "counted"],
    ["exempt", plan.exempt, "exempt"],
    ["over_by", plan.over_by, plan.over_by > 0 ? "over-by screening__figure--over" : "over-by"],
    ["not_counted", plan.not_counted, "not-counted"],
    ["errors", plan.errors, "errors"],
    ["rows_total", plan.rows_total, "rows-total"],
    ["eligible", plan.eligible, "eligible"],
  ];
  const dl = h("dl", { class: "screening__summary", id: "screening-summary-list" });
  for (const [key, value, cls] of items) {
    dl.append(h("div", { class: "screening__figure" + (cls ? " screening__figure--" + cls.split(" ")[0] : ""),
                         "data-figure": key },
      h("dt", { text: L[key] }),
      h("dd", { text: String(value), class: cls.includes("--over") ? "screening__over" : null })));
  }
  const note = h("p", {
    class: plan.over_by > 0 ? "screening__verdict screening__verdict--over" : "screening__verdict",
    text: plan.over_by > 0 ? fmt(T.over_note, { n: plan.over_by }) : T.within_note,
  });
  const cite = h("p", { class: "screening__cite" },
    h("span", { class: "cite", text: plan.citation?.clause || "" }), " ",
    h("q", { class: "cite-quote", lang: "zh-Hans", text: plan.citation?.quote || "" }));
  el.summary.replaceChildren(h("h4", { text: T.summary_title }), dl, note, cite);
  el.printed.textContent = fmt(T.printed, { date: new Date().toLocaleString(LANG === "zh" ? "zh-CN" : "en-GB") });
  el.checkedFile.textContent = fmt(T.checked_file, { name: state.fileName });
}

function errorText(row, error) {
  return error.column
    ? fmt(T.error_item, { row, column: error.column, message: error.message })
    : fmt(T.error_item_row, { row, message: error.message });
}

function renderErrors() {
  const { plan } = state;
  const parts = [];
  const bad = plan.rows.filter((r) => r.errors && r.errors.length);
  if (bad.length) {
    const list = h("ul", { id: "screening-error-list" });
    for (const r of bad) for (const e of r.errors) {
      list.append(h("li", { "data-row": r.row, "data-column": e.column || "", text: errorText(r.row, e) }));
    }
    parts.push(h("div", { class: "admonition failure screening__row-errors" },
      h("p", { class: "admonition-title", text: `${T.errors_title} (${bad.length})` }), list));
  }
  if (plan.unknown_columns && plan.unknown_columns.length) {
    parts.push(h("p", { class: "screening__note", id: "screening-unknown-columns",
                        text: fmt(T.unknown_columns, { columns: plan.unknown_columns.join(LANG === "zh" ? "、" : ", ") }) }));
  }
  el.errors.replaceChildren(...parts);
}

function displayName(entry) {
  return entry.project_name || T.no_name;
}

const nextFrame = () => new Promise((resolve) => window.requestAnimationFrame(() => window.setTimeout(resolve, 0)));
const ROWS_PER_FRAME = 100;

/** Build the table a slice of rows per frame (a 1,000-row file never blocks the page for long). */
async function renderTable(job) {
  const { plan } = state;
  const C = T.col;
  const captionId = "screening-caption";
  const thead = h("thead", {}, h("tr", {},
    ...["rank", "move", "name", "quota", "verdict", "priorities", "row", "reasons"].map((key) =>
      h("th", { scope: "col", class: "screening__col-" + key, text: C[key] }))));
  const tbody = h("tbody", { id: "screening-tbody" });
  state.trs = new Map();
  state.rendering = true;
  const caption = h("caption", { id: captionId },
    fmt(T.caption, { unit: plan.unit_label, n: plan.rows_total }),
    state.ranked.length > 1 ? h("span", { class: "screening__caption-hint", text: " " + T.caption_hint }) : null);
  const table = h("table", { class: "screening__table", id: "screening-result-table" }, caption, thead, tbody);
  const wrap = h("div", { class: "screening__tablewrap", role: "region", "aria-labelledby": captionId, tabindex: "0" }, table);
  el.table.replaceChildren(wrap);
  table.setAttribute("aria-busy", "true");
  const entries = [...state.ranked, ...state.unranked];
  for (let start = 0; start < entries.length; start += ROWS_PER_FRAME) {
    if (start) {
      setProgress(fmt(T.rendering_rows, { n: start, total: entries.length }), start / entries.length);
      await nextFrame();
      if (job !== state.job) return false;
    }
    const fragment = document.createDocumentFragment();
    for (const entry of entries.slice(start, start + ROWS_PER_FRAME)) fragment.append(rowElement(entry));
    tbody.append(fragment);
  }
  applyOrder();
  table.removeAttribute("aria-busy");
  state.rendering = false;
  return true;
}

function rowElement(entry) {
  const ranked = entry.rank !== null && entry.rank !== undefined;
  const tr = h("tr", { "data-row": entry.row, "data-verdict": entry.verdict, class: ranked ? "screening__ranked" : "screening__unranked" });
  const reasons = h("td", { class: "screening__reasons" });
  const items = [
    ...(entry.errors || []).map((e) => ({ text: errorText(entry.row, e), error: true })),
    ...(entry.reasons || []).map((text) => ({ text, error: false })),
  ];
  if (items.length) {
    const ul = h("ul");
    for (const item of items) ul.append(h("li", { class: item.error ? "screening__row-error" : null, text: item.text }));
    reasons.append(ul);
  }
  const name = h("th", { scope: "row", class: "screening__name" + (entry.project_name ? "" : " screening__name--empty") });
  name.textContent = displayName(entry);
  const moveCell = h("td", { class: "screening__move" });
  if (ranked) {
    moveCell.append(
      h("button", { type: "button", class: "screening__move-button", "data-move": "up", text: T.up }),
      h("button", { type: "button", class: "screening__move-button", "data-move": "down", text: T.down }));
  }
  // data-label: the column's name, shown beside each cell when narrow screens lay a row out as a card.
  const C = T.col;
  reasons.dataset.label = C.reasons;
  tr.append(
    h("td", { class: "screening__rank", "data-label": C.rank, text: ranked ? String(entry.rank) : "—" }),
    moveCell,
    name,
    h("td", { class: "screening__status screening__status--" + entry.quota_status, "data-status": entry.quota_status,
              "data-label": C.quota, text: entry.quota_status_label }),
    h("td", { class: "screening__verdict-cell screening__verdict--" + entry.verdict, "data-label": C.verdict,
              text: entry.verdict_label }),
    h("td", { class: "screening__priorities", "data-label": C.priorities,
              text: String((entry.priorities || []).length) }),
    h("td", { class: "screening__row", "data-label": C.row, text: String(entry.row) }),
    reasons);
  state.trs.set(entry.row, tr);
  return tr;
}

/** Re-apply ranks and within/over in the current order (checker/batch.py _plan's rule) and update the cells. */
function applyOrder() {
  const quota = state.plan.quota;
  let used = 0;
  const last = state.ranked.length - 1;
  state.ranked.forEach((entry, index) => {
    entry.rank = index + 1;
    if (entry.exempt === true) entry.quota_status = "exempt";
    else entry.quota_status = ++used <= quota ? "within" : "over";
    entry.quota_status_label = state.labels[entry.quota_status] || T.status[entry.quota_status];
    const tr = state.trs.get(entry.row);
    const rankCell = tr.querySelector(".screening__rank");
    if (rankCell.textContent !== String(entry.rank)) rankCell.textContent = String(entry.rank);
    const status = tr.querySelector(".screening__status");
    if (status.dataset.status !== entry.quota_status) {
      status.dataset.status = entry.quota_status;
      status.className = "screening__status screening__status--" + entry.quota_status;
      status.textContent = entry.quota_status_label;
    }
    const [up, down] = tr.querySelectorAll(".screening__move-button");
    const name = displayName(entry);
    up.setAttribute("aria-label", fmt(T.up_label, { name, rank: entry.rank }));
    down.setAttribute("aria-label", fmt(T.down_label, { name, rank: entry.rank }));
    setDisabled(up, index === 0);
    setDisabled(down, index === last);
  });
  el.reset.hidden = !state.custom;
  el.orderNote.hidden = !state.custom;
}

// aria-disabled instead of disabled: the button keeps keyboard focus when a row reaches the top or the bottom.
function setDisabled(button, disabled) {
  if (disabled) button.setAttribute("aria-disabled", "true");
  else button.removeAttribute("aria-disabled");
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
  const otherBefore = other.quota_status;
  state.custom = true;
  applyOrder();
  let text = fmt(T.moved, { name: displayName(entry), rank: entry.rank, status: entry.quota_status_label });
  if (other.quota_status !== otherBefore) {
    text += " " + fmt(T.moved_swap, { name: displayName(other), rank: other.rank, status: other.quota_status_label });
  }
  announce(text);
}

el.table.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-move]");
  if (!button || state.rendering) return;
  move(Number(button.closest("tr").dataset.row), button.dataset.move);
});

el.reset.addEventListener("click", async () => {
  if (state.rendering) return;
  state.custom = false;
  state.ranked.sort((a, b) => a.plan_rank - b.plan_rank);
  const job = state.job;
  if (await renderTable(job)) {
    hideProgress();
    announce(T.order_reset);
    el.download.focus();
  }
});

el.download.addEventListener("click", () => {
  const name = fmt(T.result_file, { unit: state.plan.unit_kind.replace(/_/g, "-") });
  saveText(resultCsv(), name);
  announce(fmt(T.download_done, { file: name }));
});

el.print.addEventListener("click", () => window.print());

// ------------------------------------------------------------------------------------------------ inputs

el.file.addEventListener("change", () => {
  const file = el.file.files && el.file.files[0];
  if (!file) return;
  handleFile(file);
  // Choosing the same file again after editing it must read it again: no "change" without clearing the value.
  el.file.value = "";
});

let dragDepth = 0;
el.drop.addEventListener("dragenter", (event) => {
  event.preventDefault();
  dragDepth++;
  el.drop.classList.add("screening__drop--active");
});
el.drop.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) el.drop.classList.remove("screening__drop--active");
});
el.drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
});
el.drop.addEventListener("drop", (event) => {
  event.preventDefault();
  dragDepth = 0;
  el.drop.classList.remove("screening__drop--active");
  const files = event.dataTransfer ? [...event.dataTransfer.files] : [];
  if (!files.length) return;
  handleFile(files[0]); // (its synchronous start clears the note below)
  if (files.length > 1) {
    el.fileNote.textContent = fmt(T.err_many_files, { name: files[0].name });
    el.fileNote.hidden = false;
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
root.addEventListener("change", (event) => {
  if (event.target.name !== "screening-unit-kind") return;
  const source = state.inflight || (state.csvText !== null ? { text: state.csvText, name: state.fileName } : null);
  if (!source) return;
  const keep = state.custom && source.text === state.csvText ? state.ranked.map((r) => r.row) : null;
  const job = ++state.job;
  root.dataset.state = "busy";
  clearError();
  announce(fmt(T.rerun, { unit: event.target.dataset.label }));
  runBatch(job, source, keep);
});

root.hidden = false;
root.dataset.state = "ready";
