"""Compile every call once per build into one artefact, build/bundles/<call>.json, that everything else reads.

    python build_scripts/guide/bundles.py      # compile what changed; prints one line per call compiled

An artefact holds what checker/loader.py produces from a call folder in one pass: the validated YAML (``data``,
what the page templates read), the compiled rule set (``ruleset``, what the wheel ships and the engine runs), and
the call's answer cases (``cases``, from policy_data/calls/<call>/cases/*.yaml: the tests, the wheel's smoke test
and the bytecode warm-up send them). ``inputs`` is a hash of everything that shapes it (the call folder, the
schemas, the notices, the compiler's modules, this file); an artefact whose inputs did not change is read, not recompiled,
so the build step, the page hook (also under ``mkdocs serve``) and the wheel together compile each call once.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from guide import paths  # type: ignore[no-redef]
else:
    from . import paths

FORMAT = 1
COMPILER_MODULES = ("loader.py", "yamlsource.py", "conditions.py")


class BundleError(ValueError):
    """A call's data does not compile; the message lists every problem with file, line and key path."""


def call_ids(policy_dir: Path | None = None) -> list[str]:
    calls = (policy_dir or paths.policy_data_dir()) / "calls"
    return sorted(p.name for p in calls.iterdir() if (p / "call.yaml").is_file()) if calls.is_dir() else []


def _files(call_dir: Path, policy_dir: Path) -> list[Path]:
    files = [p for p in call_dir.rglob("*") if p.is_file()]
    for shared in ("schema", "source"):
        files += [p for p in (policy_dir / shared).rglob("*") if p.is_file()]
    files += [paths.REPO_ROOT / "checker" / name for name in COMPILER_MODULES]
    files.append(Path(__file__).resolve())  # this file writes the artefact: a change to it is a change of format
    return sorted(f for f in files if "__pycache__" not in f.parts)


def inputs_key(call_dir: Path, policy_dir: Path) -> str:
    digest = hashlib.sha256(str(FORMAT).encode())
    for path in _files(call_dir, policy_dir):
        digest.update(path.name.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read_cases(call_dir: Path) -> list[dict]:
    """The call's answer cases, each with its file name (without .yaml) as ``file``."""
    import yaml

    out = []
    for path in sorted((call_dir / "cases").glob("*.yaml")):
        case = yaml.safe_load(path.read_text("utf-8"))
        if isinstance(case, dict):
            out.append({"file": path.stem, **case})
    return out


def compile_call(call_id: str, policy_dir: Path) -> dict:
    if str(paths.REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(paths.REPO_ROOT))
    from checker.loader import PolicyDataError, load_call

    call_dir = policy_dir / "calls" / call_id
    try:
        data, ruleset = load_call(call_dir, root=policy_dir, cases=True)  # a misspelt case key fails the build
    except PolicyDataError as exc:
        raise BundleError(f"policy data in {call_dir} is invalid:\n{exc}") from None
    return {"format": FORMAT, "call": call_id, "inputs": inputs_key(call_dir, policy_dir),
            "ruleset": ruleset, "data": data, "cases": read_cases(call_dir)}


def artefact_path(call_id: str) -> Path:
    return paths.bundles_dir() / f"{call_id}.json"


def ensure(call_id: str, policy_dir: Path | None = None, log=print) -> dict:
    """The call's artefact: read when its inputs did not change, else compiled (once) and written."""
    policy_dir = policy_dir or paths.policy_data_dir()
    target = artefact_path(call_id)
    key = inputs_key(policy_dir / "calls" / call_id, policy_dir)
    if target.is_file():
        try:
            artefact = json.loads(target.read_text("utf-8"))
        except ValueError:
            artefact = {}
        if artefact.get("inputs") == key and artefact.get("format") == FORMAT:
            return artefact
    artefact = compile_call(call_id, policy_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    part.write_text(json.dumps(artefact, ensure_ascii=False, indent=1) + "\n", "utf-8")  # YAML order kept: pages list in it
    os.replace(part, target)
    log(f"bundles: compiled call {call_id} (rule set {artefact['ruleset']['version']}) into {target}")
    return artefact


def ensure_all(policy_dir: Path | None = None, log=print) -> dict[str, dict]:
    """Every call's artefact, by call id; stale artefacts of calls that are gone are removed."""
    policy_dir = policy_dir or paths.policy_data_dir()
    ids = call_ids(policy_dir)
    out = {call_id: ensure(call_id, policy_dir, log) for call_id in ids}
    if paths.bundles_dir().is_dir():
        for old in paths.bundles_dir().glob("*.json"):
            if old.stem not in out:
                old.unlink()
    return out


def case_as_of(case: dict, ruleset: dict) -> str:
    """The day a case is assessed on: its own ``as_of``, else the call's applicant deadline (still open then)."""
    if case.get("as_of"):
        return str(case["as_of"])
    timeline = ruleset["timeline"]
    return next(d["date"] for d in timeline["deadlines"] if d["id"] == timeline["applicant_deadline"])


def case_request(case: dict, ruleset: dict, lang: str | None = None) -> dict:
    """The worker's ``assess`` request for a case (the call's id, the case's answers, language and day)."""
    return {"type": "assess", "call": ruleset["call"]["id"], "answers": case["answers"],
            "lang": lang or case.get("lang", "zh"), "as_of": case_as_of(case, ruleset)}


def smoke_requests(artefact: dict) -> list[dict]:
    """One request of every kind for a call, from its own cases: what the wheel's smoke test and the bytecode
    warm-up send. Each ``assess`` carries the case's expected verdict as ``expect``."""
    ruleset, cases = artefact["ruleset"], artefact.get("cases") or []
    if not cases:
        raise BundleError(f"call {artefact['call']} has no answer case in policy_data/calls/{artefact['call']}/cases/")
    call = ruleset["call"]["id"]
    out = [{"type": "meta", "call": call}]
    for lang in ("zh", "en"):
        out += [{"type": "questions", "call": call, "lang": lang}, {"type": "template", "call": call, "lang": lang}]
    for case in cases:
        out.append(dict(case_request(case, ruleset), expect=case["expected"]["verdict"]))
    import csv
    import io

    first = cases[0]["answers"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(first))
    writer.writerow([";".join(map(str, v)) if isinstance(v, list) else str(v) for v in first.values()])
    csv_text = buffer.getvalue()
    for unit in ruleset["quota"]["units"]:
        out.append({"type": "batch", "call": call, "csv": csv_text, "unit_kind": unit["id"], "lang": "zh"})
    return out


def main(argv: list[str] | None = None) -> int:
    try:
        artefacts = ensure_all()
    except BundleError as exc:
        print(f"bundles: {exc}", file=sys.stderr)
        return 1
    if not artefacts:
        print(f"bundles: no call folder in {paths.calls_dir()}", file=sys.stderr)
        return 1
    print(f"bundles: {len(artefacts)} call(s) ready in {paths.bundles_dir()}: {', '.join(artefacts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
