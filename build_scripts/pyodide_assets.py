#!/usr/bin/env python3
"""Put the self-hosted Pyodide runtime and the checker wheel into a built site (a build step after mkdocs).

    python build_scripts/pyodide_assets.py [--site-dir site]

Normally run by the MkDocs hook build_scripts/hooks/checker_assets.py (``on_post_build``), so that
``mkdocs build``, ``build_scripts/build_site.py`` and ``mkdocs serve`` all produce a site whose checker works.

It writes:

* ``<site>/assets/pyodide/<pyodide version>/``: Pyodide's core files copied from node_modules/pyodide
  (pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm, python_stdlib.zip, pyodide-lock.json). The version is in the
  path, so a new Pyodide gets new URLs and no cache serves a mix of versions. The manifest's ``stdlib`` names this
  stock python_stdlib.zip until the build's next step (build_scripts/pyodide_bytecode.py) replaces it with the
  site's own, smaller standard library and removes it.
* ``<site>/assets/checker/bdpilot_checker-<version>-py3-none-any.whl``: the checker wheel
  (build_scripts/build_wheel.py builds it into build/checker/, or reuses it when its inputs did not change).
* ``<site>/assets/checker/checker-lock-<sha12>.json``: the site's Pyodide lock file. The worker checks the checker
  wheel's sha256 against it and unpacks the wheel itself (not ``loadPackage``: Pyodide refuses a memory snapshot
  once that has run), and loads the package sets (openpyxl's "workbook", python-calamine's "calamine") by name
  from it (``loadPackage``, sha256 checked), each only when the checker asks for it:
  docs/assets/checker/install.mjs, which the Node parity test uses too. It is made with ``pyodide lockfile
  add-wheels`` (pyodide-build, run with this Python) from Pyodide's own lock file, then cut down to the checker and
  its dependencies (none): the other ~350 entries name wheels this site does not ship, and would only be dead
  weight on every page load. The name carries a hash of the content.
* ``<site>/assets/checker/manifest.json``: what the worker (docs/assets/checker/worker.mjs) reads first: the
  Pyodide folder, the lock file, the package name, the rule-set versions. Paths in it are relative to it.
  ``snapshot_key`` is a hash of every file a memory snapshot of the booted checker depends on (Pyodide's runtime
  files as served, the wheel, the worker script): the worker keeps a visitor's snapshot only while it matches, so a
  new release never boots from an old one. ``snapshot_heap_limit`` is the heap Pyodide restores a snapshot into
  (pyodide.asm.wasm's initial memory, build_scripts/wasm_memory.py): a bigger one cannot be restored (Pyodide issue
  #6254), so the worker neither keeps nor tries one. ``boot_files`` gives the size and sha256 of the files the worker checks
  as they arrive (the .wasm, the standard library, the wheel, the lock file), so a file answered with an HTTP
  error, cut short or damaged is said at once by name. Steps that change one of those files later in the build (the
  precompiled standard library, build_scripts/pyodide_bytecode.py) call seal() again.

Why ``pyodide lockfile add-wheels`` and not ``pyodide build`` / ``pyodide venv`` / ``pyodide xbuildenv``: those
download a cross-build environment from the internet and fail offline (measured: see
/work/shared/notes/toolchain-facts.md); the checker is pure Python, so ``pip wheel`` builds it and add-wheels
only has to read it, which works offline (it needs ``pkginfo``, pinned in requirements.txt).

The step is idempotent: when the site already holds the same files (the i18n plugin runs ``on_post_build`` once
per language) it does nothing. Exit status 0 on success, 1 with a message on failure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_wheel  # noqa: E402  (build_scripts/build_wheel.py)
import wasm_memory  # noqa: E402  (build_scripts/wasm_memory.py)

REPO_ROOT = build_wheel.REPO_ROOT
PYODIDE_DIR = REPO_ROOT / "node_modules" / "pyodide"
STOCK_STDLIB = "python_stdlib.zip"  # Pyodide's whole standard library, as sources
CORE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", STOCK_STDLIB, "pyodide-lock.json")
BUILD_DIR = build_wheel.DEFAULT_OUT
MANIFEST = "manifest.json"
LOCK_PREFIX = "checker-lock-"


# Wheels from PyPI the worker loads only when a request needs them, by package set (checker/formats.py
# PACKAGE_SETS: the checker answers `needs_workbook` naming the set): pinned in requirements.txt, downloaded at build
# time, listed with their sha256 in the site's lock file. "workbook": the pure-Python openpyxl and its dependency,
# which read and write .xlsx (the checker page and a CSV-only screening never fetch them); "calamine":
# python-calamine, a compiled wheel built for this Pyodide's ABI, which reads an old .xls/.et or an .ods only
# (checker/old_workbook.py). PyPI publishes it for Pyodide's platform (pyemscripten_<abi>_wasm32): the same pin
# gives the manylinux wheel the command line uses and the wheel the browser loads.
PACKAGE_SETS = {"workbook": ("openpyxl", "et_xmlfile"), "calamine": ("python_calamine",)}
WORKBOOK_PACKAGES = PACKAGE_SETS["workbook"]
COMPILED_PACKAGES = ("python_calamine",)  # downloaded for Pyodide's platform, not this machine's
WORKBOOK_DIR = "workbook"  # beside the lock file, in build/checker/ and in the site


class AssetsError(Exception):
    """The assets cannot be installed; the message says what to do."""


def pyodide_version(pyodide_dir: Path = PYODIDE_DIR) -> str:
    try:
        return json.loads((pyodide_dir / "package.json").read_text("utf-8"))["version"]
    except (OSError, ValueError, KeyError) as exc:
        raise AssetsError(f"{pyodide_dir}/package.json is missing or unreadable ({exc}): run `make node_modules`"
                          " (npm ci)") from None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _packages() -> tuple:
    return tuple(p for names in PACKAGE_SETS.values() for p in names)


def _pins() -> dict:
    """{package: "name==version"} of the package sets' packages, as requirements.txt pins them."""
    pins = {}
    for line in (REPO_ROOT / "requirements.txt").read_text("utf-8").splitlines():
        name, _, version = line.split("#")[0].strip().partition("==")
        if name.replace("-", "_").lower() in _packages() and version:
            pins[name.replace("-", "_").lower()] = f"{name}=={version.strip()}"
    missing = [p for p in _packages() if p not in pins]
    if missing:
        raise AssetsError(f"requirements.txt pins no version of {', '.join(missing)}")
    return pins


