/*
 * The self-check page: saves the answers, sends them to the checker's module worker (worker.mjs, whose first lines
 * document the message protocol) and shows the result. The form itself is plain HTML rendered at build time
 * (build_scripts/templates/pages/checker.md.j2); this script only reads and fills it.
 *
 * - Answers are saved in localStorage under one key per call (the same for every language), on every change, and
 *   restored on load. Export / import use {call, ruleset_version, exported_on, answers}, the format the command
 *   line's `assess` reads. A link "#answers=<base64url(JSON)>" carries answers in the fragment (never sent to a
 *   server); "?direction=d4" preselects a direction.
 * - Everything the visitor typed, and everything the checker returns, goes into the page with textContent (the
 *   el() helper below); never with innerHTML.
 * - The boot time-out is data-boot-timeout on #checker (ms), or ?boot_timeout=<ms> in the page's URL (tests).
 */

const PROTOCOL = 1;
const root = document.getElementById("checker");
const S = JSON.parse(document.getElementById("checker-strings").textContent);
const FORM = JSON.parse(document.getElementById("checker-questionnaire").textContent);
const form = document.getElementById("checker-form");
const lang = root.dataset.lang;
const CALL = root.dataset.call;
const RULESET = root.dataset.rulesetVersion;
const LANG_ROOT = root.dataset.langRoot || "../";
const STORAGE_KEY = `bdpilot-checker:answers:${CALL}`;
const $ = (id) => document.getElementById(id);

const QUESTIONS = new Map();
for (const section of FORM.sections) for (const q of section.questions) QUESTIONS.set(q.id, q);
const DIRECTION_QUESTION = "direction";

// ------------------------------------------------------------------------------------------------ small helpers

/** An element with attributes and children; strings become text nodes (never parsed as HTML). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return node;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

function localDate() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function sameAnswers(a, b) {
  const norm = (x) => JSON.stringify(Object.keys(x || {}).sort().map((k) => [k, x[k]]));
  return norm(a) === norm(b);
}

function b64urlEncode(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64urlDecode(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/** The answers of a document: an exported file {answers: {...}} or a plain mapping; null when neither. */
function unwrap(doc) {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return null;
  if (doc.answers && typeof doc.answers === "object" && !Array.isArray(doc.answers)) return doc.answers;
  return doc;
}

// ------------------------------------------------------------------------------------------------ the form

function controls(qid) {
  return form.querySelectorAll(`[name="${CSS.escape(qid)}"]`);
}

/** Answers as the checker reads them: question -> option id, [option ids], number or text. */
function collectAnswers() {
  const answers = {};
  for (const [qid, q] of QUESTIONS) {
    const inputs = controls(qid);
    if (q.kind === "single" || q.kind === "tristate") {
      const checked = [...inputs].find((i) => i.checked);
      if (checked) answers[qid] = checked.value;
    } else if (q.kind === "multi") {
      const values = [...inputs].filter((i) => i.checked).map((i) => i.value);
      if (values.length) answers[qid] = values;
    } else {
      const input = inputs[0];
      const value = input.value.trim();
      if (!value) continue;
      if (q.kind === "integer") answers[qid] = /^[+-]?\d+$/.test(value) ? Number(value) : Number.isFinite(Number(value)) ? Number(value) : value;
      else answers[qid] = q.kind === "text" ? input.value : value;
    }
  }
  return answers;
}

/** Fill the form with `answers` (everything else is cleared); returns the question ids that could not be used. */
function applyAnswers(answers) {
  form.reset();
  const unusable = [];
  for (const [qid, value] of Object.entries(answers || {})) {
    const q = QUESTIONS.get(qid);
    if (!q) {
      unusable.push(qid);
      continue;
    }
    const inputs = [...controls(qid)];
    if (q.kind === "single" || q.kind === "tristate") {
      const match = inputs.find((i) => i.value === String(value));
      if (match) match.checked = true;
      else unusable.push(qid);
    } else if (q.kind === "multi") {
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      let ok = true;
      for (const v of values) {
        const match = inputs.find((i) => i.value === v);
        if (match) match.checked = true;
        else ok = false;
      }
      if (!ok) unusable.push(qid);
    } else if (value !== null && typeof value !== "object") {
      inputs[0].value = String(value);
      if (inputs[0].value !== String(value) && q.kind !== "text") unusable.push(qid);
    } else {
      unusable.push(qid);
    }
  }
  return unusable;
}

