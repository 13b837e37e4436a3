/*
 * Chinese queries reach Material's search as the index's own words.
 *
 * Material 9.8 cuts a run of Chinese characters in the query into words of the index itself
 * (integrations/search/query/segment), but it never looks at the run's last character: 数据交易 was searched as
 * 数据 alone (交易 was lost, so the 数据交易流通方向 page came 8th), and a run it does split comes out as "数据*"
 * terms that Material then lists as missing under every result. Material has no option for this, so the page
 * rewrites the query before it reaches Material's worker (docs/assets/search/material-worker.js): each run is cut
 * into the longest words the index holds, and each word gets U+3007 (〇, itself a Chinese character) after it.
 * Material's segmenter then sees the whole word, finds exactly it, and drops the 〇 as the last character. A piece
 * that is no word of the index (a word still being typed, a word the site lacks) is left alone, so Material
 * searches it as a prefix as before.
 *
 * Plain functions on `self.chineseWords`, so tests/test_site_search.py runs this very file in Node.
 */
(function (scope) {
  "use strict";
  var HAN = /\p{sc=Han}+/gu;
  var END = "\u3007";

  // Every run of Chinese characters that is a token of the index (Material's build puts a separator -- a
  // zero-width space -- around each word jieba found).
  function fromIndex(index) {
    var words = new Set();
    var separator = new RegExp(index.config.separator);
    index.docs.forEach(function (doc) {
      (doc.title + " " + doc.text).split(separator).forEach(function (piece) {
        (piece.match(HAN) || []).forEach(function (word) { words.add(word); });
      });
    });
    return words;
  }

  function inQuery(query, words) {
    return query.replace(HAN, function (run) {
      var out = [];
      var unknown = "";
      for (var i = 0; i < run.length;) {
        var j = run.length;
        while (j > i && !words.has(run.slice(i, j))) j--;
        if (j === i) {
          unknown += run[i++];
          continue;
        }
        if (unknown) out.push(unknown);
        unknown = "";
        out.push(run.slice(i, j) + END);
        i = j;
      }
      if (unknown) out.push(unknown);
      return out.join(" ");
    });
  }

  scope.chineseWords = { fromIndex: fromIndex, inQuery: inQuery };
})(self);
