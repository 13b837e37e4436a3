"""The site around the checker (issue 17): where the call stands on every page (the banner, its static fallback
with JavaScript off, and the visitor's own date deciding with it on), and the home page's first phone screen.

Expected wording and dates come from the data and the string files, never from this file."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import yaml

from checker import strings

REPO = Path(__file__).resolve().parents[2]
CALLS = REPO / "policy_data" / "calls"
UI = strings.pairs("guide")
PHONE = {"width": 375, "height": 812}
BANNER = "[data-call-status]"


def call_data(call_id: str) -> tuple[dict, str]:
    """(call.yaml, the applicants' deadline id from rules.yaml's timeline) of one call."""
    call = yaml.safe_load((CALLS / call_id / "call.yaml").read_text("utf-8"))
    rules = yaml.safe_load((CALLS / call_id / "rules.yaml").read_text("utf-8"))
    return call, rules["timeline"]["applicant_deadline"]


def built_pages(site_dir: Path) -> list[str]:
    """Every page MkDocs built (URL paths ending in /), without the stable-URL redirect pages."""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        if rel.split("/")[0] in ("assets", "search") or 'http-equiv="refresh"' in index.read_text("utf-8"):
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages


def lang_of(path: str) -> str:
    return "en" if path.startswith("en/") else "zh"


def visible_text(page, selector: str) -> str:
    return page.locator(selector).inner_text()


def expected_dates(call: dict) -> list[str]:
    return [str(d["date"]) for d in call["deadlines"]]


def check_banner(page, path: str, state: str) -> None:
    """The banner says `state` ("open"/"closed") for the call, with each deadline's date and clause."""
    banner = page.locator(BANNER)
    assert banner.count() == 1, path
    call, applicant = call_data(banner.get_attribute("data-call"))
    lang = lang_of(path)
    text = banner.inner_text()
    assert UI[f"status_{state}"][lang].format(year=call["year"]) in text, (path, text)
    other = "closed" if state == "open" else "open"
    assert UI[f"status_{other}"][lang].format(year=call["year"]) not in text, (path, text)
    assert banner.get_attribute("data-applicant") == applicant
    items = banner.locator("[data-deadline]")
    assert [items.nth(i).get_attribute("data-deadline") for i in range(items.count())] == expected_dates(call)
    for i, deadline in enumerate(call["deadlines"]):
        item = items.nth(i).inner_text()
        assert deadline["who"][lang] in item and deadline["citation"]["clause"][lang] in item, (path, item)
    # What a visitor can do, for that state.
    for key in (["status_do_read", "status_do_check_next", "status_do_contact"] if state == "closed"
                else ["status_do_apply", "status_do_check", "status_do_contact"]):
        assert page.locator(BANNER).get_by_role("link", name=UI[key][lang], exact=True).is_visible(), (path, key)
    assert UI["status_reading"][lang] in text


def test_banner_is_on_every_page_and_its_static_fallback_says_closed_without_javascript(browser, site_server,
                                                                                         site_dir):
    """The dates are past: the build date (after them) decides the HTML, which says "closed" as it is."""
    pages = built_pages(site_dir)
    assert "" in pages and "en/" in pages and "checker/" in pages
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for path in pages:
        page.goto(site_server + path)
        check_banner(page, path, "closed")
        assert page.locator(f"{BANNER} [data-static]").is_visible(), path  # "as of the day this page was built"
    context.close()


def test_banner_follows_the_visitors_date_on_every_guide_page(browser, site_server, site_dir):
    """With JavaScript on, today's date (after the deadlines) says closed and hides the build-date note."""
    context = browser.new_context()
    # The checker and screening pages boot Pyodide: not needed to read the banner.
    context.route(re.compile(r".*/assets/(pyodide|checker|screening)/.*"), lambda route: route.abort())
    page = context.new_page()
    for path in built_pages(site_dir):
        page.goto(site_server + path)
        check_banner(page, path, "closed")
        assert page.locator(f"{BANNER} [data-static]").is_hidden(), path
    context.close()


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour))


@pytest.mark.parametrize("path", ["", "en/", "directions/", "en/process/"])
def test_before_and_on_the_deadline_the_banner_says_open_and_the_day_after_closed(browser, site_server, path):
    """The checker's rule (checker/engine.py phase_status): a deadline is open up to and including its day."""
    call_id = sorted(p.name for p in CALLS.iterdir() if (p / "call.yaml").is_file())[-1]
    call, applicant = call_data(call_id)
    deadline = next(d for d in call["deadlines"] if d["id"] == applicant)["date"]
    one_day = datetime.timedelta(days=1)
    for moment, state in ((_at(deadline - one_day, 9), "open"), (_at(deadline, 23), "open"),
                          (_at(deadline + one_day, 0), "closed")):
        context = browser.new_context()
        page = context.new_page()
        page.clock.set_fixed_time(moment)
        page.goto(site_server + path)
        check_banner(page, path, state)
        # Each deadline on its own: the units' later deadline is still open the day after the applicants'.
        for item in page.locator(f"{BANNER} [data-deadline]").all():
            item_state = "open" if moment.date().isoformat() <= item.get_attribute("data-deadline") else "closed"
            word = UI[f"status_phase_{item_state}"][lang_of(path)]
            assert item.locator(f"[data-when={item_state}]").inner_text() == word
            assert item.locator(f"[data-when={item_state}]").is_visible()
        context.close()


