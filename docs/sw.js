/*
 * Service worker of the guide site (at the site root, so its scope covers / and /en/).
 *
 * Registered only by the checker and screening pages (assets/sw/register.js). It makes repeat visits fast and the
 * self-check work offline once visited:
 *
 *  - Pyodide's core files and the checker wheel and lock file (CONFIG.precache, paths relative to this file) are
 *    cached when the worker installs and then served cache-first. The cache name carries the Pyodide version, the
 *    checker version and a hash of those files' contents, so a new build gets a new cache and old caches are
 *    deleted when the new worker activates.
 *  - Everything else goes to the network first (HTML too, so an updated page shows at once); a copy of each
 *    same-origin answer is kept and used only when the network fails (offline).
 *
 * CONFIG is written at build time by build_scripts/sw_config.py from the files in the built site (the markers
 * below must stay on one line). Unconfigured (a plain `mkdocs build`), the worker caches nothing and passes every
 * request through, so it can never serve stale files.
 */
"use strict";

const CONFIG = /* @sw-config */ { pyodide: "", checker: "", hash: "", precache: [] } /* @end-sw-config */;

const PREFIX = "bdpilot-";
const VERSION = `pyodide-${CONFIG.pyodide}-checker-${CONFIG.checker}-${CONFIG.hash}`;
const CORE_CACHE = `${PREFIX}core-${VERSION}`;
const PAGES_CACHE = `${PREFIX}pages-${VERSION}`;
const CONFIGURED = Boolean(CONFIG.pyodide && CONFIG.hash && CONFIG.precache.length);
const PRECACHE = new Set(CONFIG.precache.map((path) => new URL(path, self.location.href).href));

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      if (CONFIGURED) {
        try {
          const cache = await caches.open(CORE_CACHE);
          // "no-cache": revalidate with the server, so files the page has just loaded come from the HTTP cache.
          await cache.addAll([...PRECACHE].map((url) => new Request(url, { cache: "no-cache" })));
        } catch (error) {
          // Not fatal: the files are then cached the first time they are fetched.
          console.warn("sw: precache failed:", error);
        }
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([CORE_CACHE, PAGES_CACHE]);
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && !keep.has(name)) await caches.delete(name);
      }
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

async function cacheFirst(request) {
  const cache = await caches.open(CORE_CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
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
    const hit = (await caches.match(request, { cacheName: PAGES_CACHE })) ||
      (await caches.match(request, { cacheName: CORE_CACHE, ignoreSearch: true }));
    if (hit) return hit;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (!CONFIGURED || request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  url.search = "";
  url.hash = "";
  if (PRECACHE.has(url.href)) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(networkFirst(event));
  }
});
