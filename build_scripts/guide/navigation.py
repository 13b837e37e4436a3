"""The navigation of a site with several calls, and the call switcher in the header.

mkdocs.yml's ``nav`` is written for one call: its entries that name a page template (and ``directions/index.md``,
which becomes the directions section: the overview, then one sub-section per area) are *call pages*; the others
(``calls.md``, ``hosting.md``) are site pages. ``build`` turns it into the site's nav: the newest call's pages
where mkdocs.yml puts them, the site pages, then one section per older call with the same entries under its
prefix. ``for_page`` then shows each page the part of the nav of its own call only (plus the site pages), and
links its previous/next footer within that part.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

from .calls import Call, call_of_source, relative_url, url_of_source
from .render import pick

DIRECTIONS_ENTRY = "directions/index.md"


def _is_directions_entry(item: Any) -> bool:
    if item == DIRECTIONS_ENTRY:
        return True
    if isinstance(item, dict) and len(item) == 1:
        children = next(iter(item.values()))
        return isinstance(children, list) and children[:1] == [DIRECTIONS_ENTRY]
    return False


def _page_of(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and len(item) == 1 and isinstance(next(iter(item.values())), str):
        return next(iter(item.values()))
    return None


def is_call_entry(item: Any, template_pages: set[str]) -> bool:
    return _is_directions_entry(item) or _page_of(item) in template_pages


def directions_section(call: Call, ui: dict, default: str) -> dict:
    dirs = call.data["directions"]
    children: list[Any] = [call.source(DIRECTIONS_ENTRY)]
    for area in sorted(dirs.get("areas", []), key=lambda a: a.get("number", 0)):
        pages = [call.source(f"directions/{d['slug']}.md")
                 for d in sorted(dirs.get("directions", []), key=lambda d: d.get("number", 0))
                 if d["area"] == area["id"]]
        children.append({pick(area["title"], default): pages})
    return {pick(ui["nav_directions"], default): children}


def call_entries(entries: list, call: Call, ui: dict, default: str) -> list:
    out = []
    for item in entries:
        if _is_directions_entry(item):
            out.append(directions_section(call, ui, default))
            continue
        page = _page_of(item)
        if page not in call.pages:
            continue  # e.g. changes.md of the oldest call
        out.append(call.source(page) if isinstance(item, str) else {next(iter(item)): call.source(page)})
    return out


def call_title(call: Call, ui: dict, lang: str) -> str:
    return pick(ui["call_nav"], lang).format(year=call.year, id=call.id)


def build(config_nav: list, calls: list[Call], template_pages: set[str], ui: dict, default: str) -> list:
    """The site's nav (MkDocs' config form) from mkdocs.yml's one-call nav."""
    newest = calls[-1]
    call_items = [item for item in config_nav if is_call_entry(item, template_pages)]
    out: list[Any] = []
    emitted = False
    for item in config_nav:
        if is_call_entry(item, template_pages):
            if not emitted:
                out += call_entries(call_items, newest, ui, default)
                emitted = True
        else:
            out.append(item)
    for call in reversed(calls[:-1]):
        out.append({call_title(call, ui, default): call_entries(call_items, call, ui, default)})
    return out


def translations(calls: list[Call], ui: dict, default: str, lang: str) -> dict[str, str]:
    """Nav titles in the default language -> in `lang` (for the i18n plugin's nav_translations)."""
    out = {pick(ui["nav_directions"], default): pick(ui["nav_directions"], lang)}
    for call in calls:
        out[call_title(call, ui, default)] = call_title(call, ui, lang)
        for area in call.data["directions"].get("areas", []):
            out[pick(area["title"], default)] = pick(area["title"], lang)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Per page
# ---------------------------------------------------------------------------------------------------------------

def _pages_below(item: Any) -> list:
    if getattr(item, "is_page", False):
        return [item]
    out = []
    for child in getattr(item, "children", None) or []:
        out += _pages_below(child)
    return out


