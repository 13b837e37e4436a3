#!/usr/bin/env python3
"""Give the site a standard library of its own: two precompiled archives with only the modules used (a build step).

    python build_scripts/pyodide_bytecode.py [--site-dir site]

Runs after the checker's build step (build_scripts/pyodide_assets.py, which copies Pyodide into
<site>/assets/pyodide/<version>/, Pyodide's stock python_stdlib.zip included, and the wheel, the lock file and the
workbook packages into <site>/assets/checker/). The stock zip holds all ~614 modules as sources (2.5 MB; every page
load fetched it and compiled what it imported); build_scripts/pyodide_bytecode.mjs runs every request kind and
answer case (build_scripts/stdlib_requests.py) through the checker in Pyodide's own Python under Node and writes:

* <site>/assets/checker/python_stdlib-<sha12>.zip: what booting Pyodide and the checker import (the manifest's
  ``stdlib``), which the worker passes to Pyodide's public ``stdLibURL`` start-up option;
* <site>/assets/checker/workbook/python_stdlib-workbook-<sha12>.zip: what the package sets (openpyxl, et_xmlfile,
  python-calamine) add (the manifest's ``stdlib_workbook``: file, size, sha256), which the worker mounts before it
  loads a package set (docs/assets/checker/install.mjs mountStdlib);

both as bytecode compiled by the shipped Python. The stock zip is then removed from the site: nothing fetches it.
The names carry a hash of the content, so a new archive is a new URL. The manifest's snapshot_key and boot_files
follow (pyodide_assets.seal). Measured by tests/bench/run_bench.py: see README.md, "Performance".

The result is cached in build/pyodide-bytecode/, keyed by the stock zip, the wheel, the lock file, the scripts and
the requests, so a rebuild with the same inputs only copies files. Set BDPILOT_NO_BYTECODE=1 to skip the step (the
site keeps Pyodide's stock zip: for comparisons). Without `node` the step is skipped with a warning: the site works
either way.

Exit status 0 (also when skipped), 1 when the Node script fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NODE_PYODIDE = REPO_ROOT / "node_modules" / "pyodide"
SCRIPT = Path(__file__).resolve().with_suffix(".mjs")
# What the archives depend on besides the site's files: the scripts that decide and write them.
SCRIPTS = (SCRIPT, REPO_ROOT / "docs" / "assets" / "checker" / "install.mjs",
           Path(__file__).resolve().with_name("stdlib_requests.py"))
CACHE_DIR = Path(os.environ.get("GUIDE_BUILD_DIR") or REPO_ROOT / "build").resolve() / "pyodide-bytecode"
MANIFEST = Path("assets") / "checker" / "manifest.json"
CORE_PREFIX = "python_stdlib-"
WORKBOOK_PREFIX = "python_stdlib-workbook-"
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyodide_assets  # noqa: E402  (build_scripts/pyodide_assets.py: the manifest's snapshot_key)
import stdlib_requests  # noqa: E402  (build_scripts/stdlib_requests.py)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_archives(manifest_path: Path, stock: Path, node: str) -> tuple[Path, Path, dict]:
    """(core.zip, workbook.zip, summary) for the site whose manifest is `manifest_path`, from the cache or made."""
    manifest = json.loads(manifest_path.read_text("utf-8"))
    folder = manifest_path.parent
    requests = json.dumps(stdlib_requests.trace_requests(), ensure_ascii=False, sort_keys=True)
    inputs = [_sha256(stock), _sha256(folder / manifest["wheel"]), _sha256(folder / manifest["lock_file"]),
              *(_sha256(p) for p in SCRIPTS), json.dumps(manifest.get("package_sets"), sort_keys=True), requests]
    key = hashlib.sha256("\n".join([manifest["pyodide_version"], *inputs]).encode()).hexdigest()[:16]
    cached = CACHE_DIR / key
    summary_path = cached / "summary.json"
    if not summary_path.is_file():
        part = CACHE_DIR / f"{key}.part"
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        (part / "requests.json").write_text(requests, encoding="utf-8")
        cmd = [node, str(SCRIPT), "--manifest", str(manifest_path), "--stdlib", str(stock),
               "--requests", str(part / "requests.json"), "--out-dir", str(part)]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT)
        if result.returncode != 0:
            # Pyodide's error output can hold its whole minified source: show the end only.
            print(f"pyodide_bytecode: {' '.join(cmd)} failed ({result.returncode}):\n"
                  f"{result.stdout[-2000:]}{result.stderr[-3000:]}", file=sys.stderr)
            raise RuntimeError("building the standard library failed")
        (part / "summary.json").write_text(result.stdout.strip().splitlines()[-1] + "\n", encoding="utf-8")
        for old in CACHE_DIR.iterdir():
            if old.is_dir() and old != part:
                shutil.rmtree(old)
            elif old.is_file():
                old.unlink()
        part.rename(cached)
    return cached / "core.zip", cached / "workbook.zip", json.loads(summary_path.read_text("utf-8"))


def install(site: Path, core: Path, workbook: Path) -> dict:
    """Put the archives into the site under names carrying their hash, name them in the manifest, remove the stock
    zip and earlier archives; returns the manifest."""
    manifest_path = site / MANIFEST
    folder = manifest_path.parent
    manifest = json.loads(manifest_path.read_text("utf-8"))
    core_name = f"{CORE_PREFIX}{_sha256(core)[:12]}.zip"
    workbook_name = f"{pyodide_assets.WORKBOOK_DIR}/{WORKBOOK_PREFIX}{_sha256(workbook)[:12]}.zip"
    for source, name in ((core, core_name), (workbook, workbook_name)):
        target = folder / name
        if not target.is_file() or target.read_bytes() != source.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    for old in [*folder.glob(f"{CORE_PREFIX}*.zip"), *(folder / pyodide_assets.WORKBOOK_DIR).glob(f"{WORKBOOK_PREFIX}*.zip")]:
        if old.relative_to(folder).as_posix() not in (core_name, workbook_name):
            old.unlink()
    stock_in_site = (folder / manifest["index_url"] / pyodide_assets.STOCK_STDLIB).resolve()
    stock_in_site.unlink(missing_ok=True)  # nothing fetches it any more
    data = (folder / workbook_name).read_bytes()
    manifest["stdlib"] = core_name
    manifest["stdlib_workbook"] = {"file": workbook_name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return pyodide_assets.seal(site)  # a memory snapshot depends on the core archive: the key follows it


def precompile(site: Path, quiet: bool = False) -> dict | None:
    """Install the site's own standard library into `site`; returns a summary, or None when skipped."""
    if os.environ.get("BDPILOT_NO_BYTECODE"):
        print("pyodide_bytecode: skipped (BDPILOT_NO_BYTECODE is set)")
        return None
    manifest_path = site / MANIFEST
    if not manifest_path.is_file():
        print("pyodide_bytecode: no checker manifest in the site; nothing to do")
        return None
    stock = NODE_PYODIDE / pyodide_assets.STOCK_STDLIB
    if not stock.is_file():
        print(f"pyodide_bytecode: {stock} is missing; nothing to do")
        return None
    node = shutil.which("node")
    if node is None:
        print("pyodide_bytecode: warning: `node` not found; the site keeps Pyodide's whole standard library",
              file=sys.stderr)
        return None
    core, workbook, summary = build_archives(manifest_path, stock, node)
    install(site, core, workbook)
    if not quiet:
        print(f"pyodide_bytecode: standard library of {len(summary['core'])} modules ({summary['core_bytes']:,} bytes)"
              f" + {len(summary['workbook'])} for workbooks ({summary['workbook_bytes']:,} bytes), precompiled with"
              f" Python {summary['python']}, from {summary['requests']} requests; Pyodide's zip:"
              f" {summary['stock_bytes']:,} bytes, all {summary['entries']} files")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=REPO_ROOT / "site")
    args = parser.parse_args(argv)
    try:
        precompile(args.site_dir.resolve())
    except (OSError, RuntimeError, KeyError, ValueError) as error:
        print(f"pyodide_bytecode: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
