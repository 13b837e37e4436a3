/*
 * The checker's module Web Worker: runs the eligibility checker (Python, checker/api.py) in self-hosted Pyodide.
 * Start it with  new Worker(new URL("assets/checker/worker.mjs", <site root>), { type: "module" })
 * (a module worker is required: Pyodide refuses classic workers). It starts booting at once; requests sent before
 * it is ready are queued. Nothing leaves the browser: the worker fetches only files of this site.
 *
 * Files (all beside or below this file, written by build_scripts/pyodide_assets.py at build time):
 *   manifest.json                      {pyodide_version, index_url, lock_file, package, rulesets, ...}
 *   ../pyodide/<version>/              Pyodide core (pyodide.mjs, pyodide.asm.mjs/.wasm)
 *   python_stdlib-<hash>.zip           the site's own standard library: only what booting and the checker import,
 *                                      precompiled (Pyodide's stdLibURL; build_scripts/pyodide_bytecode.py)
 *   workbook/python_stdlib-workbook-<hash>.zip  what the package sets add to it, mounted before the first set loads
 *   checker-lock-<hash>.json           the site's lock file: the checker wheel and the package sets' packages
 *                                      (workbook/: openpyxl, et_xmlfile, python-calamine) by name, with their sha256
 *   bdpilot_checker-<version>.whl      the checker, fetched beside the boot, checked against the lock file's sha256
 *                                      and unpacked into site-packages (not loadPackage: see "memory snapshots")
 * How the wheel and the workbook packages are put into Pyodide is ./install.mjs, which the Node parity test
 * (tests/node/run_cases.mjs) imports too: the test loads them exactly as this worker does.
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
 *             "batch"      {csv | xlsx, file_name?, unit_kind, lang, order_by?, order?, as_of?} -> the screening
 *                          plan (checker/batch.py) with its `csv` export and a `plan_id`; `order_by`: the base
 *                          order, "file" (the default) or "suggested" (the tool's); `order`: row numbers in the
 *                          unit's order, from that base; xlsx: the workbook's bytes as base64
 * An .xlsx (batch with `xlsx`, template or export with format "xlsx") first loads the manifest's package set
 * "workbook" (openpyxl, et_xmlfile), once; an old .xls/.et or an .ods (batch with `file`) the set "calamine"
 * (python-calamine), once: other requests never fetch them.
 *             "workbook_files" {}                      -> {urls}: the worker, not the checker, answers with the
 *                          package sets' file URLs (from the lock file) and the standard library archive they need
 *                          (the manifest's stdlib_workbook), for the page to ask the service worker
 *                          to keep them: Excel and old workbooks then work offline after one online visit of the
 *                          screening page.
 *             "replan"     {plan_id, order_by?, order?} -> that plan's placement in `order` from the base order
 *                          `order_by` (none: the plan's): {plan_id, order_by, custom_order, order_statement,
 *                          figures, rows: [{row, rank, quota_status, quota_status_label}]}
 *             "export"     {plan_id, format?}          -> {plan_id, csv} or {plan_id, xlsx}: the result file as it stands
 *
 * Worker -> page:
 *   a response to each request, in the order the requests arrived: {v: 1, id, json}, where json is the response
 *   as JSON text (checker.api.handle's own output, passed on untouched: a 1,000-row batch answers with about
 *   1 MB, which crosses to the page as one string instead of being parsed here and cloned object by object):
 *     {id, ok: true, result}
 *     {id, ok: false, error: {code, message, details}}
 *   (the id in the text is the checker's echo; the message's id is the request's, always)
 *       codes from the checker: "invalid_answers" (details: [{question, value, code, message}], the same
 *       messages as the command line), "invalid_file", "bad_request", "bad_json";
 *       codes from the worker: "bad_message" (not {v: 1, type, ...}), "not_ready" (the boot failed: details
 *       holds the boot error), "internal" (an unexpected Python or JavaScript error).
 *   progress of a request still running (a batch, every checker.batch.PROGRESS_ROWS rows and at its end):
 *     {v: 1, type: "progress", stage: "working", id, done, total, elapsed_ms}   id: the request's
 *   progress events of the boot, never in reply to a request:
 *     {v: 1, type: "progress", stage, elapsed_ms, ...}
 *       stage "downloading"  fetching the manifest and Pyodide's files              (+ pyodide_version)
 *                            and, while the boot files arrive (see "checked boot files"), at most every
 *                            PROGRESS_EVERY_MS and at the end of each file: + received, total (bytes of the
 *                            manifest's boot_files so far, and their sizes' sum: the bytes as the page's fetch
 *                            reads them, after any gzip of the transfer is undone)
 *             "downloaded"   every boot file has arrived whole (+ received, total): what follows is start-up
 *             "snapshot"     what became of the memory snapshot (see "memory snapshots" below): + status
 *                            "restoring" (booting from this browser's snapshot: + bytes), then one of
 *                            "restored", "none" (none stored), "stale" (another release's: deleted), "unreadable"
 *                            or "failed" (deleted; + reason), "too_big" (its heap is over the manifest's
 *                            snapshot_heap_limit: deleted, never tried; + heap_bytes, heap_limit), "unavailable" (no
 *                            Cache Storage or no snapshot_key); after a normal boot, later: "saved" (+ bytes,
 *                            stored_bytes, heap_bytes, heap_limit, make_ms, save_ms) or "not_saved" (+ reason; +
 *                            heap_bytes, heap_limit when too big). A snapshot that fails always ends in a normal boot.
 *             "starting"     the WebAssembly module is compiled; Python is starting and the checker package
 *                            (fetched beside the boot, sha256-checked) is being installed
 *             "loading"      Python runs; importing checker.api
 *             "ready"        requests are answered now   (+ meta: {protocol, calls: [{protocol, call,
 *                            ruleset_version}], checker_version, pyodide_version, rulesets, boot: "snapshot" |
 *                            "normal"}, boot_ms)
 *             "failed"       the boot failed; nothing will work  (+ error: {code, message, details})
 *       boot error codes: "no_webassembly" (no WebAssembly in this browser), "fetch_failed" (a file could not be
 *       loaded: details {url, status}), "wasm_mime" (the server sends .wasm with the wrong Content-Type: details
 *       {url, content_type}; browsers then refuse to compile it and Pyodide would hang), "pyodide_failed"
 *       (Pyodide threw while booting), "checker_failed" (the package failed to load or import, e.g. a sha256
 *       mismatch between the wheel and the lock file); for a file the manifest's boot_files lists (see "checked
 *       boot files" below): "http_error" (the server answered with an error status other than 404: details {file,
 *       url, status}), "truncated" (fewer bytes than the build wrote, or the connection broke off: details {file,
 *       url, received, expected}), "damaged" (the bytes differ from the build's: details {file, url, received,
 *       expected, sha256, expected_sha256}).
 * The worker never stops by itself and never lets an error escape as an unhandled rejection: every failure is a
 * message. A boot that hangs is the page's to time out (../common/worker-client.js): while downloading, when no
 * word (no bytes) comes for a while; after "downloaded", when start-up takes too long.
 */

