"""Screen many candidate projects for a recommending unit: verdicts, a quota plan in the unit's order (the file's
own, the tool's suggestion on request, or the unit's moves), one place per applicant, and the plan's export. The
only place the quota is planned and the result file is written."""

import base64
import csv
import datetime
import hashlib
import io
import json

from . import answers as answers_mod
from . import kinds, limits
from . import sheet_template
from .loose import CellReader, fold
from .conditions import questions_in
from .engine import COUNTABLE, GROUPS, decide
from .present import finding_message
from .strings import s

BATCH_SCHEMA = "bdpilot.batch/1"
REASON_GROUPS = ("blocking", "confirm", "missing")  # a row's reasons, in this order
PROGRESS_ROWS = 50  # a batch tells its progress(done, total) every this many rows (the worker passes it to the page)
# The orders a list can start from (before the unit's own moves). The notice prescribes no method of ranking
# (Notice III(2) says only that the list is ranked by priority), so the default is the file's own order; the
# tool's suggestion (more priority conditions met first, then the file's order) is used only when asked for.
BASE_ORDERS = {
    "file": lambda entry: entry["row"],
    "suggested": lambda entry: (-len(entry["priorities"]), entry["row"]),
}
ORDER_BY = tuple(BASE_ORDERS)  # the first is the default


class BatchError(Exception):
    """The file as a whole cannot be read (no header, unknown unit kind); row problems never raise."""

    def __init__(self, code, **values):
        self.code, self.values = code, values
        super().__init__(self.message("en"))

    def message(self, lang):
        """The problem in `lang` (a value may be a function of the language)."""
        return s("batch." + self.code, lang, **worded(self.values, lang))


def worded(values, lang):
    """Message values with those that depend on the language (functions of it) worded in `lang`."""
    return {k: v(lang) if callable(v) else v for k, v in values.items()}


def unit_kind_id(ruleset, value):
    """Accept `central-soe` or `central_soe`; raise BatchError naming the known kinds."""
    wanted = str(value).strip().replace("-", "_")
    ids = [u["id"] for u in ruleset.quota.get("units", [])]
    if wanted not in ids:
        raise BatchError("unknown_unit_kind", value=limits.shorten(value), allowed=", ".join(i.replace("_", "-") for i in ids))
    return wanted


def read_csv_lines(text):
    """Split CSV text into ([(row number, cells)], separator), skipping blank rows; the separator is a comma, or a
    semicolon or tab when the first row has those and no comma (as some spreadsheet programs save "CSV").

    Reads what spreadsheet programs save: LF, CRLF or CR (old Excel for Mac) line ends, line breaks inside quoted
    cells. Bounded by checker/limits.py (file size, rows, cell size); a row that cannot be read is named.
    """
    if not isinstance(text, str):
        raise BatchError("not_text")
    if len(text) > limits.MAX_CSV_CHARS:
        raise BatchError("too_large", size=len(text), limit=limits.MAX_CSV_CHARS)
    text = text.lstrip("\ufeff")
    separator = _separator(text)
    # newline=None reads CR, LF and CRLF alike, inside quoted cells too (csv itself refuses a bare CR there).
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=separator)
    lines, number, counted = [], 0, 0
    while True:
        number += 1  # the row as a spreadsheet numbers it (a cell's line breaks stay in one row)
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise BatchError("cell_too_large", row=number, limit=limits.MAX_CELL_CHARS) from None
            raise BatchError("bad_row", row=number) from None
        if number > limits.MAX_SHEET_ROWS:  # blank and # comment rows count too: a file of them is bounded work
            raise BatchError("too_many_sheet_rows", limit=limits.MAX_SHEET_ROWS)
        if any(len(cell) > limits.MAX_CELL_CHARS for cell in cells):
            raise BatchError("cell_too_large", row=number, limit=limits.MAX_CELL_CHARS)
        if not any(c.strip() for c in cells):
            continue
        lines.append((number, cells[:limits.MAX_COLUMNS]))
        counted += not cells[0].lstrip().startswith("#")
        if counted > limits.MAX_CSV_ROWS + limits.MAX_HEADER_ROWS:
            raise BatchError("too_many_rows", limit=limits.MAX_CSV_ROWS)
    return lines, separator


