"""The maintainers' page on adding a call (issue 30), as people read it: on a phone (360 px) and on paper, in both
languages, with no serious accessibility violation, reached from the site's navigation."""

import pytest

PATHS = {"zh": "adding-a-call/", "en": "en/adding-a-call/"}
# The longest line of the page's example review list, in part: it must be readable, not cut off.
EXAMPLE_END = {"zh": "这段文字可能已删除", "en": "the text may have been removed"}

CODE_FITS = """() => [...document.querySelectorAll('article pre > code')].every(code => code.scrollWidth <= code.clientWidth + 1)"""
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_page_fits_and_its_code_is_reachable_by_keyboard(site_server, browser, axe_violations, lang):
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(site_server + PATHS[lang])
        assert page.evaluate(PAGE_WIDTH) <= 360  # only a code block scrolls sideways, never the page
        serious = [(v["id"], len(v["nodes"])) for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        assert serious == []
        # a wide code block is a region a keyboard user can reach and scroll
        wide = page.locator("article pre code").filter(has_text=EXAMPLE_END[lang])
        assert wide.evaluate("el => el.scrollWidth > el.clientWidth")  # it does scroll at this width
        assert wide.evaluate("el => el.tabIndex") == 0
        wide.focus()
        for _ in range(10):
            page.keyboard.press("ArrowRight")
        assert wide.evaluate("el => el.scrollLeft") > 0
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printed_the_example_output_wraps_instead_of_being_cut(site_server, page, lang):
    page.set_viewport_size({"width": 700, "height": 1000})
    page.goto(site_server + PATHS[lang])
    page.emulate_media(media="print")
    assert page.evaluate(CODE_FITS)
    assert page.get_by_text(EXAMPLE_END[lang], exact=False).first.is_visible()


def test_the_page_is_in_the_navigation_after_hosting(site_server, page):
    page.goto(site_server + "en/hosting/")
    link = page.locator("nav.md-nav--primary a[href$='adding-a-call/']").first
    link.click()
    page.wait_for_url("**/en/adding-a-call/")
    assert page.locator("article h1").inner_text().startswith("Adding next year's call")
