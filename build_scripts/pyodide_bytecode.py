#!/usr/bin/env python3
"""Replace the site's python_stdlib.zip with one whose modules used by the checker are precompiled (a build step).

    python build_scripts/pyodide_bytecode.py [--site-dir site]

Runs after the checker's build step (build_scripts/pyodide_assets.py, which copies Pyodide into
<site>/assets/pyodide/<version>/ and the wheel into <site>/assets/checker/). Pyodide's python_stdlib.zip holds
sources only, so each page load compiles the ~145 standard-library modules that booting Pyodide and the checker
import; build_scripts/pyodide_bytecode.mjs compiles them once, here, with Pyodide's own Python under Node, and
writes a zip in which those modules are bytecode (the rest stay sources). Measured by tests/bench/run_bench.py:
see README.md, "Performance".

The result is cached in build/pyodide-bytecode/, keyed by the stock zip, the wheel, the Node script and the Pyodide
version, so a rebuild with the same inputs only copies a file. Set BDPILOT_NO_BYTECODE=1 to skip the step (the
stock zip stays: for comparisons). Without `node` the step is skipped with a warning: the site works either way.

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
CACHE_DIR = Path(os.environ.get("GUIDE_BUILD_DIR") or REPO_ROOT / "build").resolve() / "pyodide-bytecode"
MANIFEST = Path("assets") / "checker" / "manifest.json"
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyodide_assets  # noqa: E402  (build_scripts/pyodide_assets.py: the manifest's snapshot_key)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def locate(site: Path) -> tuple[Path, Path | None] | None:
    """(the site's python_stdlib.zip, the checker wheel or None), from the checker's manifest."""
    try:
        manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    folder = (site / MANIFEST).parent
    stdlib = (folder / manifest["index_url"] / "python_stdlib.zip").resolve()
    wheel = folder / manifest["wheel"]
    return stdlib, (wheel if wheel.is_file() else None)


def warm_up_requests() -> list[dict]:
    """Every call's requests (one of each kind, its own answer cases), from the build's artefacts."""
    sys.path.insert(0, str(REPO_ROOT / "build_scripts"))
    from guide import bundles

    out = []
    for artefact in bundles.ensure_all().values():
        out += [{k: v for k, v in r.items() if k != "expect"} for r in bundles.smoke_requests(artefact)]
    return out


def precompile(site: Path, quiet: bool = False) -> dict | None:
    """Install the precompiled zip into `site`; returns a summary, or None when skipped."""
    if os.environ.get("BDPILOT_NO_BYTECODE"):
        print("pyodide_bytecode: skipped (BDPILOT_NO_BYTECODE is set)")
        return None
    found = locate(site)
    if found is None:
        print("pyodide_bytecode: no checker manifest in the site; nothing to do")
        return None
    target, wheel = found
    stock = NODE_PYODIDE / "python_stdlib.zip"
    if not target.is_file() or not stock.is_file():
        print(f"pyodide_bytecode: {target if not target.is_file() else stock} is missing; nothing to do")
        return None
    node = shutil.which("node")
    if node is None:
        print("pyodide_bytecode: warning: `node` not found; the standard library stays uncompiled", file=sys.stderr)
        return None
    version = json.loads((NODE_PYODIDE / "package.json").read_text("utf-8"))["version"]
    requests = json.dumps(warm_up_requests(), ensure_ascii=False, sort_keys=True)
    key = hashlib.sha256("\n".join([version, _sha256(stock), _sha256(wheel) if wheel else "-",
                                    _sha256(SCRIPT), requests]).encode()).hexdigest()[:16]
    cached = CACHE_DIR / f"python_stdlib-{key}.zip"
    summary_path = cached.with_suffix(".json")
    if not (cached.is_file() and summary_path.is_file()):
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cmd = [node, str(SCRIPT), "--pyodide", str(NODE_PYODIDE), "--stdlib", str(stock),
               "--out", str(cached) + ".part"]
        if wheel:
            requests_file = CACHE_DIR / "requests.json"
            requests_file.write_text(requests, encoding="utf-8")
            cmd += ["--wheel", str(wheel), "--requests", str(requests_file)]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT)
        if result.returncode != 0:
            # Pyodide's error output can hold its whole minified source: show the end only.
            print(f"pyodide_bytecode: {' '.join(cmd)} failed ({result.returncode}):\n"
                  f"{result.stdout[-2000:]}{result.stderr[-3000:]}", file=sys.stderr)
            raise RuntimeError("precompiling the standard library failed")
        for old in CACHE_DIR.glob("python_stdlib-*"):
            if not old.name.endswith(".part"):
                old.unlink()
        os.replace(str(cached) + ".part", cached)
        summary_path.write_text(result.stdout.strip().splitlines()[-1] + "\n", encoding="utf-8")
    summary = json.loads(summary_path.read_text("utf-8"))
    if target.read_bytes() != cached.read_bytes():
        shutil.copyfile(cached, target)
    pyodide_assets.seal(site)  # a memory snapshot depends on the zip: the key follows it
    if not quiet:
        print(f"pyodide_bytecode: {summary['compiled']} modules precompiled (Python {summary['python']}); "
              f"python_stdlib.zip {summary['bytes_before']:,} -> {summary['bytes']:,} bytes")
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
