"""The screening list as an official uses it: the template made for people (CSV and .xlsx, both languages), .xlsx
in and out (written and read back by openpyxl), loose cells, cross-row checks, file-level messages, the export."""

import base64
import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from checker import api, batch, filekind, formats, limits, sheet_template, workbook
from checker import sheet_io
from checker import sheet_errors
from checker import plan as planning
from checker import export as exports
from checker.strings import s
from test_batch import answers, table, to_csv

REPO = Path(__file__).resolve().parent.parent


def template_book(ruleset, lang):
    return openpyxl.load_workbook(io.BytesIO(sheet_template.template_xlsx(ruleset, lang)))


def template_lines(ruleset, lang):
    """The template's rows as a person sees them (sections, labels, ids, example) from its CSV."""
    return list(csv.reader(io.StringIO(sheet_template.template_csv(ruleset, lang).lstrip("\ufeff"))))


def label_cells(ruleset, row, lang):
    """A case's answers as a person types them from the drop-downs: option labels, 是/否."""
    out = {}
    for qid, value in row.items():
        question = ruleset.questions.get(qid)
        if question and question["kind"] == "tristate":
            out[qid] = s("tristate." + value, lang)
        elif question and question["kind"] in ("single", "multi"):
            labels = {o["id"]: o["label"][lang] for o in question["options"]}
            out[qid] = "、".join(labels[v] for v in value) if isinstance(value, list) else labels[value]
        else:
            out[qid] = value
    return out


def fill_template(ruleset, lang, rows):
    """The .xlsx template filled in as a person would: below the example row, in the columns of the id row."""
    book = template_book(ruleset, lang)
    sheet = book.worksheets[0]
    ids = [c.value for c in sheet[3]]
    for row in rows:
        typed = label_cells(ruleset, row, lang)
        sheet.append([typed.get(column) for column in ids])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def screen_bytes(ruleset, data, unit="province", lang="zh"):
    return batch.screen(ruleset, sheet_io.read_sheet(ruleset, data=data), unit, lang, source_name="list.xlsx")


def decisions(plan):
    return [(r["row"], r["verdict"], r["quota_status"], r["rank"], r["reasons"]) for r in plan["rows"]]


CANDIDATES = [
    dict(answers("eligible_d5", dcmm_level="none", project_name="甲项目"), applicant_name="甲公司", credit_code="911100001"),
    dict(answers("eligible_d7", dcmm_level="4", project_name="乙项目"), applicant_name="乙公司", credit_code="911100002"),
    dict(answers("planned_project", project_name="丙项目"), applicant_name="丙公司"),
    dict(answers("eligible_d6", project_name="丁项目"), applicant_name="丁公司"),
]


# ------------------------------------------------------------------------------------------------ the template

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_xlsx_template_is_made_for_people(ruleset, lang):
    book = template_book(ruleset, lang)
    sheet = book.worksheets[0]
    assert [ws.sheet_state for ws in book.worksheets] == ["visible", "hidden"]  # the drop-downs' lists
    sections, labels, ids, example = [[c.value for c in sheet[n]] for n in (1, 2, 3, 4)]
    assert ids[:3] == list(sheet_template.PASS_THROUGH) and set(ruleset.order) <= set(ids)
    assert sheet.row_dimensions[3].hidden and not sheet.row_dimensions[2].hidden
    direction = ids.index(ruleset.direction_question)
    assert labels[direction] == ruleset.questions[ruleset.direction_question]["short"][lang]
    assert labels[0] == s("batch.column.applicant_name", lang)
    # Each direction's questions sit under that direction's name in the section row (a merged cell).
    d6 = ruleset.directions["d6"]["title"][lang]
    first_d6 = ids.index("d6_cases")
    assert d6 in sections[first_d6] and ids[first_d6 + 1] == "d6_results"
    assert any(str(m).startswith(sheet.cell(1, first_d6 + 1).coordinate) for m in sheet.merged_cells.ranges)
    # The direction's drop-down lists the directions' titles, from the hidden sheet.
    letter = sheet.cell(4, direction + 1).column_letter
    rule = next(dv for dv in sheet.data_validations.dataValidation if str(dv.sqref).startswith(f"{letter}4:"))
    source = rule.formula1.split("!")[1].replace("$", "")
    listed = [c.value for row in book["_lists"][source] for c in row]
    assert listed == [o["label"][lang] for o in ruleset.questions[ruleset.direction_question]["options"]]
    assert example[0].startswith(s("batch.template.example_marker", lang))
    # The full question is each header's comment.
    assert ruleset.questions["own_ip"]["label"][lang] in sheet.cell(2, ids.index("own_ip") + 1).comment.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_example_row_meets_the_rules_and_is_never_screened(ruleset, lang):
    lines = template_lines(ruleset, lang)
    marker = s("batch.template.example_marker", lang)
    with pytest.raises(sheet_errors.BatchError) as caught:  # the untouched template: no project rows, not "within quota"
        sheet_io.read_sheet(ruleset, text=sheet_template.template_csv(ruleset, lang))
    assert caught.value.code == "no_rows"
    lines[3][0] = lines[3][0].replace(marker, "")
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    plan = batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=out.getvalue()), "city", lang)
    assert plan["rows_total"] == 1 and plan["rows"][0]["verdict"] == "eligible" and plan["loose_cells"] == 0