SEPARATORS = (",", ";", "\t")  # the first is CSV's own; the others are read, and said


def _separator(text):
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," in first:
        return ","
    counts = {sep: first.count(sep) for sep in SEPARATORS[1:]}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv_rows(text):
    """(header, [(row number, cells)]) of CSV text: the first row is the header; # comment rows are skipped."""
    lines, _separator = read_csv_lines(text)
    if not lines:
        raise BatchError("no_header")
    header = [cell.strip() for cell in lines[0][1]]
    body = [(n, cells) for n, cells in lines[1:] if not cells[0].lstrip().startswith("#")]
    if len(body) > limits.MAX_CSV_ROWS:
        raise BatchError("too_many_rows", limit=limits.MAX_CSV_ROWS)
    return header, body


def read_sheet(ruleset, text=None, data=None):
    """A unit's list, from CSV text or the bytes of a workbook: {columns, header, rows, notes}, where columns holds
    a column id (or None) per position and notes the file-level remarks (a separator other than a comma, columns
    not known, columns missing). Raises BatchError for a file that holds no list to screen."""
    notes = []
    if data is not None:
        from . import workbook

        try:
            lines = workbook.read_lines(data)
        except workbook.WorkbookError as exc:
            raise BatchError(exc.code, **exc.values) from None
    else:
        lines, separator = read_csv_lines(text)
        if separator != ",":
            name = SEPARATOR_NAMES[separator]
            notes.append(("separator", {"separator": lambda lang: s("batch.separator." + name, lang)}))
    if not lines:
        raise BatchError("no_header")
    found, header, body, reader = sheet_template.locate(ruleset, lines)
    if found is None:
        if any(sep in cell for cell in header for sep in SEPARATORS[1:]):
            raise BatchError("separator_unknown")
        seen = [limits.shorten(c) for c in header if c.strip()][:limits.MAX_ERRORS]
        raise BatchError("foreign_header", expected=reader.expected,
                         seen=lambda lang: s("batch.list_sep", lang).join(seen))
    if not body:
        raise BatchError("no_rows")
    if len(body) > limits.MAX_CSV_ROWS:
        raise BatchError("too_many_rows", limit=limits.MAX_CSV_ROWS)
    unknown = [cell for cell, column in zip(header, found) if cell and column is None]
    if unknown:
        notes.append(("unknown_columns", {"columns": lambda lang: s("batch.list_sep", lang).join(unknown)}))
    present = set(found)
    missing = [q for q in ruleset.order if ruleset.questions[q]["required"] and q not in present
               and ruleset.questions[q].get("show_if") is None]
    if missing:
        notes.append(("missing_columns", {"columns": lambda lang: s("batch.list_sep", lang).join(
            sheet_template.column_label(ruleset, q, lang) for q in missing)}))
    return {"columns": found, "header": header, "rows": body, "notes": notes}


SEPARATOR_NAMES = {";": "semicolon", "\t": "tab"}


HEAD_KEYS = ("schema", "call", "call_title", "ruleset_version", "lang", "unit_kind", "source_name", "screened_on", "notes",
             "unknown_columns")


