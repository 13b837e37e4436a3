"""Site-wide parts of every built page (issue 17): the call-status banner's static state is decided by the build
date with the checker's rule; every page has a meta description; 404 pages in both languages."""

from __future__ import annotations

import datetime
import html
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "build_scripts"))

from checker import strings  # noqa: E402
from guide import bundles, call_status, calls as calls_mod, paths  # noqa: E402

UI = strings.pairs("guide")


@pytest.fixture(scope="module")
def newest():
    return calls_mod.arrange(bundles.ensure_all(paths.policy_data_dir(), log=lambda *_: None))[-1]


def shown(banner_html: str) -> str:
    """The banner's text without the elements it starts hidden."""
    visible = re.sub(r"<(\w+)[^>]*\shidden>.*?</\1>", "", banner_html)
    return html.unescape(re.sub(r"<[^>]+>", "", visible))


def test_the_build_date_decides_the_static_banner_by_the_checkers_rule(newest):
    applicant_id = newest.ruleset["timeline"]["applicant_deadline"]
    deadline = datetime.date.fromisoformat(
        str(next(d for d in newest.ruleset["timeline"]["deadlines"] if d["id"] == applicant_id)["date"]))
    href = call_status.page_href("", "")
    for lang in ("zh", "en"):
        year = newest.year
        for as_of, state in ((deadline, "open"), (deadline + datetime.timedelta(days=1), "closed")):
            text = shown(call_status.banner(newest, UI, lang, href, as_of=as_of))
            other = "closed" if state == "open" else "open"
            assert UI[f"status_{state}"][lang].format(year=year) in text
            assert UI[f"status_{other}"][lang].format(year=year) not in text
        # Built today (after the dates): closed, and the page says which date decided it.
        text = shown(call_status.banner(newest, UI, lang, href))
        if call_status.build_date() > deadline:
            assert UI["status_closed"][lang].format(year=year) in text


# ------------------------------------------------------------------ every built page

from html.parser import HTMLParser  # noqa: E402

SITE = REPO / "site"


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.lang = None
        self.sections: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name"):
            self.meta[a["name"]] = a.get("content") or ""
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "section" and "not-found" in (a.get("class") or ""):
            self.sections.append(a.get("lang"))
        if tag == "a" and self.sections and a.get("href"):
            self.links.append(a["href"])


def parsed(path: Path) -> _Head:
    head = _Head()
    head.feed(path.read_text("utf-8"))
    return head


def built_html_pages() -> list[Path]:
    if not (SITE / "index.html").is_file():
        pytest.fail("site/ is not built: run `make build` (make test builds first)", pytrace=False)
    return sorted(p for p in SITE.rglob("*.html")
                  if not p.relative_to(SITE).as_posix().startswith(("assets/", "search/")))


def test_every_built_page_has_a_meta_description(newest):
    checked = 0
    for path in built_html_pages():
        head = parsed(path)
        if head.meta.get("robots") == "noindex":  # the stable-URL redirect pages (guide/redirects.py)
            assert 'http-equiv="refresh"' in path.read_text("utf-8"), path
            continue
        description = head.meta.get("description", "").strip()
        assert description, f"{path.relative_to(SITE)} has no meta description"
        checked += 1
    assert checked >= 2 * len(newest.pages)
    # From the data: a direction page's says whom the direction is for.
    for d in newest.data["directions"]["directions"]:
        for lang, prefix in (("zh", ""), ("en", "en/")):
            head = parsed(SITE / f"{prefix}directions/{d['slug']}" / "index.html")
            assert d["targets"]["text"][lang] in head.meta["description"], (lang, d["id"])


@pytest.mark.parametrize("where, lang", [("404.html", "zh"), ("en/404.html", "en")])
def test_404_pages_have_every_language_their_own_first_and_links_that_exist(where, lang):
    head = parsed(SITE / where)
    assert head.lang == lang
    assert head.sections[0] == lang and sorted(head.sections) == ["en", "zh"]
    text = (SITE / where).read_text("utf-8")
    for other in ("zh", "en"):
        assert UI["not_found_title"][other] in text and UI["not_found_text"][other] in text
    assert head.links
    for href in head.links:
        assert href.startswith("/"), href  # served at any address: root-absolute (site_url's path is /)
        target = SITE / href.split("#")[0].lstrip("/") / "index.html"
        assert target.is_file(), href


# ------------------------------------------------------------------ issue 27: what the guide says the notice says

from guide.render import format_date  # noqa: E402

LANG_PREFIX = {"zh": "", "en": "en/"}


def page_html(lang: str, url: str) -> str:
    path = SITE / LANG_PREFIX[lang] / url / "index.html"
    if not path.is_file():
        pytest.fail(f"missing {path.relative_to(SITE)}: run `make build`", pytrace=False)
    return path.read_text("utf-8")


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def article_of(page: str) -> str:
    match = re.search(r"<article\b.*?</article>", page, re.S)
    assert match, "no <article>"
    return match.group(0)


