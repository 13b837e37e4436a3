"""The hosting page's download figures (build_scripts/transfer_sizes.py): measured from the built files, never
written in the text, the same in both languages."""

from __future__ import annotations

import brotli
import gzip
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "build_scripts"))
import precompress  # noqa: E402
import transfer_sizes  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NAMES = ("plain", "gzip", "br", "saved", "wasm-plain", "wasm-gzip", "wasm-br")
SPAN = re.compile(r'<span data-transfer="([a-z-]+)">([^<]*)</span>')


def fake_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    runtime, checker = site / "assets/pyodide/9.9.9", site / "assets/checker"
    runtime.mkdir(parents=True)
    checker.mkdir(parents=True)
    text = b"let x = 1;\n" * 5000
    (runtime / "pyodide.asm.wasm").write_bytes(b"\0asm\x01\0\0\0" + bytes(range(256)) * 1000)
    (runtime / "pyodide.asm.mjs").write_bytes(text)
    (runtime / "pyodide.mjs").write_bytes(b"export {};\n")
    (runtime / "python_stdlib.zip").write_bytes(bytes(range(256)) * 64)
    (checker / "w-1-py3-none-any.whl").write_bytes(b"PK wheel")
    (checker / "checker-lock-abc.json").write_text("{}")
    (checker / "manifest.json").write_text(json.dumps({
        "index_url": "../pyodide/9.9.9/", "wheel": "w-1-py3-none-any.whl", "lock_file": "checker-lock-abc.json",
        "pyodide_version": "9.9.9", "checker_version": "1"}))
    page = site / "hosting" / "index.html"
    page.parent.mkdir()
    page.write_text("<p>" + " ".join(f'<span data-transfer="{n}">…</span>' for n in NAMES) + "</p>", "utf-8")
    return site


def big(path: Path) -> bool:
    return path.suffix in precompress.COMPRESSIBLE and path.stat().st_size >= precompress.MIN_BYTES


def test_each_figure_is_measured_from_the_files(tmp_path):
    site = fake_site(tmp_path)
    runtime, checker = site / "assets/pyodide/9.9.9", site / "assets/checker"
    files = [*runtime.iterdir(), checker / "w-1-py3-none-any.whl", checker / "checker-lock-abc.json"]
    plain = sum(f.stat().st_size for f in files)
    wasm = runtime / "pyodide.asm.wasm"
    packed = {f: len(precompress.gzip_bytes(f.read_bytes())) for f in files}
    sent_by = {f: n if precompress.twin_of(f) else f.stat().st_size for f, n in packed.items()}
    sent = sum(sent_by.values())
    # A brotli host: the .br (quality 11) where it is kept, else what a gzip host sends.
    brotli_by = {f: len(brotli.compress(f.read_bytes(), quality=11)) for f in files}
    brotli_by = {f: n if big(f) and n <= precompress.MAX_RATIO * f.stat().st_size else sent_by[f]
                 for f, n in brotli_by.items()}
    br = sum(brotli_by.values())
    assert 0 < br < sent < plain and brotli_by[wasm] < packed[wasm]
    assert transfer_sizes.figures(site) == {"plain": plain, "gzip": sent, "br": br, "saved": plain - sent,
                                            "wasm-plain": wasm.stat().st_size, "wasm-gzip": packed[wasm],
                                            "wasm-br": brotli_by[wasm]}
    assert transfer_sizes.fill(site) == 1
    shown = dict(SPAN.findall((site / "hosting/index.html").read_text("utf-8")))
    assert shown == {"plain": f"{plain / 1e6:.1f} MB", "gzip": f"{sent / 1e6:.1f} MB", "br": f"{br / 1e6:.1f} MB",
                     "saved": f"{(plain - sent) / 1e6:.1f} MB", "wasm-plain": str(wasm.stat().st_size),
                     "wasm-gzip": str(packed[wasm]), "wasm-br": str(brotli_by[wasm])}
    assert transfer_sizes.fill(site) == 0  # filled once, stable


def test_an_unknown_figure_stops_the_build(tmp_path):
    site = fake_site(tmp_path)
    (site / "hosting/index.html").write_text('<span data-transfer="typo">…</span>', "utf-8")
    with pytest.raises(ValueError, match="typo"):
        transfer_sizes.fill(site)


@pytest.mark.parametrize("page", ["hosting/index.html", "en/hosting/index.html"])
def test_the_built_hosting_page_shows_this_builds_figures(built_site_file, page):
    path = built_site_file(page)
    site = path.parents[2] if page.startswith("en/") else path.parents[1]
    figures = transfer_sizes.figures(site)
    shown = SPAN.findall(path.read_text("utf-8"))
    assert sorted({name for name, _ in shown}) == sorted(NAMES)
    for name, text in shown:
        assert text == transfer_sizes.shown(name, figures[name]), name
    assert figures["br"] < figures["gzip"] < figures["plain"]
    assert figures["wasm-br"] < figures["wasm-gzip"] < figures["wasm-plain"]
    # The curl command the page gives, for the runtime's .wasm, asking for gzip.
    assert "-H 'Accept-Encoding: gzip' -w '%{size_download}" in path.read_text("utf-8")


def test_the_source_pages_write_no_figure():
    """The hosting pages carry markers, never a size of the runtime typed in."""
    for lang in ("zh", "en"):
        text = (REPO / "docs" / f"hosting.{lang}.md").read_text("utf-8")
        assert sorted(set(SPAN.findall(text))) == sorted((n, "…") for n in NAMES), lang
        assert not re.search(r"\d+(\.\d+)? MB", text), lang
