"""Batch screening for recommending units: verdict per row, quota arithmetic, DCMM exemption, row-level errors."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from checker import batch, sheet_template
from checker import sheet_io
from checker import sheet_errors
from checker import plan as planning
from checker import export as exports

REPO = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parents[1] / "policy_data" / "calls" / "2022" / "cases"


def answers(case, **changes):
    data = yaml.safe_load((CASES / f"{case}.yaml").read_text(encoding="utf-8"))["answers"]
    data.update(changes)
    return data


def to_csv(ruleset, rows):
    """A list with a header of column ids: the pass-through columns (applicant, credit code, contact), then the
    questions."""
    header = list(sheet_template.PASS_THROUGH) + ruleset.order
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([";".join(row[q]) if isinstance(row.get(q), list) else row.get(q, "") for q in header])
    return out.getvalue()


def screen(ruleset, rows, unit_kind, lang="en", **options):
    return batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=to_csv(ruleset, rows)), unit_kind, lang, **options)


def table(export_csv):
    """The list of an exported CSV: the records after the header block's blank row (its first is the header)."""
    records = list(csv.reader(io.StringIO(export_csv.lstrip("\ufeff"))))
    return records[records.index([]) + 1:]


def quota_of(ruleset, unit_kind):
    return next(u["quota"] for u in ruleset.quota["units"] if u["id"] == unit_kind)


@pytest.mark.parametrize("unit_kind", ["province", "city", "central_soe", "other"])
def test_quota_plan_for_each_unit_kind(ruleset, unit_kind):
    quota = quota_of(ruleset, unit_kind)
    counted = [answers("eligible_d5", dcmm_level="none", project_name=f"counted {i}") for i in range(quota + 2)]
    exempt = [answers("eligible_d7", dcmm_level="4", project_name="exempt")]
    ineligible = [answers("planned_project", project_name="planned")]
    plan = screen(ruleset, counted + exempt + ineligible, unit_kind)
    assert plan["quota"] == quota
    assert plan["counted"] == quota + 2
    assert plan["exempt"] == 1
    assert plan["over_by"] == 2
    assert plan["not_counted"] == 1
    statuses = [r["quota_status"] for r in plan["rows"]]
    assert statuses.count("within") == quota and statuses.count("over") == 2
    assert statuses.count("exempt") == 1 and statuses[-1] == "not_counted"


def test_within_quota_is_not_over(ruleset):
    plan = screen(ruleset, [answers("eligible_d5", dcmm_level="2")], "city")
    assert plan["over_by"] == 0 and plan["counted"] == 1 and plan["rows"][0]["quota_status"] == "within"


def test_dcmm_level_3_and_above_never_counts(ruleset):
    rows = [answers("eligible_d6", dcmm_level=str(level)) for level in (3, 4, 5)] * 5
    plan = screen(ruleset, rows, "central-soe")
    assert plan["counted"] == 0 and plan["exempt"] == 15 and plan["over_by"] == 0


PRIORITY_ROWS = [  # the priority conditions met differ from the file's order
    answers("eligible_d5", in_demo_base="no", open_source_key_tech="no", data_management_capability="no", project_name="zero"),
    answers("eligible_d5", project_name="three"),
    answers("eligible_d5", in_demo_base="no", project_name="two"),
    answers("eligible_d5", project_name="three again"),
]


def test_the_default_order_is_the_files_own_notice_iii_2_prescribes_no_method(ruleset):
    """Notice III(2) says only 「名单按优先级排序」: the tool never ranks by a method of its own unasked; the list
    stays in the file's order, and says so, quoting the clause."""
    plan = screen(ruleset, PRIORITY_ROWS, "province", lang="zh")
    assert [r["project_name"] for r in plan["rows"]] == ["zero", "three", "two", "three again"]
    assert [r["rank"] for r in plan["rows"]] == [1, 2, 3, 4]
    assert plan["order_by"] == "file" and plan["custom_order"] is False
    ranking = ruleset.screening["ranking"]
    assert f"{ranking['citation']['clause']['zh']}只规定「{ranking['citation']['quote']}」" in plan["order_statement"]
    assert plan["order_statement"].startswith(batch.s("batch.order.file", "zh"))


