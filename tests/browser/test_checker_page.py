"""End to end on the self-check page: the real Pyodide worker in Chromium, both languages, root and sub-path.

Expected results come from CPython (checker.api) for the same answers, so the page is checked against the checker
itself, not against copies of its wording. The site is built before pytest runs (make test).
"""

from __future__ import annotations

import base64
import datetime
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml

from build_scripts.serve_static import StaticHandler

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "policy_data" / "calls" / "2022" / "cases"
BOOT_MS = 90_000
PAYLOAD = "<img src=x onerror=window.__pwned=1>"


# ------------------------------------------------------------------ helpers


def case_answers(name: str) -> dict:
    return yaml.safe_load((CASES / f"{name}.yaml").read_text("utf-8"))["answers"]


def cpython(answers: dict, lang: str) -> dict:
    """The checker's own answer for these answers today (the page uses the browser's local date)."""
    from checker import api

    request = {"id": 0, "call": "2022", "type": "assess", "answers": answers, "lang": lang,
               "as_of": datetime.date.today().isoformat()}
    return json.loads(api.handle(json.dumps(request)))


def checker_url(base: str, lang: str = "zh", query: str = "") -> str:
    return base + ("en/" if lang == "en" else "") + "checker/" + query


def open_checker(page, url: str) -> None:
    """Open the page and wait until Python is ready."""
    page.goto(url)
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=BOOT_MS)


def open_form(page, url: str) -> None:
    """Open the page; the form works before Python is ready."""
    page.goto(url)
    page.wait_for_selector("#checker-form", timeout=BOOT_MS)


def wait_verdict(page, verdict: str) -> None:
    """Wait for `verdict` as the result of the latest answers (the live region is no longer busy)."""
    page.wait_for_function("v => document.getElementById('checker-verdict').dataset.verdict === v"
                           " && !document.getElementById('checker-live').hasAttribute('aria-busy')",
                           arg=verdict, timeout=60_000)


def fill(page, answers: dict) -> None:
    """Answer through the form the way a visitor does: in the questionnaire's order, waiting for each
    conditional question to be shown by the checker."""
    order = page.eval_on_selector_all("#checker-form [data-question]", "els => els.map(e => e.dataset.question)")
    for qid in order:
        if qid not in answers:
            continue
        value = answers[qid]
        wrapper = page.locator(f"#q-{qid}")
        wrapper.wait_for(state="visible", timeout=60_000)
        kind = wrapper.get_attribute("data-kind")
        if kind in ("single", "tristate"):
            page.check(f"#in-{qid}--{value}")
        elif kind == "multi":
            for item in value:
                page.check(f"#in-{qid}--{item}")
        else:
            page.fill(f"#in-{qid}", str(value))


SAVED_KEY = "bdpilot-checker:answers:2022"  # docs/assets/common/saved-answers.js: storageKey("2022")


def checked(page, qid: str) -> list[str]:
    return page.eval_on_selector_all(f"[name='{qid}']:checked", "els => els.map(e => e.value)")


def same_origin(url: str, base: str) -> bool:
    return urlparse(url).netloc == urlparse(base).netloc or url.startswith(("data:", "blob:", "about:"))


def strings(lang: str) -> dict:
    """The checker page's script strings, from the one translation place (checker/i18n)."""
    tree = json.loads((REPO / "checker" / "i18n" / f"{lang}.json").read_text("utf-8"))
    return tree["guide"]["checker_page"]["script"]


def fill_in(template: str, **values) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)


def focused(page) -> dict:
    return page.evaluate("() => ({id: document.activeElement.id, name: document.activeElement.name || ''})")


def within_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["x"] >= 0 and box["y"] + box["height"] <= size["height"] \
        and box["x"] + box["width"] <= size["width"]


def link_for(answers: dict) -> str:
    doc = {"call": "2022", "ruleset_version": "x", "answers": answers}
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")


# ------------------------------------------------------------------ verdicts and reasons


@pytest.mark.parametrize("lang, server", [("zh", "site_server"), ("en", "prefixed_site_server")])
def test_verdict_and_reasons_in_both_languages(request, recorded_page, lang, server):
    base = request.getfixturevalue(server)
    page = recorded_page
    open_checker(page, checker_url(base, lang))
    assert page.get_attribute("html", "lang").startswith(lang)
    answers = case_answers("eligible_d4")
    fill(page, answers)
    expected = cpython(answers, lang)["result"]
    assert expected["verdict"] == "eligible"
    wait_verdict(page, "eligible")
    assert page.text_content("#checker-verdict") == expected["verdict_label"]
    priorities = page.locator("#checker-priorities li")
    assert priorities.count() == len([p for p in expected["priorities"] if p["met"]]) == 3
    assert page.text_content("#checker-quota") == expected["quota"]["message"]
    assert expected["timeline"]["message"] in page.text_content("#checker-details")
    assert expected["ruleset_version"] in page.text_content("#checker-version")

    # One answer below the direction's minimum: not eligible, and the reason links to the guide's clause.
    page.fill("#in-d4_scenarios", "4")
    answers["d4_scenarios"] = 4
    expected = cpython(answers, lang)["result"]
    wait_verdict(page, "not_eligible")
    assert page.text_content("#checker-verdict") == expected["verdict_label"]
    reason = page.locator("#checker-failed li[data-rule=d4_scenarios]")
    failed = next(f for f in expected["findings"] if f["rule"] == "d4_scenarios")
    assert failed["title"] in reason.inner_text() and failed["citation"]["quote"] in reason.inner_text()
    guide = reason.locator("a").last
    assert guide.get_attribute("href") == "../" + failed["guide"]
    other = page.locator("#checker-other li")
    assert [o["direction"] for o in expected["other_directions"]] == other.evaluate_all(
        "els => els.map(e => e.dataset.direction)")
    # No other direction is met or one answer away, so the page says so in one line instead of a list.
    assert expected["other_directions"] == [] and page.text_content("#checker-other-none") == expected["other_directions_note"]
    # The guide link leads to the clause, in the same language, under the same prefix.
    guide.click()
    page.wait_for_load_state()
    target_path, anchor = failed["guide"].split("#")
    assert page.url == base + ("en/" if lang == "en" else "") + target_path + "#" + anchor
    assert page.locator(f"[id='{anchor}']").count() == 1

    page.settle()
    page.assert_clean()
    assert [u for u in page.requests if not same_origin(u, base)] == []
    assert page.requested(r"pyodide\.asm\.wasm") and page.requested(r"bdpilot_checker-.*\.whl")
    assert page.requested(r"/openpyxl-|/et_xmlfile-") == []  # the Excel package is the screening page's, on demand


@pytest.fixture
def held_files(browser, browser_context_args):
    """(page, hold): a page without service workers (they would answer before any route), and hold(glob) ->
    release(): the page's requests for matching files wait until release() is called."""
    context = browser.new_context(**browser_context_args, service_workers="block")
    held = []

    def hold(glob):
        context.route(glob, lambda route: held.append(route))

        def release():
            while held:
                held.pop().continue_()
            context.unroute(glob)
        return release

    try:
        yield context.new_page(), hold
    finally:
        context.close()


def test_the_form_script_does_not_wait_for_the_sites_other_scripts(site_server, held_files):
    """The checker's own script runs (and its Python starts) while Material's bundle and the search scripts are
    still loading: the form needs none of them."""
    page, hold = held_files
    release = hold("**/assets/javascripts/bundle.*.min.js")
    page.goto(checker_url(site_server, "en"), wait_until="commit")
    page.wait_for_selector("#checker[data-form=ready]", state="attached", timeout=BOOT_MS)
    assert page.evaluate("typeof window.document$") == "undefined", "Material's bundle has not run yet"
    release()
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=BOOT_MS)


def test_answers_given_before_the_script_runs_are_kept(site_server, held_files):
    """The form works before its script: what the visitor answered while the script was still loading wins over
    the answers saved on an earlier visit, and is saved."""
    page, hold = held_files
    open_checker(page, checker_url(site_server, "en"))
    page.check("#in-own_ip--yes")  # saved
    release = hold("**/assets/checker/checker.js")
    page.reload(wait_until="domcontentloaded")  # (an async module script does not hold DOMContentLoaded)
    assert page.get_attribute("#checker", "data-form") is None, "the script is held"
    page.check("#in-own_ip--no")
    page.check("#in-law_abiding--yes")
    release()
    page.wait_for_selector("#checker[data-form=ready]", state="attached", timeout=BOOT_MS)
    assert checked(page, "own_ip") == ["no"] and checked(page, "law_abiding") == ["yes"]
    saved = page.evaluate("JSON.parse(localStorage.getItem('bdpilot-checker:answers:2022')).answers")
    assert saved["own_ip"] == "no" and saved["law_abiding"] == "yes"


def test_an_answer_change_redraws_only_what_changed(site_server, page):
    """The result's blocks whose part of the result did not change are kept as they are (the same nodes), so an
    answer change redraws only what changed; the answers' rows likewise."""
    open_checker(page, checker_url(site_server, "en"))
    fill(page, dict(case_answers("eligible_d4"), project_name="Kept"))
    wait_verdict(page, "eligible")
    page.evaluate("""() => {
      for (const node of document.querySelectorAll('#checker-details > *, #checker-summary-body > tr')) node.__kept = true;
      // A kept block that is moved (taken out and put back) is redrawn all the same: note every block taken out.
      window.__takenOut = [];
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.removedNodes) if (n.__kept) window.__takenOut.push(n);
      }).observe(document.getElementById('checker-details'), { childList: true });
    }""")
    page.fill("#in-d4_scenarios", "4")
    # Until the result of the new answer is shown, the verdict's live region says it is being updated.
    assert page.get_attribute("#checker-live", "aria-busy") == "true"
    wait_verdict(page, "not_eligible")
    kept = page.evaluate("""() => ({
      timeline: document.querySelector('#checker-details > section:has(.checker-timeline)').__kept === true,
      footer: document.querySelector('#checker-details > .checker-result-footer').__kept === true,
      quota: document.querySelector('#checker-details > section:has(#checker-quota)').__kept === true,
      failed: document.querySelector('#checker-details > section:has(#checker-failed)').__kept === true,
      name_row: document.querySelector('#checker-summary-body tr[data-question=project_name]').__kept === true,
      rows: document.querySelectorAll('#checker-summary-body > tr').length,
      moved: window.__takenOut.filter(n => n.isConnected).map(n => n.className),
    })""")
    assert kept["timeline"] and kept["footer"] and kept["quota"] and kept["name_row"]
    assert not kept["failed"], "the block that changed is drawn anew"
    assert kept["moved"] == [], "the blocks after the changed one stay where they are"
    page.wait_for_function("() => document.querySelector('#checker-summary-body tr[data-question=d4_scenarios] td')"
                           ".textContent === '4'")


@pytest.mark.parametrize("case, lang", [("d4_4_scenarios", "zh"), ("strength_unsure", "en"),
                                        ("direction_missing_count", "zh"), ("d2_not_trading_institution", "zh"),
                                        ("priorities_blank", "en")])
