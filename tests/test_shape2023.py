"""A call whose rules change shape, with YAML only (issue 30): the fixture call tests/fixtures/calls/shape2023 (made
up, shaped like the 2023 call) has consortia (a lead and members), quotas 10 / 3 / 3 and an extra quota per
demonstration base filed through its province, and no exemption. Its template, screening, plan and export follow
its data; 2022 (no groups, no extra quota) keeps its template and plan keys exactly. The command line and the
worker's API give the same plan. Every number the tests expect is read from the fixture's YAML."""

from __future__ import annotations

import base64
import contextlib
import copy
import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from checker import api, batch, sheet_io, sheet_template
from checker import export as exports
from checker import plan as planning
from checker.cli import main as cli_main
from checker.loader import load_bundle
from checker.ruleset import Ruleset
from checker.strings import s

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CALL = FIXTURES / "calls" / "shape2023"
LANGS = ("zh", "en")


def fact(name):
    return yaml.safe_load((CALL / f"{name}.yaml").read_text("utf-8"))


RECOMMENDATION = fact("eligibility")["recommendation"]
GROUP = fact("eligibility")["applicant_group"]
BASE = RECOMMENDATION["extra_quotas"][0]
QUOTA = {u["id"]: u["quota"] for u in RECOMMENDATION["unit_kinds"]}


@pytest.fixture(scope="module")
def shape():
    return Ruleset(load_bundle(CALL, root=FIXTURES))


def project(i, **cells):
    """A project of the call that may be eligible (its case eligible_consortium's answers), applicant number i."""
    answers = yaml.safe_load((CALL / "cases" / "eligible_consortium.yaml").read_text("utf-8"))["answers"]
    row = {k: str(v) for k, v in answers.items()}
    row.update(project_name=f"P{i}", applicant_name=f"Applicant {i}", credit_code=f"91110000MA{i:08d}",
               applicant_kind="enterprise")
    row.update(cells)
    return row


def to_csv(ruleset, rows):
    header = [c for c, _group in sheet_template.columns(ruleset)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header])
    return out.getvalue()


def screen(ruleset, rows, unit_kind="province", lang="en"):
    return batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=to_csv(ruleset, rows)), unit_kind, lang)


def rows_of(plan):
    return [r["row"] for r in plan["rows"]]


def base_column():
    return "extra_" + BASE["id"]


# ---------------------------------------------------------------- the data model

def test_the_fixture_has_the_2023_shape(shape):
    directions = fact("directions")
    assert len(directions["areas"]) == 4 and len(directions["directions"]) == 13
    assert QUOTA == {"province": 10, "city": 3, "central_soe": 3}
    assert shape.exemption is None
    assert [x["id"] for x in shape.quota["extra"]] == [BASE["id"]] and shape.quota["extra"][0]["quota"] == 3
    assert shape.screening["applicant_group"]["shared_member"]["severity"] == GROUP["shared_member"]["severity"]


def test_2022_has_no_groups_or_extra_quota_and_keeps_its_template(ruleset):
    assert "extra" not in ruleset.quota and "applicant_group" not in ruleset.screening
    assert sheet_template.pass_through(ruleset) == sheet_template.PASS_THROUGH
    for lang in LANGS:
        rows = list(csv.reader(io.StringIO(sheet_template.template_csv(ruleset, lang).lstrip("\ufeff"))))
        assert rows[2] == list(sheet_template.PASS_THROUGH) + ruleset.order  # the id row: no member or quota column
        assert not any(GROUP["name"][lang] in label for label in rows[1])


@pytest.mark.parametrize("lang", LANGS)
def test_the_template_has_member_and_base_columns_named_from_the_data(shape, lang):
    rows = list(csv.reader(io.StringIO(sheet_template.template_csv(shape, lang).lstrip("\ufeff"))))
    sections, labels, ids, example = rows[:4]
    assert ids[:5] == ["applicant_name", "credit_code", "contact", "members", base_column()]
    members = labels[ids.index("members")]
    assert GROUP["name"][lang] in members and GROUP["members"][lang] in members
    assert BASE["per"][lang] in labels[ids.index(base_column())]
    assert sections[0] == s("batch.template.applicant_section", lang)  # never the bare id "applicant"
    # The example's members are in the documented format: the reader takes them as they are.
    assert example[ids.index("members")] == s("batch.template.example.members", lang)


