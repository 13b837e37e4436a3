/*
 * Guide search answers however text gets into the box.
 *
 * Material's search box (9.8, components/search/query) reads the box on "keyup" only, so text that arrives without
 * a key-up -- pasted with the mouse, dropped, dictated, autofilled, written by hand, set by a test's fill() -- never
 * started a search, and nothing said so. The "input" event fires for every one of those. After each (and when an
 * input method commits its text) this sends the box a key-up, the one signal Material listens to; Material then
 * reads the box as usual and skips a value it has already searched, so real key presses cost nothing extra.
 * Material offers no option for this. Loaded before Material's bundle by build_scripts/overrides/main.html.
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-md-component=search-query]");
  if (!box) return;
  function nudge(event) {
    if (event.isComposing) return; // an input method is still composing: wait for its compositionend
    box.dispatchEvent(new KeyboardEvent("keyup"));
  }
  box.addEventListener("input", nudge);
  box.addEventListener("compositionend", nudge);
})();
