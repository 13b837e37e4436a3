/* The printable summary: each visible question and its answer, in the page's language. */

import { el, fill, localDate } from "../common/dom.js";
import { collectAnswers } from "./form.js";
import { $, QUESTIONS, S } from "./page.js";

function formatAnswer(q, value) {
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return S.not_answered;
  const label = (id) => ((q.options || []).find((o) => o.id === id) || { label: String(id) }).label;
  if (q.kind === "single" || q.kind === "tristate") return label(value);
  if (q.kind === "multi") return value.map(label).join(S.list_sep);
  return String(value);
}

/** Refill the summary from the form (`result`: the latest result, whose visible questions it lists). */
export function updateSummary(result) {
  const answers = collectAnswers();
  const visible = result ? new Set(result.visible_questions) : null;
  const rows = [];
  for (const [qid, q] of QUESTIONS) {
    if (visible ? !visible.has(qid) : q.conditional) continue;
    rows.push(el("tr", {}, el("th", { scope: "row" }, q.label), el("td", {}, formatAnswer(q, answers[qid]))));
  }
  $("checker-summary-body").replaceChildren(...rows);
  const meta = [fill(S.report_date, { date: localDate() })];
  if (answers.project_name) meta.push(S.project + answers.project_name);
  $("checker-report-meta").textContent = meta.join(" · ");
}