function setVisible(visibleIds) {
  const visible = new Set(visibleIds);
  for (const wrapper of form.querySelectorAll("[data-conditional]")) {
    wrapper.hidden = !visible.has(wrapper.dataset.question);
  }
}

function onExclusive(target) {
  if (target.type !== "checkbox") return;
  const group = [...controls(target.name)];
  if (!target.checked) return;
  if (target.hasAttribute("data-exclusive")) {
    for (const box of group) if (box !== target) box.checked = false;
  } else {
    for (const box of group) if (box.hasAttribute("data-exclusive")) box.checked = false;
  }
}

// ------------------------------------------------------------------------------------------------ storage

let storageOk = true;

function exportDoc() {
  return { call: CALL, ruleset_version: RULESET, exported_on: localDate(), answers: collectAnswers() };
}

function save() {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(exportDoc()));
  } catch (error) {
    if (storageOk) {
      storageOk = false;
      showMessage(S.saved_unavailable, { alert: true });
    }
  }
}

function loadSaved() {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    if (!text) return null;
    return unwrap(JSON.parse(text));
  } catch (error) {
    return null;
  }
}

// ------------------------------------------------------------------------------------------------ messages

const messageBox = $("checker-message");
const alertBox = $("checker-alert");
let undoAnswers = null;

/** A status message (or an alert), optionally with an Undo button restoring `undo` answers. */
function showMessage(text, { alert = false, undo = null, list = [] } = {}) {
  const box = alert ? alertBox : messageBox;
  const parts = [el("p", {}, text)];
  if (list.length) parts.push(el("ul", {}, list.map((item) => el("li", {}, item))));
  if (undo) {
    undoAnswers = undo;
    const button = el("button", { type: "button", class: "md-button", id: "checker-undo" }, S.undo);
    button.addEventListener("click", () => {
      const previous = undoAnswers;
      undoAnswers = null;
      applyAnswers(previous);
      changed();
      showMessage(S.undone);
    });
    parts.push(button);
  }
  box.replaceChildren(...parts);
  if (!alert) alertBox.replaceChildren();
}

function clearMessages() {
  messageBox.replaceChildren();
  alertBox.replaceChildren();
}

// ------------------------------------------------------------------------------------------------ the worker

let worker = null;
let ready = false;
let bootFailure = null;
let nextId = 1;
const pending = new Map();
const engineBox = $("checker-engine");
const engineText = $("checker-engine-text");

function bootTimeout() {
  const fromQuery = Number(new URLSearchParams(location.search).get("boot_timeout"));
  if (fromQuery > 0) return fromQuery;
  return Number(root.dataset.bootTimeout) || 60000;
}

function request(type, payload = {}) {
  return new Promise((resolve) => {
    if (bootFailure || !worker) {
      resolve({ ok: false, error: { code: "not_ready", message: bootFailure ? bootFailure.message : "no worker", details: [] } });
      return;
    }
    const id = nextId++;
    pending.set(id, resolve);
    worker.postMessage({ v: PROTOCOL, id, type, call: CALL, ...payload });
  });
}

function showStage(stage) {
  engineText.textContent = S.stage[stage] || S.stage.waiting;
}

function failBoot(error) {
  if (bootFailure) return;
  bootFailure = error;
  ready = false;
  clearTimeout(bootTimer);
  if (worker) worker.terminate();
  for (const resolve of pending.values()) resolve({ ok: false, error: { code: "not_ready", message: error.message, details: [] } });
  pending.clear();
  const texts = (S.boot[error.code] || S.boot.internal)[lang];
  const values = { message: error.message, seconds: Math.round(bootTimeout() / 1000), ...(error.details || {}) };
  engineBox.hidden = true;
  const box = $("checker-boot-error");
  box.replaceChildren(
    el("p", { class: "checker-boot-error__title" }, el("strong", {}, S.boot_failed_title)),
    el("p", {}, el("strong", {}, S.boot_visitor), fill(texts[0], values)),
    el("p", {}, el("strong", {}, S.boot_admin), fill(texts[1], values)),
    el("p", {}, S.boot_kept, " ", el("a", { href: S.eligibility_url }, S.eligibility_link), " · ",
      el("a", { href: S.requirements_url, id: "checker-requirements-link" }, S.boot_requirements)),
  );
  box.hidden = false;
  box.dataset.code = error.code;
  $("checker-verdict").textContent = "";
  $("checker-verdict-explain").textContent = "";
}