def test_the_page_shows_the_checkers_groups(site_server, page, case, lang):
    """Each group of the result (blocking, to confirm, still to answer, met, not applicable) is shown as the
    checker made it, member for member, in its order: the page classifies nothing itself."""
    open_checker(page, checker_url(site_server, lang))
    answers = case_answers(case)
    fill(page, answers)
    expected = cpython(answers, lang)["result"]
    wait_verdict(page, expected["verdict"])
    page.wait_for_function("n => document.querySelectorAll('#checker-details li[data-rule]').length === n",
                           arg=len(expected["findings"]))
    shown = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#checker-details ul[data-group]')]
        .map(ul => [ul.dataset.group, [...ul.querySelectorAll('li[data-rule]')].map(li => li.dataset.rule)]))""")
    assert shown == {group: rules for group, rules in expected["groups"].items() if rules}
    for finding in expected["findings"]:
        item = page.locator(f"#checker-details li[data-rule='{finding['rule']}']")
        assert finding["title"] in item.text_content()  # (a collapsed list has no inner text)
        # The badge is the group's: a point to confirm is never labelled (or coloured) as not met.
        assert item.locator(".checker-badge").text_content() == finding["badge"]
        assert f"checker-finding--{finding['group']}" in item.get_attribute("class")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_panel_states_the_first_reason_and_that_the_call_is_closed(site_server, page, lang):
    """Beside the verdict: the first requirement not met with the visitor's own answer (as the checker words it),
    and, the call having closed, that it has (desktop width: the panel shows both)."""
    page.set_viewport_size({"width": 1366, "height": 900})
    open_checker(page, checker_url(site_server, lang))
    answers = case_answers("d7_2_cases")
    fill(page, answers)
    expected = cpython(answers, lang)["result"]
    wait_verdict(page, "not_eligible")
    assert page.text_content("#checker-verdict-explain") == expected["verdict_reason"]
    assert expected["verdict_reason"].endswith(("2。", "2."))
    closed = page.locator("#checker-verdict-closed")
    assert expected["verdict_closed_note"] and closed.is_visible()
    assert closed.text_content() == expected["verdict_closed_note"]


def test_other_direction_link_switches_in_place(site_server, page):
    open_checker(page, checker_url(site_server))
    # Direction 5's own questions answered first, then direction 4 chosen: its answers are kept but not used.
    fill(page, {"direction": "d5", "d5_results": "yes"})
    answers = case_answers("d4_short_nearly_fits_d5")
    fill(page, {k: v for k, v in answers.items() if k != "d5_results"})
    expected = cpython(answers, "zh")["result"]
    wait_verdict(page, "not_eligible")
    assert page.text_content("#checker-ignored") == expected["ignored_note"]
    assert page.eval_on_selector_all("#checker-other li", "els => els.map(e => e.dataset.direction)") == ["d5"]
    assert page.locator("#checker-other li[data-direction=d5] a[href='../directions/service-innovation/']").count() == 1
    page.click("#checker-other li[data-direction=d5] [data-switch-direction]")
    assert checked(page, "direction") == ["d5"]
    assert checked(page, "law_abiding") == ["yes"] and checked(page, "d5_results") == ["yes"]
    page.locator("#q-d5_cases").wait_for(state="visible")
    wait_verdict(page, "incomplete")


def test_conditional_questions_follow_the_answers(site_server, page):
    open_checker(page, checker_url(site_server))
    assert page.locator("#q-demo_period_running").is_hidden()
    page.check("#in-previously_listed--yes")
    page.locator("#q-demo_period_running").wait_for(state="visible")
    page.check("#in-previously_listed--no")
    page.locator("#q-demo_period_running").wait_for(state="hidden")


def test_deep_link_preselects_the_direction_once(site_server, page):
    open_form(page, checker_url(site_server, "en", "?direction=d7"))
    assert checked(page, "direction") == ["d7"]
    page.locator("#q-d7_cases").wait_for(state="visible", timeout=BOOT_MS)  # shown once Python is ready
    page.check("#in-direction--d6")
    wait_saved(page, direction="d6")
    page.reload()
    page.wait_for_selector("#checker-form", timeout=BOOT_MS)
    assert checked(page, "direction") == ["d6"], "a reload must not undo the visitor's choice"


def test_exclusive_option_clears_the_others(site_server, page):
    open_form(page, checker_url(site_server))
    page.check("#in-business_areas--analysis")
    page.check("#in-business_areas--none")
    assert checked(page, "business_areas") == ["none"]
    page.check("#in-business_areas--storage")
    assert checked(page, "business_areas") == ["storage"]


def test_invalid_number_is_announced(site_server, page):
    open_checker(page, checker_url(site_server, "en"))
    page.fill("#in-projects_filed", "1.5")
    page.wait_for_function("document.getElementById('err-projects_filed').textContent !== ''")
    expected = cpython({"projects_filed": "1.5"}, "en")
    assert expected["error"]["code"] == "invalid_answers"
    assert page.text_content("#err-projects_filed") == expected["error"]["details"][0]["message"]
    assert page.get_attribute("#checker-errors", "role") == "alert"
    assert page.get_attribute("#in-projects_filed", "aria-invalid") == "true"
    page.fill("#in-projects_filed", "1")
    page.wait_for_function("document.getElementById('err-projects_filed').textContent === ''")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_numbers_as_people_write_them(site_server, page, lang):
    """Typed as text: full-width digits and a counting word are read (by the checker, in Python); what is not a
    whole number is refused with the checker's own message, which names the question's label, never its id."""
    open_checker(page, checker_url(site_server, lang))
    fill(page, {"direction": "d6"})
    page.locator("#q-d6_cases").wait_for(state="visible")
    for typed, number in (("３", 3), ("5个", 5), (" 4 个 ", 4), ("１２", 12)):
        page.fill("#in-d6_cases", typed)
        result = cpython({"direction": "d6", "d6_cases": typed}, lang)["result"]
        assert result["answers"]["d6_cases"] == number
        shown = next(a["answer"] for f in result["findings"] if f["rule"] == "d6_cases" for a in f["answers"])
        page.wait_for_function("a => document.querySelector('#checker-details li[data-rule=d6_cases]')"
                               " && document.querySelector('#checker-details li[data-rule=d6_cases]').textContent"
                               ".includes('→ ' + a)", arg=shown)
        assert page.text_content("#err-d6_cases") == ""
    for typed in ("1e3", "2.5", "-1", "999999999"):
        page.fill("#in-d6_cases", typed)
        expected = cpython({"direction": "d6", "d6_cases": typed}, lang)["error"]["details"][0]["message"]
        page.wait_for_function("m => document.getElementById('err-d6_cases').textContent === m", arg=expected)
        assert "d6_cases" not in page.text_content("#checker-errors")
        assert page.locator("#checker-errors a[data-question=d6_cases]").text_content() == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_first_phone_screen_shows_the_first_question(site_server, page, lang):
    """GOV.UK-style: the questions come first; the tools follow the result; the verdict bar stays in view."""
    page.set_viewport_size({"width": 375, "height": 812})
    open_form(page, checker_url(site_server, lang))
    first = page.eval_on_selector("#checker-form [data-question]", "e => e.id")
    assert within_viewport(page, f"#{first}")
    assert within_viewport(page, "#checker-panel")
    # The bar covers none of the first question.
    question, bar = page.locator(f"#{first}").bounding_box(), page.locator("#checker-panel").bounding_box()
    assert question["y"] + question["height"] <= bar["y"]
    form_bottom = page.locator("#checker-form").bounding_box()
    tools = page.locator("#checker-tools").bounding_box()
    results = page.locator("#checker-results").bounding_box()
    assert tools["y"] > results["y"] > form_bottom["y"] + form_bottom["height"] - 1
    # Scrolled down to the last questions, the bar is still there.
    page.locator("#in-filing_date").scroll_into_view_if_needed()
    assert within_viewport(page, "#checker-panel")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_desktop_panel_stays_in_view_beside_the_questions(site_server, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_checker(page, checker_url(site_server, "en"))
    page.check("#in-law_abiding--yes")
    wait_verdict(page, "incomplete")
    panel, form = page.locator("#checker-panel").bounding_box(), page.locator("#checker-form").bounding_box()
    assert panel["x"] >= form["x"] + form["width"]
    assert within_viewport(page, "#checker-verdict")
    page.locator("#checker-submit").scroll_into_view_if_needed()
    assert within_viewport(page, "#checker-verdict") and within_viewport(page, "#checker-progress")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_counts_required_questions_with_a_total_that_never_moves(site_server, page, lang):
    """The progress line counts the questionnaire's required questions that are always asked; optional ones (the
    project name, the filing date) never count, and a follow-up question counts under the question that showed it,
    so the total stays put while questions appear and disappear."""
    open_checker(page, checker_url(site_server, lang))
    S = strings(lang)
    form = json.loads(page.text_content("#checker-questionnaire"))
    questions = [q for s in form["sections"] for q in s["questions"]]
    total = sum(1 for q in questions if q["required"] and not q["conditional"])
    optional = [q["id"] for q in questions if not q["required"] and not q["conditional"]]
    assert total and "project_name" in optional and "filing_date" in optional

    def shows(answered):
        page.wait_for_function("t => document.getElementById('checker-progress').textContent === t",
                               arg=fill_in(S["progress"], answered=answered, total=total))

    shows(0)
    page.fill("#in-project_name", "x")
    page.fill("#in-filing_date", "2022-05-01")
    shows(0)  # optional questions are not counted
    page.check("#in-law_abiding--yes")
    shows(1)
    page.check("#in-direction--d4")
    page.locator("#q-d4_scenarios").wait_for(state="visible")
    shows(1)  # the direction's own questions appeared: same total, the direction not done until they are answered
    page.fill("#in-d4_scenarios", "5")
    page.check("#in-d4_breakthrough--yes")
    page.check("#in-d4_replicable--yes")
    shows(2)
    page.check("#in-previously_listed--yes")
    page.locator("#q-demo_period_running").wait_for(state="visible")
    shows(2)
    page.check("#in-demo_period_running--no")
    shows(3)
    page.check("#in-previously_listed--no")
    page.locator("#q-demo_period_running").wait_for(state="hidden")
    shows(3)


@pytest.mark.parametrize("lang, width", [("zh", 1280), ("en", 360)])
def test_enter_in_a_field_moves_to_the_next_question(site_server, page, lang, width):
    """Enter in a text or number field moves the keyboard to the next question: it never submits the form (which
    would move the page to the result far below)."""
    page.set_viewport_size({"width": width, "height": 800})
    open_checker(page, checker_url(site_server, lang))
    order = page.eval_on_selector_all("#checker-form [data-question]:not([hidden])", "els => els.map(e => e.dataset.question)")
    page.click("#in-project_name")
    page.keyboard.type("数据平台")
    page.evaluate("window.__submitted = 0; document.getElementById('checker-form')"
                  ".addEventListener('submit', () => { window.__submitted += 1; })")
    page.keyboard.press("Enter")
    after = order[order.index("project_name") + 1]
    assert focused(page)["name"] == after
    assert within_viewport(page, f"#q-{after} legend, #q-{after} > label")
    page.click("#in-projects_filed")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    after = order[order.index("projects_filed") + 1]
    assert focused(page)["name"] == after
    assert within_viewport(page, f"#q-{after} legend, #q-{after} > label")
    assert page.evaluate("window.__submitted") == 0
    assert page.input_value("#in-project_name") == "数据平台" and page.input_value("#in-projects_filed") == "2"


def test_check_your_answers_change_link_moves_focus(site_server, page):
    open_checker(page, checker_url(site_server, "en"))
    page.check("#in-applicant_kind--enterprise")
    page.fill("#in-projects_filed", "２")
    row = page.locator("#checker-summary-body tr[data-question=projects_filed]")
    page.wait_for_function("""() => document.querySelector('#checker-summary-body tr[data-question=projects_filed] td')
        .textContent.includes('２')""")
    form = json.loads(page.text_content("#checker-questionnaire"))
    kind = next(q for s in form["sections"] for q in s["questions"] if q["id"] == "applicant_kind")
    label = next(o["label"] for o in kind["options"] if o["id"] == "enterprise")
    assert page.locator("#checker-summary-body tr[data-question=applicant_kind] td").first.text_content() == label
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    row.locator("a").focus()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "in-projects_filed"
    assert within_viewport(page, "#q-projects_filed label")
    page.locator("#checker-summary-body tr[data-question=applicant_kind] a").focus()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "in-applicant_kind--enterprise"


# ------------------------------------------------------------------ never lose work


def test_answers_survive_reload_and_language_switch(site_server, page):
    open_checker(page, checker_url(site_server))
    fill(page, {"project_name": "数据 <b>x</b>", "applicant_kind": "enterprise", "business_areas": ["analysis", "security"],
                "projects_filed": 1, "filing_date": "2022-05-01", "direction": "d4"})
    page.locator("#q-d4_scenarios").wait_for(state="visible")
    page.fill("#in-d4_scenarios", "6")
    wait_saved(page, d4_scenarios=6)
    page.reload()
    page.wait_for_selector("#checker-form", timeout=BOOT_MS)
    assert page.input_value("#in-project_name") == "数据 <b>x</b>"
    assert checked(page, "business_areas") == ["analysis", "security"]
    # The language switcher leads to the English twin, which restores the same answers.
    switch = page.locator(".md-select__link[hreflang=en]").get_attribute("href")
    open_checker(page, urljoin(page.url, switch))
    assert page.url == checker_url(site_server, "en")
    assert checked(page, "applicant_kind") == ["enterprise"]
    assert page.input_value("#in-filing_date") == "2022-05-01"
    assert page.input_value("#in-d4_scenarios") == "6"
    wait_verdict(page, "incomplete")
    assert page.text_content("#checker-verdict") == "Some questions are not answered yet"


def test_export_import_round_trip_and_the_cli_reads_the_export(site_server, page, tmp_path):
    open_checker(page, checker_url(site_server, "en"))
    answers = case_answers("eligible_d2")
    fill(page, answers)
    wait_verdict(page, cpython(answers, "en")["result"]["verdict"])
    with page.expect_download() as download:
        page.click("#checker-export")
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    doc = json.loads(exported.read_text("utf-8"))
    assert set(doc) == {"call", "ruleset_version", "exported_on", "answers"}
    assert doc["call"] == "2022" and doc["ruleset_version"] == page.get_attribute("#checker", "data-ruleset-version")
    assert doc["answers"] == json.loads(json.dumps(answers))

    # The command line accepts the export as it is.
    cli = subprocess.run([sys.executable, "-m", "checker", "assess", str(exported), "--format", "json", "--lang", "en"],
                         cwd=REPO, capture_output=True, text=True)
    assert cli.returncode in (0, 1), cli.stderr
    assert json.loads(cli.stdout)["verdict"] == cpython(answers, "en")["result"]["verdict"]

    # Clear (a confirm step first), then import the file back.
    page.click("#checker-clear")
    assert page.locator("#checker-clear-confirm").is_visible()
    page.click("#checker-clear-no")
    assert checked(page, "direction") == ["d2"]
    page.click("#checker-clear")
    page.click("#checker-clear-yes")
    assert checked(page, "direction") == []
    wait_verdict(page, "incomplete")
    page.set_input_files("#checker-import", str(exported))
    page.wait_for_function("document.getElementById('checker-message').textContent.includes('Imported')")
    assert checked(page, "direction") == ["d2"]
    assert checked(page, "d2_role") == [answers["d2_role"]]
    wait_verdict(page, cpython(answers, "en")["result"]["verdict"])
    # The undo button brings back the state before the import (nothing).
    page.click("#checker-undo")
    assert checked(page, "direction") == []


def test_import_from_older_rules_and_invalid_files(site_server, page, tmp_path):
    open_checker(page, checker_url(site_server))
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"call": "2022", "ruleset_version": "000000000000", "exported_on": "2022-04-01",
                               "answers": {"law_abiding": "是", "direction": "d8"}}, ensure_ascii=False), "utf-8")
    page.set_input_files("#checker-import", str(old))
    page.wait_for_function("document.getElementById('checker-message').textContent.includes('000000000000')")
    message = page.text_content("#checker-message")
    assert page.get_attribute("#checker", "data-ruleset-version") in message
    assert checked(page, "law_abiding") == ["yes"] and checked(page, "direction") == ["d8"]

    bad = tmp_path / "bad.json"
    bad_answers = {"direction": "d9", "projects_filed": "many", "nonsense": 1}
    bad.write_text(json.dumps({"answers": bad_answers}), "utf-8")
    page.set_input_files("#checker-import", str(bad))
    page.wait_for_function("document.querySelectorAll('#checker-alert li').length > 0")
    expected = [d["message"] for d in cpython(bad_answers, "zh")["error"]["details"]]
    assert page.locator("#checker-alert li").all_text_contents() == expected
    assert checked(page, "direction") == ["d8"], "a rejected file changes nothing"

    broken = tmp_path / "broken.json"
    broken.write_text('{"answers": {', "utf-8")
    page.set_input_files("#checker-import", str(broken))
    page.wait_for_function("document.getElementById('checker-alert').textContent.includes('broken.json')")
    assert checked(page, "direction") == ["d8"]
    # The visitor's words, not the browser's parser ("Unexpected end of JSON input", "... at position 12").
    said = page.text_content("#checker-alert")
    assert "Unexpected" not in said and "position" not in said and "SyntaxError" not in said


def test_shared_link_restores_answers(site_server, browser):
    sender = browser.new_context()
    page = sender.new_page()
    open_checker(page, checker_url(site_server))
    fill(page, {"project_name": PAYLOAD, "applicant_kind": "research_institute", "direction": "d3"})
    page.locator("#q-d3_role").wait_for(state="visible")
    page.check("#in-d3_role--data_owner")
    page.click("#checker-share")
    link = page.input_value("#checker-share-url")
    assert "#answers=" in link and link.startswith(checker_url(site_server))
    assert page.locator("#checker-share-url").is_visible()
    sender.close()

    # A visitor with nothing saved: the answers are simply there, nothing is asked.
    fresh = browser.new_context()
    page = fresh.new_page()
    open_checker(page, link)
    assert checked(page, "d3_role") == ["data_owner"]
    assert page.input_value("#in-project_name") == PAYLOAD
    assert page.locator("#checker-undo").count() == 0
    assert "#answers=" not in page.url
    assert page.evaluate("window.__pwned") is None
    fresh.close()

    # A visitor with other saved answers: nothing is replaced until they choose, and a reload before choosing
    # loses neither set. "Use the link's answers" then takes them, and "undo" brings the saved ones back.
    other = browser.new_context()
    page = other.new_page()
    open_checker(page, checker_url(site_server))
    page.check("#in-applicant_kind--enterprise")
    page.goto(link)
    page.wait_for_selector("#checker-link-use", timeout=BOOT_MS)
    assert checked(page, "applicant_kind") == ["enterprise"]
    assert page.locator("#checker-link-keep").is_visible()
    page.reload()
    page.wait_for_selector("#checker-link-use", timeout=BOOT_MS)
    assert checked(page, "applicant_kind") == ["enterprise"]
    page.click("#checker-link-use")
    assert checked(page, "applicant_kind") == ["research_institute"]
    assert checked(page, "d3_role") == ["data_owner"]
    page.click("#checker-undo")
    assert checked(page, "applicant_kind") == ["enterprise"]
    page.reload()
    page.wait_for_selector("#checker-form", timeout=BOOT_MS)
    assert checked(page, "applicant_kind") == ["enterprise"]
    assert page.locator("#checker-link-use").count() == 0  # chosen: not asked again

    # "Keep my saved answers": the link's are set aside, for good.
    page.goto(link)
    page.click("#checker-link-keep")
    assert checked(page, "applicant_kind") == ["enterprise"]
    assert "kept" in page.text_content("#checker-message") or "保留" in page.text_content("#checker-message")
    page.reload()
    page.wait_for_selector("#checker-form", timeout=BOOT_MS)
    assert checked(page, "applicant_kind") == ["enterprise"]
    assert page.locator("#checker-link-use").count() == 0
    other.close()


def encoded(doc) -> str:
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")


@pytest.mark.parametrize("doc, said", [
    ({"call": "2099", "answers": {"own_ip": "no"}}, "2099"),
    ({"call": "../../etc", "answers": {"own_ip": "no"}}, "../../etc"),
    ({"answers": {"own_ip": "no"}}, "which call"),
    ({"own_ip": "no"}, "which call"),
])
def test_a_link_for_another_or_no_call_changes_nothing(site_server, recorded_page, doc, said):
    page = recorded_page
    open_checker(page, checker_url(site_server, "en"))
    page.check("#in-own_ip--yes")
    page.goto(checker_url(site_server, "en") + "#answers=" + encoded(doc))
    alert = page.locator("#checker-alert")
    alert.wait_for(state="visible")
    page.wait_for_function("document.getElementById('checker-alert').textContent !== ''")
    assert said in alert.inner_text() and "saved answers are kept" in alert.inner_text()
    assert checked(page, "own_ip") == ["yes"]
    page.reload()
    page.wait_for_selector("#checker-form", timeout=BOOT_MS)
    assert checked(page, "own_ip") == ["yes"]
    page.assert_clean()


@pytest.mark.parametrize("answers", [{}, {"no_such_question": "x", "other": 1}, {"own_ip": "maybe"}])
def test_a_link_without_usable_answers_wipes_nothing(site_server, recorded_page, answers):
    page = recorded_page
    open_checker(page, checker_url(site_server, "en"))
    page.check("#in-own_ip--yes")
    page.check("#in-law_abiding--yes")
    page.goto(checker_url(site_server, "en") + "#answers=" + encoded({"call": "2022", "answers": answers}))
    page.wait_for_function("document.getElementById('checker-alert').textContent !== ''")
    assert "no answers this page can use" in page.text_content("#checker-alert")
    assert checked(page, "own_ip") == ["yes"] and checked(page, "law_abiding") == ["yes"]
    page.reload()
    page.wait_for_selector("#checker-form", timeout=BOOT_MS)
    assert checked(page, "own_ip") == ["yes"] and checked(page, "law_abiding") == ["yes"]
    page.assert_clean()


def test_two_tabs_never_overwrite_each_other_unseen(site_server, browser):
    """The checker open twice in one browser: a change in one tab is announced in the other, which keeps showing
    its own answers until the visitor asks for the other tab's."""
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    open_checker(first, checker_url(site_server, "en"))
    open_checker(second, checker_url(site_server, "en"))
    first.bring_to_front()
    first.check("#in-own_ip--no")
    load = second.locator("#checker-other-tab-load")
    load.wait_for(state="visible")
    assert "another tab" in second.text_content("#checker-alert")
    assert checked(second, "own_ip") == []
    second.bring_to_front()
    load.click()
    assert checked(second, "own_ip") == ["no"]
    assert "other tab are shown" in second.text_content("#checker-message")
    # And the other way round: the second tab's change reaches the first, the same way.
    second.check("#in-law_abiding--yes")
    first.locator("#checker-other-tab-load").wait_for(state="visible")
    assert checked(first, "law_abiding") == []
    context.close()


