"""One list of file formats (checker/formats.py) feeds the command line's choices, the API's format fields and the
screening page's buttons: a new format is a writer plus one entry, and every door offers it."""

import base64
import json
import re

import pytest

from pathlib import Path

from checker import api, cli, formats

SITE = Path(__file__).resolve().parents[1] / "site"


def test_the_doors_offer_what_the_list_says():
    site_dir = SITE
    if not (site_dir / "screening" / "index.html").is_file():
        pytest.fail("the site is not built: run make build")
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices
    choices = {name: next(a for a in sub[name]._actions if a.dest == "format").choices for name in ("template", "batch")}
    assert tuple(choices["template"]) == formats.names("template")
    assert tuple(choices["batch"]) == formats.names("plan")
    for lang_root in ("", "en/"):
        page = (site_dir / lang_root / "screening" / "index.html").read_text("utf-8")
        assert re.findall(r'data-template-format="(\w+)"', page) == list(formats.names("template", page=True))
        assert re.findall(r'data-download-format="(\w+)"', page) == list(formats.names("plan", page=True))
        for name in formats.names("plan", page=True):
            fmt = formats.FORMATS[name]
            assert f'id="screening-download-{name}" data-download-format="{name}" data-suffix="{fmt.suffix}"' in page


def test_a_format_the_list_does_not_have_is_refused_naming_those_it_has():
    response = json.loads(api.handle(json.dumps({"type": "template", "call": "2022", "lang": "en", "format": "ods"})))
    assert response["ok"] is False
    for name in formats.names("template"):
        assert name in response["error"]["message"]


def test_a_new_format_is_one_entry(monkeypatch, tmp_path, capsys):
    """A tab-separated template, added as one Format: the API writes it and the command line offers it."""
    tsv = formats.Format("tsv", ".tsv", "text/tab-separated-values",
                         template=lambda ruleset, lang: formats.FORMATS["csv"].template(ruleset, lang).replace(",", "\t"))
    monkeypatch.setitem(formats.FORMATS, "tsv", tsv)
    response = json.loads(api.handle(json.dumps({"type": "template", "call": "2022", "lang": "zh", "format": "tsv"})))
    assert response["ok"] and "\t" in response["result"]["tsv"]
    assert cli.main(["template", "-o", str(tmp_path / "t.tsv")]) == 0
    assert "\t" in (tmp_path / "t.tsv").read_text("utf-8")


@pytest.mark.parametrize("name", formats.names("template"))
def test_each_template_format_round_trips_through_the_api(name):
    response = json.loads(api.handle(json.dumps({"type": "template", "call": "2022", "lang": "zh", "format": name})))
    content = response["result"][name]
    if formats.FORMATS[name].binary:
        assert base64.b64decode(content)[:2] == b"PK"
    else:
        assert content.startswith("\ufeff")
