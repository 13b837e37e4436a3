/*
 * Stands between Material's search box and its search worker (Material 9.8, integrations/search/worker).
 *
 * Material's bundle fetches search/search_index.json and hands it to its worker as soon as a page loads. That file
 * is now only the configuration; the pages are in one index per language (build_scripts/hooks/search_index.py).
 * Material has no setting for when or what its worker loads, so this script catches the one Worker the bundle
 * creates (the URL in Material's #__config), starts the site's search worker in its place
 * (docs/assets/search/search-worker.js, this tag's data-worker, which runs Material's worker inside it and cuts
 * each query into the index's words there, off the main thread), and
 *
 *  1. holds back Material's set-up message until the visitor first reaches for search (focus in the search
 *     element, the search toggle; a ?q= link does both), then sends it with the docs of this page's language (the
 *     URL in this tag's data-index) and the longest query searched (data-limit). A query typed meanwhile is not
 *     lost: Material sends the box's value as soon as its worker says it is ready;
 *  2. marks the search element data-search-ready="true" once the worker is ready (tests wait on it);
 *  3. shows the note in data-cut-note above the results while the query searched was cut to that length.
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
  var ownWorkerUrl = new URL(script.getAttribute("data-worker"), here).href;
  var indexUrl = new URL(script.getAttribute("data-index"), here).href;
  var limit = Number(script.getAttribute("data-limit")) || 0;
  var SETUP = 0, READY = 1, RESULT = 3; // Material's SearchMessageType

  // The note that the query was cut, between Material's result count and its list (Material finds those two as
  // the first and the last child, so they stay so).
  var note = document.createElement("p");
  note.className = "md-search-result__note";
  note.textContent = script.getAttribute("data-cut-note") || "";
  note.hidden = true;
  var meta = search.querySelector(".md-search-result__meta");
  if (meta) meta.after(note);

  var NativeWorker = window.Worker;
  function CatchingWorker(url, options) {
    if (new URL(String(url), here).href !== workerUrl) return new NativeWorker(url, options);
    window.Worker = NativeWorker;
    var worker = new NativeWorker(ownWorkerUrl + "#" + encodeURIComponent(workerUrl), options);
    adapt(worker);
    return worker;
  }
  CatchingWorker.prototype = NativeWorker.prototype;
  window.Worker = CatchingWorker;

  var wanted = false;
  var setup = null; // Material's set-up message, held back
  var loading = false;
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
        var data = Object.assign({}, setup.data, { config: index.config, docs: index.docs, limit: limit });
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
      post(message);
    };
    worker.addEventListener("message", function (event) {
      var message = event.data;
      if (!message) return;
      if (message.type === READY) search.setAttribute("data-search-ready", "true");
      if (message.type === RESULT) note.hidden = !(message.data && message.data.cut);
    });
  }
})();
