#!/usr/bin/env python3
"""Write the service worker's configuration into the built site's sw.js (a build step; runs after the checker's).

docs/sw.js (copied to <site>/sw.js by MkDocs) holds a placeholder between the markers ``/* @sw-config */`` and
``/* @end-sw-config */``. This step replaces it with:

* ``pyodide``: the Pyodide version and ``checker``: the checker wheel's version and each call's rule-set version
  (``<wheel version>-rs<call>.<rule set>``), both from assets/checker/manifest.json, written by the checker's build step
  (build_scripts/pyodide_assets.py); without it, from node_modules/pyodide/package.json and the wheel's name;
* ``hash``: the first 12 hex digits of a SHA-256 over the precached files' paths and contents, so any change
  to them (a new Pyodide, a new wheel, a recompiled stdlib) gives the cache a new name;
* ``precache``: the files the worker caches at install and serves cache-first, relative to sw.js: the checker's
  wheel and lock file (their names change with their content), the Pyodide files the checker worker loads
  (pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm) and the standard library it boots on (the manifest's ``stdlib``:
  the site's own, build_scripts/pyodide_bytecode.py);
* ``integrity``: each precached file's sha256 as a Subresource Integrity value ("sha256-<base64>"): the worker
  caches a copy only when its bytes are the build's, so a file cut short or damaged on its way is never kept (and
  served cache-first) after the server is fixed;
* ``pages`` and ``pages_hash``: every page of both languages (as the folder URL visitors use, "checker/") and
  every other file of the site (styles, scripts, search indexes, the checker's manifest.json) — also cached at
  install, but served network-first, so a new release (a new manifest, so a new rule set) shows at once online
  and the last one seen works offline. Not the package sets' files (assets/checker/workbook/: the workbook wheels
  and the standard library they need), which only a workbook loads: the screening page asks the worker to keep
  them. ``pages_hash`` names their cache, so a release refreshes it without
  refetching the runtime.

It also writes the runtime's size (the precached files' bytes: what a visitor's browser stores to run the
self-check offline) into the built pages, so no page states it as a literal: every ``data-runtime-bytes="0"`` (the
guide's "download for offline use" button, docs/assets/sw/register.js) gets the bytes, and every empty
``<span class="runtime-mb"></span>`` (the hosting page) the megabytes, rounded. The runtime is not precached at
install: sw.js keeps it when a page asks (see its header).

Without Pyodide in the site (the checker build has not run) the placeholder is left as it is: the worker then
caches nothing. Standard library only.

    python build_scripts/sw_config.py [--site-dir site]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from precompress import SUFFIXES as TWIN_SUFFIXES  # noqa: E402  (.gz, .br: the build's precompressed twins)

REPO_ROOT = Path(__file__).resolve().parents[1]
PYODIDE_PACKAGE = REPO_ROOT / "node_modules" / "pyodide" / "package.json"
# What the worker fetches from Pyodide's folder (it passes the checker's own lock file, so not pyodide-lock.json; its
# standard library is the one the manifest names).
RUNTIME_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"]
STOCK_STDLIB = "python_stdlib.zip"  # Pyodide's own, when the manifest names no other
ON_DEMAND = ("assets", "checker", "workbook")  # the package sets' files: loaded for a workbook only
MANIFEST = "assets/checker/manifest.json"
CONFIG_RE = re.compile(r"/\* @sw-config \*/.*?/\* @end-sw-config \*/")
WHEEL_RE = re.compile(r"^(?P<name>[A-Za-z0-9_.]+)-(?P<version>[^-]+)-.*\.whl$")


def find_pyodide_dir(site: Path) -> Path | None:
    found = sorted(p.parent for p in site.rglob("pyodide.asm.wasm") if "__bench__" not in p.parts)
    return found[0] if found else None


def pyodide_version(pyodide_dir: Path) -> str:
    try:
        return json.loads(PYODIDE_PACKAGE.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        pass
    match = re.search(r'version\s*[:=]\s*"(\d+\.\d+\.\d+[^"]*)"', (pyodide_dir / "pyodide.mjs").read_text("utf-8"))
    return match.group(1) if match else "unknown"


def from_manifest(site: Path) -> tuple[list[Path], str, str] | None:
    """(files, pyodide version, checker version) from <site>/assets/checker/manifest.json, which the checker's
    build step (build_scripts/pyodide_assets.py) writes and the worker reads first; None without it."""
    manifest_path = site / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    folder = manifest_path.parent
    runtime = (folder / manifest["index_url"]).resolve()
    files = [folder / manifest["wheel"], folder / manifest["lock_file"]]
    files += [runtime / name for name in RUNTIME_FILES]
    files.append(folder / manifest["stdlib"] if manifest.get("stdlib") else runtime / STOCK_STDLIB)
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"files named by {manifest_path} are missing: {', '.join(missing)}")
    checker = str(manifest.get("checker_version", "unknown"))
    rulesets = manifest.get("rulesets") or {}
    if rulesets:  # the rule-set versions too, e.g. "...-rs2022.6526130aaa83" (the wheel's version may not say)
        checker += "-rs" + "+".join(f"{call}.{version}" for call, version in sorted(rulesets.items()))
    return files, str(manifest["pyodide_version"]), checker


def by_scanning(site: Path) -> tuple[list[Path], str, str] | None:
    """Without a manifest: Pyodide's folder (found by its .wasm), its lock file, and every wheel in the site."""
    pyodide_dir = find_pyodide_dir(site)
    if pyodide_dir is None:
        return None
    files = [pyodide_dir / name for name in RUNTIME_FILES + [STOCK_STDLIB, "pyodide-lock.json"]
             if (pyodide_dir / name).is_file()]
    wheels = sorted(p for p in site.rglob("*.whl") if "__bench__" not in p.parts)
    versions = [m.group("version") for m in (WHEEL_RE.match(w.name) for w in wheels) if m]
    return files + wheels, pyodide_version(pyodide_dir), "+".join(versions) or "none"


