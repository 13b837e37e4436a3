"""Load one call's YAML, validate it against the schemas and the notice, and compile it into a JSON rule set.

Build-time and command-line only (needs PyYAML and jsonschema); the browser receives the compiled JSON.
"""

import hashlib
import json
import re
from pathlib import Path

from . import conditions, kinds
from .yamlsource import YamlError, line_of, load_file

POLICY_DIR = Path(__file__).resolve().parent.parent / "policy_data"
FILES = ("call", "eligibility", "directions", "glossary", "faq", "questions", "rules")
_SPACE = re.compile(r"\s+")
# What a call's quota exemption (eligibility.yaml recommendation.quota_exemption, through rules.yaml
# quota.exemption) carries into the bundle: its name, its words and citation for the checker, and for the guide's
# pages its lowest level and the standard that level is read on, when the call gives them.
EXEMPTION_KEYS = ("name", "text", "citation", "min_level", "standard")


class Problem:
    """One defect in the policy data, located by file, line and key path; `kind` "quote" for a quote (or a verbatim
    text) not found in the notice, which `validate` reports in its review list instead."""

    def __init__(self, file, line, path, message, kind=""):
        self.file, self.line, self.message, self.kind = str(file), line, message, kind
        self.path = ".".join(str(p) for p in path) or "(top)"

    def __str__(self):
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