/** After a time-out, find out why: a .wasm with the wrong Content-Type is the usual cause. */
async function diagnoseTimeout() {
  const base = new URL(root.dataset.worker, location.href);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.min(5000, bootTimeout()));
  try {
    const manifestURL = new URL("manifest.json", base);
    const manifest = await (await fetch(manifestURL, { cache: "no-cache", signal: abort.signal })).json();
    const wasm = new URL("pyodide.asm.wasm", new URL(manifest.index_url, manifestURL));
    const head = await fetch(wasm, { method: "HEAD", cache: "no-store", signal: abort.signal });
    const type = (head.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
    if (head.ok && type !== "application/wasm") {
      return { code: "wasm_mime", message: `${wasm.href}: ${type}`, details: { url: wasm.href, content_type: type || "-" } };
    }
    if (!head.ok && head.status !== 405) {
      return { code: "fetch_failed", message: `${wasm.href}: HTTP ${head.status}`, details: { url: wasm.href, status: head.status } };
    }
  } catch (error) {
    // fall through: a plain time-out
  } finally {
    clearTimeout(timer);
  }
  return { code: "timeout", message: "time-out", details: {} };
}

let bootTimer = null;

function startWorker() {
  if (typeof WebAssembly !== "object") {
    failBoot({ code: "no_webassembly", message: "no WebAssembly", details: {} });
    return;
  }
  try {
    worker = new Worker(new URL(root.dataset.worker, location.href), { type: "module" });
  } catch (error) {
    failBoot({ code: "worker_failed", message: String(error.message || error), details: {} });
    return;
  }
  bootTimer = setTimeout(async () => {
    if (ready || bootFailure) return;
    if (worker) worker.terminate();
    failBoot(await diagnoseTimeout());
  }, bootTimeout());
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    if (!ready) failBoot({ code: "worker_failed", message: event.message || "the worker script failed to load", details: {} });
  });
  worker.addEventListener("message", (event) => {
    const message = event.data || {};
    if (message.v !== PROTOCOL) return;
    if (message.type === "progress") {
      if (message.stage === "ready") {
        ready = true;
        clearTimeout(bootTimer);
        showStage("ready");
        engineBox.hidden = true;
        root.dataset.ready = "true";
        assessNow();
      } else if (message.stage === "failed") {
        failBoot(message.error || { code: "internal", message: "failed", details: {} });
      } else if (message.stage !== "warning") {
        showStage(message.stage);
      }
      return;
    }
    const resolve = pending.get(message.id);
    if (resolve) {
      pending.delete(message.id);
      resolve(message);
    }
  });
}

// ------------------------------------------------------------------------------------------------ assessing

let assessSeq = 0;
let debounceTimer = null;
let lastResultText = "";
let lastResult = null;

function scheduleAssess(delay = 150) {
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(assessNow, delay);
}

async function assessNow() {
  clearTimeout(debounceTimer);
  updateSummary(lastResult);
  if (!ready) {
    if (!bootFailure) showWaiting();
    return;
  }
  const seq = ++assessSeq;
  const response = await request("assess", { answers: collectAnswers(), lang, as_of: localDate() });
  if (seq !== assessSeq) return; // a newer change is on its way
  if (response.ok) {
    clearFieldErrors();
    renderResult(response.result);
  } else {
    renderErrors(response.error);
  }
}

function showWaiting() {
  const verdict = $("checker-verdict");
  if (!verdict.dataset.verdict) $("checker-verdict-explain").textContent = S.loading_result;
}

function clearFieldErrors() {
  for (const node of form.querySelectorAll(".checker-q__error")) node.textContent = "";
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  $("checker-errors").replaceChildren();
}

function renderErrors(error) {
  clearFieldErrors();
  const box = $("checker-errors");
  if (error.code !== "invalid_answers") {
    box.replaceChildren(el("p", {}, error.message));
    return;
  }
  const items = [];
  for (const detail of error.details || []) {
    const qid = detail.question;
    const target = qid && QUESTIONS.has(qid) ? $(`err-${qid}`) : null;
    if (target) {
      target.textContent = detail.message;
      for (const input of controls(qid)) input.setAttribute("aria-invalid", "true");
      items.push(el("li", {}, el("a", { href: `#q-${qid}` }, detail.message)));
    } else {
      items.push(el("li", {}, detail.message));
    }
  }
  box.replaceChildren(el("p", {}, el("strong", {}, S.errors_title)), el("ul", {}, items));
}

// ------------------------------------------------------------------------------------------------ the result

function guideLink(guide) {
  return LANG_ROOT + guide;
}