def test_the_untouched_xlsx_template_has_no_project_rows(ruleset):
    with pytest.raises(sheet_errors.BatchError) as caught:
        sheet_io.read_sheet(ruleset, data=sheet_template.template_xlsx(ruleset, "zh"))
    assert caught.value.code == "no_rows" and "示例行" in caught.value.message("zh")


# ------------------------------------------------------------------------------------------------ .xlsx in

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filled_xlsx_template_screens_as_the_csv_of_ids_does(ruleset, lang):
    data = fill_template(ruleset, lang, CANDIDATES)
    from_xlsx = screen_bytes(ruleset, data, lang=lang)
    from_csv = batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=to_csv(ruleset, CANDIDATES)), "province", lang)
    # Same decisions; the rows are numbered as each file numbers them (the template has 4 rows above the list).
    shift = from_xlsx["rows"][0]["row"] - from_csv["rows"][0]["row"]
    assert [(r - shift, *rest) for r, *rest in decisions(from_xlsx)] == decisions(from_csv)
    assert from_xlsx["loose_cells"] == 0 and from_xlsx["notes"] == []
    assert [r["applicant_name"] for r in from_xlsx["rows"][:2]] == ["甲公司", "乙公司"]
    assert from_xlsx["rows"][0]["direction_label"] == ruleset.directions["d5"]["title"][lang]


def test_an_xlsx_written_by_openpyxl_with_an_id_header_reads_numbers_and_dates(ruleset):
    book = openpyxl.Workbook()
    book.active.title = "empty"
    sheet = book.create_sheet("list")  # the first sheet with data is read
    sheet.append(ruleset.order)
    row = answers("eligible_d4", filing_date="2022-05-01")
    import datetime
    typed = {**row, "d4_scenarios": float(row["d4_scenarios"]), "filing_date": datetime.datetime(2022, 5, 1)}
    sheet.append([";".join(v) if isinstance(v, list) else typed.get(q) for q, v in
                  ((q, typed.get(q)) for q in ruleset.order)])
    out = io.BytesIO()
    book.save(out)
    plan = screen_bytes(ruleset, out.getvalue())
    assert plan["rows"][0]["errors"] == [] and plan["rows"][0]["verdict"] == "eligible"


