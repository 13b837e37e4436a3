"""Screen a recommending unit's list: every row assessed as the checker assesses one project (cells read loosely
where need be, each such cell listed), the rows naming one applicant found, and the plan made (checker/plan.py).
Reading the file is sheet_io's job, the export export.py's."""

import datetime

from . import answers as answers_mod
from . import groups, kinds, limits
from . import sheet_template
from .conditions import questions_in
from .engine import COUNTABLE, GROUPS, decide
from .loose import CellReader
from .plan import ORDER_BY, Applicants, named_rows, per_applicant_rule, plan, rows_text, unit_kind_id
from .present import finding_message
from .sheet_errors import worded
from .strings import s


BATCH_SCHEMA = "bdpilot.batch/1"


REASON_GROUPS = ("blocking", "confirm", "missing")  # a row's reasons, in this order


PROGRESS_ROWS = 50  # a batch tells its progress(done, total) every this many rows (the worker passes it to the page)


def screen(ruleset, sheet, unit_kind, lang="zh", order=None, source_name="", as_of=None, progress=None,
           order_by=ORDER_BY[0]):
    """Assess every row of `sheet` (read_sheet's) and plan the quota (starting from the order `order_by` names,
    then in `order`, the visitor's order of row numbers, when given); one bad row never stops the others. Cells
    are read loosely where need be (and each such cell is listed), and rows naming the same applicant are
    flagged. `progress(done, total)` is called every PROGRESS_ROWS rows and at the end."""
    unit_id = unit_kind_id(ruleset, unit_kind)
    columns = sheet["columns"]
    passing = set(sheet_template.pass_through(ruleset))
    group = ruleset.screening.get("applicant_group")
    cells_reader = CellReader(ruleset)
    results = []
    rows = sheet["rows"]
    for done, (number, cells) in enumerate(rows):
        if progress is not None and done % PROGRESS_ROWS == 0:
            progress(done, len(rows))
        raw, passed, loose = {}, {}, []
        for i, column in enumerate(columns):
            value = cells[i] if i < len(cells) else ""
            if column in passing:
                passed[column] = value.strip()
            elif column in ruleset.questions:
                if kinds.of(ruleset.questions[column]).choice:
                    read, was_loose = cells_reader.read(column, value)
                    if was_loose:
                        loose.append(_loose_note(ruleset, cells_reader, column, value, read, lang))
                    value = read
                raw[column] = value
        entry = {"row": number, "project_name": raw.get("project_name", "").strip(), "errors": [], "loose": loose,
                 **{c: passed.get(c, "") for c in sheet_template.pass_through(ruleset)}}
        if group:  # applicants may be groups: the members' cell read, a member it cannot read is the row's error
            entry["member_list"], problems = groups.read_members(entry[groups.COLUMN], lang)
            label = sheet_template.column_label(ruleset, groups.COLUMN, lang)
            entry["errors"] += [{"column": groups.COLUMN, "column_label": label, "message": m} for m in problems]
            entry["members_text"] = groups.member_text(entry["member_list"], lang)
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
    applicants = _same_applicant(ruleset, results, lang)
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
    return plan(head, results, ruleset, order, order_by, applicants)


def _reason(group, message, lang):
    """One reason of a row, led by its group's badge (as every surface labels a finding): a point to confirm or
    a question still to answer is never read as a failure when the reasons stand side by side in one cell."""
    badge = s("badge." + group, lang)
    return {"group": group, "badge": badge, "message": message,
            "text": s("batch.reason_item", lang, badge=badge, message=message)}


def _quota_notes(ruleset, decision, lang):
    """What a row that may be eligible says about its place in the quota: with a question the call's exemption
    reads left blank the exemption is unknown, so the row counts against the quota (the conservative reading), and
    says so, naming the exemption as the call's data does. A call without an exemption adds no note."""
    if decision.verdict not in COUNTABLE or decision.exempt is not None or ruleset.exemption is None:
        return []
    questions = [q for q in questions_in(ruleset.quota["exempt_if"]) if q not in decision.answers]
    label = s("batch.list_sep", lang).join(sheet_template.column_label(ruleset, q, lang) for q in questions)
    return [{"code": "exemption_unknown", "message": s("batch.note_row.exemption_unknown", lang, question=label,
                                                       exemption=ruleset.exemption["name"][lang])}]


def _label_of(ruleset, column, lang):
    return sheet_template.column_label(ruleset, column, lang) if column in ruleset.questions else column


def _loose_note(ruleset, reader, column, value, read, lang):
    question = ruleset.questions[column]
    shown = s("batch.template.list_sep", lang).join(reader.label(question, v, lang) for v in read.split(";"))
    return {"column": column, "column_label": sheet_template.column_label(ruleset, column, lang),
            "value": limits.shorten(value.strip()), "read_as": shown,
            "message": s("batch.loose_cell", lang, column=sheet_template.column_label(ruleset, column, lang),
                         value=limits.shorten(value.strip()), read_as=shown)}


def _same_applicant(ruleset, results, lang):
    """Find, for every row, the other rows naming the same applicant (plan.Applicants: the same credit code, or the
    same name where the codes do not differ) and return them, for the plan. Each row keeps the first of them
    (`same_applicant_rows`, at most limits.MAX_ROWS_NAMED: a note naming every row of a large group made the work
    and the answer grow with the square of the rows), and a row that has more of them than the rule that limits
    the projects of an applicant allows is flagged (its value and citation come from the data)."""
    rule, limit = per_applicant_rule(ruleset)
    applicants = Applicants(results)
    for entry in results:
        code, name = key = applicants.keys[entry["row"]]
        related = applicants.related(key)
        count = sum(map(len, related)) - (1 if related else 0)  # the row itself is in one of the lists
        entry["same_applicant_rows"] = named_rows(related, leave_out=entry["row"])
        entry["flags"] = []
        if rule is None or count < limit:
            continue
        by = "credit_code" if code and not (name and applicants.by_name_uncoded.get(name)) else "applicant_name"
        entry["flags"].append({"code": "same_applicant", "message": s(
            "batch.flag.same_applicant", lang, rows=rows_text(entry["same_applicant_rows"], lang, count),
            by=s("batch.column." + by, lang), value=entry[by],
            clause=rule["citation"]["clause"][lang], quote=rule["citation"]["quote"])})
    if ruleset.screening.get("applicant_group"):  # members named in other rows: the call's data says what it means
        applicants.shared = groups.flag_shared(ruleset, results, lang, rows_text)
    return applicants