function citation(c) {
  if (!c) return null;
  return el("p", { class: "checker-cite" }, el("span", { class: "checker-cite__clause" }, S.source + c.clause), " ",
    S.original, el("q", { lang: "zh-Hans" }, c.quote));
}

function finding(f) {
  return el("li", { class: `checker-finding checker-finding--${f.outcome}`, "data-rule": f.rule },
    el("p", { class: "checker-finding__title" }, el("strong", {}, f.title), " ", el("span", { class: "checker-badge" }, f.outcome_label)),
    f.message !== f.title ? el("p", {}, f.message) : null,
    // What the notice asks for, with the number from the policy data ("Scenarios in use is at least 5 ...").
    f.outcome !== "pass" ? el("p", { class: "checker-finding__requirement" }, S.requirement, f.requirement) : null,
    f.answers.length ? el("p", { class: "checker-finding__answers" }, S.your_answer,
      f.answers.map((a, i) => [i ? "; " : "", `${a.label} → ${a.answer}`])) : null,
    citation(f.citation),
    el("p", {}, el("a", { href: guideLink(f.guide) }, S.guide_link)));
}

function section(title, ...children) {
  return el("section", { class: "checker-block" }, el("h3", {}, title), ...children);
}

function renderResult(result) {
  lastResult = result;
  setVisible(result.visible_questions);
  updateSummary(result);
  const verdict = $("checker-verdict");
  if (verdict.dataset.verdict !== result.verdict || verdict.textContent !== result.verdict_label) {
    verdict.textContent = result.verdict_label;
    verdict.dataset.verdict = result.verdict;
    verdict.className = `checker-verdict checker-verdict--${result.verdict}`;
    $("checker-verdict-explain").textContent = S.verdict_explain[result.verdict] || "";
    $("checker-livebar-verdict").textContent = result.verdict_label;
    $("checker-livebar").hidden = false;
  }
  const text = JSON.stringify(result);
  if (text === lastResultText) return;
  lastResultText = text;

  const f = result.findings;
  const failed = f.filter((x) => x.severity === "blocks" && x.outcome === "fail");
  // A point is "to confirm" only once one of its questions is answered; unanswered ones are listed as missing.
  const answered = (x) => !x.answers.length || x.answers.some((a) => a.question in result.answers);
  const confirm = f.filter((x) => ((x.severity === "confirm" && (x.outcome === "fail" || x.outcome === "unknown"))
    || (x.severity === "blocks" && x.outcome === "unknown")) && answered(x));
  const met = f.filter((x) => x.outcome === "pass");
  const blocks = [];
  blocks.push(el("p", { class: "checker-timeline-note", "data-open": String(result.timeline.applicants_open) }, result.timeline.message));
  if (result.ignored_note) blocks.push(el("p", { id: "checker-ignored", class: "checker-note" }, result.ignored_note));
  if (result.missing.length) {
    blocks.push(section(S.missing_title, el("ul", { id: "checker-missing" },
      result.missing.map((m) => el("li", {}, el("a", { href: `#q-${m.question}` }, m.label))))));
  }
  if (failed.length) blocks.push(section(S.failed_title, el("ul", { class: "checker-findings", id: "checker-failed" }, failed.map(finding))));
  if (confirm.length) blocks.push(section(S.confirm_title, el("ul", { class: "checker-findings", id: "checker-confirm" }, confirm.map(finding))));
  if (met.length) {
    blocks.push(el("details", { class: "checker-block checker-met" },
      el("summary", {}, fill(S.met_title, { n: met.length })),
      el("ul", { class: "checker-findings", id: "checker-met" }, met.map(finding))));
  }
  const prioritiesMet = result.priorities.filter((p) => p.met === true);
  blocks.push(section(S.priorities_title,
    prioritiesMet.length
      ? [el("p", {}, fill(S.priorities_met, { n: prioritiesMet.length })),
        el("ul", { id: "checker-priorities" }, prioritiesMet.map((p) => el("li", {}, el("a", { href: guideLink(p.guide) }, p.text), citation(p.citation))))]
      : el("p", {}, S.priorities_none)));
  const quota = result.quota;
  blocks.push(section(S.quota_title,
    el("p", { id: "checker-quota" }, quota.message),
    quota.unit_label ? el("p", {}, fill(S.quota_unit, { unit: quota.unit_label, n: quota.unit_quota })) : null,
    el("p", {}, quota.exemption), citation(quota.citation)));
  if (result.other_directions.length) {
    blocks.push(section(S.other_title, el("p", {}, S.other_intro), el("ul", { id: "checker-other" },
      result.other_directions.map((o) => el("li", { "data-direction": o.direction },
        // "Incomplete" says nothing here: name the direction's own questions still to answer instead.
        el("strong", {}, o.title), " — ",
        o.missing.length ? el("span", {}, S.other_missing, o.missing.map((m) => m.label).join(S.list_sep)) : o.verdict_label,
        el("br"),
        o.slug ? el("a", { href: `${LANG_ROOT}directions/${o.slug}/` }, S.other_page) : null,
        o.slug ? " · " : null,
        el("a", { href: `?direction=${encodeURIComponent(o.direction)}`, "data-switch-direction": o.direction }, S.other_check))))));
  } else if (result.other_directions_note) {
    blocks.push(section(S.other_title, el("p", { id: "checker-other-none" }, result.other_directions_note)));
  }
  blocks.push(section(S.timeline_title, el("table", { class: "checker-timeline" },
    el("thead", {}, el("tr", {}, [S.col_date, S.col_who, S.col_what, S.col_status].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, result.timeline.phases.map((p) => el("tr", { "data-status": p.status },
      el("td", {}, p.date), el("td", {}, p.who), el("td", {}, p.what), el("td", {}, p.status_label)))))));
  blocks.push(el("footer", { class: "checker-result-footer" },
    el("p", { id: "checker-version" }, fill(S.version_line, { version: result.ruleset_version, date: result.computed_on })),
    el("p", {}, result.disclaimer),
    el("p", {}, S.official, el("a", { href: result.official_channel.url, rel: "noopener noreferrer" }, result.official_channel.name),
      el("span", { class: "checker-official-url" }, ` (${result.official_channel.url})`))));
  $("checker-details").replaceChildren(...blocks);
}

// The printable summary: each visible question and its answer, in the page's language.
function formatAnswer(q, value) {
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return S.not_answered;
  const label = (id) => ((q.options || []).find((o) => o.id === id) || { label: String(id) }).label;
  if (q.kind === "single" || q.kind === "tristate") return label(value);
  if (q.kind === "multi") return value.map(label).join(S.list_sep);
  return String(value);
}

function updateSummary(result) {
  const answers = collectAnswers();
  const visible = result ? new Set(result.visible_questions) : null;
  const rows = [];
  for (const [qid, q] of QUESTIONS) {
    if (visible ? !visible.has(qid) : q.conditional) continue;
    rows.push(el("tr", {}, el("th", { scope: "row" }, q.label), el("td", {}, formatAnswer(q, answers[qid]))));
  }
  $("checker-summary-body").replaceChildren(...rows);
  const meta = [fill(S.report_date, { date: localDate() })];
  if (answers.project_name) meta.push(S.project + answers.project_name);
  $("checker-report-meta").textContent = meta.join(" · ");
}

// ------------------------------------------------------------------------------------------------ changes

function changed(delay) {
  save();
  scheduleAssess(delay);
}

// A click on a choice is assessed at once; typing (numbers, dates, text) waits for a pause.
const CHOICES = new Set(["radio", "checkbox", "select-one", "select-multiple"]);
form.addEventListener("change", (event) => {
  onExclusive(event.target);
  changed(CHOICES.has(event.target.type) ? 0 : undefined);
});
form.addEventListener("input", (event) => {
  const target = event.target;
  if (target.type === "number") {
    const err = $(`err-${target.name}`);
    if (target.validity.badInput) {
      err.textContent = S.bad_number;
      target.setAttribute("aria-invalid", "true");
    } else if (err && err.textContent === S.bad_number) {
      err.textContent = "";
      target.removeAttribute("aria-invalid");
    }
  }
  if (target.type !== "radio" && target.type !== "checkbox") changed();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  assessNow();
});
// Material's keyboard shortcuts (n, p, s, f, /) also fire on focused radio buttons; keep letters to the form.
form.addEventListener("keydown", (event) => {
  if (event.target.type === "radio" && event.key.length === 1 && !event.ctrlKey && !event.metaKey) event.stopPropagation();
});

// ------------------------------------------------------------------------------------------------ tools

$("checker-export").addEventListener("click", () => {
  const doc = exportDoc();
  const file = fill(S.export_file, { date: doc.exported_on });
  const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" }));
  const link = el("a", { href: url, download: file, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  showMessage(fill(S.exported, { file }));
});

const importInput = $("checker-import");
$("checker-import-button").addEventListener("click", () => importInput.click());
importInput.addEventListener("change", async () => {
  const file = importInput.files && importInput.files[0];
  importInput.value = "";
  if (file) await importFile(file.name, await file.text());
});

async function importFile(name, text) {
  let doc;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    showMessage(fill(S.import_not_json, { file: name, message: error.message }), { alert: true });
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
  if (bootFailure) {
    applyAnswers(raw);
    changed();
    showMessage([fill(S.imported, { file: name, n: Object.keys(raw).length }), S.import_unchecked, ...notes].join(" "), { undo: previous });
    return;
  }
  showMessage(fill(S.import_checking, { file: name }));
  const response = await request("assess", { answers: doc, lang, as_of: localDate() });
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
  save();
  renderResult(response.result);
  showMessage([fill(S.imported, { file: name, n: Object.keys(response.result.answers).length }), ...notes].join(" "), { undo: previous });
}

$("checker-share").addEventListener("click", async () => {
  const doc = { call: CALL, ruleset_version: RULESET, answers: collectAnswers() };
  const url = `${location.origin}${location.pathname}#answers=${b64urlEncode(JSON.stringify(doc))}`;
  const box = $("checker-share-box");
  const field = $("checker-share-url");
  field.value = url;
  box.hidden = false;
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
clearButton.addEventListener("click", () => {
  clearConfirm.hidden = false;
  clearButton.setAttribute("aria-expanded", "true");
  $("checker-clear-no").focus();
});
$("checker-clear-no").addEventListener("click", () => {
  clearConfirm.hidden = true;
  clearButton.setAttribute("aria-expanded", "false");
  clearButton.focus();
});
$("checker-clear-yes").addEventListener("click", () => {
  const previous = collectAnswers();
  applyAnswers({});
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch (error) {
    // nothing saved
  }
  clearConfirm.hidden = true;
  clearButton.setAttribute("aria-expanded", "false");
  clearButton.focus();
  clearFieldErrors();
  scheduleAssess(0);
  showMessage(S.cleared, { undo: previous });
});

$("checker-print").addEventListener("click", () => window.print());

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

function selectDirection(id) {
  const input = [...controls(DIRECTION_QUESTION)].find((i) => i.value === id);
  if (input) input.checked = true;
  return Boolean(input);
}

// The bar with the current verdict is for when the results are out of sight.
if ("IntersectionObserver" in window) {
  new IntersectionObserver((entries) => {
    $("checker-livebar").classList.toggle("checker-livebar--away", entries.some((e) => e.isIntersecting));
  }).observe($("checker-results"));
}

// ------------------------------------------------------------------------------------------------ start-up

/** Take the answers out of the address bar once they are read (the page keeps them in localStorage). */
function dropFragment() {
  history.replaceState(history.state, "", location.pathname + location.search);
}

/** "#answers=..." in the address: restore those answers (the link wins; the saved ones can be restored). */
function restoreFromFragment() {
  const hash = location.hash;
  if (!hash.startsWith("#answers=")) return false;
  dropFragment();
  const saved = collectAnswers();
  let answers;
  try {
    answers = unwrap(JSON.parse(b64urlDecode(hash.slice("#answers=".length))));
    if (!answers) throw new Error("no answers");
  } catch (error) {
    showMessage(S.link_bad, { alert: true });
    return false;
  }
  const unusable = applyAnswers(answers);
  const hadSaved = Object.keys(saved).length > 0;
  const differs = hadSaved && !sameAnswers(saved, collectAnswers());
  save();
  const text = differs ? S.link_replaced : S.link_restored;
  if (unusable.length) {
    showMessage(`${text} ${fill(S.link_unusable, { questions: unusable.join(S.list_sep) })}`, { alert: true, undo: differs ? saved : null });
  } else {
    showMessage(text, { undo: differs ? saved : null });
  }
  return true;
}

function init() {
  startWorker();
  const saved = loadSaved();
  if (saved) applyAnswers(saved);
  restoreFromFragment();
  // ?direction=d4 (the direction pages link here with it) preselects the direction once: the address keeps it,
  // and history.state remembers that it was applied, so a reload keeps whatever the visitor chose since.
  const direction = new URLSearchParams(location.search).get("direction");
  const state = history.state && typeof history.state === "object" ? history.state : {};
  if (direction && state.checkerDirection !== direction) {
    if (selectDirection(direction)) save();
    history.replaceState({ ...state, checkerDirection: direction }, "");
  }
  window.addEventListener("hashchange", () => {
    if (restoreFromFragment()) scheduleAssess(0);
  });
  assessNow();
}

init();
