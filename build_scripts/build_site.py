#!/usr/bin/env python3
"""Build the guide site into site/ (or --site-dir DIR): the one build pipeline, used by `make build` and `make serve`.

    python build_scripts/build_site.py [--site-dir DIR]                 # build once
    python build_scripts/build_site.py --serve [--port 8000] [--bind ADDR]  # build, serve, rebuild on change

Steps, in order (the first failure stops the build):

1. compile every call under policy_data/calls/ into build/bundles/<call>.json (build_scripts/guide/bundles.py;
   a call whose inputs did not change is not compiled again);
2. ``mkdocs build --strict`` (its hooks generate the pages from the bundles, then put Pyodide and the checker
   wheel, built from the same bundles, into the site);
3. bundle and minify the page scripts in the site (build_scripts/minify_scripts.py; the sources stay readable);
4. the site's own standard library, precompiled: only the modules the calls' requests import, in a core archive
   and a workbook one (build_scripts/pyodide_bytecode.py);
5. the hosting page's download figures, measured from the files (build_scripts/transfer_sizes.py);
6. the service worker's configuration (build_scripts/sw_config.py);
7. a gzip and a brotli twin beside each big file, for hosts that serve them (build_scripts/precompress.py).

``--serve`` serves the built folder (build_scripts/serve_static.py) and runs all the steps again whenever a file
under policy_data/, build_scripts/ (templates, hooks, guide) or docs/ changes, so what it serves is what
``make build`` gives. ``mkdocs serve`` is not used: it skips steps 3 to 7.

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
import minify_scripts  # noqa: E402  (build_scripts/minify_scripts.py)
import precompress  # noqa: E402  (build_scripts/precompress.py)
import pyodide_bytecode  # noqa: E402  (build_scripts/pyodide_bytecode.py)
import sw_config  # noqa: E402  (build_scripts/sw_config.py)
import transfer_sizes  # noqa: E402  (build_scripts/transfer_sizes.py)
from guide import bundles, render  # noqa: E402  (build_scripts/guide/)

# What --serve watches: the inputs of every step.
WATCHED = ("policy_data", "build_scripts/templates", "build_scripts/hooks", "build_scripts/guide",
           "build_scripts/overrides", "docs", "mkdocs.yml", "checker")


def build_site(site_dir: Path) -> int:
    """Run `python -m mkdocs build --strict` with this interpreter; returns its exit status."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    env = dict(os.environ)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner: noise in every build log
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=REPO_ROOT, env=env)


def run_steps(site_dir: Path) -> int:
    steps = [
        ("compile the calls", lambda: bundles.main([])),
        ("mkdocs build --strict", lambda: build_site(site_dir)),
        # Performance steps (tests/bench/run_bench.py measures them): after the checker's assets are in the site.
        ("bundle and minify the page scripts", lambda: minify_scripts.main(["--site-dir", str(site_dir)])),
        ("precompile the standard library", lambda: pyodide_bytecode.main(["--site-dir", str(site_dir)])),
        ("hosting page's download figures", lambda: transfer_sizes.main(["--site-dir", str(site_dir)])),
        ("service worker config", lambda: sw_config.main(["--site-dir", str(site_dir)])),
        # Last: the twins must be of the files as served (sw.js is rewritten by the step before).
        ("precompressed twins of the big files (gzip, brotli)", lambda: precompress.main(["--site-dir", str(site_dir)])),
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


def inputs_state() -> tuple:
    """(path, size, mtime) of every watched file, generated pages left out (the build writes them)."""
    out = []
    for name in WATCHED:
        root = REPO_ROOT / name
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix == ".md" and path.is_relative_to(REPO_ROOT / "docs"):
                if render.GENERATED_MARKER in path.read_text("utf-8", errors="replace"):
                    continue
            stat = path.stat()
            out.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def serve(site_dir: Path, bind: str, port: int, interval: float = 1.0) -> int:
    from serve_static import StaticServer  # build_scripts/serve_static.py
    import threading

    status = run_steps(site_dir)
    if status != 0:
        return status
    try:
        server = StaticServer(site_dir, host=bind, port=port, quiet=False)
    except OSError as error:
        print(f"build_site: cannot listen on {bind}:{port}: {error.strerror} (another server running? "
              "choose a port: make serve PORT=8001)", file=sys.stderr)
        return 1
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Serving {site_dir} at {server.base_url}; rebuilding when {', '.join(WATCHED)} change (Ctrl-C to stop)",
          flush=True)
    state = inputs_state()
    try:
        while True:
            time.sleep(interval)
            current = inputs_state()
            if current != state:
                print("build_site: inputs changed; building again", flush=True)
                run_steps(site_dir)  # a failed step is reported; the last good files stay served
                state = inputs_state()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=REPO_ROOT / "site", help="output folder (default: site/)")
    parser.add_argument("--serve", action="store_true", help="serve the site and rebuild when an input changes")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    site_dir = args.site_dir.resolve()
    if args.serve:
        return serve(site_dir, args.bind, args.port)
    return run_steps(site_dir)


if __name__ == "__main__":
    sys.exit(main())
