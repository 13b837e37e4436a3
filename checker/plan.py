"""The quota plan of a screened list, and only here: the order it is in (the file's own, the tool's suggestion on
request, or the unit's moves), one place per applicant, the exempt rows, within and over the unit's quota.
"""

import heapq
import itertools

from . import limits
from .buckets import Buckets
from .groups import Shared
from .engine import COUNTABLE
from .loose import fold
from .sheet_errors import BatchError
from .strings import s


# The orders a list can start from (before the unit's own moves). The notice prescribes no method of ranking
# (Notice III(2) says only that the list is ranked by priority), so the default is the file's own order; the
# tool's suggestion (more priority conditions met first, then the file's order) is used only when asked for.
BASE_ORDERS = {
    "file": lambda entry: entry["row"],
    "suggested": lambda entry: (-len(entry["priorities"]), entry["row"]),
}


ORDER_BY = tuple(BASE_ORDERS)  # the first is the default


HEAD_KEYS = ("schema", "call", "call_title", "ruleset_version", "lang", "unit_kind", "source_name", "screened_on", "notes",
             "unknown_columns")


def unit_kind_id(ruleset, value):
    """Accept `central-soe` or `central_soe`; raise BatchError naming the known kinds."""
    wanted = str(value).strip().replace("-", "_")
    ids = [u["id"] for u in ruleset.quota.get("units", [])]
    if wanted not in ids:
        raise BatchError("unknown_unit_kind", value=limits.shorten(value), allowed=", ".join(i.replace("_", "-") for i in ids))
    return wanted


def per_applicant_rule(ruleset):
    """(the rule that limits the projects of one applicant, its limit) named by rules.yaml `screening`, or
    (None, None) when the call has none; the limit and the rule's citation come from the policy data."""
    rule_id = ruleset.screening.get("per_applicant_rule")
    rule = next((r for r in ruleset.rules if r["id"] == rule_id), None)
    if rule is None:
        return None, None
    limit = rule["require"]["arg"]
    return rule, limit["value"] if isinstance(limit, dict) else limit


class Applicants:
    """The rows naming one applicant (Notice II(1)): the same credit code, or the same name where the codes do not
    differ. Pairwise, not grouped: "甲" with no code is the same applicant as both "甲, 91A" and "甲, 91B", which are
    two. Rows are found through indexes by code and by name, each name and code folded once, never compared row by
    row: a list of 1,000 rows of one applicant made a million comparisons and 1,000 notes naming 999 rows each
    (issue 32: every check linear in the rows)."""

    def __init__(self, entries=()):
        self.keys = {}
        self.by_code, self.by_name, self.by_name_uncoded = {}, {}, {}
        for entry in entries:
            self.add(entry["row"], (fold(entry["credit_code"]), fold(entry["applicant_name"])))

    def add(self, row, key):
        code, name = self.keys[row] = key
        if code:
            self.by_code.setdefault(code, []).append(row)
        if name:
            self.by_name.setdefault(name, []).append(row)
            if not code:
                self.by_name_uncoded.setdefault(name, []).append(row)

    def related(self, key):
        """The rows (added so far) naming the applicant of `key`, as disjoint lists in the order they were added:
        with a code, those of that code and those of the name without one; without, all those of the name."""
        code, name = key
        if code:
            return [self.by_code.get(code, []), self.by_name_uncoded.get(name, []) if name else []]
        return [self.by_name.get(name, [])] if name else []


def named_rows(lists, leave_out=None):
    """The first rows of `related` lists (each in row order) in row order, leaving out `leave_out`: at most
    limits.MAX_ROWS_NAMED, so a note about a large group stays short (rows_text shows the rest as "…")."""
    rows = (row for row in heapq.merge(*lists) if row != leave_out)
    return list(itertools.islice(rows, limits.MAX_ROWS_NAMED))


