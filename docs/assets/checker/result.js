/* Show the checker's result as it comes: the verdict, then each of the result's groups (checker/engine.py defines
 * them; this page never classifies a finding itself), priorities, quota, other directions and the timeline. */

import { el, fill, placeChildren } from "../common/dom.js";
import { controls, setVisible } from "./form.js";
import { $, LANG_ROOT, QUESTIONS, S, form } from "./page.js";

// Each group: where it goes, and whether it is open (the long lists start collapsed, their heading counting them).
// The headings are the checker's own (report.group in checker/i18n), as the CLI report has them.
const GROUP_VIEWS = [
  { group: "blocking", id: "checker-failed", open: true },
  { group: "confirm", id: "checker-confirm", open: true },
  { group: "missing", id: "checker-pending", open: false },
  { group: "met", id: "checker-met", open: false, class: "checker-met" },
  { group: "not_applicable", id: "checker-not-applicable", open: false },
];
const groupTitle = (view, n) => S.group_titles[view.group] + (view.open ? "" : fill(S.count_suffix, { n }));
const DETAILED = new Set(["blocking", "confirm", "missing"]);

// Each block of the result is made from one part of it and kept while that part is unchanged (a collapsed list
// stays as the visitor left it): an answer change re-renders only the blocks whose part changed.
const kept = new Map(); // block key -> {sig, node}

function block(key, data, make) {
  const sig = JSON.stringify(data);
  const old = kept.get(key);
  if (old && old.sig === sig) return old.node;
  const node = make();
  kept.set(key, { sig, node });
  return node;
}

function guideLink(guide) {
  return LANG_ROOT + guide;
}

function citation(c) {
  if (!c) return null;
  return el("p", { class: "checker-cite" }, el("span", { class: "checker-cite__clause" }, S.source + c.clause), " ",
    S.original, el("q", { lang: "zh-Hans" }, c.quote));
}

function finding(f) {
  // The badge and its colour follow the finding's group: a point to confirm never looks like a failure.
  return el("li", { class: `checker-finding checker-finding--${f.group}`, "data-rule": f.rule, "data-group": f.group },
    el("p", { class: "checker-finding__title" }, el("strong", {}, f.title), " ", el("span", { class: "checker-badge" }, f.badge)),
    f.message !== f.title ? el("p", {}, f.message) : null,
    // The questions still to answer lead to the form.
    f.still_to_answer && f.group === "missing" ? el("p", { class: "checker-finding__todo" },
      f.still_to_answer.map((q, i) => [i ? S.list_sep : "", questionLink(q.question, q.label)])) : null,
    // What the notice asks for, with the number from the policy data ("Scenarios in use is at least 5 ...").
    DETAILED.has(f.group) ? el("p", { class: "checker-finding__requirement" }, S.requirement, f.requirement) : null,
    f.answers.length && f.group !== "not_applicable" ? el("p", { class: "checker-finding__answers" }, S.your_answer,
      f.answers.map((a, i) => [i ? "; " : "", `${a.label} → ${a.answer}`])) : null,
    citation(f.citation),
    el("p", { class: "checker-finding__guide" }, el("a", { href: guideLink(f.guide) }, S.guide_link)));
}

function section(title, ...children) {
  return keyedSection(null, title, ...children);
}

/** A block whose `key` names it for the printed report (which keeps some blocks short or leaves them out). */
function keyedSection(key, title, ...children) {
  return el("section", { class: `checker-block ${key ? `checker-block--${key}` : ""}`.trim() }, el("h3", {}, title), ...children);
}

function groupBlock(view, findings) {
  const list = el("ul", { class: "checker-findings", id: view.id, "data-group": view.group }, findings.map(finding));
  if (view.open) return section(groupTitle(view, findings.length), list);
  return el("details", { class: `checker-block ${view.class || ""}`.trim() }, el("summary", {}, groupTitle(view, findings.length)), list);
}

export function showWaiting() {
  if (!$("checker-verdict").dataset.verdict) $("checker-verdict-explain").textContent = S.loading_result;
}

export function clearFieldErrors() {
  for (const node of form.querySelectorAll(".checker-q__error:not(:empty)")) node.textContent = "";
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  const box = $("checker-errors");
  if (box.firstChild) box.replaceChildren();
}

/** The checker refused the answers: each message beside its question, and all of them in the error summary at the
 * top of the form, each a link that moves to its question. */
export function renderErrors(error) {
  clearFieldErrors();
  const box = $("checker-errors");
  const title = el("h2", { id: "checker-errors-title", class: "checker-errors__title" }, S.errors_title);
  if (error.code !== "invalid_answers") {
    box.replaceChildren(title, el("p", {}, error.message));
    return;
  }
  const items = [];
  for (const detail of error.details || []) {
    const qid = detail.question;
    const target = qid && QUESTIONS.has(qid) ? $(`err-${qid}`) : null;
    if (target) {
      target.textContent = detail.message;
      for (const input of controls(qid)) input.setAttribute("aria-invalid", "true");
      items.push(el("li", {}, questionLink(qid, detail.message)));
    } else {
      items.push(el("li", {}, detail.message));
    }
  }
  box.replaceChildren(title, el("ul", {}, items));
}

/** A link to question `qid` (a click moves the keyboard there: checker.js). */
export function questionLink(qid, text) {
  return el("a", { href: `#q-${qid}`, "data-question": qid }, text);
}

