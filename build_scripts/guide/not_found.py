"""The 404 page's content, in every language on one page: static hosts (GitHub Pages) serve the one root
404.html for every missing address, whatever its language, so the page's own language comes first (its <h1>)
and each other language follows in a section marked with its lang. The links are root-absolute (from site_url's
path): a 404 page is served at any address."""

from __future__ import annotations

import html

from .calls import Call
from .render import pick

# The pages a lost visitor most likely wanted, as (string key, call page or None for a site page, anchor).
TARGETS = (("nav_home", "index.md", ""), ("home_action_find", "directions/index.md", "#finder"),
           ("home_action_check", "checker.md", ""), ("contacts_title", "contacts.md", ""),
           ("calls_title", None, ""))


def content(newest: Call, ui: dict, langs: list[str], first: str, href) -> str:
    """`href(source, lang)`: the root-absolute URL of a page source in `lang`."""
    parts = []
    for index, lang in enumerate([first] + [lang for lang in langs if lang != first]):
        u = {key: pick(value, lang) for key, value in ui.items()}
        level = "h1" if index == 0 else "h2"
        links = "".join(
            f'<li><a href="{html.escape(href(newest.source(page) if page else "calls.md", lang) + anchor)}">'
            f'{html.escape(u[key])}</a></li>' for key, page, anchor in TARGETS)
        parts.append(f'<section class="not-found" lang="{html.escape(lang)}">'
                     f'<{level}>{html.escape(u["not_found_title"])}</{level}>'
                     f'<p>{html.escape(u["not_found_text"])}</p><ul>{links}</ul></section>')
    return "".join(parts)
