#!/usr/bin/env python3
"""Build step: the site's own page scripts, bundled and minified in place in the built site (issue 18).

    python build_scripts/minify_scripts.py [--site-dir site]

The sources in docs/assets/ stay as they are, readable and commented, one module per job; MkDocs copies them into
the site, and this step rewrites those copies with esbuild (npm, pinned in package.json):

* an ES module (a static ``import``/``export`` or ``import.meta``, or a ``.mjs`` file) is bundled with the modules
  it imports: the checker page's script arrives as one file instead of a waterfall three imports deep, which is
  what kept its form waiting (``make bench``: "interactive form");
* a classic script is only minified, keeping its format and its top-level names (other scripts may use them).

Every file keeps its name, so pages, the service worker and the workers find what they always did. Modules that
are bundled into others stay in the site too (a page may still name them). The worker script is part of the memory
snapshot's key, so the manifest is sealed again afterwards (build_scripts/pyodide_assets.py).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "build_scripts"))
import pyodide_assets  # noqa: E402  (build_scripts/pyodide_assets.py)

SOURCES = REPO_ROOT / "docs" / "assets"
ESBUILD = REPO_ROOT / "node_modules" / ".bin" / "esbuild"
# A static import or export at the start of a line (not `import(` or a comment), or import.meta anywhere.
MODULE = re.compile(r"^\s*(?:import\s*[\w{*\"']|export\s)|\bimport\.meta\b", re.M)


class EsbuildError(Exception):
    """esbuild failed or warned: its own message, which names the file and line."""


def scripts(site_dir: Path, sources: Path = SOURCES) -> dict[str, list[Path]]:
    """The site's copies of the sources' scripts, grouped by how esbuild treats them."""
    groups: dict[str, list[Path]] = {"classic": [], "module .js": [], "module .mjs": []}
    for source in sorted(sources.rglob("*")):
        if source.suffix not in (".js", ".mjs") or not source.is_file():
            continue
        built = site_dir / "assets" / source.relative_to(sources)
        if not built.is_file():
            continue  # not part of this build
        if source.suffix == ".mjs":
            groups["module .mjs"].append(built)
        elif MODULE.search(source.read_text("utf-8")):
            groups["module .js"].append(built)
        else:
            groups["classic"].append(built)
    return groups


def esbuild_args(group: str, files: list[Path], assets: Path) -> list[str]:
    args = [str(ESBUILD), *map(str, files), "--minify", "--charset=utf8", "--log-level=warning",
            f"--outdir={assets}", f"--outbase={assets}", "--allow-overwrite"]
    if group.startswith("module"):
        args += ["--bundle", "--format=esm"]
    if group == "module .mjs":
        args.append("--out-extension:.js=.mjs")
    return args


def minify(site_dir: Path, sources: Path = SOURCES) -> tuple[int, int]:
    """Rewrite the site's copies of the sources' scripts; (bytes before, bytes after). Raises EsbuildError."""
    assets = site_dir / "assets"
    before = after = 0
    for group, files in scripts(site_dir, sources).items():
        if not files:
            continue
        before += sum(f.stat().st_size for f in files)
        result = subprocess.run(esbuild_args(group, files, assets), capture_output=True, text=True)
        if result.returncode != 0:
            raise EsbuildError(f"esbuild failed on the {group} scripts:\n{result.stderr}")
        if result.stderr.strip():  # a warning is a mistake in a source file: fail like mkdocs --strict does
            raise EsbuildError(f"esbuild warned on the {group} scripts:\n{result.stderr}")
        after += sum(f.stat().st_size for f in files)
    return before, after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=REPO_ROOT / "site")
    args = parser.parse_args(argv)
    site_dir = args.site_dir.resolve()
    if not ESBUILD.is_file():
        print(f"minify_scripts: {ESBUILD.relative_to(REPO_ROOT)} is missing: run `make node_modules` (npm ci)",
              file=sys.stderr)
        return 1
    try:
        before, after = minify(site_dir)
    except EsbuildError as error:
        print(f"minify_scripts: {error}", file=sys.stderr)
        return 1
    pyodide_assets.seal(site_dir)  # the worker script is part of the snapshot's key
    print(f"minify_scripts: page scripts {before // 1024} KB -> {after // 1024} KB (bundles included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
