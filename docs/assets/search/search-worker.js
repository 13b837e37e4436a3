/*
 * The guide's search worker: Material's own search worker (9.8, integrations/search/worker), whose URL follows
 * the "#" of this script's URL, with two things done here, off the page's main thread:
 *
 *  1. each query is bounded and cut into the index's words by chineseWords.inQuery
 *     (docs/assets/search/chinese-words.js) before Material's worker sees it; the words come from the index that
 *     the set-up message brings, with the bound (`limit`, from checker/limits.py through
 *     build_scripts/overrides/main.html);
 *  2. each result leaves without the zero-width spaces that separate the index's words (Material's build puts
 *     them around each Chinese word, and they would be copied with a teaser's text), without the index's hidden
 *     fields of words, with at most MAX_MISSING of the query's words it lacks (Material lists them under the
 *     result, rewriting the result's HTML once for each: a pasted paragraph's hundred words froze the page for
 *     seconds), and with `cut` set when the query was longer than the bound (the page then says so).
 *
 * docs/assets/search/material-worker.js starts this worker in place of Material's. Material's worker loads its
 * lunr language files relative to its own URL, so importScripts() resolves against that URL here.
 */
importScripts("chinese-words.js");
(function () {
  "use strict";
  var SETUP = 0, QUERY = 2, RESULT = 3; // Material's SearchMessageType
  var ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
  // The index's fields of words an entry is also found by (build_scripts/guide/search_words.py), never shown.
  var HIDDEN = ["words", "title_words"];
  var MAX_MISSING = 8;
  var material = decodeURIComponent(self.location.hash.slice(1));
  var trie = null;
  var limit = 0;
  var cut = false;

  var nativeImport = self.importScripts;
  self.importScripts = function () {
    var urls = Array.prototype.map.call(arguments, function (url) { return new URL(url, material).href; });
    return nativeImport.apply(self, urls);
  };

  var nativeAdd = self.addEventListener;
  self.addEventListener = function (type, listener, options) {
    if (type === "message" && typeof listener === "function") {
      var inner = listener;
      listener = function (event) { return inner.call(this, { data: prepare(event.data) }); };
    }
    return nativeAdd.call(self, type, listener, options);
  };

  var nativePost = self.postMessage;
  self.postMessage = function (message) {
    return nativePost.call(self, message && message.type === RESULT ? clean(message) : message);
  };

  function prepare(message) {
    if (message && message.type === SETUP && message.data) {
      trie = self.chineseWords.fromIndex(message.data);
      limit = message.data.limit || 0;
    } else if (message && message.type === QUERY && typeof message.data === "string") {
      var query = self.chineseWords.inQuery(message.data, trie, limit);
      cut = query.cut;
      return { type: QUERY, data: query.query };
    }
    return message;
  }

  function text(value) {
    return typeof value === "string" ? value.replace(ZERO_WIDTH, "") : value;
  }

  // A result item as the page shows it. Items are Material's shallow copies of the index's entries; `parent` is
  // the entry itself (the page never reads it), so it is left behind rather than changed.
  function item(found) {
    var out = {};
    Object.keys(found).forEach(function (key) {
      if (key !== "parent" && HIDDEN.indexOf(key) < 0) out[key] = found[key];
    });
    out.title = text(out.title);
    out.text = text(out.text);
    if (out.terms) {
      var terms = {};
      var missing = 0;
      Object.keys(out.terms).forEach(function (term) {
        if (out.terms[term] || missing++ < MAX_MISSING) terms[term] = out.terms[term];
      });
      out.terms = terms;
    }
    if (Array.isArray(out.tags)) out.tags = out.tags.map(text);
    return out;
  }

  function clean(message) {
    var data = message.data || {};
    var items = (data.items || []).map(function (group) { return group.map(item); });
    var out = Object.assign({}, data, { items: items });
    if (cut) out.cut = limit;
    return { type: RESULT, data: out };
  }

  nativeImport.call(self, material);
})();
