"""Answer cases as data (policy_data/calls/<call>/cases/*.yaml): each names a situation, gives answers and the
expected outcome, and is assessed with its own call's rule set, read from the call's compiled bundle."""

import datetime
from pathlib import Path

import pytest
import yaml

from checker.pipeline import assess
from checker.strings import s
from checker.ruleset import Ruleset

REPO = Path(__file__).resolve().parents[1]
CALLS_DIR = REPO / "policy_data" / "calls"
FIXTURES = REPO / "tests" / "fixtures"
CALL_CASES = sorted(CALLS_DIR.glob("*/cases/*.yaml"))
CALLS = sorted({p.parents[1].name for p in CALL_CASES})
# The made-up calls' cases too (tests/fixtures/calls/): they prove what a new call's data can do (e.g. a kind).
CASE_FILES = CALL_CASES + sorted((FIXTURES / "calls").glob("*/cases/*.yaml"))
# Every folder of answer cases: each call's, and the made-up calls'.
CASE_DIRS = sorted({p.parent for p in CASE_FILES})
FIRED = ("fail", "unknown")


def load_case(path):
    """Read one case file."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def all_rulesets(artefacts):
    """Each call's rule set by folder name: the real calls' compiled bundles, the fixture calls compiled here."""
    from checker.loader import load_bundle

    found = {call: Ruleset(artefact["ruleset"]) for call, artefact in artefacts.items()}
    for folder in sorted((FIXTURES / "calls").iterdir()):
        found[folder.name] = Ruleset(load_bundle(folder, root=FIXTURES))
    return found


@pytest.fixture(scope="module")
def rulesets(artefacts):
    return all_rulesets(artefacts)


def run_case(ruleset, case):
    """Assess a case's answers as the case says (language, date: its own, else the applicant deadline)."""
    from guide.bundles import case_as_of

    as_of = datetime.date.fromisoformat(case_as_of(case, ruleset.bundle))
    return assess(ruleset, case["answers"], case.get("lang", "zh"), as_of)


def cases_of(call):
    return [p for p in CALL_CASES if p.parents[1].name == call]


def test_every_call_has_cases(artefacts):
    assert set(artefacts) == set(CALLS), "a call folder without cases/ (or cases without a call)"


@pytest.mark.parametrize("path", CASE_FILES, ids=[f"{p.parents[1].name}/{p.stem}" for p in CASE_FILES])
def test_case(rulesets, path):
    case = load_case(path)
    expected = case["expected"]
    result = run_case(rulesets[path.parents[1].name], case)
    fired = [f["rule"] for f in result["findings"] if f["outcome"] in FIRED]
    fired += [p["rule"] for p in result["priorities"] if p["met"] is not True]
    assert result["verdict"] == expected["verdict"], case["name"]
    assert sorted(fired) == sorted(expected["fired"]), case["name"]
    if "missing" in expected:
        assert [m["question"] for m in result["missing"]] == expected["missing"]
    if "priorities_met" in expected:
        assert [p["id"] for p in result["priorities"] if p["met"]] == expected["priorities_met"]
    if "counts_against_quota" in expected:
        assert result["quota"]["counts_against_quota"] is expected["counts_against_quota"]
    if "applicants_open" in expected:
        assert result["timeline"]["applicants_open"] is expected["applicants_open"]
    if "other_directions" in expected:
        assert [o["direction"] for o in result["other_directions"]] == expected["other_directions"]
    if "other_directions_none" in expected:
        assert (result["other_directions_note"] is not None) is expected["other_directions_none"], case["name"]
    if "ignored" in expected:
        assert [i["question"] for i in result["ignored"]] == expected["ignored"], case["name"]
        assert (result["ignored_note"] is not None) is bool(expected["ignored"])
    for group, rules in expected.get("groups", {}).items():
        assert result["groups"][group] == rules, (case["name"], group)
    if "priority_status" in expected:
        assert {p["id"]: p["status"] for p in result["priorities"]} == expected["priority_status"], case["name"]


def result_texts(result):
    """Every string of a result: what a person can read on any surface that renders it."""
    if isinstance(result, dict):
        return [t for v in result.values() for t in result_texts(v)]
    if isinstance(result, list):
        return [t for v in result for t in result_texts(v)]
    return [result] if isinstance(result, str) else []


# (case, language) for each language a case says something about: no run without a check.
WORDING = [(p, lang) for p in CASE_FILES for lang in ("zh", "en")
           if lang in load_case(p)["expected"].get("says", {}) or lang in load_case(p)["expected"].get("never_says", {})]


@pytest.mark.parametrize("path,lang", WORDING, ids=[f"{p.parents[1].name}/{p.stem}-{lang}" for p, lang in WORDING])
def test_case_wording(rulesets, path, lang):
    """A case's `says` (what the result must say, per language) and `never_says` (what it must not)."""
    case = load_case(path)
    expected = case["expected"]
    texts = result_texts(run_case(rulesets[path.parents[1].name], dict(case, lang=lang)))
    for wanted in expected.get("says", {}).get(lang, []):
        assert any(wanted in t for t in texts), (case["name"], lang, wanted)
    for unwanted in expected.get("never_says", {}).get(lang, []):
        assert not [t for t in texts if unwanted in t], (case["name"], lang, unwanted)