def test_an_ole2_file_that_is_no_workbook_is_named_as_an_unreadable_xls(ruleset, tmp_path):
    """An old .xls/.et is read by checker/old_workbook.py (tests/test_old_workbook.py); an OLE2 file it cannot read
    is named as such, whatever its name."""
    ole2 = filekind.OLE2_MAGIC + b"\0" * 504
    with pytest.raises(sheet_errors.BatchError) as caught:
        sheet_io.read_sheet(ruleset, data=ole2)
    assert caught.value.code == "bad_xls"
    assert "另存为" in caught.value.message("zh") and ".xlsx" in caught.value.message("en")
    for name in ("list.xls", "list.et", "renamed.xlsx"):
        path = tmp_path / name
        path.write_bytes(ole2)
        done = subprocess.run([sys.executable, "-m", "checker", "batch", str(path), "--unit-kind", "city",
                               "--lang", "en"], cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 2 and ".xls file cannot be read" in done.stderr and "Traceback" not in done.stderr


def test_a_zip_that_is_not_a_workbook(ruleset):
    out = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(sheet_errors.BatchError) as caught:
        sheet_io.read_sheet(ruleset, data=out.getvalue())
    assert caught.value.code == "bad_xlsx"


# ------------------------------------------------------------------------------------------------ file-level messages

def test_an_empty_file(ruleset):
    for text in ("", "\ufeff", "\n\n ,, \n"):
        with pytest.raises(sheet_errors.BatchError) as caught:
            sheet_io.read_sheet(ruleset, text=text)
        assert caught.value.code == "no_header"


@pytest.mark.parametrize("separator,name", [(";", "semicolon"), ("\t", "tab")])
def test_a_semicolon_or_tab_file_is_read_and_said(ruleset, separator, name):
    text = to_csv(ruleset, CANDIDATES[:2]).replace(";", "、")  # multiple choices: the other list separator
    text = "\n".join(separator.join(cells) for cells in csv.reader(io.StringIO(text)))
    plan = batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=text), "province", "zh")
    assert [n["code"] for n in plan["notes"]] == ["separator"]
    assert s("batch.separator." + name, "zh") in plan["notes"][0]["message"]
    assert [r["verdict"] for r in plan["rows"]] == ["eligible", "eligible"]


def test_a_header_that_is_not_the_templates_names_the_columns_expected(ruleset):
    text = "企业名称,项目方向,是否在建\n甲公司,农业,是\n"
    with pytest.raises(sheet_errors.BatchError) as caught:
        sheet_io.read_sheet(ruleset, text=text)
    message = caught.value.message("zh")
    assert caught.value.code == "foreign_header"
    assert "企业名称、项目方向、是否在建" in message
    assert s("batch.column.credit_code", "zh") in message and ruleset.questions["direction"]["short"]["zh"] in message
    english = caught.value.message("en")
    assert ruleset.questions["direction"]["short"]["en"] in english and "“Download the template”" in english


def test_missing_and_unknown_columns_are_said_once_not_on_every_row(ruleset):
    text = "direction,备注\nd4,x\n"
    plan = batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=text), "city", "en")
    codes = [n["code"] for n in plan["notes"]]
    assert codes == ["unknown_columns", "missing_columns"]
    assert "备注" in plan["notes"][0]["message"]
    assert ruleset.questions["own_ip"]["short"]["en"] in plan["notes"][1]["message"]


# ------------------------------------------------------------------------------------------------ loose cells

@pytest.mark.parametrize("column,typed,read_as", [
    ("own_ip", "Y", "yes"), ("own_ip", "√", "yes"), ("own_ip", "ＹＥＳ", "yes"), ("own_ip", "N", "no"),
    ("direction", "农业", "d6"), ("direction", "agriculture", "d6"), ("direction", "6", "d6"),
    ("project_status", "在建中", "under_construction"), ("dcmm_level", "稳健级", "3"),
])
def test_common_spellings_are_read_loosely_and_listed(ruleset, column, typed, read_as):
    reader = batch.CellReader(ruleset)
    assert reader.read(column, typed) == (read_as, True)


def test_ids_and_labels_are_not_loose_and_an_ambiguous_part_is_not_guessed(ruleset):
    reader = batch.CellReader(ruleset)
    assert reader.read("direction", "d6") == ("d6", False)
    assert reader.read("direction", "农业大数据应用方向") == ("农业大数据应用方向", False)
    assert reader.read("own_ip", "是") == ("是", False)
    assert reader.read("direction", "服务") == ("服务", False)  # three directions' titles say 服务


def test_loose_cells_are_reported_per_row_and_counted(ruleset):
    row = answers("eligible_d6", own_ip="√", direction="农业")
    plan = batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=to_csv(ruleset, [row])), "province", "zh")
    entry = plan["rows"][0]
    assert entry["verdict"] == "eligible" and plan["loose_cells"] == 2
    assert [(x["column"], x["value"]) for x in entry["loose"]] == [("own_ip", "√"), ("direction", "农业")]
    assert "“申报方向”填的是“农业”，已读作“农业大数据应用方向”" in entry["loose"][1]["message"]
    assert plan["notes"][-1]["code"] == "loose"
    assert "已读作" in table(exports.result_csv(plan, "zh"))[1][-1]


