"""The interface strings live in one set of files (checker/i18n/<lang>.json): every key has both languages, with
the same placeholders, and every key is used somewhere (Python, a page template, or a page's script)."""

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
I18N = REPO / "checker" / "i18n"
TREES = {lang: json.loads((I18N / f"{lang}.json").read_text("utf-8")) for lang in ("zh", "en")}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def leaves(node, path=()):
    """(path, value) of every string (or list of strings) in a tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, path + (key,))
    else:
        yield path, node


def read(*patterns):
    return "\n".join(p.read_text("utf-8") for pattern in patterns for p in sorted(REPO.glob(pattern)))


PYTHON = read("checker/*.py")
TEMPLATES = read("build_scripts/templates/**/*.j2")
HOOKS = read("build_scripts/hooks/*.py", "build_scripts/guide/*.py")
SCRIPTS = {"checker_page": read("docs/assets/checker/*.js", "docs/assets/common/*.js"),
           "screening_page": read("docs/assets/screening/*.js", "docs/assets/common/*.js")}
PAGE_VARS = {"checker_page": "S", "screening_page": "T"}
PAGE_TEMPLATES = {"checker_page": read("build_scripts/templates/pages/checker.md.j2"),
                  "screening_page": read("build_scripts/templates/pages/screening.md.j2")}
WORKER = read("docs/assets/checker/worker.mjs")
EVERYTHING = "\n".join([PYTHON, TEMPLATES, HOOKS, WORKER, *SCRIPTS.values()])


def quoted(segment, text=EVERYTHING):
    """The segment as a string literal, a literal prefix ("segment.), or a property (.segment)."""
    return re.search(rf"""["']{re.escape(segment)}(["']|\.)|\.{re.escape(segment)}\b""", text) is not None


def used_in_python(path):
    key = ".".join(path)
    if re.search(rf"""["']{re.escape(key)}["']""", PYTHON):
        return True
    # A key built at run time: s("verdict." + verdict), h("group." + group) under "report.", ...
    for i in range(1, len(path)):
        prefix = ".".join(path[:i]) + "."
        if re.search(rf"""["']{re.escape(prefix)}["']\s*\+|["']{re.escape(prefix)}["']""", PYTHON) or (
                prefix == "report." and "h(" in PYTHON):
            if all(quoted(seg, PYTHON) for seg in path[i:]):
                return True
    return False


def used_in_script(page, path):
    var, script = PAGE_VARS[page], SCRIPTS[page]
    if re.search(rf"\b{var}\.{re.escape('.'.join(path))}\b", script):
        return True
    # S.boot[error.code], const C = T.col ... C[key]: the parent is read, each member is named somewhere.
    return (re.search(rf"\b{var}\.{re.escape(path[0])}\b", script) is not None
            and all(quoted(seg) for seg in path[1:]))


def used(path):
    if path[0] != "guide":
        return used_in_python(path)
    if len(path) > 2 and path[1] in PAGE_VARS:
        page, part, rest = path[1], path[2], path[3:]
        if part == "script":
            return used_in_script(page, rest) or re.search(rf"\bJ\.{rest[0]}\b", PAGE_TEMPLATES[page]) is not None
        return re.search(rf"\bP\.{re.escape(rest[0])}\b", PAGE_TEMPLATES[page]) is not None
    key = path[1]
    if (re.search(rf"\bui\.{re.escape(key)}\b", TEMPLATES) is not None
            or re.search(rf"""\[["']{re.escape(key)}["']\]""", HOOKS) is not None):
        return True
    # A key built in a template, ui["changes_" ~ section.key]: the rest is a literal of the build code.
    return any(key.startswith(prefix) and quoted(key[len(prefix):], HOOKS)
               for prefix in re.findall(r"""\bui\[["'](\w+)["']\s*~""", TEMPLATES))


LEAVES = {lang: dict(leaves(tree)) for lang, tree in TREES.items()}


def dotted(paths):
    """The keys as a sorted, comma-separated list of dotted paths (what a failure message names)."""
    return ", ".join(sorted(".".join(path) for path in paths))


def paired(path):
    """The key's texts in both languages, item by item: [(zh, en)] (one pair for a text, one per item of a list)."""
    zh, en = LEAVES["zh"][path], LEAVES["en"][path]
    return list(zip(zh, en)) if isinstance(zh, list) and isinstance(en, list) else [(zh, en)]


def in_both():
    return [path for path in LEAVES["zh"] if path in LEAVES["en"]]


def alike():
    """Keys in both languages as the same kind (a text, or a list of texts): the ones whose texts can be paired."""
    return [path for path in in_both() if type(LEAVES["zh"][path]) is type(LEAVES["en"][path])]


# One test per rule over every key of checker/i18n/*.json; a failure names every key that breaks the rule.

def test_every_key_is_in_both_languages():
    zh, en = set(LEAVES["zh"]), set(LEAVES["en"])
    assert not zh - en and not en - zh, f"keys missing in en: {dotted(zh - en) or '-'}; keys missing in zh: " \
                                        f"{dotted(en - zh) or '-'}"


def test_every_key_is_a_text_or_a_list_of_texts_in_both_languages_alike():
    bad = [path for path in in_both() if type(LEAVES["zh"][path]) is not type(LEAVES["en"][path])]
    assert not bad, f"keys that are a text in one language and a list in the other: {dotted(bad)}"


def test_both_languages_have_the_same_placeholders():
    bad = [path for path in alike()
           if any(sorted(PLACEHOLDER.findall(a)) != sorted(PLACEHOLDER.findall(b)) for a, b in paired(path))]
    assert not bad, f"keys whose {{placeholders}} differ between zh and en: {dotted(bad)}"


def test_no_english_text_is_empty():
    bad = [path for path in alike() if any(b == "" for _a, b in paired(path))]
    assert not bad, f"keys with an empty English text: {dotted(bad)}"


def test_every_key_is_used():
    unused = [path for path in LEAVES["zh"] if not used(path)]
    assert not unused, f"keys not used anywhere (remove them from checker/i18n/*.json): {dotted(unused)}"


def test_the_unused_key_check_can_fail():
    assert not used(("batch", "col", "no_such_column"))
    assert not used(("guide", "no_such_heading"))
    assert not used(("guide", "changes_no_such_section"))
    assert not used(("guide", "checker_page", "script", "no_such_message"))


def test_no_language_ternaries_or_string_tables_outside_the_files():
    ternaries, tables = [], []
    for path in sorted((REPO / "checker").glob("*.py")):
        text = path.read_text("utf-8")
        if 'lang == "zh"' in text or "lang == 'zh'" in text:
            ternaries.append(path.name)
        if re.search(r'\{"zh":\s*"', text):
            tables.append(path.name)
    for path in sorted((REPO / "build_scripts" / "templates").rglob("*.j2")):
        if re.search(r'\{"zh":\s*"', path.read_text("utf-8")):
            tables.append(path.name)
    assert not ternaries and not tables, (f"language ternaries (lang == \"zh\") outside checker/i18n: "
                                          f"{', '.join(ternaries) or '-'}; {{zh, en}} strings outside checker/i18n: "
                                          f"{', '.join(tables) or '-'}")


# What a call's quota exemption is (and whether a call has one) is the call's data: the interface never names one.
# 2022's is the DCMM exemption; its name, words and levels come from policy_data/calls/2022/eligibility.yaml.
CALL_SPECIFIC = re.compile("dcmm", re.I)


def test_no_interface_string_or_template_names_a_calls_exemption():
    strings = [path for lang in LEAVES for path, value in LEAVES[lang].items()
               if any(CALL_SPECIFIC.search(text) for text in (value if isinstance(value, list) else [value]))
               or any(CALL_SPECIFIC.search(key) for key in path)]
    templates = [path.relative_to(REPO).as_posix() for path in sorted((REPO / "build_scripts" / "templates").rglob("*"))
                 if path.is_file() and CALL_SPECIFIC.search(path.read_text("utf-8"))]
    # The code that words a page or a message (checker, the build's hooks and guide modules, the pages' scripts).
    code = [path.relative_to(REPO).as_posix()
            for pattern in ("checker/*.py", "build_scripts/hooks/*.py", "build_scripts/guide/*.py",
                            "docs/assets/**/*.js", "docs/assets/**/*.mjs")
            for path in sorted(REPO.glob(pattern)) if CALL_SPECIFIC.search(path.read_text("utf-8"))]
    assert not strings and not templates and not code, (
        f"names DCMM (say it through the call's data: eligibility.yaml recommendation.quota_exemption.name): "
        f"strings {dotted(strings) or '-'}; templates {', '.join(templates) or '-'}; code {', '.join(code) or '-'}")


def test_the_exemption_check_can_fail():
    assert CALL_SPECIFIC.search("DCMM 豁免") and CALL_SPECIFIC.search("units_dcmm")
