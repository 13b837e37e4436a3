/*
 * Registers the site's service worker (sw.js at the site root, two folders above this file) from every page: it
 * caches every page, so after one visit to any page the guide works offline. The runtime (Pyodide and the checker
 * wheel, several MB) is kept for offline use only when a page asks the worker ({type: "keep-runtime"}):
 *  - the tool pages (their script tag has data-keep-runtime), once registered: they have just downloaded it to run,
 *    so keeping it costs no second download; but not when the browser asks to save data or the connection is
 *    cellular or slow (navigator.connection), where even revalidating several MB is not ours to decide;
 *  - a button "download the self-check tool for offline use" ([data-offline-runtime], written by the templates'
 *    macro offline_button, its size by build_scripts/sw_config.py): only when clicked, whatever the connection.
 *    The home page's is always offered; a tool page's ([data-offline-runtime="when-not-kept"]) only when that page
 *    did not keep the tool itself (saving data, a mobile or slow connection).
 * Every page loads it (build_scripts/overrides/partials/javascripts/content.html); the
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

  /* The "download the self-check tool for offline use" buttons: shown only where a service worker can keep it
   * (and a tool page's only when `notKept`: that page does not keep it by itself); the label names its size
   * (data-runtime-bytes, written by the build); a click asks for it (`keep` resolves true once every file is
   * kept) and the status line beside says how it went. */
  function offerRuntime(keep, notKept) {
    var buttons = document.querySelectorAll("[data-offline-runtime]");
    Array.prototype.forEach.call(buttons, function (button) {
      var bytes = Number(button.getAttribute("data-runtime-bytes"));
      if (!(bytes > 0)) return; // an unconfigured build keeps nothing: no button
      if (button.getAttribute("data-offline-runtime") === "when-not-kept" && !notKept) return;
      var status = document.getElementById(button.getAttribute("aria-describedby"));
      var megabytes = Math.max(1, Math.round(bytes / 1e6)).toLocaleString(document.documentElement.lang || undefined);
      button.textContent = button.getAttribute("data-label").replace("{mb}", megabytes);
      button.closest("[hidden]") && (button.closest("[hidden]").hidden = false);
      button.addEventListener("click", function () {
        button.disabled = true;
        status.textContent = button.getAttribute("data-busy");
        keep().then(function (ok) {
          status.textContent = button.getAttribute(ok ? "data-done" : "data-failed");
          button.disabled = ok;
          button.setAttribute("data-kept", String(ok));
        }, function () {
          status.textContent = button.getAttribute("data-failed");
          button.disabled = false;
        });
      });
    });
  }

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

    var keepRuntime = function () {
      return navigator.serviceWorker.ready.then(function (registration) {
        return new Promise(function (resolve) {
          navigator.serviceWorker.addEventListener("message", function heard(event) {
            if (!event.data || event.data.type !== "runtime-kept") return;
            navigator.serviceWorker.removeEventListener("message", heard);
            resolve(Boolean(event.data.ok));
          });
          registration.active.postMessage({ type: "keep-runtime" });
        });
      });
    };
    var connection = navigator.connection || {};
    var meteredOrSlow = Boolean(connection.saveData) || connection.type === "cellular" ||
      /^(slow-2g|2g|3g)$/.test(connection.effectiveType || "");
    var register = function () {
      if (done) return;
      done = true;
      navigator.serviceWorker.register(swUrl.href, { scope: scope }).then(function () {
        if (!script.hasAttribute("data-keep-runtime") || meteredOrSlow) return;
        // Said on the page (<html data-runtime-kept>) for whoever needs to know it is kept (the tests).
        return keepRuntime().then(function (ok) { document.documentElement.setAttribute("data-runtime-kept", String(ok)); });
      }).catch(function (error) {
        console.warn("service worker not registered:", error);
      });
    };
    offerRuntime(function () {
      register();
      return keepRuntime();
    }, script.hasAttribute("data-keep-runtime") && meteredOrSlow);
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