class PolicyDataError(Exception):
    """The policy data has problems; `problems` lists every one."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def call_dir(call_id, root=POLICY_DIR):
    """The folder of a call inside a policy_data root."""
    return Path(root) / "calls" / call_id


def newest_call_id(root=POLICY_DIR):
    """The id of the call under `root`/calls whose latest deadline is the latest (for the command line's default)."""
    found = []
    for folder in sorted((Path(root) / "calls").iterdir()):
        if (folder / "call.yaml").is_file():
            call, _lines = load_file(folder / "call.yaml")
            dates = [str(d.get("date")) for d in (call or {}).get("deadlines") or [] if isinstance(d, dict)]
            found.append((max(dates, default=""), folder.name))
    if not found:
        raise PolicyDataError([Problem(Path(root) / "calls", 0, (), "no call folder (with a call.yaml) here")])
    return max(found)[1]


def _schemas():
    from referencing import Registry, Resource

    schema_dir = POLICY_DIR / "schema"
    resources = []
    for path in sorted(schema_dir.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


def _schema_message(error):
    """A jsonschema error in words a maintainer can act on."""
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        if missing == "en":
            return "missing English twin 'en' of this Chinese text"
        if missing == "zh":
            return "missing Chinese text 'zh' beside the English"
        return f"missing required key '{missing}'"
    if error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message.split("(")[-1])
        allowed = sorted(error.schema.get("properties", {}))
        return f"unknown key {', '.join(repr(e) for e in extra)} (allowed: {', '.join(allowed)})"
    if error.validator == "minimum" and error.validator_value == 1:
        return f"must be a positive whole number, got {error.instance!r}"
    if error.validator == "type" and error.validator_value == "integer":
        return f"must be a whole number, got {error.instance!r}"
    if error.validator == "pattern":
        if "description" in error.schema:  # what the form is for, in words (the case's name: a sentence)
            return f"{error.instance!r} is not {error.schema['description']}"
        return f"{error.instance!r} does not have the expected form ({error.validator_value})"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "contains":
        wanted = ", ".join(f"{k}: {v['const']}" for k, v in error.validator_value.get("properties", {}).items()
                           if isinstance(v, dict) and "const" in v)
        return f"needs an item with {wanted or 'the required keys'} (the guide's pages need it)"
    if error.validator == "dependentRequired":
        needed, having = (re.findall(r"'([^']+)'", error.message) + ["", ""])[:2]
        return f"'{having}' needs '{needed}' beside it (both or neither)"
    if error.validator == "oneOf":
        return "is neither a citation {clause, quote} nor a {ref: ...}"
    return error.message


def case_problems(cases_dir, registry=None):
    """Every problem of the answer case files in `cases_dir` (*.yaml; none when the folder is missing): YAML that
    cannot be read, and whatever schema/case.schema.json refuses, each as file:line: key: message."""
    from jsonschema import Draft202012Validator

    registry = registry or _schemas()
    validator = Draft202012Validator(registry.contents("bdpilot:case"), registry=registry)
    problems = []
    for path in sorted(Path(cases_dir).glob("*.yaml")):
        try:
            data, lines = load_file(path)
        except YamlError as exc:
            problems.append(Problem(path, exc.line, (), exc.message))
            continue
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
            where = tuple(error.absolute_path)
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                # the misspelt key itself (its line), not the mapping it stands in
                where += tuple(k for k in error.instance if k not in error.schema.get("properties", {}))[:1]
            problems.append(Problem(path, line_of(lines, where), where, _schema_message(error)))
    return problems


def _squash(text):
    return _SPACE.sub("", text)


def _walk(node, path=()):
    """Yield (path, value) for every node of parsed YAML."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, path + (index,))


class _Loading:
    """State of one load: the parsed files, their line maps and the problems found so far."""

    def __init__(self, folder, root):
        self.folder, self.root = Path(folder), Path(root)
        self.data, self.lines, self.problems = {}, {}, []

    def problem(self, name, path, message, kind=""):
        file = self.folder / f"{name}.yaml"
        self.problems.append(Problem(file, line_of(self.lines.get(name, {}), path), path, message, kind))

    # -- reading and schema --------------------------------------------------------------------------
    def read(self):
        for name in FILES:
            path = self.folder / f"{name}.yaml"
            if not path.exists():
                self.problems.append(Problem(path, 0, (), "file is missing"))
                continue
            try:
                self.data[name], self.lines[name] = load_file(path)
            except YamlError as exc:
                self.problems.append(Problem(path, exc.line, (), exc.message))

    def validate_schemas(self):
        from jsonschema import Draft202012Validator

        registry = _schemas()
        for name, data in self.data.items():
            schema = registry.contents(f"bdpilot:{name}")
            validator = Draft202012Validator(schema, registry=registry)
            for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
                self.problem(name, tuple(error.absolute_path), _schema_message(error))

    def validate_cases(self):
        """The call's answer cases (cases/*.yaml) against schema/case.schema.json: a misspelt expectation is a
        problem here, not a key the tests silently skip."""
        self.problems.extend(case_problems(self.folder / "cases"))

    # -- checks against the notice and across files ----------------------------------------------------
    def check_source(self):
        call = self.data.get("call")
        if not isinstance(call, dict) or not isinstance(call.get("source"), dict):
            return None
        source_path = self.root / str(call["source"].get("file", ""))
        if not source_path.is_file():
            self.problem("call", ("source", "file"), f"source file not found: {source_path}")
            return None
        text = _squash(source_path.read_text(encoding="utf-8"))
        for name, data in self.data.items():
            for path, node in _walk(data):
                if isinstance(node, dict) and "quote" in node and "clause" in node:
                    quote = node["quote"]
                    if isinstance(quote, str) and _squash(quote) not in text:
                        self.problem(name, path + ("quote",), f"quote not found in the notice: {quote[:40]!r}", "quote")
        for index, direction in enumerate(_list(self.data.get("directions"), "directions")):
            for part in ("needs", "content", "results"):
                zh = (direction.get(part) or {}).get("zh") if isinstance(direction, dict) else None
                if isinstance(zh, str) and _squash(zh) not in text:
                    self.problem("directions", ("directions", index, part, "zh"),
                                 f"Chinese text is not verbatim from the notice: {zh[:40]!r}", "quote")
        return text

    def check_call_id(self):
        """The call's id is its folder's name: pages, worker requests and the wheel's bundles name a call by its
        folder, so a copied call.yaml that keeps the old id would check answers against the other call's rules."""
        call = self.data.get("call")
        if isinstance(call, dict) and "id" in call and str(call["id"]) != self.folder.name:
            self.problem("call", ("id",), f"id {str(call['id'])!r} is not the call folder's name "
                                          f"{self.folder.name!r}: give them the same name")

    def check_duplicate_ids(self):
        for name, data in self.data.items():
            for path, node in _walk(data):
                if isinstance(node, list):
                    seen = {}
                    for index, item in enumerate(node):
                        if isinstance(item, dict) and "id" in item:
                            if item["id"] in seen:
                                self.problem(name, path + (index, "id"),
                                             f"duplicate id {item['id']!r} (first at item {seen[item['id']]})")
                            else:
                                seen[item["id"]] = index

    def check_glossary(self):
        """A strict glossary term's Chinese in a text means its English must be in the English twin."""
        strict = [term for term in _list(self.data.get("glossary"), "terms") if term.get("strict")]
        for term in strict:
            zh = re.sub(r"（.*?）", "", term["term"]["zh"])
            en = re.sub(r"\s*\(.*?\)", "", term["term"]["en"]).strip().casefold()
            for name, data in self.data.items():
                if name == "glossary":
                    continue
                for path, node in _walk(data):
                    if (isinstance(node, dict) and isinstance(node.get("zh"), str) and isinstance(node.get("en"), str)
                            and zh in node["zh"] and en not in node["en"].casefold()):
                        self.problem(name, path + ("en",), f"glossary: {term['term']['zh']} is always "
                                                           f"“{term['term']['en']}” in English")

    def check_directions(self):
        data = self.data.get("directions") or {}
        areas = {a.get("id") for a in _list(data, "areas")}
        slugs = {}
        for index, direction in enumerate(_list(data, "directions")):
            if direction.get("area") not in areas:
                self.problem("directions", ("directions", index, "area"),
                             f"unknown area {direction.get('area')!r} (known: {', '.join(sorted(map(str, areas)))})")
            if direction.get("slug") in slugs:
                self.problem("directions", ("directions", index, "slug"), f"duplicate slug {direction['slug']!r}")
            slugs[direction.get("slug")] = index
            roles = {r.get("id") for r in direction.get("roles") or [] if isinstance(r, dict)}
            for m_index, minimum in enumerate(direction.get("minimums") or []):
                if isinstance(minimum, dict) and "role" in minimum and minimum["role"] not in roles:
                    self.problem("directions", ("directions", index, "minimums", m_index, "role"),
                                 f"unknown role {minimum['role']!r} (this direction's roles: "
                                 f"{', '.join(sorted(map(str, roles))) or 'none'})")

    # -- references --------------------------------------------------------------------------------
    def resolve(self, ref):
        return resolve_ref(self.data, ref)


def resolve_ref(data, ref):
    """Follow a dotted ref from a call's root (its files by name; a list step picks the item with that id);
    raise LookupError naming the step that failed. The one ref resolver: the compiler and the page templates."""
    node = data
    for step in str(ref).split("."):
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list):
            match = [item for item in node if isinstance(item, dict) and str(item.get("id")) == step]
            if not match:
                raise LookupError(f"no item with id {step!r} in {ref!r}")
            node = match[0]
        else:
            raise LookupError(f"{ref!r} does not exist (stopped at {step!r})")
    return node


