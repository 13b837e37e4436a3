"""Interface wording in both languages, read from checker/i18n/<lang>.json: the one home of every {zh, en} string
of the checker, its reports, the batch screen, the worker's pages and the guide (no policy facts live there).

Keys are dotted paths into the files' trees ("verdict.eligible", "guide.checker_page.script.undo"). The build
reads the `guide` tree through `pairs("guide")`; the checker itself only calls `s()`.
"""

import json
from pathlib import Path

LANGS = ("zh", "en")
I18N_DIR = Path(__file__).resolve().parent / "i18n"
_TREES = {}


def tree(lang):
    """The whole string tree of `lang` (read once)."""
    if lang not in _TREES:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}: use zh or en")
        _TREES[lang] = json.loads((I18N_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    return _TREES[lang]


_FOUND = {}  # (key, lang) -> what lookup() found: a batch asks for the same few labels thousands of times


def lookup(key, lang):
    """The string (or subtree) at dotted `key` in `lang`; KeyError names the key."""
    found = _FOUND.get((key, lang))
    if found is not None:
        return found
    node = tree(lang)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no interface string {key!r} in {lang}")
        node = node[part]
    _FOUND[(key, lang)] = node
    return node


def s(key: str, lang: str, **values) -> str:
    """Return the interface string `key` in `lang`, with {placeholders} filled."""
    text = lookup(key, lang)
    return text.format(**values) if values else text


def pairs(key):
    """{child: {zh: ..., en: ...}} for each child of `key`: the shape the guide's templates take."""
    return {child: {lang: lookup(key, lang)[child] for lang in LANGS} for child in lookup(key, LANGS[0])}
