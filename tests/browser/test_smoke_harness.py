"""Proves the browser harness itself works, independently of the site.

A tiny page starts a *module* worker (the way the site runs Pyodide); the worker
imports an ES module (.mjs), fetches JSON and instantiates WebAssembly with
``instantiateStreaming``, which Chromium only allows for ``application/wasm``.
So the happy path fails if the server's MIME types, module workers, request
recording or Chromium launch are broken, and the other tests show that the
recorder does catch errors, that a wrong .wasm type is detected, and that the
prefixed server serves only under its prefix.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from build_scripts.serve_static import StaticHandler

# (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
ADD_WASM = bytes([
    0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,
    0x03, 0x02, 0x01, 0x00,
    0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
    0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B,
])

INDEX_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>harness smoke</title>
<link rel="icon" href="data:,"></head>
<body><p id="status">starting</p>
<script type="module">
const status = document.getElementById("status");
const worker = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });
worker.onmessage = (event) => { status.textContent = event.data; };
worker.onerror = (event) => {
  console.error("worker failed to start: " + (event.message || "unknown"));
  status.textContent = "worker failed";
};
</script></body></html>
"""

WORKER_MJS = """import { label } from "./lib/label.mjs";
try {
  const data = await (await fetch("./data.json")).json();
  const { instance } = await WebAssembly.instantiateStreaming(fetch("./add.wasm"));
  postMessage(`${label} ${instance.exports.add(data.a, data.b)}`);
} catch (error) {
  console.error("worker: " + error);
  postMessage("error: " + error);
}
"""

LABEL_MJS = 'export const label = "ok";\n'
DATA_JSON = '{"a": 40, "b": 2}\n'


