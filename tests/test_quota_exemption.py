"""The quota exemption is the call's data, and optional: a call with one (2022) has it applied and named as its data
names it; a call with none (the fixture call tests/fixtures/calls/mini) counts every eligible project against the
quota and never says "exempt" — not in a result, a screened list's figures, its rows, its notes or its export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml

from checker import batch, sheet_io, sheet_template
from checker.conditions import questions_in
from checker import export as exports
from checker.loader import load_bundle
from checker.pipeline import assess
from checker.ruleset import Ruleset
from checker.strings import s

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES_2022 = Path(__file__).resolve().parents[1] / "policy_data" / "calls" / "2022" / "cases"
LANGS = ("zh", "en")


@pytest.fixture(scope="module")
def mini():
    return Ruleset(load_bundle(FIXTURES / "calls" / "mini", root=FIXTURES))


def eligible_d5(name):
    """A project of the mini call that may be eligible (its case eligible_d5), under another name."""
    return {"own_ip": "yes", "direction": "d5", "d5_cases": "4", "unit": "province", "project_name": name,
            "applicant_name": f"{name} Ltd", "credit_code": f"9111{name}"}


def eligible_2022(name):
    """A 2022 project that may be eligible (its case eligible_d5) with its exemption question (DCMM level) blank."""
    answers = yaml.safe_load((CASES_2022 / "eligible_d5.yaml").read_text("utf-8"))["answers"]
    answers = {k: ";".join(v) if isinstance(v, list) else v for k, v in answers.items() if k != "dcmm_level"}
    return dict(answers, project_name=name, applicant_name=f"{name} Ltd", credit_code=f"9111{name}")


def screen(ruleset, rows, unit_kind, lang):
    header = list(sheet_template.PASS_THROUGH) + ruleset.order
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=out.getvalue()), unit_kind, lang)


def test_the_fixture_call_has_no_exemption(mini):
    assert mini.exemption is None
    assert "exemption" not in mini.quota and "exempt_if" not in mini.quota


@pytest.mark.parametrize("lang", LANGS)
def test_without_an_exemption_a_result_counts_and_names_no_exemption(mini, lang):
    result = assess(mini, {"own_ip": "yes", "direction": "d5", "d5_cases": 4, "unit": "province"}, lang)
    quota = result["quota"]
    assert result["verdict"] == "eligible"
    assert quota["exempt"] is False and quota["counts_against_quota"] is True
    assert quota["message"] == s("quota.counts", lang)
    assert quota["exemption"] is None and quota["exemption_name"] is None
    unit = mini.quota["units"][0]
    assert quota["citation"]["quote"] == unit["citation"]["quote"]  # the quota's own clause, not an exemption's


@pytest.mark.parametrize("lang", LANGS)
def test_without_an_exemption_every_eligible_row_counts_against_the_quota(mini, lang):
    unit = mini.quota["units"][0]
    rows = [eligible_d5(f"P{i}") for i in range(unit["quota"] + 2)]
    plan = screen(mini, rows, unit["id"], lang)
    assert plan["exemption"] is None
    assert plan["eligible"] == plan["counted"] == len(rows)
    assert plan["exempt"] == 0 and plan["within"] == unit["quota"] and plan["over_by"] == 2
    assert [r["quota_status"] for r in plan["rows"]] == ["within"] * unit["quota"] + ["over"] * 2
    assert all(r["quota_notes"] == [] for r in plan["rows"])
    # The export's figures say nothing of exempt rows; the list says "exempt" nowhere.
    export = exports.result_csv(plan, lang)
    figures = {k: plan[k] for k in ("rows_total", "eligible", "counted", "within", "exempt", "same_applicant",
                                    "not_counted")}
    assert s("batch.export.figures_value", lang, **figures) in export
    assert s("batch.export.figures_value_exemption", lang, **figures) not in export
    assert not any(word in export.lower() for word in ("dcmm", "豁免", "exempt"))


@pytest.mark.parametrize("lang", LANGS)
def test_the_template_asks_about_an_exemption_only_in_a_call_with_one(mini, ruleset, lang):
    """The candidates' template has a column per question: 2022's has the questions its exemption reads; the mini
    call's asks nothing about one and names none."""
    columns_2022 = [c for c, _group in sheet_template.columns(ruleset)]
    assert set(questions_in(ruleset.quota["exempt_if"])) <= set(columns_2022)
    text = sheet_template.template_csv(mini, lang)
    assert not any(word in text.lower() for word in ("dcmm", "豁免", "exempt"))


@pytest.mark.parametrize("lang", LANGS)
def test_with_an_exemption_it_is_named_as_the_calls_data_names_it(ruleset, lang):
    """2022: the exempt row, the plan and the export name the exemption by its data's name; a row with the
    exemption's question blank counts and says so by the same name."""
    name = ruleset.exemption["name"][lang]
    exempt = dict(eligible_2022("exempt"), dcmm_level="4")
    blank = eligible_2022("blank")
    plan = screen(ruleset, [exempt, blank], "city", lang)
    assert plan["exemption"] == name
    assert [r["quota_status"] for r in plan["rows"]] == ["exempt", "within"]
    assert plan["rows"][0]["quota_status_label"] == s("batch.quota_status.exempt", lang, exemption=name)
    assert name in plan["rows"][0]["quota_status_label"]
    assert [n["code"] for n in plan["rows"][1]["quota_notes"]] == ["exemption_unknown"]
    assert name in plan["rows"][1]["quota_notes"][0]["message"]
    figures = {k: plan[k] for k in ("rows_total", "eligible", "counted", "within", "exempt", "same_applicant",
                                    "not_counted")}
    assert s("batch.export.figures_value_exemption", lang, **figures) in exports.result_csv(plan, lang)
    result = assess(ruleset, {k: v for k, v in blank.items() if k in ruleset.questions}, lang)
    assert result["quota"]["exempt"] is None and name in result["quota"]["message"]
    assert result["quota"]["exemption"] == ruleset.exemption["text"][lang]
