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