# ---------------------------------------------------------------- consortia: members in other rows

@pytest.mark.parametrize("lang", LANGS)
def test_a_consortium_whose_member_applies_alone_is_flagged_naming_both_rows(shape, lang):
    member = project(2)
    consortium = project(1, applicant_kind="consortium",
                         members=f"Member Co, {member['credit_code']}; Some University, 12100000400000000X")
    plan = screen(shape, [consortium, project(3), member], lang=lang)
    rows = {r["row"]: r for r in plan["rows"]}
    lead_row, member_row = 2, 4  # the header is row 1
    for row, other in ((lead_row, member_row), (member_row, lead_row)):
        flag = next(f for f in rows[row]["flags"] if f["code"] == "shared_member")
        assert rows[row]["shared_member_rows"] == [other]
        assert str(other) in flag["message"] and member["credit_code"] in flag["message"]
        assert GROUP["shared_member"]["citation"]["quote"] in flag["message"]
        assert GROUP["shared_member"]["text"][lang] in flag["message"]
        assert flag["severity"] == "confirm"
    assert not rows[3]["flags"]
    # `confirm`: a point to confirm, every row keeps its place in the quota.
    assert [rows[r]["quota_status"] for r in (2, 3, 4)] == ["within"] * 3


def test_when_the_data_says_a_shared_member_blocks_the_later_row_is_set_aside(shape):
    bundle = copy.deepcopy(shape.bundle)
    bundle["screening"]["applicant_group"]["shared_member"]["severity"] = "blocks"
    blocking = Ruleset(bundle)
    member = project(2)
    consortium = project(1, members=f"Member Co, {member['credit_code']}")
    plan = screen(blocking, [consortium, member])
    rows = {r["row"]: r for r in plan["rows"]}
    assert rows[2]["quota_status"] == "within"
    assert rows[3]["quota_status"] == "same_applicant" and rows[3]["set_aside_for"] == [2]
    assert plan["same_applicant"] == 1 and plan["counted"] == 1


@pytest.mark.parametrize("lang", LANGS)
def test_a_member_without_a_credit_code_is_an_error_of_the_row_and_column(shape, lang):
    plan = screen(shape, [project(1, members="Member Co; 91110000MA99999999")], lang=lang)
    row = plan["rows"][0]
    assert row["verdict"] == "error"
    label = sheet_template.column_label(shape, "members", lang)
    assert {e["column_label"] for e in row["errors"]} == {label}
    messages = [e["message"] for e in row["errors"]]
    assert messages == [s("batch.members.no_code", lang, n=1, member="Member Co"),
                        s("batch.members.no_name", lang, n=2, code="91110000MA99999999")]


# ---------------------------------------------------------------- quotas as buckets

def test_a_province_list_with_two_bases_extra_rows_fills_10_3_3(shape):
    own = QUOTA["province"]
    rows = [project(i) for i in range(own)]
    rows += [project(100 + i, **{base_column(): "Base A"}) for i in range(BASE["quota"])]
    rows += [project(200 + i, **{base_column(): "Base B"}) for i in range(BASE["quota"])]
    plan = screen(shape, rows)
    assert plan["within"] == own + 2 * BASE["quota"] and plan["over_by"] == 0
    assert [(b["quota"], b["counted"], b["within"]) for b in plan["buckets"]] == [
        (own, own, own), (BASE["quota"], BASE["quota"], BASE["quota"]), (BASE["quota"], BASE["quota"], BASE["quota"])]
    assert all(r["quota_status"] == "within" for r in plan["rows"])


