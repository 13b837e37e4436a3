/* The printed list (issue 29, "a list fit to sign"), built from the plan shown as the page is printed: the title
 * (the call's, from the plan) and the unit's name, kind, quota and date; the recommended rows (within the quota, and
 * exempt ones in a call with an exemption) as the list to sign, its last rows kept on one page with the signature
 * block (#screening-sign); after the signature, the rows not recommended, as an annex. The screen's table stays as
 * it is (print hides it: assets/screening/screening.css). Every value from the file is set as text. */

import { el as h } from "../common/dom.js";
import { T, fmt, ui } from "./page.js";
import { displayName, reasonItems } from "./plan-view.js";

/** The quota statuses of the rows in the list to sign (checker/plan.py); every other status goes to the annex. */
export const RECOMMENDED = new Set(["within", "exempt"]);

/** How many of the last recommended rows are printed with the signature block, on its page. */
const KEPT_WITH_SIGNATURE = 2;

const $ = (id) => document.getElementById(id);

/** The page numbers in the page's margin (the @page rule of screening.css reads --screening-page-number): the
 * page's words ("Page {page} of {pages}") as a CSS content value around counter(page) and counter(pages). */
export function setPageNumbers() {
  const quote = (text) => `"${text.replace(/["\\]/g, "\\$&").replace(/\n/g, "\\A ")}"`;
  const parts = T.page_number.split(/(\{pages?\})/).filter(Boolean).map((part) =>
    part === "{page}" ? "counter(page)" : part === "{pages}" ? "counter(pages)" : quote(part));
  document.documentElement.style.setProperty("--screening-page-number", parts.join(" "));
}

function fact(label, value) {
  return h("div", { class: "screening__print-fact" }, h("dt", { text: label + T.colon }), h("dd", {}, value));
}

function head(plan, unitName) {
  const name = unitName ? h("span", { id: "screening-print-unit", text: unitName })
    : h("span", { class: "screening__line", id: "screening-print-unit" });
  return [
    h("p", { class: "screening__print-title", id: "screening-print-title", text: fmt(T.print_title, { call: plan.call_title }) }),
    h("dl", { class: "screening__print-facts" },
      fact(T.print_unit, name),
      fact(T.summary.unit, plan.unit_label),
      fact(T.summary.quota, fmt(T.quota_item, { n: plan.quota })),
      // A call with extra quotas: each one this list uses (the checker's buckets after the unit's own), its limit.
      ...(plan.buckets || []).slice(1).map((b) => fact(b.label, fmt(T.quota_item, { n: b.quota }))),
      fact(T.print_date, plan.screened_on || "")),
  ];
}

const LIST_COLUMNS = ["rank", "name", "applicant", "quota", "verdict", "row"];
const ANNEX_COLUMNS = ["row", "name", "applicant", "quota", "reasons"];

function cell(key, entry) {
  switch (key) {
    case "rank": return h("td", { class: "screening__rank", text: String(entry.rank) });
    case "name": return h("th", { scope: "row", class: "screening__name", text: displayName(entry) });
    case "applicant": return h("td", { class: "screening__applicant" }, entry.applicant_name || null,
      entry.direction_label ? h("span", { class: "screening__direction", text: entry.direction_label }) : null);
    case "quota": return h("td", { class: "screening__status screening__status--" + entry.quota_status,
                                   "data-status": entry.quota_status, text: entry.quota_status_label });
    case "verdict": return h("td", { class: "screening__verdict-cell", text: entry.verdict_label });
    case "row": return h("td", { class: "screening__row", text: String(entry.row) });
    default: {
      const items = reasonItems(entry);
      return h("td", { class: "screening__reasons" },
        items.length ? h("ul", {}, ...items.map((item) => h("li", { text: item.text }))) : null);
    }
  }
}

/** A table of `entries` with these columns; `caption` and the header row only when asked (the tail of the list,
 * printed with the signature, continues the table above it). */
function table(entries, columns, { caption = null, header = true, cls = "" } = {}) {
  const colgroup = h("colgroup", {}, ...columns.map((key) => h("col", { class: "screening__print-col-" + key })));
  const thead = header ? h("thead", {}, h("tr", {}, ...columns.map((key) =>
    h("th", { scope: "col", class: "screening__col-" + key, text: T.col[key] })))) : null;
  const tbody = h("tbody", {}, ...entries.map((entry) => h("tr", { "data-row": entry.row, "data-status": entry.quota_status },
    ...columns.map((key) => cell(key, entry)))));
  return h("table", { class: "screening__print-table " + cls }, caption ? h("caption", { text: caption }) : null,
    colgroup, thead, tbody);
}

/** Build the printed list of `plan` (its rows in the order shown) with `unitName` typed by the unit. */
export function renderPrintList(plan, unitName) {
  const listed = plan.rows.filter((entry) => RECOMMENDED.has(entry.quota_status));
  const annex = plan.rows.filter((entry) => !RECOMMENDED.has(entry.quota_status));
  $("screening-print-head").replaceChildren(...head(plan, unitName));
  const caption = fmt(T.print_list, { n: listed.length });
  const split = Math.max(0, listed.length - KEPT_WITH_SIGNATURE);
  const top = listed.slice(0, split);
  const last = listed.slice(split);
  $("screening-print-rows").replaceChildren(...(top.length ? [table(top, LIST_COLUMNS, { caption, cls: "screening__print-list" })] : []));
  $("screening-print-last").replaceChildren(...(!listed.length
    ? [h("p", { class: "screening__print-caption", text: caption }), h("p", { text: T.print_none })]
    : [table(last, LIST_COLUMNS, top.length ? { header: false, cls: "screening__print-list screening__print-tail" }
      : { caption, cls: "screening__print-list" })]));
  $("screening-print-annex").replaceChildren(...(annex.length ? [
    h("p", { class: "screening__print-annex-title", id: "screening-print-annex-title", text: T.print_annex_title }),
    h("p", { class: "screening__print-note", text: fmt(T.print_annex_note, { n: annex.length }) }),
    table(annex, ANNEX_COLUMNS, { cls: "screening__print-annex" }),
  ] : []));
  ui.signUnit.textContent = unitName;
}
