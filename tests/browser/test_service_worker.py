"""The service worker (docs/sw.js, registered from every page by docs/assets/sw/register.js).

* After one online visit to any page (a guide page here), every page of both languages loads from the service
  worker, offline (set_offline) and with the server stopped; the checker with its verdict too after one visit to
  the checker, or one click on the home page's "download the self-check tool for offline use". A guide page alone
  never fetches the runtime, and with Save-Data on only the click does.
* Pyodide's core files and the checker's wheel and lock file come from a cache whose name carries the Pyodide and
  checker versions; pages and manifest.json go to the network first, so a new release is used at once.
* On the checker page the worker registers only once the first verdict is shown (it never slows it).
* Caches of an older version are deleted when the worker activates; other sites' caches are left alone.
* build_scripts/sw_config.py writes the configuration into the built sw.js (checked on site/sw.js as built).

Uses the infra fixtures ``site_server`` / ``serve_directory`` and ``recorded_page`` (a fresh browser context per
test, so no worker carries over). No wait_for_function: it is written without eval for the site's CSP.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "site"
# Resolves once the worker is active and controls the page (it claims open pages when it activates).
CONTROLLED_JS = """async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
  }
  return navigator.serviceWorker.controller.scriptURL;
}"""
PYODIDE_FILE = re.compile(r"/assets/pyodide/|\.whl$|python_stdlib|pyodide\.(asm\.)?(mjs|wasm)|checker-lock-")


def sw_config() -> dict:
    text = (SITE / "sw.js").read_text(encoding="utf-8")
    match = re.search(r"/\* @sw-config \*/ (.*?) /\* @end-sw-config \*/", text)
    assert match, "site/sw.js has no configuration block"
    return json.loads(match.group(1))


def manifest() -> dict:
    return json.loads((SITE / "assets" / "checker" / "manifest.json").read_text(encoding="utf-8"))


# The page is built with data-verdict="" (no result yet): a verdict is a non-empty one.
VERDICT = "#checker-verdict:not([data-verdict=''])"


def open_checker_until_verdict(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(VERDICT, state="attached", timeout=120_000)


def installed(page) -> str:
    """Wait until the service worker has installed (everything precached) and controls the page."""
    return page.evaluate(CONTROLLED_JS)


REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def urls_of_pages(site: Path = SITE) -> list[str]:
    return sorted(p.relative_to(site).as_posix()[: -len("index.html")] for p in site.rglob("index.html")
                  if "assets" not in p.parts)


def visit_and_reload(recorded_page, site_server: str) -> dict[str, bool]:
    """Visit the checker page, wait for the worker to take control, reload; {url: from_service_worker} of the
    GET responses during the reload (page and dedicated worker alike), the precached files' included."""
    page = recorded_page.page
    open_checker_until_verdict(page, site_server + "checker/")
    assert page.evaluate(CONTROLLED_JS) == site_server + "sw.js"
    responses: dict[str, bool] = {}

    def record(response):
        # GET only: the worker also sends a HEAD for the .wasm (to check its Content-Type), which the service
        # worker leaves to the network.
        if response.request.method == "GET":
            responses[response.url] = response.from_service_worker

    page.context.on("response", record)
    # Playwright reports the dedicated worker's responses on their own channel, which may lag behind the page's
    # verdict (measured: the wheel's came 0.2 s after it): wait for each precached file's response event itself.
    with contextlib.ExitStack() as stack:
        for path in sw_config()["precache"]:
            url = site_server + path
            stack.enter_context(page.context.expect_event(
                "response", predicate=lambda r, url=url: r.url == url and r.request.method == "GET", timeout=120_000))
        page.reload()
        page.wait_for_selector(VERDICT, state="attached", timeout=120_000)
    return responses


