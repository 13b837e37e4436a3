"""Several calls side by side: the real build with the made-up call tests/fixtures/calls/mini added beside 2022.

The mini call (year 2099) is the newest, so it takes today's URLs and 2022 moves to /2022/ — exactly what happens
when next year's call is added. Checked here from the built HTML: every page of both calls in both languages, the
stable URLs, the call switcher and the nav, the "what changed" page, the call each checker and screening page
sends, the wheel's bundles, and that the build compiles each call once. The browser side is in
tests/browser/test_calls_in_browser.py. Also here: a call folder that lacks a fact a page needs fails `make validate`.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from checker.strings import s

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = REPO_ROOT / "build_scripts" / "templates"
LANGS = ("zh", "en")
NEWEST, OLDER = "mini", "2022"
PREFIX = {NEWEST: "", OLDER: f"{OLDER}/"}


def data(policy: Path, call: str, name: str) -> dict:
    return yaml.safe_load((policy / "calls" / call / f"{name}.yaml").read_text("utf-8"))


def url_dir(page: str) -> str:
    """'index' -> '', 'directions/index' -> 'directions/', 'checker' -> 'checker/'."""
    if page == "index":
        return ""
    return page[: -len("index")] if page.endswith("/index") else page + "/"


def call_pages(policy: Path, call: str) -> list[str]:
    pages = [t.relative_to(TEMPLATES / "pages").as_posix()[: -len(".md.j2")]
             for t in (TEMPLATES / "pages").rglob("*.md.j2")]
    pages += [f"directions/{d['slug']}" for d in data(policy, call, "directions")["directions"]]
    if call == NEWEST:
        pages.append("changes")
    return sorted(url_dir(p) for p in pages)


def page_path(site: Path, lang: str, url: str) -> Path:
    return site / ("en/" if lang == "en" else "") / url / "index.html"


def read(site: Path, lang: str, url: str) -> str:
    path = page_path(site, lang, url)
    assert path.is_file(), f"missing {path.relative_to(site)}"
    return path.read_text("utf-8")


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def article(page: str) -> str:
    match = re.search(r"<article\b.*?</article>", page, re.S)
    assert match, "no <article>"
    return match.group(0)


@pytest.fixture(scope="module")
def built(calls_site):
    return calls_site["site"], calls_site["policy"]


def test_the_build_compiles_each_call_once(calls_site):
    log = calls_site["log"]
    for call in (OLDER, NEWEST):
        assert len(re.findall(rf"bundles: compiled call {call} ", log)) == 1, log[-3000:]
        assert (calls_site["build"] / "bundles" / f"{call}.json").is_file()


def test_every_page_of_both_calls_exists_in_both_languages(built):
    site, policy = built
    for call in (NEWEST, OLDER):
        title = data(policy, call, "call")["title"]["text"]
        for lang in LANGS:
            for url in call_pages(policy, call):
                page = read(site, lang, PREFIX[call] + url)
                assert f'<html lang="{"zh" if lang == "zh" else "en"}' in page, (call, lang, url)
            home = article(read(site, lang, PREFIX[call]))
            assert html.escape(title[lang], quote=False) in home or title[lang] in text_of(home), (call, lang)
    # The oldest call has nothing to compare with: no "what changed" page.
    assert not page_path(site, "zh", f"{OLDER}/changes/").exists()


def test_newest_call_has_stable_urls_that_lead_to_todays(built):
    site, policy = built
    for lang in LANGS:
        for url in call_pages(policy, NEWEST):
            stub = read(site, lang, f"{NEWEST}/{url}")
            target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', stub).group(1)
            base = ("en/" if lang == "en" else "") + f"{NEWEST}/{url}"
            resolved = posixpath.normpath(urljoin("/" + base, target)).lstrip("/")
            expected = (("en/" if lang == "en" else "") + url).rstrip("/")
            assert resolved == expected, (lang, url, target)
            assert page_path(site, lang, url).is_file()
            # No icon to fetch: one would be aborted by the refresh, and none makes the browser ask /favicon.ico.
            assert '<link rel="icon" href="data:,">' in stub, (lang, url)


def test_call_switcher_on_every_page_links_the_same_page_of_each_call(built):
    site, policy = built
    for call in (NEWEST, OLDER):
        for lang in LANGS:
            for url in call_pages(policy, call):
                page = read(site, lang, PREFIX[call] + url)
                box = re.search(r'<details class="md-header__option call-switcher" data-call="([^"]*)">(.*?)</ul>',
                                page)
                assert box and box.group(1) == call, (call, lang, url)
                links = dict((c, h) for h, c in re.findall(r'<a href="([^"]+)" class="call-switcher__link"[^>]*'
                                                           r'data-call="([^"]+)"', box.group(2)))
                assert set(links) == {NEWEST, OLDER}
                assert 'aria-current="page" data-call="' + call + '"' in box.group(2)
                here = ("en/" if lang == "en" else "") + PREFIX[call] + url
                for other, href in links.items():
                    target = posixpath.normpath(posixpath.join(here, href))
                    target = "" if target == "." else target + "/"
                    same = PREFIX[other] + url if url in call_pages(policy, other) else PREFIX[other]
                    assert target == ("en/" if lang == "en" else "") + same, (call, lang, url, other, href)
                assert "call-switcher__all" in box.group(2)


def test_each_page_shows_the_nav_of_its_own_call(built):
    site, _policy = built
    for lang in LANGS:
        older = read(site, lang, f"{OLDER}/eligibility/")
        nav = older[older.index("md-nav--primary"):older.index("md-sidebar--secondary")]
        hrefs = re.findall(r'<a href="([^"]+)" class="md-nav__link', nav)
        assert "../directions/data-management/" in hrefs and "../../directions/a1/" not in hrefs
        newest = read(site, lang, "eligibility/")
        nav = newest[newest.index("md-nav--primary"):newest.index("md-sidebar--secondary")]
        hrefs = re.findall(r'<a href="([^"]+)" class="md-nav__link', nav)
        assert "../directions/a1/" in hrefs and not any(h.startswith(f"../{OLDER}/") for h in hrefs)


def test_calls_page_lists_every_call(built):
    site, policy = built
    for lang in LANGS:
        body = article(read(site, lang, "calls/"))
        for call in (NEWEST, OLDER):
            doc = data(policy, call, "call")["document_number"]
            assert doc["citation"]["quote"] in text_of(body)
            assert f'href="../{call}/"' in body  # the call's stable address
        assert 'href="../changes/"' in body


def test_what_changed_page_lists_the_fixture_differences_with_both_citations(built):
    site, policy = built
    old_dirs = {d["id"]: d for d in data(policy, OLDER, "directions")["directions"]}
    new_dirs = {d["id"]: d for d in data(policy, NEWEST, "directions")["directions"]}
    old_rec = data(policy, OLDER, "eligibility")["recommendation"]
    new_rec = data(policy, NEWEST, "eligibility")["recommendation"]
    old_call, new_call = data(policy, OLDER, "call"), data(policy, NEWEST, "call")
    for lang in LANGS:
        body = article(read(site, lang, "changes/"))
        text = text_of(body)

        def section(key: str) -> str:
            match = re.search(rf'id="{key}".*?(?=<h2 |$)', body, re.S)
            assert match, f"{lang}: no section {key}"
            return text_of(match.group(0))

        dirs = section("directions")
        assert new_dirs["a1"]["title"][lang] in dirs  # added
        for gone in set(old_dirs) - set(new_dirs):
            assert old_dirs[gone]["title"][lang] in dirs, gone  # removed
        assert old_dirs["d5"]["title"][lang] not in dirs  # kept, same title: no row
        quotas = section("quotas")
        old_province = next(k for k in old_rec["unit_kinds"] if k["id"] == "province")
        new_province = next(k for k in new_rec["unit_kinds"] if k["id"] == "province")
        assert re.search(rf"\b{old_province['quota']}\b.*\b{new_province['quota']}\b", quotas)
        minimums = section("minimums")
        assert re.search(rf"{old_dirs['d5']['minimums'][0]['value']} .*{new_dirs['d5']['minimums'][0]['value']} ",
                         minimums)
        deadlines = section("deadlines")
        for deadline in old_call["deadlines"] + new_call["deadlines"]:
            year, month, day = map(int, str(deadline["date"]).split("-"))
            assert (f"{year}年{month}月{day}日" if lang == "zh" else f"{day} ") in deadlines
        kinds = section("applicant-kinds")
        assert ("联合体" if lang == "zh" else "Consortium") in kinds
        priorities = section("priority-conditions")
        assert ("开源项目" if lang == "zh" else "Open source") in priorities
        # Both citations of each change: the quotes of both notices are in the footnotes.
        for quote in (old_province["citation"]["quote"], new_province["citation"]["quote"],
                      old_dirs["d5"]["minimums"][0]["citation"]["quote"],
                      new_dirs["d5"]["minimums"][0]["citation"]["quote"],
                      old_call["deadlines"][0]["citation"]["quote"], new_call["deadlines"][0]["citation"]["quote"]):
            assert quote in text, (lang, quote)


def test_each_calls_checker_and_screening_pages_carry_their_call(built):
    site, policy = built
    for call in (NEWEST, OLDER):
        quotas = {k["id"]: k["quota"] for k in data(policy, call, "eligibility")["recommendation"]["unit_kinds"]}
        questions = [q["id"] for q in data(policy, call, "questions")["questions"]]
        for lang in LANGS:
            checker = read(site, lang, PREFIX[call] + "checker/")
            assert f'id="checker" data-lang="{lang}" data-call="{call}"' in checker
            assert all(f'data-question="{q}"' in checker for q in questions)
            screening = read(site, lang, PREFIX[call] + "screening/")
            assert f'data-call="{call}"' in screening
            found = dict(re.findall(r'id="screening-kind-([^"]+)" value="[^"]+" data-quota="(\d+)"', screening))
            assert {k: int(v) for k, v in found.items()} == quotas


def test_the_wheel_ships_every_calls_bundle(built):
    site, _policy = built
    manifest = json.loads((site / "assets" / "checker" / "manifest.json").read_text("utf-8"))
    assert set(manifest["rulesets"]) == {NEWEST, OLDER}
    with zipfile.ZipFile(site / "assets" / "checker" / manifest["wheel"]) as wheel:
        names = set(wheel.namelist())
    assert {f"checker/data/{NEWEST}.json", f"checker/data/{OLDER}.json"} <= names


# ---------------------------------------------------------------- the schema: what a page needs is required

def make_validate(policy: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "validate", f"POLICY_DATA={policy}"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("file,old,new,expected", [
    # The home, process and checker pages state the applicants' deadline: it must say which deadline that is.
    ("call", "    role: applicant_filing\n", "", r"call\.yaml:\d+: deadlines: needs an item with role: applicant_filing"),
    # A quota exemption is optional, but whole: a condition with no exemption to name (or the reverse) fails, and
    # so does an exemption the pages and messages could not name.
    ("rules", "  units: {ref: eligibility.recommendation.unit_kinds}\n",
     "  units: {ref: eligibility.recommendation.unit_kinds}\n  exempt_if: {q: own_ip, eq: \"yes\"}\n",
     r"rules\.yaml:\d+: quota: 'exempt_if' needs 'exemption' beside it \(both or neither\)"),
    ("eligibility", "  unit_kinds:\n",
     "  quota_exemption: {text: {zh: 甲, en: A}, citation: {clause: {zh: 二, en: II}, quote: 优先支持开源项目}}\n"
     "  unit_kinds:\n",
     r"eligibility\.yaml:\d+: recommendation\.quota_exemption: missing required key 'name'"),
])
def test_a_call_missing_a_fact_a_page_needs_fails_make_validate(tmp_path, fixture_policy, file, old, new,
                                                                expected):
    policy = fixture_policy(tmp_path)
    assert make_validate(policy).returncode == 0
    path = policy / "calls" / "mini" / f"{file}.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    result = make_validate(policy)
    assert result.returncode != 0
    assert str(path) in result.stdout + result.stderr
    assert re.search(expected, result.stdout + result.stderr), result.stdout + result.stderr


# ---------------------------------------------------------------- a call with no quota exemption

EXEMPTION_WORDS = {"zh": "豁免", "en": "exempt"}  # what every heading, label and sentence about one contains


def visible_text(page: str) -> str:
    """The article's text as a reader sees it: without its scripts (the page's strings are JSON there)."""
    return text_of(re.sub(r"<script\b.*?</script>", " ", article(page), flags=re.S))


def headings(page: str) -> list[str]:
    """The article's headings, as read (without their ¶ permalinks)."""
    return [text_of(re.sub(r'<a class="headerlink".*?</a>', "", h)).strip()
            for h in re.findall(r"<h[1-6]\b.*?</h[1-6]>", article(page), re.S)]


