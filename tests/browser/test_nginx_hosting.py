"""A release archive served by a real nginx under a sub-path, with the documented snippet, used in Chromium.

What an intranet administrator does, end to end: `make dist` (build_scripts/make_dist.py, here into a temporary
folder), unpack the .tar.gz, include build_scripts/nginx/bdpilot.conf (the snippet on the hosting page) in a
`location /intranet/bdpilot/ { alias ...; }`, start nginx. The config is build_scripts/nginx/test-server.conf.in:
a loopback port, pid file, logs and temp folders in the test's temporary folder, and no `include mime.types`, so
the snippet alone must give .wasm, .mjs and .json their types.

With Debian's brotli_static module (`make nginx` installs it beside nginx) the config loads it and includes the
optional snippet build_scripts/nginx/bdpilot-brotli.conf after bdpilot.conf, as the hosting page says: the
browser then gets the .br twins. bdpilot.conf alone must pass `nginx -t` without the module (IT staff copy it).

Then plain HTTP requests check the headers (types, caching, compression, redirects, 404s), and Chromium checks
that a guide page loads cleanly, that the language switch leads to the English twin and that the self-check
reaches a verdict, with .wasm served as application/wasm and every request to the nginx origin.

Needs /usr/sbin/nginx and the brotli_static module (`make nginx` installs both): without them these tests fail
(test_nginx_is_installed, test_the_brotli_module_is_installed), they are not silently skipped.
"""

from __future__ import annotations

import datetime
import getpass
import hashlib
import gzip
import http.client
import json
import os
import re
import socket
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import brotli
import pytest

from build_scripts import csp, make_dist

REPO = Path(__file__).resolve().parents[2]
NGINX = Path("/usr/sbin/nginx")
NGINX_DIR = REPO / "build_scripts" / "nginx"
SNIPPET = NGINX_DIR / "bdpilot.conf"
BROTLI_SNIPPET = NGINX_DIR / "bdpilot-brotli.conf"
# Debian's libnginx-mod-http-brotli-static (`make nginx`).
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
TEMPLATE = NGINX_DIR / "test-server.conf.in"
PREFIX = "/intranet/bdpilot/"
VERSION = "nginx-test"
BOOT_MS = 90_000
# A simple profile, from policy_data/calls/2022/questions.yaml: the project is only planned (not yet under
# construction), which the notice excludes ("申报项目须为在建或已建项目").
PROFILE = {"project_status": "planned"}
# CSP violations the page reports (the snippet sends the policy as a header; see build_scripts/csp.py).
CSP_RECORD = """window.__csp = []; document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.effectiveDirective + " " + (e.blockedURI || "inline")));"""


def test_nginx_is_installed():
    """Not marked `nginx`, so it runs (and fails) where the marked tests below would be skipped."""
    assert NGINX.exists(), f"{NGINX} is missing: run `make nginx` (as root it installs Debian's nginx with apt-get)"


def test_the_brotli_module_is_installed():
    """Not marked `nginx` either: without the module the server runs without brotli and the .br tests fail."""
    assert BROTLI_MODULE.exists(), (f"{BROTLI_MODULE} is missing: run `make nginx` (as root it installs Debian's "
                                    "libnginx-mod-http-brotli-static with apt-get)")


# ------------------------------------------------------------------ the server