import { BootError, installChecker, loadLockedPackages, manifestURLs, mountStdlib, neededPackages, sha256Hex } from "./install.mjs";

const PROTOCOL = 1;
const started = performance.now();
const elapsed = () => Math.round(performance.now() - started);
const post = (message) => self.postMessage({ v: PROTOCOL, ...message });
const reply = (id, json) => post({ id, json }); // a response: see the protocol above
const replyError = (id, code, message, details = []) => reply(id, JSON.stringify({ id, ok: false, error: { code, message, details } }));
const progress = (stage, extra = {}) => post({ type: "progress", stage, elapsed_ms: elapsed(), ...extra });

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

/* A file of the boot that cannot be fetched at all, said at once: on a network failure (connection refused or
 * reset, offline) or a 404, Pyodide's own fetch of the same file fails too, and Pyodide then only logs "wasm
 * instantiation failed" and waits forever. A HEAD request, run beside the boot (it does not delay it). */
async function checkReachable(url) {
  let response;
  try {
    response = await fetch(url, { method: "HEAD", cache: "no-store" });
    await response.arrayBuffer(); // (empty) read to the end, so the request completes instead of being dropped
  } catch (error) {
    throw new BootError("fetch_failed", `${url}: ${error.message || error}`, { url: String(url), status: 0 });
  }
  if (response.status === 404) {
    throw new BootError("fetch_failed", `${url}: HTTP 404`, { url: String(url), status: 404 });
  }
  return response;
}

