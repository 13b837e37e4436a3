"""Each of the 8 directions reaches its verdict in the browser: one eligible and one not-eligible profile each.

The profiles are the 2022 answer cases (policy_data/calls/2022/cases/); the page must agree with the case's expected verdict and show
the reason of every requirement the case says is not met.
"""

from pathlib import Path

import pytest
import yaml

from test_checker_page import checker_url, fill, open_checker, wait_verdict

CASES = Path(__file__).resolve().parents[2] / "policy_data" / "calls" / "2022" / "cases"


def profiles():
    """(direction, case name, case) for one eligible and one not-eligible case of every direction."""
    chosen = {}
    for path in sorted(CASES.glob("*.yaml")):
        case = yaml.safe_load(path.read_text("utf-8"))
        direction = case["answers"].get("direction")
        verdict = case["expected"]["verdict"]
        if direction and verdict in ("eligible", "not_eligible"):
            chosen.setdefault((direction, verdict), (path.stem, case))
    return [(d, name, case) for (d, _v), (name, case) in sorted(chosen.items())]


PROFILES = profiles()


def test_every_direction_has_both_profiles():
    seen = {(d, c["expected"]["verdict"]) for d, _n, c in PROFILES}
    assert {d for d, _v in seen} == {f"d{n}" for n in range(1, 9)}
    assert len(seen) == 16


@pytest.mark.parametrize("direction,name,case", PROFILES, ids=[f"{d}-{n}" for d, n, _c in PROFILES])
def test_direction_profile_reaches_its_verdict(site_server, ruleset, page, direction, name, case):
    lang = "en" if int(direction[1]) % 2 else "zh"
    open_checker(page, checker_url(site_server, lang))  # a new browser context per test: nothing saved yet
    fill(page, case["answers"])
    wait_verdict(page, case["expected"]["verdict"])
    results = page.locator("#checker-results").inner_text()
    titles = {r["id"]: r["title"][lang] for r in ruleset.rules}
    for rule in case["expected"]["fired"]:
        if not rule.startswith("priority_"):
            assert titles[rule] in results, rule
