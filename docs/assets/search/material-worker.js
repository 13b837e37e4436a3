/*
 * Stands between Material's search box and its search worker (Material 9.8, integrations/search/worker).
 *
 * Material's bundle fetches search/search_index.json and hands it to its worker as soon as a page loads. That file
 * is now only the configuration; the pages are in one index per language (build_scripts/hooks/search_index.py).
 * Material has no setting for when or what its worker loads, so this script catches the one Worker the bundle
 * creates (the URL in Material's #__config) and
 *
 *  1. holds back Material's set-up message until the visitor first reaches for search (focus in the search
 *     element, the search toggle; a ?q= link does both), then sends it with the docs of this page's language (the
 *     URL in this tag's data-index). A query typed meanwhile is not lost: Material sends the box's value as soon
 *     as its worker says it is ready;
 *  2. marks the search element data-search-ready="true" once the worker is ready (tests wait on it);
 *  3. passes each query through chineseWords.inQuery (docs/assets/search/chinese-words.js).
 *
 * Loaded before Material's bundle by build_scripts/overrides/main.html (the bundle creates its worker as it loads).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var search = document.querySelector("[data-md-component=search]");
  var toggle = document.querySelector("[data-md-toggle=search]");
  var configTag = document.getElementById("__config");
  if (!script || !search || !toggle || !configTag || typeof Worker === "undefined") return;
  var here = location.href;
  var workerUrl = new URL(JSON.parse(configTag.textContent).search, here).href;
  var indexUrl = new URL(script.getAttribute("data-index"), here).href;
  var SETUP = 0, READY = 1, QUERY = 2; // Material's SearchMessageType

  var NativeWorker = window.Worker;
  function CatchingWorker(url, options) {
    var worker = new NativeWorker(url, options);
    if (new URL(String(url), here).href === workerUrl) {
      window.Worker = NativeWorker;
      adapt(worker);
    }
    return worker;
  }
  CatchingWorker.prototype = NativeWorker.prototype;
  window.Worker = CatchingWorker;

  var wanted = false;
  var setup = null; // Material's set-up message, held back
  var loading = false;
  var words = null; // the index's Chinese words, for chineseWords.inQuery
  var post = null; // the worker's own postMessage

  function want() {
    wanted = true;
    if (setup && !loading) load();
  }
  search.addEventListener("focusin", want);
  toggle.addEventListener("change", function () { if (toggle.checked) want(); });

  function load() {
    loading = true;
    fetch(indexUrl)
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (index) {
        words = self.chineseWords ? self.chineseWords.fromIndex(index) : null;
        var data = Object.assign({}, setup.data, { config: index.config, docs: index.docs });
        post({ type: SETUP, data: data });
      })
      .catch(function (error) {
        loading = false; // the next time the visitor reaches for search tries again
        console.error("search: could not load " + indexUrl + ": " + error);
      });
  }

  function adapt(worker) {
    post = worker.postMessage.bind(worker);
    worker.postMessage = function (message) {
      if (message && message.type === SETUP) {
        setup = message;
        if (wanted) load();
        return;
      }
      if (message && message.type === QUERY && words && typeof message.data === "string") {
        message = { type: QUERY, data: self.chineseWords.inQuery(message.data, words) };
      }
      post(message);
    };
    worker.addEventListener("message", function (event) {
      if (event.data && event.data.type === READY) search.setAttribute("data-search-ready", "true");
    });
  }
})();
