/*
 * The one client of the checker's module worker (docs/assets/checker/worker.mjs, whose first lines document the
 * protocol), shared by the self-check and screening pages, in the spirit of Pyodide's web-worker guide:
 *
 *   const checker = new WorkerClient(root, { onStage, onDownload, onReady, onFail, onSlow });   // root: the tool
 *   // onDownload({received, total}): bytes of the boot files so far, and their sizes' sum (worker.mjs)
 *   checker.start();
 *   const response = await checker.request("assess", { answers, lang });    // {ok, result} | {ok: false, error}
 *   await checker.request("batch", { csv, ... }, { onProgress: ({done, total}) => ..., onSlow: (ms) => ... });
 *
 * - The worker's URL is root's data-worker (relative to the page) and every request names root's data-call.
 * - Never give up while the download progresses: the boot is waited for in two parts.
 *   1. The download, until the worker says "downloaded": it fails only when no word (no bytes) comes from the
 *      worker for data-stall-timeout ms (default STALL_MS): {code: "stalled", details: {received, expected}}, or "stalled_start"
 *      when not even the manifest (which names the files and their sizes) has arrived.
 *   2. Start-up, from "downloaded" to "ready": at most data-boot-timeout ms in all: {code: "timeout"}.
 *   Either way the client first looks for a cause the server gives (a .wasm with the wrong Content-Type, a file
 *   missing) and reports {code: "wasm_mime" | "fetch_failed" | "http_error"} instead. A boot file answered with an
 *   error status, cut short or damaged is not waited for: the worker says so as soon as the file has arrived
 *   ("http_error", "truncated", "damaged": worker.mjs, "checked boot files").
 * - Nothing in the page's address configures the client (a link is the visitor's, and anyone can write one): the
 *   time-outs are root's data attributes (data-boot-timeout is written at build time; data-stall-timeout is not,
 *   STALL_MS applies), which tests rewrite in the page they serve.
 * - The download's figures (onDownload) come only once it has run for FIGURES_AFTER_MS and, after that, as bytes
 *   arrive: a download from this browser's cache (a repeat visit) or over a fast network is over before then, and
 *   the page's line keeps saying its stage instead of flashing figures for a moment.
 * - One readiness attribute: root's data-ready="true" once requests are answered. How the worker booted, from its
 *   "snapshot" progress events: root's data-snapshot = the last status ("restoring", "restored", "none", "stale",
 *   "unreadable", "failed", "unavailable", "saved", "not_saved"); only "restoring" is shown as a boot stage.
 * - A request the worker has not answered data-request-timeout ms after the worker took it up (once ready) is
 *   reported, once, to the request's onSlow(ms), else to the client's: the page says so
 *   and stays usable (the worker runs apart from it); the answer is still taken when it comes. Progress events
 *   of a running request ({stage: "working", id, done, total}) go to the request's onProgress.
 * - request() never rejects and never waits forever: after a failed boot it answers {ok: false, error: {code:
 *   "not_ready", ...}}; a request nested deeper than root's data-max-depth (checker/limits.py MAX_DEPTH, which the
 *   checker would refuse) is answered {ok: false, error: {code: "too_deep", details: {limit}}} without being sent
 *   (the browser's structured clone of a very deep value throws), and one the browser cannot send, {code:
 *   "not_sent"}.
 */

import { depthOf } from "./nesting.js";

const PROTOCOL = 1;
// No byte for this long while downloading means a dead connection, not a slow one: even at 1.6 Mbit/s the boot
// files arrive in steady chunks several times a second, and a phone that loses its signal for a few seconds (a
// lift, a tunnel, a change of cell) gets it back well within this. Waiting much longer leaves the visitor
// watching a bar that will never move.
const STALL_MS = 30_000;
// How long a download runs before its figures are shown (see above): long enough for a download from the cache.
const FIGURES_AFTER_MS = 1_000;
// Start-up (compiling, starting Python, loading the checker) once every byte is here: seconds on a slow phone.
const STARTUP_MS = 60_000;
// A data attribute read as a number of ms or levels: a positive finite number, else 0 (the default applies); at
// most what setTimeout takes (a larger delay overflows and fires at once).
const positive = (text) => {
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 2_147_483_647) : 0;
};

