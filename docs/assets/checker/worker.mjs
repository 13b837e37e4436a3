/*
 * The checker's module Web Worker: runs the eligibility checker (Python, checker/api.py) in self-hosted Pyodide.
 * Start it with  new Worker(new URL("assets/checker/worker.mjs", <site root>), { type: "module" })
 * (a module worker is required: Pyodide refuses classic workers). It starts booting at once; requests sent before
 * it is ready are queued. Nothing leaves the browser: the worker fetches only files of this site.
 *
 * Files (all beside or below this file, written by build_scripts/pyodide_assets.py at build time):
 *   manifest.json                      {pyodide_version, index_url, lock_file, package, rulesets, ...}
 *   ../pyodide/<version>/              Pyodide core (pyodide.mjs, pyodide.asm.mjs/.wasm, python_stdlib.zip)
 *   checker-lock-<hash>.json           the site's lock file: the checker wheel by name, with its sha256
 *   bdpilot_checker-<version>.whl      the checker, loaded by name from the lock file (loadPyodide's `packages`,
 *                                      i.e. loadPackage during the boot), integrity-checked
 *
 * ---------------------------------------------------------------------------------------------------------------
 * MESSAGE PROTOCOL, version 1 (every message carries v: 1)
 * ---------------------------------------------------------------------------------------------------------------
 * Page -> worker (a request):
 *   {v: 1, id, type, call?, ...payload}
 *     id      any JSON value chosen by the page; echoed in the response
 *     call    call id (policy_data/calls/<call>): required, there is no default call
 *     type    "meta"       -> result {protocol, call, ruleset_version}
 *             "questions"  {lang}                      -> the questionnaire (checker/questionnaire.py)
 *             "assess"     {answers, lang, as_of?}      -> the explained result (checker/engine.py, schema
 *                          "bdpilot.result/1"). `answers` is a mapping question -> answer, or an exported file
 *                          {call, ruleset_version, exported_on, answers}. as_of: "YYYY-MM-DD", the visitor's local
 *                          date (the worker fills in the local date when it is missing).
 *             "template"   {lang, format?}             -> {csv} or, format "xlsx", {xlsx}: the list template
 *             "batch"      {csv | xlsx, file_name?, unit_kind, lang, order?, as_of?} -> the screening plan
 *                          (checker/batch.py) with its `csv` export and a `plan_id`; `order`: row numbers in the
 *                          unit's order (default: the tool's); xlsx: the workbook's bytes as base64
 * An .xlsx (batch with `xlsx`, template or export with format "xlsx") first loads the workbook packages named in
 * the manifest (openpyxl, et_xmlfile), once: other requests never fetch them.
 *             "replan"     {plan_id, order?}           -> that plan's placement in `order`: {plan_id, custom_order,
 *                          figures, rows: [{row, rank, quota_status, quota_status_label}]}
 *             "export"     {plan_id, format?}          -> {plan_id, csv} or {plan_id, xlsx}: the result file as it stands
 *
 * Worker -> page:
 *   a response to each request, in the order the requests arrived:
 *     {v: 1, id, ok: true, result}
 *     {v: 1, id, ok: false, error: {code, message, details}}
 *       codes from the checker: "invalid_answers" (details: [{question, value, code, message}], the same
 *       messages as the command line), "invalid_file", "bad_request", "bad_json";
 *       codes from the worker: "bad_message" (not {v: 1, type, ...}), "not_ready" (the boot failed: details
 *       holds the boot error), "internal" (an unexpected Python or JavaScript error).
 *   progress of a request still running (a batch, every checker.batch.PROGRESS_ROWS rows and at its end):
 *     {v: 1, type: "progress", stage: "working", id, done, total, elapsed_ms}   id: the request's
 *   progress events of the boot, never in reply to a request:
 *     {v: 1, type: "progress", stage, elapsed_ms, ...}
 *       stage "downloading"  fetching the manifest and Pyodide's files              (+ pyodide_version)
 *             "starting"     the WebAssembly module is compiled; Python is starting and the checker package
 *                            (fetched beside the boot, sha256-checked) is being installed
 *             "loading"      Python runs; importing checker.api
 *             "ready"        requests are answered now   (+ meta: {protocol, calls: [{protocol, call,
 *                            ruleset_version}], checker_version, pyodide_version, rulesets}, boot_ms)
 *             "failed"       the boot failed; nothing will work  (+ error: {code, message, details})
 *       boot error codes: "no_webassembly" (no WebAssembly in this browser), "fetch_failed" (a file could not be
 *       loaded: details {url, status}), "wasm_mime" (the server sends .wasm with the wrong Content-Type: details
 *       {url, content_type}; browsers then refuse to compile it and Pyodide would hang), "pyodide_failed"
 *       (Pyodide threw while booting), "checker_failed" (the package failed to load or import, e.g. a sha256
 *       mismatch between the wheel and the lock file).
 * The worker never stops by itself and never lets an error escape as an unhandled rejection: every failure is a
 * message. A boot that hangs (seen with a wrong .wasm MIME type) is the page's to time out: it should terminate
 * the worker after a while (the checker page waits 60 s, data-boot-timeout).
 */

