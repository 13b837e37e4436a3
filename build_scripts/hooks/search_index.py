"""MkDocs hook: one search index per language, and Material's own index file reduced to its configuration.

Material's bundle fetches ``search/search_index.json`` on every page as soon as it loads, and the i18n plugin puts
every language's pages into that one file (487 KB): each visitor of each page paid for both languages, and a
Chinese query listed English pages. After the build this hook writes

* ``search/search_index.<locale>.json`` -- ``{config, docs}`` with the pages of that language only (the default
  language's pages are at the site root, another language's under its i18n ``link``, e.g. ``en/``), each entry
  with the words it is also found by in a field of its own (build_scripts/guide/search_words.py: the sub-words of
  long Chinese words, identifiers inside longer tokens, phone numbers, the glossary's aliases);
* ``search/search_index.json`` -- ``{config, docs: []}``: what Material fetches on every page is now a few hundred
  bytes (its search highlighting needs only the configuration).

docs/assets/search/material-worker.js hands the page language's file (named in
build_scripts/overrides/main.html) to Material's search worker when the visitor first reaches for search.

It runs after the i18n plugin's post-build (-100), which builds the other languages and then writes the merged
index; the nested builds it starts run this hook too, and are skipped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # build_scripts/, for the guide package
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for checker
from guide import bundles, paths, search_words  # noqa: E402

log = get_plugin_logger("search_index")


def index_name(locale: str) -> str:
    """File name of a language's index inside search/ (build_scripts/overrides/main.html builds the same name)."""
    return f"search_index.{locale}.json"


def split_by_language(index: dict, prefixes: dict[str, str], default: str) -> dict[str, dict]:
    """{locale: index of that language's docs}; `prefixes` maps each other locale to its location prefix."""
    out = {locale: {"config": index["config"], "docs": []} for locale in [default, *prefixes]}
    for doc in index["docs"]:
        locale = next((loc for loc, prefix in prefixes.items() if doc["location"].startswith(prefix)), default)
        out[locale]["docs"].append(doc)
    return out


@event_priority(-150)
def on_post_build(config) -> None:
    i18n = config.plugins.get("i18n")
    if i18n is None or i18n.building:
        return
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        raise PluginError(f"search_index: {path} is missing (is Material's search plugin enabled?)")
    index = json.loads(path.read_text("utf-8"))
    languages = [lang for lang in i18n.config.languages if lang.build]
    default = next(lang.locale for lang in languages if lang.default)
    prefixes = {lang.locale: lang.link.strip("/") + "/" for lang in languages if not lang.default}
    glossaries = [artefact["data"].get("glossary") for artefact in
                  bundles.ensure_all(paths.policy_data_dir(), log=log.info).values()]
    aliases = search_words.aliases_by_language(glossaries, [default, *prefixes])
    config = index["config"]
    for locale, part in split_by_language(index, prefixes, default).items():
        if not part["docs"]:
            raise PluginError(f"search_index: no page of language {locale!r} in {path}")
        part = search_words.add_words(part, aliases[locale])
        config = part["config"]
        (path.parent / index_name(locale)).write_text(
            json.dumps(part, ensure_ascii=False, separators=(",", ":")), "utf-8")
    path.write_text(json.dumps({"config": config, "docs": []}, separators=(",", ":")), "utf-8")
