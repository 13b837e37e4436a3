"""The words a search index entry is also found by, beside the whole words Material's build put in its text.

Material's search plugin cuts Chinese text into jieba's whole words (``jieba.cut``) and lunr matches a query word
against the start of an index word only. So a word inside a longer word (兵团 in 新疆生产建设兵团), an identifier
inside a longer token (bdcases in https://www.bdcases.org.cn, 71 in 〔2022〕71, 88687028 in 010—88687028) and a
name the text never uses (央企, people's short name for 中央企业集团) found nothing. Each entry of the index gets two
fields of its own (build_scripts/hooks/search_index.py adds them; the search worker indexes them but never shows
them): ``title_words`` for its title, weighing as much as the title, and ``words`` for its text, weighing as much as
the text, each holding what is not already a token of that title or text:

* jieba's search-mode words (``jieba.cut_for_search``) inside each longer Chinese word: 新疆, 生产, 建设, 兵团 (in a
  title, not the words a longer word starts with: the search finds 新疆 at the start of 新疆生产建设兵团 anyway);
* the ASCII words and digit runs inside a token that does not start with them (a token's first run is found as it
  is): www, bdcases, org, cn; 2022, 71; and every phone number in the text without its area code, and with the area
  code but no dash (the notice writes 010—88687028, with an em dash): 88687028, 01088687028, 010;
* the glossary's aliases (policy_data/calls/<call>/glossary.yaml, ``aliases``: the site's names, not the notice's)
  of each term the entry's text uses.

Plain functions, so tests/test_site_search.py checks them without a build.
"""

from __future__ import annotations

import html
import re
from typing import Iterable

from backrefs import bre

FIELD = "words"  # the words the text is also found by: they weigh as much as the text
TITLE_FIELD = "title_words"  # the words the title is also found by: they weigh as much as the title

HAN = bre.compile(r"\p{script: Han}+")
TAG = re.compile(r"<[^>]+>")
ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
MIN_ASCII = 2  # shorter runs (the "g" of "e.g.") find nothing useful
DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D~\uFF5E"
# An area code (0 and 2-3 digits), any dash, a number of 7-8 digits: 010—88687028, 010-88687028, 0571－1234567.
PHONE = re.compile(rf"(?<![0-9])(0[0-9]{{2,3}})[ \t]*[{DASHES}][ \t]*([0-9]{{7,8}})(?![0-9])")
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff]")

Aliases = list[tuple[str, list[str]]]


def aliases_by_language(glossaries: Iterable[dict], langs: Iterable[str]) -> dict[str, Aliases]:
    """{lang: [(the term in that language, its aliases in that language), ...]} from glossary.yaml data."""
    out: dict[str, Aliases] = {lang: [] for lang in langs}
    for glossary in glossaries:
        for term in (glossary or {}).get("terms", []):
            for lang, names in (term.get("aliases") or {}).items():
                if lang in out and names:
                    out[lang].append((term["term"][lang], list(names)))
    return out


def plain(text: str) -> str:
    """An index field as the visitor reads it: no markup, no zero-width separators, entities decoded."""
    return ZERO_WIDTH.sub("", html.unescape(TAG.sub(" ", text)))


def tokens(text: str, separator: re.Pattern) -> list[str]:
    """The field's tokens as the search worker cuts them (markup left out)."""
    return [t for t in separator.split(html.unescape(TAG.sub(" ", text))) if t]


def extra_words(field: str, separator: re.Pattern, aliases: Aliases = (), starts: bool = True) -> list[str]:
    """The words a field's text is also found by, in a stable order, none of them already one of its tokens.

    With ``starts=False`` a Chinese word that only starts a longer one (工业 in 工业化) is left out: the search
    finds a word's start as it is, so for a title, which weighs a thousand times the text, it would count twice."""
    found = tokens(field, separator)
    known = {t.lower() for t in found}
    out: dict[str, None] = {}

    def add(word: str) -> None:
        if word and word.lower() not in known:
            out.setdefault(word, None)

    for token in found:
        if len(token) > 2 and HAN.fullmatch(token):
            import jieba  # Material's search plugin loads it for the whole build

            for word in jieba.cut_for_search(token):
                if word != token and HAN.fullmatch(word) and (starts or not token.startswith(word)):
                    add(word)
        for match in ASCII_WORD.finditer(token):
            if match.start() > 0 and len(match.group()) >= MIN_ASCII:
                add(match.group())
    readable = plain(field)
    for area, number in PHONE.findall(readable):
        add(number)
        add(area + number)
        add(area)
    lowered = readable.lower()
    for term, names in aliases:
        if term.lower() in lowered:
            for name in names:
                add(name)
    return list(out)


def add_words(index: dict, aliases: Aliases = ()) -> dict:
    """The index with the two fields of words configured and filled in (an entry with nothing to add gets none):
    ``title_words`` weighs as much as the title, ``words`` as much as the text."""
    separator = re.compile(index["config"]["separator"])
    docs = []
    for doc in index["docs"]:
        doc = dict(doc)
        for source, target in (("title", TITLE_FIELD), ("text", FIELD)):
            words = extra_words(doc.get(source) or "", separator, aliases, starts=source == "text")
            if words:
                doc[target] = " ".join(words)
        docs.append(doc)
    fields = index["config"]["fields"]
    fields = {**fields, TITLE_FIELD: {"boost": fields.get("title", {}).get("boost", 1.0)},
              FIELD: {"boost": fields.get("text", {}).get("boost", 1.0)}}
    return {**index, "config": {**index["config"], "fields": fields}, "docs": docs}