@pytest.mark.parametrize("fragment", ["%%%garbage!!", "eyJhbnN3ZXJzIjogeyJ", "W10"])
def test_bad_fragment_keeps_saved_answers(site_server, recorded_page, fragment):
    page = recorded_page
    open_checker(page, checker_url(site_server))
    page.check("#in-own_ip--yes")
    wait_saved(page, own_ip="yes")
    page.goto("about:blank")
    page.goto(checker_url(site_server) + "#answers=" + fragment)
    page.wait_for_function("document.getElementById('checker-alert').textContent !== ''")
    assert checked(page, "own_ip") == ["yes"]
    # The same through a hash change in an open page. The page has handled the hashchange once it has taken the
    # answers out of the address and said why it cannot use them (the alert, emptied first, is filled again).
    page.evaluate("""fragment => {
      document.getElementById('checker-alert').replaceChildren();
      location.hash = 'answers=' + fragment;
    }""", fragment)
    page.wait_for_function("location.hash === '' && document.getElementById('checker-alert').textContent !== ''")
    assert checked(page, "own_ip") == ["yes"]
    wait_saved(page, own_ip="yes")  # and the saved answers are still the visitor's
    page.assert_clean()


def test_html_in_answers_is_text(site_server, page):
    open_checker(page, checker_url(site_server, "en"))
    page.fill("#in-project_name", PAYLOAD)
    page.check("#in-law_abiding--yes")
    wait_verdict(page, "incomplete")
    wait_saved(page, project_name=PAYLOAD)
    page.reload()
    open_checker(page, page.url)
    assert page.input_value("#in-project_name") == PAYLOAD
    page.wait_for_function("document.getElementById('checker-report-meta').textContent.includes('onerror')")
    assert PAYLOAD in page.text_content("#checker-report-meta")
    assert PAYLOAD in page.text_content("#checker-summary-body")
    assert page.locator("#checker img").count() == 0
    assert page.evaluate("window.__pwned") is None


