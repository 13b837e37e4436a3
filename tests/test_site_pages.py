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
