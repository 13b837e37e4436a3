#!/usr/bin/env python3
"""Build the checker's pure-Python wheel for Pyodide: the run-time modules plus the compiled rule set(s).

    python build_scripts/build_wheel.py [--out build/checker] [--force]

What goes in the wheel (``bdpilot_checker-<version>-py3-none-any.whl``):

* every ``checker/*.py`` but the excluded ones below --
  the standard-library-only code the browser worker runs (workbook.py imports openpyxl, shipped beside the wheel,
  only when a workbook is read or written), and ``checker/i18n/<lang>.json``, its interface strings;
* ``checker/data/<call>.json`` -- the compiled rule set of every call under policy_data/calls/, taken from the
  build's one artefact per call (build/bundles/<call>.json, build_scripts/guide/bundles.py: compiled once per
  build); ``ruleset.load_default`` reads it when there is no policy_data/ beside the package, as in Pyodide.

What stays out: ``loader.py``, ``yamlsource.py``, ``cli.py``, ``__main__.py``. They need PyYAML / jsonschema and
are for building and the command line only. The build checks that nothing in the wheel imports them: statically
(an AST scan of the staged modules; the one allowed reference is ruleset.py's source-checkout branch) and by
running every request type of ``checker.api`` for every call, with that call's own answer cases
(policy_data/calls/<call>/cases/, each verdict checked), from the unpacked wheel in a fresh interpreter in which
importing yaml, jsonschema or the excluded modules raises.

The version is ``<checker.__version__>.dev<number>``, the number being the first 12 hex digits of a hash of the
wheel's contents (rule sets included): any change gives a new file name, hence a new URL, so no browser or service
worker keeps a stale wheel (the site's lock file also pins its sha256). Not a PEP 440 local version: its "+" in
the file name is refused by IIS's default request filtering. manifest.json records the rule-set versions.

How it is built: from a staging directory (``<out>/staging``) with a generated minimal pyproject.toml, by
``pip wheel --no-deps --no-build-isolation --no-index``. The .venv has no setuptools/flit (and the build must work
offline), so the staging directory carries its own PEP 517 backend: a copy of *this file*, whose
``build_wheel`` hook (below) writes a deterministic wheel (sorted entries, fixed timestamps, RECORD with sha256)
with the standard library alone. Same inputs, same bytes.

Output: ``<out>/bdpilot_checker-*.whl`` (older wheels there are removed) and ``<out>/wheel.json``
(file name, version, sha256, size, rule-set versions, and the inputs' fingerprint). When the fingerprint of the
inputs (the run-time modules, the calls' artefacts, this file) matches wheel.json and the wheel is there, nothing is
rebuilt (``--force`` rebuilds), so ``mkdocs serve`` stays fast. Standard library only (plus pip).
"""

from __future__ import annotations

import argparse
import ast
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CHECKER_DIR = REPO_ROOT / "checker"
DEFAULT_OUT = Path(os.environ.get("GUIDE_BUILD_DIR") or REPO_ROOT / "build").resolve() / "checker"

DIST_NAME = "bdpilot-checker"  # the name the worker loads (Pyodide's lock file key)
WHEEL_NAME = "bdpilot_checker"  # the same, normalised for file names
# The maintainer's validator (quote_review, notice_outline: the review list of `validate`) reads YAML and the notice:
# command line only, like the loader.
EXCLUDED_MODULES = ("loader", "yamlsource", "cli", "__main__", "quote_review", "notice_outline")
# Every other module of checker/ is the runtime: a new module needs no entry here (the wheel's own run checks it).
RUNTIME_MODULES = tuple(sorted(p.stem for p in CHECKER_DIR.glob("*.py")
                               if p.stem not in EXCLUDED_MODULES))
BUILD_ONLY_PACKAGES = ("yaml", "jsonschema", "openpyxl")
# (module, function) where importing an excluded module is allowed: the branch for a source checkout.
ALLOWED_EXCLUDED_IMPORTS = {("ruleset", "load_default")}
BACKEND_MODULE = "_bdpilot_backend"
# Zip entries get this date (the earliest a zip can hold), so the same files give the same wheel bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class BuildError(Exception):
    """The wheel cannot be built; the message says why."""