# ------------------------------------------------------------------ no answer is ever silently replaced


SAVED_KEY = "bdpilot-checker:answers:2022"
WRONG = {"toString": 0}  # String() of it throws: a value of a kind no question takes


def saved_text(page) -> str | None:
    return page.evaluate("k => localStorage.getItem(k)", SAVED_KEY)


def saved_doc(page) -> dict | None:
    text = saved_text(page)
    return None if text is None else json.loads(text)


def wait_saved(page, **expected) -> None:
    """Wait until the saved answers hold `expected` (question=answer; None: not answered) in this browser
    (localStorage: what a reload restores). The page has then processed the change, so a reload or a navigation that
    follows tests what the page keeps."""
    page.wait_for_function("""([key, expected]) => {
        const doc = JSON.parse(localStorage.getItem(key) || 'null');
        return doc !== null && Object.entries(expected).every(([q, v]) =>
            JSON.stringify(doc.answers[q] === undefined ? null : doc.answers[q]) === JSON.stringify(v));
    }""", arg=[SAVED_KEY, expected])


def store(page, doc_or_text) -> None:
    """Put answers in this browser's storage as an earlier visit (or an earlier release) left them."""
    text = doc_or_text if isinstance(doc_or_text, str) else json.dumps(doc_or_text)
    page.evaluate("([k, t]) => localStorage.setItem(k, t)", [SAVED_KEY, text])


def label(page, qid: str) -> str:
    """The label people see for question `qid`, from the page's own questionnaire."""
    form = json.loads(page.text_content("#checker-questionnaire"))
    return next(q["label"] for s in form["sections"] for q in s["questions"] if q["id"] == qid)


def option_label(page, qid: str, option: str) -> str:
    form = json.loads(page.text_content("#checker-questionnaire"))
    q = next(q for s in form["sections"] for q in s["questions"] if q["id"] == qid)
    return next(o["label"] for o in q["options"] if o["id"] == option)