/* The .wasm must also come as application/wasm, or WebAssembly.instantiateStreaming refuses it and Pyodide hangs
 * without an error. */
async function checkWasmType(url) {
  const response = await checkReachable(url);
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

// ------------------------------------------------------------------------------------------ checked boot files
/* Pyodide fetches its .wasm, its standard library and the lock file itself; given a .wasm answered with an HTTP
 * error, cut short or damaged, it only logs "wasm instantiation failed" and waits for ever (and the page learnt of
 * it only at its boot time-out, blaming the connection). So every file the manifest's boot_files lists (size and
 * sha256, written by the build: build_scripts/pyodide_assets.py) is checked as it arrives: the worker's `fetch`
 * (which Pyodide calls) hands the response on untouched, so compiling while downloading and the browser's cache of
 * compiled code stay as they were, and reads a clone of it beside, counting and hashing its bytes. The first bad
 * file rejects `failed`, which the boot races against: it is said as soon as the file has arrived, by name.
 *   status 404, or no answer at all             "fetch_failed" {url, status}, as the HEAD checks below say it
 *   any other error status                      "http_error" {file, url, status}
 *   fewer bytes, or the connection broke off    "truncated" {file, url, received, expected}
 *   more bytes, or another sha256               "damaged" {file, url, received, expected, sha256, expected_sha256}
 * The checker's wheel, which the worker fetches itself, goes through the same `fetch`. */
// How often, at most, the bytes received are posted while the boot files download ("downloading" + received):
// often enough for a percentage that moves, seldom enough not to flood the page on a fast connection.
const PROGRESS_EVERY_MS = 250;

class BootFiles {
  constructor(manifest, manifestURL) {
    this.expected = new Map();
    for (const [path, want] of Object.entries(manifest.boot_files || {})) {
      const url = new URL(path, manifestURL).href;
      this.expected.set(url, { ...want, url, file: url.slice(url.lastIndexOf("/") + 1) });
    }
    // The download's progress, in bytes of the boot files (their sizes from the build are the total).
    this.total = [...this.expected.values()].reduce((sum, want) => sum + (want.size || 0), 0);
    this.received = 0;
    this.arrived = new Set();
    this.lastPosted = 0;
    this.trailing = null; // the timer of a word held back (count)
    this.checks = [];
    this.error = null;
    this.failed = new Promise((resolve, reject) => { this.reject = reject; });
    this.failed.catch(() => {}); // raced against, never left unhandled
  }

  fail(error) {
    if (!this.error) this.error = error;
    this.reject(this.error);
  }

  /** `promise`, unless a boot file turns out bad first. */
  guard(promise) {
    return Promise.race([promise, this.failed]);
  }

  /** Once the checks started so far are done: the first bad file's error, or null. */
  async firstError() {
    await Promise.allSettled(this.checks);
    return this.error;
  }

  /** A fetch of `url` (Pyodide's or the worker's own): checked when it is a boot file. */
  fetched(url, answer) {
    const want = this.expected.get(url);
    if (!want) return answer;
    return answer.then((response) => {
      this.watch(want, response);
      return response;
    }, (error) => {
      this.fail(new BootError("fetch_failed", `${url}: ${error.message || error}`, { url, status: 0 }));
      throw error;
    });
  }

  watch(want, response) {
    const { file, url } = want;
    if (!response.ok) {
      const { status } = response;
      this.fail(status === 404
        ? new BootError("fetch_failed", `${url}: HTTP 404`, { url, status })
        : new BootError("http_error", `${url}: HTTP ${status}`, { file, url, status }));
      return;
    }
    let copy;
    try {
      copy = response.clone();
    } catch (error) {
      return; // a body already taken: nothing to check it with
    }
    this.checks.push(this.verify(want, copy.body).catch((error) => this.fail(error)));
  }

  /** `bytes` more of a boot file have arrived (`url`: that file is now whole): said at most every PROGRESS_EVERY_MS,
   * and at every file's end; "downloaded" once every boot file is whole. Bytes that come too soon after the last
   * word are said when PROGRESS_EVERY_MS is up: the last bytes before a connection stalls must reach the page,
   * whose figures (and the stall's "stopped at") would otherwise stay short by up to a quarter second's bytes. */
  count(bytes, url = null) {
    this.received += bytes;
    if (url) this.arrived.add(url);
    const now = performance.now();
    if (url || now - this.lastPosted >= PROGRESS_EVERY_MS) {
      this.postReceived(now);
    } else if (!this.trailing) {
      this.trailing = setTimeout(() => this.postReceived(performance.now()), this.lastPosted + PROGRESS_EVERY_MS - now);
    }
    if (url && this.arrived.size === this.expected.size) {
      progress("downloaded", { received: Math.min(this.received, this.total), total: this.total });
    }
  }

  postReceived(now) {
    clearTimeout(this.trailing);
    this.trailing = null;
    this.lastPosted = now;
    progress("downloading", { received: Math.min(this.received, this.total), total: this.total });
  }

  async verify({ file, url, size, sha256 }, body) {
    const chunks = [];
    let received = 0;
    const details = () => ({ file, url, received, expected: size });
    try {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.length;
        // A file fetched again (a second boot in this worker) counts once towards the total.
        if (!this.arrived.has(url)) this.count(value.length);
      }
    } catch (error) {
      throw new BootError("truncated", `${url}: broke off after ${received} of ${size} bytes (${error.message || error})`,
                          details());
    }
    if (received < size) throw new BootError("truncated", `${url}: ${received} of ${size} bytes`, details());
    const actual = await sha256Hex(new Uint8Array(await new Blob(chunks).arrayBuffer()));
    if (received !== size || actual !== sha256) {
      throw new BootError("damaged", `${url}: ${received} bytes, sha256 ${actual}; the build's: ${size} bytes, sha256 ${sha256}`,
                          { ...details(), sha256: actual, expected_sha256: sha256 });
    }
    if (!this.arrived.has(url)) this.count(0, url);
  }
}