# ------------------------------------------------------------------------------------------------ cross-row checks

def test_the_same_applicant_twice_is_flagged_citing_the_notice(ruleset):
    rule = next(r for r in ruleset.rules if r["id"] == ruleset.screening["per_applicant_rule"])
    rows = [dict(CANDIDATES[0]), dict(CANDIDATES[1], credit_code=CANDIDATES[0]["credit_code"], applicant_name="甲公司（北京）"),
            dict(CANDIDATES[3], applicant_name=" 丁公司 "), dict(CANDIDATES[3], applicant_name="丁公司"),
            dict(CANDIDATES[2], applicant_name="丙公司", credit_code="X1"), dict(CANDIDATES[2], applicant_name="丙公司", credit_code="X2")]
    plan = batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=to_csv(ruleset, rows)), "province", "zh")
    flagged = {r["row"]: [f["message"] for f in r["flags"]] for r in plan["rows"] if r["flags"]}
    assert sorted(flagged) == [2, 3, 4, 5]  # same code; same name; not: same name, two different codes
    assert "与第 3 行是同一申报主体（统一社会信用代码：911100001）" in flagged[2][0]
    assert rule["citation"]["quote"] in flagged[2][0] and rule["citation"]["clause"]["zh"] in flagged[2][0]
    assert "申报主体名称：丁公司" in flagged[5][0]
    assert plan["flagged"] == 4


def test_rows_naming_another_kind_of_unit_are_one_note_for_the_file_that_follows_the_unit_kind(ruleset):
    rows = [answers("eligible_d5", recommending_unit_kind="city", project_name=f"p{i}") for i in range(3)]
    rows.append(answers("eligible_d5", recommending_unit_kind="province"))
    plan = batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=to_csv(ruleset, rows)), "province", "zh")
    assert all(r["flags"] == [] for r in plan["rows"])  # never repeated on every row
    notes = [n["message"] for n in plan["notes"] if n["code"] == "unit_kind"]
    city = next(u for u in ruleset.quota["units"] if u["id"] == "city")["label"]["zh"]
    assert len(notes) == 1 and "有 3 行" in notes[0] and f"第 2、3、4 行为“{city}”" in notes[0]
    as_city = [n["message"] for n in planning.replan(ruleset, plan, unit_kind="city")["notes"] if n["code"] == "unit_kind"]
    assert len(as_city) == 1 and "有 1 行" in as_city[0] and "第 5 行" in as_city[0]  # the note follows the kind
    again = planning.replan(ruleset, planning.replan(ruleset, plan, unit_kind="city"), unit_kind="central_soe")
    assert [n["code"] for n in again["notes"]].count("unit_kind") == 1  # replanning never piles notes up


def test_a_long_list_of_rows_is_cut_and_counted(ruleset):
    from checker import limits

    text = planning.rows_text(list(range(1, limits.MAX_ROWS_NAMED + 11)), "zh")
    assert text.endswith(f"等 {limits.MAX_ROWS_NAMED + 10}") and str(limits.MAX_ROWS_NAMED + 1) not in text.split("、")
    assert planning.rows_text([3, 4], "zh", count=5) == "3、4 等 5"  # "第 3、4 等 5 行": rows named of more there are
    assert planning.rows_text([3, 4], "en", count=5) == "3, 4 and others (5 in all)"


# ------------------------------------------------------------------------------------------------ the export

def test_the_export_has_a_header_block_and_neutral_verdicts(ruleset):
    plan = batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=to_csv(ruleset, CANDIDATES)), "province", "zh",
                        source_name="名单.csv", as_of=__import__("datetime").date(2022, 5, 1))
    text = exports.result_csv(plan, "zh")
    head = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[:8]
    values = {row[0]: row[1] for row in head[1:] if len(row) > 1}
    unit = next(u for u in ruleset.quota["units"] if u["id"] == "province")
    assert values[s("batch.export.unit_kind", "zh")] == unit["label"]["zh"]
    assert str(unit["quota"]) in values[s("batch.export.quota", "zh")]
    assert values[s("batch.export.date", "zh")] == "2022-05-01"
    assert values[s("batch.export.ruleset", "zh")] == ruleset.version
    assert values[s("batch.export.source", "zh")] == "名单.csv"
    rows = table(text)
    header = rows[0]
    for column in ("applicant_name", "direction", "verdict", "reasons", "quota_status", "rank"):
        assert s("batch.col." + column, "zh") in header
    verdicts = {r[header.index(s("batch.col.verdict", "zh"))] for r in rows[1:]}
    assert verdicts and not any("您" in v or "你" in v for v in verdicts)
    assert s("batch.verdict.eligible", "zh") in verdicts