export function renderResult(result) {
  setVisible(result.visible_questions);
  const verdict = $("checker-verdict");
  if (verdict.dataset.verdict !== result.verdict || verdict.textContent !== result.verdict_label) {
    verdict.textContent = result.verdict_label;
    verdict.dataset.verdict = result.verdict;
    verdict.className = `checker-verdict checker-verdict--${result.verdict}`;
  }
  // The first reason itself, worded by the checker; and, while the call is closed, that it is (beside the verdict).
  const explain = $("checker-verdict-explain");
  if (explain.textContent !== result.verdict_reason) explain.textContent = result.verdict_reason;
  const closed = $("checker-verdict-closed");
  if (closed.textContent !== (result.verdict_closed_note || "")) closed.textContent = result.verdict_closed_note || "";
  closed.hidden = !result.verdict_closed_note;
  const byRule = new Map(result.findings.map((f) => [f.rule, f]));
  const blocks = [];
  const add = (key, data, make) => blocks.push(block(key, data, make));
  const timeline = result.timeline;
  add("timeline-note", [timeline.message, timeline.applicants_open], () =>
    el("p", { class: "checker-timeline-note", "data-open": String(timeline.applicants_open) }, timeline.message));
  if (result.ignored_note) {
    add("ignored", result.ignored_note, () => el("p", { id: "checker-ignored", class: "checker-note" }, result.ignored_note));
  }
  if (result.missing.length) {
    add("missing", result.missing, () => section(S.missing_title, el("ul", { id: "checker-missing" },
      result.missing.map((m) => el("li", {}, questionLink(m.question, m.label))))));
  }
  for (const view of GROUP_VIEWS) {
    const members = result.groups[view.group].map((rule) => byRule.get(rule));
    if (members.length) add(`group-${view.group}`, members, () => groupBlock(view, members));
  }
  const prioritiesMet = result.priorities.filter((p) => p.status === "met");
  // Not answered or "not sure": said in this section, never a reason to withhold the verdict (checker/engine.py).
  const prioritiesOpen = result.priorities.filter((p) => p.status === "not_answered" || p.status === "unsure");
  add("priorities", [prioritiesMet, prioritiesOpen], () => section(S.priorities_title,
    prioritiesMet.length
      ? [el("p", {}, fill(S.priorities_met, { n: prioritiesMet.length })),
        el("ul", { id: "checker-priorities" }, prioritiesMet.map((p) => el("li", {}, el("a", { href: guideLink(p.guide) }, p.text), citation(p.citation))))]
      : el("p", {}, S.priorities_none),
    prioritiesOpen.length
      ? [el("p", {}, S.priorities_open),
        el("ul", { id: "checker-priorities-open" }, prioritiesOpen.map((p) => el("li", { "data-status": p.status },
          el("a", { href: guideLink(p.guide) }, p.text), ` — ${p.status_label}`)))]
      : null));
  const quota = result.quota;
  add("quota", quota, () => keyedSection("quota", S.quota_title,
    el("p", { id: "checker-quota" }, quota.message),
    quota.unit_label ? el("p", {}, fill(S.quota_unit, { unit: quota.unit_label, n: quota.unit_quota })) : null,
    quota.exemption ? el("p", {}, quota.exemption) : null, citation(quota.citation)));
  if (result.other_directions.length) {
    add("other", result.other_directions, () => keyedSection("other", S.other_title, el("p", {}, S.other_intro), el("ul", { id: "checker-other" },
      result.other_directions.map((o) => el("li", { "data-direction": o.direction },
        // "Incomplete" says nothing here: name the direction's own questions still to answer instead.
        el("strong", {}, o.title), " — ",
        o.missing.length ? el("span", {}, S.other_missing, o.missing.map((m) => m.label).join(S.list_sep)) : o.verdict_label,
        el("br"),
        o.slug ? el("a", { href: `${LANG_ROOT}directions/${o.slug}/` }, S.other_page) : null,
        o.slug ? " · " : null,
        el("a", { href: `?direction=${encodeURIComponent(o.direction)}`, "data-switch-direction": o.direction }, S.other_check))))));
  } else if (result.other_directions_note) {
    add("other-none", result.other_directions_note, () =>
      keyedSection("other", S.other_title, el("p", { id: "checker-other-none" }, result.other_directions_note)));
  }
  add("timeline", timeline.phases, () => keyedSection("timeline", S.timeline_title, el("table", { class: "checker-timeline" },
    el("thead", {}, el("tr", {}, [S.col_date, S.col_who, S.col_what, S.col_status].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, timeline.phases.map((p) => el("tr", { "data-status": p.status },
      el("td", {}, p.date), el("td", {}, p.who), el("td", {}, p.what), el("td", {}, p.status_label)))))));
  // Where to apply: while the call is open, its application system; once it has closed, that this site covers this
  // call only, who publishes later ones, and the system this call's notice named (with its clause).
  const channel = result.official_channel;
  const open = timeline.applicants_open;
  add("footer", [result.ruleset_version, result.computed_on, result.disclaimer, channel, open], () =>
    el("footer", { class: "checker-result-footer" },
      el("p", { id: "checker-version" }, fill(S.version_line, { version: result.ruleset_version, date: result.computed_on })),
      el("p", {}, result.disclaimer),
      el("p", { id: "checker-where-to-apply", "data-open": String(open) }, open ? S.official : S.later_calls,
        el("a", { href: channel.url, rel: "noopener noreferrer" }, channel.name),
        el("span", { class: "checker-official-url" }, ` (${channel.url})`)),
      open ? null : citation(S.system_citation)));
  placeChildren($("checker-details"), blocks);
}
