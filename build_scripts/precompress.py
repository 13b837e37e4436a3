#!/usr/bin/env python3
"""Write precompressed twins (``<file>.gz``, ``<file>.br``) beside each big compressible file of the built site (the
last build step).

    python build_scripts/precompress.py [--site-dir site]

Hosts that serve precompressed files (nginx ``gzip_static on`` as build_scripts/nginx/bdpilot.conf sets it, and
``brotli_static on`` as the optional build_scripts/nginx/bdpilot-brotli.conf does where the module is loaded; Caddy's
``precompressed``; a CDN in front of a plain store) then send these bytes with ``Content-Encoding: gzip`` or ``br``
instead of compressing the 9.6 MB .wasm on every request, or of sending it uncompressed. The browser decodes them
before any script sees the body, so the service worker's and the checker worker's sha256 checks still see the file
as built; they ask for the plain URL and the host chooses the encoding.

The formats are FORMATS, the one list: gzip (level 9, the standard library) and brotli (quality 11, the ``brotli``
package pinned in requirements.txt). Which files: a compressible type (COMPRESSIBLE), at least MIN_BYTES, and for
each format only when it saves at least 1 − MAX_RATIO of the file: python_stdlib.zip and the wheels are zip files
already compressed (gzip keeps 94–100 % of them), so they get no twin. Reproducible: gzip with no file name and
mtime 0 in its header, brotli's output depends only on its input and settings (the same site gives the same twins,
so ``make dist`` stays byte-identical), and each twin gets its file's modification time. A twin this step wrote
earlier whose file no longer qualifies is removed (MkDocs' own sitemap.xml.gz, which names its file in its header,
is left alone; nothing but this step writes .br files into the site). Runs after build_scripts/sw_config.py, whose
lists leave the twins out. Twins are cached in build/precompressed-twins/ by their file's sha256 and format (MkDocs
empties the site on every build, and brotli takes about 25 s for the .wasm), only the last build's kept.

Exit status 0, or 1 with a message.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import brotli  # pinned in requirements.txt

REPO_ROOT = Path(__file__).resolve().parents[1]
# Twins of earlier builds by the sha256 of their file: MkDocs empties the site on every build, and compressing the
# 9.6 MB .wasm again takes seconds (gzip -9) to half a minute (brotli 11). Only the twins of the last build are kept.
CACHE_DIR = Path(os.environ.get("GUIDE_BUILD_DIR") or REPO_ROOT / "build").resolve() / "precompressed-twins"
# Types a compressor shrinks (text, and WebAssembly); images, fonts and archives are compressed already (zip and
# wheels are tried, and fail MAX_RATIO).
COMPRESSIBLE = {".wasm", ".mjs", ".js", ".json", ".map", ".css", ".html", ".svg", ".xml", ".txt", ".csv",
                ".zip", ".whl"}
# Below this a host compressing on the fly costs nothing noticeable, and one that does not loses little: the
# twins are for the runtime, the big pages and the search indexes.
MIN_BYTES = 16 * 1024
# A twin is kept only when it is at most this share of its file (zip files come out at 0.94 to 1.00).
MAX_RATIO = 0.9
GZIP_LEVEL = 9
BROTLI_QUALITY = 11


def gzip_bytes(data: bytes) -> bytes:
    """gzip of `data` that depends on nothing but `data`: no file name, mtime 0."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def brotli_bytes(data: bytes) -> bytes:
    """brotli of `data` (deterministic: the same bytes and settings give the same output)."""
    return brotli.compress(data, quality=BROTLI_QUALITY)


def _gzip_ours(twin: Path) -> bool:
    """A .gz this step wrote: flags without a file name (FNAME) and mtime 0 in its header."""
    with open(twin, "rb") as handle:
        header = handle.read(8)
    return len(header) == 8 and header[:3] == b"\x1f\x8b\x08" and header[3] == 0 and header[4:8] == b"\0\0\0\0"


def _brotli_ours(twin: Path) -> bool:
    """Every .br in the site is this step's (brotli has no header to mark it; MkDocs and the theme write none)."""
    return True


@dataclass(frozen=True)
class Format:
    suffix: str  # the twin is <file><suffix>
    encoding: str  # its Content-Encoding
    compress: Callable[[bytes], bytes]
    decompress: Callable[[bytes], bytes]
    ours: Callable[[Path], bool]  # a twin this step wrote (never remove another tool's file)
    errors: tuple  # what decompress raises on bytes that are not this format