def started(page) -> None:
    """The page's start-up ran to its end (every listener in place)."""
    page.wait_for_selector("#checker[data-form=ready]", state="attached", timeout=BOOT_MS)


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.fixture
def whole_page_browser(browser_type, browser_type_launch_args):
    """A Chromium that keeps a page left by the visitor whole for Back (the back-forward cache, which Playwright
    turns off by default)."""
    launched = browser_type.launch(**browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"])
    try:
        yield launched
    finally:
        launched.close()


@pytest.mark.parametrize("form_copy", ["switched_off", "put_back_by_the_browser", "kept_whole_by_the_browser"])
def test_back_never_brings_older_answers_over_newer_ones(site_server, request, browser_context_args,
                                                          rewritten_pages, form_copy):
    """Answer, leave the page, change the answers in a second tab, come back with Back in the first: the newer
    answers are shown, the next click saves on top of them (never the older ones), and the visitor is asked which
    to keep, with the keyboard on the question; the older ones can be taken back, with Undo.
    "put_back_by_the_browser": the page served without autocomplete="off" on its form, like a browser that ignores
    it: Chromium then puts its copy of the form back once the page has started, without a single event.
    "kept_whole_by_the_browser": the back-forward cache brings the page back as it was left, script and all
    (service workers blocked: the site's, claiming its pages, would keep the page out of that cache)."""
    if form_copy == "kept_whole_by_the_browser":
        context = request.getfixturevalue("whole_page_browser").new_context(**browser_context_args,
                                                                             service_workers="block")
    else:
        context = request.getfixturevalue("browser").new_context(**browser_context_args)
    if form_copy == "put_back_by_the_browser":
        rewritten_pages(context, "**/en/checker/", lambda html: html.replace(' autocomplete="off" novalidate', " novalidate"))
    # When every handler of "pageshow" has run (the browser's copy of the form is back by then).
    context.add_init_script("addEventListener('pagehide', () => { window.__shown = false });"
                            " addEventListener('pageshow', (e) => { window.__whole = e.persisted;"
                            " setTimeout(() => { window.__shown = true }) })")
    S = strings("en")
    first = context.new_page()
    open_checker(first, checker_url(site_server, "en"))
    first.check("#in-own_ip--yes")
    first.fill("#in-project_name", "Older")
    wait_saved(first, own_ip="yes", project_name="Older")
    first.goto(site_server + "en/")  # this tab leaves the checker

    second = context.new_page()
    open_checker(second, checker_url(site_server, "en"))
    second.check("#in-own_ip--no")
    second.fill("#in-project_name", "Newer")
    wait_saved(second, own_ip="no", project_name="Newer")
    second.close()

    first.bring_to_front()
    first.go_back(wait_until="commit")  # a page kept whole has no "load" to wait for
    first.wait_for_function("window.__shown === true", timeout=BOOT_MS)
    started(first)
    assert first.evaluate("window.__whole") == (form_copy == "kept_whole_by_the_browser")
    assert checked(first, "own_ip") == ["no"] and first.input_value("#in-project_name") == "Newer"
    first.wait_for_function("t => document.getElementById('checker-alert').textContent.startsWith(t)", arg=S["back_newer"])
    assert first.evaluate("document.activeElement.id") == "checker-alert", "the question takes the keyboard"
    first.check("#in-law_abiding--yes")
    wait_saved(first, law_abiding="yes")
    assert saved_doc(first)["answers"] == {"project_name": "Newer", "own_ip": "no", "law_abiding": "yes"}

    # The visitor may take this tab's earlier answers back instead, and undo that.
    first.focus("#checker-back-earlier")
    first.keyboard.press("Enter")
    assert checked(first, "own_ip") == ["yes"] and first.input_value("#in-project_name") == "Older"
    wait_saved(first, own_ip="yes", project_name="Older", law_abiding=None)
    assert first.evaluate("document.activeElement.id") == "checker-undo"
    first.keyboard.press("Enter")
    assert checked(first, "own_ip") == ["no"] and checked(first, "law_abiding") == ["yes"]
    wait_saved(first, own_ip="no", project_name="Newer", law_abiding="yes")
    context.close()


def test_a_stale_tabs_first_change_offers_the_newer_answers_and_keeps_an_undo(site_server, browser,
                                                                             browser_context_args):
    """A tab whose answers another tab has replaced: its first change is saved (nothing typed is lost), says that
    it replaced the other tab's newer answers, and offers to load them; loading them keeps an Undo of this tab's."""
    context = browser.new_context(**browser_context_args)
    S = strings("en")
    first, second = context.new_page(), context.new_page()
    open_checker(first, checker_url(site_server, "en"))
    open_checker(second, checker_url(site_server, "en"))
    first.bring_to_front()
    first.check("#in-own_ip--no")
    wait_saved(first, own_ip="no")
    second.locator("#checker-other-tab-load").wait_for(state="visible")
    # The warning is not taken up: an answer is changed in the stale tab.
    second.bring_to_front()
    second.check("#in-law_abiding--yes")
    second.locator("#checker-stale-load").wait_for(state="visible")
    assert second.text_content("#checker-alert").startswith(S["stale_saved"])
    assert saved_doc(second)["answers"] == {"law_abiding": "yes"}
    second.click("#checker-stale-load")
    assert checked(second, "own_ip") == ["no"] and checked(second, "law_abiding") == []
    wait_saved(second, own_ip="no", law_abiding=None)
    assert S["stale_loaded"] in second.text_content("#checker-message")
    second.click("#checker-undo")
    assert checked(second, "own_ip") == [] and checked(second, "law_abiding") == ["yes"]
    wait_saved(second, own_ip=None, law_abiding="yes")
    # Only the first change after another tab's is asked about.
    second.check("#in-applicant_kind--enterprise")
    wait_saved(second, applicant_kind="enterprise", law_abiding="yes")
    assert second.locator("#checker-stale-load").count() == 0
    context.close()


def test_a_direction_link_asks_before_changing_the_saved_direction(site_server, page):
    """?direction= (the direction pages' "check this direction") selects the direction when none is chosen
    (test_deep_link_preselects_the_direction_once); when the saved answers chose another, it asks first."""
    open_checker(page, checker_url(site_server, "en"))
    page.check("#in-direction--d4")
    wait_saved(page, direction="d4")
    d4, d7 = option_label(page, "direction", "d4"), option_label(page, "direction", "d7")
    link = checker_url(site_server, "en", "?direction=d7")
    page.goto(link)
    page.wait_for_selector("#checker-direction-use")
    page.wait_for_function("document.activeElement.id === 'checker-alert'")
    alert = page.text_content("#checker-alert")
    assert d4 in alert and d7 in alert and "d7" not in alert.replace(d7, "")
    assert checked(page, "direction") == ["d4"] and saved_doc(page)["answers"]["direction"] == "d4"
    page.reload()  # not chosen yet: asked again
    page.wait_for_selector("#checker-direction-keep")
    page.click("#checker-direction-keep")
    assert checked(page, "direction") == ["d4"]
    page.reload()  # chosen: not asked again
    started(page)
    assert page.locator("#checker-direction-use").count() == 0 and checked(page, "direction") == ["d4"]

    page.goto("about:blank")
    page.goto(link)  # the link followed again
    page.wait_for_selector("#checker-direction-use")
    page.click("#checker-direction-use")
    assert checked(page, "direction") == ["d7"]
    wait_saved(page, direction="d7")
    page.click("#checker-undo")
    assert checked(page, "direction") == ["d4"]
    wait_saved(page, direction="d4")


def test_a_link_value_of_the_wrong_type_is_refused_by_name(site_server, page):
    """A link answer no question takes ({"toString": 0}) is named by its question's label and never applied: the
    saved answers stay as they are, start-up runs to its end, and the next click saves them with the change."""
    open_checker(page, checker_url(site_server, "en"))
    page.check("#in-own_ip--yes")
    wait_saved(page, own_ip="yes")
    before = saved_text(page)
    page.goto(checker_url(site_server, "en") + "#answers=" + encoded(
        {"call": "2022", "answers": {"own_ip": WRONG, "law_abiding": "yes"}}))
    started(page)
    page.wait_for_selector("#checker-link-use")
    alert = page.text_content("#checker-alert")
    assert label(page, "own_ip") in alert and "own_ip" not in alert and "toString" not in alert
    assert checked(page, "own_ip") == ["yes"] and saved_text(page) == before
    page.check("#in-applicant_kind--enterprise")
    wait_saved(page, own_ip="yes", applicant_kind="enterprise")
    # Taken: the usable answer is used, the other is kept aside (listed, saved), never applied.
    page.click("#checker-link-use")
    assert checked(page, "law_abiding") == ["yes"] and checked(page, "own_ip") == []
    assert label(page, "own_ip") in page.text_content("#checker-aside li[data-question=own_ip]")
    wait_saved(page, law_abiding="yes", own_ip=None)
    assert saved_doc(page)["set_aside"] == {"own_ip": WRONG}
    page.click("#checker-undo")
    assert checked(page, "own_ip") == ["yes"] and page.locator("#checker-aside").is_hidden()


@pytest.mark.parametrize("door", ["link", "saved"])
def test_answers_nested_too_deep_change_nothing(site_server, page, door):
    """A link or saved answers nested 100,000 levels deep: said, with the checker's limit (checker/limits.py, the
    one number the page is given), and nothing saved is changed by it."""
    from checker import limits

    open_checker(page, checker_url(site_server, "en"))
    text = '{"call": "2022", "answers": {"own_ip": ' + deep(100_000) + "}}"
    if door == "link":
        page.check("#in-own_ip--yes")
        wait_saved(page, own_ip="yes")
        before = saved_text(page)
        page.goto(checker_url(site_server, "en") + "#answers="
                  + base64.urlsafe_b64encode(text.encode()).decode().rstrip("="))
    else:
        store(page, text)
        before = text
        page.reload()
    started(page)
    page.wait_for_function("n => document.getElementById('checker-alert').textContent.includes(n)",
                           arg=f"{limits.MAX_DEPTH} levels")
    assert saved_text(page) == before
    assert checked(page, "own_ip") == (["yes"] if door == "link" else [])


def test_a_saved_value_of_the_wrong_type_is_named_and_kept(site_server, page):
    """Saved answers holding a value no question takes: the others are shown, that one is named by its question's
    label and kept (what is saved is not touched until the visitor changes an answer, and then keeps it)."""
    open_form(page, checker_url(site_server, "en"))
    doc = {"call": "2022", "ruleset_version": "x", "exported_on": "2022-04-01",
           "answers": {"own_ip": WRONG, "law_abiding": "yes"}}
    store(page, doc)
    page.reload()
    started(page)
    assert checked(page, "law_abiding") == ["yes"] and checked(page, "own_ip") == []
    page.wait_for_function("document.getElementById('checker-alert').textContent !== ''")
    assert label(page, "own_ip") in page.text_content("#checker-alert")
    assert label(page, "own_ip") in page.text_content("#checker-aside li[data-question=own_ip]")
    assert saved_text(page) == json.dumps(doc)
    page.check("#in-applicant_kind--enterprise")
    wait_saved(page, applicant_kind="enterprise")
    saved = saved_doc(page)
    assert saved["answers"] == {"law_abiding": "yes", "applicant_kind": "enterprise"}
    assert saved["set_aside"] == {"own_ip": WRONG}


def test_answers_the_current_rules_cannot_use_are_listed_and_kept(site_server, page, tmp_path):
    """Saved by an earlier release: an option these rules no longer offer, a question they no longer ask. Each is
    listed (by its question's label where it still has one), kept aside through every save and in the export (which
    the command line still reads), and removed only when the visitor says so (with Undo)."""
    open_form(page, checker_url(site_server, "en"))
    store(page, {"call": "2022", "ruleset_version": "000000000000", "exported_on": "2022-04-01",
                 "answers": {"law_abiding": "yes", "direction": "d9", "business_areas": ["analysis", "quantum"],
                             "no_longer_asked": "kept answer"}})
    page.reload()
    started(page)
    assert checked(page, "law_abiding") == ["yes"] and checked(page, "business_areas") == ["analysis"]
    assert checked(page, "direction") == []
    listed = dict(page.evaluate("""() => [...document.querySelectorAll('#checker-aside li')]
        .map(li => [li.dataset.question, li.textContent])"""))
    assert set(listed) == {"direction", "business_areas", "no_longer_asked"}
    assert label(page, "direction") in listed["direction"] and "d9" in listed["direction"]
    assert label(page, "business_areas") in listed["business_areas"] and "quantum" in listed["business_areas"]
    assert "kept answer" in listed["no_longer_asked"] and "no_longer_asked" not in listed["no_longer_asked"]
    assert page.locator("#checker-alert li").all_text_contents() == list(listed.values())
    aside = {"direction": "d9", "business_areas": ["quantum"], "no_longer_asked": "kept answer"}

    page.check("#in-own_ip--yes")
    wait_saved(page, own_ip="yes")
    assert saved_doc(page)["set_aside"] == aside
    with page.expect_download() as download:
        page.click("#checker-export")
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    doc = json.loads(exported.read_text("utf-8"))
    assert doc["set_aside"] == aside and "direction" not in doc["answers"]
    cli = subprocess.run([sys.executable, "-m", "checker", "assess", str(exported), "--format", "json", "--lang", "en"],
                         cwd=REPO, capture_output=True, text=True)
    assert cli.returncode in (0, 1), cli.stderr

    page.click("#checker-aside-remove")
    assert page.locator("#checker-aside").is_hidden()
    page.wait_for_function("k => !('set_aside' in JSON.parse(localStorage.getItem(k)))", arg=SAVED_KEY)
    page.click("#checker-undo")
    assert page.locator("#checker-aside li").count() == 3
    page.wait_for_function("k => 'set_aside' in JSON.parse(localStorage.getItem(k))", arg=SAVED_KEY)
    assert saved_doc(page)["set_aside"] == aside

    # Imported back after clearing: the answers kept aside come back with the file.
    page.click("#checker-clear")
    page.click("#checker-clear-yes")
    assert page.locator("#checker-aside").is_hidden()
    page.set_input_files("#checker-import", str(exported))
    page.wait_for_function("document.querySelectorAll('#checker-aside li').length === 3")
    assert checked(page, "own_ip") == ["yes"]


def test_an_older_file_is_imported_without_what_the_current_rules_lack(site_server, page, tmp_path):
    """A file refused by the checker only for answers these rules do not know (an option, a question) is imported
    without them, and they are listed and kept aside; a file with a wrong answer is still refused whole
    (test_import_from_older_rules_and_invalid_files)."""
    open_checker(page, checker_url(site_server, "en"))
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"call": "2022", "ruleset_version": "000000000000", "exported_on": "2022-04-01",
                               "answers": {"law_abiding": "是", "direction": "d9", "no_longer_asked": 1}},
                              ensure_ascii=False), "utf-8")
    page.set_input_files("#checker-import", str(old))
    page.wait_for_function("document.getElementById('checker-alert').textContent.includes('old.json')")
    assert checked(page, "law_abiding") == ["yes"]
    assert page.locator("#checker-alert li").count() == 2
    assert page.evaluate("[...document.querySelectorAll('#checker-aside li')].map(li => li.dataset.question)") == [
        "direction", "no_longer_asked"]
    wait_saved(page, law_abiding="yes")
    assert saved_doc(page)["set_aside"] == {"direction": "d9", "no_longer_asked": 1}


def test_an_import_keeps_answers_to_the_questions_its_other_answers_hide(site_server, page, tmp_path):
    """The checker leaves answers to hidden questions out of its result (and says so); the form keeps them, as it
    keeps the visitor's own, so an imported file loses none of them."""
    open_checker(page, checker_url(site_server, "en"))
    answers = {"direction": "d4", "d5_results": "yes", "law_abiding": "yes"}
    assert cpython(answers, "en")["result"]["ignored"] == [{"question": "d5_results", "label": label(page, "d5_results")}]
    file = tmp_path / "hidden.json"
    file.write_text(json.dumps({"call": "2022", "answers": answers}), "utf-8")
    page.set_input_files("#checker-import", str(file))
    page.wait_for_function("t => document.getElementById('checker-message').textContent.includes(t)",
                           arg=fill_in(strings("en")["imported"], file="hidden.json", n=3))
    assert checked(page, "direction") == ["d4"] and checked(page, "d5_results") == ["yes"]
    wait_saved(page, direction="d4", d5_results="yes", law_abiding="yes")


