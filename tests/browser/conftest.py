"""Browser test harness: pytest-playwright driving Debian's /usr/bin/chromium.

Everything under tests/browser/ is marked ``browser`` automatically (select or
deselect with ``-m browser`` / ``-m "not browser"``). Without /usr/bin/chromium
these tests are skipped locally and fail in CI (tests/conftest.py; ``make
browser`` installs it).

Fixtures (all URLs end in "/"):

``site_dir``              session: Path of the built site/ (fails if site/index.html
                          is missing -- ``make test`` builds first; else ``make build``).
``site_server``           session: base URL "http://127.0.0.1:PORT/" of a threaded
                          static server for site/ at the root.
``prefixed_site_server``  session: base URL "http://127.0.0.1:PORT/some/prefix/" of a
                          server for the same files under /some/prefix/ only
                          (404 outside it), as on a sub-path host.
``serve_directory``       function: factory ``serve_directory(path, prefix="/") ->
                          StaticServer`` (``.base_url``, ``.log`` of (method, path,
                          status)); stopped after the test. For tests that serve
                          their own files.
``recorded_page``         function: a Playwright page (pytest-playwright ``page``)
                          wrapped in a ``PageRecorder`` that records, from the start:
                          ``.requests`` (every URL, workers' too), ``.page_requests``
                          (those not made by a service worker: what the page itself
                          loads, its dedicated workers included), ``.failed``
                          ((url, error) of network failures), ``.http_errors``
                          ((status, url) of responses >= 400), ``.console_errors``
                          (console.error and uncaught errors, page and workers),
                          ``.page_errors`` (uncaught page errors), ``.console``
                          ((type, text) of every console message), ``.cut_by_navigation``
                          (URLs the test's own goto()/reload() cancelled: not
                          failures). Page methods
                          work on it directly (``recorded_page.goto(url)``);
                          ``recorded_page.page`` is the page itself;
                          ``recorded_page.wait_until(lambda: ..., timeout=10)``
                          polls while events are delivered;
                          ``recorded_page.settle()`` waits until every request
                          started so far has finished or failed and the page has
                          run once more, so what they caused has been delivered
                          (use it before ``assert_clean()``, never a fixed sleep);
                          ``recorded_page.assert_clean()`` fails on any failure,
                          HTTP error or console error.
``axe_violations``        session: ``axe_violations(page) -> list`` of axe-core's
                          violations once the page's transitions have settled.

``rewritten_pages``       session: ``rewritten_pages(target, url_glob, change)``: the pages
                          matching ``url_glob`` (routed on ``target``, a page or a
                          context) are served as ``change(html)``.
``data_attributes``       session: ``data_attributes(target, url_glob, element_id,
                          **attributes)``: the pages matching ``url_glob`` are served
                          with data attributes of the element
                          ``element_id`` set, ``stall_timeout=3000`` giving
                          ``data-stall-timeout="3000"``: how a test sets a short time-out.
                          The pages read nothing from their address (a link is anyone's),
                          so a test changes the page itself, as it passes through.

The servers (build_scripts/serve_static.py) serve .wasm as application/wasm,
.mjs/.js as text/javascript and .json as application/json, never list
directories, and answer a 404 inside the served tree with <root>/404.html.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pytest

from build_scripts.chromium import CHROMIUM, CHROMIUM_ARGS
from build_scripts.serve_static import StaticServer, serve

SITE_PREFIX = "/some/prefix/"
BROWSER_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_DIR.parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(BROWSER_DIR):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Use Debian's chromium (Playwright's own browser downloads are not available)."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


# ------------------------------------------------------------------ servers


@pytest.fixture(scope="session")
def site_dir() -> Path:
    site = REPO_ROOT / "site"
    if not (site / "index.html").is_file():
        pytest.fail(
            f"{site}/index.html is missing: build the site first with `make build` "
            "(`make test` builds before it runs pytest)",
            pytrace=False,
        )
    return site


@pytest.fixture(scope="session")
def site_server(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as server:
        yield server.base_url


@pytest.fixture(scope="session")
def prefixed_site_server(site_dir: Path) -> Iterator[str]:
    with serve(site_dir, prefix=SITE_PREFIX) as server:
        yield server.base_url


@pytest.fixture
def serve_directory() -> Iterator[Callable[..., StaticServer]]:
    with _ServerStack() as stack:
        yield stack.start


class _ServerStack:
    def __init__(self) -> None:
        self._contexts: list = []

    def start(self, root, prefix: str = "/", **kwargs) -> StaticServer:
        context = serve(root, prefix=prefix, **kwargs)
        server = context.__enter__()
        self._contexts.append(context)
        return server

    def __enter__(self) -> "_ServerStack":
        return self

    def __exit__(self, *exc) -> None:
        while self._contexts:
            self._contexts.pop().__exit__(None, None, None)


# ------------------------------------------------------------------ pages


def rewrite_pages(target, url_glob: str, change: Callable[[str], str]) -> None:
    """Serve the pages matching ``url_glob`` (routed on ``target``, a page or a context) as ``change(html)``."""

    def rewrite(route) -> None:
        if route.request.service_worker is not None:
            # The service worker's own fetches (its install caches every page) are not what the test's page loads,
            # and outlive the test: a rewrite still fetching when the context closes fails in the next test.
            route.fallback()
            return
        response = route.fetch()
        # The body is sent as text: the length and any encoding of the original response no longer apply.
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        route.fulfill(status=response.status, headers=headers, body=change(response.text()))

    target.route(url_glob, rewrite)


def with_data_attributes(target, url_glob: str, element_id: str, **attributes) -> None:
    """Serve the pages matching ``url_glob`` with ``data-*`` attributes of ``#element_id`` set (see above)."""
    opening = re.compile(r'<[a-z]+\b[^>]*\bid="' + re.escape(element_id) + r'"[^>]*>')

    def change(body: str) -> str:
        found = opening.search(body)
        if found is None:
            return body  # not the page (a 404, say): as it is
        tag = found.group()
        for name, value in attributes.items():
            attribute = f'data-{name.replace("_", "-")}'
            if re.search(rf'\s{attribute}="', tag):
                tag = re.sub(rf'(\s{attribute}=")[^"]*"', lambda m: f'{m.group(1)}{value}"', tag)
            else:
                tag = tag[:-1] + f' {attribute}="{value}">'
        return body[:found.start()] + tag + body[found.end():]

    rewrite_pages(target, url_glob, change)