def test_a_call_without_an_exemption_says_nothing_of_one(built):
    """The mini call has no quota exemption: none of its pages, in either language, names DCMM (not even in the
    page's strings for its scripts), has a heading or a sentence about an exemption, or links to a section of one;
    the screening page's script gets no words for one. (Its "what changed" page compares it with 2022, which has
    one: there the exemption is said removed, by 2022's name for it.)"""
    site, policy = built
    for lang in LANGS:
        for url in call_pages(policy, NEWEST):
            if url == "changes/":
                continue
            page = read(site, lang, url)
            assert "dcmm" not in article(page).lower(), (lang, url)
            assert EXEMPTION_WORDS[lang] not in visible_text(page).lower(), (lang, url)
            assert not any(EXEMPTION_WORDS[lang] in h.lower() for h in headings(page)), (lang, url)
            assert "quota-exemption" not in page, (lang, url)
        screening = read(site, lang, "screening/")
        strings = json.loads(html.unescape(re.search(
            r'<script type="application/json" id="screening-strings">(.*?)</script>', screening, re.S).group(1)))
        assert "done_exemption" not in strings and "exempt" not in strings["summary"]


def test_what_changed_names_the_exemption_the_newer_call_dropped(built):
    """2022 has a quota exemption and the mini call none: the quotas section says it was removed, under 2022's own
    name for it, with its lowest level before and nothing after, citing 2022's clause."""
    site, policy = built
    old = data(policy, OLDER, "eligibility")["recommendation"]["quota_exemption"]
    for lang in LANGS:
        body = article(read(site, lang, "changes/"))
        section = text_of(re.search(r'id="quotas".*?(?=<h2 |$)', body, re.S).group(0))
        assert old["name"][lang] in section
        row = next(line for line in re.findall(r"<tr>.*?</tr>", body, re.S) if old["name"][lang] in text_of(line))
        cells = [text_of(c).strip() for c in re.findall(r"<td\b.*?</td>", row, re.S)]
        assert cells[1] == s("guide.changes_removed", lang)
        assert cells[2].startswith(str(old["min_level"])) and cells[3].startswith(s("guide.changes_absent", lang))
        assert old["citation"]["quote"] in text_of(body)


