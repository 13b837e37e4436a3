"""Fixes to the HTML that MkDocs, Material and the i18n plugin produce (accessibility, dead requests, dead files)."""

from __future__ import annotations

import html
import re
from pathlib import Path

_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_HEAD_ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">\s*')


def label_search_dialog(output: str, label: str) -> str:
    """Material's search dialog has no accessible name (axe: aria-dialog-name); give it one."""
    return output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + f' aria-label="{html.escape(label)}">', 1)


def drop_head_alternates(output: str) -> str:
    """Material fetches sitemap.xml beside every <link rel=alternate> in the head; with the i18n plugin's per-page
    links that is a 404 on every page. The language switcher does not need them, so they go."""
    return _HEAD_ALTERNATE.sub("", output)


def prune_search_languages(config) -> None:
    """Delete the lunr language files the search worker never loads (it loads those of `search.lang` only).

    Material copies support for ~30 languages; the unused files are dead weight and full of third-party URLs.
    The kept set mirrors the worker's setupSearchLanguages().
    """
    search = config.plugins.get("material/search") or config.plugins.get("search")
    lunr_dir = Path(config.site_dir) / "assets" / "javascripts" / "lunr"
    if search is None or not lunr_dir.is_dir():
        return
    langs = list(search.config.lang or ["en"])
    keep = {"lunr.stemmer.support.min.js"} | {f"lunr.{lang}.min.js" for lang in langs if lang != "en"}
    if len(langs) > 1:
        keep.add("lunr.multi.min.js")
    if "ja" in langs:
        keep.add("tinyseg.js")
    if {"hi", "th"} & set(langs):
        keep.add("wordcut.js")
    for path in list(lunr_dir.glob("*.js")) + list((lunr_dir / "min").glob("*.js")):
        if path.name not in keep:
            path.unlink()
