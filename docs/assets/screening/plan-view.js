/* Show a plan as the checker made it (checker/batch.py): the quota figures, the rows with errors and the table.
 * Ranks, quota statuses and their labels come from the plan; nothing here counts the quota. */

import { el as h, nextFrame } from "../common/dom.js";
import { LANG, T, fmt, setProgress, ui } from "./page.js";

const ROWS_PER_FRAME = 100;

export function displayName(entry) {
  return entry.project_name || T.no_name;
}

export function isRanked(entry) {
  return entry.rank !== null && entry.rank !== undefined;
}

export function renderSummary(plan, fileName) {
  const L = T.summary;
  // In funnel order: rows read -> may be eligible -> counted -> within the quota; then exempt (only in a call with
  // an exemption, named as its data names it), set aside as the same applicant (Notice II(1): one project per
  // applicant), not counted.
  const items = [
    ["unit", plan.unit_label, "unit"],
    ["quota", plan.quota, "quota"],
    ["rows_total", plan.rows_total, "rows-total"],
    ["eligible", plan.eligible, "eligible"],
    ["counted", plan.counted, "counted"],
    ["within", plan.within, "within"],
    ["over_by", plan.over_by, plan.over_by > 0 ? "over-by screening__figure--over" : "over-by"],
    ...(plan.exemption ? [["exempt", plan.exempt, "exempt"]] : []),
    ["same_applicant", plan.same_applicant, plan.same_applicant > 0 ? "same-applicant screening__figure--over" : "same-applicant"],
    ["not_counted", plan.not_counted, "not-counted"],
    ["errors", plan.errors, "errors"],
  ];
  const dl = h("dl", { class: "screening__summary", id: "screening-summary-list" });
  for (const [key, value, cls] of items) {
    dl.append(h("div", { class: "screening__figure screening__figure--" + cls.split(" ")[0], "data-figure": key },
      h("dt", { text: fmt(L[key], { exemption: plan.exemption }) }),
      h("dd", { text: String(value), class: cls.includes("--over") ? "screening__over" : null })));
  }
  const note = h("p", {
    class: plan.over_by > 0 ? "screening__verdict screening__verdict--over" : "screening__verdict",
    text: plan.over_by > 0 ? fmt(T.over_note, { n: plan.over_by }) : T.within_note,
  });
  // Rows set aside because an applicant's place is taken higher in the list: said with the notice's words.
  const same = plan.same_applicant > 0 && plan.per_applicant ? h("p", {
    class: "screening__verdict screening__verdict--over", id: "screening-same-applicant-note",
    text: fmt(T.same_applicant_note, { n: plan.same_applicant, clause: plan.per_applicant.clause, quote: plan.per_applicant.quote }),
  }) : null;
  // A call with extra quotas (e.g. per demonstration base): each quota's figures, as the checker counted them.
  const buckets = plan.buckets && T.bucket_cols ? renderBuckets(plan.buckets) : null;
  const cite = h("p", { class: "screening__cite" },
    h("span", { class: "cite", text: plan.citation?.clause || "" }), " ",
    h("q", { class: "cite-quote", lang: "zh-Hans", text: plan.citation?.quote || "" }));
  ui.summary.replaceChildren(h("h4", { text: T.summary_title }), dl, ...(buckets ? [buckets] : []), note,
    ...(same ? [same] : []), cite);
  ui.printed.textContent = fmt(T.printed, { date: new Date().toLocaleString(LANG === "zh" ? "zh-CN" : "en-GB") });
  ui.checkedFile.textContent = fmt(T.checked_file, { name: fileName });
}