export class WorkerClient {
  constructor(root, { onStage = () => {}, onDownload = () => {}, onReady = () => {}, onFail = () => {}, onSlow = () => {} } = {}) {
    this.root = root;
    this.call = root.dataset.call;
    this.handlers = { onStage, onDownload, onReady, onFail, onSlow };
    this.download = { received: 0, total: 0 };
    this.downloaded = false;
    this.heldStage = null;
    this.figuresShown = false;
    this.figuresTimer = null;
    this.pending = new Map();
    this.nextId = 1;
    this.ready = false;
    this.failure = null;
    this.worker = null;
    this.timer = null;
  }

  /** The start-up time-out in ms, once the download is done (see above). */
  get timeoutMs() {
    return positive(this.root.dataset.bootTimeout) || STARTUP_MS;
  }

  /** How long the download may go without a byte (see above). */
  get stallMs() {
    return positive(this.root.dataset.stallTimeout) || STALL_MS;
  }

  /** How long a request may run before the visitor is told (see above). */
  get requestTimeoutMs() {
    return positive(this.root.dataset.requestTimeout) || 15_000;
  }

  /** The deepest nesting the checker takes in a request (checker/limits.py MAX_DEPTH, from the page). */
  get maxDepth() {
    return positive(this.root.dataset.maxDepth);
  }

  start() {
    if (typeof WebAssembly !== "object") {
      this.fail({ code: "no_webassembly", message: "no WebAssembly", details: {} });
      return;
    }
    try {
      this.worker = new Worker(new URL(this.root.dataset.worker, location.href), { type: "module" });
    } catch (error) {
      this.fail({ code: "worker_failed", message: String(error.message || error), details: {} });
      return;
    }
    this.worker.addEventListener("error", (event) => {
      event.preventDefault();
      if (!this.ready) this.fail({ code: "worker_failed", message: event.message || "the worker script failed to load", details: {} });
    });
    this.worker.addEventListener("messageerror", () => this.fail({ code: "internal", message: "unreadable message from the worker", details: {} }));
    this.worker.addEventListener("message", (event) => this.receive(event.data || {}));
    this.watch();
  }

  /** While downloading: (re)arm the stall detector, which runs from the worker's last word. Once downloaded: the
   * start-up time-out, armed once. */
  watch() {
    if (this.downloaded) return;
    this.armBoot(this.stallMs, "stalled");
  }

