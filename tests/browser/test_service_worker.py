"""The service worker (docs/sw.js, registered by docs/assets/sw/register.js from the checker and screening pages).

* After one visit to the checker page and a reload, Pyodide's core files and the checker's wheel, lock file and
  manifest come from the service worker, out of a cache whose name carries the Pyodide and checker versions.
* Offline (after that visit and reload) the checker page still reaches a verdict on reload.
* Caches of an older version are deleted when the worker activates; other sites' caches are left alone.
* A guide page never registers the worker and loads no Pyodide file.
* build_scripts/sw_config.py writes the configuration into the built sw.js (checked on site/sw.js as built).

Uses the infra fixtures ``site_server`` (site/ at the root of a loopback server: http://127.0.0.1, where browsers
allow service workers) and ``recorded_page`` (a fresh browser context per test, so no worker carries over).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "site"
VERDICT_JS = "() => document.getElementById('checker-verdict')?.dataset.verdict"
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


def open_checker_until_verdict(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(VERDICT_JS, timeout=120_000)


def visit_and_reload(recorded_page, site_server: str) -> dict[str, bool]:
    """Visit the checker page, wait for the worker to take control, reload; {url: from_service_worker} of the
    GET responses during the reload (page and dedicated worker alike)."""
    page = recorded_page.page
    open_checker_until_verdict(page, site_server + "checker/")
    assert page.evaluate(CONTROLLED_JS) == site_server + "sw.js"
    # The install step has cached everything before activating; let the first visit's requests settle.
    page.wait_for_timeout(200)
    responses: dict[str, bool] = {}

    def record(response):
        # GET only: the worker also sends a HEAD for the .wasm (to check its Content-Type), which the service
        # worker leaves to the network.
        if response.request.method == "GET":
            responses[response.url] = response.from_service_worker

    page.context.on("response", record)
    page.reload()
    page.wait_for_function(VERDICT_JS, timeout=120_000)
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
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        assert pyodide_dir + name in precache
    for name in (m["wheel"], m["lock_file"], "manifest.json"):
        assert "assets/checker/" + name in precache
    assert all((SITE / path).is_file() for path in precache)
    # Pyodide's own 119 KB lock file is not loaded by the worker (it passes the checker's lock): not cached.
    assert pyodide_dir + "pyodide-lock.json" not in precache


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
    assert pages == [core[0].replace("bdpilot-core-", "bdpilot-pages-")], names
    kept = page.evaluate(keys_js, pages[0])
    assert site_server + "checker/" in kept and site_server + "assets/checker/checker.js" in kept
    assert not set(kept) & set(expected)
    recorded_page.assert_clean()


def test_offline_the_checker_page_still_reaches_a_verdict(site_server, recorded_page):
    visit_and_reload(recorded_page, site_server)
    page = recorded_page.page
    page.context.set_offline(True)
    try:
        page.evaluate("() => document.getElementById('checker-verdict').removeAttribute('data-verdict')")
        page.reload()
        page.wait_for_function(VERDICT_JS, timeout=120_000)
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


@pytest.mark.parametrize("path", ["", "directions/data-management/", "en/eligibility/"])
def test_a_guide_page_never_registers_the_worker_and_loads_no_pyodide(site_server, recorded_page, path):
    page = recorded_page.page
    page.goto(site_server + path)
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)  # long enough for an idle-time registration to have happened
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    assert page.evaluate("() => navigator.serviceWorker.controller") is None
    assert recorded_page.requested(r"/sw\.js|/assets/sw/register\.js") == []
    assert [url for url in recorded_page.requests if PYODIDE_FILE.search(url)] == []
    recorded_page.assert_clean()