def test_the_tools_suggestion_priority_conditions_then_file_order_only_when_asked(ruleset):
    """The suggestion (priority conditions of Notice II(3) met first, then the file's order) is an option, said as
    the tool's suggestion and with Notice III(2)'s 「名单按优先级排序」, never as the notice's method."""
    plan = screen(ruleset, PRIORITY_ROWS, "province", order_by="suggested")
    assert [r["project_name"] for r in plan["rows"]] == ["three", "three again", "two", "zero"]
    assert [r["rank"] for r in plan["rows"]] == [1, 2, 3, 4]
    assert plan["order_by"] == "suggested" and plan["custom_order"] is False
    assert plan["order_statement"].startswith(batch.s("batch.order.suggested", "en"))
    citation = ruleset.screening["ranking"]["citation"]  # the notice's own words, with the clause in English
    assert f"{citation['clause']['en']} says only “{citation['quote']}”" in plan["order_statement"]


def test_a_hand_made_order_is_said_as_such_in_the_export(ruleset):
    """Notice III(2) 「名单按优先级排序」: the unit's own moves are its order; the export's header block says so."""
    first = screen(ruleset, PRIORITY_ROWS, "province", lang="zh")
    moved = planning.replan(ruleset, first, order=[3, 2])
    assert [r["row"] for r in moved["rows"]] == [3, 2, 4, 5] and moved["custom_order"] is True
    custom = batch.s("batch.order.custom", "zh", base=batch.s("batch.order_by.file", "zh"))
    assert moved["order_statement"].startswith(custom)
    head = dict(exports.export_head(moved, "zh"))
    assert head[batch.s("batch.export.order", "zh")] == moved["order_statement"]
    assert "「名单按优先级排序」" in exports.result_csv(moved, "zh")