@pytest.mark.parametrize("path", ["", "en/"])
def test_home_first_phone_screen_says_where_the_call_stands_and_offers_both_actions(browser, site_server, path):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(site_server + path)
    lang = lang_of(path)

    def within_screen(locator) -> None:
        box = locator.bounding_box()
        assert box is not None and locator.is_visible()
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], box
        assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box

    within_screen(page.locator(f"{BANNER} .call-status__headline"))
    within_screen(page.locator(f"{BANNER} .call-status__dates"))
    within_screen(page.locator("article h1"))
    for key, target in (("home_action_check", r"checker/$"), ("home_action_find", r"directions/(#finder)?$")):
        button = page.get_by_role("link", name=UI[key][lang], exact=True)
        within_screen(button)
        assert re.search(target, button.get_attribute("href")), button.get_attribute("href")
    # A real tap on the first action opens the checker.
    page.get_by_role("link", name=UI["home_action_check"][lang], exact=True).tap()
    page.wait_for_url(re.compile(r"/checker/$"))
    context.close()


# ------------------------------------------------------------------ the direction finder


def newest_call_id() -> str:
    return sorted(p.name for p in CALLS.iterdir() if (p / "call.yaml").is_file())[-1]


def directions_data(call_id: str) -> dict:
    return yaml.safe_load((CALLS / call_id / "directions.yaml").read_text("utf-8"))


def shown_directions(page) -> list[str]:
    return [el.get_attribute("id").removeprefix("finder-")
            for el in page.locator(".finder-item").all() if el.is_visible()]


@pytest.mark.parametrize("path", ["directions/", "en/directions/"])
def test_finder_lists_every_direction_without_javascript(browser, site_server, path):
    data, lang = directions_data(newest_call_id()), lang_of(path)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server + path)
    assert page.locator("[data-finder]").is_hidden()  # the questions need the script; the list does not
    assert shown_directions(page) == [d["id"] for d in sorted(data["directions"], key=lambda d: d["number"])]
    for d in data["directions"]:
        item = page.locator(f"#finder-{d['id']}").inner_text()
        for fact in (d["targets"], d["example"]):
            assert fact["citation"]["clause"][lang] in item
        assert UI["finder_who"][lang] in item and UI["finder_example"][lang] in item
        assert page.locator(f"#finder-{d['id']} a[href$='checker/?direction={d['id']}']").count() == 1
    context.close()


@pytest.mark.parametrize("path", ["directions/", "en/directions/"])
def test_finder_narrows_the_list_by_keyboard(site_server, page, path):
    """The first question asks what the project is in plain words (directions.yaml finder: the site's reading,
    said under it), each answer leading to its directions; the second, the roles the notice names."""
    data, lang = directions_data(newest_call_id()), lang_of(path)
    ordered = [d for d in sorted(data["directions"], key=lambda d: d["number"])]
    kinds = data["finder"]["kinds"]
    page.goto(site_server + path)
    count = page.locator("[data-finder-count]")
    assert shown_directions(page) == [d["id"] for d in ordered]
    assert count.inner_text() == UI["finder_count"][lang].format(shown=len(ordered), total=len(ordered))
    assert page.locator("[data-finder] legend").first.inner_text() == UI["finder_q_kind"][lang]
    assert page.get_by_text(data["finder"]["reading"][lang]).is_visible()
    labels = page.locator("input[name=finder-kind]").evaluate_all("els => els.map(e => e.parentElement.textContent.trim())")
    assert labels[1:] == [k["label"][lang] for k in kinds]
    # Keyboard only: into the first question's radio group, arrow to the second kind of project.
    page.locator("input[name=finder-kind]").first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    kind = kinds[1]
    expected = [d["id"] for d in ordered if d["id"] in kind["directions"]]
    assert shown_directions(page) == expected and expected
    assert count.inner_text() == UI["finder_count"][lang].format(shown=len(expected), total=len(ordered))
    # Back to the first kind, then a role the notice names for one of its directions: directions naming that
    # role, and that kind's; then "none of these": only directions that name no role.
    page.keyboard.press("ArrowUp")
    kind = kinds[0]
    roles = [r["id"] for d in ordered for r in d["roles"]]
    page.keyboard.press("Tab")  # into the role group (its checked radio: "any")
    page.keyboard.press("ArrowDown")
    role = roles[0]
    expected = [d["id"] for d in ordered if d["id"] in kind["directions"]
                and (not d["roles"] or role in [r["id"] for r in d["roles"]])]
    assert shown_directions(page) == expected
    page.keyboard.press("ArrowUp")  # back to "any", then round to the last option: none of these
    page.keyboard.press("ArrowUp")
    assert page.locator("input[name=finder-role]:checked").get_attribute("value") == "-"
    expected = [d["id"] for d in ordered if d["id"] in kind["directions"] and not d["roles"]]
    assert shown_directions(page) == expected
    assert count.inner_text() == (UI["finder_count"][lang].format(shown=len(expected), total=len(ordered))
                                  if expected else UI["finder_nothing"][lang])