@pytest.mark.parametrize("lang", LANGS)
def test_a_list_over_a_bases_own_quota_puts_the_next_row_over(shape, lang):
    rows = [project(i, **{base_column(): "Base A"}) for i in range(BASE["quota"] + 1)]
    plan = screen(shape, rows, lang=lang)
    statuses = [r["quota_status"] for r in plan["rows"]]
    assert statuses == ["within"] * BASE["quota"] + ["over"]
    over = plan["rows"][-1]
    assert "Base A" in over["quota_status_label"] and BASE["per"][lang] in over["quota_status_label"]
    base = plan["buckets"][1]
    assert (base["counted"], base["within"], base["over_by"]) == (BASE["quota"] + 1, BASE["quota"], 1)
    assert base["quote"] == BASE["citation"]["quote"]
    assert plan["buckets"][0]["counted"] == 0  # the unit's own quota untouched
    # The last row moved first: the base's first three rows in the new order are within, the one now last over.
    again = planning.replan(shape, plan, order=[rows_of(plan)[-1]] + rows_of(plan)[:-1])
    assert [r["quota_status"] for r in again["rows"]] == ["within"] * BASE["quota"] + ["over"]
    assert again["rows"][0]["row"] == over["row"] and again["rows"][-1]["row"] == rows_of(plan)[-2]
    assert again["buckets"][1]["over_by"] == 1


def test_a_base_on_another_kind_of_units_list_counts_in_its_own_quota_and_says_so(shape):
    unit = next(u for u in RECOMMENDATION["unit_kinds"] if u["id"] not in BASE["within"])
    plan = screen(shape, [project(1, unit=unit["id"], **{base_column(): "Base A"})], unit_kind=unit["id"])
    row = plan["rows"][0]
    assert row["quota_status"] == "within" and len(plan["buckets"]) == 1
    assert [n["code"] for n in row["quota_notes"]] == ["extra_not_within"]
    assert unit["label"]["en"] in row["quota_notes"][0]["message"]


def test_the_export_has_the_member_and_quota_columns_and_each_bucket(shape):
    member = project(2)
    rows = [project(1, members=f"Member Co, {member['credit_code']}", **{base_column(): "Base A"}), member]
    plan = screen(shape, rows, lang="zh")
    text = exports.result_csv(plan, "zh")
    records = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    table = records[records.index([]) + 1:]
    header = table[0]
    members = header.index(plan["members_label"])
    assert header[members - 1] == s("batch.col.credit_code", "zh")
    bucket = header.index(s("batch.col.bucket", "zh"))
    assert header[bucket - 1] == s("batch.col.quota_status", "zh")
    assert "Member Co" in table[1][members] and "Base A" in table[1][bucket]
    head = [r for r in records[:records.index([])] if r and r[0] == s("batch.export.buckets", "zh")]
    assert len(head) == 2 and BASE["citation"]["quote"] in head[1][1]


def test_2022_plans_keep_exactly_their_keys(ruleset):
    from test_batch import screen as screen_2022, answers

    plan = screen_2022(ruleset, [answers("eligible_d5", project_name="x")], "province")
    assert "buckets" not in plan and "members_label" not in plan
    assert "bucket" not in plan["rows"][0] and "members" not in plan["rows"][0]
    assert exports.export_columns(plan) == list(exports.EXPORT_COLUMNS)


# ---------------------------------------------------------------- the command line and the API agree

def test_the_command_line_and_the_api_give_the_same_plan(shape, tmp_path, monkeypatch):
    member = project(2)
    rows = [project(1, members=f"Member Co, {member['credit_code']}")] + [member]
    rows += [project(10 + i, **{base_column(): "Base A"}) for i in range(BASE["quota"] + 1)]
    text = to_csv(shape, rows)
    path = tmp_path / "list.csv"
    path.write_text(text, "utf-8")
    monkeypatch.setattr("checker.cli._ruleset", lambda args: shape)
    monkeypatch.setattr("checker.api.known_calls", lambda: ["2022", "shape2023"])
    monkeypatch.setitem(api._RULESETS, "shape2023", shape)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli_main(["--call-dir", str(CALL), "batch", str(path), "--unit-kind", "province", "--format", "json",
                  "--lang", "en", "--as-of", "2023-09-01"])
    cli_plan = json.loads(out.getvalue())
    response = api.handle_request({"id": 1, "call": "shape2023", "type": "batch", "unit_kind": "province",
                                   "lang": "en", "as_of": "2023-09-01",
                                   "file": base64.b64encode(text.encode("utf-8")).decode("ascii")})
    assert response["ok"], response
    api_plan = response["result"]
    for key in ("within", "over_by", "counted", "buckets"):
        assert cli_plan[key] == api_plan[key], key
    placement = lambda plan: [(r["row"], r["quota_status"], r["quota_status_label"],
                               [f["message"] for f in r["flags"]]) for r in plan["rows"]]
    assert placement(cli_plan) == placement(api_plan)
    assert [b["over_by"] for b in api_plan["buckets"]] == [0, 1]


