"""The whole site under its strict Content-Security-Policy (build_scripts/csp.py): every page of both languages
carries the policy as a meta tag and is served with it as a header (build_scripts/serve_static.py, like the
documented nginx/Apache/IIS configurations); no page has an inline script or handler, and loading each page, the
checker to a verdict and the screening page to a plan reports 0 CSP violations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_scripts import csp

BOOT_MS = 120_000
# Every violation the browser reports, in the page and (through the console) in its workers.
RECORD = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));
"""


def pages(site_dir: Path) -> list[str]:
    found = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("index.html")
                   if "assets" not in p.parts)
    return [p[: -len("index.html")] for p in found]


def violations(page) -> list[str]:
    shown = [text for kind, text in page.console if "Content Security Policy" in text or "Content-Security" in text]
    return page.evaluate("window.__csp") + shown


def test_every_page_has_the_meta_policy_and_no_inline_script(site_dir):
    html_files = [p for p in site_dir.rglob("*.html") if "assets" not in p.parts]
    assert len(html_files) > 20
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp.PAGE_POLICY}">'
    for path in html_files:
        text = path.read_text("utf-8")
        assert text.count(meta) == 1, path
        # A redirect page (a call's stable URL, build_scripts/guide/redirects.py) has no script at all.
        assert "<script" not in text or text.index(meta) < text.index("<script"), f"{path}: a script before the policy"
        inline = [m.group(0)[:80] for m in re.finditer(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text)]
        assert not inline, f"{path}: inline scripts {inline}"
        handlers = re.findall(r"<[a-z][^>]*\son[a-z]+\s*=", text)
        assert not handlers, f"{path}: inline event handlers {handlers[:3]}"
        assert "javascript:" not in text, path


def test_the_server_sends_the_policy_and_security_headers(site_server, strict_page):
    response = strict_page.goto(site_server)
    for name, value in csp.HEADERS.items():
        assert response.headers[name.lower()] == value
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_no_violation_on_any_page(site_server, site_dir, strict_page):
    page = strict_page
    page.add_init_script(RECORD)
    every = pages(site_dir)
    assert any(p.startswith("en/") for p in every) and "" in every
    found = {}
    for path in every:
        page.clear()
        page.goto(site_server + path, wait_until="networkidle")
        if violations(page):
            found[path] = violations(page)
    assert not found, f"CSP violations: {found}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_checker_and_screening_work_under_the_policy(site_server, strict_page, lang):
    page = strict_page
    page.add_init_script(RECORD)
    root = site_server + ("en/" if lang == "en" else "")
    page.goto(root + "checker/")
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=BOOT_MS)
    page.check("#in-law_abiding--no")
    page.wait_for_selector("#checker-verdict[data-verdict=not_eligible]", state="attached", timeout=60_000)
    assert not violations(page)
    page.goto(root + "screening/")
    page.wait_for_selector(".screening__engine--ready", state="attached", timeout=BOOT_MS)
    assert not violations(page)
    page.assert_clean()


def test_search_works_under_the_policy(site_server, strict_page):
    """The guide's search (issue 12's scripts before Material's bundle, its worker and index fetch) under the CSP."""
    page = strict_page
    page.add_init_script(RECORD)
    page.goto(site_server + "en/")
    page.locator(".md-search__input").click()
    page.locator("[data-md-component=search][data-search-ready=true]").wait_for(state="attached")
    page.locator(".md-search__input").fill("agriculture")
    page.locator(".md-search-result__link").first.wait_for(state="attached", timeout=10_000)
    first = page.locator(".md-search-result__link").first.get_attribute("href")
    assert "en/directions/agriculture/" in first, first
    assert not violations(page)
    page.assert_clean()
