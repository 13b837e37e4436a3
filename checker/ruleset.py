"""A compiled rule set (the JSON the loader writes), indexed for the engine. Standard library only."""

import json
from pathlib import Path

from .conditions import questions_in

BUNDLE_DIR = Path(__file__).resolve().parent / "data"


class Ruleset:
    """Questions, rules, quota and timeline of one call, from its compiled bundle."""

    def __init__(self, bundle):
        self.bundle = bundle
        self.version = bundle["version"]
        self.call = bundle["call"]
        self.sections = bundle["sections"]
        self.questions = {q["id"]: q for q in bundle["questions"]}
        self.order = [q["id"] for q in bundle["questions"]]
        self.rules = bundle["rules"]
        self.quota = bundle["quota"]
        # The call's exemption from the quota ({name, text, citation, ...}), or None: a call need not have one.
        self.exemption = self.quota.get("exemption")
        self.timeline = bundle["timeline"]
        self.direction_question = bundle["direction_question"]
        self.screening = bundle.get("screening") or {}
        self.directions = {d["id"]: d for d in bundle["directions"]}
        self.priorities = {p["id"]: p for p in bundle["priority_conditions"]}
        # The questions a verdict waits for: those the requirement rules (blocks, confirm) read. A question only
        # a priority condition or the quota reads never withholds the verdict (Notice II(3) lists conditions for
        # priority, not requirements); it is said as "not answered" in its own section instead.
        self.verdict_questions = set()
        for rule in self.rules:
            if rule["severity"] in ("blocks", "confirm"):
                for key in ("require", "applies_if"):
                    if key in rule:
                        self.verdict_questions.update(questions_in(rule[key]))
        # What no answer changes, once worded (checker/present.py): (rule id, lang) -> the finding's fixed parts.
        self.worded = {}

    @classmethod
    def from_json_file(cls, path):
        """Load a compiled bundle written by `python -m checker compile`."""
        with open(path, encoding="utf-8") as handle:
            return cls(json.load(handle))


SOURCE_CALLS = Path(__file__).resolve().parent.parent / "policy_data" / "calls"


def known_calls():
    """The call ids this checker can load, as load_default finds them: the call folders in a source checkout,
    else the bundles packaged in the wheel. A request's call must be one of these (it is never used as a path)."""
    if SOURCE_CALLS.is_dir():
        return sorted(p.name for p in SOURCE_CALLS.iterdir() if (p / "call.yaml").is_file())
    return sorted(p.stem for p in BUNDLE_DIR.glob("*.json"))


def load_default(call_id):
    """In a source checkout compile the YAML (the source of truth); elsewhere (wheel, Pyodide) the packaged bundle."""
    source = Path(__file__).resolve().parent.parent / "policy_data" / "calls" / call_id
    if source.is_dir():
        from .loader import load_bundle  # needs PyYAML and jsonschema

        return Ruleset(load_bundle(source))
    return Ruleset.from_json_file(BUNDLE_DIR / f"{call_id}.json")