def pyodide_platform(pyodide_dir: Path = PYODIDE_DIR) -> tuple[str, str]:
    """(platform tag, Python version "3.x") of this Pyodide's compiled wheels, from its lock file's info, e.g.
    ("pyemscripten_2026_0_wasm32", "3.14")."""
    try:
        info = json.loads((pyodide_dir / "pyodide-lock.json").read_text("utf-8"))["info"]
        python = ".".join(info["python"].split(".")[:2])
        return f"pyemscripten_{info['abi_version']}_{info['arch']}", python
    except (OSError, ValueError, KeyError) as exc:
        raise AssetsError(f"{pyodide_dir}/pyodide-lock.json has no usable info ({exc}): run `make node_modules`"
                          " (npm ci)") from None


def workbook_wheels(build_dir: Path = BUILD_DIR, pyodide_dir: Path = PYODIDE_DIR) -> list[Path]:
    """The package sets' wheels in build/checker/workbook/, downloaded from the registry once per pin (a compiled
    one for this Pyodide's platform)."""
    folder = build_dir / WORKBOOK_DIR
    wheels, wanted = [], []
    platform, python = pyodide_platform(pyodide_dir)
    for package, pin in _pins().items():
        version = pin.split("==")[1]
        pattern = f"{package}-{version}-*-{platform}.whl" if package in COMPILED_PACKAGES else f"{package}-{version}-*.whl"
        found = sorted(folder.glob(pattern))
        if found:
            wheels.append(found[0])
        else:
            wanted.append((package, pin))
    for package, pin in wanted:
        folder.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--dest", str(folder)]
        if package in COMPILED_PACKAGES:
            cmd += ["--platform", platform, "--python-version", python, "--implementation", "cp"]
        cmd.append(pin)
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise AssetsError(f"downloading {pin} failed ({' '.join(cmd)}):\n{result.stdout}{result.stderr}")
    return workbook_wheels(build_dir, pyodide_dir) if wanted else wheels