let bootFiles = null; // once the manifest is read
const nativeFetch = self.fetch.bind(self);
self.fetch = function fetch(input, init) {
  const answer = nativeFetch(input, init);
  if (!bootFiles) return answer;
  const request = input instanceof Request ? input : null;
  const method = String((init && init.method) || (request ? request.method : "GET")).toUpperCase();
  if (method !== "GET") return answer;
  const url = new URL(request ? request.url : String(input), self.location.href);
  url.hash = "";
  return bootFiles.fetched(url.href, answer);
};

let api = null; // checker.api.handle once ready
let urls = null; // the manifest's URLs (install.mjs manifestURLs), once booting has read it
let pyodideInstance = null;
let meta = null;
let bootError = null;

// ------------------------------------------------------------------------------------------ memory snapshots
/* A repeat visit boots from a memory snapshot of the Python this worker booted on an earlier visit, with the
 * checker imported (Pyodide's experimental `_makeSnapshot` / `makeMemorySnapshot()` / `_loadSnapshot`). It is made
 * in the visitor's own browser, so it matches the exact Pyodide build, right after the boot and before any request
 * is answered (it holds no answers and no uploaded list), and kept gzip-compressed (gzip's CRC-32 also catches a
 * damaged copy) in one Cache Storage entry beside the service worker's caches, tagged with a key made of the
 * manifest's versions (Pyodide, checker, wheel sha256, rule sets) and its snapshot_key (a build-time hash of the
 * runtime files, the wheel and this worker). A missing, stale (other key), unreadable or failing snapshot means a
 * normal boot; the outcome is a progress event {stage: "snapshot", status, ...}. Pyodide's own checks apply too:
 * restoring refuses a snapshot of another build (build id), and making one refuses while Python holds references
 * to JavaScript objects or packages were installed with loadPackage, which is why the checker's wheel is unpacked
 * here (sha256-checked against the lock file) rather than loaded by loadPackage. The Emscripten file system is not
 * part of a snapshot: the wheel is unpacked again after a restore. Pyodide restores a snapshot into a heap of the
 * .wasm's initial size whatever the snapshot's (Pyodide issue #6254): one whose heap grew past it fails with
 * "RangeError: offset is out of bounds". The build writes that size into the manifest (snapshot_heap_limit), and a
 * bigger snapshot is neither kept nor tried. */