@pytest.mark.parametrize("field", ["call", "ruleset_version", "set_aside"])
def test_an_import_with_a_field_of_the_wrong_type_says_what_is_wrong(site_server, page, tmp_path, field):
    open_checker(page, checker_url(site_server, "en"))
    page.check("#in-own_ip--yes")
    wait_saved(page, own_ip="yes")
    doc = {"call": "2022", "ruleset_version": "x", "answers": {"own_ip": "no"}}
    doc[field] = WRONG if field != "set_aside" else ["not", "a", "mapping"]
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(doc), "utf-8")
    page.set_input_files("#checker-import", str(odd))
    page.wait_for_function("document.getElementById('checker-alert').textContent.includes('odd.json')")
    said = page.text_content("#checker-alert")
    assert f"“{field}”" in said and "toString" not in said and "TypeError" not in said
    assert checked(page, "own_ip") == ["yes"]
    wait_saved(page, own_ip="yes")


def test_an_import_nested_too_deep_is_refused_with_the_limit(site_server, page, tmp_path):
    """A file nested 100,000 levels deep (the browser cannot even hand it to the checker's worker) is refused at
    once, naming the checker's limit; the page then imports as usual."""
    from checker import limits

    open_checker(page, checker_url(site_server, "en"))
    page.check("#in-own_ip--yes")
    wait_saved(page, own_ip="yes")
    too_deep = tmp_path / "deep.json"
    too_deep.write_text('{"call": "2022", "answers": {"own_ip": ' + deep(100_000) + "}}", "utf-8")
    page.set_input_files("#checker-import", str(too_deep))
    page.wait_for_function("document.getElementById('checker-alert').textContent.includes('deep.json')")
    assert f"{limits.MAX_DEPTH} levels" in page.text_content("#checker-alert")
    assert checked(page, "own_ip") == ["yes"]
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"call": "2022", "answers": {"own_ip": "no"}}), "utf-8")
    page.set_input_files("#checker-import", str(good))
    page.wait_for_function("t => document.getElementById('checker-message').textContent.includes(t)",
                           arg=fill_in(strings("en")["imported"], file="good.json", n=1))
    assert checked(page, "own_ip") == ["no"]


@pytest.mark.parametrize("lang, width", [("zh", 360), ("en", 1280)])
def test_a_prompt_and_answers_kept_aside_at_phone_width(site_server, page, axe_violations, lang, width):
    """The question a direction link asks and the list of answers not used: no serious axe violation, nothing wider
    than a phone, and the keyboard on the question."""
    page.set_viewport_size({"width": width, "height": 800})
    open_form(page, checker_url(site_server, lang))
    store(page, {"call": "2022", "answers": {"direction": "d4", "business_areas": ["quantum"], "gone": "x" * 300}})
    page.goto(checker_url(site_server, lang, "?direction=d7"))
    page.wait_for_selector("#checker-direction-use")
    page.wait_for_function("document.activeElement.id === 'checker-alert'")
    assert page.locator("#checker-direction-use").is_visible()
    assert page.locator("#checker-aside li").count() == 2
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in axe_violations(page)
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# ------------------------------------------------------------------ a link is anyone's to write


@pytest.mark.parametrize("path, ready", [("en/checker/", "#checker[data-ready=true]"),
                                         ("en/screening/", ".screening__engine--ready")])
@pytest.mark.parametrize("query", ["?boot_timeout=1", "?boot_timeout=1e308", "?stall_timeout=1"])
def test_link_parameters_never_configure_the_checker(site_server, recorded_page, path, ready, query):
    """Anyone can write a link: nothing in a page's address sets how the checker runs (a time-out of 1 ms, or
    of 1e308 ms, which overflows to none, stopped it from starting)."""
    recorded_page.goto(site_server + path + query)
    recorded_page.wait_for_selector(ready, state="attached", timeout=BOOT_MS)
    if path == "en/checker/":
        wait_verdict(recorded_page, "incomplete")
        assert recorded_page.locator("#checker-boot-error").is_hidden()
    recorded_page.assert_clean()


def test_a_link_cannot_make_every_answer_slow(site_server, page):
    """?request_timeout=1 in a link made the page say, at every answer, that the checker was taking long."""
    slow = strings("en")["slow"].split("(")[0].strip()
    page.add_init_script("""addEventListener('DOMContentLoaded', () => {
        window.__said = [];
        const box = document.getElementById('checker-message');
        new MutationObserver(() => window.__said.push(box.textContent))
            .observe(box, {childList: true, characterData: true, subtree: true});
    })""")
    open_checker(page, checker_url(site_server, "en", "?request_timeout=1"))
    for answer in ("#in-law_abiding--yes", "#in-own_ip--yes", "#in-applicant_kind--enterprise", "#in-advanced--yes"):
        page.check(answer)
        page.wait_for_function("!document.getElementById('checker-live').hasAttribute('aria-busy')")
    assert not [said for said in page.evaluate("window.__said") if slow in said]


# ------------------------------------------------------------------ failures


def test_wrong_wasm_mime_type_shows_the_cause(site_dir, serve_directory, recorded_page, monkeypatch, data_attributes):
    monkeypatch.setitem(StaticHandler.extensions_map, ".wasm", "application/octet-stream")
    server = serve_directory(site_dir)
    page = recorded_page
    data_attributes(page.context, "**/checker/", "checker", boot_timeout=20000)
    page.goto(checker_url(server.base_url, "en"))
    error = page.locator("#checker-boot-error")
    error.wait_for(state="visible", timeout=20_000)
    assert error.get_attribute("data-code") == "wasm_mime"
    assert "application/wasm" not in error.inner_text()  # server advice is for the administrator
    text = technical_details(page)
    assert "application/octet-stream" in text and "application/wasm" in text
    assert error.get_attribute("role") == "alert"
    assert page.locator("#checker-requirements-link").get_attribute("href") == "../hosting/"
    # Nothing else breaks: the form still takes and keeps answers.
    page.check("#in-own_ip--no")
    wait_saved(page, own_ip="no")
    page.reload()
    page.wait_for_selector("#checker-form", timeout=BOOT_MS)
    assert checked(page, "own_ip") == ["no"]


def stalling_wasm(monkeypatch, sent: int):
    """The test servers' .wasm: headers and its first `sent` bytes, then nothing (the connection stays open) until
    the returned event is set; the time the bytes stopped is appended to the returned list. The bytes trickle in
    pieces a few ms apart, as a real connection delivers them (one write arrives in a single read as often as not,
    which hides a progress figure that is not updated after the last piece)."""
    stop = threading.Event()
    stopped_at: list[float] = []
    original = StaticHandler.copyfile
    piece = 16_384

    def copyfile(self, source, outputfile):
        if not (self.command == "GET" and self.path.endswith(".wasm")):
            return original(self, source, outputfile)
        for start in range(0, sent, piece):
            outputfile.write(source.read(min(piece, sent - start)))
            outputfile.flush()
            stop.wait(0.002)
        stopped_at.append(time.monotonic())
        stop.wait(60)

    monkeypatch.setattr(StaticHandler, "copyfile", copyfile)
    return stop, stopped_at


# How long the tests let a download go without a byte (data-stall-timeout, as the page's build writes it).
STALL_MS = 3_000


def test_a_stalled_boot_download_is_said_within_its_window(site_dir, serve_directory, page, monkeypatch,
                                                           data_attributes, axe_violations):
    """The .wasm's headers and a first part arrive, then nothing: the page says the download stopped, in words for
    a visitor (no server advice, no "Python"), once no byte came for the stall window — and not before; the
    administrator's detail is one keypress away, behind "Technical details". On a phone."""
    stop, stopped_at = stalling_wasm(monkeypatch, sent=1_000_000)
    server = serve_directory(site_dir)
    page.set_viewport_size({"width": 360, "height": 740})
    try:
        data_attributes(page.context, "**/checker/", "checker", stall_timeout=STALL_MS)
        page.goto(checker_url(server.base_url, "en"))
        page.wait_for_function("/\\d+%/.test(document.getElementById('checker-engine-text').textContent)",
                               timeout=30_000)
        error = page.locator("#checker-boot-error")
        error.wait_for(state="visible", timeout=30_000)
        said_after = time.monotonic() - stopped_at[0]
        assert error.get_attribute("data-code") == "stalled"
        # The other boot files may still arrive after the .wasm stops: the window runs from the last byte.
        assert STALL_MS / 1000 <= said_after < STALL_MS / 1000 + 15, said_after
        text = error.inner_text()
        assert f"no progress for {STALL_MS // 1000} seconds" in text and "Check your connection" in text
        assert "Python" not in text and "application/wasm" not in text and "server" not in text
        details = page.locator("#checker-boot-checklist")
        assert details.evaluate("d => d.tagName") == "DETAILS" and not details.evaluate("d => d.open")
        assert page.locator("#checker-boot-admin").is_hidden()
        details.locator("summary").focus()
        page.keyboard.press("Enter")
        admin = page.locator("#checker-boot-admin")
        admin.wait_for(state="visible")
        # Every other boot file arrived whole; of the .wasm, what the server sent (sizes: the build's manifest).
        sizes = {path.rsplit("/", 1)[-1]: want["size"] for path, want in json.loads(
            (site_dir / "assets" / "checker" / "manifest.json").read_text("utf-8"))["boot_files"].items()}
        total = sum(sizes.values())
        received = total - sizes["pyodide.asm.wasm"] + 1_000_000
        assert f"The download stopped at {received:,} of {total:,} bytes" in admin.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert details.locator("summary").bounding_box()["height"] >= 24
        assert [v["id"] for v in axe_violations(page) if v["impact"] in ("serious", "critical")] == []
    finally:
        stop.set()


def test_a_download_stalled_before_the_list_of_files_says_so_without_figures(site_dir, serve_directory, page,
                                                                          monkeypatch, data_attributes):
    """The manifest (the list of the tool's files and their sizes) never arrives: the visitor reads the stall's
    words, and the administrator's detail names the manifest instead of "stopped at 0 of 0 bytes"."""
    stop = threading.Event()
    original = StaticHandler.copyfile

    def copyfile(self, source, outputfile):
        if not (self.command == "GET" and self.path.split("?")[0].endswith("/checker/manifest.json")):
            return original(self, source, outputfile)
        stop.wait(60)

    monkeypatch.setattr(StaticHandler, "copyfile", copyfile)
    server = serve_directory(site_dir)
    try:
        data_attributes(page.context, "**/checker/", "checker", stall_timeout=STALL_MS)
        page.goto(checker_url(server.base_url, "zh"))
        error = page.locator("#checker-boot-error")
        error.wait_for(state="visible", timeout=30_000)
        assert error.get_attribute("data-code") == "stalled_start"
        assert f"已有 {STALL_MS // 1000} 秒没有进展" in error.inner_text()
        page.locator("#checker-boot-checklist summary").click()
        admin = page.locator("#checker-boot-admin").inner_text()
        assert "assets/checker/manifest.json" in admin and "字节" not in admin, admin
    finally:
        stop.set()


