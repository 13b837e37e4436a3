"""The tool pages do not move under the visitor's eyes while they load, on a phone: what is painted first stays where
it is until the self-check is ready (issue 31; `make audit` scores this as Lighthouse's cumulative layout shift).

Each shift is recorded in the page (PerformanceObserver "layout-shift", from the first paint) with the elements that
moved. The bound is the web's "good" cumulative layout shift, 0.1 (https://web.dev/articles/cls). A page stylesheet
linked from the body instead of the head, arriving after the first paint, moved the checker's content by 30 px on a
phone: 0.11 on its own."""

from __future__ import annotations

import pytest

GOOD_CLS = 0.1  # web.dev's threshold for a "good" cumulative layout shift

RECORD_SHIFTS_JS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const moved = (entry.sources || []).map((source) => {
      const node = source.node;
      return node && node.nodeType === 1 ? `${node.tagName.toLowerCase()}${node.id ? "#" + node.id : ""}.${String(node.className).trim().split(/\\s+/).join(".")}` : String(node && node.nodeName);
    });
    window.__shifts.push({ at: Math.round(entry.startTime), value: entry.value, moved });
  }
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("tool", ["checker", "screening"])
def test_a_tool_page_on_a_phone_does_not_move_while_it_loads(site_server, browser, browser_context_args, tool, lang):
    context = browser.new_context(**browser_context_args, viewport={"width": 412, "height": 823}, is_mobile=True,
                                  has_touch=True, device_scale_factor=1.75, service_workers="block")
    try:
        page = context.new_page()
        page.add_init_script(RECORD_SHIFTS_JS)
        page.goto(site_server + ("en/" if lang == "en" else "") + tool + "/")
        page.wait_for_selector(f"#{tool}[data-ready=true]", state="attached", timeout=90_000)
        # The observer's last entries are delivered in a task after they happen: one round trip through the page.
        page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")
        shifts = page.evaluate("window.__shifts")
    finally:
        context.close()
    total = sum(shift["value"] for shift in shifts)
    assert total < GOOD_CLS, f"the {tool} page moved by {total:.3f} while loading: {shifts}"
