"""gzip and brotli twins of the built site's big files (build_scripts/precompress.py): written for what compresses
well, the same bytes from the same file wherever and whenever they are made (so `make dist` stays byte-identical:
tests/test_dist.py), refreshed or removed when their file changes, and never confused with MkDocs' own
sitemap.xml.gz. A real nginx sends them for a .wasm request (tests/browser/test_nginx_hosting.py)."""

from __future__ import annotations

import brotli
import gzip
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "build_scripts"))
import precompress  # noqa: E402

TEXT = ("export function f(x) { return x + 1; }\n" * 2000).encode()  # compresses well, over MIN_BYTES


def fake_site(root: Path) -> Path:
    site = root / "site"
    files = {
        "assets/pyodide/9.9.9/pyodide.asm.wasm": b"\0asm\x01\0\0\0" + bytes(range(256)) * 400,
        "assets/pyodide/9.9.9/pyodide.asm.mjs": TEXT,
        "assets/pyodide/9.9.9/python_stdlib.zip": random.Random(1).randbytes(precompress.MIN_BYTES * 2),
        "assets/checker/small.js": b"const x = 1;\n" * 10,
        "assets/checker/picture.png": TEXT,  # a type gzip is not asked for
        "index.html": TEXT.replace(b"export", b"<p>"),
    }
    for name, data in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    # MkDocs' own twin: it names its file in the gzip header.
    (site / "sitemap.xml").write_bytes(b"<urlset/>")
    with open(site / "sitemap.xml.gz", "wb") as raw, gzip.GzipFile("sitemap.xml", "wb", fileobj=raw, mtime=1) as gz:
        gz.write(b"<urlset/>")
    return site


def twins(site: Path, suffix: str = ".gz") -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*" + suffix))}


DECODE = {".gz": gzip.decompress, ".br": brotli.decompress}
BIG = ["assets/pyodide/9.9.9/pyodide.asm.mjs", "assets/pyodide/9.9.9/pyodide.asm.wasm", "index.html"]


def test_the_formats_are_gzip_then_brotli():
    """One list of formats, in the order hosts fall back (a brotli host sends the .gz where there is no .br)."""
    assert [(f.suffix, f.encoding) for f in precompress.FORMATS] == [(".gz", "gzip"), (".br", "br")]


def test_twins_for_the_big_files_that_compress(tmp_path):
    site = fake_site(tmp_path)
    summary = precompress.precompress(site)
    assert sorted(twins(site, ".gz")) == sorted([name + ".gz" for name in BIG] + ["sitemap.xml.gz"])
    assert sorted(twins(site, ".br")) == [name + ".br" for name in BIG]
    assert summary["written"] == 6
    for suffix, decode in DECODE.items():
        for name, packed in twins(site, suffix).items():
            if name != "sitemap.xml.gz":
                assert decode(packed) == (site / name[: -len(suffix)]).read_bytes(), name
                assert len(packed) <= precompress.MAX_RATIO * (site / name[: -len(suffix)]).stat().st_size, name


def test_brotli_twins_are_quality_11_and_smaller_than_the_gzip_ones(tmp_path):
    site = fake_site(tmp_path)
    precompress.precompress(site)
    for name in BIG:
        data = (site / name).read_bytes()
        br = (site / (name + ".br")).read_bytes()
        assert br == brotli.compress(data, quality=11), name
        assert len(br) < len((site / (name + ".gz")).read_bytes()), name


def test_no_twin_where_compressing_saves_too_little(tmp_path):
    """Random bytes (like a zip's): neither gzip nor brotli gets them under MAX_RATIO of the file."""
    site = fake_site(tmp_path)
    precompress.precompress(site)
    stdlib = site / "assets/pyodide/9.9.9/python_stdlib.zip"
    for suffix in precompress.SUFFIXES:
        assert not stdlib.with_name(stdlib.name + suffix).exists(), suffix
        assert not (site / "assets/checker/small.js").with_name("small.js" + suffix).exists(), suffix  # too small
        assert not (site / "assets/checker/picture.png").with_name("picture.png" + suffix).exists(), suffix


def test_the_header_names_no_file_and_no_time_and_the_twin_keeps_its_files_time(tmp_path):
    site = fake_site(tmp_path)
    wasm = site / "assets/pyodide/9.9.9/pyodide.asm.wasm"
    os.utime(wasm, (1_800_000_000, 1_800_000_000))
    precompress.precompress(site)
    twin = wasm.with_name(wasm.name + ".gz")
    header = twin.read_bytes()[:10]
    assert header[3] & 0x08 == 0 and header[4:8] == b"\0\0\0\0"
    for suffix in (".gz", ".br"):
        assert wasm.with_name(wasm.name + suffix).stat().st_mtime == wasm.stat().st_mtime == 1_800_000_000


