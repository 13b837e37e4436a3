"""MkDocs hook: the guide's pages for every call under policy_data/calls/, generated before each build.

This file only wires MkDocs events to the modules of build_scripts/guide/ (one job each; see its __init__):

* ``on_config``: read every call's compiled artefact (guide.bundles: compiled once per build, reused when its
  inputs did not change), arrange the calls (guide.calls: the newest at today's URLs), build the nav
  (guide.navigation) and hand the i18n plugin its site names and nav translations (guide.i18n_setup);
* ``on_pre_build``: render every page of every call and the site pages in every language into docs/
  (guide.pages; the i18n plugin runs it once per language, so it is skipped when nothing changed);
* ``on_page_context``: each page sees the nav of its own call;
* ``on_post_page`` / ``on_post_template``: the call switcher in the header, HTML fixes (guide.html_fixes), and
  the default language's 404.html at the site root;
* ``on_post_build``: the newest call's stable URLs (guide.redirects), unused search-language files removed.

MkDocs' ``File.generated()`` and mkdocs-gen-files are not used: both break mkdocs-static-i18n.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # build_scripts/, for the guide package
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for checker
from guide import (bundles, call_status, calls as calls_mod, descriptions, html_fixes, i18n_setup,  # noqa: E402
                   navigation, not_found, pages, paths, redirects, strings)
from guide.render import pick  # noqa: E402
from checker.limits import MAX_SEARCH_QUERY_CHARS  # noqa: E402

log = get_plugin_logger("generate_pages")


class _Build:
    """What one MkDocs command knows between events (mkdocs serve makes a new one when an input changes)."""

    def __init__(self, config: MkDocsConfig):
        self.policy_dir = paths.policy_data_dir()
        try:
            artefacts = bundles.ensure_all(self.policy_dir, log=log.info)
        except bundles.BundleError as exc:
            raise PluginError(str(exc)) from None
        if not artefacts:
            raise PluginError(f"no call folder (with a call.yaml) in {self.policy_dir / 'calls'}")
        self.ui = strings.load()
        self.calls = calls_mod.arrange(artefacts)
        self.langs, self.default = i18n_setup.languages(config)
        self.jobs = pages.plan(self.calls)
        # Pages a call may have (changes.md only when it has a previous call): mkdocs.yml's call entries.
        self.template_pages = {job.page for job in self.jobs if job.call} | {pages.CHANGES_PAGE}
        self.generated_key: tuple | None = None
        self.default_404: str | None = None
        self.other_404: dict[str, str] = {}

    @property
    def newest(self) -> calls_mod.Call:
        return self.calls[-1]

    def generate(self, docs_dir: Path) -> list[Path]:
        key = (str(docs_dir), pages_fingerprint(docs_dir, self))
        if key == self.generated_key:
            return []
        contexts = pages.contexts(self.calls, self.ui, self.langs, self.default, self.policy_dir)
        try:
            written, _wanted = pages.generate(self.jobs, contexts, self.langs, docs_dir, log=log.info)
        except pages.PageError as exc:
            raise PluginError(str(exc)) from exc
        self.generated_key = (str(docs_dir), pages_fingerprint(docs_dir, self))
        return written


def pages_fingerprint(docs_dir: Path, build: _Build) -> tuple:
    """Templates and generated pages as (name, size, mtime): unchanged means nothing to render again."""
    files = sorted(p for p in paths.TEMPLATES_DIR.rglob("*") if p.is_file())
    files += sorted(p for p in docs_dir.rglob("*.md"))
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


_build: _Build | None = None
_inputs_key: Any = None


def current() -> _Build:
    if _build is None:
        raise PluginError("generate_pages: on_config has not run")
    return _build


@event_priority(100)  # before the i18n plugin (-100) reads its language settings
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build, _inputs_key
    key = (str(paths.policy_data_dir()), tuple(bundles.call_ids()),
           tuple(bundles.inputs_key(paths.calls_dir() / c, paths.policy_data_dir()) for c in bundles.call_ids()),
           strings.inputs_key(), tuple(sorted(str(p) for p in paths.TEMPLATES_DIR.rglob("*.j2"))))
    if _build is None or key != _inputs_key:  # once per command; again when mkdocs serve sees a change
        _build, _inputs_key = _Build(config), key
    build = current()
    if config.nav:
        config.nav = navigation.build(config.nav, build.calls, build.template_pages, build.ui, build.default)
    i18n_setup.configure(config, build.newest.year, build.ui,
                         lambda lang: navigation.translations(build.calls, build.ui, build.default, lang))
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    written = current().generate(Path(config.docs_dir))
    if written:
        log.info(f"generated {len(written)} page(s) from policy data and templates")


def on_page_context(context: dict, page: Any, config: MkDocsConfig, nav: Any) -> dict:
    build = current()
    if context.get("nav") is not None:
        context["nav"] = navigation.for_page(context["nav"], page, build.calls)
    # Where the page's call stands (site pages: the newest call's), in the announce block (overrides/main.html).
    lang = i18n_setup.current_language(config)
    src = navigation.source_of(page.file.src_uri)
    mine = calls_mod.call_of_source(build.calls, src) or build.newest
    if not page.meta.get("description"):
        page.meta["description"] = descriptions.for_page(mine, build.ui, lang, src, page.title or "")
    context["call_status"] = call_status.banner(mine, build.ui, lang,
                                                call_status.page_href(page.url, _lang_prefix(lang)))
    context["search_query"] = search_query(build.ui, lang)
    return context


def search_query(ui: dict, lang: str) -> dict:
    """What the search scripts (overrides/main.html) need to know of the query: its bound and the note shown when a
    query was cut to it."""
    return {"limit": MAX_SEARCH_QUERY_CHARS,
            "cut_note": pick(ui["search_query_cut"], lang).format(limit=MAX_SEARCH_QUERY_CHARS)}


def on_template_context(context: dict, template_name: str, config: MkDocsConfig) -> dict:
    # The i18n plugin points the language switcher at the twin of the page rendered last; 404.html is rendered
    # after all pages, so give it back the plain links to each language's home page.
    if template_name == "404.html":
        i18n = config.plugins.get("i18n")
        if i18n is not None and i18n.extra_alternate:
            config.extra["alternate"] = copy.deepcopy(i18n.extra_alternate)
        build, lang = current(), i18n_setup.current_language(config)
        site_path = urlsplit(config.site_url or "/").path
        context["call_status"] = call_status.banner(build.newest, build.ui, lang,
                                                    call_status.absolute_href(site_path, _lang_prefix(lang)))
        context["search_query"] = search_query(build.ui, lang)
        config.site_description = pick(build.ui["not_found_title"], lang)  # the 404 page's meta description
        context["not_found"] = not_found.content(
            build.newest, build.ui, build.langs, lang,
            lambda source, other: call_status.absolute_href(site_path, _lang_prefix(other))(source))
    return context


def _lang_prefix(lang: str) -> str:
    return "" if lang == current().default else f"{lang}/"


def _fix(output: str, config: MkDocsConfig) -> str:
    lang = i18n_setup.current_language(config)
    output = html_fixes.label_search_dialog(output, pick(current().ui["search_dialog"], lang))
    return html_fixes.drop_head_alternates(output)


def on_post_page(output: str, page: Any, config: MkDocsConfig) -> str:
    build = current()
    lang = i18n_setup.current_language(config)
    src = navigation.source_of(page.file.src_uri)
    switcher = navigation.switcher_html(page.url, src, _lang_prefix(lang), build.calls, build.ui, lang)
    output = navigation.insert_switcher(_fix(output, config), switcher)
    mine = calls_mod.call_of_source(build.calls, src)
    if mine is not None and not mine.newest:  # the site name (header, title) is the newest call's: say this one's
        site_name = pick(build.ui["site_name"], lang)
        output = output.replace(site_name.format(year=build.newest.year), site_name.format(year=mine.year))
    return output


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    # Every language build writes the site's root 404.html and the last one (English) would win: keep the
    # default language's page there; the others go to <lang>/404.html after the build (for servers that can
    # answer a folder's 404 with its own page; the root one has every language too: guide/not_found.py).
    if template_name != "404.html":
        return output
    output = _fix(output, config)
    build = current()
    lang = i18n_setup.current_language(config)
    if lang == build.default:
        build.default_404 = output
        return output
    build.other_404[lang] = output
    return build.default_404 or output


@event_priority(-200)  # after the i18n plugin's post_build, which runs the other languages' builds
def on_post_build(config: MkDocsConfig) -> None:
    build = current()
    titles = {lang: pick(build.ui["site_name"], lang).format(year=build.newest.year) for lang in build.langs}
    redirects.write(Path(config.site_dir), build.newest, {lang: _lang_prefix(lang) for lang in build.langs}, titles)
    for lang, page in build.other_404.items():
        (Path(config.site_dir) / _lang_prefix(lang) / "404.html").write_text(page, "utf-8")
    html_fixes.prune_search_languages(config)
