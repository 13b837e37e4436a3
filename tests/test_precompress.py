"""gzip twins of the built site's big files (build_scripts/precompress.py): written for what compresses well, the
same bytes from the same file wherever and whenever they are made (so `make dist` stays byte-identical:
tests/test_dist.py), refreshed or removed when their file changes, and never confused with MkDocs' own
sitemap.xml.gz. A real nginx sends them for a .wasm request (tests/browser/test_nginx_hosting.py)."""

from __future__ import annotations

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


def twins(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.gz"))}


def test_twins_for_the_big_files_that_compress(tmp_path):
    site = fake_site(tmp_path)
    summary = precompress.precompress(site)
    assert sorted(twins(site)) == ["assets/pyodide/9.9.9/pyodide.asm.mjs.gz", "assets/pyodide/9.9.9/pyodide.asm.wasm.gz",
                                   "index.html.gz", "sitemap.xml.gz"]
    assert summary["written"] == 3
    for name, packed in twins(site).items():
        if name != "sitemap.xml.gz":
            assert gzip.decompress(packed) == (site / name[:-3]).read_bytes(), name
            assert len(packed) <= precompress.MAX_RATIO * (site / name[:-3]).stat().st_size


def test_the_header_names_no_file_and_no_time_and_the_twin_keeps_its_files_time(tmp_path):
    site = fake_site(tmp_path)
    wasm = site / "assets/pyodide/9.9.9/pyodide.asm.wasm"
    os.utime(wasm, (1_800_000_000, 1_800_000_000))
    precompress.precompress(site)
    twin = wasm.with_name(wasm.name + ".gz")
    header = twin.read_bytes()[:10]
    assert header[3] & 0x08 == 0 and header[4:8] == b"\0\0\0\0"
    assert twin.stat().st_mtime == wasm.stat().st_mtime == 1_800_000_000


def test_the_same_files_give_the_same_twins_anywhere_any_time(tmp_path):
    one, two = fake_site(tmp_path / "one"), fake_site(tmp_path / "two")
    for path in two.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    precompress.precompress(one)
    precompress.precompress(two)
    assert twins(one) == twins(two)
    again = precompress.precompress(one)  # a second run keeps them as they are
    assert (again["written"], again["kept"]) == (0, 3)


def test_a_changed_file_gets_a_new_twin_and_a_gone_or_shrunk_one_loses_it(tmp_path):
    site = fake_site(tmp_path)
    precompress.precompress(site)
    mjs = site / "assets/pyodide/9.9.9/pyodide.asm.mjs"
    mjs.write_bytes(TEXT + b"// next release\n")
    (site / "index.html").write_bytes(b"<p>short</p>")
    (site / "assets/pyodide/9.9.9/pyodide.asm.wasm").unlink()
    summary = precompress.precompress(site)
    assert gzip.decompress((site / "assets/pyodide/9.9.9/pyodide.asm.mjs.gz").read_bytes()) == mjs.read_bytes()
    assert sorted(twins(site)) == ["assets/pyodide/9.9.9/pyodide.asm.mjs.gz", "sitemap.xml.gz"]
    assert summary["removed"] == 2


def test_served_sizes_are_the_twins(tmp_path):
    site = fake_site(tmp_path)
    precompress.precompress(site)
    wasm = site / "assets/pyodide/9.9.9/pyodide.asm.wasm"
    stdlib = site / "assets/pyodide/9.9.9/python_stdlib.zip"
    assert precompress.served_sizes(wasm) == (wasm.stat().st_size, wasm.with_name(wasm.name + ".gz").stat().st_size)
    assert precompress.served_sizes(stdlib) == (stdlib.stat().st_size,) * 2


def test_the_built_site_has_twins_of_its_runtime(built_site_file):
    manifest = built_site_file("assets/checker/manifest.json")
    import json

    runtime = manifest.parent / json.loads(manifest.read_text("utf-8"))["index_url"]
    for name in ("pyodide.asm.wasm", "pyodide.asm.mjs"):
        twin = runtime / (name + ".gz")
        assert twin.is_file() and gzip.decompress(twin.read_bytes()) == (runtime / name).read_bytes(), name
    assert not (runtime / "python_stdlib.zip.gz").exists()  # a zip file: gzip gains nothing


def test_the_cache_gives_the_same_twins_and_keeps_only_the_last_builds(tmp_path):
    plain, cached = fake_site(tmp_path / "plain"), fake_site(tmp_path / "cached")
    cache = tmp_path / "cache"
    precompress.precompress(plain)
    precompress.precompress(cached, cache=cache)
    assert twins(cached) == twins(plain)
    # Each twin comes from the cache on the next build (MkDocs empties the site in between).
    for twin in cached.rglob("*.gz"):
        if precompress.ours(twin):
            twin.unlink()
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    (cached / "index.html").write_bytes(TEXT.replace(b"export", b"<div>"))
    precompress.precompress(cached, cache=cache)
    assert twins(cached)["index.html.gz"] == precompress.gzip_bytes((cached / "index.html").read_bytes())
    after = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(after) == len(before) and len(set(after) - set(before)) == 1  # the old page's twin pruned
    assert all(after[name] == before[name] for name in set(after) & set(before))  # the others reused
