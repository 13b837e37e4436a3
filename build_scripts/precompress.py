#!/usr/bin/env python3
"""Write a gzip twin (``<file>.gz``) beside each big compressible file of the built site (the last build step).

    python build_scripts/precompress.py [--site-dir site]

Hosts that serve precompressed files (nginx ``gzip_static on``, as build_scripts/nginx/bdpilot.conf sets it; Caddy's
``precompressed``; a CDN in front of a plain store) then send these bytes with ``Content-Encoding: gzip`` instead of
compressing the 9.6 MB .wasm on every request, or of sending it uncompressed. The browser decodes them before any
script sees the body, so the service worker's and the checker worker's sha256 checks still see the file as built;
they ask for the plain URL and the host chooses the encoding. No .br: the ``brotli`` package is not pinned in
requirements.txt, and Debian's nginx on our test machines has no brotli module (``make nginx`` installs ``nginx``
only); the hosting page says how to add it.

Which files: a compressible type (COMPRESSIBLE), at least MIN_BYTES, and only when gzip saves at least
1 − MAX_RATIO of it: python_stdlib.zip and the wheels are zip files already compressed (gzip keeps 94–100 % of them),
so they get no twin. Reproducible: level 9, no file name and mtime 0 in the gzip header (the same site gives the
same twins, so ``make dist`` stays byte-identical), and each twin gets its file's modification time. A twin this
step wrote earlier whose file no longer qualifies is removed (MkDocs' own sitemap.xml.gz, which names its file in
its header, is left alone). Runs after build_scripts/sw_config.py, whose lists leave ``.gz`` files out. Twins are cached
in build/gzip-twins/ by their file's sha256 (MkDocs empties the site on every build), only the last build's kept.

Standard library only. Exit status 0, or 1 with a message.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# Twins of earlier builds by the sha256 of their file: MkDocs empties the site on every build, and compressing the
# 9.6 MB .wasm again at level 9 takes seconds. Only the twins of the last build are kept.
CACHE_DIR = Path(os.environ.get("GUIDE_BUILD_DIR") or REPO_ROOT / "build").resolve() / "gzip-twins"
# Types a gzip shrinks (text, and WebAssembly); images, fonts and archives are compressed already.
COMPRESSIBLE = {".wasm", ".mjs", ".js", ".json", ".map", ".css", ".html", ".svg", ".xml", ".txt", ".csv",
                ".zip", ".whl"}
# Below this a host compressing on the fly costs nothing noticeable, and one that does not loses little: the
# twins are for the runtime, the big pages and the search indexes.
MIN_BYTES = 16 * 1024
# A twin is kept only when it is at most this share of its file (zip files come out at 0.94 to 1.00).
MAX_RATIO = 0.9
LEVEL = 9


def gzip_bytes(data: bytes) -> bytes:
    """gzip of `data` that depends on nothing but `data`: no file name, mtime 0."""
    return gzip.compress(data, compresslevel=LEVEL, mtime=0)


def ours(twin: Path) -> bool:
    """A .gz this step wrote: flags without a file name (FNAME) and mtime 0 in its header."""
    with open(twin, "rb") as handle:
        header = handle.read(8)
    return len(header) == 8 and header[:3] == b"\x1f\x8b\x08" and header[3] == 0 and header[4:8] == b"\0\0\0\0"


def twin_of(path: Path, data: bytes | None = None, cache: Path | None = None,
            used: set | None = None) -> bytes | None:
    """The gzip twin `path` should have (its bytes), or None when it should have none. With `cache` (a folder),
    twins are looked up there by the file's sha256 and stored there; `used` collects the cache entries looked at."""
    if path.suffix.lower() not in COMPRESSIBLE or path.stat().st_size < MIN_BYTES:
        return None
    data = path.read_bytes() if data is None else data
    packed = _earlier_twin(path, data)
    if packed is None and cache is not None:
        entry = cache / (hashlib.sha256(data).hexdigest() + ".gz")
        if used is not None:
            used.add(entry.name)
        if entry.is_file():
            packed = entry.read_bytes()
        else:
            packed = gzip_bytes(data)
            cache.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
            tmp.write_bytes(packed)
            os.replace(tmp, entry)
    if packed is None:
        packed = gzip_bytes(data)
    return packed if len(packed) <= MAX_RATIO * len(data) else None


def _earlier_twin(path: Path, data: bytes) -> bytes | None:
    """The twin already beside `path` when this step wrote it for the same bytes (decoding is ~20 times faster
    than compressing the .wasm again; the same input always gives the same twin)."""
    twin = path.with_name(path.name + ".gz")
    try:
        if twin.is_file() and ours(twin):
            packed = twin.read_bytes()
            if gzip.decompress(packed) == data:
                return packed
    except (OSError, EOFError, gzip.BadGzipFile):
        pass
    return None


def served_sizes(path: Path, cache: Path | None = None) -> tuple[int, int]:
    """(bytes sent by a host that compresses nothing, bytes sent with gzip): the second is the twin's size when the
    file has one, else the file's own (what `gzip_static` sends; on-the-fly gzip comes out about the same)."""
    data = path.read_bytes()
    packed = twin_of(path, data, cache)
    return len(data), len(packed) if packed is not None else len(data)


def precompress(site: Path, cache: Path | None = None) -> dict:
    """Write, refresh or remove the twins in `site` (reusing and then pruning `cache`, when given); returns
    {written, kept, removed, bytes, gzip_bytes}."""
    summary = {"written": 0, "kept": 0, "removed": 0, "bytes": 0, "gzip_bytes": 0}
    used: set = set()
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix == ".gz":
            continue
        twin = path.with_name(path.name + ".gz")
        packed = twin_of(path, cache=cache, used=used)
        if packed is None:
            if twin.is_file() and ours(twin):
                twin.unlink()
                summary["removed"] += 1
            continue
        if twin.is_file() and twin.read_bytes() == packed:
            summary["kept"] += 1
        else:
            tmp = twin.with_name(f".{twin.name}.tmp")
            tmp.write_bytes(packed)
            os.replace(tmp, twin)
            summary["written"] += 1
        stat = path.stat()
        os.utime(twin, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # Last-Modified as the file's
        summary["bytes"] += stat.st_size
        summary["gzip_bytes"] += len(packed)
    # Twins left without their file (a file renamed or removed by a later build of the same folder).
    for twin in sorted(site.rglob("*.gz")):
        if not twin.with_suffix("").exists() and ours(twin):
            twin.unlink()
            summary["removed"] += 1
    if cache is not None and cache.is_dir():
        for entry in cache.glob("*.gz"):
            if entry.name not in used:
                entry.unlink()
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=REPO_ROOT / "site")
    args = parser.parse_args(argv)
    if not args.site_dir.is_dir():
        print(f"precompress: {args.site_dir} is not a directory: build the site first", file=sys.stderr)
        return 1
    try:
        s = precompress(args.site_dir.resolve(), cache=CACHE_DIR)
    except OSError as error:
        print(f"precompress: {error}", file=sys.stderr)
        return 1
    print(f"precompress: {s['written'] + s['kept']} gzip twins ({s['written']} written, {s['removed']} removed): "
          f"{s['bytes'] / 1e6:.1f} MB -> {s['gzip_bytes'] / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