  armBoot(ms, code) {
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      if (this.ready || this.failure) return;
      if (this.worker) this.worker.terminate();
      this.fail(await this.diagnose(code));
    }, ms);
  }

  receive(message) {
    if (message.v !== PROTOCOL) return;
    if (message.type === "progress") {
      if (message.stage === "working") {
        const entry = this.pending.get(message.id);
        if (entry && entry.onProgress) entry.onProgress({ done: message.done, total: message.total });
      } else if (message.stage === "ready") {
        this.ready = true;
        clearTimeout(this.timer);
        clearTimeout(this.figuresTimer);
        this.root.dataset.ready = "true";
        for (const entry of this.pending.values()) this.arm(entry);
        this.handlers.onReady(message.meta);
      } else if (message.stage === "snapshot") {
        this.root.dataset.snapshot = message.status;
        if (message.status === "restoring" && !this.ready) {
          this.watch();
          // Said at once, never held for the download: a boot from the snapshot may not fetch every boot file,
          // so "downloaded" need not come before "ready".
          this.heldStage = null;
          this.handlers.onStage("snapshot");
        }
      } else if (message.stage === "downloaded" && !this.ready) {
        this.downloaded = true;
        this.armBoot(this.timeoutMs, "timeout");
        clearTimeout(this.figuresTimer);
        this.downloadProgress(message);
        if (this.heldStage) this.handlers.onStage(this.heldStage);
      } else if (message.stage === "failed") {
        this.fail(message.error || { code: "internal", message: "failed", details: {} });
      } else if (message.stage !== "warning" && !this.ready) {
        this.watch();
        if (message.stage === "downloading" && Number.isFinite(message.received)) this.downloadProgress(message);
        else this.stage(message.stage);
      }
      return;
    }
    const entry = this.pending.get(message.id);
    if (entry) {
      this.pending.delete(message.id);
      clearTimeout(entry.timer);
      let answer;
      try {
        answer = { ...JSON.parse(message.json), id: message.id }; // the response travels as JSON text
      } catch (error) {
        answer = { id: message.id, ok: false, error: { code: "internal", message: "unreadable response", details: [] } };
      }
      entry.resolve(answer);
    }
  }

  /** A boot stage for the page; one that starts while bytes are still arriving (Python starts once the .wasm is
   * here, the standard library may still be on its way) is held until the download is done, so the page's line
   * does not flip between the download's figures and the stage. */
  stage(name) {
    if (this.download.total > 0 && !this.downloaded) this.heldStage = name;
    else this.handlers.onStage(name);
  }

  downloadProgress({ received, total }) {
    if (!(Number.isFinite(received) && Number.isFinite(total) && total > 0)) return;
    this.download = { received, total };
    if (this.figuresShown) {
      this.handlers.onDownload(this.download);
    } else if (!this.figuresTimer && !this.downloaded) {
      this.figuresTimer = setTimeout(() => {
        if (this.downloaded || this.ready || this.failure) return;
        this.figuresShown = true;
        this.handlers.onDownload(this.download);
      }, FIGURES_AFTER_MS);
    }
  }

  /** Start a request's clock (the requests sent during the boot: once the worker is ready). */
  arm(entry) {
    if (entry.timer) return;
    const started = performance.now();
    entry.timer = setTimeout(() => {
      if (this.pending.has(entry.id)) (entry.onSlow || this.handlers.onSlow)(Math.round(performance.now() - started));
    }, this.requestTimeoutMs);
  }

  fail(error) {
    if (this.failure) return;
    this.failure = error;
    this.ready = false;
    clearTimeout(this.timer);
    clearTimeout(this.figuresTimer);
    if (this.worker) this.worker.terminate();
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.resolve(this.notReady());
    }
    this.pending.clear();
    this.handlers.onFail(error);
  }

  notReady() {
    const message = this.failure ? this.failure.message : "no worker";
    return { ok: false, error: { code: "not_ready", message, details: this.failure || {} } };
  }

  /** Send one request of `type` for the page's call; resolves with the worker's response. `onProgress`,
   * `onSlow`: see above. */
  request(type, fields = {}, { onProgress = null, onSlow = null } = {}) {
    return new Promise((resolve) => {
      if (this.failure || !this.worker) {
        resolve(this.notReady());
        return;
      }
      const id = this.nextId++;
      const message = { v: PROTOCOL, id, type, call: this.call, ...fields };
      const limit = this.maxDepth;
      if (limit && depthOf(message, limit) > limit) {
        resolve({ id, ok: false, error: { code: "too_deep", message: `nested more than ${limit} levels deep`, details: { limit } } });
        return;
      }
      const entry = { id, resolve, onProgress, onSlow, timer: null };
      this.pending.set(id, entry);
      if (this.ready) this.arm(entry);
      try {
        this.worker.postMessage(message);
      } catch (error) {
        this.pending.delete(id);
        clearTimeout(entry.timer);
        resolve({ id, ok: false, error: { code: "not_sent", message: String(error && error.message || error), details: {} } });
      }
    });
  }

  /** After a stall or a time-out (`code`): a .wasm served with the wrong Content-Type, or missing, is the usual
   * cause; else `code` with how far the download got. */
  async diagnose(code) {
    const base = new URL(this.root.dataset.worker, location.href);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 5000);
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
        // A server error is not the connection's fault (the worker says the same of its own fetches: worker.mjs).
        const code = head.status === 404 ? "fetch_failed" : "http_error";
        return { code, message: `${wasm.href}: HTTP ${head.status}`, details: { url: wasm.href, file: "pyodide.asm.wasm", status: head.status } };
      }
    } catch (error) {
      // a plain time-out
    } finally {
      clearTimeout(timer);
    }
    const { received, total } = this.download;
    const seconds = Math.round((code === "stalled" ? this.stallMs : this.timeoutMs) / 1000);
    // Stalled before the manifest named the files (and their sizes): there are no figures to give.
    if (code === "stalled" && !total) code = "stalled_start";
    return { code, message: `${code} after ${seconds} s`, details: { received, expected: total, seconds } };
  }
}
