"""The manifest's snapshot_key (build_scripts/pyodide_assets.py) changes with every file a memory snapshot of the
booted checker depends on, so the worker never boots a new release from an old snapshot (tests/browser/
test_snapshot.py proves the worker's side), and seal() follows a file rewritten later in the build; so do the
manifest's boot_files (size and sha256 of each file the worker checks as it arrives: tests/browser/test_checker_page.py
proves the worker's side)."""

import hashlib
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "build_scripts"))
import pyodide_assets  # noqa: E402

WHEEL = "bdpilot_checker-1.0-py3-none-any.whl"
STDLIB = "python_stdlib-0123456789ab.zip"  # the site's own standard library (build_scripts/pyodide_bytecode.py)


def fake_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    runtime = site / "assets" / "pyodide" / "9.9.9"
    checker = site / "assets" / "checker"
    for folder in (runtime, checker):
        folder.mkdir(parents=True)
    for name in pyodide_assets.SNAPSHOT_RUNTIME_FILES:
        (runtime / name).write_bytes(name.encode())
    (checker / WHEEL).write_bytes(b"wheel")
    (checker / STDLIB).write_bytes(b"core archive")
    (checker / "worker.mjs").write_text("// worker")
    (checker / "manifest.json").write_text(json.dumps({"index_url": "../pyodide/9.9.9/", "wheel": WHEEL,
                                                       "stdlib": STDLIB}))
    return site


@pytest.mark.parametrize("changed", [f"assets/pyodide/9.9.9/{n}" for n in pyodide_assets.SNAPSHOT_RUNTIME_FILES]
                         + [f"assets/checker/{WHEEL}", "assets/checker/worker.mjs", f"assets/checker/{STDLIB}"])
def test_the_key_changes_with_each_file_it_covers(tmp_path, changed):
    site = fake_site(tmp_path)
    before = pyodide_assets.seal(site)["snapshot_key"]
    assert pyodide_assets.seal(site)["snapshot_key"] == before  # stable while nothing changes
    path = site / changed
    path.write_bytes(path.read_bytes() + b" (next release)")
    after = pyodide_assets.seal(site)["snapshot_key"]
    assert after != before
    assert json.loads((site / "assets" / "checker" / "manifest.json").read_text())["snapshot_key"] == after


def test_the_key_follows_the_standard_library_the_manifest_names(tmp_path):
    """A build whose archive holds other modules names another file: the key changes with it."""
    site = fake_site(tmp_path)
    before = pyodide_assets.seal(site)["snapshot_key"]
    checker = site / "assets" / "checker"
    (checker / "python_stdlib-ba9876543210.zip").write_bytes(b"another core archive")
    manifest = json.loads((checker / "manifest.json").read_text())
    (checker / "manifest.json").write_text(json.dumps(dict(manifest, stdlib="python_stdlib-ba9876543210.zip")))
    assert pyodide_assets.seal(site)["snapshot_key"] != before


def test_other_files_do_not_change_it(tmp_path):
    site = fake_site(tmp_path)
    before = pyodide_assets.seal(site)["snapshot_key"]
    (site / "assets" / "checker" / "checker.js").write_text("// a page script")
    # Pyodide's whole zip, which the worker does not boot on, and the workbook archive, loaded after the snapshot.
    (site / "assets" / "pyodide" / "9.9.9" / "python_stdlib.zip").write_bytes(b"stock")
    (site / "assets" / "checker" / "workbook").mkdir()
    (site / "assets" / "checker" / "workbook" / "python_stdlib-workbook-0123456789ab.zip").write_bytes(b"workbook")
    assert pyodide_assets.seal(site)["snapshot_key"] == before


def test_the_built_site_carries_the_key_of_its_files(built_site_file):
    manifest_path = built_site_file("assets/checker/manifest.json")
    site = manifest_path.parents[2]
    manifest = json.loads(manifest_path.read_text("utf-8"))
    assert manifest["snapshot_key"] == pyodide_assets.snapshot_key(site, manifest)


# boot_files: the size and sha256 of each file the worker checks as it arrives (docs/assets/checker/worker.mjs,
# "checked boot files"), so a file answered with an error, cut short or damaged is said at once, by name.