def _list(data, key):
    value = data.get(key) if isinstance(data, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


class _Compiler:
    """Turn validated YAML into the JSON rule set the engine runs, reporting what cannot be compiled."""

    def __init__(self, loading):
        self.l = loading
        self.questions = {}

    def citation(self, name, path, value):
        if isinstance(value, dict) and "ref" in value:
            try:
                target = self.l.resolve(value["ref"])
            except LookupError as exc:
                self.l.problem(name, path + ("ref",), f"unknown ref: {exc}")
                return None
            if isinstance(target, dict) and "citation" in target:
                target = target["citation"]
            if not (isinstance(target, dict) and "quote" in target):
                self.l.problem(name, path + ("ref",), f"ref {value['ref']!r} does not lead to a citation")
                return None
            return target
        return value

    def number(self, name, path, value, kind):
        """A number (or a date) given literally or by ref, as {value, unit?, ref?}."""
        ref = None
        if isinstance(value, dict) and "ref" in value:
            ref = value["ref"]
            try:
                value = self.l.resolve(ref)
            except LookupError as exc:
                self.l.problem(name, path + ("ref",), f"unknown ref: {exc}")
                return None
        unit = None
        if isinstance(value, dict):
            unit = value.get("unit")
            value = value.get("date", value.get("value"))
        if kind == "date":
            if not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
                self.l.problem(name, path, f"needs a date YYYY-MM-DD, got {value!r}")
                return None
        elif kind == "number" and (not isinstance(value, (int, float)) or isinstance(value, bool)):
            self.l.problem(name, path, f"needs a number, got {value!r}")
            return None
        elif kind == "int" and (not isinstance(value, int) or isinstance(value, bool)):
            self.l.problem(name, path, f"needs a whole number, got {value!r}")
            return None
        out = {"value": value}
        if unit:
            out["unit"] = unit
        if ref:
            out["ref"] = ref
        return out

    def condition(self, name, path, cond):
        """Compile a condition as written in YAML into the engine's form, or None if it is wrong."""
        if not isinstance(cond, dict):
            self.l.problem(name, path, "a condition must be a mapping")
            return None
        if "all" in cond or "any" in cond:
            key = "all" if "all" in cond else "any"
            if len(cond) != 1 or not isinstance(cond[key], list) or not cond[key]:
                self.l.problem(name, path, f"'{key}' takes a non-empty list and nothing beside it")
                return None
            parts = [self.condition(name, path + (key, i), c) for i, c in enumerate(cond[key])]
            return None if None in parts else {key: parts}
        if "not" in cond:
            if len(cond) != 1:
                self.l.problem(name, path, "'not' takes one condition and nothing beside it")
                return None
            inner = self.condition(name, path + ("not",), cond["not"])
            return None if inner is None else {"not": inner}
        if "q" not in cond:
            self.l.problem(name, path, f"unknown operator {', '.join(map(repr, cond))}: a condition is "
                                       f"all/any/not or {{q: question, <operator>: value}}")
            return None
        qid = cond["q"]
        question = self.questions.get(qid)
        if question is None:
            self.l.problem(name, path + ("q",), f"unknown question {qid!r}")
            return None
        ops = [k for k in cond if k != "q"]
        if len(ops) != 1:
            self.l.problem(name, path, f"a condition on {qid!r} needs exactly one operator "
                                       f"(known: {', '.join(conditions.OPERATORS)})")
            return None
        op_name = ops[0]
        op = conditions.OPERATORS.get(op_name)
        if op is None:
            self.l.problem(name, path + (op_name,), f"unknown operator {op_name!r} "
                                                    f"(known: {', '.join(conditions.OPERATORS)})")
            return None
        if not op.takes(question):
            self.l.problem(name, path + (op_name,),
                           f"operator {op_name!r} does not apply to {question['kind']} question {qid!r}")
            return None
        arg = self.argument(name, path + (op_name,), op, question, cond[op_name])
        return None if arg is None else {"q": qid, "op": op_name, "arg": arg}

    def argument(self, name, path, op, question, arg):
        kind = kinds.of(question)
        option_ids = [o["id"] for o in kind.options(question)]
        if op.arg == "bool":
            if not isinstance(arg, bool):
                self.l.problem(name, path, f"needs true or false, got {arg!r}")
                return None
            return arg
        if op.arg == "number":
            if question["kind"] == "single" and any("value" not in o for o in question["options"]):
                self.l.problem(name, path, f"question {question['id']!r} has options without a 'value' to compare")
                return None
            return self.number(name, path, arg, kind.arg_type)
        values = arg if op.arg == "options" else [arg]
        if op.arg == "options" and not (isinstance(arg, list) and arg):
            self.l.problem(name, path, f"needs a non-empty list of options, got {arg!r}")
            return None
        if kind.choice:
            wrong = [v for v in values if str(v) not in option_ids]
            if wrong:
                self.l.problem(name, path, f"unknown option {', '.join(map(repr, wrong))} of question "
                                           f"{question['id']!r} (options: {', '.join(option_ids)})")
                return None
            values = [str(v) for v in values]
        return values if op.arg == "options" else values[0]

    # -- questions, rules, quota, timeline --------------------------------------------------------------
    def compile_questions(self):
        data = self.l.data.get("questions") or {}
        sections = {s.get("id") for s in _list(data, "sections")}
        raw = _list(data, "questions")
        for index, q in enumerate(raw):
            path = ("questions", index)
            kind = q.get("kind")
            if kind not in kinds.KINDS:
                self.l.problem("questions", path + ("kind",), f"unknown kind {kind!r} (known: {', '.join(kinds.KINDS)})")
                continue
            out = {k: q[k] for k in ("id", "section", "kind", "label", "help", "short", "unit") if k in q}
            for key in ("label", "help", "short", "unit"):
                if key in out:
                    out[key] = self.text("questions", path + (key,), out[key])
            out["required"] = q.get("required", True)
            for key in ("min", "max", "max_length"):
                if key in q:
                    out[key] = q[key]
            if q.get("section") not in sections:
                self.l.problem("questions", path + ("section",), f"unknown section {q.get('section')!r}")
            if "citation" in q:
                out["citation"] = self.citation("questions", path + ("citation",), q["citation"])
            has_options = "options" in q or "options_from" in q
            if kinds.KINDS[kind].data_options:
                if ("options" in q) == ("options_from" in q):
                    self.l.problem("questions", path, f"a {kind} question needs exactly one of options, options_from")
                    continue
                out["options"] = self.options(path, q)
            elif has_options:
                self.l.problem("questions", path, f"a {kind} question takes no options")
            if "min" in q and "max" in q and q["min"] > q["max"]:
                self.l.problem("questions", path + ("min",), "min is greater than max")
            self.questions[q.get("id")] = out
        for index, q in enumerate(raw):
            if "show_if" in q and q.get("id") in self.questions:
                self.questions[q["id"]]["show_if"] = self.condition("questions", ("questions", index, "show_if"),
                                                                    q["show_if"])
        compiled = []
        for index, section in enumerate(_list(data, "sections")):
            section = dict(section)
            for key in ("title", "intro"):
                if key in section:
                    section[key] = self.text("questions", ("sections", index, key), section[key])
            compiled.append(section)
        return compiled

    # A question's or section's text may name a fact instead of repeating it: {ref:dotted.path} puts in a
    # number, word or {zh, en} text from the call's data, {count:dotted.path} the length of a list
    # ("{count:directions.areas}"). An unknown ref is a validation problem naming the file and key path.
    _PLACEHOLDER = re.compile(r"\{(ref|count):([A-Za-z0-9_.]+)\}")

    def text(self, name, path, value):
        if not isinstance(value, dict):
            return value

        def fill(match, lang):
            kind, ref = match.groups()
            try:
                node = self.l.resolve(ref)
            except LookupError as exc:
                self.l.problem(name, path, f"unknown ref in {match.group(0)}: {exc}")
                return match.group(0)
            if kind == "count":
                if isinstance(node, list):
                    return str(len(node))
                self.l.problem(name, path, f"{match.group(0)} does not lead to a list")
            elif isinstance(node, (int, str)) and not isinstance(node, bool):
                return str(node)
            elif isinstance(node, dict) and isinstance(node.get(lang), str):
                return node[lang]  # a {zh, en} text: the same language
            else:
                self.l.problem(name, path, f"{match.group(0)} does not lead to a number, a word or a text")
            return match.group(0)

        return {lang: self._PLACEHOLDER.sub(lambda m: fill(m, lang), text) if isinstance(text, str) else text
                for lang, text in value.items()}

    def options(self, path, q):
        if "options" in q:
            return q["options"]
        key = q.get("option_label_key", "label")
        try:
            items = self.l.resolve(q["options_from"]["ref"])
        except LookupError as exc:
            self.l.problem("questions", path + ("options_from", "ref"), f"unknown ref: {exc}")
            return []
        if isinstance(items, dict) and "items" in items:
            items = items["items"]
        if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i and key in i for i in items):
            self.l.problem("questions", path + ("options_from",), f"ref does not lead to a list of items with "
                                                                  f"'id' and '{key}'")
            return []
        return [{"id": str(i["id"]), "label": i[key]} for i in items] + list(q.get("extra_options", []))

    def compile_rules(self):
        data = self.l.data.get("rules") or {}
        priorities = {p.get("id") for p in _list((self.l.data.get("eligibility") or {}).get("priority_conditions"),
                                                 "items")}
        rules = []
        for index, rule in enumerate(_list(data, "rules")):
            path = ("rules", index)
            out = {k: rule[k] for k in ("id", "severity", "title", "pass", "fail", "unknown", "guide", "priority")
                   if k in rule}
            if rule.get("severity") == "priority" and rule.get("priority") not in priorities:
                self.l.problem("rules", path + ("priority",), f"a priority rule names one of the priority "
                                                              f"conditions: {', '.join(sorted(priorities))}")
            out["citation"] = self.citation("rules", path + ("citation",), rule.get("citation"))
            if "applies_if" in rule:
                out["applies_if"] = self.condition("rules", path + ("applies_if",), rule["applies_if"])
            out["require"] = self.condition("rules", path + ("require",), rule.get("require"))
            if "requirement" in rule:
                out["requirement"] = self.text("rules", path + ("requirement",), rule["requirement"])
            elif out["require"] and rule.get("severity") != "priority" and any(
                    self.questions.get(q, {}).get("kind") == "tristate" for q in conditions.questions_in(out["require"])):
                # Explained, such a condition reads "the answer to X is Yes" beside the person's own "No".
                self.l.problem("rules", path, f"rule {rule.get('id')!r} reads a yes/no question, so it needs a `requirement`: what the notice "
                                              "asks, as a sentence a person would write")
            rules.append(out)
        return rules

    def compile_quota(self):
        quota = (self.l.data.get("rules") or {}).get("quota") or {}
        out = {"unit_question": quota.get("unit_question")}
        if out["unit_question"] not in self.questions:
            self.l.problem("rules", ("quota", "unit_question"), f"unknown question {out['unit_question']!r}")
        try:
            units = self.l.resolve(quota.get("units", {}).get("ref", ""))
            out["units"] = [{k: u[k] for k in ("id", "label", "short", "quota", "citation") if k in u} for u in units]
        except (LookupError, KeyError, TypeError) as exc:
            self.l.problem("rules", ("quota", "units"), f"ref does not lead to unit kinds with a quota: {exc}")
        if "extra" in quota:  # optional: a call without extra quotas has no `extra` key (2022's bundle unchanged)
            out["extra"] = self.compile_extra(quota["extra"], {u["id"] for u in out.get("units", [])})
        # The exemption is optional: a call without one has neither `exemption` nor `exempt_if` (the schema
        # wants both or neither), and every eligible project counts against the quota.
        if "exemption" not in quota and "exempt_if" not in quota:
            return out
        wanted = "ref does not lead to an exemption with a name, text and citation"
        try:
            exemption = self.l.resolve(quota.get("exemption", {}).get("ref", ""))
        except (LookupError, KeyError, TypeError, AttributeError) as exc:
            self.l.problem("rules", ("quota", "exemption"), f"{wanted}: {exc}")
        else:
            missing = [k for k in ("name", "text", "citation") if not isinstance(exemption, dict) or k not in exemption]
            if missing:
                self.l.problem("rules", ("quota", "exemption"), f"{wanted} (missing: {', '.join(missing)})")
            else:
                out["exemption"] = {k: exemption[k] for k in EXEMPTION_KEYS if k in exemption}
        out["exempt_if"] = self.condition("rules", ("quota", "exempt_if"), quota.get("exempt_if"))
        return out

    def compile_extra(self, ref, unit_ids):
        """rules.yaml quota.extra resolved: the quotas beside a unit's own, each counted within the lists of the
        unit kinds it names (which must be the call's)."""
        try:
            extra = self.l.resolve(ref.get("ref", "") if isinstance(ref, dict) else "")
        except LookupError as exc:
            self.l.problem("rules", ("quota", "extra"), f"ref does not lead to extra quotas: {exc}")
            return []
        if not isinstance(extra, list):
            self.l.problem("rules", ("quota", "extra"), "ref does not lead to a list of extra quotas")
            return []
        out = []
        for bucket in extra:
            unknown = [u for u in bucket.get("within", []) if u not in unit_ids]
            if unknown:
                self.l.problem("rules", ("quota", "extra"), f"extra quota {bucket.get('id')!r} is counted within "
                                                            f"unknown unit kinds {', '.join(map(repr, unknown))}")
            out.append({k: bucket[k] for k in ("id", "name", "per", "quota", "within", "text", "citation")})
        return out

    def compile_screening(self):
        """rules.yaml `screening`: the per-applicant rule's id, and `ranking` (a ref) resolved to the notice's words
        on the list's order, {text, citation}, which every order the screening offers quotes."""
        screening = dict((self.l.data.get("rules") or {}).get("screening") or {})
        if "ranking" in screening:
            try:
                ranking = self.l.resolve(screening["ranking"].get("ref", ""))
                screening["ranking"] = {k: ranking[k] for k in ("text", "citation")}
            except (LookupError, KeyError, TypeError) as exc:
                self.l.problem("rules", ("screening", "ranking"), f"ref does not lead to a fact with text and citation: {exc}")
                del screening["ranking"]
        if "applicant_group" in screening:  # applicants may be groups (a lead and members): eligibility.yaml
            try:
                group = self.l.resolve(screening["applicant_group"].get("ref", ""))
                screening["applicant_group"] = {k: group[k] for k in ("name", "members", "text", "citation",
                                                                       "shared_member")}
            except (LookupError, KeyError, TypeError, AttributeError) as exc:
                self.l.problem("rules", ("screening", "applicant_group"),
                               f"ref does not lead to an applicant group (name, members, text, citation, "
                               f"shared_member): {exc}")
                del screening["applicant_group"]
        return screening

    def compile_timeline(self):
        timeline = (self.l.data.get("rules") or {}).get("timeline") or {}
        out = {"applicant_deadline": timeline.get("applicant_deadline")}
        try:
            deadlines = self.l.resolve(timeline.get("deadlines", {}).get("ref", ""))
            out["deadlines"] = [{k: d[k] for k in ("id", "date", "who", "what", "citation")} for d in deadlines]
        except (LookupError, KeyError, TypeError) as exc:
            self.l.problem("rules", ("timeline", "deadlines"), f"ref does not lead to deadlines: {exc}")
            return out
        if out["applicant_deadline"] not in {d["id"] for d in out["deadlines"]}:
            self.l.problem("rules", ("timeline", "applicant_deadline"),
                           f"unknown deadline {out['applicant_deadline']!r}")
        return out

    def compile(self):
        sections = self.compile_questions()
        bundle = {
            "format": 1,
            "call": self.call_summary(),
            "sections": sections,
            "questions": list(self.questions.values()),
            "rules": self.compile_rules(),
            "quota": self.compile_quota(),
            "timeline": self.compile_timeline(),
            "direction_question": (self.l.data.get("rules") or {}).get("direction_question"),
            "screening": self.compile_screening(),
            "directions": [{k: d.get(k) for k in ("id", "number", "slug", "title", "area")}
                           for d in _list(self.l.data.get("directions"), "directions")],
            "priority_conditions": _list((self.l.data.get("eligibility") or {}).get("priority_conditions"), "items"),
        }
        direction_q = self.questions.get(bundle["direction_question"])
        if direction_q is None or direction_q["kind"] != "single":
            self.l.problem("rules", ("direction_question",), "must name the single-choice question of the direction")
        limit_rule = bundle["screening"].get("per_applicant_rule")
        rule = next((r for r in bundle["rules"] if r["id"] == limit_rule), None)
        if limit_rule is not None and (rule is None or rule["require"].get("op") != "lte"):
            self.l.problem("rules", ("screening", "per_applicant_rule"), "must name a rule whose require is an lte")
        return bundle

    def call_summary(self):
        call = self.l.data.get("call") or {}
        return {
            "id": call.get("id"),
            "year": call.get("year"),
            "title": (call.get("title") or {}).get("text"),
            "document_number": (call.get("document_number") or {}).get("text"),
            "application_system": call.get("application_system"),
            "contacts": call.get("contacts"),
        }


