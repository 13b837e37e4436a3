/*
 * Registers the site's service worker (sw.js at the site root, two folders above this file), for the checker and
 * screening pages only: it caches Pyodide and the checker wheel so repeat visits start faster and work offline.
 *
 * Only on https or localhost (browsers allow service workers nowhere else), after the page has loaded and become
 * idle, so that registering never competes with the page's own start-up. Every failure is swallowed with a
 * console.warn: the page works the same without a service worker.
 */
(function () {
  "use strict";
  try {
    var script = document.currentScript;
    if (!script || !("serviceWorker" in navigator)) return;
    var host = location.hostname;
    var local = host === "localhost" || host === "127.0.0.1" || host === "[::1]" || /\.localhost$/.test(host);
    if (location.protocol !== "https:" && !(location.protocol === "http:" && local)) return;
    var swUrl = new URL("../../sw.js", script.src);
    var scope = new URL("./", swUrl).pathname;

    var register = function () {
      navigator.serviceWorker.register(swUrl.href, { scope: scope }).catch(function (error) {
        console.warn("service worker not registered:", error);
      });
    };
    var whenIdle = function () {
      if ("requestIdleCallback" in window) window.requestIdleCallback(register, { timeout: 5000 });
      else window.setTimeout(register, 1000);
    };
    if (document.readyState === "complete") whenIdle();
    else window.addEventListener("load", whenIdle, { once: true });
  } catch (error) {
    console.warn("service worker not registered:", error);
  }
})();
