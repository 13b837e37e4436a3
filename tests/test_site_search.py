"""Search on the guide site: one index per language, Chinese segmented (jieba at build time), directions found first.

The indexes are site/search/search_index.<lang>.json of the session's build (see test_site_build.build_site_once;
build_scripts/hooks/search_index.py writes them). The queries run through Material's own search worker (lunr +
lunr-languages) in Node, after the same query rewrite the page applies (docs/assets/search/chinese-words.js), exactly
as a browser would run them; a Python check of the index's tokens runs even where Node is missing.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("_guide_site_build", Path(__file__).with_name("test_site_build.py"))
_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_build)

NODE = shutil.which("node")

# Runs the site's search worker in Node: importScripts() reads the lunr files next to it, postMessage() collects.
# Each query first goes through chineseWords.inQuery, as docs/assets/search/material-worker.js does in the page.
SEARCH_JS = r"""
"use strict";
const fs = require("fs"), path = require("path"), vm = require("vm");
const [site, lang, ...queries] = process.argv.slice(2);
const workerDir = path.join(site, "assets", "javascripts", "workers");
const worker = fs.readdirSync(workerDir).find(f => /^search\.[0-9a-f]+\.min\.js$/.test(f));
let handler = null;
const replies = [];
globalThis.self = globalThis;
globalThis.addEventListener = (type, fn) => { if (type === "message") handler = fn; };
globalThis.postMessage = message => { replies.push(message); };
globalThis.importScripts = (...urls) => {
  for (const url of urls) {
    const file = path.resolve(workerDir, url);
    vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });
  }
};
vm.runInThisContext(fs.readFileSync(path.join(workerDir, worker), "utf8"), { filename: worker });
const words = path.join(site, "assets", "search", "chinese-words.js");
vm.runInThisContext(fs.readFileSync(words, "utf8"), { filename: words });
const index = JSON.parse(fs.readFileSync(path.join(site, "search", `search_index.${lang}.json`), "utf8"));
const known = chineseWords.fromIndex(index);
(async () => {
  const send = async data => {
    const before = replies.length;
    await handler({ data });
    for (let i = 0; i < 200 && replies.length === before; i++) await new Promise(r => setTimeout(r, 10));
    if (replies.length === before) throw new Error("no reply from the search worker");
    return replies[replies.length - 1];
  };
  const ready = await send({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: false } } });
  if (ready.type !== 1) throw new Error("search worker not ready: " + JSON.stringify(ready));
  const out = {};
  for (const q of queries) {
    const result = await send({ type: 2, data: chineseWords.inQuery(q, known) });
    // Results come grouped by page; the first item of a group is the best section of that page.
    out[q] = ((result.data && result.data.items) || []).map(group => group.map(item => ({
      location: item.location, missing: Object.keys(item.terms).filter(t => !item.terms[t]) })));
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
    """search(lang, *queries) -> {query: [[{location, missing terms} of one page's matches], ...]}, run by Material's
    worker in Node on that language's index."""
    if NODE is None:
        skip_or_fail("node is missing: the search tests need it (apt-get install nodejs)")
    script = tmp_path_factory.mktemp("search") / "search.js"
    script.write_text(SEARCH_JS, "utf-8")

    def run(lang: str, *queries: str) -> dict:
        proc = subprocess.run([NODE, str(script), str(site), lang, *queries], capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

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