def make_lock(wheel: Path, pyodide_dir: Path = PYODIDE_DIR, build_dir: Path = BUILD_DIR,
              extra: tuple[Path, ...] = ()) -> Path:
    """build/checker/checker-lock-<sha12>.json for `wheel` and the `extra` wheels (reused when they and Pyodide's
    lock are the same)."""
    source_lock = pyodide_dir / "pyodide-lock.json"
    key = hashlib.sha256("".join(_sha256(w) for w in (wheel, *extra, source_lock)).encode()).hexdigest()
    record_path = build_dir / "lock.json"
    if record_path.is_file():
        record = json.loads(record_path.read_text("utf-8"))
        if record.get("key") == key and (build_dir / record.get("lock", "-")).is_file():
            return build_dir / record["lock"]
    with tempfile.TemporaryDirectory(prefix="checker-lock-") as tmp:
        output = Path(tmp) / "pyodide-lock.json"
        # add-wheels names each wheel relative to --base-path: the wheel sits beside the lock file in the site.
        pure = [w for w in extra if _package_of(w) not in COMPILED_PACKAGES]
        cmd = [sys.executable, "-m", "pyodide_cli", "lockfile", "add-wheels", "--input", str(source_lock),
               "--output", str(output), "--base-path", str(wheel.parent), str(wheel), *map(str, pure)]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
        if result.returncode != 0 or not output.is_file():
            raise AssetsError(f"`pyodide lockfile add-wheels` failed ({' '.join(cmd)}):\n"
                              f"{result.stdout}{result.stderr}\n(pyodide-build and pkginfo come from "
                              "requirements.txt: run `make venv`)")
        lock = json.loads(output.read_text("utf-8"))
    name = build_wheel.DIST_NAME
    packages = lock["packages"]
    for compiled in (w for w in extra if _package_of(w) in COMPILED_PACKAGES):
        _add_compiled(packages, compiled, wheel.parent)
    if name not in packages:
        raise AssetsError(f"add-wheels wrote no entry for {name}")
    extra_names = [packages_name(packages, w) for w in extra]
    keep, todo = set(), [name, *extra_names]
    while todo:
        current = todo.pop()
        if current not in keep:
            keep.add(current)
            todo.extend(packages[current].get("depends", []))
    lock["packages"] = {k: packages[k] for k in sorted(keep)}
    entry = lock["packages"][name]
    if entry["file_name"] != wheel.name or entry["sha256"] != _sha256(wheel):
        raise AssetsError(f"the lock entry for {name} does not match {wheel.name}: {entry}")
    text = json.dumps(lock, indent=1, sort_keys=True) + "\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    for old in build_dir.glob(f"{LOCK_PREFIX}*.json"):
        old.unlink()
    target = build_dir / f"{LOCK_PREFIX}{digest}.json"
    target.write_text(text, encoding="utf-8")
    record_path.write_text(json.dumps({"key": key, "lock": target.name}) + "\n", encoding="utf-8")
    return target


def _add_compiled(packages: dict, wheel: Path, base: Path) -> None:
    """Put a compiled wheel built for this Pyodide into the lock's packages by hand. `pyodide lockfile add-wheels`
    (pyodide-lock 0.2.1) refuses it: it expects the platform tag emscripten_<version>_wasm32, while this Pyodide's own
    wheels, and PyPI's, are tagged pyemscripten_<abi>_wasm32 (pyodide_platform()). The entry is Pyodide's own entry
    for the package when it has one (python-calamine is in Pyodide's package set), with this wheel's file, version and
    sha256; a wheel that needs other packages is refused, as their entries would have to be added too."""
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        metadata = next((archive.read(n).decode("utf-8") for n in archive.namelist()
                         if n.endswith(".dist-info/METADATA")), "")
        imports = sorted({n.split("/")[0] for n in archive.namelist()
                          if "/" in n and not n.split("/")[0].endswith((".dist-info", ".data"))})
    fields = dict(line.split(": ", 1) for line in metadata.splitlines() if ": " in line and not line.startswith(" "))
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    if requires:
        raise AssetsError(f"{wheel.name} needs other packages ({'; '.join(requires)}): add their wheels to the lock")
    name = fields.get("Name", _package_of(wheel)).lower().replace("_", "-")
    entry = dict(packages.get(name, {"install_dir": "site", "package_type": "package", "tool": {},
                                     "unvendored_tests": False}))
    entry.update(name=name, version=fields["Version"], file_name=wheel.relative_to(base).as_posix(),
                 sha256=_sha256(wheel), depends=[], imports=imports)
    packages[name] = entry


