/*
 * Service worker of the guide site (at the site root, so its scope covers / and /en/).
 *
 * Registered from every page (assets/sw/register.js, once the page has loaded and the browser is idle; on the
 * checker page only once its first verdict is shown, on the screening page once its worker is ready, so its
 * install never competes with them).
 * After one online visit to any page, every page of both languages works offline; the self-check too after one
 * visit to the checker or screening page, or one click on "download the self-check tool for offline use" (the
 * runtime is several MB: a guide page never fetches it on its own), with the server stopped too:
 *
 *  - CONFIG.precache: Pyodide's core files and the checker wheel and lock file, whose URLs change with their
 *    content. Cached when a page asks ({type: "keep-runtime"}: the tool pages once they run, the guide's button),
 *    and whenever the checker's worker fetches them through this worker; served cache-first, in a cache named
 *    after the Pyodide and checker versions and a hash of those files. A copy is kept only with the sha256 the
 *    build wrote (CONFIG.integrity): a file cut
 *    short or damaged on its way is passed on (the checker's worker names it) but never cached, so it is asked of
 *    the server again once fixed, instead of being served cache-first for the whole release.
 *  - CONFIG.pages: every page (as its folder URL, "checker/") and every other file of the site, the checker's
 *    manifest.json included. Cached at install, served network-first: online, a new release (new pages, a new
 *    manifest naming a new wheel and rule set) is used at once; offline, the last copy. Their cache is named
 *    after CONFIG.pages_hash, so a release refreshes it without fetching the runtime again.
 *  - Anything else of this origin: network-first, with a copy kept for offline use.
 * Old caches of this site are deleted when a new worker activates, but for "bdpilot-snapshot": the checker's
 * worker (assets/checker/worker.mjs) keeps a memory snapshot of its booted Python there and manages it itself
 * (it uses it only while its key matches the release's manifest).
 *
 * CONFIG is written at build time by build_scripts/sw_config.py from the files in the built site (the markers
 * below must stay on one line). Unconfigured (a plain `mkdocs build`), the worker caches nothing and passes every
 * request through, so it can never serve stale files.
 */
"use strict";

const CONFIG = /* @sw-config */ { pyodide: "", checker: "", hash: "", precache: [], integrity: {}, pages_hash: "", pages: [] } /* @end-sw-config */;

const PREFIX = "bdpilot-";
const VERSION = `pyodide-${CONFIG.pyodide}-checker-${CONFIG.checker}-${CONFIG.hash}`;
const CORE_CACHE = `${PREFIX}core-${VERSION}`;
const PAGES_CACHE = `${PREFIX}pages-${CONFIG.pages_hash || VERSION}`;
const SNAPSHOT_CACHE = `${PREFIX}snapshot`; // the checker worker's, never touched here
const CONFIGURED = Boolean(CONFIG.pyodide && CONFIG.hash && CONFIG.precache.length);
const absolute = (path) => new URL(path, self.location.href).href;
const PRECACHE = new Set(CONFIG.precache.map(absolute));
const PAGES = (CONFIG.pages || []).map(absolute);
// A core file's sha256 ("sha256-<base64>", as the build wrote it): a copy whose bytes differ is never cached.
const INTEGRITY = new Map(Object.entries(CONFIG.integrity || {}).map(([path, value]) => [absolute(path), value]));

/* Each file on its own, so one missing file does not leave the others uncached. "no-cache": revalidate with the
 * server, so files the page has just loaded come from the HTTP cache (304) instead of the network again. */
async function fill(cacheName, urls) {
  const cache = await caches.open(cacheName);
  const results = await Promise.allSettled(urls.map(async (url) => {
    if (await cache.match(url)) return;
    // With the build's sha256: a file cut short or damaged on its way rejects here, and is not cached.
    const response = await fetch(new Request(url, { cache: "no-cache", integrity: INTEGRITY.get(url) || "" }));
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    await cache.put(url, response);
  }));
  const failed = results.filter((r) => r.status === "rejected").map((r) => String(r.reason));
  if (failed.length) console.warn("sw: not cached:", failed);
  return failed;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // The pages only (a few MB): the runtime waits until a page asks for it ("keep-runtime" below).
      if (CONFIGURED) await fill(PAGES_CACHE, PAGES);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([CORE_CACHE, PAGES_CACHE, SNAPSHOT_CACHE]);
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && !keep.has(name)) await caches.delete(name);
      }
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

