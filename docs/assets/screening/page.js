/* What the screening page's scripts share: its elements, its strings (the JSON block #screening-strings written
 * at build time by build_scripts/templates/pages/screening.md.j2), status and error lines. */

import { fill as fmt, pageData } from "../common/dom.js";

export const root = document.getElementById("screening");
export const T = pageData("screening-strings");
export const LANG = root.dataset.lang;
export { fmt };

const $ = (id) => document.getElementById(id);
export const ui = {
  engine: $("screening-engine"),
  engineText: $("screening-engine-text"),
  // One button per format (checker/formats.py), each naming its format, suffix and media type.
  templateButtons: [...document.querySelectorAll("[data-template-format]")],
  downloadButtons: [...document.querySelectorAll("[data-download-format]")],
  drop: $("screening-drop"),
  file: $("screening-file"),
  progress: $("screening-progress"),
  progressText: $("screening-progress-text"),
  progressBar: $("screening-progress-bar"),
  error: $("screening-error"),
  fileNote: $("screening-file-note"),
  live: $("screening-live"),
  results: $("screening-results"),
  printed: $("screening-printed"),
  checkedFile: $("screening-checked-file"),
  summary: $("screening-summary"),
  errors: $("screening-errors"),
  print: $("screening-print"),
  reset: $("screening-reset"),
  clear: $("screening-clear"),
  sessionNote: $("screening-session-note"),
  unitName: $("screening-unit-name"),
  remember: $("screening-remember"),
  retry: $("screening-retry"),
  signUnit: $("screening-sign-unit"),
  order: $("screening-order"),
  orderLine: $("screening-order-line"),
  table: $("screening-table"),
};

export function announce(text) {
  // Clearing first makes a screen reader read the same message again when it repeats.
  ui.live.textContent = "";
  window.setTimeout(() => { ui.live.textContent = text; }, 50);
}

export function showError(text) {
  ui.error.textContent = text;
  root.dataset.state = "error";
}

export function clearError() {
  ui.error.textContent = "";
}

export function setProgress(text, fraction) {
  ui.progress.hidden = false;
  ui.progressText.textContent = text;
  if (fraction === null || fraction === undefined) ui.progressBar.removeAttribute("value");
  else {
    ui.progressBar.max = 1;
    ui.progressBar.value = fraction;
  }
}

export function hideProgress() {
  ui.progress.hidden = true;
}