const PROTOCOL = 1;
const started = performance.now();
const elapsed = () => Math.round(performance.now() - started);
const post = (message) => self.postMessage({ v: PROTOCOL, ...message });
const progress = (stage, extra = {}) => post({ type: "progress", stage, elapsed_ms: elapsed(), ...extra });

class BootError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

const errorInfo = (error, fallbackCode) => ({
  code: (error && error.code) || fallbackCode,
  message: String((error && error.message) || error),
  details: (error && error.details) || {},
});

function localDate() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

async function fetchOk(url, options) {
  let response;
  try {
    response = await fetch(url, options);
  } catch (error) {
    throw new BootError("fetch_failed", `${url}: ${error.message || error}`, { url: String(url), status: 0 });
  }
  if (!response.ok) {
    throw new BootError("fetch_failed", `${url}: HTTP ${response.status}`, { url: String(url), status: response.status });
  }
  return response;
}

/* The .wasm must come as application/wasm, or WebAssembly.instantiateStreaming refuses it and Pyodide hangs without
 * an error. A HEAD request, run beside the boot (it does not delay it), names the problem at once. */
async function checkWasmType(url) {
  let response;
  try {
    response = await fetch(url, { method: "HEAD", cache: "no-store" });
    await response.arrayBuffer(); // (empty) read to the end, so the request completes instead of being dropped
  } catch (error) {
    // The network failed (connection refused or reset, offline): Pyodide's own fetch of the same file fails too,
    // and Pyodide then only logs "wasm instantiation failed" and waits forever. Say so now, not at the time-out.
    throw new BootError("fetch_failed", `${url}: ${error.message || error}`, { url: String(url), status: 0 });
  }
  if (response.status === 404) {
    throw new BootError("fetch_failed", `${url}: HTTP 404`, { url: String(url), status: 404 });
  }
  if (!response.ok) return; // e.g. 405: a server without HEAD; nothing to learn here
  const type = (response.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
  if (type !== "application/wasm") {
    throw new BootError(
      "wasm_mime",
      `${url} is served as "${type || "(no Content-Type)"}", not "application/wasm"`,
      { url: String(url), content_type: type },
    );
  }
}

/* A file of the boot that cannot be fetched at all (network failure, 404), said at once. */
async function checkReachable(url) {
  let response;
  try {
    response = await fetch(url, { method: "HEAD", cache: "no-store" });
    await response.arrayBuffer();
  } catch (error) {
    throw new BootError("fetch_failed", `${url}: ${error.message || error}`, { url: String(url), status: 0 });
  }
  if (response.status === 404) {
    throw new BootError("fetch_failed", `${url}: HTTP 404`, { url: String(url), status: 404 });
  }
}

let api = null; // checker.api.handle once ready
let pyodideInstance = null;
let meta = null;
let bootError = null;

async function boot() {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    throw new BootError("no_webassembly", "this browser has no WebAssembly");
  }
  const manifestURL = new URL("manifest.json", import.meta.url);
  progress("downloading");
  const manifest = await (await fetchOk(manifestURL, { cache: "no-cache" })).json();
  const indexURL = new URL(manifest.index_url, manifestURL).href;
  const lockFileURL = new URL(manifest.lock_file, manifestURL).href;
  progress("downloading", { pyodide_version: manifest.pyodide_version });

  // Beside the .wasm, the standard library: Pyodide only notices its failed fetch after compiling the .wasm.
  const wasmCheck = Promise.all([checkWasmType(new URL("pyodide.asm.wasm", indexURL)),
    checkReachable(new URL("python_stdlib.zip", indexURL))]);
  let pyodideModule;
  try {
    pyodideModule = await import(new URL("pyodide.mjs", indexURL).href);
  } catch (error) {
    await wasmCheck; // a more precise cause first
    throw new BootError("fetch_failed", `pyodide.mjs could not be loaded: ${error.message || error}`, {
      url: new URL("pyodide.mjs", indexURL).href,
      status: 0,
    });
  }
  const loading = pyodideModule.loadPyodide({
    indexURL,
    lockFileURL,
    // Wheels named in the lock file come from beside it; Pyodide would otherwise keep a CDN address as a fallback.
    packageBaseUrl: new URL("./", lockFileURL).href,
    // Fetched and installed while Python boots (checked below, with the reason if it failed).
    packages: [manifest.package],
    // Called once the WebAssembly module is instantiated, just before the interpreter starts.
    fsInit: async () => progress("starting"),
  });
  // Whichever settles first: a wrong MIME type rejects here long before (instead of) the boot finishing.
  const loaded = loading.catch((error) => {
    throw new BootError("pyodide_failed", `Pyodide did not start: ${error.message || error}`);
  });
  const pyodide = await Promise.race([loaded, wasmCheck.then(() => loaded)]);

  progress("loading");
  const problems = [];
  if (!pyodide.loadedPackages[manifest.package]) {
    // The boot could not install it: try once more, this time collecting the reason (e.g. a sha256 mismatch).
    try {
      await pyodide.loadPackage(manifest.package, {
        messageCallback: () => {},
        errorCallback: (message) => problems.push(String(message)),
        checkIntegrity: true,
      });
    } catch (error) {
      problems.push(String(error.message || error));
    }
  }
  const details = { package: manifest.package, wheel: manifest.wheel, problems };
  if (problems.length) {
    // An integrity (sha256) mismatch shows up here as a failed fetch.
    const said = problems.map((p) => p.replace(/\s+/g, " ").trim()).filter(Boolean).join(" ");
    throw new BootError("checker_failed", `${manifest.wheel}: ${said}`, details);
  }
  let handle;
  try {
    handle = pyodide.pyimport("checker.api").handle;
  } catch (error) {
    const last = String(error.message || error).trim().split("\n").pop();
    throw new BootError("checker_failed", `${manifest.wheel}: import checker.api: ${last}`, details);
  }
  // Every call the package holds must load (a request names its call; there is no default one).
  const calls = [];
  for (const call of Object.keys(manifest.rulesets || {})) {
    const answer = JSON.parse(handle(JSON.stringify({ id: 0, type: "meta", call })));
    if (!answer.ok) throw new BootError("checker_failed", answer.error.message, answer.error);
    calls.push(answer.result);
  }
  if (!calls.length) throw new BootError("checker_failed", `${manifest.wheel}: the manifest lists no rule set`, details);
  meta = {
    protocol: calls[0].protocol,
    calls,
    checker_version: manifest.checker_version,
    pyodide_version: manifest.pyodide_version,
    rulesets: manifest.rulesets,
  };
  api = handle;
  pyodideInstance = pyodide;
  workbookPackages = manifest.workbook_packages || [];
  progress("ready", { meta, boot_ms: elapsed() });
}