def test_boot_files_follow_each_checked_file(tmp_path):
    site = fake_site(tmp_path)
    files = pyodide_assets.seal(site)["boot_files"]
    assert sorted(files) == ["../pyodide/9.9.9/pyodide.asm.wasm", WHEEL, STDLIB]
    assert files[WHEEL] == {"size": 5, "sha256": hashlib.sha256(b"wheel").hexdigest()}
    stdlib = site / "assets" / "checker" / STDLIB
    stdlib.write_bytes(b"rewritten later in the build")
    after = pyodide_assets.seal(site)["boot_files"][STDLIB]
    assert after["size"] == len(b"rewritten later in the build")
    assert json.loads((site / "assets" / "checker" / "manifest.json").read_text())["boot_files"][STDLIB] == after


def test_without_a_standard_library_of_its_own_pyodides_is_checked(tmp_path):
    """A site whose manifest names no archive (the build's step skipped) boots on Pyodide's whole zip."""
    site = fake_site(tmp_path)
    manifest_path = site / "assets" / "checker" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["stdlib"]
    manifest_path.write_text(json.dumps(manifest))
    (site / "assets" / "pyodide" / "9.9.9" / "python_stdlib.zip").write_bytes(b"stock")
    assert "../pyodide/9.9.9/python_stdlib.zip" in pyodide_assets.seal(site)["boot_files"]


def test_the_built_site_lists_its_boot_files_as_served(built_site_file):
    manifest_path = built_site_file("assets/checker/manifest.json")
    manifest = json.loads(manifest_path.read_text("utf-8"))
    files = manifest["boot_files"]
    runtime = manifest["index_url"]
    assert set(files) == {runtime + "pyodide.asm.wasm", manifest["stdlib"], manifest["wheel"], manifest["lock_file"]}
    assert not manifest["stdlib"].endswith("/python_stdlib.zip"), "the site boots on a standard library of its own"
    for path, want in files.items():
        data = (manifest_path.parent / path).read_bytes()
        assert want == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}, path


# snapshot_heap_limit: Pyodide restores a memory snapshot into a heap of the .wasm's initial memory, whatever the
# snapshot's size (Pyodide issue #6254), so the worker refuses a bigger snapshot before trying it
# (tests/browser/test_snapshot.py proves the worker's side).

import wasm_memory  # noqa: E402

WASM_HEADER = b"\0asm\x01\0\0\0"


def section(number: int, body: bytes) -> bytes:
    assert len(body) < 128  # one-byte LEB128 size
    return bytes([number, len(body)]) + body


def test_the_initial_memory_of_a_module_that_defines_it(tmp_path):
    module = tmp_path / "defines.wasm"
    # type section (one empty function type), then a memory of 3 pages (initial 3, maximum 200: 0xC8 0x01)
    module.write_bytes(WASM_HEADER + section(1, b"\x01\x60\x00\x00") + section(5, b"\x01\x01\x03\xc8\x01"))
    assert wasm_memory.initial_memory(module) == 3 * wasm_memory.PAGE


def test_the_initial_memory_of_a_module_that_imports_it(tmp_path):
    module = tmp_path / "imports.wasm"
    # a function import env.f (type 0) before env.memory with 2 pages (initial 2, no maximum)
    imports = b"\x02" + b"\x03env\x01f\x00\x00" + b"\x03env\x06memory\x02\x00\x02"
    module.write_bytes(WASM_HEADER + section(1, b"\x01\x60\x00\x00") + section(2, imports))
    assert wasm_memory.initial_memory(module) == 2 * wasm_memory.PAGE


@pytest.mark.parametrize("data", [b"not wasm", WASM_HEADER + section(1, b"\x01\x60\x00\x00")])
def test_a_file_without_memory_is_refused(tmp_path, data):
    module = tmp_path / "x.wasm"
    module.write_bytes(data)
    with pytest.raises(wasm_memory.WasmError):
        wasm_memory.initial_memory(module)


def test_the_built_site_names_the_heap_its_wasm_restores_into(built_site_file):
    manifest_path = built_site_file("assets/checker/manifest.json")
    manifest = json.loads(manifest_path.read_text("utf-8"))
    wasm = manifest_path.parent / manifest["index_url"] / "pyodide.asm.wasm"
    limit = manifest["snapshot_heap_limit"]
    assert limit == wasm_memory.initial_memory(wasm) and limit % wasm_memory.PAGE == 0 and limit >= 16 * 2**20
