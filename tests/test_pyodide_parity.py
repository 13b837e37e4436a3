"""Pyodide parity: the checker wheel in real Pyodide (Node, offline) answers exactly as CPython does.

Every answer case of every call (policy_data/calls/<call>/cases/*.yaml) becomes an `assess` request for its call
(its answers, lang and as_of; cases without as_of are assessed on the call's applicant deadline, as
tests/test_cases.py does: build_scripts/guide/bundles.py's case_as_of), in both languages; so do the other request types (meta, questions,
template, a batch built from all the cases) and requests that must fail; every workbook kind (the template as .xlsx,
a list screened from an .xlsx, an old .xls and an .ods, a plan exported as .xlsx) and CSV files in the encodings the
checker reads. The checker's files are installed into a temporary site by build_scripts/pyodide_assets.py and
build_scripts/pyodide_bytecode.py, as the build installs them (runtime, wheel, lock file, workbook packages, the
site's own standard library: its core archive, and the workbook archive mounted before the package sets, manifest),
so every request here runs from the reduced standard library: a module missing at run time makes an answer differ
(an "internal" error), a test failure rather than a visitor's. tests/node/run_cases.mjs loads them with the site's worker's own code
(docs/assets/checker/install.mjs: the wheel's sha256 checked against the lock file and the wheel unpacked into
site-packages, every call's meta answered; the workbook packages loaded by name, sha256 checked, when a request
needs them). CPython answers through checker.api.handle from the source checkout. The JSON answers must be equal,
value for value.
"""

from __future__ import annotations

import base64
import codecs
import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
CALLS_DIR = REPO_ROOT / "policy_data" / "calls"
RUNNER = REPO_ROOT / "tests" / "node" / "run_cases.mjs"
PYODIDE_DIR = REPO_ROOT / "node_modules" / "pyodide"

sys.path.insert(0, str(REPO_ROOT / "build_scripts"))


def case_files() -> list[Path]:
    """Every call's answer cases (the call is the name of the folder above cases/)."""
    return sorted(CALLS_DIR.glob("*/cases/*.yaml"))