const SNAPSHOT_CACHE = "bdpilot-snapshot"; // kept by the service worker (docs/sw.js), managed here
const SNAPSHOT_URL = new URL("python-memory-snapshot", import.meta.url).href; // a cache key, never fetched
const SNAPSHOT_KEY_HEADER = "X-Bdpilot-Snapshot-Key";
let snapshotCache = null; // the opened cache, when snapshots are possible here
let snapshotKey = null;

function keyOf(manifest) {
  if (!manifest.snapshot_key) return null; // a build without the key (e.g. a plain `mkdocs build`): no snapshots
  const rulesets = Object.entries(manifest.rulesets || {}).sort().map(([call, version]) => `${call}.${version}`);
  return [manifest.pyodide_version, manifest.checker_version, manifest.wheel_sha256, rulesets.join("+"),
          manifest.snapshot_key].join("/");
}

/* Bytes of heap in a snapshot: what follows its header, whose length is the second little-endian uint32 (the layout
 * of Pyodide's makeSnapshot: magic, header length, JSON length, 0, build id, JSON, then the heap). */
function heapBytes(bytes) {
  const header = bytes.length >= 8 ? new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true) : 0;
  return header <= bytes.length ? bytes.length - header : bytes.length;
}

/** {heap_bytes, heap_limit} when the snapshot could not be restored here, else null (no limit known: try it). */
function tooBig(bytes, manifest) {
  const limit = manifest.snapshot_heap_limit;
  const heap = heapBytes(bytes);
  return Number.isInteger(limit) && heap > limit ? { heap_bytes: heap, heap_limit: limit } : null;
}

async function openSnapshots(manifest) {
  const key = keyOf(manifest);
  if (!key || typeof caches === "undefined" || typeof DecompressionStream !== "function") return null;
  try {
    snapshotCache = await caches.open(SNAPSHOT_CACHE);
    snapshotKey = key;
  } catch (error) {
    snapshotCache = null; // e.g. storage blocked: boot as usual
  }
  return snapshotCache;
}