def plan(head, results, ruleset, order=None, order_by=ORDER_BY[0], applicants=None):
    """Rank the countable rows (in the base order `order_by` names, BASE_ORDERS; then in `order`, a list of row
    numbers, rows it leaves out following in the base order) and fill the quota in that order: one place per
    applicant (Notice II(1): a row naming an applicant already placed the limit's number of times is set aside,
    naming those rows, and never takes a place), exempt rows (in a call with an exemption) do not count, the first
    `quota` counted rows are within it, the rest over. Rows that name another kind of recommending unit than the
    one screening are said in one note for the file (which rows, which kind), not on every row. `applicants`: the
    results' Applicants, when the caller has them (else they are found here)."""
    lang = head["lang"]
    unit = next(u for u in ruleset.quota["units"] if u["id"] == head["unit_kind"])
    units = {u["id"]: u for u in ruleset.quota["units"]}
    countable = sorted((r for r in results if r["verdict"] in COUNTABLE), key=BASE_ORDERS[order_by])
    default = [r["row"] for r in countable]
    if order:
        position = {row: i for i, row in enumerate(order)}
        countable.sort(key=lambda r: position.get(r["row"], len(position)))  # stable: the rest keep their order
    rule, limit = per_applicant_rule(ruleset)
    # The call's exemption, by the name its data gives it; None: the call has none, and every row counts.
    exemption = ruleset.exemption["name"][lang] if ruleset.exemption else None
    applicants = applicants or Applicants(results)
    placed = Applicants()  # rows that took their applicant's place (within, over or exempt), in the order they did
    aside = {}  # row -> how many placed rows it is set aside for (it names at most limits.MAX_ROWS_NAMED of them)
    # A call whose applicants may be groups, and whose data says a member named in another row blocks: a row naming
    # an organisation (applicant or member) a placed row names is set aside too. (`confirm`: only flagged.)
    group = ruleset.screening.get("applicant_group")
    blocking_members = group is not None and group["shared_member"]["severity"] == "blocks"
    placed_codes = {}  # folded credit code -> the first placed row naming it
    if blocking_members and getattr(applicants, "shared", None) is None:  # a replan: the index made again
        applicants.shared = Shared(results)
    # The unit's own quota and the call's extra quotas, filled in this order (a call without extra quotas: one).
    buckets = Buckets(ruleset, unit, lang)
    extra = bool(ruleset.quota.get("extra"))
    used = 0
    for rank, entry in enumerate(countable, start=1):
        entry["rank"] = rank
        key = applicants.keys[entry["row"]]
        before = placed.related(key)
        count = sum(map(len, before))
        entry["set_aside_for"] = sorted(itertools.islice(itertools.chain(*before), limits.MAX_ROWS_NAMED)) if (
            rule is not None and count >= limit) else []
        if not entry["set_aside_for"] and blocking_members:
            codes = applicants.shared.tokens[entry["row"]]
            entry["set_aside_for"] = sorted({placed_codes[c] for c in codes if c in placed_codes})[:limits.MAX_ROWS_NAMED]
            count = len(entry["set_aside_for"])
        if entry["set_aside_for"]:
            aside[entry["row"]] = count
            entry["quota_status"] = "same_applicant"
            continue
        placed.add(entry["row"], key)
        if blocking_members:
            for code in applicants.shared.tokens[entry["row"]]:
                placed_codes.setdefault(code, entry["row"])
        if entry["exempt"] is True:
            entry["quota_status"] = "exempt"
        else:
            used += 1
            bucket, entry["quota_status"] = buckets.place(entry)
            if extra:
                entry["bucket"] = bucket["label"]
    others = [r for r in results if r["verdict"] not in COUNTABLE]
    for entry in others:
        entry["rank"] = None
        entry["set_aside_for"] = []
        entry["quota_status"] = "error" if entry["verdict"] == "error" else "not_counted"
    for entry in results:
        entry["verdict_label"] = s("batch.verdict." + entry["verdict"], lang)
        entry["quota_status_label"] = s("batch.quota_status." + entry["quota_status"], lang,
                                        rows=rows_text(entry["set_aside_for"], lang, aside.get(entry["row"], 0)),
                                        exemption=exemption)
        if entry.get("bucket") and entry["quota_status"] in ("within", "over"):  # said with the bucket's name
            entry["quota_status_label"] = s("batch.quota_status_bucket." + entry["quota_status"], lang,
                                            bucket=entry["bucket"])
    figures = buckets.figures()
    within = sum(b["within"] for b in figures)
    custom = [r["row"] for r in countable] != default
    # Only a call with extra quotas has buckets in its plan (2022's plan keeps exactly its keys).
    more = {"buckets": figures} if extra else {}
    if group:  # a call whose applicants may be groups: the export's column of their members, named by the data
        more["members_label"] = s("batch.col.members", lang, group=group["name"][lang], members=group["members"][lang])
    return dict(
        head,
        notes=[n for n in head["notes"] if n["code"] != "unit_kind"] + _unit_kind_note(results, unit, units, lang),
        unit_label=unit["label"][lang],
        # The name of the files this plan is written to (suffix added by the format), in the page's language.
        file_stem=s("batch.export.file_name", lang, unit=unit.get("short", unit["label"])[lang], date=head["screened_on"]),
        quota=unit["quota"],
        exemption=exemption,
        rows_total=len(results),
        eligible=len(countable),
        counted=used,
        within=within,
        exempt=sum(1 for r in countable if r["quota_status"] == "exempt"),
        over_by=used - within,
        same_applicant=sum(1 for r in countable if r["quota_status"] == "same_applicant"),
        not_counted=len(others),
        errors=sum(1 for r in results if r["verdict"] == "error"),
        flagged=sum(1 for r in results if r["flags"]),
        loose_cells=sum(len(r["loose"]) for r in results),
        order_by=order_by,
        custom_order=custom,
        order_statement=order_statement(ruleset, order_by, custom, lang),
        per_applicant=None if rule is None else {"limit": limit, "clause": rule["citation"]["clause"][lang],
                                                 "quote": rule["citation"]["quote"]},
        rows=countable + others,
        citation={"clause": unit["citation"]["clause"][lang], "quote": unit["citation"]["quote"]},
        **more,
    )


