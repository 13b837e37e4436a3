/*
 * The one client of the checker's module worker (docs/assets/checker/worker.mjs, whose first lines document the
 * protocol), shared by the self-check and screening pages, in the spirit of Pyodide's web-worker guide:
 *
 *   const checker = new WorkerClient(root, { onStage, onReady, onFail, onSlow });   // root: the page's tool element
 *   checker.start();
 *   const response = await checker.request("assess", { answers, lang });    // {ok, result} | {ok: false, error}
 *   await checker.request("batch", { csv, ... }, { onProgress: ({done, total}) => ..., onSlow: (ms) => ... });
 *
 * - The worker's URL is root's data-worker (relative to the page) and every request names root's data-call.
 * - One time-out policy: while booting, no word from the worker for data-boot-timeout ms ends the boot; the client
 *   then finds out why (a .wasm with the wrong Content-Type is the usual cause) and reports {code: "timeout" |
 *   "wasm_mime" | "fetch_failed" | "http_error", ...}. A boot file answered with an error status, cut short or
 *   damaged is not waited for: the worker says so as soon as the file has arrived ("http_error", "truncated",
 *   "damaged": worker.mjs, "checked boot files").
 * - Nothing in the page's address configures the client (a link is the visitor's, and anyone can write one): the
 *   time-outs are root's data attributes, written at build time (tests rewrite them in the page they serve).
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
// A data attribute read as a number of ms or levels: a positive finite number, else 0 (the default applies); at
// most what setTimeout takes (a larger delay overflows and fires at once).
const positive = (text) => {
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 2_147_483_647) : 0;
};

export class WorkerClient {
  constructor(root, { onStage = () => {}, onReady = () => {}, onFail = () => {}, onSlow = () => {} } = {}) {
    this.root = root;
    this.call = root.dataset.call;
    this.handlers = { onStage, onReady, onFail, onSlow };
    this.pending = new Map();
    this.nextId = 1;
    this.ready = false;
    this.failure = null;
    this.worker = null;
    this.timer = null;
  }

  /** The boot time-out in ms (see above). */
  get timeoutMs() {
    return positive(this.root.dataset.bootTimeout) || 60_000;
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

  /** (Re)arm the boot time-out: it runs from the last word of the worker. */
  watch() {
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      if (this.ready || this.failure) return;
      if (this.worker) this.worker.terminate();
      this.fail(await this.diagnose());
    }, this.timeoutMs);
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
        this.root.dataset.ready = "true";
        for (const entry of this.pending.values()) this.arm(entry);
        this.handlers.onReady(message.meta);
      } else if (message.stage === "snapshot") {
        this.root.dataset.snapshot = message.status;
        if (message.status === "restoring" && !this.ready) {
          this.watch();
          this.handlers.onStage("snapshot");
        }
      } else if (message.stage === "failed") {
        this.fail(message.error || { code: "internal", message: "failed", details: {} });
      } else if (message.stage !== "warning" && !this.ready) {
        if (!this.ready) this.watch();
        this.handlers.onStage(message.stage);
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

  /** After a time-out: a .wasm served with the wrong Content-Type, or missing, is the usual cause. */
  async diagnose() {
    const base = new URL(this.root.dataset.worker, location.href);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.min(5000, this.timeoutMs));
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
    return { code: "timeout", message: "time-out", details: {} };
  }
}