def screen(ruleset, sheet, unit_kind, lang="zh", order=None, source_name="", as_of=None, progress=None,
           order_by=ORDER_BY[0]):
    """Assess every row of `sheet` (read_sheet's) and plan the quota (starting from the order `order_by` names,
    then in `order`, the visitor's order of row numbers, when given); one bad row never stops the others. Cells
    are read loosely where need be (and each such cell is listed), and rows naming the same applicant are
    flagged. `progress(done, total)` is called every PROGRESS_ROWS rows and at the end."""
    unit_id = unit_kind_id(ruleset, unit_kind)
    columns = sheet["columns"]
    cells_reader = CellReader(ruleset)
    results = []
    rows = sheet["rows"]
    for done, (number, cells) in enumerate(rows):
        if progress is not None and done % PROGRESS_ROWS == 0:
            progress(done, len(rows))
        raw, passed, loose = {}, {}, []
        for i, column in enumerate(columns):
            value = cells[i] if i < len(cells) else ""
            if column in sheet_template.PASS_THROUGH:
                passed[column] = value.strip()
            elif column in ruleset.questions:
                if kinds.of(ruleset.questions[column]).choice:
                    read, was_loose = cells_reader.read(column, value)
                    if was_loose:
                        loose.append(_loose_note(ruleset, cells_reader, column, value, read, lang))
                    value = read
                raw[column] = value
        entry = {"row": number, "project_name": raw.get("project_name", "").strip(), "errors": [], "loose": loose,
                 **{c: passed.get(c, "") for c in sheet_template.PASS_THROUGH}}
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            entry["errors"].append({"column": None, "message": s("batch.extra_cells", lang)})
        try:
            answers = answers_mod.validate(ruleset, raw, lang)
        except answers_mod.AnswersError as exc:
            entry["errors"] += [{"column": e["question"], "column_label": _label_of(ruleset, e["question"], lang),
                                 "message": e["message"]} for e in exc.errors]
            answers = None
        typed = raw.get(ruleset.direction_question, "").strip()  # the id, once read (loosely or not)
        direction = answers.get(ruleset.direction_question) if answers else typed if typed in ruleset.directions else None
        entry["direction"] = direction
        entry["direction_label"] = ruleset.directions[direction]["title"][lang] if direction else ""
        entry["row_unit_kind"] = answers.get(ruleset.quota["unit_question"]) if answers else None
        if entry["errors"]:
            entry.update(verdict="error", priorities=[], exempt=None, reasons=[], missing=[],
                         groups={g: [] for g in GROUPS}, quota_notes=[])
            results.append(entry)
            continue
        decision = decide(ruleset, answers, explore=False)
        rules = {rule["id"]: (rule, outcome) for rule, outcome in decision.outcomes}
        entry.update(
            verdict=decision.verdict,
            priorities=decision.priorities_met,
            exempt=decision.exempt,
            # The groups a row shows as its reasons, worded as every surface words them.
            reasons=[_reason(g, finding_message(*rules[r], decision.answers, ruleset, lang), lang)
                     for g in REASON_GROUPS for r in decision.groups[g]],
            missing=decision.missing,
            groups=decision.groups,
            quota_notes=_quota_notes(ruleset, decision, lang),
        )
        results.append(entry)
    if progress is not None:
        progress(len(rows), len(rows))
    _same_applicant(ruleset, results, lang)
    notes = [{"code": code, "message": s("batch.note." + code, lang, **worded(values, lang))}
             for code, values in sheet["notes"]]
    loose_count = sum(len(r["loose"]) for r in results)
    if loose_count:
        notes.append({"code": "loose", "message": s("batch.note.loose", lang, count=loose_count)})
    unknown = next((worded(v, lang)["columns"] for c, v in sheet["notes"] if c == "unknown_columns"), "")
    head = {"schema": BATCH_SCHEMA, "call": ruleset.call["id"], "call_title": ruleset.call["title"][lang],
            "ruleset_version": ruleset.version, "lang": lang, "unit_kind": unit_id, "source_name": limits.shorten(source_name or ""),
            "screened_on": (as_of or datetime.date.today()).isoformat(), "notes": notes,
            "unknown_columns": [unknown] if unknown else []}
    return plan(head, results, ruleset, order, order_by)


def _reason(group, message, lang):
    """One reason of a row, led by its group's badge (as every surface labels a finding): a point to confirm or
    a question still to answer is never read as a failure when the reasons stand side by side in one cell."""
    badge = s("badge." + group, lang)
    return {"group": group, "badge": badge, "message": message,
            "text": s("batch.reason_item", lang, badge=badge, message=message)}


def _quota_notes(ruleset, decision, lang):
    """What a row that may be eligible says about its place in the quota: with the exemption's question left
    blank the exemption is unknown, so the row counts against the quota (the conservative reading), and says so."""
    if decision.verdict not in COUNTABLE or decision.exempt is not None:
        return []
    questions = [q for q in questions_in(ruleset.quota["exempt_if"]) if q not in decision.answers]
    label = s("batch.list_sep", lang).join(sheet_template.column_label(ruleset, q, lang) for q in questions)
    return [{"code": "dcmm_unknown", "message": s("batch.note_row.dcmm_unknown", lang, question=label)}]


