"""A plan written out for the unit to keep and sign: the header block (what was screened, for whom, when, by which
rules, in which order) above the list, as CSV or as an .xlsx workbook."""

import csv
import io

from .strings import s


EXPORT_COLUMNS = ("rank", "row", "applicant_name", "credit_code", "contact", "project_name", "direction",
                  "verdict", "quota_status", "priorities_met", "reasons", "notes")


def export_head(plan, lang):
    """The block above the list: who screened (the unit's name, when given), what, when, by which rules, and the
    notes on the whole file (its encoding, columns ignored, rows naming another kind of unit)."""
    # The exempt rows are a figure only in a call with an exemption (the plan names it).
    figures = "batch.export.figures_value_exemption" if plan.get("exemption") else "batch.export.figures_value"
    return ([(s("batch.export.unit_name", lang), plan["unit_name"])] if plan.get("unit_name") else []) + [
        (s("batch.export.unit_kind", lang), plan["unit_label"]),
        (s("batch.export.quota", lang), s("batch.export.quota_value", lang, quota=plan["quota"], **plan["citation"])),
        (s("batch.export.date", lang), plan["screened_on"]),
        (s("batch.export.ruleset", lang), plan["ruleset_version"]),
        (s("batch.export.source", lang), plan["source_name"]),
        (s("batch.export.figures", lang), s(figures, lang, **{
            k: plan[k] for k in ("rows_total", "eligible", "counted", "within", "exempt", "same_applicant", "not_counted")})),
        (s("batch.export.order", lang), plan["order_statement"]),
    ] + [(s("batch.export.buckets", lang), s("batch.export.bucket_value", lang, **bucket))
         for bucket in plan.get("buckets", [])] + ([] if plan["per_applicant"] is None else [
        (s("batch.export.per_applicant", lang), s("batch.export.per_applicant_value", lang, n=plan["same_applicant"],
                                                  **plan["per_applicant"])),
    ]) + [(s("batch.export.file_note", lang), note["message"]) for note in plan.get("notes", [])] + [
        (s("batch.export.note", lang), s("batch.export.note_text", lang)),
    ]


def export_columns(plan):
    """EXPORT_COLUMNS, with the columns the call's data adds: the members of an applicant that is a group (after the
    credit code), the quota a row counts in (after its status) when the call has extra quotas."""
    columns = list(EXPORT_COLUMNS)
    if "members_label" in plan:
        columns.insert(columns.index("credit_code") + 1, "members")
    if "buckets" in plan:
        columns.insert(columns.index("quota_status") + 1, "bucket")
    return columns


def export_rows(plan, lang):
    """The list's rows as cell texts, in the plan's order, under a header of export_columns' names."""
    sep = s("batch.reason_sep", lang)
    columns = export_columns(plan)
    rows = [[plan["members_label"] if c == "members" else s("batch.col." + c, lang) for c in columns]]
    for r in plan["rows"]:
        problems = [(f"{e.get('column_label') or e['column']}: " if e["column"] else "") + e["message"]
                    for e in r["errors"]]
        notes = [f["message"] for f in r.get("flags", []) + r.get("quota_notes", []) + r.get("loose", [])]
        values = {"rank": r["rank"] or "", "row": r["row"], "direction": r.get("direction_label", ""),
                  "verdict": r["verdict_label"], "quota_status": r["quota_status_label"],
                  "priorities_met": len(r["priorities"]),
                  "reasons": sep.join(problems + [reason["text"] for reason in r["reasons"]]),
                  "notes": sep.join(notes), "members": r.get("members_text", ""), "bucket": r.get("bucket", "")}
        rows.append([values[c] if c in values else r.get(c, "") for c in columns])
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