def _unit_kind_note(results, unit, units, lang):
    """[the file's one note on rows naming another kind of recommending unit than the one screening], or []."""
    by_kind = {}
    for entry in results:
        row_unit = entry.get("row_unit_kind")
        if row_unit and row_unit != unit["id"] and row_unit in units:
            by_kind.setdefault(row_unit, []).append(entry["row"])
    if not by_kind:
        return []
    sep = s("batch.list_sep", lang)
    which = sep.join(s("batch.note.unit_kind_rows", lang, row_unit=units[kind]["label"][lang], rows=rows_text(rows, lang))
                     for kind, rows in by_kind.items())
    count = sum(len(rows) for rows in by_kind.values())
    return [{"code": "unit_kind", "message": s("batch.note.unit_kind", lang, count=count, unit=unit["label"][lang],
                                               which=which)}]


def rows_text(rows, lang, count=None):
    """Row numbers as a list people read: the first limits.MAX_ROWS_NAMED of `rows`, then how many more of the
    `count` rows (default: all of `rows`) there are."""
    shown = s("batch.list_sep", lang).join(map(str, rows[:limits.MAX_ROWS_NAMED]))
    total = len(rows) if count is None else max(count, len(rows))
    more = total - min(len(rows), limits.MAX_ROWS_NAMED)
    return shown if more <= 0 else s("batch.rows_more", lang, rows=shown, total=total)


def order_statement(ruleset, order_by, custom, lang):
    """Which order the list is in (the file's, the tool's suggestion, or the unit's own moves from one of them),
    and that the notice prescribes no method of ranking, quoting its words on the list's order from the data."""
    said = (s("batch.order.custom", lang, base=s("batch.order_by." + order_by, lang)) if custom
            else s("batch.order." + order_by, lang))
    ranking = ruleset.screening.get("ranking")
    if ranking is None:
        return said
    return s("batch.order.statement", lang, order=said, clause=ranking["citation"]["clause"][lang],
             quote=ranking["citation"]["quote"])


def replan(ruleset, previous, order=None, unit_kind=None, order_by=None):
    """The plan of an earlier screen in another order (None: its base order as it stands), from another base
    order (`order_by`; None: the same) or for another kind of unit."""
    head = {k: previous[k] for k in HEAD_KEYS}
    if unit_kind is not None:
        head["unit_kind"] = unit_kind_id(ruleset, unit_kind)
    return plan(head, sorted(previous["rows"], key=lambda r: r["row"]), ruleset, order,
                order_by or previous.get("order_by", ORDER_BY[0]))


PLACEMENT_FIGURES = ("plan_id", "order_by", "custom_order", "order_statement", "eligible", "counted", "within", "exempt",
                     "over_by", "same_applicant", "not_counted", "errors")


def placement(plan):
    """The part of a plan that depends on the order: each row's rank and quota status, in the plan's order."""
    out = {k: plan[k] for k in PLACEMENT_FIGURES}
    if "buckets" in plan:  # a call with extra quotas: each bucket's figures change with the order
        out["buckets"] = plan["buckets"]
    out["rows"] = [{"row": r["row"], "rank": r["rank"], "quota_status": r["quota_status"],
                    "quota_status_label": r["quota_status_label"]} for r in plan["rows"]]
    return out