/* Whether the body of `response` (a copy, read here) is the build's (`expected`: "sha256-<base64>"). */
async function asBuilt(response, expected) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await response.arrayBuffer()));
  return `sha256-${btoa(String.fromCharCode(...digest))}` === expected;
}

async function cacheFirst(request) {
  const cache = await caches.open(CORE_CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    // Only the build's bytes are kept: a body cut short or damaged is passed on (the checker's worker names it)
    // and asked of the server again next time (an error status never gets here).
    const url = new URL(request.url);
    url.search = "";
    const expected = INTEGRITY.get(url.href);
    // The response itself is kept (its clone), not a new Response: the browser's cache of compiled WebAssembly
    // follows a cached response of the same URL only.
    const copy = response.clone();
    if (!expected || (await asBuilt(response.clone(), expected).catch(() => false))) await cache.put(request, copy);
  }
  return response;
}

async function networkFirst(event) {
  const request = event.request;
  try {
    const response = (await event.preloadResponse) || (await fetch(request));
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      event.waitUntil(caches.open(PAGES_CACHE).then((cache) => cache.put(request, copy)));
    }
    return response;
  } catch (error) {
    // Offline, or the server is down: the last copy (a page's ?direction=... query does not change the file).
    const ignoreSearch = request.mode === "navigate";
    const hit = (await caches.match(request, { cacheName: PAGES_CACHE, ignoreSearch })) ||
      (await caches.match(request, { cacheName: CORE_CACHE, ignoreSearch: true }));
    if (hit) return hit;
    if (request.mode === "navigate") {
      const missing = await caches.match(absolute("404.html"), { cacheName: PAGES_CACHE });
      if (missing) return missing;
    }
    throw error;
  }
}

// A page asks to keep files it may need offline (the screening page: Excel's packages, which only an .xlsx loads):
// this site's own files only, into the pages' cache (a new release refreshes it; the page asks again).
self.addEventListener("message", (event) => {
  const data = event.data;
  // The runtime for offline use, asked for by a page (the tool pages, or the visitor's click on a guide page);
  // the answer says whether every file is kept.
  if (CONFIGURED && data && data.type === "keep-runtime") {
    event.waitUntil(fill(CORE_CACHE, [...PRECACHE]).then((failed) => {
      if (event.source) event.source.postMessage({ type: "runtime-kept", ok: failed.length === 0 });
    }));
    return;
  }
  if (!CONFIGURED || !data || data.type !== "keep" || !Array.isArray(data.urls)) return;
  const scope = new URL("./", self.location.href).href;
  const urls = data.urls.filter((url) => typeof url === "string" && url.startsWith(scope) && url.length < 2048).slice(0, 20);
  event.waitUntil(fill(PAGES_CACHE, urls).then(() => {
    if (event.source) event.source.postMessage({ type: "kept", urls });
  }));
});

// The worker's HEAD checks of Pyodide's files (a wrong MIME type, a file that cannot be fetched) must see the
// cached copy when offline, but the Cache API keeps GET responses only: answer with the cached one's status and
// headers, and ask the network only for a file not cached yet.
async function headFromCache(request) {
  const hit = await caches.match(request.url, { cacheName: CORE_CACHE, ignoreSearch: true });
  if (hit) return new Response(null, { status: hit.status, statusText: hit.statusText, headers: hit.headers });
  return fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const head = request.method === "HEAD";
  if (!CONFIGURED || (request.method !== "GET" && !head)) return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  url.search = "";
  url.hash = "";
  if (PRECACHE.has(url.href)) {
    event.respondWith(head ? headFromCache(request) : cacheFirst(request));
  } else if (!head) {
    event.respondWith(networkFirst(event));
  }
});
