/*
 * A guide search query as Material's search can answer it: bounded, cut into the index's own words, in time
 * linear in the query's length. Runs in the search worker (docs/assets/search/search-worker.js), never on the page.
 *
 * 1. Bounded: only the first `limit` characters are searched (checker/limits.py, MAX_SEARCH_QUERY_CHARS; the page
 *    tells the visitor when the rest was cut). Nobody types more; a pasted page of text is searched by its start.
 * 2. Words apart: full-width letters and digits become ASCII (NFKC), zero-width characters go, other punctuation
 *    and dashes separate words (010—88687028 is 010 88687028, www.bdcases.org.cn is www bdcases org cn), and a run
 *    of Chinese characters is a word apart from the letters or digits around it (71号 is 71 号). Material's query
 *    syntax (+word, -word, word*, word~1, word^2, "quoted words", title:word) keeps its characters.
 * 3. Chinese in the index's words: Material 9.8 cuts a run of Chinese characters in the query into words of the
 *    index itself (integrations/search/query/segment), but it never looks at the run's last character (数据交易
 *    was searched as 数据 alone) and it takes time cubic in the run's length. So each run is cut here, longest
 *    word first, into the words the index holds (its text's words and the words it is also found by:
 *    build_scripts/guide/search_words.py), each with U+3007 (〇, itself a Chinese character) after it: Material's
 *    segmenter then sees the whole word, finds exactly it, and drops the 〇 as the last character. A piece that is
 *    no word of the index (a word still being typed, a word the site lacks) is left alone, so Material searches it
 *    as a prefix. The index's words are kept as a trie, so each character of the query is looked at no more times
 *    than the index's longest word has characters.
 *
 * Plain functions on `self.chineseWords`, so tests/test_site_search.py runs this very file in Node.
 */
(function (scope) {
  "use strict";
  var HAN = /\p{sc=Han}+/gu;
  var END = "\u3007";
  var ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
  // Everything but letters, digits, marks, white space and the characters of Material's query syntax.
  var PUNCTUATION = /[^\s\p{L}\p{N}\p{M}+*~^:"-]+/gu;
  // A hyphen after a character is a dash inside a word or number; only a hyphen that starts a word means "not".
  var INNER_HYPHEN = /(\S)-+/g;

  // A trie of the index's Chinese words: each node a Map from a character to the next node; `true` under the empty
  // key (no character) marks a node where a word ends.
  function fromIndex(index) {
    var root = new Map();
    var separator = new RegExp(index.config.separator);
    index.docs.forEach(function (doc) {
      [doc.title, doc.text, doc.title_words, doc.words].forEach(function (field) {
        if (typeof field !== "string") return;
        field.split(separator).forEach(function (piece) {
          (piece.match(HAN) || []).forEach(function (word) { add(root, word); });
        });
      });
    });
    return root;
  }

  function add(root, word) {
    var node = root;
    for (var ch of word) {
      var next = node.get(ch);
      if (!next) node.set(ch, next = new Map());
      node = next;
    }
    node.set("", true);
  }

  // The query's first `limit` characters (code points), and whether anything was cut.
  function bounded(query, limit) {
    var count = 0;
    for (var i = 0; i < query.length; i++) {
      if (count === limit) return { text: query.slice(0, i), cut: true };
      var code = query.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < query.length) i++; // the two halves of one character
      count++;
    }
    return { text: query, cut: false };
  }

  // One run of Chinese characters as the index's words (each followed by END) and the pieces between them.
  function words(run, trie) {
    var chars = Array.from(run);
    var out = [];
    var unknown = "";
    for (var i = 0; i < chars.length;) {
      var node = trie;
      var longest = 0;
      for (var j = i; j < chars.length; j++) {
        node = node.get(chars[j]);
        if (!node) break;
        if (node.has("")) longest = j - i + 1;
      }
      if (longest === 0) {
        unknown += chars[i++];
        continue;
      }
      if (unknown) out.push(unknown);
      unknown = "";
      out.push(chars.slice(i, i + longest).join("") + END);
      i += longest;
    }
    if (unknown) out.push(unknown);
    return out.join(" ");
  }

  // The query as Material's worker should see it: {query, cut} (cut: whether characters past `limit` were dropped).
  function inQuery(query, trie, limit) {
    var part = bounded(String(query), limit > 0 ? limit : Infinity);
    var text = part.text.normalize("NFKC")
      .replace(ZERO_WIDTH, "")
      .replace(PUNCTUATION, " ")
      .replace(INNER_HYPHEN, "$1 ")
      .replace(HAN, function (run, at, whole) {
        // A word apart from what stands around it, unless that is query syntax bound to it (+数据, 数据^2).
        var before = at > 0 && !/[\s+\-:"]/.test(whole[at - 1]) ? " " : "";
        var after = at + run.length < whole.length && !/[\s~^*"]/.test(whole[at + run.length]) ? " " : "";
        return before + (trie ? words(run, trie) : run) + after;
      });
    return { query: text.replace(/\s+/g, " ").trim(), cut: part.cut };
  }

  scope.chineseWords = { fromIndex: fromIndex, inQuery: inQuery };
})(self);