def site_files(site: Path, core: list[Path]) -> list[Path]:
    """Every page of the site (both languages) and every file the pages use, but for the runtime's folder and the
    wheels (the checker's core files come from `core`): cached at install, served network-first."""
    skip = {p.resolve() for p in core} | {(site / "sw.js").resolve()}
    out = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site)
        if (not path.is_file() or path.resolve() in skip or "__bench__" in rel.parts or rel.parts[:2] == ("assets", "pyodide")
                or rel.parts[:3] == ON_DEMAND
                or path.suffix in (".whl", ".map", *TWIN_SUFFIXES) or rel.name in ("sitemap.xml", "sitemap.xml.gz")):
            continue
        out.append(path)
    return out


def page_url(site: Path, path: Path) -> str:
    """The URL a visitor uses for a file, relative to sw.js: a folder's index.html is the folder ("checker/")."""
    rel = path.relative_to(site).as_posix()
    if rel == "index.html":
        return "./"
    return rel[: -len("index.html")] if rel.endswith("/index.html") else rel


def content_hash(site: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(site).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def integrity(path: Path) -> str:
    """The file's Subresource Integrity value, as fetch() takes it: "sha256-<base64 of the digest>"."""
    return "sha256-" + base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode("ascii")


RUNTIME_BYTES = 'data-runtime-bytes="0"'
RUNTIME_MB = '<span class="runtime-mb"></span>'


def write_runtime_size(site: Path, files: list[Path]) -> int:
    """Put the runtime's size into the built pages (see above); returns its bytes."""
    total = sum(path.stat().st_size for path in files)
    megabytes = f'<span class="runtime-mb">{max(1, round(total / 1e6))}</span>'
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if RUNTIME_BYTES in text or RUNTIME_MB in text:
            text = text.replace(RUNTIME_BYTES, f'data-runtime-bytes="{total}"').replace(RUNTIME_MB, megabytes)
            page.write_text(text, encoding="utf-8")
    return total


def configure(site: Path) -> dict | None:
    """Rewrite <site>/sw.js; returns the configuration written (None when there is nothing to cache)."""
    sw = site / "sw.js"
    if not sw.is_file():
        raise FileNotFoundError(f"{sw} is missing (docs/sw.js is copied there by MkDocs)")
    found = from_manifest(site) or by_scanning(site)
    if found is None:
        print("sw_config: no Pyodide in the site; the service worker stays unconfigured (caches nothing)")
        return None
    files, pyodide, checker = found
    runtime_bytes = write_runtime_size(site, files)  # before the pages' hash: it changes them
    pages = site_files(site, files)
    config = {
        "pyodide": re.sub(r"[^A-Za-z0-9.+_-]", "_", pyodide),
        "checker": re.sub(r"[^A-Za-z0-9.+_-]", "_", checker),
        "hash": content_hash(site, files),
        "precache": [p.relative_to(site).as_posix() for p in files],
        "integrity": {p.relative_to(site).as_posix(): integrity(p) for p in files},
        "pages_hash": content_hash(site, pages),
        "pages": [page_url(site, p) for p in pages],
    }
    text = sw.read_text(encoding="utf-8")
    new_text, count = CONFIG_RE.subn(
        lambda _: "/* @sw-config */ " + json.dumps(config, ensure_ascii=False) + " /* @end-sw-config */", text, count=1)
    if count != 1:
        raise ValueError(f"{sw}: the /* @sw-config */ ... /* @end-sw-config */ placeholder is missing")
    sw.write_text(new_text, encoding="utf-8")
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=REPO_ROOT / "site")
    args = parser.parse_args(argv)
    try:
        config = configure(args.site_dir.resolve())
    except (OSError, ValueError) as error:
        print(f"sw_config: {error}", file=sys.stderr)
        return 1
    if config:
        print(f"sw_config: cache version pyodide-{config['pyodide']}-checker-{config['checker']}-{config['hash']}, "
              f"{len(config['precache'])} core files and {len(config['pages'])} pages and files precached")
    return 0


if __name__ == "__main__":
    sys.exit(main())