def _label_of(ruleset, column, lang):
    return sheet_template.column_label(ruleset, column, lang) if column in ruleset.questions else column


def _loose_note(ruleset, reader, column, value, read, lang):
    question = ruleset.questions[column]
    shown = s("batch.template.list_sep", lang).join(reader.label(question, v, lang) for v in read.split(";"))
    return {"column": column, "column_label": sheet_template.column_label(ruleset, column, lang),
            "value": limits.shorten(value.strip()), "read_as": shown,
            "message": s("batch.loose_cell", lang, column=sheet_template.column_label(ruleset, column, lang),
                         value=limits.shorten(value.strip()), read_as=shown)}


def per_applicant_rule(ruleset):
    """(the rule that limits the projects of one applicant, its limit) named by rules.yaml `screening`, or
    (None, None) when the call has none; the limit and the rule's citation come from the policy data."""
    rule_id = ruleset.screening.get("per_applicant_rule")
    rule = next((r for r in ruleset.rules if r["id"] == rule_id), None)
    if rule is None:
        return None, None
    limit = rule["require"]["arg"]
    return rule, limit["value"] if isinstance(limit, dict) else limit


def _same_applicant(ruleset, results, lang):
    """Find, for every row, the other rows naming the same applicant: the same credit code, or the same name
    where the codes do not differ (a row with a name and no code is the same applicant as any row of that name).
    Pairwise, not grouped: "甲" with no code matches both "甲, 91A" and "甲, 91B", which are two applicants.
    Each row keeps them (`same_applicant_rows`, for the plan), and a row that has more of them than the rule
    that limits the projects of an applicant allows is flagged (its value and citation come from the data)."""
    rule, limit = per_applicant_rule(ruleset)
    keys = [(fold(e["credit_code"]), fold(e["applicant_name"])) for e in results]
    by_code, by_name = {}, {}
    for i, (code, name) in enumerate(keys):
        if code:
            by_code.setdefault(code, []).append(i)
        if name:
            by_name.setdefault(name, []).append(i)
    for i, entry in enumerate(results):
        code, name = keys[i]
        related = set(by_code.get(code, ())) if code else set()
        related.update(j for j in by_name.get(name, ()) if not (code and keys[j][0] and keys[j][0] != code))
        related.discard(i)
        others = sorted(related)
        entry["same_applicant_rows"] = [results[j]["row"] for j in others]
        entry["flags"] = []
        if rule is None or len(others) < limit:
            continue
        by = "credit_code" if code and all(keys[j][0] == code for j in others) else "applicant_name"
        entry["flags"].append({"code": "same_applicant", "message": s(
            "batch.flag.same_applicant", lang, rows=s("batch.list_sep", lang).join(map(str, entry["same_applicant_rows"])),
            by=s("batch.column." + by, lang), value=entry[by],
            clause=rule["citation"]["clause"][lang], quote=rule["citation"]["quote"])})