/** {status: "found", bytes} | {status: "none" | "stale" | "unreadable", reason?} */
async function readSnapshot() {
  const hit = await snapshotCache.match(SNAPSHOT_URL);
  if (!hit) return { status: "none" };
  if (hit.headers.get(SNAPSHOT_KEY_HEADER) !== snapshotKey) {
    await snapshotCache.delete(SNAPSHOT_URL); // another release's: never used
    return { status: "stale" };
  }
  try {
    const bytes = await new Response(hit.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    return { status: "found", bytes: new Uint8Array(bytes) };
  } catch (error) {
    await snapshotCache.delete(SNAPSHOT_URL);
    return { status: "unreadable", reason: String(error.message || error) };
  }
}

async function saveSnapshot(bytes, madeMs, manifest) {
  const started = performance.now();
  const over = tooBig(bytes, manifest);
  if (over) {
    progress("snapshot", { status: "not_saved", reason: "its heap is bigger than Pyodide can restore", ...over });
    return;
  }
  try {
    const gzipped = await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"))).blob();
    await snapshotCache.put(SNAPSHOT_URL, new Response(gzipped, {
      headers: { "Content-Type": "application/octet-stream", [SNAPSHOT_KEY_HEADER]: snapshotKey },
    }));
    progress("snapshot", { status: "saved", bytes: bytes.length, stored_bytes: gzipped.size, heap_bytes: heapBytes(bytes),
                           heap_limit: manifest.snapshot_heap_limit, make_ms: madeMs,
                           save_ms: Math.round(performance.now() - started) });
  } catch (error) {
    progress("snapshot", { status: "not_saved", reason: String(error.message || error) });
  }
}

// ------------------------------------------------------------------------------------------------ the boot

/** The checker's wheel, fetched beside the boot; its sha256 is checked against the lock file once Python runs. */
async function fetchWheel(url) {
  return new Uint8Array(await (await fetchOk(url)).arrayBuffer());
}

// Boot errors a normal boot would meet as well: a failed snapshot boot does not try again without the snapshot.
const NOT_THE_SNAPSHOT = new Set(["wasm_mime", "fetch_failed", "http_error", "truncated", "damaged"]);

async function boot() {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    throw new BootError("no_webassembly", "this browser has no WebAssembly");
  }
  const manifestURL = new URL("manifest.json", import.meta.url);
  progress("downloading");
  const manifest = await (await fetchOk(manifestURL, { cache: "no-cache" })).json();
  urls = manifestURLs(manifest, manifestURL);
  const { indexURL, lockFileURL, packageBaseUrl, stdlibURL, wheelURL } = urls;
  progress("downloading", { pyodide_version: manifest.pyodide_version });
  bootFiles = new BootFiles(manifest, manifestURL);

  // Beside the .wasm, the standard library: Pyodide only notices its failed fetch after compiling the .wasm.
  const wasmCheck = Promise.all([checkWasmType(new URL("pyodide.asm.wasm", indexURL)),
    checkReachable(stdlibURL)]);
  const wheel = fetchWheel(wheelURL);
  wheel.catch(() => {}); // reported by installChecker
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
  const start = (options) => {
    const loading = pyodideModule.loadPyodide({
      indexURL,
      lockFileURL,
      // Packages named in the lock file (the workbook's) come from beside it; never from a CDN.
      packageBaseUrl,
      // The site's own standard library (only the modules used), not Pyodide's whole python_stdlib.zip.
      stdLibURL: stdlibURL,
      // Called once the WebAssembly module is instantiated, just before the interpreter starts.
      fsInit: async () => progress("starting"),
      ...options,
    });
    const loaded = loading.catch(async (error) => {
      // A bad boot file (a damaged standard library, say) is the cause, when one is known.
      throw (await bootFiles.firstError()) ||
        new BootError("pyodide_failed", `Pyodide did not start: ${error.message || error}`);
    });
    // Whichever settles first: a wrong MIME type, or a boot file answered with an error, cut short or damaged,
    // rejects here long before (instead of) the boot finishing.
    return bootFiles.guard(Promise.race([loaded, wasmCheck.then(() => loaded)]));
  };

  let pyodide = null;
  let installed = null;
  let bootKind = "normal";
  let snapshot = { status: "unavailable" };
  if (await openSnapshots(manifest)) {
    snapshot = await readSnapshot().catch((error) => ({ status: "unreadable", reason: String(error.message || error) }));
  }
  const over = snapshot.bytes && tooBig(snapshot.bytes, manifest);
  if (over) {
    snapshot = { status: "too_big", ...over }; // a normal boot; its own snapshot is checked again before saving
    await snapshotCache.delete(SNAPSHOT_URL).catch(() => {});
  } else if (snapshot.bytes) {
    progress("snapshot", { status: "restoring", bytes: snapshot.bytes.length });
    try {
      pyodide = await start({ _loadSnapshot: snapshot.bytes });
      progress("loading");
      installed = await bootFiles.guard(installChecker(pyodide, manifest, wheel));
      bootKind = "snapshot";
      snapshot = { status: "restored" };
    } catch (error) {
      if (NOT_THE_SNAPSHOT.has(error.code)) throw error; // not the snapshot's fault
      pyodide = installed = null;
      snapshot = { status: "failed", reason: String(error.message || error) };
      await snapshotCache.delete(SNAPSHOT_URL).catch(() => {});
    }
  }
  progress("snapshot", snapshot);
  let made = null;
  if (!installed) {
    const makeSnapshot = Boolean(snapshotCache);
    pyodide = await start(makeSnapshot ? { _makeSnapshot: true } : {});
    progress("loading");
    installed = await bootFiles.guard(installChecker(pyodide, manifest, wheel));
    if (makeSnapshot) {
      // Now, before any request: the snapshot holds the booted checker and nothing a visitor typed.
      const t = performance.now();
      try {
        made = { bytes: pyodide.makeMemorySnapshot(), ms: Math.round(performance.now() - t) };
      } catch (error) {
        progress("snapshot", { status: "not_saved", reason: String(error.message || error) });
      }
    }
  }
  // A boot file whose check ends only now still fails the boot: the thread was busy starting Python meanwhile, and a
  // damaged standard library may boot and fail later, at the request that imports the damaged module.
  const bad = await bootFiles.firstError();
  if (bad) throw bad;
  meta = {
    protocol: installed.calls[0].protocol,
    calls: installed.calls,
    checker_version: manifest.checker_version,
    pyodide_version: manifest.pyodide_version,
    rulesets: manifest.rulesets,
    boot: bootKind,
  };
  api = installed.handle;
  pyodideInstance = pyodide;
  packageSets = manifest.package_sets || {};
  manifestStdlib = manifest.stdlib_workbook;
  progress("ready", { meta, boot_ms: elapsed() });
  // Compressed and stored in the background, once the first requests have had their turn.
  if (made) setTimeout(() => saveSnapshot(made.bytes, made.ms, manifest), 100);
}