def load_case(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def to_json_value(value):
    """YAML may give dates and other non-JSON values; the browser only ever sends JSON."""
    return json.loads(json.dumps(value, default=str))


def batch_csv(cases: list[dict], order: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(order)
    for case in cases:
        answers = case["answers"] if isinstance(case["answers"], dict) else {}
        row = []
        for qid in order:
            value = answers.get(qid, "")
            row.append("; ".join(map(str, value)) if isinstance(value, list) else "" if value is None else str(value))
        writer.writerow(row)
    return out.getvalue()


def build_requests() -> tuple[list, list[str]]:
    from checker.ruleset import load_default

    requests, names = [], []

    def add(name, request):
        """Every request names its call (the 2022 call's folder), as the pages' requests do."""
        names.append(name)
        requests.append({"call": "2022", **request} if isinstance(request, dict) else request)

    from guide.bundles import case_as_of

    cases = []
    for path in case_files():
        call, stem, case = path.parents[1].name, path.stem, load_case(path)
        if call == "2022":
            cases.append((stem, case))
        answers = to_json_value(case["answers"])
        as_of = case_as_of(case, load_default(call).bundle)
        own = case.get("lang", "zh")
        for lang in [own] + [x for x in ("zh", "en") if x != own]:
            add(f"case {call}/{stem} ({lang})", {"id": f"{call}-{stem}-{lang}", "type": "assess", "call": call,
                                                 "answers": answers, "lang": lang, "as_of": as_of})
    order = load_default("2022").order
    csv_text = batch_csv([c for _, c in cases], order)
    for lang in ("zh", "en"):
        add(f"questions ({lang})", {"id": f"q-{lang}", "type": "questions", "lang": lang})
        add(f"template ({lang})", {"id": f"t-{lang}", "type": "template", "lang": lang})
        for unit in ("province", "central-soe"):
            add(f"batch of the cases ({lang}, {unit})",
                {"id": f"b-{lang}-{unit}", "type": "batch", "csv": csv_text, "unit_kind": unit, "lang": lang})
    # The same cases as an .xlsx workbook (written by openpyxl here, read by openpyxl in Pyodide).
    from checker import workbook

    book = workbook.write([{"title": "cases", "rows": list(csv.reader(io.StringIO(csv_text)))}])
    add("batch of the cases from .xlsx (zh, province)",
        {"id": "x-zh", "type": "batch", "xlsx": base64.b64encode(book).decode("ascii"), "unit_kind": "province",
         "lang": "zh", "file_name": "名单.xlsx", "as_of": "2022-05-01"})
    # Each workbook kind, after the standard library's workbook archive is mounted (the first needs_workbook).
    screening = REPO_ROOT / "tests" / "fixtures" / "screening"
    as_of = case_as_of(cases[0][1], load_default("2022").bundle)
    files = {"名单.xls": (screening / "candidates-province.xls").read_bytes(),
             "名单.ods": (screening / "candidates-province.ods").read_bytes(),
             "gb18030.csv": csv_text.encode("gb18030") + "备注\n".encode("gb18030"),
             "utf-16.csv": codecs.BOM_UTF16_LE + csv_text.encode("utf-16-le")}
    for name, data in files.items():
        add(f"batch of the file {name}", {"id": f"f-{name}", "type": "batch", "file": base64.b64encode(data).decode("ascii"),
                                           "unit_kind": "province", "lang": "zh", "file_name": name, "as_of": as_of})
    add("template (.xlsx, en)", {"id": "tx-en", "type": "template", "lang": "en", "format": "xlsx"})
    from checker import api

    first = {"call": "2022", "id": "p", "type": "batch", "csv": csv_text, "unit_kind": "province", "lang": "en", "as_of": as_of}
    add("batch to replan and export", first)
    plan = json.loads(api.handle(json.dumps(first)))["result"]
    add("replan", {"id": "r", "type": "replan", "plan_id": plan["plan_id"], "order": [r["row"] for r in plan["rows"]][::-1]})
    for fmt in ("csv", "xlsx"):
        add(f"export ({fmt})", {"id": f"e-{fmt}", "type": "export", "plan_id": plan["plan_id"], "format": fmt})
    add("meta", {"id": 1, "type": "meta"})
    add("exported answers file", {"id": 2, "type": "assess", "lang": "en", "as_of": "2026-11-29", "answers": {
        "call": "2022", "ruleset_version": "0ld", "exported_on": "2026-11-29",
        "answers": {"direction": "d4", "d4_scenarios": 7, "project_name": "<img src=x onerror=alert(1)>"}}})
    add("labels instead of ids", {"id": 3, "type": "assess", "lang": "zh", "as_of": "2022-05-04",
                                  "answers": {"law_abiding": "是", "business_areas": "分析；服务", "dcmm_level": "3"}})
    add("invalid answers", {"id": 4, "type": "assess", "lang": "zh", "answers": {
        "nonsense": 1, "projects_filed": "many", "direction": "d9", "filing_date": "2022/05/04",
        "business_areas": ["none", "analysis"]}})
    add("invalid answers (en)", {"id": 5, "type": "assess", "lang": "en", "answers": {"d4_scenarios": -1}})
    add("answers not a mapping", {"id": 6, "type": "assess", "answers": [1, 2]})
    add("unknown type", {"id": 7, "type": "nope"})
    add("unknown language", {"id": 8, "type": "assess", "answers": {}, "lang": "fr"})
    add("bad unit kind", {"id": 9, "type": "batch", "csv": "direction\nd4\n", "unit_kind": "planet"})
    add("empty csv", {"id": 10, "type": "batch", "csv": "", "unit_kind": "province"})
    names.append("no call named")
    requests.append({"id": 12, "type": "meta"})
    add("bad JSON", '{"id": 11, "type": ')
    add("not an object", "[1, 2, 3]")
    return requests, names


@pytest.fixture(scope="module")
def manifest_path(tmp_path_factory) -> Path:
    """A site's assets/checker/manifest.json, with everything it names beside it, as build_scripts/pyodide_assets.py
    installs them into a site (the same call the build makes), in a temporary folder."""
    if shutil.which("node") is None:
        pytest.fail("node is missing: Node.js runs the Pyodide side of this test (make node_modules)")
    if not (PYODIDE_DIR / "pyodide.mjs").is_file():
        pytest.fail(f"{PYODIDE_DIR} is missing: run `make node_modules`")
    import pyodide_assets

    import pyodide_bytecode

    site = tmp_path_factory.mktemp("pyodide-site")
    pyodide_assets.install(site, quiet=True)
    assert pyodide_bytecode.precompile(site, quiet=True), "the site's own standard library was not built"
    return site / "assets" / "checker" / pyodide_assets.MANIFEST


@pytest.fixture(scope="module")
def site_lock(manifest_path) -> Path:
    """The site's lock file (the wheel and the workbook packages beside it)."""
    return manifest_path.parent / json.loads(manifest_path.read_text("utf-8"))["lock_file"]


@pytest.fixture(scope="module")
def parity(manifest_path, tmp_path_factory):
    from checker import api

    requests, names = build_requests()
    folder = tmp_path_factory.mktemp("parity")
    (folder / "requests.json").write_text(json.dumps(requests, ensure_ascii=False), encoding="utf-8")
    out = folder / "responses.json"
    result = subprocess.run(
        ["node", str(RUNNER), "--manifest", str(manifest_path), "--requests", str(folder / "requests.json"),
         "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert result.returncode == 0, f"run_cases.mjs failed:\n{result.stdout}\n{result.stderr}"
    pyodide = json.loads(out.read_text("utf-8"))
    # A fresh worker's memory of plans, as in the new Pyodide: earlier tests in this process may have screened
    # files already (plan ids come from the plans' content, so they agree either way).
    from checker import batch
    from checker import plan_memory

    plan_memory._PLANS.clear()
    cpython = [json.loads(api.handle(r if isinstance(r, str) else json.dumps(r))) for r in requests]
    return names, requests, [readable(a) for a in cpython], dict(pyodide, responses=[readable(a) for a in pyodide["responses"]])


def readable(answer: dict) -> dict:
    """An answer with a written .xlsx replaced by its cells: the file's bytes carry the time it was written."""
    result = answer.get("result")
    if not (isinstance(result, dict) and "xlsx" in result):
        return answer
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(result["xlsx"])))
    cells = {sheet.title: [[c.value for c in row] for row in sheet.iter_rows()] for sheet in book.worksheets}
    return dict(answer, result=dict(result, xlsx=cells))


def test_cases_exist():
    assert case_files(), "policy_data/calls/*/cases/ has no *.yaml case"


def test_every_answer_is_identical(parity):
    names, requests, cpython, pyodide = parity
    responses = pyodide["responses"]
    assert len(responses) == len(requests)
    different = [name for name, a, b in zip(names, cpython, responses) if a != b]
    assert not different, f"Pyodide and CPython differ for: {different}"


def test_the_cases_ran_and_failures_are_messages(parity):
    names, requests, cpython, pyodide = parity
    by_name = dict(zip(names, pyodide["responses"]))
    cases = [n for n in names if n.startswith("case ")]
    assert len(cases) == 2 * len(case_files())
    assert all(by_name[n]["ok"] for n in cases), [n for n in cases if not by_name[n]["ok"]]
    assert by_name["invalid answers"]["error"]["code"] == "invalid_answers"
    codes = {d["code"] for d in by_name["invalid answers"]["error"]["details"]}
    assert codes == {"unknown_question", "not_integer", "unknown_option", "not_date", "exclusive_option"}
    assert by_name["bad JSON"]["error"]["code"] == "bad_json"
    assert by_name["unknown type"]["error"]["code"] == "bad_request"
    assert by_name["no call named"]["error"]["code"] == "bad_request"
    assert by_name["bad unit kind"]["error"]["code"] == "invalid_file"
    # openpyxl in Pyodide read the workbook: the same decisions as the CSV of the same rows.
    from_xlsx, from_csv = by_name["batch of the cases from .xlsx (zh, province)"], by_name["batch of the cases (zh, province)"]
    assert from_xlsx["ok"], from_xlsx
    decided = lambda plan: [(r["row"], r["verdict"], r["quota_status"]) for r in plan["result"]["rows"]]  # noqa: E731
    assert decided(from_xlsx) == decided(from_csv) and from_xlsx["result"]["source_name"] == "名单.xlsx"
    exported = by_name["exported answers file"]["result"]
    assert exported["answers"]["project_name"] == "<img src=x onerror=alert(1)>"
    assert exported["timeline"]["applicants_open"] is False


def test_no_request_failed_inside_pyodide(parity):
    """A module missing from the site's own standard library surfaces as an "internal" answer (checker/api.py)."""
    names, _requests, _cpython, pyodide = parity
    failed = [(n, r["error"]["message"]) for n, r in zip(names, pyodide["responses"])
              if not r["ok"] and r["error"]["code"] in ("internal", "needs_workbook")]
    assert not failed


def test_the_requests_ran_from_the_sites_own_standard_library(parity, manifest_path):
    """Booted on the manifest's core archive (not Pyodide's whole zip, which is not in the site), the workbook kinds
    answered after the workbook archive was mounted, and no module came from anywhere else."""
    meta = parity[3]["meta"]
    manifest = json.loads(manifest_path.read_text("utf-8"))
    import pyodide_assets

    assert manifest["stdlib"] != manifest["index_url"] + pyodide_assets.STOCK_STDLIB
    assert meta["stdlib_url"] == (manifest_path.parent / manifest["stdlib"]).as_uri()
    assert not (manifest_path.parent / manifest["index_url"] / pyodide_assets.STOCK_STDLIB).exists()
    archives = meta["stdlib_archives"]
    assert sorted(archives.values()) == sorted([manifest["boot_files"][manifest["stdlib"]]["size"],
                                                manifest["stdlib_workbook"]["size"]])
    stdlib = [path for path in meta["stdlib_files"] if "/site-packages/" not in path]  # not the packages
    used = {path.split(".zip/")[0] + ".zip" for path in stdlib if ".zip/" in path}
    assert used == set(archives) and all(".zip/" in path for path in stdlib), stdlib
    assert set(meta["package_sets_loaded"]) == set(manifest["package_sets"])


def test_the_checker_is_loaded_as_the_worker_loads_it(parity, manifest_path):
    """Unpacked from the wheel (not loadPackage: the snapshot needs that), every call of the manifest answering its
    meta, the workbook packages loaded by name when the .xlsx request came."""
    meta = parity[3]["meta"]
    manifest = json.loads(manifest_path.read_text("utf-8"))
    assert meta["calls"] == sorted(manifest["rulesets"]) and meta["calls"]
    assert meta["workbook_loaded"] is True
    assert manifest["package"] not in meta["loaded_packages"], "the checker is unpacked, not loaded by loadPackage"
    assert set(manifest["package_sets"]["workbook"]) <= set(meta["loaded_packages"])


def test_pyodide_is_the_shipped_python_and_imports_no_build_code(parity):
    meta = parity[3]["meta"]
    assert meta["python"].startswith("3.")
    loaded = set(meta["checker_modules"])
    assert not loaded & {"checker.loader", "checker.yamlsource", "checker.cli", "checker.__main__"}
    assert "checker.api" in loaded


def test_the_wheel_holds_the_runtime_only(site_lock):
    import zipfile

    lock = json.loads(site_lock.read_text("utf-8"))
    entry = lock["packages"]["bdpilot-checker"]
    wheel = site_lock.parent / entry["file_name"]
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {n.split("/", 1)[1] for n in names if n.startswith("checker/")}
    # Every module of checker/ but those that need PyYAML/jsonschema or are the command line (the wheel's own list).
    import build_wheel

    assert {"loader", "yamlsource", "cli", "__main__"} <= set(build_wheel.EXCLUDED_MODULES)
    runtime = {p.name for p in (REPO_ROOT / "checker").glob("*.py")} - {f"{m}.py" for m in build_wheel.EXCLUDED_MODULES}
    assert {"engine.py", "kinds.py", "api.py"} <= runtime
    assert modules == runtime | {"data/2022.json", "i18n/zh.json", "i18n/en.json"}
    from checker.ruleset import load_default

    version = load_default("2022").version
    with zipfile.ZipFile(wheel) as archive:
        assert json.loads(archive.read("checker/data/2022.json"))["version"] == version
    assert entry["version"] in wheel.name and "+" not in wheel.name  # IIS refuses "+" in paths by default
    # The checker, and the workbook packages the worker loads only for an .xlsx, each with its wheel's sha256.
    import pyodide_assets

    workbook = sorted(name.replace("_", "-") for names in pyodide_assets.PACKAGE_SETS.values() for name in names)
    assert sorted(lock["packages"]) == sorted(["bdpilot-checker", *workbook])
    for name in workbook:
        entry = lock["packages"][name]
        assert hashlib.sha256((site_lock.parent / entry["file_name"]).read_bytes()).hexdigest() == entry["sha256"]


def test_the_pinned_pyodide_is_the_one_that_ran(parity, manifest_path):
    """package.json pins Pyodide exactly; its lock, node_modules, the site's manifest and the Python that answered
    all agree (a pin changed without `npm install` fails here)."""
    pinned = json.loads((REPO_ROOT / "package.json").read_text("utf-8"))["dependencies"]["pyodide"]
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text("utf-8"))
    assert lock["packages"][""]["dependencies"]["pyodide"] == pinned
    assert lock["packages"]["node_modules/pyodide"]["version"] == pinned
    assert json.loads((PYODIDE_DIR / "package.json").read_text("utf-8"))["version"] == pinned
    assert json.loads(manifest_path.read_text("utf-8"))["pyodide_version"] == pinned
    assert parity[3]["meta"]["pyodide_version"] == pinned


def test_the_booted_checker_snapshot_fits_the_heap_pyodide_restores_into(manifest_path):
    """The worker's memory snapshot, made and restored under Node: its heap is measured against the manifest's
    snapshot_heap_limit (Pyodide issue #6254: a bigger one cannot be restored), and the restored checker answers."""
    result = subprocess.run(["node", str(REPO_ROOT / "tests" / "node" / "snapshot_heap.mjs"), "--manifest",
                             str(manifest_path)], capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert result.returncode == 0, f"snapshot_heap.mjs failed:\n{result.stdout}\n{result.stderr[-3000:]}"
    measured = json.loads(result.stdout)
    manifest = json.loads(manifest_path.read_text("utf-8"))
    assert measured["heap_limit"] == manifest["snapshot_heap_limit"]
    assert 0 < measured["heap_bytes"] <= measured["heap_limit"], measured
    assert measured["restored"] and measured["calls"] == sorted(manifest["rulesets"]), measured


def test_the_archives_hold_bytecode_only_and_never_split_a_package(manifest_path):
    """The core archive and the workbook archive: compiled modules only (no sources, no other file), far fewer than
    Pyodide's whole zip, no module in both, and no top-level package in both (zipimport finds a package's submodules
    in the archive of its __init__ only)."""
    import zipfile

    import pyodide_assets

    manifest = json.loads(manifest_path.read_text("utf-8"))
    folder = manifest_path.parent
    core = zipfile.ZipFile(folder / manifest["stdlib"]).namelist()
    workbook = zipfile.ZipFile(folder / manifest["stdlib_workbook"]["file"]).namelist()
    stock = zipfile.ZipFile(PYODIDE_DIR / pyodide_assets.STOCK_STDLIB).namelist()
    assert core and workbook and all(name.endswith(".pyc") for name in core + workbook)
    assert {name[:-1] for name in core + workbook} <= set(stock)
    assert not set(core) & set(workbook)
    packages = lambda names: {n.split("/")[0] for n in names if "/" in n}  # noqa: E731
    assert not packages(core) & packages(workbook)
    assert len(core) < len(stock) / 3
    assert (folder / manifest["stdlib"]).stat().st_size < (PYODIDE_DIR / pyodide_assets.STOCK_STDLIB).stat().st_size
