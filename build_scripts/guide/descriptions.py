"""Each page's meta description (search results, link previews), from the data: a direction page says whom the
direction is for (directions.yaml targets); the home page what the site is; any other page its title and the
call's purpose (call.yaml); a page's own front matter `description` wins."""

from __future__ import annotations

import html

from .calls import Call
from .render import pick


def for_page(call: Call, ui: dict, lang: str, src: str, title: str) -> str:
    """The description, escaped for the attribute Material writes it into (its templates do not escape)."""
    return html.escape(_text(call, ui, lang, src, title), quote=True)


def _text(call: Call, ui: dict, lang: str, src: str, title: str) -> str:
    data = call.data
    page = src[len(call.prefix):] if src.startswith(call.prefix) else src
    for d in data["directions"].get("directions", []):
        if page == f"directions/{d['slug']}.md":
            return f'{pick(d["title"], lang)}{pick(ui["colon"], lang)}{pick(d["targets"]["text"], lang)}'
    purpose = pick(data["call"]["purpose"]["text"], lang)
    if page == "index.md":
        return pick(ui["home_intro"], lang).format(document=data["call"]["document_number"]["text"]["zh"])
    return f'{title}{pick(ui["colon"], lang)}{purpose}'