def test_the_same_files_give_the_same_twins_anywhere_any_time(tmp_path):
    one, two = fake_site(tmp_path / "one"), fake_site(tmp_path / "two")
    for path in two.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    precompress.precompress(one)
    precompress.precompress(two)
    assert twins(one, ".gz") == twins(two, ".gz") and twins(one, ".br") == twins(two, ".br")
    again = precompress.precompress(one)  # a second run keeps them as they are
    assert (again["written"], again["kept"]) == (0, 6)


def test_a_changed_file_gets_a_new_twin_and_a_gone_or_shrunk_one_loses_it(tmp_path):
    site = fake_site(tmp_path)
    precompress.precompress(site)
    mjs = site / "assets/pyodide/9.9.9/pyodide.asm.mjs"
    mjs.write_bytes(TEXT + b"// next release\n")
    (site / "index.html").write_bytes(b"<p>short</p>")
    (site / "assets/pyodide/9.9.9/pyodide.asm.wasm").unlink()
    summary = precompress.precompress(site)
    for suffix, decode in DECODE.items():
        assert decode((site / f"assets/pyodide/9.9.9/pyodide.asm.mjs{suffix}").read_bytes()) == mjs.read_bytes()
    assert sorted(twins(site, ".gz")) == ["assets/pyodide/9.9.9/pyodide.asm.mjs.gz", "sitemap.xml.gz"]
    assert sorted(twins(site, ".br")) == ["assets/pyodide/9.9.9/pyodide.asm.mjs.br"]
    assert summary["removed"] == 4


def test_served_sizes_are_the_twins(tmp_path):
    site = fake_site(tmp_path)
    precompress.precompress(site)
    wasm = site / "assets/pyodide/9.9.9/pyodide.asm.wasm"
    stdlib = site / "assets/pyodide/9.9.9/python_stdlib.zip"
    assert precompress.served_sizes(wasm) == {"identity": wasm.stat().st_size,
                                              "gzip": wasm.with_name(wasm.name + ".gz").stat().st_size,
                                              "br": wasm.with_name(wasm.name + ".br").stat().st_size}
    assert precompress.served_sizes(stdlib) == dict.fromkeys(("identity", "gzip", "br"), stdlib.stat().st_size)


def test_a_brotli_host_sends_the_gzip_twin_of_a_file_without_a_brotli_one(tmp_path, monkeypatch):
    """served_sizes: where brotli would not be kept (here: made to fail MAX_RATIO), the .gz is what nginx sends."""
    site = fake_site(tmp_path)
    wasm = site / "assets/pyodide/9.9.9/pyodide.asm.wasm"
    # A brotli that never saves enough (the data as it is).
    brotli_never = precompress.Format(".br", "br", lambda data: data, brotli.decompress, precompress._brotli_ours,
                                      (brotli.error,))
    monkeypatch.setattr(precompress, "FORMATS", (precompress.FORMATS[0], brotli_never))
    precompress.precompress(site)
    assert not wasm.with_name(wasm.name + ".br").exists()
    gz = wasm.with_name(wasm.name + ".gz").stat().st_size
    assert precompress.served_sizes(wasm) == {"identity": wasm.stat().st_size, "gzip": gz, "br": gz}


def test_the_built_site_has_twins_of_its_runtime(built_site_file):
    manifest = built_site_file("assets/checker/manifest.json")
    import json

    runtime = manifest.parent / json.loads(manifest.read_text("utf-8"))["index_url"]
    for name in ("pyodide.asm.wasm", "pyodide.asm.mjs"):
        for suffix, decode in DECODE.items():
            twin = runtime / (name + suffix)
            assert twin.is_file() and decode(twin.read_bytes()) == (runtime / name).read_bytes(), twin.name
    for suffix in precompress.SUFFIXES:
        assert not (runtime / ("python_stdlib.zip" + suffix)).exists()  # a zip file: compressing gains nothing


def test_the_cache_gives_the_same_twins_and_keeps_only_the_last_builds(tmp_path):
    plain, cached = fake_site(tmp_path / "plain"), fake_site(tmp_path / "cached")
    cache = tmp_path / "cache"
    precompress.precompress(plain)
    precompress.precompress(cached, cache=cache)
    assert twins(cached, ".gz") == twins(plain, ".gz") and twins(cached, ".br") == twins(plain, ".br")
    # Each twin comes from the cache on the next build (MkDocs empties the site in between).
    for suffix in precompress.SUFFIXES:
        for twin in cached.rglob("*" + suffix):
            if precompress.ours(twin):
                twin.unlink()
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert sorted({p.suffix for p in cache.iterdir()}) == [".br", ".gz"]
    (cached / "index.html").write_bytes(TEXT.replace(b"export", b"<div>"))
    precompress.precompress(cached, cache=cache)
    page = (cached / "index.html").read_bytes()
    assert twins(cached, ".gz")["index.html.gz"] == precompress.gzip_bytes(page)
    assert twins(cached, ".br")["index.html.br"] == precompress.brotli_bytes(page)
    after = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(after) == len(before) and len(set(after) - set(before)) == 2  # the old page's twins pruned
    assert all(after[name] == before[name] for name in set(after) & set(before))  # the others reused