def test_the_2022_pages_state_its_exemption_from_its_data(built):
    """2022, the call with an exemption, keeps every page that says it, now worded from its data: the
    recommending-units section (its name as the heading, its words, the standard's levels with the lowest one
    marked), the eligibility page's link to it, the screening page's rule and the home page's link."""
    site, policy = built
    exemption = data(policy, OLDER, "eligibility")["recommendation"]["quota_exemption"]
    for lang in LANGS:
        units = read(site, lang, f"{OLDER}/recommending-units/")
        assert exemption["name"][lang] in headings(units)
        text = visible_text(units)
        assert exemption["text"][lang] in text and exemption["standard"]["levels_intro"][lang] in text
        for level in exemption["standard"]["levels"]:
            assert level["name"][lang] in text
        assert 'id="quota-exemption"' in units
        for page in ("eligibility/", "screening/"):
            assert exemption["text"][lang] in visible_text(read(site, lang, OLDER + "/" + page)), (lang, page)
        assert 'recommending-units/#quota-exemption"' in read(site, lang, f"{OLDER}/eligibility/")
        assert exemption["name"][lang] in visible_text(read(site, lang, f"{OLDER}/"))
        assert "DCMM" in visible_text(read(site, lang, f"{OLDER}/screening/"))


# ---------------------------------------------------------------- a call whose rules change shape (issue 30)

