/* When the checker cannot start: say why, for the visitor and for the site's administrator, in the page's
 * language (texts per error code in the page's strings, S.boot), with a button to try again and the page's static
 * checklist of what the checker needs (#checker-boot-checklist, written at build time). */

import { el, fill } from "../common/dom.js";
import { $, S, lang } from "./page.js";

/** A file's size for a visitor: "9.6 MB", "102 KB" (a count of bytes when both sizes would read the same). */
function size(bytes, other) {
  const rounded = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${Math.round(n / 1e3)} KB` : null);
  const text = rounded(bytes);
  return text && text !== rounded(other) ? text : `${bytes.toLocaleString(lang)} B`;
}

/** What the texts name: the error's details, and a file's sizes (details received, expected: bytes) in words. */
function valuesOf(error, timeoutMs) {
  const details = error.details || {};
  const values = { message: error.message, seconds: Math.round(timeoutMs / 1000), ...details };
  if (Number.isFinite(details.received) && Number.isFinite(details.expected)) {
    Object.assign(values, {
      received: size(details.received, details.expected),
      expected: size(details.expected, details.received),
      received_bytes: details.received.toLocaleString(lang),
      expected_bytes: details.expected.toLocaleString(lang),
    });
  }
  return values;
}

/** Show `error`; `retry()` starts the checker again (the button is offered unless the browser itself lacks
 * what is needed). */
export function showBootError(error, timeoutMs, retry) {
  const texts = S.boot[error.code] || S.boot.internal;
  const values = valuesOf(error, timeoutMs);
  $("checker-engine").hidden = true;
  const box = $("checker-boot-error");
  const parts = [
    el("h2", { class: "checker-boot-error__title" }, S.boot_failed_title),
    el("p", {}, el("strong", {}, S.boot_visitor), fill(texts[0], values)),
    el("p", {}, el("strong", {}, S.boot_admin), fill(texts[1], values)),
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
  $("checker-engine").hidden = false;
}