/** The quotas of a call with extra ones: a table (the unit's own first), each row citing the notice. */
function renderBuckets(buckets) {
  const C = T.bucket_cols;
  const keys = ["quota", "counted", "within", "over_by"];
  const head = h("tr", {}, h("th", { scope: "col", text: C.label }), ...keys.map((k) => h("th", { scope: "col", text: C[k] })));
  const body = buckets.map((b) => h("tr", { "data-bucket": b.id },
    h("th", { scope: "row" }, b.label, " ", h("span", { class: "cite", text: b.clause })),
    ...keys.map((k) => h("td", { text: String(b[k]), class: k === "over_by" && b.over_by > 0 ? "screening__over" : null }))));
  // Its own scrolling region on a narrow phone: reachable and scrollable by keyboard, named by its caption's words.
  return h("div", { class: "screening__buckets", id: "screening-buckets", tabindex: "0", role: "region", "aria-label": T.buckets_title },
    h("table", {}, h("caption", { text: T.buckets_title }), h("thead", {}, head), h("tbody", {}, ...body)));
}

function errorText(row, error) {
  return error.column
    ? fmt(T.error_item, { row, column: error.column_label || error.column, message: error.message })
    : fmt(T.error_item_row, { row, message: error.message });
}

export function renderErrors(plan) {
  const parts = [];
  const bad = plan.rows.filter((r) => r.errors && r.errors.length);
  if (bad.length) {
    const list = h("ul", { id: "screening-error-list" });
    for (const r of bad) for (const e of r.errors) {
      list.append(h("li", { "data-row": r.row, "data-column": e.column || "", text: errorText(r.row, e) }));
    }
    parts.push(h("div", { class: "admonition failure screening__row-errors" },
      h("p", { class: "admonition-title", text: `${T.errors_title} (${bad.length})` }), list));
  }
  // What the checker says of the file as a whole: another separator, unknown or missing columns, loose cells.
  if (plan.notes && plan.notes.length) {
    parts.unshift(h("ul", { class: "screening__notes", id: "screening-notes" },
      ...plan.notes.map((note) => h("li", { "data-note": note.code, text: note.message }))));
  }
  ui.errors.replaceChildren(...parts);
}

/** A row's errors, flags, reasons and notes, in the order the table lists them. A reason comes led by its group's
 * badge (checker/batch.py): a point to confirm never reads as a failure. */
export function reasonItems(entry) {
  return [
    ...(entry.errors || []).map((e) => ({ text: errorText(entry.row, e), error: true })),
    ...(entry.flags || []).map((f) => ({ text: f.message, error: true, flag: f.code })),
    ...(entry.reasons || []).map((r) => ({ text: r.text, error: false, group: r.group })),
    ...(entry.quota_notes || []).map((n) => ({ text: n.message, error: false, flag: n.code })),
    ...(entry.loose || []).map((l) => ({ text: l.message, error: false, flag: "loose" })),
  ];
}

function rowElement(entry) {
  const ranked = isRanked(entry);
  const C = T.col;
  const tr = h("tr", { "data-row": entry.row, "data-verdict": entry.verdict, class: ranked ? "screening__ranked" : "screening__unranked" });
  const reasons = h("td", { class: "screening__reasons", "data-label": C.reasons });
  const items = reasonItems(entry);
  if (items.length) {
    reasons.append(h("ul", {}, ...items.map((item) => h("li", {
      class: item.error ? "screening__row-error" : item.group ? "screening__reason--" + item.group : null,
      "data-flag": item.flag || null, "data-group": item.group || null, text: item.text }))));
  }
  const name = h("th", { scope: "row", class: "screening__name" + (entry.project_name ? "" : " screening__name--empty"),
                         text: displayName(entry) });
  const applicant = h("td", { class: "screening__applicant", "data-label": C.applicant },
    entry.applicant_name || null, entry.direction_label ? h("span", { class: "screening__direction", text: entry.direction_label }) : null);
  const moveCell = h("td", { class: "screening__move" });
  if (ranked) {
    moveCell.append(
      h("button", { type: "button", class: "screening__move-button", "data-move": "up", text: T.up }),
      h("button", { type: "button", class: "screening__move-button", "data-move": "down", text: T.down }));
  }
  // data-label: the column's name, shown beside each cell when narrow screens lay a row out as a card.
  tr.append(
    h("td", { class: "screening__rank", "data-label": C.rank, text: ranked ? String(entry.rank) : "—" }),
    moveCell,
    name,
    applicant,
    h("td", { class: "screening__status screening__status--" + entry.quota_status, "data-status": entry.quota_status,
              "data-label": C.quota, text: entry.quota_status_label }),
    h("td", { class: "screening__verdict-cell screening__verdict--" + entry.verdict, "data-label": C.verdict,
              text: entry.verdict_label }),
    h("td", { class: "screening__priorities", "data-label": C.priorities, text: String((entry.priorities || []).length) }),
    h("td", { class: "screening__row", "data-label": C.row, text: String(entry.row) }),
    reasons);
  return tr;
}