def section_html(body: str, key: str) -> str:
    return re.search(rf'id="{key}".*?(?=<h2 |$)', body, re.S).group(0)


SHAPE = "shape2023"  # tests/fixtures/calls/shape2023: consortia, 10 / 3 / 3, an extra quota per demonstration base


@pytest.fixture(scope="module")
def shaped(shape2023_site):
    return shape2023_site["site"], shape2023_site["policy"]


def test_the_call_shaped_like_2023_builds_beside_2022_with_every_page(shape2023_site, shaped):
    site, policy = shaped
    assert len(re.findall(rf"bundles: compiled call {SHAPE} ", shape2023_site["log"])) == 1
    title = data(policy, SHAPE, "call")["title"]["text"]
    for lang in LANGS:
        for url in call_pages(policy, SHAPE) + ["changes/"]:  # the newest call: today's URLs, with "what changed"
            assert f'<html lang="{lang}' in read(site, lang, url), (lang, url)
        assert title[lang] in text_of(article(read(site, lang, "")))
        for url in call_pages(policy, OLDER):
            read(site, lang, f"{OLDER}/{url}")
    manifest = json.loads((site / "assets" / "checker" / "manifest.json").read_text("utf-8"))
    assert set(manifest["rulesets"]) == {SHAPE, OLDER}


