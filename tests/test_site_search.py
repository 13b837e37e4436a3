"""Search on the guide site: Chinese is segmented (jieba at build time) and both languages are findable.

The index is site/search/search_index.json of the session's build (see test_site_build.build_site_once). The
queries run through Material's own search worker (lunr + lunr-languages) in Node, exactly as a browser would run
them; a Python check of the index's tokens runs even where Node is missing.
"""

from __future__ import annotations

import importlib.util
import json
import os
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
SEARCH_JS = r"""
"use strict";
const fs = require("fs"), path = require("path"), vm = require("vm");
const site = process.argv[2], queries = process.argv.slice(3);
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
const index = JSON.parse(fs.readFileSync(path.join(site, "search", "search_index.json"), "utf8"));
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
    const result = await send({ type: 2, data: q });
    // Results come grouped by page; the first item of a group is the best section of that page.
    out[q] = ((result.data && result.data.items) || []).map(group => group.map(item => item.location));
  }
  process.stdout.write(JSON.stringify(out));
})().catch(err => { console.error(err && err.stack || String(err)); process.exit(1); });
"""


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    return _build.build_site_once(tmp_path_factory)[0]


@pytest.fixture(scope="session")
def index(site) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def search(site, tmp_path_factory):
    """search(*queries) -> {query: [[locations of one page's matches], ...]} via Material's worker in Node."""
    if NODE is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("node is missing: the search tests need it (apt-get install nodejs)", pytrace=False)
        pytest.skip("node is missing")
    script = tmp_path_factory.mktemp("search") / "search.js"
    script.write_text(SEARCH_JS, "utf-8")

    def run(*queries: str) -> dict:
        proc = subprocess.run([NODE, str(script), str(site), *queries], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    return run


def pages(groups: list[list[str]]) -> list[str]:
    """The page (location without #section) of each result group, best first."""
    return [group[0].split("#")[0] for group in groups if group]


def direction_location(slug_or_id: str, lang: str = "zh") -> str:
    for d in _build.load("directions")["directions"]:
        if slug_or_id in (d["id"], d["slug"]):
            return ("en/" if lang == "en" else "") + f"directions/{d['slug']}/"
    raise LookupError(slug_or_id)


def agriculture_id() -> str:
    return next(d["id"] for d in _build.load("directions")["directions"] if "农业" in d["title"]["zh"])


def trading_id() -> str:
    return next(d["id"] for d in _build.load("directions")["directions"] if "数据交易" in d["title"]["zh"])


def test_index_config_is_bilingual_without_stemmer(index):
    config = index["config"]
    assert config["lang"] == ["zh", "en"]
    assert config["pipeline"] == ["stopWordFilter"], "the stemmer makes whole English words unfindable"


def test_index_text_is_segmented_into_chinese_words(index):
    """jieba splits Chinese text into words at build time; unsegmented text would be one long token."""
    separator = re.compile(index["config"]["separator"])

    def tokens(location: str) -> set[str]:
        out = set()
        for doc in index["docs"]:
            if doc["location"].split("#")[0] == location:
                text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
                out |= {t for t in separator.split(text) if t}
        return out

    agriculture = tokens(direction_location(agriculture_id()))
    assert "农业" in agriculture, sorted(agriculture)[:50]
    trading = tokens(direction_location(trading_id()))
    assert {"数据", "交易"} <= trading or "数据交易" in trading, sorted(trading)[:50]
    # Both languages live in the one index.
    assert "agriculture" in {t.lower() for t in tokens(direction_location(agriculture_id(), "en"))}


def test_chinese_search_finds_the_agriculture_direction(search):
    found = pages(search("农业")["农业"])
    assert found, "农业 found nothing"
    assert found[0] == direction_location(agriculture_id()), found[:5]


def test_chinese_search_finds_the_data_trading_direction(search):
    found = pages(search("数据交易")["数据交易"])
    assert direction_location(trading_id()) in found, found[:10]


def test_english_search_finds_the_english_pages(search):
    results = search("agriculture", "privacy")
    found = pages(results["agriculture"])
    assert found and found[0] == direction_location(agriculture_id(), "en"), found[:5]
    # A whole English word still matches (no stemmer turning "privacy" into "privaci").
    assert any(p.startswith("en/directions/") for p in pages(results["privacy"])), pages(results["privacy"])[:5]


def test_a_word_absent_from_the_site_finds_nothing(search):
    assert search("量子引力")["量子引力"] == []