def head_of(text):
    """{label: value} of an exported CSV's block above the list."""
    records = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return {row[0]: row[1] for row in records[1:records.index([])] if len(row) > 1}


def test_the_unit_name_and_the_files_notes_head_the_export_through_both_doors(ruleset, tmp_path):
    rows = [dict(CANDIDATES[0], recommending_unit_kind="city"), *CANDIDATES[1:]]
    out = io.StringIO()  # a semicolon file: a note on the whole file
    csv.writer(out, delimiter=";").writerows(csv.reader(io.StringIO(to_csv(ruleset, rows))))
    text = out.getvalue()
    plan = api.handle(json.dumps({"id": 1, "call": "2022", "type": "batch", "csv": text, "unit_kind": "province"}))
    plan_id = json.loads(plan)["result"]["plan_id"]
    answer = json.loads(api.handle(json.dumps({"id": 2, "call": "2022", "type": "export", "plan_id": plan_id,
                                               "format": "csv", "unit_name": " 某某省工业和信息化厅 "})))
    head = head_of(answer["result"]["csv"])
    assert head[s("batch.export.unit_name", "zh")] == "某某省工业和信息化厅"
    notes = [v for k, v in head.items() if k == s("batch.export.file_note", "zh")]
    both = [line for line in csv.reader(io.StringIO(answer["result"]["csv"].lstrip("\ufeff")))
            if line and line[0] == s("batch.export.file_note", "zh")]
    assert notes and {n for _k, n in both} >= {s("batch.note.separator", "zh", separator=s("batch.separator.semicolon", "zh"))}
    assert len([n for _k, n in both if "推荐单位类型" in n and "第 2 行" in n]) == 1  # the unit-kind note, once
    too_long = json.loads(api.handle(json.dumps({"id": 3, "call": "2022", "type": "export", "plan_id": plan_id,
                                                 "format": "csv", "unit_name": "名" * (limits.MAX_NAME_CHARS + 1)})))
    assert too_long["error"]["code"] == "bad_request" and "unit_name" in too_long["error"]["message"]
    assert str(limits.MAX_NAME_CHARS) in too_long["error"]["message"]
    source = tmp_path / "list.csv"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-m", "checker", "batch", str(source), "--unit-kind", "province",
                           "--unit-name", "某某省工业和信息化厅", "-o", str(out)], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert head_of(out.read_text(encoding="utf-8"))[s("batch.export.unit_name", "zh")] == "某某省工业和信息化厅"
    xlsx = tmp_path / "out.xlsx"
    subprocess.run([sys.executable, "-m", "checker", "batch", str(source), "--unit-kind", "province", "--lang", "en",
                    "--unit-name", "Some Province", "-o", str(xlsx)], check=True, capture_output=True, cwd=REPO)
    cells = [row[:2] for row in openpyxl.load_workbook(xlsx).worksheets[0].iter_rows(values_only=True)]
    assert (s("batch.export.unit_name", "en"), "Some Province") in cells


