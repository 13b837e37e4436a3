/* The form: plain HTML rendered at build time. Read answers from it, fill it, show and hide its conditional
 * questions (as the checker's visible_questions say) and keep exclusive options exclusive. */

import { DIRECTION_QUESTION, QUESTIONS, form } from "./page.js";

// The form's controls by question, gathered once: the form is built at build time and never gains or loses a
// control, and an answer change reads them all (a query per question each time cost milliseconds).
let byQuestion = null;
export function controls(qid) {
  if (!byQuestion) {
    byQuestion = new Map();
    for (const control of form.elements) {
      if (!control.name) continue;
      if (!byQuestion.has(control.name)) byQuestion.set(control.name, []);
      byQuestion.get(control.name).push(control);
    }
  }
  return byQuestion.get(qid) || [];
}

/** obj[key] = value as an own property, whatever the key ("__proto__" too: an assignment would set the prototype). */
export function setKey(obj, key, value) {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  return obj;
}

// A value a control can take as text: a string, or a finite number (exported files have counts as numbers).
// Anything else (an object, a list, true, null) is an answer no control takes, and is never turned into text here:
// String() of {"toString": 0} throws.
function scalarText(value) {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

// How each form control is read and filled, by the control its kind names (checker/kinds.py: "one" radio
// buttons, "many" check boxes, "field" one input). A new kind with one of these controls needs nothing here.
// check(inputs, value) says why the control cannot take `value` ("wrong_type", "unknown_option", "unfit") or
// null; fill(inputs, value) fills it with what it can take and returns the part it could not take (undefined when
// it took everything). Neither throws, whatever the value.
const CONTROLS = {
  one: {
    read: (inputs) => inputs.find((i) => i.checked)?.value,
    check(inputs, value) {
      const text = scalarText(value);
      if (text === null) return "wrong_type";
      return inputs.some((i) => i.value === text) ? null : "unknown_option";
    },
    fill(inputs, value) {
      if (this.check(inputs, value)) return value;
      inputs.find((i) => i.value === scalarText(value)).checked = true;
      return undefined;
    },
  },
  many: {
    read(inputs) {
      const values = inputs.filter((i) => i.checked).map((i) => i.value);
      return values.length ? values : undefined;
    },
    check(inputs, value) {
      const items = Array.isArray(value) ? value : [value];
      if (items.some((item) => scalarText(item) === null)) return "wrong_type";
      return items.every((item) => inputs.some((i) => i.value === scalarText(item))) ? null : "unknown_option";
    },
    fill(inputs, value) {
      if (this.check(inputs, value) === "wrong_type") return value;
      const left = [];
      for (const item of Array.isArray(value) ? value : [value]) {
        const match = inputs.find((i) => i.value === scalarText(item));
        if (match) match.checked = true;
        else left.push(item);
      }
      return left.length ? left : undefined;
    },
  },
  field: {
    read(inputs, q) {
      const value = inputs[0].value.trim();
      if (!value) return undefined;
      // Plain digits go as a number (as exported files have them); anything else ("３", "3 个", "1e3") goes as
      // typed, for the checker to read or refuse (the decision is the checker's, in Python).
      if (q.numeric) return /^[0-9]+$/.test(value) ? Number(value) : value;
      return q.verbatim ? inputs[0].value : value;
    },
    check(inputs, value, q) {
      const text = scalarText(value);
      if (text === null) return "wrong_type";
      // What the field would hold (a date field empties itself for "2022-02-30", a line field drops line breaks).
      const scratch = document.createElement("input");
      scratch.type = inputs[0].type;
      scratch.value = text;
      return scratch.value === text || q.verbatim ? null : "unfit";
    },
    fill(inputs, value, q) {
      if (this.check(inputs, value, q)) return value;
      inputs[0].value = scalarText(value);
      return undefined;
    },
  },
};

/** Answers as the checker reads them: question -> option id, [option ids], number or text. */
export function collectAnswers() {
  const answers = {};
  for (const [qid, q] of QUESTIONS) {
    const value = CONTROLS[q.control].read(controls(qid), q);
    if (value !== undefined) answers[qid] = value;
  }
  return answers;
}

/** Why the form cannot take `value` as the answer to question `qid`: "unknown_question" (not asked by these
 * rules), "wrong_type" (not a kind of value the question takes), "unknown_option" (an option these rules do not
 * offer), "unfit" (a text its field cannot hold); null when it can. */
export function whyNotTaken(qid, value) {
  const q = QUESTIONS.get(qid);
  if (!q) return "unknown_question";
  return CONTROLS[q.control].check(controls(qid), value, q);
}

/** Fill the form with `answers` (everything else is cleared). Returns what the form could not take, by question
 * ({} when it took everything): kept by the caller, never dropped. Never throws, whatever the values. */
export function applyAnswers(answers) {
  form.reset();
  const left = {};
  for (const [qid, value] of Object.entries(answers || {})) {
    const q = QUESTIONS.get(qid);
    const rest = q ? CONTROLS[q.control].fill(controls(qid), value, q) : value;
    if (rest !== undefined) setKey(left, qid, rest);
  }
  return left;
}

export function setVisible(visibleIds) {
  const visible = new Set(visibleIds);
  for (const wrapper of form.querySelectorAll("[data-conditional]")) {
    const hidden = !visible.has(wrapper.dataset.question);
    if (wrapper.hidden !== hidden) wrapper.hidden = hidden; // unchanged questions are not touched (no re-style)
  }
}

/** A checked exclusive option ("none of these") clears the others, and the others clear it. */
export function onExclusive(target) {
  if (target.type !== "checkbox" || !target.checked) return;
  const group = controls(target.name);
  if (target.hasAttribute("data-exclusive")) {
    for (const box of group) if (box !== target) box.checked = false;
  } else {
    for (const box of group) if (box.hasAttribute("data-exclusive")) box.checked = false;
  }
}

export function selectDirection(id) {
  const input = controls(DIRECTION_QUESTION).find((i) => i.value === id);
  if (input) input.checked = true;
  return Boolean(input);
}

/** Move to question `qid`: its label in view (below the site's header) and the keyboard on its first control (the
 * checked option, if any). Used by the error summary, "still to answer" and "change" links. */
export function focusQuestion(qid) {
  const wrapper = document.getElementById(`q-${qid}`);
  if (!wrapper || wrapper.hidden) return false;
  const inputs = controls(qid);
  const target = inputs.find((i) => i.checked) || inputs[0];
  wrapper.scrollIntoView({ block: "start" });
  if (target) target.focus({ preventScroll: true });
  return Boolean(target);
}

/** The question shown after `qid` in the form's order, or null after the last one. */
export function nextQuestion(qid) {
  const shown = [...form.querySelectorAll("[data-question]")].filter((w) => !w.hidden);
  const at = shown.findIndex((w) => w.dataset.question === qid);
  return at >= 0 && at + 1 < shown.length ? shown[at + 1].dataset.question : null;
}

// The progress line's questions: the required ones the form always asks (the questionnaire's `required`, without
// `conditional`). A follow-up question (shown by another's answer) counts under the always-asked question it comes
// from, so the total stays the same while questions appear and disappear; optional questions are never counted.
function rootsOf(qid, seen = new Set()) {
  const q = QUESTIONS.get(qid);
  if (!q || seen.has(qid)) return [];
  seen.add(qid);
  if (!q.conditional) return [qid];
  return (q.follows || []).flatMap((parent) => rootsOf(parent, seen));
}
let tracked = null;
function trackedQuestions() {
  if (!tracked) {
    tracked = new Map(); // always-asked required question -> the required follow-ups that count under it
    for (const [qid, q] of QUESTIONS) if (q.required && !q.conditional) tracked.set(qid, []);
    for (const [qid, q] of QUESTIONS) {
      if (!q.required || !q.conditional) continue;
      for (const root of rootsOf(qid)) if (tracked.has(root)) tracked.get(root).push(qid);
    }
  }
  return tracked;
}

/** How many of the required questions are done (answered, and so are the required follow-ups it shows now), out of
 * a total that never moves (the progress line). */
export function progress() {
  const answers = collectAnswers();
  const shown = (qid) => !document.getElementById(`q-${qid}`)?.hidden;
  let answered = 0;
  for (const [qid, followUps] of trackedQuestions()) {
    if (qid in answers && followUps.every((f) => !shown(f) || f in answers)) answered += 1;
  }
  return { answered, total: trackedQuestions().size };
}