def test_cli_batch_orders_by_the_file_unless_asked_and_says_which(ruleset, tmp_path):
    """`--order file` (the default) or `--order suggested`; Notice III(2) prescribes no method."""
    path = tmp_path / "candidates.csv"
    path.write_text(to_csv(ruleset, PRIORITY_ROWS), encoding="utf-8")
    names = {}
    for extra in ([], ["--order", "suggested"]):
        done = subprocess.run([sys.executable, "-m", "checker", "batch", str(path), "--unit-kind", "province", "--lang",
                               "en"] + extra, cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        records = table(done.stdout)
        names[tuple(extra)] = [r[records[0].index("Project name")] for r in records[1:]]
        kind = extra[-1] if extra else "file"
        assert batch.s("batch.order." + kind, "en") in done.stdout
        assert ruleset.screening["ranking"]["citation"]["quote"] in done.stdout
    assert names[()] == ["zero", "three", "two", "three again"]
    assert names[("--order", "suggested")] == ["three", "three again", "two", "zero"]


def counting(name, **cells):
    """An eligible direction-5 row that counts against the quota (no DCMM level)."""
    return answers("eligible_d5", dcmm_level="none", project_name=name, **cells)


def test_one_project_per_applicant_only_the_first_in_the_units_order_is_counted(ruleset):
    """Notice II(1) 「每个申报主体限申报 1 个项目」: two eligible rows with one credit code never both take a place;
    the first in the unit's order is counted, the other is set aside naming that row, and a reorder swaps them."""
    rows = [counting("A first", applicant_name="甲公司", credit_code="91110000MA01"),
            counting("B", applicant_name="乙公司", credit_code="91110000MB02"),
            counting("A again", applicant_name="甲公司（北京）", credit_code="91110000ma01")]
    plan = screen(ruleset, rows, "city", lang="zh")
    status = {r["project_name"]: r["quota_status"] for r in plan["rows"]}
    assert status == {"A first": "within", "B": "within", "A again": "same_applicant"}
    again = next(r for r in plan["rows"] if r["project_name"] == "A again")
    assert again["quota_status_label"] == batch.s("batch.quota_status.same_applicant", "zh", rows="2")
    assert (plan["counted"], plan["within"], plan["same_applicant"], plan["eligible"]) == (2, 2, 1, 3)
    # The unit puts the other row first: it is counted now, and the first is set aside.
    moved = planning.replan(ruleset, plan, order=[4, 2, 3])
    status = {r["project_name"]: (r["quota_status"], r["quota_status_label"]) for r in moved["rows"]}
    assert status["A again"][0] == "within"
    assert status["A first"] == ("same_applicant", batch.s("batch.quota_status.same_applicant", "zh", rows="4"))
    assert moved["counted"] == 2 and moved["same_applicant"] == 1


def test_a_row_set_aside_for_its_applicant_never_takes_a_place(ruleset):
    """Notice II(1) 「每个申报主体限申报 1 个项目」 and II(2)'s quota: a second project of an applicant is never
    within the quota, and does not push another applicant's project over it."""
    quota = quota_of(ruleset, "city")
    rows = [counting("A", applicant_name="甲公司", credit_code="91A"), counting("A2", credit_code="91A")]
    rows += [counting(f"other {i}", credit_code=f"91X{i}") for i in range(quota - 1)]
    plan = screen(ruleset, rows, "city")
    statuses = [r["quota_status"] for r in plan["rows"]]
    assert statuses.count("within") == quota and statuses.count("over") == 0
    assert statuses[1] == "same_applicant" and plan["over_by"] == 0 and plan["counted"] == quota


def test_a_second_project_of_an_exempt_applicant_is_set_aside_too(ruleset):
    """Notice II(1) limits the projects of an applicant whatever its DCMM level: the DCMM exemption of II(2) frees
    a quota place, not a second project."""
    rows = [answers("eligible_d7", dcmm_level="4", project_name="exempt", credit_code="91A"),
            counting("same, counts", credit_code="91A")]
    plan = screen(ruleset, rows, "province")
    assert [r["quota_status"] for r in plan["rows"]] == ["exempt", "same_applicant"]
    assert plan["counted"] == 0 and plan["exempt"] == 1 and plan["same_applicant"] == 1


def test_only_countable_rows_compete_for_the_applicants_place(ruleset):
    """Notice II(1): a row that is not eligible, or has errors, takes no place; the applicant's eligible row counts."""
    rows = [answers("planned_project", project_name="planned", credit_code="91A"),
            answers("eligible_d4", d4_scenarios="three", project_name="bad cell", credit_code="91A"),
            counting("eligible", credit_code="91A")]
    plan = screen(ruleset, rows, "province")
    assert {r["project_name"]: r["quota_status"] for r in plan["rows"]} == \
        {"planned": "not_counted", "bad cell": "error", "eligible": "within"}
    assert plan["same_applicant"] == 0


def test_one_applicant_by_name_when_a_code_is_blank_but_not_when_codes_differ(ruleset):
    """Notice II(1) counts applicants: the same name with a blank code is the same applicant; two different credit
    codes are two applicants, whatever their names."""
    rows = [counting("coded", applicant_name="甲公司", credit_code="91A"),
            counting("name only", applicant_name="甲 公司"),
            counting("other code", applicant_name="甲公司", credit_code="91B")]
    plan = screen(ruleset, rows, "province")
    assert [r["quota_status"] for r in plan["rows"]] == ["within", "same_applicant", "within"]


def test_a_large_group_of_one_applicant_names_its_first_rows_and_counts_every_row(ruleset):
    """Many rows of one applicant: each note names at most limits.MAX_ROWS_NAMED of the others, then "…" (naming
    them all made the answer grow with the square of the rows, issue 32), while the plan still sets aside every row
    after the first, and the name-only rows are the same applicant as the coded one and each other."""
    from checker import limits

    size = limits.MAX_ROWS_NAMED + 5
    rows = [counting("coded", applicant_name="甲公司", credit_code="91A")]
    rows += [counting(f"name only {i}", applicant_name="甲 公司") for i in range(size - 1)]
    plan = screen(ruleset, rows, "province", lang="zh")
    assert [r["quota_status"] for r in plan["rows"]] == ["within"] + ["same_applicant"] * (size - 1)
    last = plan["rows"][-1]
    assert last["same_applicant_rows"] == list(range(2, 2 + limits.MAX_ROWS_NAMED))
    named = batch.s("batch.list_sep", "zh").join(map(str, last["same_applicant_rows"])) + f" 等 {size - 1} 行"
    assert named in last["flags"][0]["message"]
    assert last["set_aside_for"] == [2]
    assert last["quota_status_label"] == batch.s("batch.quota_status.same_applicant", "zh", rows="2")
    assert plan["same_applicant"] == size - 1 and plan["counted"] == 1


def test_the_export_counts_and_names_the_rows_set_aside(ruleset):
    """Notice II(1) 「每个申报主体限申报 1 个项目」 in the export: the header block says the rule, its clause and how
    many rows it set aside; the row's quota cell names the row that is counted."""
    rows = [counting("A", credit_code="91A"), counting("A2", credit_code="91A")]
    plan = screen(ruleset, rows, "province", lang="zh")
    text = exports.result_csv(plan, "zh")
    head = dict(exports.export_head(plan, "zh"))
    rule = next(r for r in ruleset.rules if r["id"] == ruleset.screening["per_applicant_rule"])
    assert rule["citation"]["quote"] in head[batch.s("batch.export.per_applicant", "zh")]
    assert "同一申报主体未计入 1" in head[batch.s("batch.export.figures", "zh")]
    records = table(text)
    status = records[0].index(batch.s("batch.col.quota_status", "zh"))
    assert records[2][status] == batch.s("batch.quota_status.same_applicant", "zh", rows="2")
    assert records[2][status] != batch.s("batch.quota_status.within", "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_blank_priority_and_dcmm_cells_are_screened_and_counted_notice_ii_2_3(ruleset, lang):
    """Notice II(3) lists conditions for priority, not requirements: a row with its priority and DCMM cells blank
    gets its verdict from the requirements and is counted; with no DCMM level the exemption of II(2) is unknown, so
    the row takes a place (conservative) and its notes say so, on the row and in the export."""
    row = {k: v for k, v in answers("eligible_d5", project_name="blank").items()
           if k not in ("dcmm_level", "in_demo_base", "data_management_capability", "open_source_key_tech")}
    plan = screen(ruleset, [row], "city", lang=lang)
    entry = plan["rows"][0]
    assert entry["verdict"] == "eligible" and entry["exempt"] is None and entry["priorities"] == []
    assert entry["quota_status"] == "within" and plan["counted"] == 1 and plan["exempt"] == 0
    note = batch.s("batch.note_row.exemption_unknown", lang, exemption=ruleset.exemption["name"][lang],
                   question=sheet_template.column_label(ruleset, "dcmm_level", lang))
    assert [n["code"] for n in entry["quota_notes"]] == ["exemption_unknown"]
    assert [n["message"] for n in entry["quota_notes"]] == [note]
    records = table(exports.result_csv(plan, lang))
    assert note in records[1][records[0].index(batch.s("batch.col.notes", lang))]


def test_a_dcmm_level_given_adds_no_note(ruleset):
    plan = screen(ruleset, [counting("none given"), answers("eligible_d5", dcmm_level="4")], "city")
    assert [r["quota_notes"] for r in plan["rows"]] == [[], []]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_reason_wears_its_groups_badge_in_rows_and_exports(ruleset, lang):
    """A point to confirm (「技术先进、应用示范带动作用良好」, Notice II(1), answered "not sure") is never worded as a
    failure in the batch: every reason starts with its group's badge, in the row and both exports."""
    rows = [answers("advanced_unsure", project_name="unsure"), answers("planned_project", project_name="planned")]
    plan = screen(ruleset, rows, "province", lang=lang)
    by_name = {r["project_name"]: r for r in plan["rows"]}
    blocking, confirm = batch.s("badge.blocking", lang), batch.s("badge.confirm", lang)
    unsure = by_name["unsure"]["reasons"]
    assert [r["group"] for r in unsure] == ["confirm"]
    assert unsure[0]["text"] == batch.s("batch.reason_item", lang, badge=confirm, message=unsure[0]["message"])
    assert blocking not in unsure[0]["text"]
    planned = by_name["planned"]["reasons"]
    assert planned and all(r["group"] == "blocking" and r["text"].startswith(blocking) for r in planned)
    records = table(exports.result_csv(plan, lang))
    reasons = records[0].index(batch.s("batch.col.reasons", lang))
    cells = {r[records[0].index(batch.s("batch.col.project_name", lang))]: r[reasons] for r in records[1:]}
    assert cells["unsure"] == unsure[0]["text"] and cells["unsure"].startswith(confirm)
    assert cells["planned"].startswith(blocking)


def test_malformed_row_names_row_and_column_and_others_continue(ruleset):
    rows = [answers("eligible_d4"), answers("eligible_d4", d4_scenarios="three"), answers("eligible_d8")]
    plan = screen(ruleset, rows, "province", lang="zh")
    bad = [r for r in plan["rows"] if r["verdict"] == "error"]
    assert len(bad) == 1 and bad[0]["row"] == 3
    assert bad[0]["errors"][0]["column"] == "d4_scenarios"
    assert "请填写数字" in bad[0]["errors"][0]["message"]
    assert plan["eligible"] == 2 and plan["errors"] == 1


def test_labels_are_accepted_in_cells(ruleset):
    row = answers("eligible_d5", project_status="在建", own_ip="是", business_areas="采集；分析")
    plan = screen(ruleset, [row], "province")
    assert plan["rows"][0]["verdict"] == "eligible"


def test_unknown_unit_kind(ruleset):
    with pytest.raises(sheet_errors.BatchError, match="Known: province, city, central-soe, other"):
        screen(ruleset, [answers("eligible_d5")], "county")


def test_result_csv_has_bom_and_neutralises_formulas(ruleset):
    plan = screen(ruleset, [answers("eligible_d5", project_name="=HYPERLINK(\"x\")")], "province")
    text = exports.result_csv(plan, "zh")
    assert text.startswith("\ufeff") and table(text)[0][0] == "排序"
    assert "'=HYPERLINK" in text


def test_cli_batch_reports_row_errors_and_continues(ruleset, tmp_path):
    path = tmp_path / "candidates.csv"
    path.write_text(to_csv(ruleset, [answers("eligible_d4"), answers("eligible_d4", direction="d42")]), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "checker", "batch", str(path), "--unit-kind", "city", "--lang", "en"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "row 3, column “Direction”" in done.stderr  # the column as people see it, in --lang
    assert batch.s("batch.quota_status.exempt", "en", exemption=ruleset.exemption["name"]["en"]) in done.stdout
    done = subprocess.run([sys.executable, "-m", "checker", "batch", str(path), "--unit-kind", "city", "--lang", "zh"],
                          cwd=REPO, capture_output=True, text=True)
    assert "第 3 行，“申报方向”列" in done.stderr and "row 3" not in done.stderr


def test_file_level_errors_speak_the_request_language():
    import json

    from checker import api

    for lang, text in (("zh", "文件是空的"), ("en", "The file is empty")):
        response = json.loads(api.handle(json.dumps({"id": 1, "call": "2022", "type": "batch", "csv": "", "unit_kind": "city",
                                                     "lang": lang})))
        assert response["ok"] is False and response["error"]["code"] == "invalid_file"
        assert text in response["error"]["message"]


def test_a_plan_in_the_units_order_refills_the_quota_and_the_export_follows(ruleset):
    from checker import api

    quota = quota_of(ruleset, "city")
    rows = [answers("eligible_d5", dcmm_level="none", project_name=f"p{i}") for i in range(quota + 1)]
    rows.append(answers("eligible_d7", dcmm_level="4", project_name="exempt"))
    text = to_csv(ruleset, rows)
    first = api.handle_request({"id": 1, "call": "2022", "type": "batch", "csv": text, "unit_kind": "city",
                                "lang": "en"})["result"]
    ranked = [r["row"] for r in first["rows"] if r["rank"]]
    over = next(r["row"] for r in first["rows"] if r["quota_status"] == "over")
    order = [over] + [r for r in ranked if r != over]
    again = api.handle_request({"id": 2, "call": "2022", "type": "replan", "plan_id": first["plan_id"],
                                "order": order})["result"]
    assert set(again["rows"][0]) == {"row", "rank", "quota_status", "quota_status_label"}  # what an order changes
    assert [r["row"] for r in again["rows"] if r["rank"]] == order
    status = {r["row"]: r["quota_status"] for r in again["rows"]}
    counted = [r for r in order if status[r] != "exempt"]
    assert status[over] == "within" and [status[r] for r in counted] == ["within"] * quota + ["over"]
    assert again["custom_order"] is True and again["counted"] == first["counted"]
    export = api.handle_request({"id": 3, "call": "2022", "type": "export", "plan_id": first["plan_id"]})["result"]
    records = table(export["csv"])
    status_column = records[0].index("Quota")
    assert [int(r[1]) for r in records[1:]] == [r["row"] for r in again["rows"]]
    assert [r[status_column] for r in records[1:]] == [r["quota_status_label"] for r in again["rows"]]
    # The same order sent with a fresh batch gives the same export; no order gives the default back.
    fresh = api.handle_request({"id": 4, "call": "2022", "type": "batch", "csv": text, "unit_kind": "city",
                                "lang": "en", "order": order})["result"]
    assert fresh["csv"] == export["csv"]
    back = api.handle_request({"id": 5, "call": "2022", "type": "replan", "plan_id": first["plan_id"]})["result"]
    assert back["custom_order"] is False
    export = api.handle_request({"id": 6, "call": "2022", "type": "export", "plan_id": first["plan_id"]})["result"]
    assert export["csv"] == first["csv"]


def test_replan_of_an_unknown_plan_is_a_clear_error():
    from checker import api

    response = api.handle_request({"id": 1, "call": "2022", "type": "replan", "plan_id": "nope", "order": [2],
                                   "lang": "zh"})
    assert response["ok"] is False and response["error"]["code"] == "invalid_file"
    assert "重新读取文件" in response["error"]["message"]


def test_a_long_batch_tells_its_progress_through_handle(ruleset):
    """The worker passes handle() a progress(done, total) callback; a batch calls it every PROGRESS_ROWS rows,
    counting up to the number of rows, and other requests never call it."""
    import json

    from checker import api

    total = batch.PROGRESS_ROWS * 3 + 7
    text = to_csv(ruleset, [answers("d4_4_scenarios", project_name=f"P{i}") for i in range(total)])
    seen = []
    response = json.loads(api.handle(json.dumps({"id": 1, "call": "2022", "type": "batch", "csv": text,
                                                 "unit_kind": "city", "lang": "en"}), lambda d, t: seen.append((d, t))))
    assert response["ok"] is True and response["result"]["rows_total"] == total
    assert seen == [(n, total) for n in range(0, total, batch.PROGRESS_ROWS)] + [(total, total)]
    quiet = []
    for kind in ("meta", "template", "questions"):
        assert json.loads(api.handle(json.dumps({"id": 2, "call": "2022", "type": kind, "lang": "en"}),
                                     lambda d, t: quiet.append(kind)))["ok"] is True
    assert quiet == []


def test_the_worker_protocol_takes_the_base_order_and_says_it(ruleset):
    """`batch` and `replan` take `order_by` (Notice III(2) prescribes no method: the file's order unless asked);
    a replan without it keeps the plan's, and a value that is not an order is refused, naming the choices."""
    from checker import api

    text = to_csv(ruleset, PRIORITY_ROWS)
    first = api.handle_request({"id": 1, "call": "2022", "type": "batch", "csv": text, "unit_kind": "city",
                                "lang": "en"})["result"]
    assert first["order_by"] == "file" and [r["row"] for r in first["rows"]] == [2, 3, 4, 5]
    suggested = api.handle_request({"id": 2, "call": "2022", "type": "replan", "plan_id": first["plan_id"],
                                    "order_by": "suggested"})["result"]
    assert [r["row"] for r in suggested["rows"]] == [3, 5, 4, 2] and suggested["custom_order"] is False
    assert suggested["order_statement"].startswith(batch.s("batch.order.suggested", "en"))
    moved = api.handle_request({"id": 3, "call": "2022", "type": "replan", "plan_id": first["plan_id"],
                                "order": [5, 3]})["result"]  # moves start from the suggestion now chosen
    assert moved["order_by"] == "suggested" and moved["custom_order"] is True
    assert moved["order_statement"].startswith(batch.s("batch.order.custom", "en", base=batch.s("batch.order_by.suggested", "en")))
    export = api.handle_request({"id": 4, "call": "2022", "type": "export", "plan_id": first["plan_id"]})["result"]
    assert moved["order_statement"] in export["csv"]
    fresh = api.handle_request({"id": 5, "call": "2022", "type": "batch", "csv": text, "unit_kind": "city",
                                "lang": "en", "order_by": "suggested"})["result"]
    assert [r["row"] for r in fresh["rows"]] == [3, 5, 4, 2]
    bad = api.handle_request({"id": 6, "call": "2022", "type": "batch", "csv": text, "unit_kind": "city",
                              "lang": "en", "order_by": "priority"})
    assert bad["ok"] is False and bad["error"]["code"] == "bad_request" and "file, suggested" in bad["error"]["message"]
