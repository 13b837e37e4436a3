/* When the checker cannot start: say why, for the visitor and for the site's administrator, in the page's
 * language (texts per error code in the page's strings, S.boot). */

import { el, fill } from "../common/dom.js";
import { $, S } from "./page.js";

export function showBootError(error, timeoutMs) {
  const texts = S.boot[error.code] || S.boot.internal;
  const values = { message: error.message, seconds: Math.round(timeoutMs / 1000), ...(error.details || {}) };
  $("checker-engine").hidden = true;
  const box = $("checker-boot-error");
  box.replaceChildren(
    el("p", { class: "checker-boot-error__title" }, el("strong", {}, S.boot_failed_title)),
    el("p", {}, el("strong", {}, S.boot_visitor), fill(texts[0], values)),
    el("p", {}, el("strong", {}, S.boot_admin), fill(texts[1], values)),
    el("p", {}, S.boot_kept, " ", el("a", { href: S.eligibility_url }, S.eligibility_link), " · ",
      el("a", { href: S.requirements_url, id: "checker-requirements-link" }, S.boot_requirements)),
  );
  box.hidden = false;
  box.dataset.code = error.code;
  $("checker-verdict").textContent = "";
  $("checker-verdict-explain").textContent = "";
}
