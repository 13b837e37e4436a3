/* Answers saved in localStorage under one key per call (the same for every language), and the export format
 * {call, ruleset_version, exported_on, answers, set_aside?} that the command line's `assess` reads too (it reads
 * `answers` and ignores the rest). `set_aside` holds the answers the form cannot take (./aside.js), so that nothing
 * is dropped on the way through a save, an export or a link.
 *
 * A state is {answers, aside}: the form's answers and the answers kept aside.
 *
 * No save silently replaces answers another tab saved: this tab remembers what it last saved or took from what is
 * saved (in memory, and in sessionStorage so that Back and a reload remember it too), and save() returns what it
 * replaced when the saved answers were no longer those (another tab saved since): the page then offers them back. */

import { localDate } from "../common/dom.js";
import { nesting } from "../common/nesting.js";
import { storageKey, unwrap } from "../common/saved-answers.js";
import { keptAside } from "./aside.js";
import { collectAnswers } from "./form.js";
import { CALL, MAX_DEPTH, RULESET } from "./page.js";

const STORAGE_KEY = storageKey(CALL);
const TAB_KEY = `bdpilot-checker:tab:${CALL}`;
let storageOk = true;

export const EMPTY = Object.freeze({ answers: Object.freeze({}), aside: Object.freeze({}) });
const isMapping = (value) => Boolean(value) && typeof value === "object" && !Array.isArray(value);

/** The state the page shows now. */
export const currentState = () => ({ answers: collectAnswers(), aside: keptAside() });

export const hasAnswers = (state) => Object.keys(state.answers).length > 0 || Object.keys(state.aside).length > 0;

/** Whether two mappings of answers hold the same answers (in any order). */
export function sameAnswers(a, b) {
  const norm = (x) => JSON.stringify(Object.keys(x || {}).sort().map((k) => [k, x[k]]));
  return norm(a) === norm(b);
}

export const sameState = (a, b) => sameAnswers(a.answers, b.answers) && sameAnswers(a.aside, b.aside);

/** The state a document holds (an export {answers, set_aside?, ...} or a plain mapping of answers), or null when it
 * holds no mapping of answers or its set_aside is not a mapping. */
export function stateOf(doc) {
  const answers = unwrap(doc);
  if (!answers) return null;
  const aside = answers === doc ? {} : doc.set_aside ?? {};
  return isMapping(aside) ? { answers, aside } : null;
}

/** JSON text of answers read as a state: {state} or {problem} ("too_deep": nested deeper than the checker takes;
 * "unreadable": not JSON, or no mapping of answers). */
export function readText(text) {
  if (MAX_DEPTH && nesting(text, MAX_DEPTH) > MAX_DEPTH) return { problem: "too_deep" };
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { problem: "unreadable" };
  }
  const state = stateOf(doc);
  return state ? { state } : { problem: "unreadable" };
}

export function exportDoc(state = currentState()) {
  const doc = { call: CALL, ruleset_version: RULESET, exported_on: localDate(), answers: state.answers };
  if (Object.keys(state.aside).length) doc.set_aside = state.aside;
  return doc;
}

/** What is saved: {state} (null when nothing is, or storage is refused) and, when it cannot be read, {problem}. */
export function readStored() {
  let text = null;
  try {
    text = localStorage.getItem(STORAGE_KEY);
  } catch (error) {
    return { state: null };
  }
  if (text === null) return { state: null };
  const read = readText(text);
  return { state: read.state || null, problem: read.problem };
}

// ------------------------------------------------------------------------------------------------ this tab

let seen = null;

/** The state this tab saved or took last, from before this page was loaded (sessionStorage: Back, reload), or
 * null in a new tab. Read it before takeSeen(). */
export function previousSeen() {
  try {
    const text = sessionStorage.getItem(TAB_KEY);
    return text === null ? null : readText(text).state || null;
  } catch (error) {
    return null;
  }
}

/** What this tab saved or took last. */
export const lastSeen = () => seen;

/** This tab now shows `state`, as saved. */
export function takeSeen(state) {
  seen = { answers: { ...state.answers }, aside: { ...state.aside } };
  try {
    sessionStorage.setItem(TAB_KEY, JSON.stringify(seen));
  } catch (error) {
    // the memory copy still guards this page; only Back and a reload forget it
  }
}

/** Save the page's answers. Returns the state it replaced when that was not what this tab saved or took last (so
 * another tab saved it meanwhile), else null. `onUnavailable` is called once if this browser refuses to store. */
export function save(onUnavailable) {
  const state = currentState();
  const stored = readStored();
  const before = stored.state || EMPTY;
  const replaced = seen && !stored.problem && !sameState(before, seen) ? before : null;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(exportDoc(state)));
  } catch (error) {
    if (storageOk) {
      storageOk = false;
      onUnavailable();
    }
  }
  takeSeen(state);
  return replaced;
}

/** Another tab or window of this browser saved (or cleared) this call's answers: `onChange(state)` with theirs
 * as saved now (EMPTY when cleared). The `storage` event never fires in the tab that saved; events held while the
 * page was in the back-forward cache arrive together afterwards, so what is saved is read when one comes, not the
 * value the event carries (an older one by then). */
export function watchOtherTabs(onChange) {
  window.addEventListener("storage", (event) => {
    if (event.storageArea !== localStorage || (event.key !== STORAGE_KEY && event.key !== null)) return;
    const stored = readStored();
    if (!stored.problem) onChange(stored.state || EMPTY); // unreadable: nothing to offer
  });
}

/** Remove the saved answers (the clear button; loading another tab's clearing). */
export function forget() {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch (error) {
    // nothing saved
  }
  takeSeen(EMPTY);
}
