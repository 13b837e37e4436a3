"""One decision, rendered everywhere: for every answer case, the JSON result, the command line's text and
Markdown reports and the batch screen's row agree on the verdict and on the members of each group."""

import contextlib
import datetime
import io
import json

import pytest

from checker import api, batch
from checker import sheet_io
from checker.cli import main as cli_main
from checker.engine import GROUPS
from checker.strings import s
from test_batch import to_csv
from test_cases import CASE_FILES, load_case


def result_of(case):
    request = {"id": 0, "call": "2022", "type": "assess", "answers": case["answers"], "lang": case.get("lang", "zh"),
               "as_of": str(case.get("as_of", "2022-04-20"))}
    response = api.handle_request(json.loads(json.dumps(request, default=str)))
    assert response["ok"], response
    return response["result"]


@pytest.fixture(autouse=True)
def compiled_once(ruleset, monkeypatch):
    """The command line compiles the YAML on every run; here it gets the session's compiled rule set."""
    monkeypatch.setattr("checker.cli._ruleset", lambda args: ruleset)


def report_of(tmp_path, case, fmt):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(case["answers"], default=str, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli_main(["--call", "2022", "assess", str(path), "--format", fmt, "--lang", case.get("lang", "zh"),
                  "--as-of", str(case.get("as_of", "2022-04-20"))])
    return out.getvalue()


def read_report(text, fmt, result):
    """(verdict label, {group: [finding titles]}) as the report shows them: the items under each group's heading."""
    lang = result["lang"]
    headings = {s("report.group." + g, lang): g for g in GROUPS}
    lines = text.splitlines()
    verdict = lines[0].removeprefix("# ").split(": ", 1)[1]
    groups = {g: [] for g in GROUPS}
    current = None
    for i, line in enumerate(lines):
        if fmt == "markdown" and line.startswith("## "):
            current = headings.get(line[3:])
        elif fmt == "text" and i + 1 < len(lines) and lines[i + 1] == "-" * 20:
            current = headings.get(line)
        elif current and line.startswith("- " if fmt == "markdown" else "  * "):
            item = line[2:] if fmt == "markdown" else line[4:]
            titles = [f["title"] for f in result["findings"] if item == f["title"] or item.startswith(f["title"] + ": ")]
            assert titles, item
            groups[current].append(max(titles, key=len))
    return verdict, groups


def batch_row_of(ruleset, case):
    """The case as the one row of a CSV file (named, so that a row with no answers is not a blank line)."""
    cells = {"project_name": "case", **{k: v if isinstance(v, list) else str(v) for k, v in case["answers"].items()}}
    sheet = sheet_io.read_sheet(ruleset, text=to_csv(ruleset, [cells]))
    plan = batch.screen(ruleset, sheet, "province", case.get("lang", "zh"))
    return plan["rows"][0]


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_surface_shows_the_same_decision(ruleset, tmp_path, path):
    case = load_case(path)
    result = result_of(case)
    groups = result["groups"]
    assert set(groups) == set(GROUPS)
    assert sorted(r for g in GROUPS for r in groups[g]) == sorted(f["rule"] for f in result["findings"])
    assert all(f["group"] in GROUPS and f["rule"] in groups[f["group"]] for f in result["findings"])

    for fmt in ("text", "markdown"):
        verdict_label, shown = read_report(report_of(tmp_path, case, fmt), fmt, result)
        assert verdict_label == result["verdict_label"], fmt
        titles = {f["rule"]: f["title"] for f in result["findings"]}
        assert shown == {g: [titles[r] for r in groups[g]] for g in GROUPS}, fmt

    row = batch_row_of(ruleset, case)
    assert row["verdict"] == result["verdict"]
    assert row["groups"] == groups


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_an_unknown_outcome_never_uses_the_fail_text(ruleset, path):
    case = load_case(path)
    result = result_of(case)
    rules = {r["id"]: r for r in ruleset.rules}
    lang = result["lang"]
    for f in result["findings"]:
        if f["outcome"] == "unknown":
            rule = rules[f["rule"]]
            assert f["message"] != rule["fail"][lang]
            if "unknown" not in rule:
                assert all(q["label"] in f["message"] for q in f["still_to_answer"]) and f["still_to_answer"]
    row = batch_row_of(ruleset, case)
    fail_texts = {rules[r]["fail"][lang] for g in ("confirm", "missing") for r in row["groups"][g]
                  if next(f for f in result["findings"] if f["rule"] == r)["outcome"] == "unknown"}
    assert not fail_texts & {reason["message"] for reason in row["reasons"]}


def test_the_issue_example_lists_no_unanswered_point_as_a_failure(tmp_path):
    """{direction: d4, d4_scenarios: 5, own_ip: yes}: the unanswered rules wait for answers; none is "to confirm"
    with its fail text."""
    case = {"answers": {"direction": "d4", "d4_scenarios": 5, "own_ip": "yes"}, "lang": "en",
            "as_of": datetime.date(2022, 4, 20)}
    result = result_of(case)
    assert result["groups"]["confirm"] == [] and result["groups"]["blocking"] == []
    assert "one_project" in result["groups"]["missing"]
    text = report_of(tmp_path, case, "markdown")
    assert "The applicant files more projects than the notice allows." not in text
