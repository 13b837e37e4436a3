"""Answer cases as data (tests/cases/*.yaml): each names a situation, gives answers and the expected outcome."""

import datetime
from pathlib import Path

import pytest
import yaml

from checker.engine import assess

CASES_DIR = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))
FIRED = ("fail", "unknown")


def load_case(path):
    """Read one case file."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def run_case(ruleset, case):
    """Assess a case's answers as the case says (language, date)."""
    as_of = datetime.date.fromisoformat(str(case.get("as_of", "2022-04-20")))
    return assess(ruleset, case["answers"], case.get("lang", "zh"), as_of)


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case(ruleset, path):
    case = load_case(path)
    expected = case["expected"]
    result = run_case(ruleset, case)
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


def test_every_rule_is_seen_firing_and_not_firing(ruleset):
    """A rule without a case that fires it and a case where it applies and passes is untested."""
    fired, passed = set(), set()
    for path in CASE_FILES:
        result = run_case(ruleset, load_case(path))
        for f in result["findings"]:
            (fired if f["outcome"] in FIRED else passed if f["outcome"] == "pass" else set()).add(f["rule"])
        for p in result["priorities"]:
            (passed if p["met"] else fired).add(p["rule"])
    rules = {r["id"] for r in ruleset.rules}
    assert rules - fired == set(), "rules never seen firing"
    assert rules - passed == set(), "rules never seen passing"


def test_every_direction_has_an_eligible_and_a_not_eligible_case(ruleset):
    seen = {}
    for path in CASE_FILES:
        case = load_case(path)
        direction = case["answers"].get("direction")
        seen.setdefault(direction, set()).add(case["expected"]["verdict"])
    for direction in ruleset.directions:
        assert {"eligible", "not_eligible"} <= seen.get(direction, set()), direction