@pytest.fixture(scope="session")
def data_attributes() -> Callable[..., None]:
    return with_data_attributes


@pytest.fixture(scope="session")
def rewritten_pages() -> Callable[..., None]:
    return rewrite_pages


@dataclass
class PageRecorder:
    """A Playwright page plus everything it loaded and complained about."""

    page: object
    requests: list[str] = field(default_factory=list)
    page_requests: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    http_errors: list[tuple[int, str]] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    cut_by_navigation: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        page = self.page
        self._in_flight: set = set()
        self._left_behind: set = set()
        # Context-level network events also cover the page's dedicated workers.
        page.context.on("request", self._on_request)
        page.context.on("requestfinished", lambda r: self._in_flight.discard(r))
        page.context.on("requestfailed", self._on_failed)
        page.context.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_pageerror)
        # Uncaught errors inside a dedicated worker arrive as "pageerror" with
        # Playwright 1.65 + Chromium; a worker's console.error arrives as a page
        # "console" message with message.worker set. Both are recorded.

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.http_errors.append((response.status, response.url))

    def _on_console(self, message) -> None:
        origin = ""
        worker = getattr(message, "worker", None)
        if worker is not None:
            origin = f"[worker {worker.url}] "
        self.console.append((message.type, origin + message.text))
        if message.type == "error":
            location = message.location or {}
            where = f" ({location.get('url')}:{location.get('lineNumber')})" if location.get("url") else ""
            self.console_errors.append(origin + message.text + where)

    def _on_pageerror(self, error) -> None:
        text = f"{getattr(error, 'name', 'Error')}: {getattr(error, 'message', error)}"
        self.page_errors.append(text)
        self.console_errors.append("uncaught " + text)

    def __getattr__(self, name: str):
        # Delegate everything else to the page: recorded_page.goto(url), .locator(...)
        return getattr(self.page, name)

    def _on_failed(self, request) -> None:
        self._in_flight.discard(request)
        # The test's own goto() or reload() cancels what the page it leaves was still loading (the favicon, say):
        # that is the test's doing, not a failure of the site.
        if request.failure == "net::ERR_ABORTED" and request in self._left_behind:
            self.cut_by_navigation.append(request.url)
        else:
            self.failed.append((request.url, request.failure or ""))

    def goto(self, url: str, **kwargs):
        self._left_behind |= self._in_flight
        return self.page.goto(url, **kwargs)

    def reload(self, **kwargs):
        self._left_behind |= self._in_flight
        return self.page.reload(**kwargs)

    def _on_request(self, request) -> None:
        self._in_flight.add(request)
        self.requests.append(request.url)
        if request.service_worker is None:
            self.page_requests.append(request.url)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Poll ``predicate`` (e.g. ``lambda: rec.console_errors``) while letting
        Playwright deliver events (they only arrive during Playwright calls).
        Returns whether it became true within ``timeout`` seconds."""
        steps = max(1, int(timeout / 0.05))
        for _ in range(steps):
            if predicate():
                return True
            self.page.wait_for_timeout(50)
        return bool(predicate())

    def settle(self, timeout: float = 60.0) -> None:
        """Wait until every request started so far (the page's, its workers', the service worker's) has finished or
        failed, then let the page run once more (an evaluate round trip), so that whatever those requests caused (a
        console error, a failed load, an onerror handler) has happened and been delivered. What assert_clean() or a
        "nothing happened" assertion says afterwards is then about everything the page did, not about how long the
        test waited. Requests the test's own navigation cut off are not waited for."""
        def pending() -> list:
            return [r for r in self._in_flight if r not in self._left_behind]

        if not self.wait_until(lambda: not pending(), timeout):
            urls = sorted(r.url for r in pending())
            raise AssertionError(f"{len(urls)} request(s) still unfinished after {timeout} s: {', '.join(urls[:10])}")
        self.page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")

    def requested(self, pattern: str) -> list[str]:
        """URLs requested so far that match the regular expression ``pattern``."""
        return [url for url in self.requests if re.search(pattern, url)]

    def page_requested(self, pattern: str) -> list[str]:
        """The page's own requests matching ``pattern`` (not the service worker's background caching)."""
        return [url for url in self.page_requests if re.search(pattern, url)]

    def clear(self) -> None:
        for name in ("requests", "page_requests", "failed", "http_errors", "console_errors", "page_errors", "console",
                     "cut_by_navigation"):
            getattr(self, name).clear()

    def problems(self, allow: Iterable[str] = ()) -> list[str]:
        """Failures, HTTP errors and console errors not matching any ``allow`` regex."""
        allowed = [re.compile(p) for p in allow]
        found = (
            [f"request failed: {url} ({err})" for url, err in self.failed]
            + [f"HTTP {status}: {url}" for status, url in self.http_errors]
            + [f"console error: {text}" for text in self.console_errors]
        )
        return [p for p in found if not any(a.search(p) for a in allowed)]

    def assert_clean(self, allow: Iterable[str] = ()) -> None:
        problems = self.problems(allow)
        assert not problems, "page had problems:\n  " + "\n  ".join(problems)


@pytest.fixture
def recorded_page(page) -> PageRecorder:
    return PageRecorder(page)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """Playwright's wait_for_function evaluates its predicate with eval(), which the site's Content-Security-Policy
    forbids (script-src without 'unsafe-eval'), so the ordinary test pages bypass the CSP. `strict_page` does not:
    tests/browser/test_csp.py and test_nginx_hosting.py run the site under the policy (and use no eval)."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def strict_page(browser, browser_context_args: dict) -> Iterator[PageRecorder]:
    """A recorded page under the site's CSP, in its own context (wait_for_function does not work here)."""
    context = browser.new_context(**{k: v for k, v in browser_context_args.items() if k != "bypass_csp"})
    try:
        yield PageRecorder(context.new_page())
    finally:
        context.close()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Material fades a button's colours for 125 ms when hover or focus leaves it; audited mid-fade, white text on a
# half-painted background reads as a contrast failure no visitor sees once the fade ends. So the audit waits for
# every finite animation or transition to finish (a looping one, like a spinner, never does and is left running).
_SETTLE_AND_AUDIT = """async () => {
  const finite = document.getAnimations().filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  await Promise.all(finite.map(a => a.finished.catch(() => null)));
  return (await axe.run(document, {resultTypes: ['violations']})).violations;
}"""


@pytest.fixture(scope="session")
def axe_violations() -> Callable[..., list[dict]]:
    """``axe_violations(page)``: axe-core's violations for the page as it stands once its animations and
    transitions have settled."""
    def audit(page) -> list[dict]:
        page.add_script_tag(path=str(AXE))
        return page.evaluate(_SETTLE_AND_AUDIT)
    return audit
