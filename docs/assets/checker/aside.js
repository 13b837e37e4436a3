/* Answers the form cannot take: to a question these rules no longer ask, an option they no longer offer, a value
 * of a kind the question does not take ({"toString": 0} where an option is expected), a text its field cannot
 * hold. They are never put in the form and never sent to the checker, and never dropped either: they are kept
 * aside, listed above the questions (#checker-aside) by the question's label with what is wrong, and saved,
 * exported and shared with the answers (`set_aside`) until the visitor removes them. */

import { el, fill } from "../common/dom.js";
import { whyNotTaken } from "./form.js";
import { $, QUESTIONS, S } from "./page.js";

let kept = {};
let onRemove = () => {};

/** The answers kept aside now, by question. */
export const keptAside = () => ({ ...kept });

/** Keep `answers` aside (replacing what was kept) and list them. */
export function keepAside(answers) {
  kept = { ...answers };
  render();
}

/** What "Remove these answers" does (set once by the page). */
export function setRemoveHandler(handler) {
  onRemove = handler;
}
$("checker-aside-remove").addEventListener("click", () => onRemove());

// A value as short text for a message. Only strings, numbers and lists of them are written out: String() of an
// object can throw ({"toString": 0}), and an object says nothing to a visitor.
const MAX_SHOWN = 80;
function shown(value) {
  const scalar = (v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean";
  let text;
  if (scalar(value)) text = String(value);
  else if (Array.isArray(value) && value.every(scalar)) text = value.map(String).join(S.list_sep);
  else text = Array.isArray(value) ? "[…]" : "{…}";
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN - 1)}…`;
}

/** One line saying why the answer `value` to question `qid` is not used, naming the question by its label. */
export function describe(qid, value) {
  const question = QUESTIONS.get(qid);
  const values = { question: question ? question.label : "", value: shown(value) };
  const reason = whyNotTaken(qid, value);
  return fill(reason ? S.aside_reason[reason] : S.aside_earlier, values);
}

/** The lines for every answer of `answers` (a mapping), for a message's list. */
export const describeAll = (answers) => Object.entries(answers).map(([qid, value]) => describe(qid, value));

function render() {
  const entries = Object.entries(kept);
  $("checker-aside-list").replaceChildren(...entries.map(([qid, value]) => el("li", { "data-question": qid }, describe(qid, value))));
  $("checker-aside").hidden = !entries.length;
}