def test_a_slow_boot_download_shows_a_rising_percentage_and_reaches_a_verdict(site_server, page):
    """A cold start at 1.6 Mbit/s (Chromium's network emulation) takes longer than the old fixed 60 s: the page
    shows the download in MB and percent, rising, and reaches a verdict without an error."""
    page.add_init_script("""addEventListener('DOMContentLoaded', () => {
        window.__percents = [];
        const text = document.getElementById('checker-engine-text');
        new MutationObserver(() => {
            const found = /（(\\d+)%）/.exec(text.textContent);
            if (found) window.__percents.push(Number(found[1]));
        }).observe(text, {childList: true, characterData: true, subtree: true});
    })""")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 150,
                                                  "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8})
    page.goto(checker_url(site_server, "zh"))
    page.wait_for_function("(window.__percents || []).length >= 3", timeout=60_000)
    assert re.fullmatch(r"正在下载自查工具：\d+\.\d / \d+\.\d MB（\d+%）", page.text_content("#checker-engine-text"))
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=240_000)
    wait_verdict(page, "incomplete")
    percents = page.evaluate("window.__percents")
    assert percents == sorted(percents) and percents[0] < 50 and percents[-1] >= 90, percents
    assert page.locator("#checker-boot-error").is_hidden()


def test_form_works_while_python_loads(site_dir, serve_directory, page, monkeypatch):
    """Hold the .wasm back: the form takes answers and the panel says Python is loading; then let it through."""
    release = threading.Event()
    original = StaticHandler.send_head

    def held(self):
        if self.path.endswith(".wasm") and self.command == "GET":
            release.wait(30)
        return original(self)

    monkeypatch.setattr(StaticHandler, "send_head", held)
    server = serve_directory(site_dir)
    try:
        page.goto(checker_url(server.base_url, "en"))
        page.wait_for_function("document.getElementById('checker-engine-text').textContent.includes('Downloading')")
        assert page.locator("#checker-engine").is_visible()
        assert page.get_attribute("#checker-engine", "role") == "status"
        answers = case_answers("eligible_d7")
        # The direction's own questions appear when the checker says so; until then the others take answers.
        later = {k: v for k, v in answers.items() if k.startswith("d7_")}
        assert later and all(page.locator(f"#q-{k}").is_hidden() for k in later)
        fill(page, {k: v for k, v in answers.items() if k not in later})
        assert "has started" in page.text_content("#checker-verdict-explain")
        assert page.get_attribute("#checker", "data-ready") is None
    finally:
        release.set()
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=BOOT_MS)
    assert page.locator("#checker-engine").is_hidden()
    fill(page, later)
    wait_verdict(page, cpython(answers, "en")["result"]["verdict"])


def test_missing_pyodide_files_are_named(site_dir, tmp_path, serve_directory, page):
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy, ignore=shutil.ignore_patterns("pyodide.asm.wasm"))
    server = serve_directory(copy)
    page.goto(checker_url(server.base_url, "en"))
    error = page.locator("#checker-boot-error")
    error.wait_for(state="visible", timeout=30_000)
    assert error.get_attribute("data-code") == "fetch_failed"
    admin = technical_details(page)
    assert "pyodide.asm.wasm" in admin and "404" in admin


@pytest.mark.parametrize("blocked", [r"/pyodide\.asm\.wasm$", r"/worker\.mjs$", r"/python_stdlib-[0-9a-f]+\.zip$",
                                     r"/manifest\.json$"])
def test_a_failed_fetch_is_said_at_once_with_a_working_retry(site_server, page, blocked, data_attributes):
    """A file that cannot be fetched is known at once: the page says so well before the boot time-out (set to a
    minute here), shows the static checklist of what the checker needs, and "Try again" then boots normally."""
    pattern = re.compile(blocked)
    failed_at = []

    def fail(route):
        failed_at.append(time.monotonic())
        route.abort()

    page.context.route(pattern, fail)
    data_attributes(page.context, "**/checker/", "checker", boot_timeout=60000)
    page.goto(checker_url(site_server, "en"))
    error = page.locator("#checker-boot-error")
    error.wait_for(state="visible", timeout=30_000)
    said_after = time.monotonic() - failed_at[0]
    assert error.get_attribute("data-code") != "timeout"
    assert said_after < 2, f"the failed fetch was said {said_after:.1f} s after it failed"
    assert page.locator("#checker-boot-checklist").is_visible()
    assert page.locator("#checker-requirements-link").get_attribute("href") == "../hosting/"
    page.check("#in-law_abiding--yes")  # the form still takes answers meanwhile
    assert page.get_attribute("#checker-live", "aria-busy") is None, "no verdict is coming: the region is not busy"
    page.context.unroute(pattern)
    page.focus("#checker-retry")
    page.keyboard.press("Enter")
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=BOOT_MS)
    wait_verdict(page, "incomplete")
    assert error.is_hidden() and page.locator("#checker-boot-checklist").is_hidden()
    assert checked(page, "law_abiding") == ["yes"]


