#!/usr/bin/env python3
"""Fill the hosting page's download figures from the built files (a build step, before the service worker's).

    python build_scripts/transfer_sizes.py [--site-dir site]

The hosting page (docs/hosting.*.md) tells IT staff what a host that compresses nothing costs a visitor. Its
figures are never written in the text: each is an element ``<span data-transfer="NAME">…</span>`` whose content
this step replaces, in every built page that has one, with the size measured now from the site's own files:

* ``plain`` / ``gzip`` / ``br``: what the self-check downloads on a first visit, the Pyodide runtime and the
  checker (the files the service worker precaches, build_scripts/sw_config.py), as stored, as a gzip host sends
  them and as a brotli host does;
* ``saved``: the difference, ``plain`` minus ``gzip``;
* ``wasm-plain`` / ``wasm-gzip`` / ``wasm-br``: pyodide.asm.wasm alone, in bytes, as ``curl -w '%{size_download}'``
  prints them.

Compressed sizes are those of the twins build_scripts/precompress.py writes (gzip level 9, brotli quality 11), or
what such a host sends where there is none (precompress.served_sizes: a brotli host falls back to the .gz, then to the
file). Runs after the standard library is precompiled (its size counts) and before build_scripts/sw_config.py
(which hashes the pages). Exit status 0, or 1 with a message.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import precompress  # noqa: E402  (build_scripts/precompress.py)
import sw_config  # noqa: E402  (build_scripts/sw_config.py: the files the self-check downloads)

REPO_ROOT = Path(__file__).resolve().parents[1]
MARKER_RE = re.compile(r'(<span data-transfer="(?P<name>[a-z-]+)">)[^<]*(</span>)')
WASM = "pyodide.asm.wasm"
# precompress.served_sizes' encodings -> the figures' names ("wasm-" + name for the .wasm alone).
ENCODINGS = {"identity": "plain", **{f.encoding: f.encoding for f in precompress.FORMATS}}


def figures(site: Path, cache: Path | None = None) -> dict[str, int]:
    """{name: bytes} of the figures the markers name; {} when the site has no checker. `cache`: the twins' cache
    (build_scripts/precompress.py CACHE_DIR), so the .wasm is compressed once for both steps."""
    found = sw_config.from_manifest(site)
    if found is None:
        return {}
    files = found[0]
    sizes = {path: precompress.served_sizes(path, cache) for path in files}
    wasm = next(s for path, s in sizes.items() if path.name == WASM)
    out = {}
    for encoding, name in ENCODINGS.items():
        out[name] = sum(s[encoding] for s in sizes.values())
        out["wasm-" + name] = wasm[encoding]
    out["saved"] = out["plain"] - out["gzip"]
    return out


def shown(name: str, value: int) -> str:
    """Bytes as people read them: MB with one decimal; curl's figures as curl prints them (every byte, no grouping)."""
    return str(value) if name.startswith("wasm-") else f"{value / 1e6:.1f} MB"


def fill(site: Path, cache: Path | None = None) -> int:
    """Replace every marker's content in the site's pages; returns how many pages changed."""
    values = figures(site, cache)
    changed = 0
    for page in sorted(site.rglob("*.html")):
        text = page.read_text("utf-8")
        if "data-transfer=" not in text:
            continue
        unknown = sorted({m["name"] for m in MARKER_RE.finditer(text)} - set(values))
        if unknown:
            raise ValueError(f"{page.relative_to(site)} names figures this build does not have: {', '.join(unknown)}")
        new = MARKER_RE.sub(lambda m: m.group(1) + shown(m["name"], values[m["name"]]) + m.group(3), text)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=REPO_ROOT / "site")
    args = parser.parse_args(argv)
    try:
        changed = fill(args.site_dir.resolve(), precompress.CACHE_DIR)
    except (OSError, ValueError) as error:
        print(f"transfer_sizes: {error}", file=sys.stderr)
        return 1
    print(f"transfer_sizes: download figures filled in {changed} page(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
