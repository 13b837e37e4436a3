/* "Check your answers" (on screen and in the printed report): each question shown and its answer, in the page's
 * language, with a link that moves to the question to change it; and the progress line of the verdict panel. */

import { el, fill, localDate, placeChildren } from "../common/dom.js";
import { collectAnswers, progress } from "./form.js";
import { $, QUESTIONS, S } from "./page.js";

function formatAnswer(q, value) {
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return S.not_answered;
  const label = (id) => ((q.options || []).find((o) => o.id === id) || { label: String(id) }).label;
  if (q.control === "one") return label(value);
  if (q.control === "many") return value.map(label).join(S.list_sep);
  return q.unit ? `${value} ${q.unit}` : String(value);
}

// One row per question, made once and updated in place (only the rows whose answer changed are touched).
const rows = new Map();

function rowFor(qid, q) {
  let row = rows.get(qid);
  if (!row) {
    const answer = el("td", {});
    const change = el("a", { href: `#q-${qid}`, "data-question": qid, class: "checker-change" },
      S.change, el("span", { class: "checker-vh" }, fill(S.change_hidden, { label: q.label })));
    row = { tr: el("tr", { "data-question": qid }, el("th", { scope: "row" }, q.label), answer,
      el("td", { class: "checker-summary__change" }, change)), answer, text: null };
    rows.set(qid, row);
  }
  return row;
}

/** Refill the summary from the form (`result`: the latest result, whose visible questions it lists). */
export function updateSummary(result) {
  const answers = collectAnswers();
  const visible = result ? new Set(result.visible_questions) : null;
  const wanted = [];
  for (const [qid, q] of QUESTIONS) {
    if (visible ? !visible.has(qid) : q.conditional) continue;
    const row = rowFor(qid, q);
    const text = formatAnswer(q, answers[qid]);
    if (row.text !== text) {
      row.answer.textContent = text;
      row.text = text;
    }
    wanted.push(row.tr);
  }
  placeChildren($("checker-summary-body"), wanted);
  const meta = [fill(S.report_date, { date: localDate() })];
  if (answers.project_name) meta.push(S.project + answers.project_name);
  const metaText = meta.join(" · ");
  const metaBox = $("checker-report-meta");
  if (metaBox.textContent !== metaText) metaBox.textContent = metaText;
  updateProgress();
}

/** "Answered 9 of 17": the questions shown now, from the form. */
export function updateProgress() {
  const text = fill(S.progress, progress());
  const box = $("checker-progress");
  if (box.textContent !== text) box.textContent = text;
}
