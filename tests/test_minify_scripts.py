"""The build's script step (build_scripts/minify_scripts.py): each ES module of the site arrives bundled with its
imports and minified, classic scripts keep their top-level names, the sources stay readable, and a warning from
esbuild (a mistake in a source file) fails the build, naming the file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "build_scripts"))
import minify_scripts  # noqa: E402

NODE = Path("/usr/bin/node")


@pytest.fixture(autouse=True)
def _esbuild():
    # Part of the build itself (make build needs it too), so missing means the set-up is broken: fail, never skip.
    assert minify_scripts.ESBUILD.is_file(), f"{minify_scripts.ESBUILD} is missing: run `make node_modules`"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def sources_and_site(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    """A sources folder and a site whose assets/ is MkDocs's copy of it."""
    sources, site = tmp_path / "docs-assets", tmp_path / "site"
    write(sources, files)
    write(site / "assets", files)
    return sources, site


LIB = """// A comment that only the source needs.
export function greeting(name) {
  return `你好, ${name}`;  // Chinese stays as it is (--charset=utf8)
}
"""
MAIN = """import { greeting } from "../common/lib.js";
console.log(greeting(new URL(import.meta.url).pathname.endsWith("main.js") ? "main" : "?"));
"""
CLASSIC = """/* A classic script: other scripts call its top-level function. */
function sharedHelperForOtherScripts(value) {
  return value * 2;
}
"""


def test_a_module_is_bundled_with_its_imports(tmp_path):
    sources, site = sources_and_site(tmp_path, {"page/main.js": MAIN, "common/lib.js": LIB})
    before, after = minify_scripts.minify(site, sources)
    built = (site / "assets" / "page" / "main.js").read_text("utf-8")
    assert "import " not in built and "../common/lib.js" not in built  # no request for lib.js any more
    assert "你好" in built and "A comment" not in built
    assert after < before
    assert (sources / "page" / "main.js").read_text("utf-8") == MAIN  # the sources are untouched


def test_a_bundled_module_still_runs(tmp_path, skip_or_fail):
    """The bundle behaves as the modules did (run by Node; without it: skipped locally, failed in CI)."""
    if not NODE.is_file():
        skip_or_fail(f"{NODE} is missing: Node.js runs the bundle (apt-get install nodejs)")
    sources, site = sources_and_site(tmp_path, {"page/main.js": MAIN, "common/lib.js": LIB})
    minify_scripts.minify(site, sources)
    (site / "assets" / "page" / "package.json").write_text(json.dumps({"type": "module"}))
    run = subprocess.run([str(NODE), str(site / "assets" / "page" / "main.js")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "你好, main"


def test_a_classic_script_is_minified_and_keeps_its_top_level_names(tmp_path):
    sources, site = sources_and_site(tmp_path, {"theme/classic.js": CLASSIC})
    minify_scripts.minify(site, sources)
    built = (site / "assets" / "theme" / "classic.js").read_text("utf-8")
    assert "function sharedHelperForOtherScripts(" in built
    assert "A classic script" not in built and "export" not in built and "import" not in built


def test_an_mjs_module_keeps_its_name(tmp_path):
    sources, site = sources_and_site(tmp_path, {"checker/worker.mjs": LIB, "common/lib.js": LIB})
    minify_scripts.minify(site, sources)
    assert "A comment" not in (site / "assets" / "checker" / "worker.mjs").read_text("utf-8")
    assert not (site / "assets" / "checker" / "worker.js").exists()


def test_an_esbuild_warning_fails_the_step_and_names_the_file(tmp_path):
    sources, site = sources_and_site(tmp_path, {"theme/careless.js": "const o = { a: 1, a: 2 };\n"})
    with pytest.raises(minify_scripts.EsbuildError) as error:
        minify_scripts.minify(site, sources)
    assert "careless.js" in str(error.value) and "Duplicate key" in str(error.value)


def test_a_syntax_error_fails_the_step_and_names_the_file(tmp_path):
    sources, site = sources_and_site(tmp_path, {"theme/broken.js": "function (\n"})
    with pytest.raises(minify_scripts.EsbuildError) as error:
        minify_scripts.minify(site, sources)
    assert "broken.js:1" in str(error.value)


def test_the_built_site_serves_its_page_scripts_bundled(built_site_file):
    """make build's site (make test builds it first): the checker's script requests none of its modules."""
    for built in map(built_site_file, ("assets/checker/checker.js", "assets/screening/screening.js",
                                       "assets/checker/worker.mjs")):
        text = built.read_text("utf-8")
        assert not re.search(r"""(?:^|[;}\s])import\s*[{*\w][^;]*?from\s*["']\.""", text), f"{built}: still imports"
        assert "/**" not in text, f"{built}: not minified"