/** Build the table a slice of rows per frame (a 1,000-row file never blocks the page for long); returns the
 * rows' <tr> by row number, or null when `stillWanted()` turned false meanwhile. */
export async function renderTable(plan, stillWanted) {
  const C = T.col;
  const captionId = "screening-caption";
  const thead = h("thead", {}, h("tr", {},
    ...["rank", "move", "name", "applicant", "quota", "verdict", "priorities", "row", "reasons"].map((key) =>
      h("th", { scope: "col", class: "screening__col-" + key, text: C[key] }))));
  const tbody = h("tbody", { id: "screening-tbody" });
  const caption = h("caption", { id: captionId },
    fmt(T.caption, { unit: plan.unit_label, n: plan.rows_total }),
    plan.eligible > 1 ? h("span", { class: "screening__caption-hint", text: " " + T.caption_hint }) : null);
  const table = h("table", { class: "screening__table", id: "screening-result-table" }, caption, thead, tbody);
  const wrap = h("div", { class: "screening__tablewrap", role: "region", "aria-labelledby": captionId, tabindex: "0" }, table);
  ui.table.replaceChildren(wrap);
  table.setAttribute("aria-busy", "true");
  const trs = new Map();
  const entries = plan.rows;
  for (let start = 0; start < entries.length; start += ROWS_PER_FRAME) {
    if (start) {
      setProgress(fmt(T.rendering_rows, { n: start, total: entries.length }), start / entries.length);
      await nextFrame();
      if (!stillWanted()) return null;
    }
    const fragment = document.createDocumentFragment();
    for (const entry of entries.slice(start, start + ROWS_PER_FRAME)) {
      const tr = rowElement(entry);
      trs.set(entry.row, tr);
      fragment.append(tr);
    }
    tbody.append(fragment);
  }
  table.removeAttribute("aria-busy");
  return trs;
}

// aria-disabled instead of disabled: the button keeps keyboard focus when a row reaches the top or the bottom.
function setDisabled(button, disabled) {
  if (disabled) button.setAttribute("aria-disabled", "true");
  else button.removeAttribute("aria-disabled");
}

/** The move buttons of the ranked rows, in the order shown: labelled with the row's rank, the ends disabled. */
export function updateButtons(ranked, trs) {
  const last = ranked.length - 1;
  ranked.forEach((entry, index) => {
    const [up, down] = trs.get(entry.row).querySelectorAll(".screening__move-button");
    const name = displayName(entry);
    up.setAttribute("aria-label", fmt(T.up_label, { name, rank: entry.rank }));
    down.setAttribute("aria-label", fmt(T.down_label, { name, rank: entry.rank }));
    setDisabled(up, index === 0);
    setDisabled(down, index === last);
  });
}

/** Put a plan's ranks and quota statuses into the rows already shown (the plan is in the order shown). */
export function updateRows(plan, trs) {
  for (const entry of plan.rows) {
    const tr = trs.get(entry.row);
    const rankCell = tr.querySelector(".screening__rank");
    const rank = isRanked(entry) ? String(entry.rank) : "—";
    if (rankCell.textContent !== rank) rankCell.textContent = rank;
    const status = tr.querySelector(".screening__status");
    if (status.dataset.status !== entry.quota_status || status.textContent !== entry.quota_status_label) {
      status.dataset.status = entry.quota_status;
      status.className = "screening__status screening__status--" + entry.quota_status;
      status.textContent = entry.quota_status_label;
    }
  }
  updateButtons(plan.rows.filter(isRanked), trs);
}