def test_the_built_worker_is_configured_with_versions_and_files():
    config = sw_config()
    m = manifest()
    assert config["pyodide"] == m["pyodide_version"] == json.loads(
        (REPO / "node_modules" / "pyodide" / "package.json").read_text("utf-8"))["version"]
    rulesets = "+".join(f"{call}.{version}" for call, version in sorted(m["rulesets"].items()))
    assert config["checker"] == f"{m['checker_version']}-rs{rulesets}"
    assert re.fullmatch(r"[0-9a-f]{12}", config["hash"])
    precache = set(config["precache"])
    pyodide_dir = "assets/pyodide/" + m["pyodide_version"] + "/"
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"):
        assert pyodide_dir + name in precache
    # The site's own standard library, not Pyodide's whole one (not in the site); its workbook part is loaded for a
    # workbook only (the screening page asks the worker to keep it), so neither precached nor a page.
    assert "assets/checker/" + m["stdlib"] in precache and not (SITE / pyodide_dir / "python_stdlib.zip").exists()
    workbook_stdlib = "assets/checker/" + m["stdlib_workbook"]["file"]
    assert workbook_stdlib not in precache and workbook_stdlib not in config["pages"]
    for name in (m["wheel"], m["lock_file"]):
        assert "assets/checker/" + name in precache
    assert all((SITE / path).is_file() for path in precache)
    # Every page of both languages and the site's files, served network-first: the manifest (which names the
    # wheel and rule set) too, so it is never stale after a release.
    pages = set(config["pages"])
    assert {p or "./" for p in urls_of_pages()} <= pages and len(urls_of_pages()) > 20
    assert {"en/checker/", "checker/", "en/screening/", "assets/checker/manifest.json", "assets/checker/worker.mjs",
            "404.html", "search/search_index.json"} <= pages
    assert not pages & precache and "assets/checker/manifest.json" not in precache
    assert re.fullmatch(r"[0-9a-f]{12}", config["pages_hash"])
    # Pyodide's own 119 KB lock file is not loaded by the worker (it passes the checker's lock): not cached.
    assert pyodide_dir + "pyodide-lock.json" not in precache
    # Each core file's sha256 as built (Subresource Integrity): a copy that differs is never cached.
    assert set(config["integrity"]) == precache
    for path, value in config["integrity"].items():
        digest = base64.b64encode(hashlib.sha256((SITE / path).read_bytes()).digest()).decode()
        assert value == "sha256-" + digest, path


def test_the_built_pages_state_the_runtime_size_as_built():
    """What a visitor's browser stores to run the self-check offline, from the build's files (never a literal):
    the home page's button (bytes), the hosting page and the tools' privacy notes (MB)."""
    size = sum((SITE / path).stat().st_size for path in sw_config()["precache"])
    for lang in ("", "en/"):
        home = (SITE / lang / "index.html").read_text("utf-8")
        assert f'data-runtime-bytes="{size}"' in home
        for page in ("hosting", "checker", "screening"):
            text = (SITE / lang / page / "index.html").read_text("utf-8")
            assert f'<span class="runtime-mb">{round(size / 1e6)}</span> MB' in text, lang + page
            assert '<span class="runtime-mb"></span>' not in text


