/*
 * Registers the site's service worker (sw.js at the site root, two folders above this file) from every page: it
 * caches every page, Pyodide and the checker wheel, so after one visit to any page the whole site and the
 * self-check work offline. Every page loads it (build_scripts/overrides/partials/javascripts/content.html); the
 * checker and screening pages load it first, with data-wait-for (the checker: its first verdict is shown; the
 * screening page: its Python worker is ready), and the later copy then does nothing:
 *
 *   <script src="../assets/sw/register.js" data-wait-for="#checker-verdict:not([data-verdict=''])" defer></script>
 *
 * Only on https or localhost (browsers allow service workers nowhere else). It waits until the page has loaded
 * and, with data-wait-for, until an element matches that selector (the page's Python worker is ready), then until
 * the browser is idle: the worker's install step fetches Pyodide's files to cache them, and doing that while the
 * page's own worker is still downloading them would fetch the 3.5 MB .wasm twice (measured by
 * tests/bench/run_bench.py). After 60 s it registers regardless. Every failure is swallowed with a
 * console.warn: the page works the same without a service worker.
 */
(function () {
  "use strict";
  try {
    var script = document.currentScript;
    if (!script || !("serviceWorker" in navigator) || window.__bdpilotSwRegister) return;
    window.__bdpilotSwRegister = true; // the first copy on the page decides (the checker's waits for Python)
    var host = location.hostname;
    var local = host === "localhost" || host === "127.0.0.1" || host === "[::1]" || /\.localhost$/.test(host);
    if (location.protocol !== "https:" && !(location.protocol === "http:" && local)) return;
    var swUrl = new URL("../../sw.js", script.src);
    var scope = new URL("./", swUrl).pathname;
    var waitFor = script.getAttribute("data-wait-for");
    var done = false;

    var register = function () {
      if (done) return;
      done = true;
      navigator.serviceWorker.register(swUrl.href, { scope: scope }).catch(function (error) {
        console.warn("service worker not registered:", error);
      });
    };
    var whenIdle = function () {
      if ("requestIdleCallback" in window) window.requestIdleCallback(register, { timeout: 5000 });
      else window.setTimeout(register, 500);
    };
    var whenReady = function () {
      if (!waitFor || document.querySelector(waitFor)) return whenIdle();
      var observer = new MutationObserver(function () {
        if (document.querySelector(waitFor)) {
          observer.disconnect();
          whenIdle();
        }
      });
      observer.observe(document.body, { subtree: true, attributes: true, childList: true });
      window.setTimeout(function () {
        observer.disconnect();
        whenIdle();
      }, 60000);
    };
    if (document.readyState === "complete") whenReady();
    else window.addEventListener("load", whenReady, { once: true });
  } catch (error) {
    console.warn("service worker not registered:", error);
  }
})();