# ---------------------------------------------------------------- the template read back, and the data checked

@pytest.mark.parametrize("lang", LANGS)
def test_its_xlsx_template_filled_in_is_read_back_with_its_member_and_base_columns(shape, lang):
    """The .xlsx template (member and base columns with their comments) with a row added under the example, read as
    the page reads it: the example skipped, the row's members and base read."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(sheet_template.template_xlsx(shape, lang)))
    sheet = book.worksheets[0]
    ids = [c.value for c in sheet[3]]
    members = ids.index("members") + 1
    assert GROUP["members"][lang] in sheet.cell(2, members).comment.text
    assert str(BASE["quota"]) in sheet.cell(2, ids.index(base_column()) + 1).comment.text
    row = project(1, members="Member Co, 91110000MA99999999", **{base_column(): "Base A"})
    sheet.append([row.get(i, "") for i in ids])
    out = io.BytesIO()
    book.save(out)
    plan = batch.screen(shape, sheet_io.read_sheet(shape, data=out.getvalue()), "province", lang)
    assert plan["rows_total"] == 1
    entry = plan["rows"][0]
    assert entry["member_list"] == [("Member Co", "91110000MA99999999")] and "Base A" in entry["bucket"]


@pytest.mark.parametrize("lang", LANGS)
def test_its_columns_are_found_by_their_labels_alone(shape, lang):
    """A list whose header is the labels only (the id row deleted), in either language: the member and base
    columns are still found."""
    rows = list(csv.reader(io.StringIO(sheet_template.template_csv(shape, lang).lstrip("\ufeff"))))
    labels, ids = rows[1], rows[2]
    row = project(1, members="Member Co, 91110000MA99999999", **{base_column(): "Base A"})
    out = io.StringIO()
    csv.writer(out).writerows([labels, [row.get(i, "") for i in ids]])
    sheet = sheet_io.read_sheet(shape, text=out.getvalue())
    assert sheet["columns"][:5] == ids[:5] and not sheet["notes"]


def test_an_extra_quota_counted_within_an_unknown_unit_kind_fails_validation(tmp_path):
    import shutil

    from checker.loader import PolicyDataError

    shutil.copytree(FIXTURES / "source", tmp_path / "source")
    folder = tmp_path / "calls" / "shape2023"
    shutil.copytree(CALL, folder)
    path = folder / "eligibility.yaml"
    path.write_text(path.read_text("utf-8").replace("within: [province]", "within: [prefecture]"), "utf-8")
    with pytest.raises(PolicyDataError) as error:
        load_bundle(folder, root=tmp_path)
    assert "rules.yaml" in str(error.value) and "'prefecture'" in str(error.value)


def test_rows_of_one_applicant_are_never_said_to_share_a_member_and_two_consortia_sharing_one_are(shape):
    """Many rows of one applicant (more than a note names) are the same applicant, not a shared member; two
    consortia naming one member each name the other row, whoever else they name."""
    from checker import limits

    same = [project(1, project_name=f"P1-{i}") for i in range(limits.MAX_ROWS_NAMED + 5)]
    first = project(50, members="Shared Member, 91110000MA77777777; Other, 91110000MA88888888")
    second = project(60, members="Shared Member, 91110000MA77777777")
    plan = screen(shape, same + [first, second])
    rows = {r["row"]: r for r in plan["rows"]}
    assert not any(f["code"] == "shared_member" for r in rows.values() if r["applicant_name"] == "Applicant 1"
                   for f in r["flags"])
    a, b = len(same) + 2, len(same) + 3
    assert rows[a]["shared_member_rows"] == [b] and rows[b]["shared_member_rows"] == [a]
    assert "91110000MA77777777" in next(f["message"] for f in rows[b]["flags"] if f["code"] == "shared_member")