@pytest.mark.parametrize("how", ["truncated", "damaged"])
def test_a_core_file_cut_short_or_damaged_is_never_cached(site_dir, tmp_path, serve_directory, recorded_page, how):
    """The server sends a .wasm that is not the build's (a partial upload, a proxy changing it): the worker caches
    the other core files and not that one, at install and when the checker page asks for it, so once the server is
    fixed the next visit gets the right file instead of the damaged copy, cache-first, for the whole release."""
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    wasm = next((copy / "assets" / "pyodide").glob("*/pyodide.asm.wasm"))
    data = bytearray(wasm.read_bytes())
    if how == "truncated":
        del data[len(data) // 2:]
    else:
        data[len(data) // 2] ^= 0xFF
    wasm.write_bytes(bytes(data))
    server = serve_directory(copy)
    page = recorded_page.page
    page.goto(server.base_url)
    installed(page)
    assert keep_runtime_by_click(page) == "false"  # said: not everything could be kept
    cached = page.evaluate("""async () => {
      const names = (await caches.keys()).filter((n) => n.startsWith("bdpilot-core-"));
      const cache = await caches.open(names[0]);
      return (await cache.keys()).map((r) => new URL(r.url).pathname);
    }""")
    wasm_path = "/" + wasm.relative_to(copy).as_posix()
    assert wasm_path not in cached and any(p.endswith(".whl") for p in cached), cached
    # The checker page asks for it (through the worker, cache-first): said as it is, still not cached.
    page.goto(server.base_url + "en/checker/")
    page.wait_for_selector(f"#checker-boot-error[data-code={how}]", state="attached", timeout=60_000)
    assert wasm_path not in page.evaluate("""async () => {
      const names = (await caches.keys()).filter((n) => n.startsWith("bdpilot-core-"));
      return (await (await caches.open(names[0])).keys()).map((r) => new URL(r.url).pathname);
    }""")


def test_repeat_visit_is_served_by_the_service_worker_from_a_versioned_cache(site_server, recorded_page):
    responses = visit_and_reload(recorded_page, site_server)
    config, m = sw_config(), manifest()
    expected = [site_server + path for path in config["precache"]]
    for url in expected:
        assert url in responses, f"{url} was not requested on reload: {sorted(responses)}"
        assert responses[url] is True, f"{url} did not come from the service worker"

    page = recorded_page.page
    names = page.evaluate("() => caches.keys()")
    core = [n for n in names if n.startswith("bdpilot-core-")]
    assert len(core) == 1, names
    assert f"pyodide-{m['pyodide_version']}" in core[0]
    assert f"checker-{m['checker_version']}" in core[0]
    for version in m["rulesets"].values():
        assert version in core[0]
    assert core[0].endswith(config["hash"])
    keys_js = "async (name) => (await (await caches.open(name)).keys()).map((r) => r.url)"
    assert sorted(page.evaluate(keys_js, core[0])) == sorted(expected)
    # Pages, scripts and styles went to the network first (so an updated site shows at once), and a copy was kept
    # for offline use in the pages cache of the same version.
    pages = [n for n in names if n.startswith("bdpilot-pages-")]
    assert pages == ["bdpilot-pages-" + config["pages_hash"]], names
    # A key keeps the URL it was stored under, fragment and all (the search worker is started as
    # search-worker.js#<Material's worker>); the Cache API matches without the fragment, so compare without it.
    kept = [url.split("#", 1)[0] for url in page.evaluate(keys_js, pages[0])]
    assert {site_server + ("" if p == "./" else p) for p in config["pages"]} <= set(kept)
    assert not set(kept) & set(expected)
    # manifest.json came from the service worker, but from the network (network-first), not from the cache.
    assert site_server + "assets/checker/manifest.json" not in expected
    recorded_page.assert_clean()


def test_offline_the_checker_page_still_reaches_a_verdict(site_server, recorded_page):
    visit_and_reload(recorded_page, site_server)
    page = recorded_page.page
    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector(VERDICT, state="attached", timeout=120_000)
        assert page.evaluate("() => navigator.onLine") is False
        assert page.get_attribute("#checker", "data-ready") == "true"
        assert page.is_hidden("#checker-boot-error")
    finally:
        page.context.set_offline(False)


def test_activation_deletes_old_caches_of_this_site_only(site_server, recorded_page):
    page = recorded_page.page
    page.goto(site_server)  # a guide page of the same origin: no worker yet
    page.evaluate("""async () => {
      await (await caches.open("bdpilot-core-pyodide-0.0.1-checker-old-000000000000")).put("/old", new Response("x"));
      await (await caches.open("bdpilot-pages-pyodide-0.0.1-checker-old-000000000000")).put("/old", new Response("x"));
      await (await caches.open("another-app")).put("/other", new Response("y"));
    }""")
    open_checker_until_verdict(page, site_server + "en/checker/")
    page.evaluate(CONTROLLED_JS)
    names = page.evaluate("() => caches.keys()")
    assert "another-app" in names
    assert not [n for n in names if "checker-old" in n], names
    assert [n for n in names if n.startswith("bdpilot-core-")], names


def check_every_page_and_the_checker(page, base: str) -> None:
    """Every page of both languages loads (from the service worker), then the checker reaches a verdict."""
    check_every_page(page, base)
    page.goto(base + "en/checker/")
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=120_000)
    page.check("#in-law_abiding--no")
    page.wait_for_selector("#checker-verdict[data-verdict=not_eligible]", state="attached", timeout=60_000)
    assert page.is_hidden("#checker-boot-error")


def check_every_page(page, base: str) -> None:
    """Every page of both languages loads (from the service worker)."""
    for path in urls_of_pages():
        response = page.goto(base + path)
        assert response is not None and response.ok and response.from_service_worker, path
        # A call's stable URL for the newest call (/2022/…) is a redirect page (read from the built file: its
        # 0 s refresh may already have replaced the document): it must lead, offline too, to the page.
        refresh = REFRESH.search((SITE / path / "index.html").read_text("utf-8"))
        if refresh:
            page.wait_for_url(urljoin(base + path, refresh.group(1)))
        assert page.locator("article h1").count() == 1, path


def keep_runtime_by_click(page) -> str:
    """On the home page: press "download the self-check tool for offline use" with the keyboard, as a person does,
    and wait until the page says how it went; its data-kept ("true" | "false")."""
    button = page.locator("[data-offline-runtime]")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-offline-runtime][data-kept]", state="attached", timeout=120_000)
    return button.get_attribute("data-kept")