def test_the_xlsx_export_holds_the_same_list_and_keeps_formulas_as_text(ruleset):
    rows = [dict(CANDIDATES[0], project_name="=HYPERLINK(\"http://x\")"), *CANDIDATES[1:]]
    plan = batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=to_csv(ruleset, rows)), "city", "en")
    book = openpyxl.load_workbook(io.BytesIO(exports.result_xlsx(plan, "en")))
    cells = [["" if v is None else str(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    listed = cells[cells.index([""] * len(cells[0])) + 1:]
    expected = table(exports.result_csv(plan, "en"))
    name_col = expected[0].index(s("batch.col.project_name", "en"))
    assert listed[1][name_col] == "=HYPERLINK(\"http://x\")"  # text, not a formula
    expected[1][name_col] = listed[1][name_col]  # (the CSV neutralises it with a leading ')
    assert [row[:len(expected[0])] for row in listed] == expected
    formulas = [c for row in book.worksheets[0].iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


# ------------------------------------------------------------------------------------------------ api and CLI

def ask(request):
    return json.loads(api.handle(json.dumps(dict({"id": 1, "call": "2022", "lang": "zh"}, **request))))


def test_the_api_gives_and_takes_workbooks_as_base64(ruleset):
    template = ask({"type": "template", "format": "xlsx"})["result"]["xlsx"]
    assert base64.b64decode(template)[:2] == b"PK"
    data = fill_template(ruleset, "zh", CANDIDATES)
    screened = ask({"type": "batch", "xlsx": base64.b64encode(data).decode(), "unit_kind": "province",
                    "file_name": "名单.xlsx", "as_of": "2022-05-01"})["result"]
    assert screened["source_name"] == "名单.xlsx" and screened["screened_on"] == "2022-05-01"
    assert screened["rows_total"] == len(CANDIDATES) and "csv" in screened and "xlsx" not in screened
    exported = ask({"type": "export", "plan_id": screened["plan_id"], "format": "xlsx"})["result"]
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(exported["xlsx"])))
    assert book.worksheets[0].title == s("batch.export.sheet", "zh")
    bad = ask({"type": "batch", "xlsx": "not base64!", "unit_kind": "province"})
    assert bad["ok"] is False and bad["error"]["code"] == "bad_request" and "base64" in bad["error"]["message"]
    bad = ask({"type": "template", "format": "xls"})
    assert bad["ok"] is False and ", ".join(formats.names("template")) in bad["error"]["message"]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "checker", *map(str, args)], cwd=REPO, capture_output=True, text=True)


def test_cli_template_then_batch_reads_and_writes_xlsx(ruleset, tmp_path):
    done = run_cli("template", "--lang", "zh", "-o", tmp_path / "template.xlsx")
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "template.xlsx")
    sheet = book.worksheets[0]
    ids = [c.value for c in sheet[3]]
    for row in CANDIDATES:
        typed = label_cells(ruleset, row, "zh")
        sheet.append([typed.get(column) for column in ids])
    book.save(tmp_path / "filled.xlsx")
    done = run_cli("batch", tmp_path / "filled.xlsx", "--unit-kind", "province", "-o", tmp_path / "result.xlsx")
    assert done.returncode == 0, done.stderr
    as_csv = run_cli("batch", tmp_path / "filled.xlsx", "--unit-kind", "province")
    result = openpyxl.load_workbook(tmp_path / "result.xlsx").worksheets[0]
    cells = [["" if v is None else str(v) for v in row] for row in result.iter_rows(values_only=True)]
    listed = cells[cells.index([""] * len(cells[0])) + 1:]
    assert listed == table(as_csv.stdout)
    assert {r[2] for r in listed[1:]} == {row["applicant_name"] for row in CANDIDATES}


def test_cli_template_xlsx_needs_a_file_and_csv_prints(tmp_path):
    done = run_cli("template", "--format", "xlsx")
    assert done.returncode == 2 and "--output" in done.stderr
    done = run_cli("template", "--lang", "en")
    lines = list(csv.reader(io.StringIO(done.stdout.lstrip("\ufeff"))))
    assert lines[1][0] == "Applicant name" and lines[2][0] == "applicant_name"


def test_a_separator_that_cannot_be_told_is_said(ruleset):
    # A semicolon file whose first row also holds a comma: read as one cell, so the separator is named as the problem.
    with pytest.raises(sheet_errors.BatchError) as caught:
        sheet_io.read_sheet(ruleset, text="企业名称;项目方向,说明\n甲;农业,x\n")
    assert caught.value.code == "separator_unknown" and "CSV UTF-8" in caught.value.message("zh")