@pytest.mark.parametrize("call", CALLS)
def test_every_rule_is_seen_firing_and_not_firing(rulesets, call):
    """A rule without a case that fires it and a case where it applies and passes is untested."""
    ruleset = rulesets[call]
    fired, passed = set(), set()
    for path in cases_of(call):
        result = run_case(ruleset, load_case(path))
        for f in result["findings"]:
            (fired if f["outcome"] in FIRED else passed if f["outcome"] == "pass" else set()).add(f["rule"])
        for p in result["priorities"]:
            (passed if p["met"] else fired).add(p["rule"])
    rules = {r["id"] for r in ruleset.rules}
    assert rules - fired == set(), "rules never seen firing"
    assert rules - passed == set(), "rules never seen passing"


@pytest.mark.parametrize("call", CALLS)
def test_every_direction_has_an_eligible_and_a_not_eligible_case(rulesets, call):
    seen = {}
    for path in cases_of(call):
        case = load_case(path)
        direction = case["answers"].get("direction")
        seen.setdefault(direction, set()).add(case["expected"]["verdict"])
    for direction in rulesets[call].directions:
        assert {"eligible", "not_eligible"} <= seen.get(direction, set()), direction


def test_the_verdict_says_its_first_reason_and_whether_the_call_is_closed(rulesets):
    """The verdict's first sentence states the first reason with the person's answer (never "a reason exists"), and
    a closed call is said beside the verdict."""
    ruleset = rulesets["2022"]
    answers = load_case(CALLS_DIR / "2022" / "cases" / "d7_2_cases.yaml")["answers"]
    deadline = datetime.date.fromisoformat(ruleset.timeline["deadlines"][0]["date"])
    for lang in ("zh", "en"):
        open_ = assess(ruleset, answers, lang, deadline - datetime.timedelta(days=30))
        finding = next(f for f in open_["findings"] if f["rule"] == "d7_cases")
        assert open_["verdict_reason"].startswith(s("verdict_reason.blocking", lang, requirement=finding["requirement"],
                                                    title="", answers="2"))
        assert open_["verdict_closed_note"] is None
        closed = assess(ruleset, answers, lang, deadline + datetime.timedelta(days=1))
        assert closed["verdict_closed_note"] == closed["timeline"]["message"] and not closed["timeline"]["applicants_open"]


# ---------------------------------------------------------------- the case files' own shape


def test_every_case_file_matches_the_case_schema():
    """policy_data/schema/case.schema.json, for every case of every call and of the fixtures' calls (the problems
    `python -m checker validate` reports): a misspelt expectation would otherwise be a check that never runs."""
    from checker.loader import case_problems

    files = [p for folder in CASE_DIRS for p in folder.glob("*.yaml")]
    assert len(files) == len(CASE_FILES) > len(CALL_CASES), "the fixtures' cases are checked too"
    problems = [str(p) for folder in CASE_DIRS for p in case_problems(folder)]
    assert not problems, "case files the schema refuses:\n" + "\n".join(problems)


def test_the_case_schema_names_what_the_checker_gives():
    import json

    from checker.engine import GROUPS, VERDICTS

    schema = json.loads((REPO / "policy_data" / "schema" / "case.schema.json").read_text("utf-8"))
    expected = schema["properties"]["expected"]["properties"]
    assert expected["verdict"]["enum"] == list(VERDICTS)
    assert expected["groups"]["propertyNames"]["enum"] == list(GROUPS)
    statuses = json.loads((REPO / "checker" / "i18n" / "en.json").read_text("utf-8"))["priority_status"]
    assert sorted(expected["priority_status"]["additionalProperties"]["enum"]) == sorted(statuses)


def test_a_misspelt_expectation_is_a_problem_validate_reports(tmp_path, fixture_policy, capsys):
    """`verdcit:` for `verdict:` is reported as file:line: key: message by `python -m checker validate`."""
    from checker.cli import main

    folder = fixture_policy(tmp_path) / "calls" / "2022"
    case = folder / "cases" / "eligible_d4.yaml"
    text = case.read_text("utf-8")
    assert "\n  verdict: " in text
    case.write_text(text.replace("\n  verdict: ", "\n  verdcit: "), "utf-8")
    line = text[:text.index("\n  verdict: ")].count("\n") + 2
    assert main(["--call-dir", str(folder), "validate"]) == 1
    said = capsys.readouterr().err
    assert f"{case}:{line}: expected.verdcit: unknown key 'verdcit'" in said, said
    expected_line = text[:text.index("\nexpected:")].count("\n") + 2
    assert f"{case}:{expected_line}: expected: missing required key 'verdict'" in said, said
    # The unchanged call and the fixture call validate cleanly.
    assert main(["--call-dir", str(folder.parent / "mini"), "validate"]) == 0