// The package sets of the manifest ("workbook": openpyxl and its dependency; "calamine": python-calamine, for an old
// .xls/.et or an .ods), each loaded the first time a request needs it. The worker does not guess which request
// does: the checker reads the file's bytes (checker/sheet_io.py) and, when it needs a package that is not loaded,
// answers with the error code "needs_workbook" naming the set; the request is then sent again.
let packageSets = null;
let manifestStdlib = null;
const setsLoaded = new Map();

// The standard library modules the package sets need (manifest stdlib_workbook), mounted once, before the first set.
let workbookStdlib = null;
function mountWorkbookStdlib() {
  if (!urls.workbookStdlibURL) return Promise.resolve(); // the site has Pyodide's whole standard library
  workbookStdlib ||= fetchOk(urls.workbookStdlibURL)
    .then(async (response) => mountStdlib(pyodideInstance, new Uint8Array(await response.arrayBuffer()), manifestStdlib))
    .catch((error) => {
      workbookStdlib = null; // try again with the next such file
      throw error;
    });
  return workbookStdlib;
}

async function loadPackageSet(name) {
  if (!setsLoaded.has(name)) {
    const names = packageSets[name];
    const loading = names
      ? mountWorkbookStdlib().then(() => loadLockedPackages(pyodideInstance, names))
      : Promise.reject(new Error(`the manifest names no package set "${name}"`));
    setsLoaded.set(name, loading.catch((error) => {
      setsLoaded.delete(name); // try again with the next such file
      throw error;
    }));
  }
  return setsLoaded.get(name);
}

/** The package sets' file URLs, by their names in the lock file ([] when it cannot be read). */
async function workbookFiles() {
  try {
    const lock = await (await fetch(urls.lockFileURL)).json();
    return Object.values(packageSets).flat().map((name) => lock.packages?.[name]?.file_name).filter((file) => typeof file === "string")
      .map((file) => new URL(file, urls.packageBaseUrl).href).concat(urls.workbookStdlibURL || []);
  } catch {
    return [];
  }
}

async function respond(request) {
  const id = request && typeof request === "object" ? request.id : undefined;
  if (!request || typeof request !== "object" || request.v !== PROTOCOL || typeof request.type !== "string") {
    replyError(id ?? null, "bad_message", `expected {v: ${PROTOCOL}, id, type, ...}`);
    return;
  }
  if (!api) {
    replyError(id, "not_ready", "the checker could not start", bootError);
    return;
  }
  if (request.type === "workbook_files") {
    reply(id, JSON.stringify({ id, ok: true, result: { urls: await workbookFiles() } }));
    return;
  }
  try {
    const { v, ...body } = request;
    if ((body.type === "assess" || body.type === "batch") && !body.as_of) body.as_of = localDate();
    // A batch tells how far it has got (checker.batch.PROGRESS_ROWS): passed on at once, while Python runs.
    const working = (done, total) => progress("working", { id, done, total });
    const text = JSON.stringify(body);
    let answer = api(text, working);
    // At most once per set: a second "needs_workbook" after loading it is answered as it is.
    const needed = neededPackages(answer);
    if (needed) {
      try {
        await loadPackageSet(needed);
      } catch (error) {
        // Offline, or the packages are missing on the server: the page says it in the visitor's language.
        replyError(id, "workbook_unavailable", String(error.message || error));
        return;
      }
      answer = api(text, working);
    }
    reply(id, answer);
  } catch (error) {
    replyError(id, "internal", String(error.message || error));
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
