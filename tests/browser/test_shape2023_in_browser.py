"""The call shaped like 2023 (tests/fixtures/calls/shape2023, built beside 2022: tests/conftest.py's shape2023_site)
on its screening page, at phone width: a province's list with two demonstration bases' extra rows and one row over a
base's own quota, and a consortium whose member also applies alone. The page shows each quota as the checker counted
it (own first), the rows' statuses naming their quota, the flag naming the other row; no page-wide scrolling at
360 px, the moves work from the keyboard, and axe finds nothing."""

from __future__ import annotations

import csv
import json

import pytest
import yaml

from build_scripts.serve_static import serve

RUN_TIMEOUT = 120_000
BOOT_TIMEOUT = 120_000
WIDTH = 360


@pytest.fixture(scope="module")
def shape_server(shape2023_site):
    with serve(shape2023_site["site"]) as server:
        yield server.base_url


def the_list(site, path):
    """10 own rows, 3 for base A (and a 4th, over), 3 for base B, a consortium naming row 2's applicant as a member."""
    policy = site["policy"] / "calls" / "shape2023"
    ruleset = json.loads((site["build"] / "bundles" / "shape2023.json").read_text("utf-8"))["ruleset"]
    extra = ruleset["quota"]["extra"][0]
    own = next(u for u in ruleset["quota"]["units"] if u["id"] == "province")["quota"]
    answers = yaml.safe_load((policy / "cases" / "eligible_consortium.yaml").read_text("utf-8"))["answers"]
    header = ["applicant_name", "credit_code", "members", "extra_" + extra["id"], "project_name"] + list(answers)

    def row(i, base="", members=""):
        return [f"Applicant {i}", f"91110000MA{i:08d}", members, base, f"P{i}"] + [str(v) for v in answers.values()]

    rows = [row(i) for i in range(own)]
    rows += [row(100 + i, "Base A") for i in range(extra["quota"] + 1)]
    rows += [row(200 + i, "Base B") for i in range(extra["quota"])]
    rows += [row(300, members=f"Member, 91110000MA{0:08d}")]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header] + rows)
    return ruleset, own, extra


def test_a_province_list_with_bases_and_a_consortium_on_a_phone(shape2023_site, shape_server, recorded_page,
                                                                 axe_violations, tmp_path):
    rec = recorded_page
    rec.set_viewport_size({"width": WIDTH, "height": 800})
    path = tmp_path / "province.csv"
    _ruleset, own, extra = the_list(shape2023_site, path)
    rec.goto(shape_server + "en/screening/")
    rec.locator("#screening").wait_for(state="visible")
    rec.locator(".screening__engine--ready").wait_for(state="attached", timeout=BOOT_TIMEOUT)
    rec.locator("#screening-kind-province").focus()
    rec.keyboard.press("Space")
    rec.locator("#screening-file").set_input_files(str(path))
    rec.locator(f'#screening[data-state="done"][data-file="{path.name}"][data-unit="province"]').wait_for(
        state="attached", timeout=RUN_TIMEOUT)

    table = rec.locator("#screening-buckets table")
    assert table.locator("caption").inner_text().strip()
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    figures = [[c.inner_text() for c in rows.nth(i).locator("td").all()] for i in range(3)]
    # quota, counted, within, over: own (its quota and one more: the consortium), base A (one over), base B.
    assert figures == [[str(own), str(own + 1), str(own), "1"],
                       [str(extra["quota"]), str(extra["quota"] + 1), str(extra["quota"]), "1"],
                       [str(extra["quota"])] * 3 + ["0"]]
    assert "Base A" in rows.nth(1).locator("th").inner_text()
    assert table.locator("thead th").count() == table.locator("thead th[scope=col]").count() == 5
    assert int(rec.locator('[data-figure="within"] dd').inner_text()) == own + 2 * extra["quota"]

    # The consortium's row and row 2 (the applicant it names as a member) each name the other.
    lead = rec.locator('#screening-tbody tr[data-row="2"]')
    consortium_row = 2 + own + 2 * extra["quota"] + 1
    member = rec.locator(f'#screening-tbody tr[data-row="{consortium_row}"]')
    assert f"row {consortium_row}" in lead.inner_text() and "row 2" in member.inner_text()
    # The over row of base A says so, naming its quota.
    over = rec.locator(f'#screening-tbody tr[data-row="{2 + own + extra["quota"]}"] .screening__status')
    assert over.get_attribute("data-status") == "over" and "Base A" in over.inner_text()

    # Moved up by keyboard: the base's 4th row takes the 3rd's place, which is now over; the table follows.
    button = rec.locator(f'#screening-tbody tr[data-row="{2 + own + extra["quota"]}"] button[data-move="up"]')
    button.focus()
    rec.keyboard.press("Enter")
    rec.wait_for_function(f"""document.querySelector('#screening-tbody tr[data-row="{1 + own + extra["quota"]}"] '
        + '.screening__status').dataset.status === 'over'""")
    assert rows.nth(1).locator("td").nth(3).inner_text() == "1"

    assert rec.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # Printed: the list's head states each base's extra quota beside the unit's own, and the list to sign holds the
    # rows within any of them.
    rec.evaluate("() => { window.print = () => {}; }")
    rec.locator("#screening-print").focus()
    rec.keyboard.press("Enter")
    rec.emulate_media(media="print")
    rec.wait_for_function("document.getElementById('screening-print-head').textContent.length > 0")
    facts = rec.locator("#screening-print-head").inner_text()
    assert "Base A" in facts and "Base B" in facts and str(extra["quota"]) in facts
    signed = rec.locator("#screening-print-rows tbody tr, #screening-print-last tbody tr")
    assert signed.count() == own + 2 * extra["quota"]
    rec.emulate_media(media="screen")
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in axe_violations(rec.page)]
    assert violations == []
