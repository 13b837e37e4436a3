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

// How each form control is read and filled, by the control its kind names (checker/kinds.py: "one" radio
// buttons, "many" check boxes, "field" one input). A new kind with one of these controls needs nothing here.
const CONTROLS = {
  one: {
    read: (inputs) => inputs.find((i) => i.checked)?.value,
    fill(inputs, value) {
      const match = inputs.find((i) => i.value === String(value));
      if (match) match.checked = true;
      return Boolean(match);
    },
  },
  many: {
    read(inputs) {
      const values = inputs.filter((i) => i.checked).map((i) => i.value);
      return values.length ? values : undefined;
    },
    fill(inputs, value) {
      let ok = true;
      for (const v of Array.isArray(value) ? value.map(String) : [String(value)]) {
        const match = inputs.find((i) => i.value === v);
        if (match) match.checked = true;
        else ok = false;
      }
      return ok;
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
    fill(inputs, value, q) {
      if (value === null || typeof value === "object") return false;
      inputs[0].value = String(value);
      return inputs[0].value === String(value) || q.verbatim;
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

/** Fill the form with `answers` (everything else is cleared); returns the question ids that could not be used. */
export function applyAnswers(answers) {
  form.reset();
  const unusable = [];
  for (const [qid, value] of Object.entries(answers || {})) {
    const q = QUESTIONS.get(qid);
    if (!q) {
      unusable.push(qid);
      continue;
    }
    if (!CONTROLS[q.control].fill(controls(qid), value, q)) unusable.push(qid);
  }
  return unusable;
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

/** The questions shown now and how many of them are answered (the progress line). */
export function progress() {
  const answers = collectAnswers();
  const shown = [...form.querySelectorAll("[data-question]")].filter((w) => !w.hidden);
  return { answered: shown.filter((w) => w.dataset.question in answers).length, total: shown.length };
}
