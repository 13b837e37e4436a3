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
