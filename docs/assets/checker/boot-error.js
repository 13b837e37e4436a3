/* When the checker cannot start: say why, in the page's language (texts per error code in the page's strings,
 * S.boot: [for the visitor, for the site's administrator]). The alert holds the visitor's words and a button to try
 * again; the administrator's detail and the static checklist of what the checker needs go behind the "Technical
 * details" disclosure (#checker-boot-checklist, written at build time), so a visitor is never given server advice. */

import { bootValues } from "../common/boot-words.js";
import { el, fill } from "../common/dom.js";
import { $, S, lang } from "./page.js";

/** Show `error`; `retry()` starts the checker again (the button is offered unless the browser itself lacks
 * what is needed). */
export function showBootError(error, timeoutMs, retry) {
  const texts = S.boot[error.code] || S.boot.internal;
  const values = bootValues(error, timeoutMs, lang);
  $("checker-engine").hidden = true;
  const box = $("checker-boot-error");
  const parts = [
    el("h2", { class: "checker-boot-error__title" }, S.boot_failed_title),
    el("p", {}, fill(texts[0], values)),
    el("p", {}, S.boot_kept, " ", el("a", { href: S.eligibility_url }, S.eligibility_link)),
  ];
  if (error.code !== "no_webassembly") {
    const button = el("button", { type: "button", class: "md-button md-button--primary", id: "checker-retry" }, S.retry);
    button.addEventListener("click", () => retry(), { once: true });
    parts.push(el("p", {}, button));
  }
  box.replaceChildren(...parts);
  box.hidden = false;
  box.dataset.code = error.code;
  $("checker-boot-admin").textContent = fill(texts[1], values);
  $("checker-boot-checklist").hidden = false;
  $("checker-verdict").textContent = "";
  $("checker-verdict-explain").textContent = "";
}

/** Take the message down before a new start. */
export function hideBootError() {
  const box = $("checker-boot-error");
  box.hidden = true;
  box.replaceChildren();
  delete box.dataset.code;
  $("checker-boot-checklist").hidden = true;
  $("checker-boot-checklist").open = false;
  $("checker-boot-admin").textContent = "";
  $("checker-engine").hidden = false;
}