RUNTIME = re.compile(r"/pyodide\.asm\.wasm$|/python_stdlib[^/]*\.zip$|\.whl$")  # the stdlib: python_stdlib-<sha>.zip
# A browser that asks to save data (Chromium's Save-Data setting, as the page sees it).
SAVE_DATA_JS = """Object.defineProperty(Navigator.prototype, "connection", {
  configurable: true, get: () => ({ saveData: true, effectiveType: "4g", addEventListener() {} }) });"""


@pytest.mark.parametrize("save_data", [False, True])
def test_a_guide_page_visit_alone_never_fetches_the_runtime(site_server, recorded_page, save_data):
    """One visit to a guide page keeps the pages only: no request for the runtime (the page's nor the service
    worker's); every page then opens offline."""
    page = recorded_page.page
    if save_data:
        page.add_init_script(SAVE_DATA_JS)
    page.goto(site_server + "directions/data-management/")
    assert installed(page) == site_server + "sw.js"
    recorded_page.settle()
    assert not [url for url in recorded_page.requests if RUNTIME.search(url)]
    assert not [n for n in page.evaluate("() => caches.keys()") if n.startswith("bdpilot-core-")
                and page.evaluate("async (n) => (await (await caches.open(n)).keys()).length", n)]
    page.context.set_offline(True)
    try:
        check_every_page(page, site_server)  # (the tool pages among them then ask for the runtime, offline)
    finally:
        page.context.set_offline(False)