def test_its_screening_page_states_its_quotas_its_extra_quota_and_its_consortia_from_the_data(shaped):
    site, policy = shaped
    rec = data(policy, SHAPE, "eligibility")["recommendation"]
    group = data(policy, SHAPE, "eligibility")["applicant_group"]
    extra = rec["extra_quotas"][0]
    for lang in LANGS:
        page = read(site, lang, "screening/")
        found = dict(re.findall(r'id="screening-kind-([^"]+)" value="[^"]+" data-quota="(\d+)"', page))
        assert {k: int(v) for k, v in found.items()} == {k["id"]: k["quota"] for k in rec["unit_kinds"]}
        text = visible_text(page)
        assert extra["name"][lang] in text and extra["citation"]["quote"] in text
        assert s("guide.screening_page.html.rules_extra_item", lang).split("{")[0] in text
        assert group["text"][lang] in text and group["shared_member"]["text"][lang] in text
        strings = json.loads(html.unescape(re.search(
            r'<script type="application/json" id="screening-strings">(.*?)</script>', page, re.S).group(1)))
        assert "bucket_cols" in strings and "exempt" not in strings["summary"]
        # 2022 has neither: its page names no extra quota and no group, and its script gets no words for them.
        older = read(site, lang, f"{OLDER}/screening/")
        assert extra["name"][lang] not in visible_text(older) and group["text"][lang] not in visible_text(older)
        strings = json.loads(html.unescape(re.search(
            r'<script type="application/json" id="screening-strings">(.*?)</script>', older, re.S).group(1)))
        assert "bucket_cols" not in strings


def test_its_recommending_units_page_states_the_extra_quota(shaped):
    site, policy = shaped
    extra = data(policy, SHAPE, "eligibility")["recommendation"]["extra_quotas"][0]
    for lang in LANGS:
        page = read(site, lang, "recommending-units/")
        card = text_of(re.search(rf'id="quota-extra-{extra["id"]}".*?</div>', page, re.S).group(0))
        assert s("guide.units_extra_quota_value", lang, n=extra["quota"], per=extra["per"][lang]) in card
        assert extra["name"][lang] in card and extra["text"][lang] in card
        assert 'id="quota-extra-' not in read(site, lang, f"{OLDER}/recommending-units/")