def _package_of(wheel: Path) -> str:
    """The normalised package name of a wheel file (its name up to the first "-")."""
    return wheel.name.split("-")[0].lower()


def packages_name(packages: dict, wheel: Path) -> str:
    """The lock file's name of the package `wheel` holds."""
    for key, entry in packages.items():
        if Path(entry.get("file_name", "")).name == wheel.name:
            return key
    raise AssetsError(f"add-wheels wrote no entry for {wheel.name}")


def _copy(src: Path, dst: Path) -> bool:
    """Copy unless dst already has the same size and modification time; True when copied."""
    if dst.is_file():
        s, d = src.stat(), dst.stat()
        if s.st_size == d.st_size and int(s.st_mtime) == int(d.st_mtime):
            return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)  # a copy, never a link: later steps may rewrite files in the site
    shutil.copystat(src, dst)
    return True


# What a memory snapshot of the booted worker depends on besides the manifest's versions (docs/assets/checker/worker.mjs):
# these, the standard library it booted on (the manifest's stdlib), the wheel and the worker.
SNAPSHOT_RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
WORKER_FILE = "worker.mjs"


def stdlib_path(manifest: dict) -> str:
    """The standard library archive the worker boots on, relative to the manifest (Pyodide's stock zip when the
    manifest names none)."""
    return manifest.get("stdlib") or manifest["index_url"] + STOCK_STDLIB


def snapshot_key(site_dir: Path, manifest: dict) -> str:
    """sha256 (first 16 hex digits) over the site's runtime files, the standard library, the wheel and the worker,
    as they are now."""
    checker_dir = Path(site_dir) / "assets" / "checker"
    runtime_dir = (checker_dir / manifest["index_url"]).resolve()
    files = [runtime_dir / name for name in SNAPSHOT_RUNTIME_FILES]
    files += [checker_dir / stdlib_path(manifest), checker_dir / manifest["wheel"], checker_dir / WORKER_FILE]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"missing")
    return digest.hexdigest()[:16]


# The files of the boot the worker checks as they arrive (docs/assets/checker/worker.mjs, "checked boot files"):
# Pyodide's .wasm and standard library, beside the manifest's wheel and lock file. A file answered with an HTTP
# error, cut short or changed on its way is then said at once, naming the file and what is wrong, instead of
# Pyodide waiting for ever on a module it cannot compile.
CHECKED_RUNTIME_FILES = ("pyodide.asm.wasm",)


def snapshot_heap_limit(pyodide_dir: Path = PYODIDE_DIR) -> int:
    """Bytes of heap Pyodide restores a memory snapshot into: pyodide.asm.wasm's initial memory."""
    try:
        return wasm_memory.initial_memory(pyodide_dir / "pyodide.asm.wasm")
    except (OSError, wasm_memory.WasmError) as exc:
        raise AssetsError(f"cannot read the memory of {pyodide_dir}/pyodide.asm.wasm ({exc}): run `make node_modules`"
                          " (npm ci)") from None


