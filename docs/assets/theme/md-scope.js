/* Material's inline <head> script (mkdocs-material 9.8, partials/javascripts/base.html), unchanged but for the
 * scope, read from data-scope: as a file, the site runs under a CSP without 'unsafe-inline' (issue 19). Material's
 * bundle reads these four globals. Loaded by build_scripts/overrides/partials/javascripts/base.html. */
var __md_scope = new URL(document.currentScript.getAttribute("data-scope"), location),
  __md_hash = (e) => [...e].reduce((e, _) => (e << 5) - e + _.charCodeAt(0), 0),
  __md_get = (e, _ = localStorage, t = __md_scope) => JSON.parse(_.getItem(t.pathname + "." + e)),
  __md_set = (e, _, t = localStorage, a = __md_scope) => {
    try {
      t.setItem(a.pathname + "." + e, JSON.stringify(_));
    } catch (e) {}
  };