def test_its_eligibility_page_says_what_a_consortium_is(shaped):
    site, policy = shaped
    group = data(policy, SHAPE, "eligibility")["applicant_group"]
    for lang in LANGS:
        page = read(site, lang, "eligibility/")
        said = re.search(r'<p id="applicant-group">.*?</p>', page, re.S)
        assert said and group["text"][lang] in text_of(said.group(0)) and group["citation"]["quote"] in visible_text(page)
        assert 'id="applicant-group"' not in read(site, lang, f"{OLDER}/eligibility/")


def test_its_pages_name_no_dcmm_and_no_exemption(shaped):
    site, policy = shaped
    for lang in LANGS:
        for url in call_pages(policy, SHAPE):
            page = read(site, lang, url)
            assert "dcmm" not in article(page).lower(), (lang, url)
            assert EXEMPTION_WORDS[lang] not in visible_text(page).lower(), (lang, url)


def test_what_changed_lists_the_2023_shaped_changes(shaped):
    """Directions added, applicant kinds (consortia added, industry associations gone), the city and central SOE
    quotas cut, the extra quota added, the exemption removed, the new dates: each with both calls' citations."""
    site, policy = shaped
    old_rec = data(policy, OLDER, "eligibility")["recommendation"]
    new_rec = data(policy, SHAPE, "eligibility")["recommendation"]
    new_kinds = {k["id"]: k for k in data(policy, SHAPE, "eligibility")["applicant_kinds"]["items"]}
    old_kinds = {k["id"]: k for k in data(policy, OLDER, "eligibility")["applicant_kinds"]["items"]}
    extra = new_rec["extra_quotas"][0]
    for lang in LANGS:
        body = article(read(site, lang, "changes/"))

        def section(key: str) -> str:
            return text_of(re.search(rf'id="{key}".*?(?=<h2 |$)', body, re.S).group(0))

        rows = {text_of(re.findall(r"<td\b.*?</td>", row, re.S)[0]).strip(): [
            text_of(c).strip() for c in re.findall(r"<td\b.*?</td>", row, re.S)]
            for row in re.findall(r"<tr>.*?</tr>", body, re.S) if "<td" in row}
        extra_row = rows[extra["name"][lang]]
        assert extra_row[1] == s("guide.changes_added", lang)
        assert extra_row[2].startswith(s("guide.changes_absent", lang)) and extra_row[3].startswith(str(extra["quota"]))
        for unit in new_rec["unit_kinds"]:
            before = next((u for u in old_rec["unit_kinds"] if u["id"] == unit["id"]), None)
            if before and before["quota"] != unit["quota"]:
                row = rows[unit["label"][lang]]
                assert row[2].startswith(str(before["quota"])) and row[3].startswith(str(unit["quota"])), row
        # Its directions have ids of their own: 2022's are each removed, its 13 each added (a title both calls use,
        # such as an industrial applications direction, is in two rows).
        listed = {(text_of(c[0]).strip(), text_of(c[1]).strip()) for c in (
            re.findall(r"<td\b.*?</td>", row, re.S) for row in re.findall(r"<tr>.*?</tr>", section_html(body, "directions"), re.S))
            if c}
        for call, change in ((OLDER, "removed"), (SHAPE, "added")):
            for direction in data(policy, call, "directions")["directions"]:
                assert (direction["title"][lang], s("guide.changes_" + change, lang)) in listed, (call, direction["id"])
        kinds = section("applicant-kinds")
        assert new_kinds["consortium"]["label"][lang] in kinds
        assert old_kinds["industry_association"]["label"][lang] in kinds
        quotas = section("quotas")
        assert old_rec["quota_exemption"]["name"][lang] in quotas and s("guide.changes_removed", lang) in quotas
        assert extra["citation"]["quote"] in text_of(body)
        deadlines = section("deadlines")
        for deadline in data(policy, SHAPE, "call")["deadlines"]:
            year, month, day = map(int, str(deadline["date"]).split("-"))
            assert (f"{year}年{month}月{day}日" if lang == "zh" else f"{day} ") in deadlines