def without_deadline_reading(page: str) -> str:
    """The page without the process page's paragraph that gives the site's reading of a deadline (kept as it is:
    it says it is the site's reading)."""
    return re.sub(r'<div class="deadline-reading" id="deadline-reading">.*?</div>', "", page, flags=re.S)


# A phrase that states the deadline day itself as included, as if the notice said so.
DAY_INCLUDED = {"zh": ("含当日", "当日在内"), "en": ("day itself included", "including that day")}
# The words that say the notice is silent on it.
NOTICE_SILENT = {"zh": "通知未说明", "en": "the notice does not say"}


def notice_words(lang: str, date: str) -> str:
    """How the notice's 「于 <date> 前」 reads on a page: the date, then 前 / "before" the date."""
    return f"{format_date(date, lang)}前" if lang == "zh" else f"before {format_date(date, lang)}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("url", ["", "process/", "recommending-units/", "calls/"])
def test_deadlines_are_stated_in_the_notices_words_and_the_day_itself_is_not_claimed(newest, url, lang):
    """The notice says 「于 2022 年 5 月 4 日前」 and is silent on the day itself: every date phrase says "before" and
    that the notice does not say; only the process page's marked reading (deadline_reading) gives the site's."""
    # The banner gives the dates short, beside one link saying the notice is silent (its own test, below).
    page = re.sub(r'<div class="call-status".*?</ul>.*?</div>', "", without_deadline_reading(page_html(lang, url)),
                  flags=re.S)
    text = text_of(page)
    dates = [str(d["date"]) for d in newest.data["call"]["deadlines"]]
    shown = [d for d in dates if format_date(d, lang) in text]
    assert shown, f"{lang}:{url or 'home'} states no deadline"
    for date in shown:
        assert notice_words(lang, date) in text, (lang, url, date)
        phrase = UI["by_date"][lang].format(date=format_date(date, lang))
        assert phrase in text and NOTICE_SILENT[lang] in phrase, (lang, url, phrase)
    for claim in DAY_INCLUDED[lang]:
        assert claim not in text, f"{lang}:{url or 'home'} says “{claim}” as if the notice said it"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_call_status_banner_does_not_claim_the_day_itself(newest, lang):
    text = shown(call_status.banner(newest, UI, lang, call_status.page_href("", "")))
    for deadline in newest.data["call"]["deadlines"]:
        assert notice_words(lang, str(deadline["date"])) in text, lang
    assert NOTICE_SILENT[lang] in text.lower()
    for claim in DAY_INCLUDED[lang]:
        assert claim not in text, (lang, claim)


def test_the_faq_gives_the_deadlines_in_the_notices_words(newest):
    """The FAQ's answer may give the site's reading (marked as such) but says "before", as the notice does."""
    for lang in ("zh", "en"):
        text = text_of(article_of(page_html(lang, "faq/")))
        for deadline in newest.data["call"]["deadlines"]:
            date = format_date(str(deadline["date"]), lang)
            if lang == "en":
                assert f"before {date}" in text and f"by {date}" not in text, date
            else:
                assert f"{date}前" in squeezed(text), date
        for claim in DAY_INCLUDED[lang]:
            for sentence in re.split(r"[。.;；]", text):
                if claim in sentence:
                    assert ("本网站" if lang == "zh" else "this site") in sentence, sentence


