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


def test_both_languages_have_the_same_keys_and_placeholders():
    zh, en = dict(leaves(TREES["zh"])), dict(leaves(TREES["en"]))
    assert sorted(set(zh) ^ set(en)) == [], "keys in one language only"
    for path, text in zh.items():
        other = en[path]
        assert type(text) is type(other), path
        for a, b in zip(text, other) if isinstance(text, list) else [(text, other)]:
            assert sorted(PLACEHOLDER.findall(a)) == sorted(PLACEHOLDER.findall(b)), path
            assert b != "", f"{'.'.join(path)}: empty English text"


@pytest.mark.parametrize("path", [p for p, _ in leaves(TREES["zh"])], ids=lambda p: ".".join(p))
def test_every_key_is_used(path):
    assert used(path), f"{'.'.join(path)} is not used anywhere: remove it from checker/i18n/*.json"


def test_the_unused_key_check_can_fail():
    assert not used(("batch", "col", "no_such_column"))
    assert not used(("guide", "no_such_heading"))
    assert not used(("guide", "changes_no_such_section"))
    assert not used(("guide", "checker_page", "script", "no_such_message"))


def test_no_language_ternaries_or_string_tables_outside_the_files():
    for path in sorted((REPO / "checker").glob("*.py")):
        text = path.read_text("utf-8")
        assert 'lang == "zh"' not in text and "lang == 'zh'" not in text, path.name
        assert not re.search(r'\{"zh":\s*"', text), f"{path.name}: a {{zh, en}} string outside checker/i18n"
    for path in sorted((REPO / "build_scripts" / "templates").rglob("*.j2")):
        assert not re.search(r'\{"zh":\s*"', path.read_text("utf-8")), f"{path.name}: a {{zh, en}} string"
