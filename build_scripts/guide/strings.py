"""The guide's interface strings: the "guide" tree of checker/i18n/<lang>.json, read through checker.strings (the
one loader of every interface string), as {key: {zh, en}} pairs.

Facts of a call (numbers, dates, quotas, names) never live here: they come from policy_data/.
"""

from __future__ import annotations

from typing import Any

from checker import strings as checker_strings

from . import paths

I18N_DIR = paths.REPO_ROOT / "checker" / "i18n"


def load() -> dict[str, Any]:
    """{key: {zh, en}} of the guide tree, read from the files now (mkdocs serve reloads after an edit)."""
    checker_strings._TREES.clear()
    return checker_strings.pairs("guide")


def inputs_key() -> tuple:
    """Changes when a string file changes."""
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(I18N_DIR.glob("*.json")))


def in_language(ui: dict[str, Any], lang: str) -> dict[str, Any]:
    """{key: text in `lang`}."""
    from .render import pick

    return {key: pick(value, lang) for key, value in ui.items()}
