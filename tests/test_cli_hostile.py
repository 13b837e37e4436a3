"""The command line on hostile input: one line saying what is wrong (exit 2), never a traceback — for bad files,
bad output paths, lone surrogates and a console that cannot show every character (cp936, Chinese Windows)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker import limits

REPO = Path(__file__).resolve().parent.parent

BOMB = "a: &a [l, l, l, l, l, l, l, l, l]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))


def run(*args, encoding=None):
    env = dict(os.environ)
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    done = subprocess.run([sys.executable, "-m", "checker", *map(str, args)], cwd=REPO, capture_output=True,
                          env=env, timeout=120)
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    return done.returncode, done.stdout, stderr


FILES = {
    "bomb.yaml": (BOMB, "bomb.yaml:"),
    "loop.yaml": ("a: &a [*a]\n", "loop.yaml:1: an alias"),
    "deep.yaml": ("a: " + "[" * 3000 + "]" * 3000 + "\n", "deep.yaml:1: nested more than"),
    "key.yaml": ("? [a, b]\n: x\n", "key.yaml:1: a key must be plain text"),
    "number.yaml": ("projects_filed: " + "1" * 5000 + "\n", "number.yaml:1: a number of more than"),
    "deep.json": ("[" * 100_000, "deep.json: nested more than"),
    # Named by the question's label, not its id.
    "nan.json": ('{"projects_filed": NaN}', "问题“本批次申报主体一共申报几个项目（含本项目）？”的回答是 NaN"),
    "long.json": ('{"projects_filed": ' + "1" * 5000 + "}", "long.json: a number with too many digits"),
    "latin1.yaml": (b"project_name: caf\xe9\n", "not UTF-8 text"),
    "list.yaml": ("- a\n- b\n", "回答文件的内容应为"),
    "spaces.yaml": ("business_areas: '" + " " * (limits.MAX_VALUE_CHARS + 1) + "'\n", "回答过长"),
    # Characters YAML refuses (pasted from Word and the like): named with their line, never a traceback.
    "nul.yaml": ("project_name: ok\nstrength: 'y\x00es'\n", "nul.yaml:2: a character YAML does not allow (U+0000)"),
    "formfeed.yaml": ("project_name: a\x0cb\n", "formfeed.yaml:1: a character YAML does not allow (U+000C)"),
    "vtab.yaml": ("project_name: a\x0bb\n", "vtab.yaml:1: a character YAML does not allow (U+000B)"),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_bad_answers_file_is_one_clear_line(tmp_path, name):
    content, expected = FILES[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    code, stdout, stderr = run("assess", path)
    assert code == 2 and stderr.startswith("error: ") and expected in stderr, stderr
    assert len(stderr) < 2000


def test_a_folder_as_input(tmp_path):
    code, _, stderr = run("assess", tmp_path)
    assert code == 2 and "cannot read" in stderr


@pytest.mark.parametrize("call", ["../../etc", "/etc", "fr", " "])
def test_unknown_call(call):
    code, _, stderr = run("--call", call, "template")
    assert code == 2 and stderr.strip() == f"error: unknown call {call!r}; known calls: 2022"


def test_malformed_xlsx(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04 not a workbook")
    code, _, stderr = run("batch", path, "--unit-kind", "city", "--lang", "en")
    assert code == 2 and "The .xlsx file cannot be read" in stderr


def test_csv_with_cr_line_ends_and_a_huge_cell(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"project_name,direction\r\"a\rb\",d4\r")
    code, stdout, stderr = run("batch", path, "--unit-kind", "city")
    assert code == 0 and "a\nb" in stdout.decode("utf-8")
    path.write_bytes(b"project_name,direction\rok,d4\r" + b"x" * 200_000 + b",d4\r")
    code, _, stderr = run("batch", path, "--unit-kind", "city", "--lang", "en")
    assert code == 2 and "Row 3 has a cell that is too long" in stderr


@pytest.mark.parametrize("where,expected", [("missing/out.csv", "does not exist"), (".", "is a folder")])
def test_output_into_a_missing_folder_or_onto_a_folder(tmp_path, where, expected):
    source = tmp_path / "in.csv"
    source.write_text("project_name,direction\nx,d4\n", encoding="utf-8")
    code, _, stderr = run("batch", source, "--unit-kind", "city", "-o", tmp_path / where)
    assert code == 2 and expected in stderr


def test_lone_surrogate_with_format_json(tmp_path):
    import json

    path = tmp_path / "a.json"
    path.write_text('{"project_name": "\\ud800 x", "direction": "d4"}', encoding="ascii")
    code, stdout, _ = run("assess", path, "--format", "json")
    assert code == 1 and json.loads(stdout.decode("utf-8"))["answers"]["project_name"] == "\ud800 x"


@pytest.mark.parametrize("args", [("template",), ("questions",), ("assess", "{answers}"),
                                  ("assess", "{answers}", "--format", "markdown")])
def test_a_chinese_windows_console(tmp_path, args):
    answers = tmp_path / "answers.yaml"
    answers.write_text("direction: d4\nproject_name: 数据•平台 ✓ \U0001F600\n", encoding="utf-8")
    code, stdout, stderr = run(*[a.format(answers=answers) for a in args], encoding="cp936")
    assert code in (0, 1) and stdout.decode("gbk").strip()


def test_standard_output_full_is_one_line_and_exit_2():
    """`template > /dev/full`: the disk is full; said in one line (exit 2), never a traceback."""
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "checker", "template"], cwd=REPO, stdout=full,
                              stderr=subprocess.PIPE, timeout=120)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and "Traceback" not in stderr, stderr
    assert stderr.startswith("error: cannot write to standard output") and len(stderr.splitlines()) == 1, stderr


def test_standard_output_closed_is_one_line_and_exit_2():
    """Started with standard output closed (`>&-`): said, exit 2."""
    done = subprocess.run(["bash", "-c", f"'{sys.executable}' -m checker questions >&-"], cwd=REPO,
                          stderr=subprocess.PIPE, timeout=120)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and "Traceback" not in stderr, stderr
    assert "standard output is closed" in stderr, stderr


def test_policy_file_with_a_control_character_is_named(tmp_path):
    """A policy YAML file holding a vertical tab: `validate` names the file and line (exit 1: problems found)."""
    import shutil

    calls = tmp_path / "policy_data" / "calls"
    shutil.copytree(REPO / "policy_data" / "calls" / "2022", calls / "2022")
    shutil.copytree(REPO / "policy_data" / "source", tmp_path / "policy_data" / "source")
    shutil.copytree(REPO / "policy_data" / "schema", tmp_path / "policy_data" / "schema")
    faq = calls / "2022" / "faq.yaml"
    faq.write_text(faq.read_text("utf-8").replace("\n", "\n\x0b", 1), "utf-8")
    code, _, stderr = run("--call-dir", calls / "2022", "validate")
    assert code in (1, 2) and "faq.yaml:2" in stderr and "U+000B" in stderr, stderr
