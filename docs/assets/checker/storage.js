/* Answers saved in localStorage under one key per call (the same for every language), and the export format
 * {call, ruleset_version, exported_on, answers} that the command line's `assess` reads too. */

import { localDate } from "../common/dom.js";
import { readSaved, storageKey, unwrap } from "../common/saved-answers.js";
import { collectAnswers } from "./form.js";
import { CALL, RULESET } from "./page.js";

const STORAGE_KEY = storageKey(CALL);
let storageOk = true;

export function exportDoc() {
  return { call: CALL, ruleset_version: RULESET, exported_on: localDate(), answers: collectAnswers() };
}

/** Save the form's answers; `onUnavailable` is called once if this browser refuses to store them. */
export function save(onUnavailable) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(exportDoc()));
  } catch (error) {
    if (storageOk) {
      storageOk = false;
      onUnavailable();
    }
  }
}

export const loadSaved = () => readSaved(CALL);

/** Another tab or window of this browser saved (or cleared) this call's answers: `onChange(answers)` with
 * theirs ({} when cleared). The `storage` event never fires in the tab that saved. */
export function watchOtherTabs(onChange) {
  window.addEventListener("storage", (event) => {
    if (event.storageArea !== localStorage || (event.key !== STORAGE_KEY && event.key !== null)) return;
    let answers = {};
    try {
      answers = (event.newValue && unwrap(JSON.parse(event.newValue))) || {};
    } catch (error) {
      return; // unreadable: nothing to offer
    }
    onChange(answers);
  });
}

export function forget() {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch (error) {
    // nothing saved
  }
}
