"""Screen many candidate projects for a recommending unit: verdicts, a priority order, a quota plan in the
unit's order, and the plan's export as CSV. The only place the quota is planned and the result file is written."""

import csv
import hashlib
import io
import json

from . import answers as answers_mod
from . import limits
from .engine import COUNTABLE, GROUPS, decide
from .present import finding_message
from .strings import s

BATCH_SCHEMA = "bdpilot.batch/1"
REASON_GROUPS = ("blocking", "confirm", "missing")  # a row's reasons, in this order
PROGRESS_ROWS = 50  # a batch tells its progress(done, total) every this many rows (the worker passes it to the page)


class BatchError(Exception):
    """The file as a whole cannot be read (no header, unknown unit kind); row problems never raise."""

    def __init__(self, code, **values):
        self.code, self.values = code, values
        super().__init__(self.message("en"))

    def message(self, lang):
        """The problem in `lang`."""
        return s("batch." + self.code, lang, **self.values)


def unit_kind_id(ruleset, value):
    """Accept `central-soe` or `central_soe`; raise BatchError naming the known kinds."""
    wanted = str(value).strip().replace("-", "_")
    ids = [u["id"] for u in ruleset.quota.get("units", [])]
    if wanted not in ids:
        raise BatchError("unknown_unit_kind", value=value, allowed=", ".join(i.replace("_", "-") for i in ids))
    return wanted