def make_app(root: Path) -> Path:
    (root / "lib").mkdir(parents=True)
    (root / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    (root / "worker.mjs").write_text(WORKER_MJS, encoding="utf-8")
    (root / "lib" / "label.mjs").write_text(LABEL_MJS, encoding="utf-8")
    (root / "data.json").write_text(DATA_JSON, encoding="utf-8")
    (root / "add.wasm").write_bytes(ADD_WASM)
    return root


def test_module_worker_page_loads_cleanly(recorded_page, serve_directory, tmp_path):
    server = serve_directory(make_app(tmp_path / "app"))
    base = server.base_url
    assert base.startswith("http://127.0.0.1:") and base.endswith("/")

    recorded_page.goto(base)
    expect(recorded_page.locator("#status")).to_have_text("ok 42", timeout=15_000)

    recorded_page.assert_clean()
    for name in ("worker.mjs", "lib/label.mjs", "data.json", "add.wasm"):
        assert base + name in recorded_page.requests, (name, recorded_page.requests)
    # The server saw the same requests, all successful.
    assert ("GET", "/add.wasm", 200) in server.log


def test_recorder_catches_errors(recorded_page, serve_directory, tmp_path):
    root = tmp_path / "broken"
    root.mkdir()
    (root / "index.html").write_text(
        """<!doctype html><html><head><meta charset="utf-8"><title>broken</title>
<link rel="icon" href="data:,"></head><body>
<img src="missing.png" alt="">
<script>console.error("logged error");</script>
<script>new Worker("thrower.mjs", { type: "module" });</script>
<script>throw new Error("uncaught page error");</script>
</body></html>""",
        encoding="utf-8",
    )
    (root / "thrower.mjs").write_text('throw new Error("uncaught worker error");\n', encoding="utf-8")
    base = serve_directory(root).base_url

    recorded_page.goto(base)
    # Worker errors arrive asynchronously.
    def seen(items, text):
        return any(text in item for item in items)

    assert recorded_page.wait_until(
        lambda: seen(recorded_page.console_errors, "uncaught worker error")
    ), recorded_page.console_errors
    assert seen(recorded_page.console_errors, "logged error"), recorded_page.console_errors
    assert seen(recorded_page.page_errors, "uncaught page error"), recorded_page.page_errors
    assert seen(recorded_page.console_errors, "uncaught page error"), recorded_page.console_errors
    assert (404, base + "missing.png") in recorded_page.http_errors
    print("\n".join(recorded_page.problems()))
    with pytest.raises(AssertionError, match="uncaught page error"):
        recorded_page.assert_clean()
    # allow= filters out what a test expects.
    assert recorded_page.problems(allow=["missing.png", "logged error", "uncaught"]) == []


def test_what_the_tests_own_reload_cancels_is_not_a_failure(recorded_page, serve_directory, tmp_path):
    """A request the page was still making when the test reloads it is cut short by the test, not failed by the
    site; a request the page itself cancels still counts."""
    root = tmp_path / "cut"
    root.mkdir()
    (root / "index.html").write_text(
        """<!doctype html><html><head><meta charset="utf-8"><title>cut</title>
<link rel="icon" href="data:,"></head><body><img src="slow.png" alt="">
<script>const c = new AbortController(); fetch("own.json", { signal: c.signal }).catch(() => {});
setTimeout(() => c.abort(), 100);</script></body></html>""",
        encoding="utf-8",
    )
    (root / "own.json").write_text("{}", encoding="utf-8")
    base = serve_directory(root).base_url
    held = []  # never answered: both stay in flight until cancelled
    recorded_page.page.route("**/slow.png", lambda route: held.append(route))
    recorded_page.page.route("**/own.json", lambda route: held.append(route))
    recorded_page.goto(base, wait_until="commit")
    assert recorded_page.wait_until(lambda: recorded_page.failed), "the page's own cancel is recorded"
    assert recorded_page.failed == [(base + "own.json", "net::ERR_ABORTED")]
    recorded_page.page.unroute("**/slow.png")
    recorded_page.reload(wait_until="commit")
    assert recorded_page.wait_until(lambda: recorded_page.cut_by_navigation)
    assert recorded_page.cut_by_navigation == [base + "slow.png"]
    assert recorded_page.failed == [(base + "own.json", "net::ERR_ABORTED")]


def test_wrong_wasm_mime_type_is_detected(recorded_page, serve_directory, tmp_path, monkeypatch):
    monkeypatch.setitem(StaticHandler.extensions_map, ".wasm", "application/octet-stream")
    base = serve_directory(make_app(tmp_path / "app")).base_url

    recorded_page.goto(base)
    expect(recorded_page.locator("#status")).to_contain_text("error", timeout=15_000)
    assert "MIME" in recorded_page.locator("#status").text_content()
    assert any("MIME" in e for e in recorded_page.console_errors), recorded_page.console_errors


def test_prefixed_server_serves_only_under_prefix(recorded_page, serve_directory, tmp_path):
    server = serve_directory(make_app(tmp_path / "app"), prefix="/some/prefix/")
    base = server.base_url
    origin = base[: -len("/some/prefix/")]
    assert base.endswith("/some/prefix/")

    recorded_page.goto(base)
    expect(recorded_page.locator("#status")).to_have_text("ok 42", timeout=15_000)
    recorded_page.assert_clean()
    assert all(url.startswith(base) for url in recorded_page.requests), recorded_page.requests

    response = recorded_page.goto(origin + "/index.html")
    assert response is not None and response.status == 404
    # Without the final slash the prefix redirects to it.
    response = recorded_page.goto(origin + "/some/prefix")
    assert response is not None and response.status == 200 and response.url == base


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("worker.mjs", "text/javascript; charset=utf-8"),
        ("data.json", "application/json"),
        ("add.wasm", "application/wasm"),
    ],
)
def test_server_content_types(serve_directory, tmp_path, path, content_type):
    base = serve_directory(make_app(tmp_path / "app")).base_url
    with urllib.request.urlopen(base + path, timeout=10) as response:
        assert response.headers["Content-Type"] == content_type
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(base + "lib/", timeout=10)  # no directory listings
    assert info.value.code == 404