# ----------------------------------------------------------------------------------------------------------------
# The PEP 517 backend (runs inside the staging directory, called by pip)
# ----------------------------------------------------------------------------------------------------------------

def _project_metadata(source: Path) -> dict:
    import tomllib

    with open(source / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"sha256={digest}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 517 hook: pack ``checker/`` of the current directory (the staging directory) into a wheel."""
    source = Path.cwd()
    project = _project_metadata(source)
    name, version = project["name"].replace("-", "_"), project["version"]
    dist_info = f"{name}-{version}.dist-info"
    metadata = "\n".join([
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {version}",
        f"Summary: {project.get('description', '')}",
        f"Requires-Python: {project.get('requires-python', '>=3.11')}",
        "",
    ])
    wheel_meta = "\n".join(["Wheel-Version: 1.0", f"Generator: {BACKEND_MODULE}", "Root-Is-Purelib: true",
                            "Tag: py3-none-any", ""])
    entries = []
    for path in sorted((source / "checker").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            entries.append((path.relative_to(source).as_posix(), path.read_bytes()))
    entries.append((f"{dist_info}/METADATA", metadata.encode("utf-8")))
    entries.append((f"{dist_info}/WHEEL", wheel_meta.encode("utf-8")))
    entries.append((f"{dist_info}/top_level.txt", b"checker\n"))
    record = "".join(f"{arc},{_record_hash(data)},{len(data)}\n" for arc, data in entries)
    record += f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode("utf-8")))
    filename = f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(Path(wheel_directory) / filename, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for arc, data in entries:
            info = zipfile.ZipInfo(arc, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return filename


# ----------------------------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------------------------

def _imported_names(tree: ast.AST):
    """(imported module name, enclosing function name or None) for every import in a module."""
    def walk(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, function
            elif isinstance(child, ast.ImportFrom):
                base = "." * child.level + (child.module or "")
                if child.module:
                    yield base, function
                else:  # from . import x
                    for alias in child.names:
                        yield base + alias.name, function
            yield from walk(child, inner)
    yield from walk(tree, None)


def check_imports_static(package_dir: Path) -> None:
    """No staged module imports an excluded module or a build-only package (except the allowed branch)."""
    problems = []
    for path in sorted(package_dir.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for name, function in _imported_names(tree):
            parts = name.lstrip(".").split(".")
            local = name.startswith(".") or parts[0] == "checker"
            target = parts[-1] if local else parts[0]
            bad = (local and target in EXCLUDED_MODULES) or (not local and target in BUILD_ONLY_PACKAGES)
            if bad and (path.stem, function) not in ALLOWED_EXCLUDED_IMPORTS:
                # openpyxl is imported lazily by workbook.py only, when a workbook is read or written.
                if not (target == "openpyxl" and path.stem == "workbook"):
                    problems.append(f"{path.name}: imports {name}" + (f" in {function}()" if function else ""))
    if problems:
        raise BuildError("modules in the wheel import build-only code:\n  " + "\n  ".join(problems))


_RUNTIME_CHECK = r"""
import importlib.abc, json, sys
BLOCKED = set(sys.argv[2].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED or name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is build-only and must not be imported from the wheel")
        return None
sys.meta_path.insert(0, Block())
sys.path.insert(0, sys.argv[1])
from checker import api
with open(sys.argv[3], encoding="utf-8") as handle:
    requests = json.load(handle)
out = {}
for call, call_requests in requests.items():
    for request in call_requests:
        expect = request.pop("expect", None)
        response = json.loads(api.handle(json.dumps(dict(request, id=1))))
        assert response["ok"], (request, response)
        if expect is not None:
            assert response["result"]["verdict"] == expect, (call, request, response["result"]["verdict"], expect)
    bad = json.loads(api.handle(json.dumps({"id": 1, "type": "assess", "call": call, "answers": {"nonsense": 1}})))
    assert not bad["ok"], (call, bad)
    out[call] = json.loads(api.handle(json.dumps({"id": 0, "type": "meta", "call": call})))["result"]
loaded = sorted(m for m in sys.modules if m == "checker" or m.startswith("checker."))
print(json.dumps({"meta": out, "modules": loaded}))
"""


def check_wheel_runs(wheel: Path, requests: dict[str, list], python: str) -> dict:
    """Unpack the wheel into a temporary folder and run every call's requests there, build-only imports blocked."""
    blocked = ",".join([f"checker.{m}" for m in EXCLUDED_MODULES] + list(BUILD_ONLY_PACKAGES))
    with tempfile.TemporaryDirectory(prefix="checker-wheel-") as tmp:
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            archive.extractall(tmp)
        for module in EXCLUDED_MODULES:
            if f"checker/{module}.py" in names:
                raise BuildError(f"{wheel.name} contains checker/{module}.py")
        requests_file = Path(tmp) / "requests.json"
        requests_file.write_text(json.dumps(requests, ensure_ascii=False), "utf-8")
        result = subprocess.run([python, "-I", "-B", "-c", _RUNTIME_CHECK, tmp, blocked, str(requests_file)],
                                capture_output=True, text=True, cwd=tmp)
    if result.returncode != 0:
        raise BuildError(f"the wheel does not run on its own:\n{result.stderr.strip()}")
    report = json.loads(result.stdout)
    stray = [m for m in report["modules"] if m.split(".")[-1] in EXCLUDED_MODULES]
    if stray:
        raise BuildError(f"running the wheel imported {stray}")
    return report


# ----------------------------------------------------------------------------------------------------------------
# The build
# ----------------------------------------------------------------------------------------------------------------

def artefacts() -> dict[str, dict]:
    """Every call's compiled artefact (build/bundles/<call>.json), compiled only when its inputs changed."""
    sys.path.insert(0, str(REPO_ROOT / "build_scripts"))
    from guide import bundles  # build-time only: not importable in the staging backend, so imported here

    try:
        return bundles.ensure_all()
    except bundles.BundleError as exc:
        raise BuildError(str(exc)) from None


def smoke_requests(found: dict[str, dict]) -> dict[str, list]:
    from guide import bundles

    try:
        return {call: bundles.smoke_requests(artefact) for call, artefact in found.items()}
    except bundles.BundleError as exc:
        raise BuildError(str(exc)) from None


def input_files() -> list[Path]:
    files = [CHECKER_DIR / f"{m}.py" for m in RUNTIME_MODULES]
    files += sorted((CHECKER_DIR / "i18n").glob("*.json"))
    files.append(Path(__file__).resolve())
    return files


def fingerprint(files: list[Path], found: dict[str, dict]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for call, artefact in sorted(found.items()):  # each artefact's inputs hash covers its rule set and cases
        digest.update(f"{call}\0{artefact['inputs']}\0".encode("utf-8"))
    return digest.hexdigest()


def checker_version() -> str:
    tree = ast.parse((CHECKER_DIR / "__init__.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            return ast.literal_eval(node.value)
    raise BuildError("checker/__init__.py has no __version__")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stage(staging: Path, found: dict[str, dict]) -> dict:
    """Copy the run-time modules and each call's compiled rule set into ``staging/checker``."""
    if staging.exists():
        shutil.rmtree(staging)
    package = staging / "checker"
    (package / "data").mkdir(parents=True)
    for module in RUNTIME_MODULES:
        shutil.copyfile(CHECKER_DIR / f"{module}.py", package / f"{module}.py")
    shutil.copytree(CHECKER_DIR / "i18n", package / "i18n")  # the interface strings (checker/strings.py)
    versions = {}
    for call, artefact in sorted(found.items()):
        ruleset = artefact["ruleset"]
        text = json.dumps(ruleset, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        (package / "data" / f"{call}.json").write_text(text, encoding="utf-8")
        versions[call] = ruleset["version"]
    return versions


def build(out: Path = DEFAULT_OUT, force: bool = False, python: str | None = None, quiet: bool = False) -> dict:
    """Build (or reuse) the wheel in ``out``; returns the wheel.json record (``path`` added)."""
    python = python or sys.executable
    out.mkdir(parents=True, exist_ok=True)
    record_path = out / "wheel.json"
    found = artefacts()
    if not found:
        raise BuildError("no call folder with a call.yaml under policy_data/calls/")
    key = fingerprint(input_files(), found)
    if not force and record_path.is_file():
        record = json.loads(record_path.read_text("utf-8"))
        wheel = out / record.get("wheel", "")
        if record.get("inputs") == key and wheel.is_file() and _sha256(wheel) == record.get("sha256"):
            return dict(record, path=str(wheel), reused=True)

    staging = out / "staging"
    rulesets = stage(staging, found)
    check_imports_static(staging / "checker")
    content = hashlib.sha256()
    for path in sorted((staging / "checker").rglob("*")):
        if path.is_file():
            content.update(path.relative_to(staging).as_posix().encode() + b"\0" + path.read_bytes())
    version = f"{checker_version()}.dev{int(content.hexdigest()[:12], 16)}"
    (staging / "pyproject.toml").write_text(
        "# Generated by build_scripts/build_wheel.py: the checker's run-time modules and compiled rule sets.\n"
        "[build-system]\n"
        "requires = []\n"
        f'build-backend = "{BACKEND_MODULE}"\n'
        'backend-path = ["."]\n\n'
        "[project]\n"
        f'name = "{DIST_NAME}"\n'
        f'version = "{version}"\n'
        'description = "Eligibility checker of the Big Data Industry Development pilot demonstration calls"\n'
        'requires-python = ">=3.11"\n',
        encoding="utf-8",
    )
    shutil.copyfile(Path(__file__).resolve(), staging / f"{BACKEND_MODULE}.py")

    with tempfile.TemporaryDirectory(prefix="checker-wheel-out-") as tmp:
        cmd = [python, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
               "--disable-pip-version-check", "--quiet", "--wheel-dir", tmp, str(staging)]
        env = dict(os.environ, PIP_NO_INPUT="1", PYTHONDONTWRITEBYTECODE="1")
        result = subprocess.run(cmd, capture_output=True, text=True, env=env)
        built = sorted(Path(tmp).glob("*.whl"))
        if result.returncode != 0 or len(built) != 1:
            raise BuildError(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}")
        for old in out.glob(f"{WHEEL_NAME}-*.whl"):
            old.unlink()
        wheel = out / built[0].name
        shutil.move(str(built[0]), wheel)

    report = check_wheel_runs(wheel, smoke_requests(found), python)
    for call, meta in report["meta"].items():
        if meta["ruleset_version"] != rulesets[call]:
            raise BuildError(f"the wheel's rule set for {call} is {meta['ruleset_version']}, not {rulesets[call]}")
    record = {
        "wheel": wheel.name,
        "name": DIST_NAME,
        "version": version,
        "sha256": _sha256(wheel),
        "size": wheel.stat().st_size,
        "rulesets": rulesets,
        "protocol": next(iter(report["meta"].values()))["protocol"],
        "inputs": key,
    }
    record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(f"build_wheel: {wheel} ({record['size']:,} bytes, rule sets {rulesets})")
    return dict(record, path=str(wheel), reused=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/checker)")
    parser.add_argument("--force", action="store_true", help="rebuild even when the inputs did not change")
    args = parser.parse_args(argv)
    try:
        record = build(args.out.resolve(), force=args.force, quiet=True)
    except BuildError as exc:
        print(f"build_wheel: {exc}", file=sys.stderr)
        return 1
    state = "unchanged" if record["reused"] else "built"
    print(f"build_wheel: {state} {record['path']} ({record['size']:,} bytes, sha256 {record['sha256'][:12]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