class Nginx:
    def __init__(self, process: subprocess.Popen, port: int, tmp: Path, site: Path) -> None:
        self.process = process
        self.port = port
        self.tmp = tmp
        self.site = site
        self.origin = f"http://127.0.0.1:{port}"
        self.base_url = self.origin + PREFIX

    def log(self) -> str:
        path = self.tmp / "error.log"
        return path.read_text("utf-8", errors="replace")[-4000:] if path.exists() else "(no error.log)"

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """One plain HTTP GET (redirects are not followed): (status, lower-cased headers, body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


def reserved_port() -> socket.socket:
    """A loopback port bound (not listening) with SO_REUSEPORT: nginx's `listen … reuseport` can bind it too, and
    no other process can take it before nginx does. Close it once nginx answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def write_config(tmp: Path, site: Path, port: int, load_brotli: bool | None = None,
                 brotli_snippet: bool | None = None) -> Path:
    """The test server's nginx.conf in `tmp`. By default the brotli module is loaded and its snippet included when
    the module is installed; the two switches set each on its own (to check `nginx -t` without the module)."""
    load_brotli = BROTLI_MODULE.exists() if load_brotli is None else load_brotli
    brotli_snippet = load_brotli if brotli_snippet is None else brotli_snippet
    values = {
        "@LOAD_BROTLI@": f"load_module {BROTLI_MODULE};" if load_brotli else "",
        "@BROTLI_SNIPPET@": f"include {BROTLI_SNIPPET};" if brotli_snippet else "",
        "@TMP@": str(tmp),
        "@USER@": "root" if os.geteuid() == 0 else getpass.getuser(),
        "@PORT@": str(port),
        "@PREFIX_NO_SLASH@": PREFIX.rstrip("/"),
        "@PREFIX@": PREFIX,
        "@SITE@": str(site),
        "@SNIPPET@": str(SNIPPET),
    }
    text = TEMPLATE.read_text("utf-8")
    for key in sorted(values, key=len, reverse=True):  # @PREFIX_NO_SLASH@ before @PREFIX@
        text = text.replace(key, values[key])
    leftover = [word for word in text.split() if word.startswith("@") and word.rstrip(";/").endswith("@")]
    assert not leftover, f"unreplaced placeholders in {TEMPLATE.name}: {leftover}"
    conf = tmp / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