def template_csv(ruleset, lang="zh"):
    """A CSV template: a header of question ids, then comment rows (starting with #) with labels and values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ruleset.order)
    labels = [ruleset.questions[q]["label"][lang] for q in ruleset.order]
    labels[0] = "# " + labels[0]
    writer.writerow(labels)
    hints = []
    for qid in ruleset.order:
        q = ruleset.questions[qid]
        if q["kind"] in ("single", "multi"):
            sep = "; " if q["kind"] == "multi" else " / "
            hints.append(sep.join(o["id"] for o in q["options"]))
        elif q["kind"] == "tristate":
            hints.append("yes / no / unsure")
        else:
            hints.append({"integer": "0, 1, 2 …", "date": "YYYY-MM-DD", "text": "…"}[q["kind"]])
    hints[0] = "# " + hints[0]
    writer.writerow(hints)
    return "\ufeff" + out.getvalue()


def read_csv_rows(text):
    """Split CSV text into (header, [(row number, cells)]), skipping blank and # comment rows.

    Reads what spreadsheet programs save: LF, CRLF or CR (old Excel for Mac) line ends, line breaks inside quoted
    cells. Bounded by checker/limits.py (file size, rows, cell size); a row that cannot be read is named.
    """
    if not isinstance(text, str):
        raise BatchError("not_text")
    if len(text) > limits.MAX_CSV_CHARS:
        raise BatchError("too_large", size=len(text), limit=limits.MAX_CSV_CHARS)
    # newline=None reads CR, LF and CRLF alike, inside quoted cells too (csv itself refuses a bare CR there).
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=None))
    header, body, number = None, [], 0
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
        if any(len(cell) > limits.MAX_CELL_CHARS for cell in cells):
            raise BatchError("cell_too_large", row=number, limit=limits.MAX_CELL_CHARS)
        if header is None:
            if not any(cell.strip() for cell in cells):
                raise BatchError("no_header")
            header = [cell.strip() for cell in cells]
        elif not _skipped(cells):
            body.append((number, cells))
            if len(body) > limits.MAX_CSV_ROWS:
                raise BatchError("too_many_rows", limit=limits.MAX_CSV_ROWS)
    if header is None:
        raise BatchError("no_header")
    return header, body


def _skipped(cells):
    return not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#")


def read_xlsx_rows(data):
    """Read the first sheet of an .xlsx file (needs openpyxl) into the same shape as read_csv_rows."""
    try:
        import openpyxl
    except ImportError:
        raise BatchError("xlsx_needs_openpyxl") from None
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    lines = []
    for row in sheet.iter_rows(values_only=True):
        lines.append(["" if c is None else str(c) for c in row])
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return read_csv_rows(out.getvalue())


def screen(ruleset, header, rows, unit_kind, lang="zh", order=None, progress=None):
    """Assess every row and plan the quota (in `order`, the visitor's order of row numbers, when given);
    one bad row never stops the others. `progress(done, total)` is called every PROGRESS_ROWS rows and at the end."""
    unit_id = unit_kind_id(ruleset, unit_kind)
    known = set(ruleset.questions)
    unknown_columns = [c for c in header if c and c not in known]
    results = []
    for done, (number, cells) in enumerate(rows):
        if progress is not None and done % PROGRESS_ROWS == 0:
            progress(done, len(rows))
        raw = {col: cells[i] for i, col in enumerate(header) if col in known and i < len(cells)}
        entry = {"row": number, "project_name": raw.get("project_name", "").strip(), "errors": []}
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            entry["errors"].append({"column": None, "message": s("batch.extra_cells", lang)})
        try:
            answers = answers_mod.validate(ruleset, raw, lang)
        except answers_mod.AnswersError as exc:
            entry["errors"] += [{"column": e["question"], "message": e["message"]} for e in exc.errors]
        if entry["errors"]:
            entry.update(verdict="error", priorities=[], exempt=None, reasons=[], missing=[],
                         groups={g: [] for g in GROUPS})
            results.append(entry)
            continue
        decision = decide(ruleset, answers, explore=False)
        rules = {rule["id"]: (rule, outcome) for rule, outcome in decision.outcomes}
        entry.update(
            verdict=decision.verdict,
            priorities=decision.priorities_met,
            exempt=decision.exempt,
            # The groups a row shows as its reasons, worded as every surface words them.
            reasons=[finding_message(*rules[r], decision.answers, ruleset, lang)
                     for g in REASON_GROUPS for r in decision.groups[g]],
            missing=decision.missing,
            groups=decision.groups,
        )
        results.append(entry)
    if progress is not None:
        progress(len(rows), len(rows))
    head = {"schema": BATCH_SCHEMA, "call": ruleset.call["id"], "ruleset_version": ruleset.version, "lang": lang,
            "unit_kind": unit_id, "unknown_columns": unknown_columns}
    return plan(head, results, ruleset, order)


def plan(head, results, ruleset, order=None):
    """Rank the countable rows (by priority conditions met, then file order; or in `order`, a list of row numbers,
    rows it leaves out following in that default order) and fill the quota in that order: exempt rows do not
    count, the first `quota` counted rows are within it, the rest over."""
    lang = head["lang"]
    unit = next(u for u in ruleset.quota["units"] if u["id"] == head["unit_kind"])
    countable = sorted((r for r in results if r["verdict"] in COUNTABLE), key=lambda r: (-len(r["priorities"]), r["row"]))
    default = [r["row"] for r in countable]
    if order:
        position = {row: i for i, row in enumerate(order)}
        countable.sort(key=lambda r: position.get(r["row"], len(position)))  # stable: the rest keep their order
    used = 0
    for rank, entry in enumerate(countable, start=1):
        entry["rank"] = rank
        if entry["exempt"] is True:
            entry["quota_status"] = "exempt"
        else:
            used += 1
            entry["quota_status"] = "within" if used <= unit["quota"] else "over"
    others = [r for r in results if r["verdict"] not in COUNTABLE]
    for entry in others:
        entry["rank"] = None
        entry["quota_status"] = "error" if entry["verdict"] == "error" else "not_counted"
    for entry in results:
        entry["verdict_label"] = (s("verdict." + entry["verdict"], lang) if entry["verdict"] != "error"
                                  else s("batch.quota_status.error", lang))
        entry["quota_status_label"] = s("batch.quota_status." + entry["quota_status"], lang)
    return dict(
        head,
        unit_label=unit["label"][lang],
        quota=unit["quota"],
        rows_total=len(results),
        eligible=len(countable),
        counted=used,
        exempt=sum(1 for r in countable if r["quota_status"] == "exempt"),
        over_by=max(0, used - unit["quota"]),
        not_counted=len(others),
        errors=sum(1 for r in results if r["verdict"] == "error"),
        custom_order=[r["row"] for r in countable] != default,
        rows=countable + others,
        citation={"clause": unit["citation"]["clause"][lang], "quote": unit["citation"]["quote"]},
    )


def replan(ruleset, previous, order=None, unit_kind=None):
    """The plan of an earlier screen in another order (None: the default) or for another kind of unit."""
    head = {k: previous[k] for k in ("schema", "call", "ruleset_version", "lang", "unit_kind", "unknown_columns")}
    if unit_kind is not None:
        head["unit_kind"] = unit_kind_id(ruleset, unit_kind)
    return plan(head, sorted(previous["rows"], key=lambda r: r["row"]), ruleset, order)


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


def replan_request(ruleset, plan_id, order=None):
    """The plan `plan_id` (an earlier batch's) in `order` (None: the default order), as its placement: what a
    change of order changes (ranks, quota statuses, figures). The export follows with an `export` request."""
    return placement(_kept(ruleset, plan_id, lambda previous: dict(replan(ruleset, previous, order), plan_id=plan_id)))


def export_request(ruleset, plan_id):
    """The export (CSV text) of the plan `plan_id` as it stands now."""
    plan = _kept(ruleset, plan_id)
    return {"plan_id": plan_id, "csv": result_csv(plan, plan["lang"])}


def _kept(ruleset, plan_id, change=None):
    plan = _PLANS.get(plan_id)
    if plan is None or plan["call"] != ruleset.call["id"]:
        raise BatchError("plan_expired")
    if change:
        plan = _PLANS[plan_id] = change(plan)
    return plan


PLACEMENT_FIGURES = ("plan_id", "custom_order", "eligible", "counted", "exempt", "over_by", "not_counted", "errors")


def placement(plan):
    """The part of a plan that depends on the order: each row's rank and quota status, in the plan's order."""
    out = {k: plan[k] for k in PLACEMENT_FIGURES}
    out["rows"] = [{"row": r["row"], "rank": r["rank"], "quota_status": r["quota_status"],
                    "quota_status_label": r["quota_status_label"]} for r in plan["rows"]]
    return out


def result_csv(plan, lang="zh"):
    """The screened list as CSV (UTF-8 with BOM so spreadsheet programs read Chinese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = ("rank", "row", "project_name", "verdict", "priorities_met", "quota_status", "reasons")
    writer.writerow([s("batch.col." + c, lang) for c in columns])
    sep = s("batch.reason_sep", lang)
    for r in plan["rows"]:
        problems = [(f"{e['column']}: " if e["column"] else "") + e["message"] for e in r["errors"]]
        writer.writerow([r["rank"] or "", r["row"], _safe_cell(r["project_name"]), r["verdict_label"],
                         len(r["priorities"]), r["quota_status_label"], _safe_cell(sep.join(problems + r["reasons"]))])
    return "\ufeff" + out.getvalue()


def _safe_cell(text):
    """Keep a typed value from being run as a spreadsheet formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