@pytest.mark.parametrize("lang, save_data", [("zh", True), ("en", False)])
def test_after_one_click_on_the_guide_the_checker_works_offline(site_server, recorded_page, axe_violations, lang,
                                                                save_data):
    """The home page offers the self-check for offline use, naming its size as built; one click keeps it (Save-Data
    on too: asked for is asked for), and the checker then reaches a verdict offline. On a phone (zh) too."""
    page = recorded_page.page
    if save_data:
        page.add_init_script(SAVE_DATA_JS)
    if lang == "zh":
        page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site_server + ("en/" if lang == "en" else ""))
    installed(page)
    page.locator("[data-offline-runtime]").wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    box = page.locator("[data-offline-runtime]").bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24
    assert [v["id"] for v in axe_violations(page) if v["impact"] in ("serious", "critical")] == []
    size = sum((SITE / path).stat().st_size for path in sw_config()["precache"])
    label = {"zh": f"离线使用：下载自查工具（约 {round(size / 1e6)} MB）",
             "en": f"Offline use: download the self-check tool (about {round(size / 1e6)} MB)"}[lang]
    assert page.locator("[data-offline-runtime]").inner_text() == label
    assert not [url for url in recorded_page.requests if RUNTIME.search(url)]
    assert keep_runtime_by_click(page) == "true"
    assert page.locator("#home-offline-status").inner_text() in (
        "自查工具已保存在本浏览器中，离线时也可以使用。", "The self-check tool is saved in this browser and works offline too.")
    assert [url for url in recorded_page.requests if url.endswith("/pyodide.asm.wasm")]
    page.context.set_offline(True)
    try:
        check_every_page_and_the_checker(page, site_server)
        assert page.evaluate("() => navigator.onLine") is False
    finally:
        page.context.set_offline(False)


@pytest.mark.parametrize("save_data", [True, False])
def test_the_checker_page_offers_to_keep_the_tool_only_when_it_did_not_keep_it(site_server, recorded_page,
                                                                               save_data):
    """Saving data, the checker page does not keep the tool by itself: it says why and offers the button, and one
    press (keyboard) keeps it. Otherwise the page keeps the tool itself and offers no button."""
    page = recorded_page.page
    if save_data:
        page.add_init_script(SAVE_DATA_JS)
    open_checker_until_verdict(page, site_server + "checker/")
    installed(page)
    button = page.locator("#checker-tools [data-offline-runtime]")
    if not save_data:
        page.wait_for_selector("html[data-runtime-kept=true]", state="attached", timeout=120_000)
        assert button.is_hidden()
        return
    button.wait_for(state="visible")
    assert page.get_attribute("html", "data-runtime-kept") is None
    assert "省流量模式" in page.locator("#checker-tools .offline-runtime").inner_text()
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#checker-tools [data-offline-runtime][data-kept=true]", state="attached",
                           timeout=120_000)
    assert page.locator("#checker-offline-status").inner_text() == "自查工具已保存在本浏览器中，离线时也可以使用。"


def test_after_one_visit_everything_works_with_the_server_stopped(site_dir, recorded_page):
    """The server runs as its own process and is killed: no open keep-alive connection can still answer."""
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(REPO / "build_scripts" / "serve_static.py"), "--directory",
                               str(site_dir), str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().startswith("Serving ")
        base = f"http://127.0.0.1:{port}/"
        page = recorded_page.page
        open_checker_until_verdict(page, base + "en/checker/")  # the visit that keeps the runtime too
        installed(page)
        page.wait_for_selector("html[data-runtime-kept=true]", state="attached", timeout=120_000)
    finally:
        server.kill()
        server.wait(timeout=10)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    check_every_page_and_the_checker(page, base)