// The workbook packages (openpyxl and its dependency), loaded the first time a request opens or produces an .xlsx.
let workbookPackages = null;
let workbookLoaded = null;

function needsWorkbook(body) {
  // An upload is a workbook when its bytes start as a zip does ("PK\x03\x04", base64 "UEsDB"); an old .xls/.et is
  // refused by the checker (saying how to save it as .xlsx) without openpyxl.
  if (body.type === "batch") return typeof body.xlsx === "string" && body.xlsx.startsWith("UEsDB");
  return ["template", "export"].includes(body.type) && body.format === "xlsx";
}

async function loadWorkbook() {
  if (!workbookLoaded) {
    const problems = [];
    workbookLoaded = pyodideInstance.loadPackage(workbookPackages, {
      messageCallback: () => {},
      errorCallback: (message) => problems.push(String(message)),
      checkIntegrity: true,
    }).then(() => {
      if (problems.length || !workbookPackages.every((name) => pyodideInstance.loadedPackages[name])) {
        workbookLoaded = null; // try again with the next workbook
        throw new Error(problems.join(" ") || `${workbookPackages.join(", ")} did not load`);
      }
    });
  }
  return workbookLoaded;
}

async function respond(request) {
  const id = request && typeof request === "object" ? request.id : undefined;
  if (!request || typeof request !== "object" || request.v !== PROTOCOL || typeof request.type !== "string") {
    post({ id: id ?? null, ok: false, error: { code: "bad_message", message: `expected {v: ${PROTOCOL}, id, type, ...}`, details: [] } });
    return;
  }
  if (!api) {
    post({ id, ok: false, error: { code: "not_ready", message: "the checker could not start", details: bootError } });
    return;
  }
  try {
    const { v, ...body } = request;
    if ((body.type === "assess" || body.type === "batch") && !body.as_of) body.as_of = localDate();
    if (needsWorkbook(body)) await loadWorkbook();
    // A batch tells how far it has got (checker.batch.PROGRESS_ROWS): passed on at once, while Python runs.
    const working = (done, total) => progress("working", { id, done, total });
    const answer = JSON.parse(api(JSON.stringify(body), working));
    post({ ...answer, id });
  } catch (error) {
    post({ id, ok: false, error: { code: "internal", message: String(error.message || error), details: [] } });
  }
}

// Requests that arrive while booting wait for it, in order.
const booted = boot().then(
  () => undefined,
  (error) => {
    bootError = errorInfo(error, "pyodide_failed");
    progress("failed", { error: bootError });
  },
);

// Responses go out in the order the requests came, even when one waits for the workbook packages.
let answered = booted;
self.addEventListener("message", (event) => {
  const request = event.data;
  answered = answered.then(() => respond(request));
});

self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  post({ type: "progress", stage: "warning", elapsed_ms: elapsed(), error: errorInfo(event.reason, "internal") });
});