def boot_files(site_dir: Path, manifest: dict) -> dict:
    """{path relative to the manifest: {"size": bytes, "sha256": hex}} of the checked boot files, as they are now."""
    checker_dir = Path(site_dir) / "assets" / "checker"
    names = [manifest["index_url"] + name for name in CHECKED_RUNTIME_FILES] + [stdlib_path(manifest)]
    names += [manifest[key] for key in ("wheel", "lock_file") if manifest.get(key)]
    files = {}
    for name in names:
        path = checker_dir / name
        if path.is_file():
            data = path.read_bytes()
            files[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return files


def seal(site_dir: Path) -> dict:
    """Rewrite <site>/assets/checker/manifest.json's snapshot_key and boot_files for the files now in the site;
    returns it."""
    path = Path(site_dir) / "assets" / "checker" / MANIFEST
    manifest = json.loads(path.read_text("utf-8"))
    key = snapshot_key(site_dir, manifest)
    files = boot_files(site_dir, manifest)
    if manifest.get("snapshot_key") != key or manifest.get("boot_files") != files:
        manifest["snapshot_key"] = key
        manifest["boot_files"] = files
        path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def install(site_dir: Path, pyodide_dir: Path = PYODIDE_DIR, quiet: bool = False) -> dict:
    """Install Pyodide, the wheel, the lock file and the manifest into `site_dir`; returns the manifest."""
    site_dir = Path(site_dir)
    version = pyodide_version(pyodide_dir)
    missing = [name for name in CORE_FILES if not (pyodide_dir / name).is_file()]
    if missing:
        raise AssetsError(f"{pyodide_dir} lacks {', '.join(missing)}: run `make node_modules` (npm ci)")
    try:
        wheel_record = build_wheel.build(quiet=True)
    except build_wheel.BuildError as exc:
        raise AssetsError(f"building the checker wheel failed: {exc}") from None
    wheel = Path(wheel_record["path"])
    extra = tuple(workbook_wheels(pyodide_dir=pyodide_dir))
    lock = make_lock(wheel, pyodide_dir, extra=extra)
    lock_packages = json.loads(lock.read_text("utf-8"))["packages"]

    checker_dir = site_dir / "assets" / "checker"
    runtime_dir = site_dir / "assets" / "pyodide" / version
    manifest = {
        "protocol": wheel_record["protocol"],
        "pyodide_version": version,
        "index_url": f"../pyodide/{version}/",
        # The standard library the worker boots on (Pyodide's stdLibURL): the stock one here, the site's own once
        # build_scripts/pyodide_bytecode.py has run (which adds stdlib_workbook, what the package sets need).
        "stdlib": f"../pyodide/{version}/{STOCK_STDLIB}",
        "lock_file": lock.name,
        "package": wheel_record["name"],
        "wheel": wheel.name,
        "wheel_sha256": wheel_record["sha256"],
        "checker_version": wheel_record["version"],
        "rulesets": wheel_record["rulesets"],
        # Loaded by name (with their dependencies) only for a request that needs the set (checker/api.py
        # needs_workbook, details [{packages: set}]): {set: [lock file names]}.
        "package_sets": {name: [packages_name(lock_packages, w) for w in extra if _package_of(w) in packages]
                         for name, packages in PACKAGE_SETS.items()},
        # The largest heap a memory snapshot may hold to be restorable: the .wasm's initial memory (Pyodide issue
        # #6254). The worker neither saves nor restores a bigger one, and boots normally instead.
        "snapshot_heap_limit": snapshot_heap_limit(pyodide_dir),
    }
    manifest_path = checker_dir / MANIFEST
    copied = 0
    for name in CORE_FILES:
        copied += _copy(pyodide_dir / name, runtime_dir / name)
    copied += _copy(wheel, checker_dir / wheel.name)
    copied += _copy(lock, checker_dir / lock.name)
    manifest["snapshot_key"] = snapshot_key(site_dir, manifest)
    manifest["boot_files"] = boot_files(site_dir, manifest)
    manifest_text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    for extra_wheel in extra:
        copied += _copy(extra_wheel, checker_dir / WORKBOOK_DIR / extra_wheel.name)
    # Files of an earlier build (a --dirty build or mkdocs serve keep the folder): other wheels, locks, Pyodides.
    for old in list(checker_dir.glob(f"{build_wheel.WHEEL_NAME}-*.whl")) + list(checker_dir.glob(f"{LOCK_PREFIX}*.json")):
        if old.name not in (wheel.name, lock.name):
            old.unlink()
    for old in (site_dir / "assets" / "pyodide").iterdir():
        if old.is_dir() and old.name != version:
            shutil.rmtree(old)
    if not manifest_path.is_file() or manifest_path.read_text("utf-8") != manifest_text:
        manifest_path.write_text(manifest_text, encoding="utf-8")
        copied += 1
    if not quiet and copied:
        size = sum((runtime_dir / n).stat().st_size for n in CORE_FILES)
        print(f"pyodide_assets: Pyodide {version} ({size / 1e6:.1f} MB) in {runtime_dir.relative_to(site_dir)}/, "
              f"checker {wheel.name} ({wheel_record['size']:,} bytes) and {lock.name} in "
              f"{checker_dir.relative_to(site_dir)}/")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=REPO_ROOT / "site", help="the built site (default: site/)")
    args = parser.parse_args(argv)
    if not args.site_dir.is_dir():
        print(f"pyodide_assets: {args.site_dir} is not a directory: build the site first", file=sys.stderr)
        return 1
    try:
        install(args.site_dir.resolve())
    except AssetsError as exc:
        print(f"pyodide_assets: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