def next_release(site: Path) -> str:
    """Turn a copy of the built site into the next release, as a deployment of a new build would: a new checker
    wheel (new name) whose rule set has another version, its lock file (sha256), the manifest naming both, the
    pages announcing the new version, and sw.js configured for them (build_scripts/sw_config.py). Returns the new
    rule-set version."""
    import hashlib
    import sys
    import zipfile

    sys.path.insert(0, str(REPO / "build_scripts"))
    import sw_config as configure_sw

    folder = site / "assets" / "checker"
    m = json.loads((folder / "manifest.json").read_text("utf-8"))
    old_version, new_version = m["rulesets"]["2022"], hashlib.sha256(b"the next release").hexdigest()[:12]
    old_checker, new_checker = m["checker_version"], m["checker_version"] + "1"
    old_wheel = folder / m["wheel"]
    new_wheel = folder / m["wheel"].replace(old_checker, new_checker)
    with zipfile.ZipFile(old_wheel) as source, zipfile.ZipFile(new_wheel, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "checker/data/2022.json":
                bundle = json.loads(data)
                assert bundle["version"] == old_version
                data = json.dumps(dict(bundle, version=new_version), ensure_ascii=False).encode("utf-8")
            elif ".dist-info/" in info.filename:
                data = data.replace(old_checker.encode(), new_checker.encode())
            target.writestr(info.filename.replace(old_checker, new_checker), data)
    lock = json.loads((folder / m["lock_file"]).read_text("utf-8"))
    entry = lock["packages"][m["package"]]
    entry.update(file_name=new_wheel.name, version=new_checker,
                 sha256=hashlib.sha256(new_wheel.read_bytes()).hexdigest())
    new_lock = folder / "checker-lock-nextrelease.json"
    new_lock.write_text(json.dumps(lock), "utf-8")
    (folder / m["lock_file"]).unlink()
    old_wheel.unlink()
    m.update(wheel=new_wheel.name, lock_file=new_lock.name, checker_version=new_checker,
             wheel_sha256=entry["sha256"], rulesets={"2022": new_version})
    (folder / "manifest.json").write_text(json.dumps(m), "utf-8")
    for html in site.rglob("*.html"):
        text = html.read_text("utf-8")
        if old_version in text:
            html.write_text(text.replace(old_version, new_version), "utf-8")
    configure_sw.configure(site)
    return new_version


def test_a_returning_visitor_computes_with_the_new_release(serve_directory, site_dir, recorded_page, tmp_path):
    """Old caches (one visit to the checker, the service worker in control) + a new release on the server: the
    very next visit's verdict comes from the new rule set (manifest.json is network-first, and it names the new
    wheel), not from the cached one."""
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    old_version = manifest()["rulesets"]["2022"]
    server = serve_directory(copy)
    page = recorded_page.page
    page.goto(server.base_url + "en/checker/")
    page.check("#in-law_abiding--no")
    page.wait_for_selector("#checker-verdict[data-verdict=not_eligible]", state="attached", timeout=120_000)
    assert old_version in page.text_content("#checker-version")
    assert installed(page) == server.base_url + "sw.js"

    new_version = next_release(copy)
    page.goto(server.base_url + "en/checker/")
    page.wait_for_selector("#checker-verdict[data-verdict=not_eligible]", state="attached", timeout=120_000)
    shown = page.text_content("#checker-version")
    assert new_version in shown and old_version not in shown
    assert page.get_attribute("#checker", "data-ruleset-version") == new_version
    recorded_page.assert_clean()


# Wraps navigator.serviceWorker.register to note, in the page, what the page showed when it was called.
NOTE_REGISTRATION_JS = """(() => {
  const register = ServiceWorkerContainer.prototype.register;
  ServiceWorkerContainer.prototype.register = function (...args) {
    const verdict = document.getElementById("checker-verdict");
    window.__registeredWith = { ready: document.getElementById("checker")?.dataset.ready || null,
                                verdict: verdict ? verdict.dataset.verdict : null };
    return register.apply(this, args);
  };
})();"""


def test_the_checker_page_registers_only_after_its_first_verdict(site_server, recorded_page):
    page = recorded_page.page
    page.add_init_script(NOTE_REGISTRATION_JS)
    page.goto(site_server + "checker/")
    assert installed(page) == site_server + "sw.js"
    assert page.evaluate("() => window.__registeredWith") == {"ready": "true", "verdict": "incomplete"}


@pytest.mark.parametrize("path", ["", "directions/data-management/", "en/eligibility/"])
def test_a_guide_page_registers_the_worker_after_loading(site_server, recorded_page, path):
    page = recorded_page.page
    response = page.goto(site_server + path)
    assert response.ok and not response.from_service_worker
    assert installed(page) == site_server + "sw.js"
    recorded_page.assert_clean()
