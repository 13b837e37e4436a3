"""Release archives (build_scripts/make_dist.py) made from a small fake site, and the hosting page that documents
how to serve them (docs/hosting.*.md): its nginx snippets must be build_scripts/nginx/bdpilot.conf and the optional
bdpilot-brotli.conf verbatim.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import textwrap
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import markdown
import pytest

from build_scripts import make_dist

REPO = Path(__file__).resolve().parents[1]
SNIPPET = REPO / "build_scripts" / "nginx" / "bdpilot.conf"
BROTLI_SNIPPET = SNIPPET.with_name("bdpilot-brotli.conf")
VERSION = "1.2.3-test"
TOP = f"bdpilot-site-{VERSION}"
EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z


# ------------------------------------------------------------------ a fake site


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)


def make_fake_site(root: Path) -> Path:
    site = root / "site"
    manifest = {
        "checker_version": "0.1.0+rsabc",
        "pyodide_version": "9.9.9",
        "rulesets": {"2022": "abc123"},
        "wheel": "bdpilot_checker-0.1.0+rsabc-py3-none-any.whl",
    }
    write(site / "index.html", '<html><head><link rel="canonical" href="https://intranet.example/bd/"></head></html>')
    write(site / "en" / "index.html", "<html>en</html>")
    write(site / "404.html", "<html>404</html>")
    write(site / "hosting" / "index.html", "<html>托管</html>")
    write(site / "assets" / "checker" / "manifest.json", json.dumps(manifest))
    write(site / "assets" / "checker" / manifest["wheel"], b"PK\x03\x04 not really a wheel")
    write(site / "assets" / "pyodide" / "9.9.9" / "pyodide.mjs", "export const x = 1;\n")
    write(site / "assets" / "pyodide" / "9.9.9" / "pyodide.asm.wasm", b"\x00asm\x01\x00\x00\x00" + bytes(range(256)) * 40)
    write(site / "资料" / "说明.txt", "非 ASCII 的文件名\n")
    (site / "empty-folder").mkdir()
    # Permissions and times that must not leak into the archives.
    (site / "404.html").chmod(0o600)
    os.utime(site / "index.html", (1_800_000_000, 1_800_000_000))
    return site


@pytest.fixture
def fake_site(tmp_path: Path) -> Path:
    return make_fake_site(tmp_path)


@pytest.fixture
def dist(fake_site: Path, tmp_path: Path) -> make_dist.Dist:
    return make_dist.make_dist(fake_site, tmp_path / "dist", version=VERSION, mtime=EPOCH)


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def tar_names(path: Path) -> list[str]:
    with tarfile.open(path, "r:gz") as tar:
        return tar.getnames()


# ------------------------------------------------------------------ names and layout


def test_archive_names(dist, tmp_path):
    out = tmp_path / "dist"
    assert dist.tar_gz == out / f"{TOP}.tar.gz" and dist.zip == out / f"{TOP}.zip"
    assert sorted(p.name for p in out.iterdir()) == sorted(["INSTALL.txt", "SHA256SUMS", f"{TOP}.tar.gz", f"{TOP}.zip"])


def test_one_top_folder_holding_the_site_the_instructions_and_the_snippet(dist, fake_site):
    names = tar_names(dist.tar_gz)
    assert names[0] == TOP
    assert all(n == TOP or n.startswith(TOP + "/") for n in names)
    with tarfile.open(dist.tar_gz, "r:gz") as tar:
        files = {m.name[len(TOP) + 1:]: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
        folders = {m.name for m in tar.getmembers() if m.isdir()}
    assert files.pop("INSTALL.txt") == dist.install.read_bytes()
    assert files.pop("server-config/nginx/bdpilot.conf") == SNIPPET.read_bytes()
    assert files.pop("server-config/nginx/bdpilot-brotli.conf") == BROTLI_SNIPPET.read_bytes()
    assert files == {f"site/{k}": v for k, v in site_files(fake_site).items()}
    assert f"{TOP}/site/empty-folder" in folders  # folders are entries too, so empty ones survive

    with zipfile.ZipFile(dist.zip) as archive:
        zip_names = archive.namelist()
        assert archive.testzip() is None
        assert {n: archive.read(n) for n in zip_names if not n.endswith("/")} == {
            f"{TOP}/{k}": v for k, v in {**{f"site/{k}": v for k, v in site_files(fake_site).items()},
                                         "INSTALL.txt": dist.install.read_bytes(),
                                         "server-config/nginx/bdpilot.conf": SNIPPET.read_bytes(),
                                         "server-config/nginx/bdpilot-brotli.conf": BROTLI_SNIPPET.read_bytes()}.items()}
    # The same entries in the same order in both archives (folders end in "/" in a zip).
    assert [n.rstrip("/") for n in zip_names] == names
    assert f"{TOP}/site/资料/说明.txt" in names


def test_unpacked_with_the_system_tar_and_unzip(dist, tmp_path, fake_site):
    for tool, archive, args in (("tar", dist.tar_gz, ["-xzf"]), ("unzip", dist.zip, ["-q"])):
        if not shutil.which(tool):
            continue
        target = tmp_path / f"by-{tool}"
        target.mkdir()
        cmd = [tool, *args, str(archive)] + (["-C", str(target)] if tool == "tar" else ["-d", str(target)])
        subprocess.run(cmd, check=True)
        assert [p.name for p in target.iterdir()] == [TOP]
        assert site_files(target / TOP / "site") == site_files(fake_site)


# ------------------------------------------------------------------ checksums and instructions


def test_sha256sums_verifies(dist, tmp_path):
    out = tmp_path / "dist"
    lines = dist.sums.read_text("ascii").splitlines()
    assert len(lines) == 3
    for line in lines:
        digest, name = re.fullmatch(r"([0-9a-f]{64})  (\S+)", line).groups()
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert sorted(line.split("  ")[1] for line in lines) == sorted(["INSTALL.txt", f"{TOP}.tar.gz", f"{TOP}.zip"])
    if shutil.which("sha256sum"):
        result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.count(": OK") == 3


def test_install_txt_in_both_languages(dist):
    text = dist.install.read_text("utf-8")
    # Chinese and English sections, each covering the same ground.
    assert "中文" in text and "English" in text
    for words in (
        ["这是什么", "解压", "application/wasm", "text/javascript", "application/json", "托管与部署", "子路径",
         "sha256sum -c SHA256SUMS"],
        ["What this is", "Unpack", "application/wasm", "text/javascript", "application/json", "Hosting page",
         "sub-path", "sha256sum -c SHA256SUMS"],
    ):
        for word in words:
            assert word in text, word
    for tool in ("nginx", "Apache", "IIS", "web.config", ".htaccess"):
        assert tool in text
    # What this archive is: its version, the checker and runtime inside, and the address it was built for.
    assert VERSION in text and "0.1.0+rsabc" in text and "9.9.9" in text and "2022: abc123" in text
    assert "https://intranet.example/bd/" in text and "“/bd/”" in text and '"/bd/"' in text
    assert f"tar -xzf {TOP}.tar.gz" in text and f"/srv/{TOP}/site/" in text
    assert "location /intranet/bdpilot/ {\n" in text and "include /etc/nginx/snippets/bdpilot.conf;" in text


# ------------------------------------------------------------------ reproducibility


def test_two_runs_give_byte_identical_archives(fake_site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = make_dist.make_dist(fake_site, tmp_path / "one", version=VERSION)
    # Touch every file and change a mode: the archives must not change.
    for path in fake_site.rglob("*"):
        os.utime(path, None)
    (fake_site / "en" / "index.html").chmod(0o755)
    second = make_dist.make_dist(fake_site, tmp_path / "two", version=VERSION)
    for a, b in ((first.tar_gz, second.tar_gz), (first.zip, second.zip), (first.install, second.install),
                 (first.sums, second.sums)):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_fixed_times_modes_and_no_owner(dist):
    with open(dist.tar_gz, "rb") as raw:
        header = raw.read(10)
    assert header[3] & 0x08 == 0, "the gzip header must not carry a file name"
    assert int.from_bytes(header[4:8], "little") == EPOCH
    with tarfile.open(dist.tar_gz, "r:gz") as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == sorted_like_make_dist([m.name for m in members])
    for m in members:
        assert (m.mtime, m.uid, m.gid, m.uname, m.gname) == (EPOCH, 0, 0, "", ""), m.name
        assert m.mode == (0o755 if m.isdir() else 0o644), m.name
        assert m.isdir() or m.isfile(), m.name
    with zipfile.ZipFile(dist.zip) as archive:
        for info in archive.infolist():
            assert info.date_time == (2023, 11, 14, 22, 13, 20), info.filename
            mode = info.external_attr >> 16
            assert mode & 0o777 == (0o755 if info.is_dir() else 0o644), info.filename


def sorted_like_make_dist(names: list[str]) -> list[str]:
    """The archive's order: the top folder's own entries first, then the site sorted by path components."""
    site_prefix = f"{TOP}/site/"
    head = [n for n in names if not n.startswith(site_prefix)]
    rest = sorted((n for n in names if n.startswith(site_prefix)), key=lambda n: n.split("/"))
    return head + rest


def test_source_date_epoch_and_its_floor(fake_site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234")  # before 1980: zip cannot hold it
    assert make_dist.source_date_epoch() == make_dist.ZIP_EPOCH
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    with pytest.raises(make_dist.DistError, match="SOURCE_DATE_EPOCH"):
        make_dist.source_date_epoch()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    # Without it: the last commit's time.
    committed = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=REPO, capture_output=True, text=True)
    if committed.returncode == 0 and committed.stdout.strip():
        assert make_dist.source_date_epoch() == int(committed.stdout)


# ------------------------------------------------------------------ version


def test_default_version_is_git_describe(fake_site):
    described = subprocess.run(["git", "describe", "--tags", "--always", "--dirty"], cwd=REPO,
                               capture_output=True, text=True)
    assert described.returncode == 0, described.stderr
    assert make_dist.default_version(fake_site, EPOCH) == described.stdout.strip()


def test_version_outside_git_is_checker_version_and_date(fake_site, tmp_path):
    not_a_repo = tmp_path / "no-git"
    not_a_repo.mkdir()
    assert make_dist.default_version(fake_site, EPOCH, repo=not_a_repo) == "0.1.0+rsabc-20231114"


def test_version_is_made_safe_for_file_names():
    assert make_dist.clean_version(" v1.0 / beta ") == "v1.0-beta"
    with pytest.raises(make_dist.DistError):
        make_dist.clean_version("///")


# ------------------------------------------------------------------ failures and clean-up


def test_old_archives_are_removed(fake_site, tmp_path):
    out = tmp_path / "dist"
    make_dist.make_dist(fake_site, out, version="0.9", mtime=EPOCH)
    (out / "unrelated.txt").write_text("kept")
    make_dist.make_dist(fake_site, out, version=VERSION, mtime=EPOCH)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["INSTALL.txt", "SHA256SUMS", f"{TOP}.tar.gz", f"{TOP}.zip", "unrelated.txt"])


@pytest.mark.parametrize("missing", ["en/index.html", "assets/checker/manifest.json",
                                     "assets/pyodide/9.9.9/pyodide.asm.wasm"])
def test_an_incomplete_site_is_refused(fake_site, tmp_path, capsys, missing):
    (fake_site / missing).unlink()
    status = make_dist.main(["--site-dir", str(fake_site), "--out-dir", str(tmp_path / "dist"), "--version", "x"])
    assert status == 1
    err = capsys.readouterr().err
    assert missing in err and "make build" in err
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())


def test_command_line(fake_site, tmp_path, capsys):
    status = make_dist.main(["--site-dir", str(fake_site), "--out-dir", str(tmp_path / "out"), "--version", VERSION])
    assert status == 0
    out = capsys.readouterr().out
    assert f"{TOP}.tar.gz" in out and "sha256sum -c SHA256SUMS" in out


# ------------------------------------------------------------------ the hosting page


def hosting_page(lang: str) -> str:
    return (REPO / "docs" / f"hosting.{lang}.md").read_text("utf-8")


def code_blocks(source: str) -> list[str]:
    """The page's code blocks as readers see them: rendered with Python-Markdown and the site's extensions."""
    rendered = markdown.markdown(source, extensions=["admonition", "attr_list", "def_list", "footnotes", "md_in_html",
                                                     "tables", "toc", "abbr"])
    return [html.unescape(m) for m in re.findall(r"<pre><code>(.*?)</code></pre>", rendered, re.S)]


@pytest.mark.parametrize("path", [SNIPPET, BROTLI_SNIPPET], ids=["bdpilot.conf", "bdpilot-brotli.conf"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hosting_page_has_the_nginx_snippet_verbatim(lang, path):
    snippet = path.read_text("utf-8")
    source = hosting_page(lang)
    # As an indented code block in the Markdown: every line of the file, unchanged after the indentation ...
    assert textwrap.indent(snippet, "    ") in source
    # ... and exactly the file's text in the rendered page.
    assert snippet.strip("\n") in [block.strip("\n") for block in code_blocks(source)]


def test_hosting_pages_show_the_same_code_in_both_languages():
    zh, en = code_blocks(hosting_page("zh")), code_blocks(hosting_page("en"))
    assert zh == en
    assert len(zh) >= 6


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hosting_page_iis_web_config_is_well_formed(lang):
    blocks = [b for b in code_blocks(hosting_page(lang)) if "<configuration>" in b]
    assert len(blocks) == 1
    root = ET.fromstring(blocks[0].encode("utf-8"))
    static = root.find("system.webServer/staticContent")
    children = list(static)
    mime = {e.get("fileExtension"): e.get("mimeType") for e in children if e.tag == "mimeMap"}
    assert mime[".wasm"] == "application/wasm" and mime[".mjs"] == "text/javascript"
    assert mime[".json"] == "application/json"
    # Each type is removed just before it is added again (adding one IIS already has is an error).
    for i, element in enumerate(children):
        if element.tag == "mimeMap":
            before = children[i - 1]
            assert before.tag == "remove" and before.get("fileExtension") == element.get("fileExtension")
    cache = root.find("location[@path='assets/pyodide']/system.webServer/staticContent/clientCache")
    assert cache.get("cacheControlMode") == "UseMaxAge" and "immutable" in cache.get("cacheControlCustom")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hosting_page_apache_and_sub_path(lang):
    blocks = code_blocks(hosting_page(lang))
    apache = next(b for b in blocks if "AddType application/wasm .wasm" in b)
    assert "AddType text/javascript .js .mjs" in apache and "AddType application/json .json" in apache
    assert "Header set Cache-Control" in apache and "immutable" in apache and "DEFLATE" in apache
    assert any("location /intranet/bdpilot/ {" in b and "alias /srv/bdpilot/site/;" in b for b in blocks)
    assert any(b.startswith("SITE_URL=") and "make dist" in b for b in blocks)
    # The Apache and nginx rules for long-lived files are the same regular expression.
    nginx_regex = re.search(r'location ~ "(.+)" \{', SNIPPET.read_text("utf-8")).group(1)
    assert f"m#{nginx_regex}#" in apache


def test_install_text_gives_the_runtimes_size_as_measured(fake_site, tmp_path):
    """INSTALL.txt's sizes come from the runtime in the site (and its gzip size), never from the text."""
    import gzip
    import random

    data = random.Random(7).randbytes(2_500_000)  # incompressible: gzip keeps it at about its size
    write(fake_site / "assets" / "pyodide" / "9.9.9" / "pyodide.asm.wasm", data)
    text = make_dist.make_dist(fake_site, tmp_path / "dist", version=VERSION, mtime=EPOCH).install.read_text("utf-8")
    size, zipped = f"{len(data) / 1e6:.1f}", f"{len(gzip.compress(data, 6)) / 1e6:.1f}"
    assert f"约 {size} MB，gzip 后约 {zipped} MB" in text
    assert f"about {size} MB, about {zipped} MB with gzip" in text
    assert "2022 年" not in text and "the 2022 " not in text  # no call's year in the prose: calls are listed by rule set


