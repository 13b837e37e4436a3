#!/usr/bin/env python3
"""Build the guide site into site/ (or --site-dir DIR) with `mkdocs build --strict`, from the repository root.

SITE_URL (the address the site will be served from, e.g. https://example.org/guide/) is passed through to
mkdocs.yml; without it the site is built for http://127.0.0.1:8000/. Pages are relative either way, so the output
also works under another sub-path; only 404.html and sitemap.xml use SITE_URL.

Exit status: 0 on success, non-zero when a step fails (a strict build fails on any warning).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "build_scripts"))
import pyodide_bytecode  # noqa: E402  (build_scripts/pyodide_bytecode.py)
import sw_config  # noqa: E402  (build_scripts/sw_config.py)


def build_site(site_dir: Path) -> int:
    """Run `python -m mkdocs build --strict` with this interpreter; returns its exit status."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    env = dict(os.environ)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner: noise in every build log
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=REPO_ROOT, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=REPO_ROOT / "site", help="output folder (default: site/)")
    args = parser.parse_args(argv)
    site_dir = args.site_dir.resolve()

    # Steps run in order; each returns an exit status and the first failure stops the build.
    steps = [
        ("mkdocs build --strict", lambda: build_site(site_dir)),
        # Performance steps (tests/bench/run_bench.py measures them): after the checker's assets are in the site.
        ("precompile the standard library", lambda: pyodide_bytecode.main(["--site-dir", str(site_dir)])),
        ("service worker config", lambda: sw_config.main(["--site-dir", str(site_dir)])),
    ]
    for name, step in steps:
        start = time.monotonic()
        status = step()
        if status != 0:
            print(f"build_site: step '{name}' failed with exit status {status}", file=sys.stderr)
            return status
        print(f"build_site: {name}: {time.monotonic() - start:.1f} s", flush=True)
    print(f"build_site: site built in {site_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
