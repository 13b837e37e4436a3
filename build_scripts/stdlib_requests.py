"""The requests whose imports decide what the site's own standard library holds (build_scripts/pyodide_bytecode.mjs
sends them to the checker in Pyodide at build time; what they import goes into the archives, nothing else does).

Every request kind of checker.api, for every call: meta; questions and the list template (CSV and .xlsx) in both
languages; every answer case (policy_data/calls/<call>/cases/) assessed in both languages; a screening of each unit
kind from CSV text and from a file in each encoding the checker reads (UTF-8, with a BOM, UTF-16 both ways,
GB18030: each codec is a module of its own), with a semicolon; from an .xlsx, an old .xls and an .ods; replan and
export (CSV and .xlsx) of a plan; and the requests that must fail (bad JSON, invalid answers, an unknown type, call,
language or unit kind, an empty or foreign file). A code path that imports a module only on some input is covered
only when one of these inputs takes it: tests/test_pyodide_parity.py runs its own requests from the reduced library
and fails on any module missing at run time.

Plan ids come from the plans' content (checker/plan_memory.py), so the ids CPython gives here are the ids Pyodide
gives when it screens the same file first.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import csv
import io
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# Sample old workbooks (an .xls and an .ods, a list of one call): python-calamine cannot write one, so the build
# reads the test suite's (tests/fixtures/screening/make_old_workbooks.py made them). Another call reads them too,
# to its foreign-header error: the reader's modules are imported either way.
OLD_WORKBOOKS = REPO_ROOT / "tests" / "fixtures" / "screening"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _rows(ruleset: dict, cases: list[dict]) -> list[list[str]]:
    """A list of the call's cases in its question order, as a unit would send it."""
    order = [q["id"] for q in ruleset["questions"]]
    rows = [order]
    for case in cases:
        answers = case["answers"] if isinstance(case["answers"], dict) else {}
        rows.append(["; ".join(map(str, v)) if isinstance(v, list) else "" if v is None else str(v)
                     for v in (answers.get(q) for q in order)])
    return rows


def call_requests(artefact: dict) -> list[dict]:
    from guide.bundles import case_as_of, case_request

    ruleset, cases = artefact["ruleset"], artefact.get("cases") or []
    call = ruleset["call"]["id"]
    as_of = case_as_of(cases[0], ruleset)  # a day the call is open (the first case's)
    out = [{"type": "meta", "call": call}]
    for lang in ("zh", "en"):
        out += [{"type": "questions", "call": call, "lang": lang}]
        out += [{"type": "template", "call": call, "lang": lang, "format": f} for f in ("csv", "xlsx")]
        out += [case_request(case, ruleset, lang) for case in cases]
    rows = _rows(ruleset, cases)
    text = _csv(rows)
    units = [unit["id"] for unit in ruleset["quota"]["units"]]
    for unit in units:
        for lang in ("zh", "en"):
            out.append({"type": "batch", "call": call, "csv": text, "unit_kind": unit, "lang": lang,
                        "order_by": "suggested", "as_of": as_of})
        if unit == units[0]:
            with _known_to_cpython(ruleset):
                out += _plan_requests(out[-1])  # right after its batch: the worker keeps a few plans only
    files = {
        "utf-8.csv": text.encode("utf-8"),
        "bom.csv": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf-16-le.csv": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf-16-be.csv": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "gb18030.csv": text.encode("gb18030") + "中文".encode("gb18030") + b"\xff\n",
        "semicolon.csv": _csv(rows).replace(",", ";").encode("utf-8"),
        "empty.csv": b"",
        "image.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "foreign.csv": "名称,地址\n甲,乙\n".encode("utf-8"),
    }
    from checker import workbook

    files["list.xlsx"] = workbook.write([{"title": "list", "rows": rows}])
    for suffix in ("xls", "ods"):
        files[f"list.{suffix}"] = (OLD_WORKBOOKS / f"candidates-province.{suffix}").read_bytes()
    for name, data in files.items():
        out.append({"type": "batch", "call": call, "file": _b64(data), "file_name": name, "unit_kind": units[0],
                    "lang": "zh", "as_of": as_of})
    out += [{"type": "replan", "call": call, "plan_id": "plan-gone"},
            {"type": "assess", "call": call, "lang": "zh", "answers": {
                "nonsense": 1, "direction": "d9", "filing_date": as_of.replace("-", "/"), "projects_filed": "many"}},
            {"type": "assess", "call": call, "lang": "en", "answers": [1, 2]},
            {"type": "assess", "call": call, "lang": "fr", "answers": {}},
            {"type": "batch", "call": call, "csv": "x\n1\n", "unit_kind": "planet"}]
    return out


@contextlib.contextmanager
def _known_to_cpython(bundle: dict):
    """This checkout's checker knows the calls of policy_data/calls; a build of another policy folder
    (GUIDE_POLICY_DATA_DIR: a maintainer's new call, the tests' fixture calls) has calls it does not. While the
    plan's id is learnt, the API is given the call's compiled rule set, as the wheel would carry it."""
    from checker import api
    from checker.ruleset import Ruleset

    call = bundle["call"]["id"]
    if call in api.known_calls():
        yield
        return
    known, kept = api.known_calls, api._RULESETS.get(call)
    api.known_calls = lambda: sorted([*known(), call])
    api._RULESETS[call] = Ruleset(bundle)
    try:
        yield
    finally:
        api.known_calls = known
        if kept is None:
            api._RULESETS.pop(call, None)
        else:
            api._RULESETS[call] = kept


def _plan_requests(batch: dict) -> list[dict]:
    """Replan and export (CSV and .xlsx) the plan `batch` makes, which CPython makes here to learn its id."""
    from checker import api

    call = batch["call"]
    response = json.loads(api.handle(json.dumps(dict(batch, id=0))))
    if not response["ok"]:
        raise SystemExit(f"stdlib_requests: the sample list of call {call} was refused: {response['error']['message']}")
    plan = response["result"]
    rows = [r["row"] for r in plan["rows"]]
    out = [{"type": "replan", "call": call, "plan_id": plan["plan_id"], "order": list(reversed(rows))},
           {"type": "replan", "call": call, "plan_id": plan["plan_id"], "order_by": "file"}]
    return out + [{"type": "export", "call": call, "plan_id": plan["plan_id"], "format": f, "unit_name": "单位"}
                  for f in ("csv", "xlsx")]


def trace_requests() -> list:
    """Every call's requests, then the ones that are not about a call (JSON text sent as it is, with ids)."""
    for folder in (REPO_ROOT, REPO_ROOT / "build_scripts"):  # the checker (CPython gives the plan ids), bundles
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    from guide import bundles

    out = []
    artefacts = bundles.ensure_all(log=lambda *a, **k: None)
    for artefact in artefacts.values():
        out += call_requests(artefact)
    some_call = next(iter(artefacts))
    out += [{"type": "meta"}, {"type": "nope", "call": some_call}, {"type": "meta", "call": "no-such-call"}]
    return [dict(r, id=n) for n, r in enumerate(out, 1)]