def _table_row(body: str, slug: str) -> str:
    rows = [row for row in re.findall(r"<tr>.*?</tr>", body, re.S) if f'href="../directions/{slug}/"' in row
            or f'href="{slug}/"' in row]
    assert len(rows) == 1, (slug, len(rows))
    return rows[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_directions_overview_says_which_role_each_minimum_applies_to(newest, lang):
    """Direction 1's enterprises and direction 3's typical models are asked of one role only (directions.yaml:
    minimums[].role); the overview's table says so next to the figure, and links to the role."""
    body = article_of(page_html(lang, "directions/"))
    checked = 0
    for d in newest.data["directions"]["directions"]:
        roles = {r["id"]: r for r in d["roles"]}
        row = _table_row(body, d["slug"])
        cell = text_of(row)
        for m in d["minimums"]:
            assert f"≥ {m['value']} {m['unit'][lang]}" in cell, (lang, d["id"], cell)
            if m.get("role"):
                role = roles[m["role"]]
                assert role["label"][lang] in cell, (lang, d["id"], cell)
                assert f'#role-{role["id"]}"' in row, (lang, d["id"])
                figure, label = cell.index(f"≥ {m['value']}"), cell.index(role["label"][lang])
                assert 0 < label - figure < 200, (lang, d["id"], cell)
                checked += 1
        # A role with no minimum of its own is not named as one's.
        for rid, role in roles.items():
            if all(m.get("role") != rid for m in d["minimums"]) and role["label"][lang] in cell:
                pytest.fail(f"{lang}: {d['id']}: role {rid} named in the minimums' cell but no minimum is its")
    assert checked >= 2


def test_the_document_number_is_glossed_without_naming_a_body_the_notice_does_not_name(newest):
    """The notice names its issuer (工业和信息化部办公厅) and no department of MIIT: the English gloss of the
    document number names none either, on every English page and in the README."""
    call = newest.data["call"]
    gloss = call["document_number"]["text"]["en"]
    assert call["document_number"]["text"]["zh"] in gloss
    notice = (REPO / "policy_data" / call["source"]["file"]).read_text("utf-8")
    assert "司" not in notice  # the notice names no 司 (department) of MIIT
    assert not re.search(r"\bDepartment\b", gloss), gloss
    readme = (REPO / "README.md").read_text("utf-8")
    english = readme[readme.index("**English**"):readme.index("## ")]
    assert not re.search(r"\bDepartment of\b", english), english
    assert "Information Technology Development" not in readme
    for path in sorted((SITE / "en").rglob("*.html")):
        assert "Information Technology Development" not in path.read_text("utf-8"), path.relative_to(SITE)


def _glossary_entry(lang: str, term_id: str) -> str:
    body = article_of(page_html(lang, "glossary/"))
    match = re.search(rf'<h2 id="term-{term_id}">.*?(?=<h2 |<div class="footnote"|</article>)', body, re.S)
    assert match, (lang, term_id)
    return text_of(re.sub(r'<sup id="fnref.*?</sup>', "", match.group(0)))


def test_glossary_says_only_what_the_notice_says_or_marks_the_sites_explanation(newest):
    terms = {t["id"]: t for t in newest.data["glossary"]["terms"]}
    for lang in ("zh", "en"):
        # When a demonstration period starts: the notice does not say.
        period = _glossary_entry(lang, "demonstration_period")
        assert not any(w in period for w in ("入选后", "after selection", "after a project is selected")), period
        assert ("通知没有说明" if lang == "zh" else "the notice does not say") in period.casefold(), period
        # A data trading institution: what the notice encourages is said to be encouraged, not its definition.
        institution = _glossary_entry(lang, "data_trading_institution")
        service = "定价" if lang == "zh" else "pricing"
        for sentence in re.split(r"[。.;；]", institution):
            if service in sentence:
                assert ("鼓励" if lang == "zh" else "encourage") in sentence, sentence
        # Every explanation of the site's own is marked as such, on its own line under the notice's words.
        label = UI["glossary_explanation"][lang]
        assert ("本网站" if lang == "zh" else "site") in label
        for term in terms.values():
            entry = _glossary_entry(lang, term["id"])
            if term.get("explanation"):
                explanation = re.sub(r"\s+", " ", term["explanation"][lang])
                assert f"{label}{UI['colon'][lang]}{explanation}" in entry, (lang, term["id"], entry)
                assert entry.index(label) > entry.index(re.sub(r"\s+", " ", term["definition"][lang])[:20])
            else:
                assert label not in entry, (lang, term["id"])
    assert any(t.get("explanation") for t in terms.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_eligibility_page_says_how_the_self_check_reads_a_requirement_with_no_measure(newest, lang):
    """Notice II(1) gives no measure for 「具有较强的经济实力、技术研发和融合创新能力」 and 「技术先进、应用示范带动作用良好」:
    the page says so beside each, and that in the self-check “no” means not met and “not sure” is a point to
    confirm, as the site's reading."""
    requirements = newest.data["eligibility"]["requirements"]
    flagged = [r["id"] for r in requirements if r.get("no_measure")]
    assert {"strength", "advanced"} <= set(flagged), flagged
    body = article_of(page_html(lang, "eligibility/"))
    no, unsure = strings.s("tristate.no", lang), strings.s("tristate.unsure", lang)
    reading = {"zh": "本网站的理解", "en": "this site's reading"}[lang]
    for req in requirements:
        box = re.search(rf'<div class="requirement" id="req-{req["id"]}">.*?</div>', body, re.S)
        assert box, req["id"]
        text = text_of(box.group(0))
        if req["id"] in flagged:
            assert f"“{no}”" in text and f"“{unsure}”" in text, (lang, req["id"], text)
            assert reading in text.casefold(), (lang, req["id"], text)
            assert ("通知没有给出" if lang == "zh" else "the notice gives no measure") in text.casefold(), text
            assert ("不满足" if lang == "zh" else "not met") in text, text
            assert ("需确认的要点" if lang == "zh" else "a point to confirm") in text, text
        else:
            assert f"“{unsure}”" not in text, (lang, req["id"])
    page = text_of(body)
    for wording in ("只作为需确认", "仅作为需确认", "only a point to confirm", "only points to confirm"):
        assert wording not in page, wording
