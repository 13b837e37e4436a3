"""Screen many candidate projects for a recommending unit: verdicts, a priority order and a quota plan."""

import csv
import io

from . import answers as answers_mod
from .engine import decide
from .strings import s

BATCH_SCHEMA = "bdpilot.batch/1"
COUNTABLE = ("eligible", "eligible_with_points_to_confirm")
HEADER_STRINGS = {
    "row": {"zh": "行号", "en": "Row"},
    "rank": {"zh": "排序", "en": "Rank"},
    "project_name": {"zh": "项目名称", "en": "Project name"},
    "verdict": {"zh": "结论", "en": "Verdict"},
    "priorities_met": {"zh": "满足的优先条件数", "en": "Priority conditions met"},
    "quota_status": {"zh": "指标", "en": "Quota"},
    "reasons": {"zh": "原因", "en": "Reasons"},
}
QUOTA_STATUS = {
    "exempt": {"zh": "不占指标（DCMM 豁免）", "en": "Exempt (DCMM)"},
    "within": {"zh": "占用指标，在限额内", "en": "Counts, within quota"},
    "over": {"zh": "占用指标，超出限额", "en": "Counts, over quota"},
    "not_counted": {"zh": "不计入（不符合条件或未完成）", "en": "Not counted (not eligible or incomplete)"},
    "error": {"zh": "不计入（该行有错误）", "en": "Not counted (row has errors)"},
}


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
    """Split CSV text into (header, [(line number, cells)]), skipping blank and # comment rows."""
    text = text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise BatchError("no_header")
    header = [cell.strip() for cell in rows[0]]
    body = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        body.append((number, cells))
    return header, body


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


def screen(ruleset, header, rows, unit_kind, lang="zh"):
    """Assess every row and plan the quota; one bad row never stops the others."""
    unit_id = unit_kind_id(ruleset, unit_kind)
    unit = next(u for u in ruleset.quota["units"] if u["id"] == unit_id)
    known = set(ruleset.questions)
    unknown_columns = [c for c in header if c and c not in known]
    results = []
    for number, cells in rows:
        raw = {col: cells[i] for i, col in enumerate(header) if col in known and i < len(cells)}
        entry = {"row": number, "project_name": raw.get("project_name", "").strip(), "errors": []}
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            entry["errors"].append({"column": None, "message": _extra_cells(lang)})
        try:
            answers = answers_mod.validate(ruleset, raw, lang)
        except answers_mod.AnswersError as exc:
            entry["errors"] += [{"column": e["question"], "message": e["message"]} for e in exc.errors]
        if entry["errors"]:
            entry.update(verdict="error", priorities=[], exempt=None, reasons=[], missing=[])
            results.append(entry)
            continue
        verdict, kept, missing, outcomes = decide(ruleset, answers)
        exempt = _exempt(ruleset, kept)
        entry.update(
            verdict=verdict,
            priorities=[r["priority"] for r, o in outcomes if r["severity"] == "priority" and o == "pass"],
            exempt=exempt,
            reasons=[r["fail"][lang] for r, o in outcomes
                     if (r["severity"] == "blocks" and o == "fail") or
                     (r["severity"] in ("blocks", "confirm") and o == "unknown" and verdict != "not_eligible") or
                     (r["severity"] == "confirm" and o == "fail")],
            missing=missing,
        )
        results.append(entry)
    return _plan(results, unit, unknown_columns, lang, ruleset)


def _extra_cells(lang):
    return s("batch.extra_cells", lang)


def _exempt(ruleset, kept):
    from .conditions import evaluate

    return evaluate(ruleset.quota["exempt_if"], kept, ruleset.questions)


def _plan(results, unit, unknown_columns, lang, ruleset):
    """Rank countable rows by priority conditions met (then file order) and fill the quota."""
    countable = [r for r in results if r["verdict"] in COUNTABLE]
    countable.sort(key=lambda r: (-len(r["priorities"]), r["row"]))
    used = 0
    for rank, entry in enumerate(countable, start=1):
        entry["rank"] = rank
        if entry["exempt"] is True:
            entry["quota_status"] = "exempt"
        else:
            used += 1
            entry["quota_status"] = "within" if used <= unit["quota"] else "over"
    for entry in results:
        entry.setdefault("rank", None)
        entry.setdefault("quota_status", "error" if entry["verdict"] == "error" else "not_counted")
        entry["verdict_label"] = (s("verdict." + entry["verdict"], lang) if entry["verdict"] != "error"
                                  else QUOTA_STATUS["error"][lang])
        entry["quota_status_label"] = QUOTA_STATUS[entry["quota_status"]][lang]
    ordered = countable + [r for r in results if r["verdict"] not in COUNTABLE]
    return {
        "schema": BATCH_SCHEMA,
        "call": ruleset.call["id"],
        "ruleset_version": ruleset.version,
        "lang": lang,
        "unit_kind": unit["id"],
        "unit_label": unit["label"][lang],
        "quota": unit["quota"],
        "rows_total": len(results),
        "eligible": len(countable),
        "counted": used,
        "exempt": sum(1 for r in countable if r["quota_status"] == "exempt"),
        "over_by": max(0, used - unit["quota"]),
        "not_counted": sum(1 for r in results if r["verdict"] not in COUNTABLE),
        "errors": sum(1 for r in results if r["verdict"] == "error"),
        "unknown_columns": unknown_columns,
        "rows": ordered,
        "citation": {"clause": unit["citation"]["clause"][lang], "quote": unit["citation"]["quote"]},
    }


def result_csv(plan, lang="zh"):
    """The screened list as CSV (UTF-8 with BOM so spreadsheet programs read Chinese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = ("rank", "row", "project_name", "verdict", "priorities_met", "quota_status", "reasons")
    writer.writerow([HEADER_STRINGS[c][lang] for c in columns])
    sep = "；" if lang == "zh" else "; "
    for r in plan["rows"]:
        problems = [(f"{e['column']}: " if e["column"] else "") + e["message"] for e in r["errors"]]
        writer.writerow([r["rank"] or "", r["row"], _safe_cell(r["project_name"]), r["verdict_label"],
                         len(r["priorities"]), r["quota_status_label"], _safe_cell(sep.join(problems + r["reasons"]))])
    return "\ufeff" + out.getvalue()


def _safe_cell(text):
    """Keep a typed value from being run as a spreadsheet formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