def test_a_label_several_columns_share_is_told_apart_by_the_id_row_or_the_section_row_never_guessed(ruleset):
    """A template downloaded before labels were made unique (issue 29) has the same short label over each
    direction's role: the id row, else the section row tells them apart."""
    lines = template_lines(ruleset, "zh")
    roles = [i for i, column in enumerate(lines[2]) if column.endswith("_role")]
    assert len({lines[1][i] for i in roles}) == len(roles)  # today's template: a label of its own for each
    lines[1] = [sheet_template.plain_label(ruleset, column, "zh") for column in lines[2]]
    assert len({lines[1][i] for i in roles}) == 1  # the older template: the same short label over each
    numbered = lambda rows: list(enumerate(rows, start=1))  # noqa: E731
    found, *_ = sheet_template.locate(ruleset, numbered(lines))
    assert [found[i] for i in roles] == [lines[2][i] for i in roles]
    found, *_ = sheet_template.locate(ruleset, numbered(lines[:2] + lines[3:]))  # no id row: the section row
    assert [found[i] for i in roles] == [lines[2][i] for i in roles]
    with pytest.raises(sheet_errors.BatchError) as caught:  # neither: refused, never guessed
        sheet_template.locate(ruleset, numbered(lines[1:2] + lines[3:]))
    assert caught.value.code == "unidentified_columns"


def _with_sheet_xml(data, change):
    """The workbook `data` with its first sheet's XML changed by `change(text) -> text`."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            part = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                part = change(part.decode("utf-8")).encode("utf-8")
            target.writestr(name, part)
    return out.getvalue()


def _small_book():
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(number, text):
    return f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{text}</t></is></c></row>'


def test_a_dimension_that_understates_the_data_loses_no_row():
    """A <dimension> of A1:B1 over data in row 5 (as some programs write it): row 5 is read, not dropped."""
    data = _with_sheet_xml(_small_book(), lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:B1"/>',
                                                             xml).replace("</sheetData>", _row(5, "later") + "</sheetData>"))
    assert workbook.read_lines(data) == [(1, ["a", "b"]), (5, ["later"])]


def test_a_dimension_bomb_is_refused_after_the_row_limit_not_a_million_rows():
    """A 5 KB workbook claiming A1:XFD1048576 with a cell in row 1,048,576: refused once MAX_SHEET_ROWS rows have
    been looked at (openpyxl used to pad a million rows of 16,384 cells), with the message people read."""
    data = _with_sheet_xml(_small_book(), lambda xml: re.sub(
        r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml).replace(
        "</sheetData>", _row(1048576, "x") + "</sheetData>"))
    assert len(data) < 10_000
    with pytest.raises(workbook.WorkbookError) as refused:
        workbook.read_lines(data)
    assert refused.value.code == "too_many_sheet_rows" and refused.value.values["limit"] == limits.MAX_SHEET_ROWS
    message = sheet_errors.BatchError(refused.value.code, **refused.value.values).message("zh")
    assert str(limits.MAX_SHEET_ROWS) in message and "新的工作表" in message


def test_a_csv_of_comment_and_blank_rows_is_refused_at_the_row_limit(ruleset):
    """Comment and blank rows count against the rows looked through: 5 MB of them is refused, not kept in memory."""
    text = ("#" + "x" * 98 + "\n" + "\n") * 25_000
    with pytest.raises(sheet_errors.BatchError) as refused:
        sheet_io.read_csv_lines(text)
    assert refused.value.code == "too_many_sheet_rows"


def test_an_export_takes_control_characters_in_both_doors(ruleset, tmp_path):
    """A project name holding a vertical tab (a line break pasted from Word) and a U+0001: the worker's .xlsx
    export and `checker batch -o out.xlsx` both write the workbook (no error, no traceback), the break kept as a
    line break, the other character dropped, and the export's notes say how many cells were changed."""
    rows = [dict(CANDIDATES[0], project_name="甲\x0b项目\x01")]
    text = to_csv(ruleset, rows)
    response = json.loads(api.handle(json.dumps({"type": "batch", "call": "2022", "lang": "zh", "csv": text,
                                                 "unit_kind": "province"})))
    assert response["ok"], response
    exported = json.loads(api.handle(json.dumps({"type": "export", "call": "2022", "lang": "zh",
                                                 "plan_id": response["result"]["plan_id"], "format": "xlsx"})))
    assert exported["ok"], exported
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    done = run_cli("batch", path, "--unit-kind", "province", "-o", tmp_path / "out.xlsx")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    for data in (base64.b64decode(exported["result"]["xlsx"]), (tmp_path / "out.xlsx").read_bytes()):
        cells = [c for row in openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)
                 for c in row if isinstance(c, str)]
        assert "甲\n项目" in cells
        assert any(s("batch.export.cleaned", "zh", count=1) == c for c in cells)