def load_call_data(folder, root=POLICY_DIR):
    """Read and validate a call's YAML files; return {file name: parsed YAML} or raise PolicyDataError."""
    data, _bundle = _load(folder, root)
    return data


def load_bundle(folder, root=POLICY_DIR, cases=False):
    """Read, validate and compile a call; return the JSON-ready rule set (with its `version`). cases: also validate
    the call's answer cases (cases/*.yaml) against schema/case.schema.json, as `validate` and the build do
    (answering needs only the rules)."""
    _data, bundle = _load(folder, root, cases)
    return bundle


def load_call(folder=None, root=POLICY_DIR, cases=False):
    """Read, validate and compile a call once; return (validated YAML by file name, compiled rule set). cases: as
    for load_bundle."""
    return _load(folder, root, cases)


def _load(folder, root, cases=False):
    loading = _Loading(folder, root)
    loading.read()
    if loading.problems:  # a file that cannot be parsed makes every later check noise
        raise PolicyDataError(loading.problems)
    loading.validate_schemas()
    if cases:
        loading.validate_cases()
    loading.check_source()
    loading.check_call_id()
    loading.check_duplicate_ids()
    loading.check_directions()
    loading.check_glossary()
    if loading.problems:
        raise PolicyDataError(loading.problems)
    bundle = _Compiler(loading).compile()
    if loading.problems:
        raise PolicyDataError(loading.problems)
    bundle["version"] = bundle_version(bundle)
    return loading.data, bundle


def bundle_version(bundle):
    """A short hash of a compiled rule set: the rule-set version shown with every result."""
    body = {k: v for k, v in bundle.items() if k != "version"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
