"""Two calls in one site, in the browser: each call's checker gives its own call's verdict and each call's screening
page plans under its own call's quota (the site built with the mini call beside 2022: tests/conftest.py's
calls_site). The cases are each call's own (policy_data/calls/<call>/cases/, tests/fixtures/calls/mini/cases/).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from build_scripts.serve_static import serve
from test_checker_page import fill, open_checker, wait_verdict

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 120_000
BOOT_TIMEOUT = 120_000
# (call, URL prefix, a case of that call whose verdict depends on that call's own rules)
CALLS = [("mini", "", "a1_5_cases"), ("2022", "2022/", "eligible_d4")]


@pytest.fixture(scope="module")
def calls_server(calls_site):
    with serve(calls_site["site"]) as server:
        yield server.base_url


def case(calls_site, call: str, name: str) -> dict:
    return yaml.safe_load((calls_site["policy"] / "calls" / call / "cases" / f"{name}.yaml").read_text("utf-8"))


def bundle(calls_site, call: str) -> dict:
    return json.loads((calls_site["build"] / "bundles" / f"{call}.json").read_text("utf-8"))


@pytest.mark.parametrize("call, prefix, name", CALLS)
def test_each_calls_checker_gives_its_own_verdict(calls_site, calls_server, page, call, prefix, name):
    answers_case = case(calls_site, call, name)
    open_checker(page, calls_server + prefix + "checker/")
    assert page.get_attribute("#checker", "data-call") == call
    fill(page, answers_case["answers"])
    wait_verdict(page, answers_case["expected"]["verdict"])
    version = bundle(calls_site, call)["ruleset"]["version"]
    assert page.get_attribute("#checker", "data-ruleset-version") == version


@pytest.mark.parametrize("call, prefix, _name", CALLS)
def test_each_calls_screening_plans_under_its_own_quota(calls_site, calls_server, page, tmp_path, call, prefix,
                                                         _name):
    ruleset = bundle(calls_site, call)["ruleset"]
    order = [q["id"] for q in ruleset["questions"]]
    cases = [yaml.safe_load(p.read_text("utf-8"))
             for p in sorted((calls_site["policy"] / "calls" / call / "cases").glob("*.yaml"))]
    path = tmp_path / f"candidates-{call}.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(order)
        for c in cases:
            values = [c["answers"].get(q, "") for q in order]
            writer.writerow(["; ".join(map(str, v)) if isinstance(v, list) else "" if v is None else str(v)
                             for v in values])
    kind = ruleset["quota"]["units"][0]
    page.goto(calls_server + prefix + "screening/")
    page.locator("#screening").wait_for(state="visible")
    assert page.get_attribute("#screening", "data-call") == call
    page.locator(".screening__engine--ready").wait_for(state="attached", timeout=BOOT_TIMEOUT)
    page.locator(f"#screening-kind-{kind['id']}").check()
    page.locator("#screening-file").set_input_files(str(path))
    page.locator(f'#screening[data-state="done"][data-file="{path.name}"][data-unit="{kind["id"]}"]').wait_for(
        state="attached", timeout=RUN_TIMEOUT)
    assert int(page.locator('[data-figure="quota"] dd').inner_text()) == kind["quota"]
    # The same plan as CPython's, from the same call's bundle.
    from checker import batch
    from checker import sheet_io
    from checker.ruleset import Ruleset

    rs = Ruleset(ruleset)
    plan = batch.screen(rs, sheet_io.read_sheet(rs, text=path.read_text("utf-8")), kind["id"], "zh")
    assert plan["quota"] == kind["quota"] and plan["eligible"] > 0
    for key in ("quota", "rows_total", "eligible", "counted", "over_by", "errors"):
        assert int(page.locator(f'[data-figure="{key}"] dd').inner_text()) == plan[key], key
    # The exempt rows are a figure only in a call with an exemption (the mini call has none: every row counts).
    exemption = rs.exemption
    exempt = page.locator('[data-figure="exempt"]')
    if exemption is None:
        assert exempt.count() == 0 and plan["exempt"] == 0 and plan["counted"] == plan["eligible"]
        assert page.locator('#screening-tbody [data-status="exempt"]').count() == 0
    else:
        assert int(exempt.locator("dd").inner_text()) == plan["exempt"]
        assert exempt.locator("dt").inner_text().startswith(exemption["name"]["zh"])


def test_an_amount_question_is_typed_as_people_write_it(calls_site, calls_server, page):
    """A kind only the mini call uses (checker/kinds.py Amount, in 万元): its field shows the unit, takes "1,200.5 万元"
    as typed, and the checker compares it as a number and words it with its unit."""
    answers = case(calls_site, "mini", "eligible_a1")["answers"]
    assert answers["a1_revenue"] == "1,200.5 万元"
    open_checker(page, calls_server + "checker/")
    fill(page, answers)
    wait_verdict(page, "eligible")
    assert page.locator("#unit-a1_revenue").text_content() == "万元"
    assert page.get_attribute("#in-a1_revenue", "inputmode") == "decimal"
    page.fill("#in-a1_revenue", "499.99")
    wait_verdict(page, "not_eligible")
    item = page.locator("#checker-details li[data-rule='a1_revenue']")
    assert "499.99万元" in item.text_content() and "500万元" in item.text_content()