def plan(head, results, ruleset, order=None, order_by=ORDER_BY[0]):
    """Rank the countable rows (in the base order `order_by` names, BASE_ORDERS; then in `order`, a list of row
    numbers, rows it leaves out following in the base order) and fill the quota in that order: one place per
    applicant (Notice II(1): a row naming an applicant already placed the limit's number of times is set aside,
    naming those rows, and never takes a place), exempt rows do not count, the first `quota` counted rows are
    within it, the rest over. Rows that name another kind of recommending unit than the one screening are flagged."""
    lang = head["lang"]
    unit = next(u for u in ruleset.quota["units"] if u["id"] == head["unit_kind"])
    units = {u["id"]: u for u in ruleset.quota["units"]}
    countable = sorted((r for r in results if r["verdict"] in COUNTABLE), key=BASE_ORDERS[order_by])
    default = [r["row"] for r in countable]
    if order:
        position = {row: i for i, row in enumerate(order)}
        countable.sort(key=lambda r: position.get(r["row"], len(position)))  # stable: the rest keep their order
    rule, limit = per_applicant_rule(ruleset)
    placed = set()  # rows that took their applicant's place (within, over or exempt)
    used = 0
    for rank, entry in enumerate(countable, start=1):
        entry["rank"] = rank
        before = [row for row in entry.get("same_applicant_rows", ()) if row in placed]
        entry["set_aside_for"] = before if rule is not None and len(before) >= limit else []
        if entry["set_aside_for"]:
            entry["quota_status"] = "same_applicant"
            continue
        placed.add(entry["row"])
        if entry["exempt"] is True:
            entry["quota_status"] = "exempt"
        else:
            used += 1
            entry["quota_status"] = "within" if used <= unit["quota"] else "over"
    others = [r for r in results if r["verdict"] not in COUNTABLE]
    for entry in others:
        entry["rank"] = None
        entry["set_aside_for"] = []
        entry["quota_status"] = "error" if entry["verdict"] == "error" else "not_counted"
    for entry in results:
        entry["verdict_label"] = s("batch.verdict." + entry["verdict"], lang)
        entry["quota_status_label"] = s("batch.quota_status." + entry["quota_status"], lang, rows=s(
            "batch.list_sep", lang).join(map(str, entry["set_aside_for"])))
        entry["flags"] = [f for f in entry.get("flags", []) if f["code"] != "unit_kind"]
        row_unit = entry.get("row_unit_kind")
        if row_unit and row_unit != unit["id"] and row_unit in units:
            entry["flags"].append({"code": "unit_kind", "message": s(
                "batch.flag.unit_kind", lang, row_unit=units[row_unit]["label"][lang], unit=unit["label"][lang])})
    custom = [r["row"] for r in countable] != default
    return dict(
        head,
        unit_label=unit["label"][lang],
        quota=unit["quota"],
        rows_total=len(results),
        eligible=len(countable),
        counted=used,
        within=min(used, unit["quota"]),
        exempt=sum(1 for r in countable if r["quota_status"] == "exempt"),
        over_by=max(0, used - unit["quota"]),
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
    )


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


_PLANS = {}  # plan id -> the latest plan of a screen: what a `replan` request reorders (the worker's memory)
_KEEP_PLANS = 4


