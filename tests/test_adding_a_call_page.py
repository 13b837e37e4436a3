"""The maintainers' page on adding a call (docs/adding-a-call.<lang>.md, issue 30): hand-written, in the nav, in both
languages, and every command it gives is real: a Makefile target and variable, a command line the checker's
parser accepts, a test file or a folder that exists."""

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from checker.cli import build_parser

REPO = Path(__file__).resolve().parent.parent
PAGES = {lang: REPO / "docs" / f"adding-a-call.{lang}.md" for lang in ("zh", "en")}
MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")
EXAMPLE_CALL = "2023"  # the page's example of a new call's folder; 2022's stands in for it where a file must exist


def commands(lang):
    """Every line of the page's ```sh blocks."""
    text = PAGES[lang].read_text(encoding="utf-8")
    return [line.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.S)
            for line in block.splitlines() if line.strip()]


def existing(path):
    """The path as it exists today: the example call's folder read as 2022's."""
    return REPO / path.replace(f"calls/{EXAMPLE_CALL}", "calls/2022")


def check_make(words):
    target, *assignments = words[1:]
    assert re.search(rf"^{re.escape(target)}:", MAKEFILE, re.M), f"make {target}: no such target in the Makefile"
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        assert re.search(rf"^{re.escape(name)} \?=", MAKEFILE, re.M), f"{name}: not a variable of the Makefile"
        if name == "VALIDATE_LANG":
            assert value in ("zh", "en")


def check_python(words):
    assert words[0] == ".venv/bin/python" and words[1] == "-m", words
    if words[2] == "checker":
        build_parser().parse_args(words[3:])  # SystemExit (a failed test) for anything the command line refuses
        for word in words[3:]:
            if word.startswith("policy_data/"):
                assert existing(word).exists(), word
    elif words[2] == "pytest":
        files = [w for w in words[3:] if not w.startswith("-")]
        assert files and all((REPO / f).is_file() for f in files), files
    else:
        raise AssertionError(f"unknown module in the page: {words[2]}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_on_the_page_is_real(lang):
    lines = commands(lang)
    assert any(line.startswith("make validate") for line in lines)
    for line in lines:
        words = shlex.split(line)
        if words[0] == "make":
            check_make(words)
        elif words[0] == ".venv/bin/python":
            check_python(words)
        elif words[:2] == ["cp", "-r"]:
            assert existing(words[2]).is_dir() and words[3] == f"policy_data/calls/{EXAMPLE_CALL}"
        else:
            raise AssertionError(f"a command the test does not know, check it here: {line}")


def test_both_languages_give_the_same_commands():
    def same(lang):
        return [re.sub(r"--lang (zh|en)", "--lang …", line) for line in commands(lang)]

    assert same("zh") == same("en")


def test_the_page_is_in_the_nav_and_kept_by_git():
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.safe_load(re.search(r"^nav:\n(?:  .*\n)+", text, re.M).group(0))["nav"]  # (the rest has !ENV tags)
    assert "adding-a-call.md" in nav
    for path in PAGES.values():
        ignored = subprocess.run(["git", "check-ignore", "-q", str(path.relative_to(REPO))], cwd=REPO).returncode == 0
        assert path.is_file() and not ignored