def test_tampered_wheel_is_refused(site_dir, tmp_path, serve_directory, page):
    """The build pins the wheel's size and sha256 (the manifest's boot_files, and the lock file): a changed wheel is
    not run, and the page names it as damaged."""
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    wheel = next((copy / "assets" / "checker").glob("*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    server = serve_directory(copy)
    page.goto(checker_url(server.base_url, "en"))
    error = page.locator("#checker-boot-error")
    error.wait_for(state="visible", timeout=BOOT_MS)
    assert error.get_attribute("data-code") == "damaged"
    assert wheel.name in error.inner_text()
    text = technical_details(page)
    assert wheel.name in text and "sha256" in text
    assert page.get_attribute("#checker", "data-ready") is None


# A boot file answered with an error, cut short or damaged is said within seconds of its arrival, by name, in plain
# words: never after the boot time-out (a minute here), never blaming the connection or the MIME type.
SAID_WITHIN_MS = 5_000


def boot_file(site_dir: Path, which: str) -> tuple[str, bytes]:
    """(URL pattern, the built bytes) of a boot file the manifest lists: "wasm", "stdlib", "wheel", "lock"."""
    checker = site_dir / "assets" / "checker"
    manifest = json.loads((checker / "manifest.json").read_text("utf-8"))
    name = {"wasm": "pyodide.asm.wasm", "stdlib": manifest["stdlib"], "wheel": manifest["wheel"],
            "lock": manifest["lock_file"]}[which]
    path = next(checker / p for p in manifest["boot_files"] if p.endswith("/" + name) or p == name)
    return "**/" + name, path.read_bytes()


def open_with_bad_file(page, url: str, pattern: str) -> None:
    """Open the checker page and wait until the bad file (routed by the test) has been delivered to the worker: the
    clock of SAID_WITHIN_MS starts there, not with a page load slowed by a busy machine."""
    name = pattern[3:]
    with page.context.expect_event("requestfinished", predicate=lambda r: r.url.endswith("/" + name),
                                   timeout=BOOT_MS):
        page.goto(url)


def technical_details(page) -> str:
    """Open the boot error's "Technical details" disclosure as a person does (its summary, Enter) and return the
    administrator's detail: a visitor's alert never holds it."""
    details = page.locator("#checker-boot-checklist")
    assert not details.evaluate("d => d.open")
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    admin = page.locator("#checker-boot-admin")
    admin.wait_for(state="visible")
    return admin.inner_text()


def expect_boot_error(page, code: str):
    from playwright.sync_api import expect

    error = page.locator("#checker-boot-error")
    expect(error).to_be_visible(timeout=SAID_WITHIN_MS)
    expect(error).to_have_attribute("data-code", code)
    return error.inner_text()


@pytest.mark.parametrize("which, lang", [("wasm", "en"), ("wasm", "zh"), ("stdlib", "en"), ("wheel", "en"),
                                         ("lock", "zh")])
def test_a_boot_file_answered_with_a_server_error_is_said_at_once(site_dir, site_server, page, data_attributes,
                                                                  which, lang):
    pattern, _ = boot_file(site_dir, which)
    name = pattern[3:]
    page.context.route(pattern, lambda route: route.fulfill(status=500, body="Internal Server Error",
                                                            content_type="text/plain"))
    data_attributes(page.context, "**/checker/", "checker", boot_timeout=60000)
    open_with_bad_file(page, checker_url(site_server, lang), pattern)
    text = expect_boot_error(page, "http_error")
    said = {"en": f"answered with error 500 instead of sending {name}", "zh": f"服务器对检查程序所需的文件 {name} 回答了错误 500"}
    assert said[lang] in text
    assert "application/wasm" not in text and "MIME" not in text
    assert page.locator("#checker-retry").is_visible() and page.locator("#checker-boot-checklist").is_visible()


def test_a_truncated_wasm_is_said_at_once_with_both_sizes(site_dir, site_server, page, data_attributes):
    pattern, body = boot_file(site_dir, "wasm")
    half = body[: len(body) // 2]
    page.context.route(pattern, lambda route: route.fulfill(status=200, body=half, content_type="application/wasm"))
    data_attributes(page.context, "**/checker/", "checker", boot_timeout=60000)
    open_with_bad_file(page, checker_url(site_server, "en"), pattern)
    text = expect_boot_error(page, "truncated")
    mb = lambda n: f"{n / 1e6:.1f} MB"  # noqa: E731
    assert f"pyodide.asm.wasm, which the checker needs, arrived incomplete (received {mb(len(half))}, " \
           f"should be {mb(len(body))})" in text
    assert "application/wasm" not in text
    admin = technical_details(page)
    assert f"{len(half):,} bytes" in admin and f"{len(body):,} bytes" in admin


def test_a_truncated_wasm_is_said_at_once_in_chinese(site_dir, site_server, page, data_attributes):
    """Cut by 4 KB: both sizes read 9.6 MB, so they are given in bytes."""
    pattern, body = boot_file(site_dir, "wasm")
    cut = body[: len(body) - 4096]
    page.context.route(pattern, lambda route: route.fulfill(status=200, body=cut, content_type="application/wasm"))
    data_attributes(page.context, "**/checker/", "checker", boot_timeout=60000)
    open_with_bad_file(page, checker_url(site_server, "zh"), pattern)
    text = expect_boot_error(page, "truncated")
    assert f"文件 pyodide.asm.wasm 不完整（收到 {len(cut):,} B，应为 {len(body):,} B）" in text


@pytest.mark.parametrize("which", ["wasm", "stdlib"])
def test_a_damaged_boot_file_is_said_at_once(site_dir, site_server, page, data_attributes, which):
    pattern, body = boot_file(site_dir, which)
    damaged = bytearray(body)
    damaged[len(damaged) // 2] ^= 0xFF
    page.context.route(pattern, lambda route: route.fulfill(status=200, body=bytes(damaged),
                                                            content_type="application/wasm" if which == "wasm"
                                                            else "application/zip"))
    data_attributes(page.context, "**/checker/", "checker", boot_timeout=60000)
    open_with_bad_file(page, checker_url(site_server, "en"), pattern)
    text = expect_boot_error(page, "damaged")
    name = pattern[3:]
    assert f"The file {name}, which the checker needs, arrived damaged" in text
    assert "sha256" in technical_details(page)


def test_a_boot_file_fixed_on_the_server_boots_on_try_again(site_dir, site_server, page, data_attributes):
    pattern, _ = boot_file(site_dir, "wasm")
    page.context.route(pattern, lambda route: route.fulfill(status=503, body="busy", content_type="text/plain"))
    data_attributes(page.context, "**/checker/", "checker", boot_timeout=60000)
    page.goto(checker_url(site_server, "en"))
    assert "answered with error 503" in expect_boot_error(page, "http_error")
    page.context.unroute(pattern)
    page.click("#checker-retry")
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=BOOT_MS)
    wait_verdict(page, "incomplete")


def test_no_webassembly(site_server, page):
    page.add_init_script("delete window.WebAssembly")
    page.goto(checker_url(site_server, "en"))
    error = page.locator("#checker-boot-error")
    error.wait_for(state="visible", timeout=10_000)
    assert error.get_attribute("data-code") == "no_webassembly"
    assert "WebAssembly" in error.inner_text()


# ------------------------------------------------------------------ accessibility and print


@pytest.mark.parametrize("lang, width", [("zh", 1280), ("en", 360)])
def test_axe_and_phone_width(site_server, page, axe_violations, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_checker(page, checker_url(site_server, lang))
    fill(page, case_answers("d4_4_scenarios"))
    wait_verdict(page, "not_eligible")
    page.click("#checker-share")
    page.click("#checker-clear")
    page.evaluate("document.querySelectorAll('#checker details').forEach(d => d.open = true)")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in axe_violations(page)
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_keyboard_only(site_server, page):
    """A journey with the keyboard alone: from the page's lead into the first question, an answer that cannot be
    used (the error summary takes the focus, its link leads to the field), then "still to answer" links."""
    open_checker(page, checker_url(site_server, "en"))
    page.focus(".lead a")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "in-project_name"
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "applicant_kind"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert checked(page, "applicant_kind") == ["research_institute"]
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style not in ("", "none")
    # Letters on a radio button stay in the form (Material's "n" would open the next page). Material listens for
    # keys on window, after the event has bubbled up; a listener on window's capture phase sees the key first, so
    # once it has seen the "n" the page has handled it, and the key must not have reached window's bubble phase.
    page.evaluate("""() => {
      window.__keys = { pressed: [], bubbled: [] };
      window.addEventListener('keydown', (event) => window.__keys.pressed.push(event.key), { capture: true });
      window.addEventListener('keydown', (event) => window.__keys.bubbled.push(event.key));
    }""")
    url = page.url
    page.keyboard.press("n")
    page.wait_for_function("!window.__keys || window.__keys.pressed.includes('n')")  # (a page it led to has none)
    assert page.evaluate("window.__keys ? window.__keys.bubbled : 'another page'") == [], \
        "the key reached Material's keyboard handler"
    assert page.url == url

    # A number that is not whole; Enter moves on to the next question (it never submits), and "See my result" gives
    # the error summary the focus, whose link leads to the field.
    page.focus("#in-projects_filed")
    page.keyboard.type("1e3")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "in-directions_covered"
    page.focus("#checker-submit")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'checker-errors'")
    page.keyboard.press("Tab")
    link = page.evaluate("document.activeElement.dataset.question")
    assert link == "projects_filed"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "in-projects_filed"
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.focus("#checker-submit")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'checker-results-title'")
    assert page.text_content("#checker-errors") == ""

    # "Still to answer": each link moves the focus to its question (not only the view).
    first_missing = page.eval_on_selector("#checker-missing a", "a => a.dataset.question")
    page.focus("#checker-missing a")
    page.keyboard.press("Enter")
    assert page.evaluate("q => document.activeElement.name === q || document.activeElement.id === 'in-' + q",
                         first_missing)
    assert within_viewport(page, f"#q-{first_missing} .checker-q__label")


def test_printable_report(site_server, page):
    open_checker(page, checker_url(site_server, "en"))
    answers = case_answers("d4_4_scenarios")
    fill(page, dict(answers, project_name="Grain data"))
    wait_verdict(page, "not_eligible")
    # On screen: the answers to check, each with its "change" link.
    assert page.locator("#checker-summary").is_visible()
    assert page.locator("#checker-summary-body a[data-question]").first.is_visible()
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    for screen_only in ("#checker-form", "#checker-tools", "#checker-progress", "#checker-panel-link", "h1", ".lead"):
        assert page.locator(screen_only).first.is_hidden(), screen_only
    assert page.locator(".checker-report-title").is_visible()
    assert page.locator("#checker-summary").is_visible()
    assert page.locator("#checker-summary-body a").first.is_hidden()
    assert page.locator("#checker-details .checker-finding__guide").first.is_hidden()
    rows = page.locator("#checker-summary-body tr")
    assert rows.count() >= len(answers)
    table = page.inner_text("#checker-summary-body")
    assert "Grain data" in table and "Completed" in table
    assert page.locator("#checker-verdict").is_visible()
    assert page.locator("#checker-failed li[data-rule=d4_scenarios] .checker-cite").is_visible()
    assert page.locator("#checker-met").is_visible()
    meta = page.inner_text("#checker-report-meta")
    assert datetime.date.today().isoformat() in meta and "Grain data" in meta
    assert page.locator("#checker-version").is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".checker-report-title").is_hidden()


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF written by Chromium: its page objects ("/Type /Page", not the "/Pages" tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", ["eligible_d4", "d4_4_scenarios", "strength_unsure"])
def test_the_printed_report_is_at_most_two_a4_pages(site_server, page, lang, case):
    """A full profile (every question answered, a project name) printed as the browser does (print media, A4)."""
    open_checker(page, checker_url(site_server, lang))
    answers = dict(case_answers(case), project_name="粮食大数据平台 Grain data platform")
    fill(page, answers)
    expected = cpython(answers, lang)["result"]
    wait_verdict(page, expected["verdict"])
    assert not expected["missing"], "a full profile"
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = pdf_pages(pdf)
    assert 1 <= pages <= 2, f"{pages} A4 pages"


def test_guide_pages_load_no_pyodide(site_server, recorded_page):
    for path in ("", "eligibility/", "en/directions/key-products/"):
        recorded_page.goto(site_server + path, wait_until="networkidle")
    # The page itself loads none; the service worker it registers caches them in the background (for offline use).
    assert [u for u in recorded_page.page_requests if re.search(r"pyodide|\.wasm|\.whl|worker\.mjs", u)] == []


# ------------------------------------------------------------------ target sizes and what floats over the form


SMALL_TARGETS = """() => [...document.querySelectorAll(
    '#checker-form input[type=radio], #checker-form input[type=checkbox], #checker-summary a, #checker-details a,'
    + ' #checker summary')]
  .filter((e) => e.getClientRects().length)
  .map((e) => { const r = e.getBoundingClientRect(); return [e.id || e.textContent.trim().slice(0, 30), r.width, r.height]; })
  .filter(([, w, h]) => w < 24 || h < 24)"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_targets_are_at_least_24_px_on_a_phone(site_server, page, lang):
    """WCAG 2.2 2.5.8 at 360 px: every radio button and check box, every "Change" link of the answers to check, the
    links standing on their own in the result and the clause summaries measure at least 24 × 24 px."""
    page.set_viewport_size({"width": 360, "height": 740})
    open_checker(page, checker_url(site_server, lang))
    fill(page, {"applicant_kind": "enterprise", "law_abiding": "yes", "projects_filed": "1", "direction": "d4"})
    page.locator("#q-d4_scenarios").wait_for(state="visible")
    page.wait_for_function("() => document.querySelectorAll('#checker-summary-body a.checker-change').length > 5"
                           " && document.querySelector('#checker-details .checker-finding__guide a')")
    wait_verdict(page, "incomplete")
    assert page.locator("#checker-summary-body a.checker-change").count() > 5
    assert page.evaluate(SMALL_TARGETS) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_back_to_top_never_covers_a_question_on_a_phone(site_server, page, lang):
    """Material's back-to-top pill appears while scrolling up, over the middle of the screen: not on this page."""
    page.set_viewport_size({"width": 360, "height": 740})
    open_form(page, checker_url(site_server, lang))
    page.locator("#checker-submit").scroll_into_view_if_needed()
    page.mouse.move(180, 300)
    for _ in range(4):
        page.mouse.wheel(0, -300)
    page.wait_for_function("() => window.scrollY > 0")
    covered = page.evaluate("""() => {
      const top = document.querySelector('.md-top');
      if (!top || !top.getClientRects().length || getComputedStyle(top).visibility === 'hidden') return [];
      const t = top.getBoundingClientRect();
      return [...document.querySelectorAll('#checker-form [data-question]:not([hidden])')].filter((q) => {
        const r = q.getBoundingClientRect();
        return r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom;
      }).map((q) => q.dataset.question);
    }""")
    assert covered == []


# ------------------------------------------------------------------ where a newer call would be


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_result_footer_says_where_later_calls_are_once_the_call_has_closed(site_server, browser, lang):
    """A closed call's result never says "apply through …": it says the site covers this call only, who publishes
    later calls (the notice's issuer) and names the system the notice gave, with its clause. While the call is open
    (the visitor's date on the deadline day), the footer says where to apply."""
    call = yaml.safe_load((CASES.parent / "call.yaml").read_text("utf-8"))
    rules = yaml.safe_load((CASES.parent / "rules.yaml").read_text("utf-8"))
    deadline = next(d for d in call["deadlines"] if d["id"] == rules["timeline"]["applicant_deadline"])["date"]
    S = strings(lang)
    system = call["application_system"]
    for moment, is_open in ((None, False), (datetime.datetime.combine(deadline, datetime.time(12)), True)):
        context = browser.new_context()
        page = context.new_page()
        if moment:
            page.clock.set_fixed_time(moment)
        open_checker(page, checker_url(site_server, lang))
        page.check("#in-law_abiding--yes")
        wait_verdict(page, "incomplete")
        footer = page.locator("#checker-where-to-apply")
        text = footer.text_content()
        assert footer.locator("a").get_attribute("href") == system["url"]
        assert system["name"][lang] in text and system["url"] in text
        if is_open:
            assert text.startswith(S["official"])
        else:
            assert text.startswith(fill_in(S["later_calls"], year=call["year"], issuer=call["issuer"]["text"][lang]))
            assert S["official"] not in text
            cite = page.locator("#checker-where-to-apply + .checker-cite")
            assert system["citation"]["clause"][lang] in cite.text_content()
            assert system["citation"]["quote"] in cite.text_content()
        context.close()