def exported(plan):
    """A plan as a response: with the id a `replan` request names and its export (`csv`)."""
    # The id comes from the plan's content, not a counter: the same screen gets the same id in every process
    # (CPython and Pyodide answer alike), and a different screen a different one.
    plan_id = plan.get("plan_id") or "plan-" + hashlib.sha256(
        json.dumps(plan, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    plan = dict(plan, plan_id=plan_id)
    _PLANS.pop(plan_id, None)
    _PLANS[plan_id] = plan
    while len(_PLANS) > _KEEP_PLANS:
        del _PLANS[next(iter(_PLANS))]
    return dict(plan, csv=result_csv(plan, plan["lang"]))


def replan_request(ruleset, plan_id, order=None, order_by=None):
    """The plan `plan_id` (an earlier batch's) in `order` (None: its base order), from the base order `order_by`
    (None: the plan's own), as its placement: what a change of order changes (ranks, quota statuses, figures,
    the order said). The export follows with an `export` request."""
    return placement(_kept(ruleset, plan_id, lambda previous: dict(
        replan(ruleset, previous, order, order_by=order_by), plan_id=plan_id)))


def export_request(ruleset, plan_id, file_format="csv"):
    """The export of the plan `plan_id` as it stands now: CSV text, or an .xlsx workbook (base64)."""
    plan = _kept(ruleset, plan_id)
    if file_format == "xlsx":
        return {"plan_id": plan_id, "xlsx": base64.b64encode(result_xlsx(plan, plan["lang"])).decode("ascii")}
    return {"plan_id": plan_id, "csv": result_csv(plan, plan["lang"])}


def _kept(ruleset, plan_id, change=None):
    plan = _PLANS.get(plan_id)
    if plan is None or plan["call"] != ruleset.call["id"]:
        raise BatchError("plan_expired")
    if change:
        plan = _PLANS[plan_id] = change(plan)
    return plan


PLACEMENT_FIGURES = ("plan_id", "order_by", "custom_order", "order_statement", "eligible", "counted", "within", "exempt",
                     "over_by", "same_applicant", "not_counted", "errors")


def placement(plan):
    """The part of a plan that depends on the order: each row's rank and quota status, in the plan's order."""
    out = {k: plan[k] for k in PLACEMENT_FIGURES}
    out["rows"] = [{"row": r["row"], "rank": r["rank"], "quota_status": r["quota_status"],
                    "quota_status_label": r["quota_status_label"]} for r in plan["rows"]]
    return out


EXPORT_COLUMNS = ("rank", "row", "applicant_name", "credit_code", "contact", "project_name", "direction",
                  "verdict", "quota_status", "priorities_met", "reasons", "notes")


def export_head(plan, lang):
    """The block above the list: what was screened, for whom, when, by which rules."""
    return [
        (s("batch.export.unit_kind", lang), plan["unit_label"]),
        (s("batch.export.quota", lang), s("batch.export.quota_value", lang, quota=plan["quota"], **plan["citation"])),
        (s("batch.export.date", lang), plan["screened_on"]),
        (s("batch.export.ruleset", lang), plan["ruleset_version"]),
        (s("batch.export.source", lang), plan["source_name"]),
        (s("batch.export.figures", lang), s("batch.export.figures_value", lang, **{
            k: plan[k] for k in ("rows_total", "eligible", "counted", "within", "exempt", "same_applicant", "not_counted")})),
        (s("batch.export.order", lang), plan["order_statement"]),
    ] + ([] if plan["per_applicant"] is None else [
        (s("batch.export.per_applicant", lang), s("batch.export.per_applicant_value", lang, n=plan["same_applicant"],
                                                  **plan["per_applicant"])),
    ]) + [
        (s("batch.export.note", lang), s("batch.export.note_text", lang)),
    ]


def export_rows(plan, lang):
    """The list's rows as cell texts, in the plan's order, under a header of EXPORT_COLUMNS' names."""
    sep = s("batch.reason_sep", lang)
    rows = [[s("batch.col." + c, lang) for c in EXPORT_COLUMNS]]
    for r in plan["rows"]:
        problems = [(f"{e.get('column_label') or e['column']}: " if e["column"] else "") + e["message"]
                    for e in r["errors"]]
        notes = [f["message"] for f in r.get("flags", []) + r.get("quota_notes", []) + r.get("loose", [])]
        values = {"rank": r["rank"] or "", "row": r["row"], "direction": r.get("direction_label", ""),
                  "verdict": r["verdict_label"], "quota_status": r["quota_status_label"],
                  "priorities_met": len(r["priorities"]),
                  "reasons": sep.join(problems + [reason["text"] for reason in r["reasons"]]),
                  "notes": sep.join(notes)}
        rows.append([values[c] if c in values else r.get(c, "") for c in EXPORT_COLUMNS])
    return rows


def result_csv(plan, lang="zh"):
    """The screened list as CSV (UTF-8 with BOM so spreadsheet programs read Chinese correctly): the header block,
    a blank row, then the list."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([s("batch.export.title", lang, call=plan_title(plan, lang))])
    for label, value in export_head(plan, lang):
        writer.writerow([label, _safe_cell(str(value))])
    writer.writerow([])
    for row in export_rows(plan, lang):
        writer.writerow([_safe_cell(v) if isinstance(v, str) else v for v in row])
    return "\ufeff" + out.getvalue()


def result_xlsx(plan, lang="zh"):
    """The screened list as an .xlsx workbook: the same block and list as the CSV (text kept as text)."""
    from . import workbook

    head = [[s("batch.export.title", lang, call=plan_title(plan, lang))]] + [list(x) for x in export_head(plan, lang)]
    table = export_rows(plan, lang)
    cleaned = sum(workbook.needs_cleaning(v) for row in head + table for v in row)
    if cleaned:  # a workbook cannot hold some control characters (pasted from Word): said, never an error
        head.append([s("batch.export.note", lang), s("batch.export.cleaned", lang, count=cleaned)])
    first = len(head) + 2
    return workbook.write([{
        "title": s("batch.export.sheet", lang), "rows": head + [[]] + table, "wrap": True, "fit_from": first,
        "bold_rows": [1, first], "freeze": f"A{first + 1}", "autofilter": (first, first + len(table) - 1),
    }])


def plan_title(plan, lang):
    return plan["call_title"]


def _safe_cell(text):
    """Keep a typed value from being run as a spreadsheet formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