def nginx_command(tmp: Path, conf: Path) -> list[str]:
    return [str(NGINX), "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)]


def start_nginx(tmp: Path, site: Path) -> Nginx:
    """Start nginx in the foreground (daemon off) on a loopback port reserved for it (reserved_port)."""
    (tmp / "outside").mkdir(exist_ok=True)
    with reserved_port() as holder:
        port = holder.getsockname()[1]
        conf = write_config(tmp, site, port)
        base = nginx_command(tmp, conf)
        checked = subprocess.run([*base, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, f"nginx -t failed for {conf}:\n{checked.stderr}"
        process = subprocess.Popen([*base, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        server = Nginx(process, port, tmp, site)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, _, _ = server.get(PREFIX)
                if status == 200:
                    return server
            except OSError:
                pass
            time.sleep(0.1)  # nginx signals readiness only by answering
    stderr = ""
    if process.poll() is None:
        stop_nginx(server)
    else:
        stderr = process.stderr.read().decode("utf-8", errors="replace")
    pytest.fail(f"nginx did not answer on {server.base_url} within 15 s:\n{stderr}\n{server.log()}", pytrace=False)


def stop_nginx(server: Nginx) -> None:
    process = server.process
    if process.poll() is None:
        process.terminate()  # SIGTERM: nginx's fast shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if process.stderr:
        process.stderr.close()


@pytest.fixture(scope="module")
def unpacked_site(site_dir: Path, tmp_path_factory) -> Path:
    """site/ -> make_dist -> .tar.gz -> unpacked: the folder an administrator would serve."""
    dist = make_dist.make_dist(site_dir, tmp_path_factory.mktemp("dist"), version=VERSION)
    target = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(dist.tar_gz, "r:gz") as tar:
        tar.extractall(target, filter="data")
    top = target / f"bdpilot-site-{VERSION}"
    assert [p.name for p in target.iterdir()] == [top.name]
    return top / "site"


@pytest.fixture(scope="module")
def nginx(unpacked_site: Path, tmp_path_factory) -> Iterator[Nginx]:
    if not NGINX.exists():
        pytest.fail(f"{NGINX} is missing: run `make nginx` (as root it installs Debian's nginx with apt-get)",
                    pytrace=False)
    server = start_nginx(tmp_path_factory.mktemp("nginx"), unpacked_site)
    try:
        yield server
    finally:
        stop_nginx(server)


def runtime_path(site: Path) -> str:
    manifest = json.loads((site / "assets" / "checker" / "manifest.json").read_text("utf-8"))
    return f"assets/pyodide/{manifest['pyodide_version']}/"


def on_origin(url: str, origin: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}" == origin


# ------------------------------------------------------------------ plain HTTP


@pytest.mark.nginx
def test_types_caching_and_compression(nginx, unpacked_site):
    runtime = PREFIX + runtime_path(unpacked_site)
    status, headers, body = nginx.get(runtime + "pyodide.asm.wasm")
    assert status == 200 and headers["content-type"] == "application/wasm"
    assert body == (unpacked_site / runtime_path(unpacked_site) / "pyodide.asm.wasm").read_bytes()
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff"

    # gzip_static: the build's precompressed twin (build_scripts/precompress.py) as it is, under the .wasm's own type.
    status, headers, body = nginx.get(runtime + "pyodide.asm.wasm", {"Accept-Encoding": "gzip"})
    wasm = unpacked_site / runtime_path(unpacked_site) / "pyodide.asm.wasm"
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert headers["content-type"] == "application/wasm" and "immutable" in headers["cache-control"]
    assert body == wasm.with_name(wasm.name + ".gz").read_bytes()  # not compressed again on the fly
    assert gzip.decompress(body) == wasm.read_bytes()

    for path, content_type, cache in [
        (runtime + "pyodide.asm.wasm", "application/wasm", "public, max-age=31536000, immutable"),
        (runtime + "pyodide.mjs", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        (runtime + "pyodide.asm.mjs", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        (PREFIX + "assets/checker/worker.mjs", "text/javascript; charset=utf-8", "no-cache"),
        (PREFIX + "assets/checker/checker.js", "text/javascript; charset=utf-8", "no-cache"),
        (PREFIX + "assets/checker/manifest.json", "application/json; charset=utf-8", "no-cache"),
        (PREFIX, "text/html; charset=utf-8", "no-cache"),
        (PREFIX + "en/checker/", "text/html; charset=utf-8", "no-cache"),
        (PREFIX + "sw.js", "text/javascript; charset=utf-8", "no-cache"),
    ]:
        status, headers, _ = nginx.get(path)
        assert (status, headers["content-type"], headers["cache-control"]) == (200, content_type, cache), path
        # The security headers on every file, the long-cached ones too (nginx drops a location's add_header
        # inherited from outside when the location has its own, so the snippet repeats them).
        assert {name: headers.get(name.lower()) for name in csp.HEADERS} == csp.HEADERS, path
    manifest = json.loads((unpacked_site / "assets" / "checker" / "manifest.json").read_text("utf-8"))
    for name in (manifest["wheel"], manifest["lock_file"]):
        status, headers, _ = nginx.get(PREFIX + "assets/checker/" + name)
        assert status == 200 and "immutable" in headers["cache-control"], name


@pytest.mark.nginx
def test_brotli_static_sends_the_brotli_twin(nginx, unpacked_site):
    """bdpilot-brotli.conf with the module loaded: a client that accepts brotli (alone, or among others as browsers
    send it) gets the .wasm's .br twin as it is, under the .wasm's own type and headers; gzip only still gets the .gz."""
    wasm = unpacked_site / runtime_path(unpacked_site) / "pyodide.asm.wasm"
    url = PREFIX + runtime_path(unpacked_site) + "pyodide.asm.wasm"
    for accept in ("br", "gzip, deflate, br, zstd"):
        status, headers, body = nginx.get(url, {"Accept-Encoding": accept})
        assert (status, headers.get("content-encoding"), headers["content-type"]) == (200, "br", "application/wasm"), \
            (accept, nginx.log())
        assert body == wasm.with_name(wasm.name + ".br").read_bytes(), accept  # not compressed again on the fly
        assert brotli.decompress(body) == wasm.read_bytes()
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        assert headers.get("vary") == "Accept-Encoding"  # a shared cache keeps the encodings apart
        assert {name: headers.get(name.lower()) for name in csp.HEADERS} == csp.HEADERS
    status, headers, body = nginx.get(url, {"Accept-Encoding": "gzip"})
    assert (status, headers.get("content-encoding")) == (200, "gzip")
    assert body == wasm.with_name(wasm.name + ".gz").read_bytes()


@pytest.mark.nginx
def test_only_the_brotli_snippet_needs_the_module(unpacked_site, tmp_path):
    """IT staff copy bdpilot.conf to servers without the brotli module: it passes `nginx -t` there. The optional
    bdpilot-brotli.conf is what needs the module (why it is a snippet of its own)."""
    checked = {}
    for load, include in ((False, False), (False, True), (True, True)):
        folder = tmp_path / f"load-{load}-include-{include}"
        (folder / "outside").mkdir(parents=True)
        with reserved_port() as holder:
            conf = write_config(folder, unpacked_site, holder.getsockname()[1], load_brotli=load,
                                brotli_snippet=include)
            checked[load, include] = subprocess.run([*nginx_command(folder, conf), "-t"], capture_output=True,
                                                    text=True)
    assert "brotli" not in SNIPPET.read_text("utf-8").replace("bdpilot-brotli.conf", "")
    assert checked[False, False].returncode == 0, checked[False, False].stderr
    assert checked[False, True].returncode != 0
    assert 'unknown directive "brotli_static"' in checked[False, True].stderr
    assert checked[True, True].returncode == 0, checked[True, True].stderr


@pytest.mark.nginx
def test_redirects_and_not_found(nginx, unpacked_site):
    # Relative redirects: the browser keeps the host and port it used.
    status, headers, _ = nginx.get(PREFIX.rstrip("/"))
    assert (status, headers["location"]) == (301, PREFIX)
    status, headers, _ = nginx.get(PREFIX + "checker")
    assert (status, headers["location"]) == (301, PREFIX + "checker/")
    # The site's own 404 page inside the prefix; nothing at all outside it.
    status, _, body = nginx.get(PREFIX + "no-such-page/")
    assert status == 404 and body == (unpacked_site / "404.html").read_bytes()
    assert nginx.get("/")[0] == 404
    assert nginx.get("/index.html")[0] == 404
    # No directory listings.
    assert nginx.get(PREFIX + "assets/")[0] in (403, 404)


# ------------------------------------------------------------------ in Chromium


def record_types(page, found: dict[str, str]) -> None:
    """URL -> Content-Type of every response, the workers' included (context-level events)."""
    page.context.on("response", lambda response: found.setdefault(response.url, response.headers.get("content-type", "")))


@pytest.mark.nginx
def test_guide_page_and_language_switch(nginx, strict_page):
    page = strict_page
    page.add_init_script(CSP_RECORD)
    response = page.goto(nginx.base_url, wait_until="networkidle")
    assert response.status == 200 and page.locator("article h1").count() == 1

    response = page.goto(nginx.base_url + "hosting/", wait_until="networkidle")
    assert response.status == 200
    assert page.get_attribute("html", "lang").startswith("zh")
    # The snippets nginx is running now are the ones the page shows.
    shown = [text.strip("\n") for text in page.locator("article pre code").all_inner_texts()]
    assert SNIPPET.read_text("utf-8").strip("\n") in shown
    assert BROTLI_SNIPPET.read_text("utf-8").strip("\n") in shown

    page.hover(".md-header__option .md-select")
    english = page.locator(".md-select__link[hreflang=en]")
    english.wait_for(state="visible")
    english.click()
    page.wait_for_url(nginx.base_url + "en/hosting/")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "lang").startswith("en")
    assert page.locator("article h1").inner_text().startswith("Hosting")

    page.settle()
    page.assert_clean()
    assert page.evaluate("window.__csp") == []
    assert [u for u in page.requests if not on_origin(u, nginx.origin)] == []
    # The guide pages themselves load no Pyodide file (the service worker they register caches it in the background).
    assert [u for u in page.page_requests if re.search(r"pyodide|\.wasm", u)] == []


def reach_the_verdict(page, nginx: Nginx) -> None:
    """On the checker page (a PageRecorder): wait for the checker to start, answer PROFILE as a person does and
    wait for CPython's verdict for it; a boot failure fails the test with what the page and nginx say."""
    from checker import api

    # Ready, or a boot failure shown on the page (e.g. a wrong .wasm type): whichever comes first.
    page.wait_for_selector("#checker[data-ready=true], #checker-boot-error:not([hidden])", state="attached",
                           timeout=BOOT_MS)
    if page.get_attribute("#checker", "data-ready") != "true":
        shown = page.locator("#checker-boot-error").inner_text()
        pytest.fail(f"the checker did not start behind nginx. The page says:\n{shown}\n"
                    + "\n".join(page.problems()) + f"\nnginx error.log:\n{nginx.log()}", pytrace=False)

    request = {"id": 0, "call": "2022", "type": "assess", "answers": PROFILE, "lang": "zh",
               "as_of": datetime.date.today().isoformat()}
    expected = json.loads(api.handle(json.dumps(request)))["result"]
    assert expected["verdict"] == "not_eligible"
    for qid, value in PROFILE.items():
        page.check(f"#in-{qid}--{value}")
    page.wait_for_selector(f"#checker-verdict[data-verdict={expected['verdict']}]", state="attached", timeout=30_000)
    assert page.text_content("#checker-verdict") == expected["verdict_label"]
    assert page.locator("#checker-failed li[data-rule=project_status]").count() == 1


@pytest.mark.nginx
def test_checker_reaches_a_verdict(nginx, strict_page):
    """Under the snippet's Content-Security-Policy header (strict_page does not bypass it)."""
    page = strict_page
    page.add_init_script(CSP_RECORD)
    types: dict[str, str] = {}
    record_types(page.page, types)
    response = page.goto(nginx.base_url + "checker/")
    assert response.status == 200
    if page.locator("#checker").count() == 0:
        pytest.fail("the self-check page has no #checker element: the checker page (build_scripts/templates/pages/"
                    "checker.md.j2 and docs/assets/checker/) is not in this build", pytrace=False)
    reach_the_verdict(page, nginx)
    wasm = {url: kind for url, kind in types.items() if urlparse(url).path.endswith(".wasm")}
    assert wasm, "no .wasm was fetched"
    assert all(kind == "application/wasm" for kind in wasm.values()), wasm
    assert all(urlparse(url).path.startswith(PREFIX) for url in wasm)
    assert response.headers["content-security-policy"] == csp.HEADER_POLICY
    page.settle()
    page.assert_clean()
    assert page.evaluate("window.__csp") == []
    assert [u for u in page.requests if not on_origin(u, nginx.origin)] == []


@pytest.mark.nginx
def test_the_service_worker_keeps_the_precompressed_runtime_as_built(nginx, unpacked_site, strict_page):
    """Chromium accepts brotli, so nginx sends the .wasm's brotli twin (brotli_static; the gzip one over plain HTTP:
    test_types_caching_and_compression); the browser decodes it, so the service worker's integrity check (the
    build's sha256 of the file) passes and every core file is kept, the .wasm included. The checker page then
    boots from that copy and reaches a verdict."""
    from test_service_worker import CONTROLLED_JS, keep_runtime_by_click

    page = strict_page.page
    access_log = nginx.tmp / "access.log"
    logged = access_log.stat().st_size  # the module's other tests fetched the .wasm too, plain and gzip
    # The runtime is kept for offline use when the visitor asks (the home page's button) or runs the checker.
    page.goto(nginx.base_url)
    assert page.evaluate(CONTROLLED_JS) == nginx.base_url + "sw.js"
    assert keep_runtime_by_click(page) == "true"
    cached = page.evaluate("""async () => {
      const names = (await caches.keys()).filter((n) => n.startsWith("bdpilot-core-"));
      const cache = await caches.open(names[0]);
      const out = {};
      for (const request of await cache.keys()) {
        const bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
        out[new URL(request.url).pathname] = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
      }
      return out;
    }""")
    wasm = unpacked_site / runtime_path(unpacked_site) / "pyodide.asm.wasm"
    wasm_url = PREFIX + runtime_path(unpacked_site) + "pyodide.asm.wasm"
    assert cached.get(wasm_url) == hashlib.sha256(wasm.read_bytes()).hexdigest(), sorted(cached)
    assert any(path.endswith(".whl") for path in cached) and len(cached) >= 6, cached
    # What went over the wire for it was the twin ($body_bytes_sent in nginx's access log).
    with open(access_log, "rb") as handle:
        handle.seek(logged)
        lines = handle.read().decode("utf-8", errors="replace").splitlines()
    sent = [int(line.split('" ')[1].split()[1]) for line in lines if f'"GET {wasm_url} ' in line]
    assert sent and set(sent) == {wasm.with_name(wasm.name + ".br").stat().st_size}, sent

    # The checker page: its worker's GET for the .wasm is answered by the service worker, from what it kept.
    with page.context.expect_event("response", timeout=BOOT_MS, predicate=lambda r: r.request.method == "GET"
                                   and urlparse(r.url).path == wasm_url) as answered:
        strict_page.goto(nginx.base_url + "checker/")
        reach_the_verdict(strict_page, nginx)
    assert answered.value.from_service_worker and answered.value.status == 200
    assert answered.value.headers["content-type"] == "application/wasm"
