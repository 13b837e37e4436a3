"""Settings handed to the i18n plugin (mkdocs-static-i18n): its languages, per-language site names, nav titles."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from .render import pick


def languages(config: MkDocsConfig) -> tuple[list[str], str]:
    """(all locales to build, default locale) from the i18n plugin's configuration."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        raise PluginError("generate_pages needs the i18n plugin (mkdocs-static-i18n)")
    langs = [lang.locale for lang in i18n.config.languages if lang.build]
    default = next(lang.locale for lang in i18n.config.languages if lang.default)
    return langs, default


def configure(config: MkDocsConfig, year, ui: dict, nav_translations) -> None:
    """Site name per language (from the newest call's year) and `nav_translations(lang)` for each other language."""
    langs, default = languages(config)
    for lang_cfg in config.plugins["i18n"].config.languages:
        lang = lang_cfg.locale
        if lang not in langs:
            continue
        lang_cfg.site_name = pick(ui["site_name"], lang).format(year=year)
        if lang != default:
            translations = dict(lang_cfg.nav_translations or {})
            translations.update(nav_translations(lang))
            lang_cfg.nav_translations = translations


def current_language(config: MkDocsConfig) -> str:
    i18n = config.plugins.get("i18n")
    return i18n.current_language if i18n is not None else languages(config)[1]
