"""End to end on the guide: every page in both languages, the language switcher, search, accessibility, no JS."""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
INTERACTIVE = ("checker", "screening")  # their own tests cover them (Pyodide)


def guide_pages(site_dir):
    """Every built page's path relative to the site root, as a URL path ending in /."""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        rel = "" if rel == "." else rel + "/"
        if rel.split("/")[0] in ("assets", "search") or any(
                rel.removeprefix("en/").startswith(p + "/") for p in INTERACTIVE):
            continue
        pages.append(rel)
    return pages


def same_origin(url, base):
    return urlparse(url).netloc == urlparse(base).netloc or url.startswith(("data:", "blob:", "about:"))


@pytest.mark.parametrize("server", ["site_server", "prefixed_site_server"])
def test_every_guide_page_loads_cleanly_in_both_languages(request, server, site_dir, recorded_page):
    base = request.getfixturevalue(server)
    pages = guide_pages(site_dir)
    assert "" in pages and "en/" in pages
    assert sorted(p.removeprefix("en/") for p in pages if p.startswith("en/")) == sorted(p for p in pages if not p.startswith("en/"))
    for path in pages:
        response = recorded_page.goto(base + path, wait_until="networkidle")
        assert response.status == 200, path
        assert recorded_page.locator("article h1").count() == 1, path
    recorded_page.wait_for_timeout(300)
    recorded_page.assert_clean()
    outside = [u for u in recorded_page.requests if not same_origin(u, base)]
    assert outside == []
    assert recorded_page.requested(r"pyodide|\.wasm|python_stdlib") == []


def test_language_switcher_pairs_pages(site_server, page):
    page.goto(site_server + "directions/agriculture/")
    twin = page.locator(".md-select__link[hreflang=en]").get_attribute("href")
    page.goto(page.url.rsplit("/", 1)[0] + "/" + twin if not twin.startswith("http") else twin)
    assert page.url.endswith("/en/directions/agriculture/")
    assert "Agricultur" in page.locator("article h1").inner_text()
    back = page.locator(".md-select__link[hreflang=zh]").get_attribute("href")
    page.goto(page.url.rsplit("/", 1)[0] + "/" + back)
    assert page.url.endswith("/directions/agriculture/") and "/en/" not in page.url
    assert "农业" in page.locator("article h1").inner_text()


def search(page, url, term):
    """Open `url`, type a query once and return the result links. Material drops a query typed before its search
    worker has built the index, and a dropped query is not retried, so on a miss reload and wait longer."""
    results = page.locator(".md-search-result__link")
    for attempt in range(5):
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(1000 * attempt)
        page.locator(".md-search__input").click()
        page.locator(".md-search__input").fill(term)
        try:
            results.first.wait_for(state="attached", timeout=5_000)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: the query was dropped
            continue
        return [results.nth(i).get_attribute("href") for i in range(results.count())]
    raise AssertionError(f"search for {term!r} never answered")


@pytest.mark.parametrize("term,slug", [("农业", "agriculture"), ("数据交易", "data-trading")])
def test_chinese_search_finds_the_direction(site_server, page, term, slug):
    hrefs = search(page, site_server, term)
    assert any(f"directions/{slug}/" in h for h in hrefs), hrefs


def test_english_search_finds_the_direction(site_server, page):
    assert any("en/directions/agriculture/" in h for h in search(page, site_server + "en/", "agriculture"))


@pytest.mark.parametrize("path", ["", "en/", "directions/key-products/", "en/directions/industry/"])
def test_axe_reports_no_serious_violations(site_server, page, path):
    page.goto(site_server + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_guide_readable_without_javascript(browser, site_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server + "directions/key-products/")
    text = page.locator("article").inner_text()
    assert "需求要点" in text and "应用成效" in text and re.search(r"≥\s*5", text)
    page.goto(site_server + "en/eligibility/")
    assert page.locator("article h1").is_visible()
    context.close()


def test_direction_page_links_into_the_checker_with_the_direction(site_server, page):
    page.goto(site_server + "en/directions/industry/")
    link = page.locator("a[href*='checker/?direction=d7']")
    assert link.count() >= 1
    link.first.click()
    assert re.search(r"/en/checker/\?direction=d7$", page.url)