# In the order hosts fall back: one that sends brotli sends gzip for a file without a .br (nginx with both
# brotli_static and gzip_static; browsers that send br send gzip too).
FORMATS = (
    Format(".gz", "gzip", gzip_bytes, gzip.decompress, _gzip_ours, (OSError, EOFError, gzip.BadGzipFile)),
    Format(".br", "br", brotli_bytes, brotli.decompress, _brotli_ours, (brotli.error,)),
)
SUFFIXES = {f.suffix for f in FORMATS}


def ours(twin: Path) -> bool:
    """A twin this step wrote (by its suffix's format)."""
    fmt = next((f for f in FORMATS if f.suffix == twin.suffix), None)
    return fmt is not None and fmt.ours(twin)


def twin_of(path: Path, data: bytes | None = None, cache: Path | None = None, used: set | None = None,
            fmt: Format = FORMATS[0]) -> bytes | None:
    """The `fmt` twin `path` should have (its bytes), or None when it should have none. With `cache` (a folder),
    twins are looked up there by the file's sha256 and stored there; `used` collects the cache entries looked at."""
    if path.suffix.lower() not in COMPRESSIBLE or path.stat().st_size < MIN_BYTES:
        return None
    data = path.read_bytes() if data is None else data
    packed = _earlier_twin(path, data, fmt)
    if packed is None and cache is not None:
        entry = cache / (hashlib.sha256(data).hexdigest() + fmt.suffix)
        if used is not None:
            used.add(entry.name)
        if entry.is_file():
            packed = entry.read_bytes()
        else:
            packed = fmt.compress(data)
            cache.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
            tmp.write_bytes(packed)
            os.replace(tmp, entry)
    if packed is None:
        packed = fmt.compress(data)
    return packed if len(packed) <= MAX_RATIO * len(data) else None


def _earlier_twin(path: Path, data: bytes, fmt: Format) -> bytes | None:
    """The twin already beside `path` when this step wrote it for the same bytes (decoding is 20 to 500 times
    faster than compressing the .wasm again; the same input always gives the same twin)."""
    twin = path.with_name(path.name + fmt.suffix)
    try:
        if twin.is_file() and fmt.ours(twin):
            packed = twin.read_bytes()
            if fmt.decompress(packed) == data:
                return packed
    except fmt.errors:
        pass
    return None


def served_sizes(path: Path, cache: Path | None = None) -> dict[str, int]:
    """Bytes a host sends for `path`: {"identity": the file's size (a host that compresses nothing), then each
    format's encoding: its twin's size, or when the file has none what that host sends instead, the previous
    format's (FORMATS is in fallback order), else the file itself (on-the-fly compression comes out about the
    same)."""
    data = path.read_bytes()
    sizes = {"identity": len(data)}
    sent = len(data)
    for fmt in FORMATS:
        packed = twin_of(path, data, cache, fmt=fmt)
        if packed is not None:
            sent = len(packed)
        sizes[fmt.encoding] = sent
    return sizes


def precompress(site: Path, cache: Path | None = None) -> dict:
    """Write, refresh or remove the twins in `site` (reusing and then pruning `cache`, when given); returns
    {written, kept, removed, bytes: {encoding: (files' bytes, twins' bytes)}}."""
    summary: dict = {"written": 0, "kept": 0, "removed": 0, "bytes": {f.encoding: (0, 0) for f in FORMATS}}
    used: set = set()
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix in SUFFIXES:
            continue
        data = None
        for fmt in FORMATS:
            twin = path.with_name(path.name + fmt.suffix)
            if data is None and path.suffix.lower() in COMPRESSIBLE and path.stat().st_size >= MIN_BYTES:
                data = path.read_bytes()
            packed = twin_of(path, data, cache=cache, used=used, fmt=fmt)
            if packed is None:
                if twin.is_file() and fmt.ours(twin):
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
            before, after = summary["bytes"][fmt.encoding]
            summary["bytes"][fmt.encoding] = (before + stat.st_size, after + len(packed))
    # Twins left without their file (a file renamed or removed by a later build of the same folder).
    for fmt in FORMATS:
        for twin in sorted(site.rglob("*" + fmt.suffix)):
            if not twin.with_suffix("").exists() and fmt.ours(twin):
                twin.unlink()
                summary["removed"] += 1
    if cache is not None and cache.is_dir():
        for entry in cache.iterdir():
            if entry.suffix in SUFFIXES and entry.name not in used:
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
    sizes = "; ".join(f"{encoding} {plain / 1e6:.1f} MB -> {packed / 1e6:.1f} MB"
                      for encoding, (plain, packed) in s["bytes"].items())
    print(f"precompress: {s['written'] + s['kept']} twins ({s['written']} written, {s['removed']} removed): {sizes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