def test_a_site_with_gzip_and_brotli_twins_gives_byte_identical_archives(tmp_path):
    """The build's twins (build_scripts/precompress.py) carry no name or time: two builds of the same site,
    made at other times in other folders, give the same archives, the twins in them."""
    import precompress

    sites = []
    for name, when in (("one", 1_800_000_000), ("two", 1_900_000_000)):
        site = make_fake_site(tmp_path / name)
        write(site / "assets" / "pyodide" / "9.9.9" / "pyodide.asm.mjs", "export const x = 1;\n" * 5000)
        for path in site.rglob("*"):
            os.utime(path, (when, when))
        precompress.precompress(site)
        sites.append(site)
    for suffix in (".gz", ".br"):
        assert (sites[0] / "assets" / "pyodide" / "9.9.9" / f"pyodide.asm.mjs{suffix}").is_file(), suffix
    first, second = (make_dist.make_dist(s, s.parent / "dist", version=VERSION, mtime=EPOCH) for s in sites)
    assert first.tar_gz.read_bytes() == second.tar_gz.read_bytes()
    assert first.zip.read_bytes() == second.zip.read_bytes()
    with zipfile.ZipFile(first.zip) as archive:
        for suffix in (".gz", ".br"):
            twin = archive.getinfo(f"{TOP}/site/assets/pyodide/9.9.9/pyodide.asm.mjs{suffix}")
            assert twin.compress_type == zipfile.ZIP_STORED, suffix  # already compressed