_LANG_SUFFIX = re.compile(r"\.[a-z]{2}(?:_[A-Za-z]{2,4})?\.md$")


def source_of(src_uri: str) -> str:
    """A page file's source without the i18n plugin's language suffix: 'checker.en.md' -> 'checker.md'."""
    return _LANG_SUFFIX.sub(".md", src_uri)


def _src(page: Any) -> str:
    return source_of(page.file.src_uri)


def _section_call(item: Any, calls: list[Call]) -> Call | None:
    """The older call whose section this nav item is, if it is one."""
    if getattr(item, "is_page", False):
        return None
    pages = _pages_below(item)
    for call in calls[:-1]:
        if pages and all(_src(p).startswith(f"{call.id}/") for p in pages):
            return call
    return None


def for_page(nav: Any, page: Any, calls: list[Call]) -> Any:
    """A copy of `nav` showing the page's call (or, for a site page, the newest call) and the site pages; the
    page's previous/next links are set within it."""
    mine = call_of_source(calls, _src(page))
    own, site = [], []  # an older call's pages first, then the site pages
    for item in nav.items:
        owner = _section_call(item, calls)
        if owner is None:
            if mine is None or mine.newest or not _belongs_to_newest(item, calls):
                site.append(item)
        elif mine is not None and owner.id == mine.id:
            own.extend(item.children)
    shown = own + site
    filtered = copy.copy(nav)
    filtered.items = shown
    order = [p for item in shown for p in _pages_below(item)]
    if page in order:
        index = order.index(page)
        page.previous_page = order[index - 1] if index > 0 else None
        page.next_page = order[index + 1] if index + 1 < len(order) else None
    return filtered


def _belongs_to_newest(item: Any, calls: list[Call]) -> bool:
    pages = _pages_below(item)
    return bool(pages) and all(call_of_source(calls, _src(p)) is calls[-1] for p in pages)


# ---------------------------------------------------------------------------------------------------------------
# The call switcher
# ---------------------------------------------------------------------------------------------------------------

_LANG_OPTION = re.compile(r'<div class="md-header__option">\s*<div class="md-select">')


def switcher_html(page_url: str, src: str, lang_prefix: str, calls: list[Call], ui: dict, lang: str) -> str:
    """Links from this page to the same page of every call (or that call's home page) and to the list of calls;
    the page's own call is marked. A native disclosure (<details>), closed until the visitor opens it by click, tap
    or Enter/Space: Material's hover-opened select would lie over the language switcher beside it."""
    mine = call_of_source(calls, src)
    page = src[len(mine.prefix):] if mine else "index.md"
    items = []
    for call in reversed(calls):
        target = call.source(page if page in call.pages else "index.md")
        href = relative_url(page_url, url_of_source(target, lang_prefix))
        current = ' aria-current="page"' if mine is call else ""
        items.append(f'<li><a href="{href}" class="call-switcher__link"{current} '
                     f'data-call="{html.escape(call.id)}">{html.escape(call_title(call, ui, lang))}</a></li>')
    calls_href = relative_url(page_url, url_of_source("calls.md", lang_prefix))
    items.append(f'<li><a href="{calls_href}" class="call-switcher__link call-switcher__all">'
                 f'{html.escape(pick(ui["calls_all"], lang))}</a></li>')
    shown = call_title(mine, ui, lang) if mine else pick(ui["calls_title"], lang)
    label = html.escape(f'{shown}{pick(ui["colon"], lang)}{pick(ui["calls_switch"], lang)}')  # name holds the text
    return (f'<details class="md-header__option call-switcher" data-call="{html.escape(mine.id if mine else "")}">'
            f'<summary class="call-switcher__button" aria-label="{label}">{html.escape(shown)}</summary>'
            f'<ul class="call-switcher__list">{"".join(items)}</ul></details>')


def insert_switcher(output: str, switcher: str) -> str:
    """Put the call switcher before Material's language switcher in the header."""
    match = _LANG_OPTION.search(output)
    if match is None:
        return output
    return output[: match.start()] + switcher + output[match.start():]