def test_direction_page_says_when_its_checker_link_replaces_the_saved_direction(site_server, page):
    call_id = newest_call_id()
    ordered = sorted(directions_data(call_id)["directions"], key=lambda d: d["number"])
    here, saved = ordered[-1], ordered[0]
    rules = yaml.safe_load((CALLS / call_id / "rules.yaml").read_text("utf-8"))
    page.goto(site_server + f"en/directions/{here['slug']}/")
    note = page.locator("[data-replaces]")
    assert note.is_hidden()  # nothing saved
    # What the checker saves (docs/assets/checker/storage.js): an export document under its key for the call.
    key = f"bdpilot-checker:answers:{call_id}"
    page.evaluate("([k, v]) => localStorage.setItem(k, JSON.stringify(v))",
                  [key, {"call": call_id, "answers": {rules["direction_question"]: saved["id"]}}])
    page.reload()
    assert note.is_visible()
    text = note.inner_text()
    assert text == UI["dir_replaces"]["en"].format(chosen=f"{saved['number']}. {saved['title']['en']}",
                                                   this=f"{here['number']}. {here['title']['en']}")
    # The same direction saved: nothing to say.
    page.evaluate("([k, v]) => localStorage.setItem(k, JSON.stringify(v))",
                  [key, {"call": call_id, "answers": {rules["direction_question"]: here["id"]}}])
    page.reload()
    assert note.is_hidden()
    page.evaluate("k => localStorage.removeItem(k)", key)


# ------------------------------------------------------------------ 404


@pytest.mark.parametrize("missing, lang", [("no-such-page/", "zh"), ("en/no-such-page/", "en"),
                                           ("directions/no-such-direction/", "zh")])
def test_a_missing_page_answers_404_in_both_languages_with_links(site_server, page, missing, lang):
    """Static hosts answer every missing address with the root 404.html: both languages are on it."""
    response = page.goto(site_server + missing)
    assert response.status == 404
    for other in ("zh", "en"):
        section = page.locator(f"section.not-found[lang={other}]")
        assert section.get_by_role("heading", name=UI["not_found_title"][other]).is_visible()
        assert section.get_by_role("link", name=UI["nav_home"][other], exact=True).is_visible()
    check_banner(page, "", "closed")  # the one root 404.html is the default language's page, banner included
    page.locator(f"section.not-found[lang={lang}]").get_by_role("link", name=UI["home_action_find"][lang]).click()
    # click() returns once the navigation commits, before the new page is parsed: wait for its load, then look.
    page.wait_for_url(site_server + ("en/" if lang == "en" else "") + "directions/#finder", wait_until="load")
    assert page.locator("#finder").is_visible()


@pytest.mark.parametrize("path", ["", "en/", "checker/", "en/screening/"])
def test_the_titles_follow_the_visitors_date_as_the_banner(browser, site_server, path):
    """The heading and the window title say whether the call is open or closed for the visitor's own date (the
    build date's state is only the fallback), with the same rule as the banner."""
    call_id = sorted(p.name for p in CALLS.iterdir() if (p / "call.yaml").is_file())[-1]
    call, applicant = call_data(call_id)
    deadline = next(d for d in call["deadlines"] if d["id"] == applicant)["date"]
    lang = lang_of(path)
    for moment, state in ((_at(deadline, 23), "open"), (_at(deadline + datetime.timedelta(days=1), 0), "closed")):
        context = browser.new_context()
        context.route(re.compile(r".*/assets/(pyodide|checker|screening)/.*"), lambda route: route.abort())
        page = context.new_page()
        page.clock.set_fixed_time(moment)
        page.goto(site_server + path)
        other = "closed" if state == "open" else "open"
        word, other_word = UI[f"status_phase_{state}"][lang], UI[f"status_phase_{other}"][lang]
        heading = page.locator("h1").inner_text()
        assert word in heading and other_word not in heading and str(call["year"]) in heading, heading
        title = page.title()
        assert word in title and other_word not in title and str(call["year"]) in title, title
        context.close()
