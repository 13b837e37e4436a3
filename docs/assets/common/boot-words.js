import { fill } from "./dom.js";

/* The values a "checker cannot start" text names, for every page that starts the checker (the checker page's
 * boot-error.js, the screening page): the error's details, and a file's sizes in words. */

/** A file's size for a visitor: "9.6 MB", "102 KB" (a count of bytes when both sizes would read the same). */
function size(bytes, other, lang) {
  const rounded = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${Math.round(n / 1e3)} KB` : null);
  const text = rounded(bytes);
  return text && text !== rounded(other) ? text : `${bytes.toLocaleString(lang)} B`;
}

/** What the texts name: the error's details, and a file's sizes (details received, expected: bytes) in words. */
export function bootValues(error, timeoutMs, lang) {
  const details = error.details || {};
  const values = { message: error.message, seconds: Math.round(timeoutMs / 1000), ...details };
  if (Number.isFinite(details.received) && Number.isFinite(details.expected)) {
    Object.assign(values, {
      received: size(details.received, details.expected, lang),
      expected: size(details.expected, details.received, lang),
      received_bytes: details.received.toLocaleString(lang),
      expected_bytes: details.expected.toLocaleString(lang),
    });
  }
  return values;
}

/** The download's progress in words' values: {received: "3.1", total: "13.0" (MB, one decimal), percent: 24}
 * (`download`: the client's {received, total} in bytes). The percent is rounded down: 100 only once all is here. */
export function downloadValues({ received, total }, lang) {
  const mb = (n) => (n / 1e6).toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return { received: mb(received), total: mb(total), percent: Math.floor((100 * received) / total) };
}

/** Show the download on a page: `text` (the status line, filled from `words`), the <progress> `bar`, and the
 * status region `box`, kept busy while the numbers move (a screen reader is not read every step; the bar can be
 * asked for its value at any time), until the next stage clears it. */
export function showDownload(box, text, bar, words, download, lang) {
  box.setAttribute("aria-busy", "true");
  text.textContent = fill(words, downloadValues(download, lang));
  bar.max = download.total;
  bar.value = download.received;
}

/** The next stage: the region speaks again, and the bar is indeterminate (start-up has no measure). */
export function endDownload(box, bar) {
  box.removeAttribute("aria-busy");
  bar.removeAttribute("value");
}
