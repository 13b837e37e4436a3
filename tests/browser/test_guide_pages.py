"""End to end on the guide: every page in both languages, the language switcher, search, accessibility, no JS."""

import re
from urllib.parse import parse_qs, urlparse

import pytest

INTERACTIVE = ("checker", "screening")  # their own tests cover them (Pyodide)


def guide_pages(site_dir):
    """Every built page's path relative to the site root, as a URL path ending in /."""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        rel = "" if rel == "." else rel + "/"
        # Interactive pages of every call: /checker/, and /<call>/checker/ (the stable URLs, which lead there too).
        if rel.split("/")[0] in ("assets", "search") or any(part in INTERACTIVE for part in rel.split("/")):
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
    recorded_page.assert_clean()
    outside = [u for u in recorded_page.requests if not same_origin(u, base)]
    assert outside == []
    # The pages themselves load no Pyodide file (the service worker they register caches it in the background).
    assert [u for u in recorded_page.page_requests if re.search(r"pyodide|\.wasm|python_stdlib", u)] == []


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


# ------------------------------------------------------------------ search
# The search element says data-search-ready="true" once Material's worker holds this page language's index
# (docs/assets/search/material-worker.js); the index is fetched when the visitor first reaches for search.
SEARCH_BOX = ".md-search__input"
SEARCH_READY = "[data-md-component=search][data-search-ready=true]"
RESULT_LINKS = ".md-search-result__link"
INDEX_FILES = r"/search/search_index\.\w+\.json"

# (page language, query, pinyin an input method composes it from, direction slug, the terms Material found)
SEARCHES = [
    ("zh", "农业", "nongye", "agriculture", "农业"),
    ("zh", "数据交易", "shujujiaoyi", "data-trading", "数据 交易"),
    ("en", "agriculture", None, "agriculture", "agriculture"),
]


def open_search(page, base, lang):
    """Open the guide's home page in `lang` and click into the search box, as a visitor does."""
    page.goto(base + ("en/" if lang == "en" else ""))
    page.locator(SEARCH_BOX).click()


def type_like_a_person(page, text, pinyin):
    """Key by key for Latin text; for Chinese the way an input method delivers it: a composition of the pinyin,
    then the committed characters (CDP's Input.imeSetComposition / insertText, as the browser's IME bridge does)."""
    if pinyin is None:
        page.keyboard.type(text, delay=20)
        return
    cdp = page.context.new_cdp_session(page)
    for end in range(1, len(pinyin) + 1):
        cdp.send("Input.imeSetComposition", {"text": pinyin[:end], "selectionStart": end, "selectionEnd": end})
    cdp.send("Input.insertText", {"text": text})
    cdp.detach()


def assert_first_result(page, lang, slug, terms):
    """Wait for Material to list the answer to the whole query (its result links carry the terms it found in
    ?h=), then check that the first result is the direction's page in the page's language."""
    location = ("en/" if lang == "en" else "") + f"directions/{slug}/"
    try:
        page.wait_for_function(
            """terms => {
                const link = document.querySelector(".md-search-result__link");
                return link !== null && new URL(link.href).searchParams.get("h") === terms;
            }""", arg=terms, timeout=10_000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; report what the page showed
        pass
    hrefs = [urlparse(a).path + "?" + urlparse(a).query for a in
             page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.href)")]
    assert hrefs and hrefs[0].split("?")[0].endswith("/" + location), hrefs[:5]
    assert parse_qs(urlparse(hrefs[0]).query).get("h") == [terms], hrefs[:5]
    others = [h for h in hrefs if ("/en/" in h) != (lang == "en")]
    assert others == [], f"results in the other language: {others[:5]}"


@pytest.mark.parametrize("lang,query,pinyin,slug,terms", SEARCHES)
def test_search_answers_a_typed_query(site_server, recorded_page, lang, query, pinyin, slug, terms):
    page = recorded_page.page
    open_search(page, site_server, lang)
    page.locator(SEARCH_READY).wait_for(state="attached")
    type_like_a_person(page, query, pinyin)
    assert_first_result(page, lang, slug, terms)
    recorded_page.assert_clean()


@pytest.mark.parametrize("lang,query,pinyin,slug,terms", SEARCHES)
def test_search_answers_a_pasted_query(site_server, recorded_page, lang, query, pinyin, slug, terms):
    """fill() puts the text in at once with an input event and no key press, as a paste, a drop or dictation do."""
    page = recorded_page.page
    open_search(page, site_server, lang)
    page.locator(SEARCH_READY).wait_for(state="attached")
    page.locator(SEARCH_BOX).fill(query)
    assert_first_result(page, lang, slug, terms)
    recorded_page.assert_clean()


def test_a_query_given_before_the_index_is_ready_runs_once_it_is(site_server, page):
    held = []
    page.route("**/search/search_index.zh.json", lambda route: held.append(route))
    with page.expect_request("**/search/search_index.zh.json"):
        open_search(page, site_server, "zh")
    page.locator(SEARCH_BOX).fill("数据交易")
    assert held, "the index request was not intercepted"
    assert page.locator(SEARCH_READY).count() == 0, "ready before its index arrived"
    held[0].continue_()
    page.locator(SEARCH_READY).wait_for(state="attached")
    assert_first_result(page, "zh", "data-trading", "数据 交易")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_index_is_fetched_when_search_is_used_in_the_pages_language(site_server, recorded_page, lang):
    path = ("en/" if lang == "en" else "") + "directions/agriculture/"
    recorded_page.goto(site_server + path, wait_until="networkidle")
    # The page's own requests: the service worker caches the whole site, indexes included, in the background.
    assert recorded_page.page_requested(INDEX_FILES) == [], "a page where nobody searches fetches no index"
    recorded_page.locator(SEARCH_BOX).focus()  # e.g. the "/" shortcut or Tab
    recorded_page.locator(SEARCH_READY).wait_for(state="attached")
    assert [u.rsplit("/", 1)[1] for u in recorded_page.page_requested(INDEX_FILES)] == [f"search_index.{lang}.json"]
    recorded_page.assert_clean()


@pytest.mark.parametrize("path", ["", "en/", "directions/key-products/", "en/directions/industry/", "directions/",
                                  "en/directions/", "en/process/", "no-such-page/"])
def test_axe_reports_no_serious_violations(site_server, page, axe_violations, path):
    page.goto(site_server + path)
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in axe_violations(page)
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


@pytest.mark.parametrize("path", ["hosting/", "en/hosting/"])
def test_hosting_page_figures_read_at_phone_width(site_server, site_dir, page, axe_violations, path):
    """The download figures the build measured (build_scripts/transfer_sizes.py) are in the text, at 360 px the page
    does not scroll sideways (the curl command scrolls inside its own block), and axe finds nothing serious."""
    from build_scripts import transfer_sizes

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(site_server + path)
    figures = transfer_sizes.figures(site_dir)
    for name in ("plain", "gzip", "saved"):
        shown = page.locator(f'span[data-transfer="{name}"]')
        assert shown.inner_text() == transfer_sizes.shown(name, figures[name]), name
        assert shown.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    code = page.locator("pre code", has_text="size_download")
    assert code.count() == 1 and code.inner_text().count("pyodide.asm.wasm") == 1
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in axe_violations(page)
               if v["impact"] in ("serious", "critical")]
    assert serious == []
