"""Search on the guide site: one index per language, Chinese segmented (jieba at build time), directions found first.

The indexes are site/search/search_index.<lang>.json of the session's build (see test_site_build.build_site_once;
build_scripts/hooks/search_index.py writes them). The queries run through the site's search worker
(docs/assets/search/search-worker.js: Material's own worker, lunr + lunr-languages, inside it, each query bounded and
cut into the index's words by chinese-words.js) in Node, exactly as a browser would run them; a Python check of the
index's tokens runs even where Node is missing. The queries people type (issues 31 and 32: a word inside a longer
word, identifiers, phone numbers, the glossary's aliases) find a page that has them; results carry no zero-width
character; splitting a query takes time linear in its length, and a long query is cut to its bound.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from checker.limits import MAX_SEARCH_QUERY_CHARS

_spec = importlib.util.spec_from_file_location("_guide_site_build", Path(__file__).with_name("test_site_build.py"))
_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_build)

NODE = shutil.which("node")
REPO = Path(__file__).resolve().parent.parent

# Runs the site's search worker (docs/assets/search/search-worker.js, with Material's worker inside it) in Node, as
# the page starts it: its URL ends in "#" and Material's worker's URL, importScripts() reads the files those URLs
# name, postMessage() collects. The queries go in as the visitor typed them; the worker bounds them and cuts them
# into the index's words itself. Each reply keeps what the page would show (title, text) and the worker's `cut`.
SEARCH_JS = r"""
"use strict";
const fs = require("fs"), path = require("path"), vm = require("vm"), { pathToFileURL, fileURLToPath } = require("url");
const [site, lang, limit, ...queries] = process.argv.slice(2);
const workerDir = path.join(site, "assets", "javascripts", "workers");
const material = path.join(workerDir, fs.readdirSync(workerDir).find(f => /^search\.[0-9a-f]+\.min\.js$/.test(f)));
const own = path.join(site, "assets", "search", "search-worker.js");
let handler = null;
const replies = [];
globalThis.self = globalThis;
globalThis.location = new URL(pathToFileURL(own).href + "#" + encodeURIComponent(pathToFileURL(material).href));
globalThis.addEventListener = (type, fn) => { if (type === "message") handler = fn; };
globalThis.postMessage = message => { replies.push(message); };
globalThis.importScripts = (...urls) => {
  for (const url of urls) {
    const file = fileURLToPath(new URL(url, location.href));
    vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });
  }
};
vm.runInThisContext(fs.readFileSync(own, "utf8"), { filename: own });
const index = JSON.parse(fs.readFileSync(path.join(site, "search", `search_index.${lang}.json`), "utf8"));
(async () => {
  const send = async data => {
    const before = replies.length;
    await handler({ data });
    for (let i = 0; i < 200 && replies.length === before; i++) await new Promise(r => setTimeout(r, 10));
    if (replies.length === before) throw new Error("no reply from the search worker");
    return replies[replies.length - 1];
  };
  const setup = { config: index.config, docs: index.docs, options: { suggest: false }, limit: Number(limit) };
  const ready = await send({ type: 0, data: setup });
  if (ready.type !== 1) throw new Error("search worker not ready: " + JSON.stringify(ready));
  const out = {};
  for (const q of queries) {
    const result = await send({ type: 2, data: q });
    // Results come grouped by page; the first item of a group is the best section of that page.
    out[q] = { cut: result.data.cut || 0, groups: ((result.data && result.data.items) || []).map(group => group.map(
      item => ({ location: item.location, title: item.title, text: item.text, fields: Object.keys(item),
                 missing: Object.keys(item.terms).filter(t => !item.terms[t]) }))) };
  }
  process.stdout.write(JSON.stringify(out));
})().catch(err => { console.error(err && err.stack || String(err)); process.exit(1); });
"""

LANGS = ("zh", "en")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    return _build.build_site_once(tmp_path_factory)[0]


@pytest.fixture(scope="session")
def indexes(site) -> dict[str, dict]:
    """{lang: that language's index}."""
    return {lang: json.loads((site / "search" / f"search_index.{lang}.json").read_text("utf-8")) for lang in LANGS}


@pytest.fixture(scope="session")
def search(site, tmp_path_factory, skip_or_fail):
    """search(lang, *queries) -> {query: [[{location, title, text, fields, missing terms} of one page's matches],
    ...]}, run by the site's search worker in Node on that language's index; with full=True each query's reply is
    {cut, groups}."""
    if NODE is None:
        skip_or_fail("node is missing: the search tests need it (apt-get install nodejs)")
    script = tmp_path_factory.mktemp("search") / "search.js"
    script.write_text(SEARCH_JS, "utf-8")

    def run(lang: str, *queries: str, full: bool = False) -> dict:
        proc = subprocess.run([NODE, str(script), str(site), lang, str(MAX_SEARCH_QUERY_CHARS), *queries],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        return out if full else {query: reply["groups"] for query, reply in out.items()}

    return run


def pages(groups: list[list[dict]]) -> list[str]:
    """The page (location without #section) of each result group, best first."""
    return [group[0]["location"].split("#")[0] for group in groups if group]


DIRECTIONS = _build.load("directions")["directions"]


def direction_location(d: dict, lang: str = "zh") -> str:
    return ("en/" if lang == "en" else "") + f"directions/{d['slug']}/"


def direction_with(zh_words: str) -> dict:
    return next(d for d in DIRECTIONS if zh_words in d["title"]["zh"])


def tokens(index: dict, location: str) -> set[str]:
    separator = re.compile(index["config"]["separator"])
    out = set()
    for doc in index["docs"]:
        if doc["location"].split("#")[0] == location:
            text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
            out |= {t for t in separator.split(text) if t}
    return out


def test_index_config_is_bilingual_without_stemmer(indexes, site):
    for index in indexes.values():
        assert index["config"]["lang"] == ["zh", "en"]
        assert index["config"]["pipeline"] == ["stopWordFilter"], "the stemmer makes whole English words unfindable"
    # What Material's bundle fetches on every page is the configuration alone.
    material = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    assert material == {"config": indexes["zh"]["config"], "docs": []}


def test_each_language_has_an_index_of_its_own_pages(indexes, site):
    for lang, index in indexes.items():
        locations = {doc["location"].split("#")[0] for doc in index["docs"]}
        expected = {("en/" if lang == "en" else "") + key for key in _build.page_keys(site, lang)}
        assert locations <= expected, sorted(locations - expected)[:5]
        assert {direction_location(d, lang) for d in DIRECTIONS} <= locations
    assert not any(doc["location"].startswith("en/") for doc in indexes["zh"]["docs"])


def test_no_title_repeats_its_abbreviation(indexes):
    doubled = [doc["title"] for index in indexes.values() for doc in index["docs"]
               if re.search(r"\((\w+)\)\s*\(\1\)", doc["title"])]
    assert doubled == []


def test_index_text_is_segmented_into_chinese_words(indexes):
    """jieba splits Chinese text into words at build time; unsegmented text would be one long token."""
    agriculture = tokens(indexes["zh"], direction_location(direction_with("农业")))
    assert "农业" in agriculture, sorted(agriculture)[:50]
    trading = tokens(indexes["zh"], direction_location(direction_with("数据交易")))
    assert {"数据", "交易"} <= trading, sorted(trading)[:50]
    assert "agriculture" in {t.lower() for t in tokens(indexes["en"], direction_location(direction_with("农业"), "en"))}


@pytest.mark.parametrize("lang", LANGS)
def test_every_direction_name_finds_its_page_first(search, lang):
    names = {d["title"][lang]: direction_location(d, lang) for d in DIRECTIONS}
    results = search(lang, *names)
    wrong = {name: pages(results[name])[:3] for name, location in names.items()
             if pages(results[name])[:1] != [location]}
    assert wrong == {}
    # Every word of the name is found (Material lists a term it did not find under the result).
    assert {name: results[name][0][0]["missing"] for name in names if results[name][0][0]["missing"]} == {}


# A direction's main words, as a person would type them: each finds that direction's page first.
MAIN_WORDS = [
    ("zh", "数据管理", "数据管理"), ("zh", "数据交易", "数据交易"), ("zh", "数据要素", "数据要素"),
    ("zh", "重点产品", "重点产品"), ("zh", "服务创新", "服务创新"), ("zh", "农业", "农业"),
    ("zh", "工业", "工业"), ("zh", "服务业", "服务业"),
    ("en", "agriculture", "农业"), ("en", "agricultural", "农业"), ("en", "data trading", "数据交易"),
    ("en", "industrial", "工业"), ("en", "key products", "重点产品"),
]


@pytest.mark.parametrize("lang,query,zh_words", MAIN_WORDS)
def test_a_directions_main_words_find_its_page_first(search, lang, query, zh_words):
    found = pages(search(lang, query)[query])
    assert found[:1] == [direction_location(direction_with(zh_words), lang)], found[:5]


def test_results_are_in_the_pages_language_only(search):
    zh = search("zh", "农业", "DCMM")
    en = search("en", "agriculture", "DCMM")
    for query, groups in zh.items():
        assert groups and not any(p.startswith("en/") for p in pages(groups)), (query, pages(groups)[:5])
    for query, groups in en.items():
        assert groups and all(p.startswith("en/") for p in pages(groups)), (query, pages(groups)[:5])


def test_a_whole_english_word_matches(search):
    # No stemmer turning "privacy" into "privaci".
    found = pages(search("en", "privacy")["privacy"])
    assert any(p.startswith("en/directions/") for p in found), found[:5]


def test_a_word_absent_from_the_site_finds_nothing(search):
    assert search("zh", "量子引力")["量子引力"] == []


# ---------------------------------------------------------------- what people type (issues 31 and 32)

GLOSSARY = _build.load("glossary")["terms"]


def alias_term(alias: str, lang: str = "zh") -> str:
    """The glossary term (in `lang`) that `alias` is a name of (policy_data/calls/2022/glossary.yaml)."""
    return next(t["term"][lang] for t in GLOSSARY if alias in (t.get("aliases") or {}).get(lang, []))


def page_text(site: Path, location: str) -> str:
    """A result's page as a visitor reads it: its main content, without markup."""
    page = site / location.split("#")[0] / "index.html"
    text = page.read_text("utf-8")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


# A query a person types, and what the first page found must contain (the query itself, or the words it names).
# On the site: 兵团 inside 新疆生产建设兵团; 71号 in 工信厅信发函〔2022〕71号; bdcases in https://www.bdcases.org.cn;
# the phone number as the notice writes it, 010—88687028 (an em dash); 央企 is the glossary's alias of 中央企业集团.
TYPED = {
    "兵团": r"兵团",
    "新疆兵团": r"新疆生产建设兵团",
    "央企": re.escape(alias_term("央企")),
    "71号": r"〔2022〕71号",
    "bdcases": r"www\.bdcases\.org\.cn",
    "www.bdcases.org.cn": r"www\.bdcases\.org\.cn",
    "88687028": r"88687028",
    "010-88687028": r"010\s*\W\s*88687028",
    "010—88687028": r"010\s*\W\s*88687028",
    "01088687028": r"010\s*\W\s*88687028",
}


def test_what_people_type_is_on_the_site(site):
    """Each query of TYPED names text the site has: the test below is about finding it, not about inventing it."""
    zh_pages = [p for p in site.rglob("index.html") if not p.relative_to(site).as_posix().startswith("en/")]
    texts = [page_text(site, p.parent.relative_to(site).as_posix()) for p in zh_pages]
    assert {q: any(re.search(want, t) for t in texts) for q, want in TYPED.items()} == dict.fromkeys(TYPED, True)


def test_what_people_type_finds_a_page_that_has_it_first(search, site):
    results = search("zh", *TYPED)
    first = {q: pages(groups)[:1] for q, groups in results.items()}
    assert all(first.values()), {q: f for q, f in first.items() if not f}
    wrong = {q: first[q][0] for q, want in TYPED.items() if not re.search(want, page_text(site, first[q][0]))}
    assert wrong == {}


def test_what_people_type_finds_its_glossary_entry_first(search):
    """A word inside a glossary term, or the term's alias, finds that term's entry before any other page."""
    results = search("zh", "兵团", "央企")
    assert pages(results["兵团"])[:1] == ["glossary/"] and results["兵团"][0][0]["location"] == "glossary/#term-xpcc"
    assert results["央企"][0][0]["location"] == "glossary/#term-central_soe_group"
    # The glossary page shows the alias; the index finds it on the pages that use only the term, the notice first.
    assert "notice/" in pages(results["央企"]), pages(results["央企"])


def test_an_alias_finds_its_term_in_english_too(search):
    term = next(t for t in GLOSSARY if (t.get("aliases") or {}).get("en"))
    # The alias's own words, not the term's (the term's words find its entry anyway): "SOE" of "central SOE".
    alias = " ".join(w for w in term["aliases"]["en"][0].split() if w.lower() not in term["term"]["en"].lower())
    assert alias
    results = search("en", alias)
    assert results[alias][0][0]["location"] == f"en/glossary/#term-{term['id']}", pages(results[alias])[:5]
    assert [p for p in pages(results[alias]) if p != "en/glossary/"], "only the glossary page, which shows the alias"


def test_a_word_the_site_lacks_finds_nothing_misleading(search, site):
    """补贴 (subsidy) is nowhere on the site, nor in the notice: no page is offered for it, not even one that
    shares a character with it."""
    texts = [page_text(site, p.parent.relative_to(site).as_posix()) for p in site.rglob("index.html")]
    assert not any("补贴" in t for t in texts)
    assert search("zh", "补贴")["补贴"] == []


def test_aliases_come_from_the_glossary(indexes):
    """The entry of each glossary term with aliases is found by them (in its title's words, weighing as the title)."""
    with_aliases = [t for t in GLOSSARY if t.get("aliases")]
    assert with_aliases, "the glossary has no aliases to test"
    for term in with_aliases:
        for lang, names in term["aliases"].items():
            prefix = "en/" if lang == "en" else ""
            entry = next(d for d in indexes[lang]["docs"] if d["location"] == f"{prefix}glossary/#term-{term['id']}")
            found = set(entry.get("title_words", "").split()) | set(entry["title"].replace("\u200b", " ").split())
            assert {word for name in names for word in name.split()} <= found, (names, entry.get("title_words"))


def test_results_carry_no_zero_width_characters_nor_hidden_words(search):
    """What the page shows of a result (title, teaser) has no zero-width character: copied, it would carry them."""
    results = search("zh", "兵团", "数据交易", "农业", "央企", "71号")
    shown = [(q, item["location"], item[field]) for q, groups in results.items() for group in groups
             for item in group for field in ("title", "text")]
    assert shown and [s for s in shown if re.search("[\u200b\u200c\u200d\u2060\ufeff]", s[2] or "")] == []
    fields = {f for groups in results.values() for group in groups for item in group for f in item["fields"]}
    assert not fields & {"words", "title_words", "parent"}, fields


# chinese-words.js alone in Node: how long splitting a long query takes, with and without the bound.
SPLIT_JS = r"""
"use strict";
const fs = require("fs"), vm = require("vm");
const [words, index, limit, kind, size] = process.argv.slice(2);
globalThis.self = globalThis;
vm.runInThisContext(fs.readFileSync(words, "utf8"), { filename: words });
const trie = chineseWords.fromIndex(JSON.parse(fs.readFileSync(index, "utf8")));
// Rare characters (CJK Extension A: no word of the index), or the index's own text again and again.
const text = JSON.parse(fs.readFileSync(index, "utf8")).docs.map(d => d.text).join("").replace(/[^\p{sc=Han}]/gu, "");
let query = "";
for (let i = 0; query.length < Number(size); i++)
  query += kind === "rare" ? String.fromCodePoint(0x3400 + (i * 7919) % 6000) : text;
query = query.slice(0, Number(size));
const start = process.hrtime.bigint();
const out = chineseWords.inQuery(query, trie, Number(limit));
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ ms, cut: out.cut, chars: Array.from(out.query.replace(/[\s\u3007]/g, "")).length }));
"""


@pytest.fixture(scope="session")
def split(site, tmp_path_factory, skip_or_fail):
    """split(kind, size, limit) -> {ms, cut, chars}: chinese-words.js splitting a query of `size` characters."""
    if NODE is None:
        skip_or_fail("node is missing: the search tests need it (apt-get install nodejs)")
    script = tmp_path_factory.mktemp("split") / "split.js"
    script.write_text(SPLIT_JS, "utf-8")

    def run(kind: str, size: int, limit: int) -> dict:
        proc = subprocess.run([NODE, str(script), str(site / "assets" / "search" / "chinese-words.js"),
                               str(site / "search" / "search_index.zh.json"), str(limit), kind, str(size)],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    return run


@pytest.mark.parametrize("kind", ["rare", "common"])
def test_splitting_a_query_takes_time_linear_in_its_length(split, kind):
    """Unbounded (limit 0), 100,000 characters split in well under the time a cubic split takes for 1,000 (the
    old split: 6,400 rare characters took 75 s); and 4 times the characters take about 4 times as long."""
    small, large = split(kind, 25_000, 0), split(kind, 100_000, 0)
    assert large["chars"] == 100_000 and not large["cut"]
    assert large["ms"] < 5_000, large
    assert large["ms"] < 12 * max(small["ms"], 5), (small, large)


def test_a_long_query_is_cut_to_the_bound(split):
    out = split("rare", 6_400, MAX_SEARCH_QUERY_CHARS)
    assert out["cut"] and out["chars"] == MAX_SEARCH_QUERY_CHARS
    out = split("common", MAX_SEARCH_QUERY_CHARS, MAX_SEARCH_QUERY_CHARS)
    assert not out["cut"] and out["chars"] == MAX_SEARCH_QUERY_CHARS


def test_the_worker_says_when_it_cut_a_query(search):
    long = "数据" * MAX_SEARCH_QUERY_CHARS
    replies = search("zh", long, "数据交易", full=True)
    assert replies[long]["cut"] == MAX_SEARCH_QUERY_CHARS and replies[long]["groups"]
    assert replies["数据交易"]["cut"] == 0


# ---------------------------------------------------------------- the words an entry is also found by (no build)

def test_extra_words_of_a_field():
    from build_scripts.guide.search_words import extra_words

    separator = re.compile(r"[\s\u200b\u3000\-、。，．？！；]+")
    text = ("\u200b新疆生产建设兵团\u200b、\u200b中央\u200b企业\u200b集团\u200b 〔2022〕71\u200b号\u200b "
            "<a href=\"x\">https://www.bdcases.org.cn</a> 电话\u200b：010—88687028 agriculture, (DCMM)")
    words = extra_words(text, separator, [("中央企业集团", ["央企"])])
    assert {"兵团", "新疆", "生产", "建设"} <= set(words)  # inside a longer word
    assert {"www", "bdcases", "org", "cn", "2022", "71", "DCMM"} <= set(words)  # inside a longer token
    assert {"88687028", "01088687028", "010"} <= set(words)  # the phone number without the dash or area code
    assert "央企" in words  # the glossary's alias of a term the text uses
    assert not {"https", "agriculture", "中央", "企业", "新疆生产建设兵团"} & set(words)  # found as they are
    # In a title, a word that only starts a longer word is left out (it is found as it is).
    assert "新疆" not in extra_words("新疆生产建设兵团", separator, starts=False)
    assert "兵团" in extra_words("新疆生产建设兵团", separator, starts=False)


def test_aliases_by_language_read_the_glossary_data():
    from build_scripts.guide.search_words import aliases_by_language

    glossary = {"terms": [{"term": {"zh": "甲乙", "en": "A B"}, "aliases": {"zh": ["甲"]}},
                          {"term": {"zh": "丙", "en": "C"}}]}
    assert aliases_by_language([glossary, None], ["zh", "en"]) == {"zh": [("甲乙", ["甲"])], "en": []}
