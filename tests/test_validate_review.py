"""The maintainer's path (issue 30): `validate` on 2022's call folder against a copy of the 2022 notice with scripted
edits (a changed minimum, a changed date, a sentence moved to another section, a deleted sentence) lists exactly the
citations those edits touch, each with the right closest text, the number or date that changed, and the new clause
number; in both languages, and through `make validate`."""

import contextlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from checker import cli
from checker.loader import POLICY_DIR, _walk
from checker.yamlsource import line_of, load_file

REPO = Path(__file__).resolve().parent.parent
NOTICE = "gxtxfh-2022-71.txt"

# The scripted edits, in the notice's own spacing (each original occurs once).
MINIMUM = ("各计划单列市、中央企业集团等有关单位推荐数量不超过 5 个", "各计划单列市、中央企业集团等有关单位推荐数量不超过 3 个")
DATE = ("于 2022 年 5 月 22 日前", "于 2022 年 6 月 30 日前")
MOVED = "申报项目须为在建或已建项目，拥有自有知识产权，技术先进、应用示范带动作用良好。"  # 二（一） -> 二（四）
MOVED_AFTER = "已列入前期试点示范项目且仍在示范期的项目不可重复申报。"  # the end of 二（四）
DELETED = "三是项目在推动开源框架和工具研发、关键技术突破等方面取得显著成效。"  # the end of 二（三）

WORDS = {
    "zh": {"missing": "通知中找不到这段引文", "closest": "最接近的原文", "gone": "这段文字可能已删除",
           "number": "数字：5 → 3", "date": "日期：2022年5月22日 → 2022年6月30日", "moved": "引文仍在通知中",
           "clause": "条款编号：通知 二（一） → 通知 二（四）", "removed": "删去：", "title": "处引文需要对照通知复核"},
    "en": {"missing": "this quote is not in the notice", "closest": "closest text", "gone": "may have been removed",
           "number": "number: 5 → 3", "date": "date: 2022年5月22日 → 2022年6月30日",
           "moved": "the quote is still in the notice, under another clause",
           "clause": "clause number: 通知 二（一） → 通知 二（四）", "removed": "removed:", "title": "citation(s) to review"},
}


def squash(text):
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """policy_data with 2022's call folder as it is and the notice edited: the maintainer's copy onto a new notice."""
    root = tmp_path_factory.mktemp("policy_data")
    shutil.copytree(POLICY_DIR / "calls" / "2022", root / "calls" / "2022")
    (root / "source").mkdir()
    text = (POLICY_DIR / "source" / NOTICE).read_text(encoding="utf-8")
    for old, new in (MINIMUM, DATE, (MOVED, ""), (MOVED_AFTER, MOVED_AFTER + MOVED), (DELETED, "")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (root / "source" / NOTICE).write_text(text, encoding="utf-8")
    return root


def quotes(folder):
    """(file:line, quote, clause zh) of every citation in the call's YAML, read here on their own."""
    for path in sorted(folder.glob("*.yaml")):
        data, lines = load_file(path)
        for key, node in _walk(data):
            if isinstance(node, dict) and isinstance(node.get("quote"), str) and "clause" in node:
                yield f"{path}:{line_of(lines, key + ('quote',))}", squash(node["quote"]), node["clause"]["zh"]


def expected(folder):
    """Which citations each edit touches, by what they quote."""
    kinds = {"number": set(), "date": set(), "moved": set(), "deleted": set(), "shortened": set()}
    for where, quote, clause in quotes(folder):
        if squash(MINIMUM[0]) in quote:
            kinds["number"].add(where)
        if squash(DATE[0]).removeprefix("于") in quote:
            kinds["date"].add(where)
        if quote in squash(MOVED):
            assert clause == "通知 二（一）"
            kinds["moved"].add(where)
        if quote in squash(DELETED):
            kinds["deleted"].add(where)
        elif squash(DELETED).rstrip("。") in quote:
            kinds["shortened"].add(where)
    assert all(kinds.values()), kinds  # every edit touches at least one citation of 2022's data
    return kinds


def blocks(output):
    """{file:line: the lines of its block} of a review list."""
    found, current = {}, None
    for line in output.splitlines():
        head = re.match(r"^(\S+\.yaml:\d+): ", line)
        if head:
            current = found.setdefault(head.group(1), [])
        if current is not None and line.strip():
            current.append(line)
    return found


@pytest.fixture(scope="module", params=["zh", "en"])
def review(request, edited):
    """(language, exit code, standard output, standard error) of `validate --lang <language>` on the edited copy."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--call-dir", str(edited / "calls" / "2022"), "validate", "--lang", request.param])
    return request.param, code, out.getvalue(), err.getvalue()


def test_exactly_the_edited_citations_are_listed(review, edited):
    lang, code, out, err = review
    kinds = expected(edited / "calls" / "2022")
    assert code != 0
    assert err == ""  # nothing else is wrong: no bare "quote not found" beside the review list
    assert WORDS[lang]["title"] in out.splitlines()[0]
    assert set(blocks(out)) == set().union(*kinds.values())


def test_changed_minimum_shows_the_closest_sentence_and_the_number(review, edited):
    lang, _code, out, _err = review
    found = blocks(out)
    for where in expected(edited / "calls" / "2022")["number"]:
        block = "\n".join(found[where])
        assert WORDS[lang]["missing"] in block
        closest = next(line for line in found[where] if WORDS[lang]["closest"] in line)
        assert "通知 二（二）" in closest and squash(MINIMUM[1]) in closest
        assert WORDS[lang]["number"] in block
        assert "条款编号" not in block and "clause number" not in block  # same clause: nothing to renumber


def test_changed_date_shows_the_date_before_and_after(review, edited):
    lang, _code, out, _err = review
    found = blocks(out)
    for where in expected(edited / "calls" / "2022")["date"]:
        closest = next(line for line in found[where] if WORDS[lang]["closest"] in line)
        assert "通知 三（二）" in closest and "各推荐单位于2022年6月30日前登录申报系统确认推荐名单" in closest
        assert WORDS[lang]["date"] in "\n".join(found[where])


def test_moved_sentence_gets_its_new_clause_number(review, edited):
    lang, _code, out, _err = review
    found = blocks(out)
    for where in expected(edited / "calls" / "2022")["moved"]:
        assert WORDS[lang]["moved"] in found[where][0]
        assert found[where][1].strip() == WORDS[lang]["clause"]
        assert len(found[where]) == 2


def test_deleted_sentence_has_nothing_close(review, edited):
    lang, _code, out, _err = review
    found = blocks(out)
    kinds = expected(edited / "calls" / "2022")
    for where in kinds["deleted"]:
        block = "\n".join(found[where])
        assert WORDS[lang]["gone"] in block and WORDS[lang]["closest"] not in block
    # a quote that ran on into the deleted sentence: the rest of its sentence, and the words removed
    for where in kinds["shortened"]:
        closest = next(line for line in found[where] if WORDS[lang]["closest"] in line)
        assert "通知 二（三）" in closest and "二是申报主体具备相应的数据管理能力；" in closest
        removed = next(line for line in found[where] if WORDS[lang]["removed"] in line)
        assert DELETED in removed


def test_the_real_notice_needs_no_review(capsys):
    code = cli.main(["--call-dir", str(POLICY_DIR / "calls" / "2022"), "validate", "--lang", "en"])
    out, _err = capsys.readouterr()
    assert code == 0 and out.startswith("OK: call 2022")


def test_make_validate_lists_the_review_in_english(edited):
    """The command the maintainer's page gives: make validate with another policy_data folder."""
    done = subprocess.run(["make", "-s", "-o", ".venv/.stamp", "validate", f"POLICY_DATA={edited}", "VALIDATE_LANG=en"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode != 0
    assert "citation(s) to review" in done.stdout
    assert "number: 5 → 3" in done.stdout and "clause number: 通知 二（一） → 通知 二（四）" in done.stdout


def test_the_maintainers_page_shows_real_output(review, edited):
    """docs/adding-a-call.<lang>.md shows this run's output (paths as in the page's example call folder)."""
    lang, _code, out, _err = review
    page = (REPO / "docs" / f"adding-a-call.{lang}.md").read_text(encoding="utf-8")
    example = re.search(r"```text\n(.*?)```", page, re.S).group(1)
    shown = out.replace(str(edited / "calls" / "2022"), "policy_data/calls/2023")
    for line in example.splitlines():
        assert line in shown.splitlines(), line
    assert len(blocks(example)) >= 4  # a number, a date, a moved clause, a deleted sentence


def test_other_problems_are_still_reported_beside_the_review_list(edited, tmp_path):
    """A defect that is not a quote (here an unknown key) is reported as before; the quotes are in the list only."""
    root = tmp_path / "policy_data"
    shutil.copytree(edited, root)
    call = root / "calls" / "2022" / "call.yaml"
    call.write_text(call.read_text(encoding="utf-8").replace("year: 2022", "year: 2022\nyeer: 2022", 1),
                    encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--call-dir", str(root / "calls" / "2022"), "validate", "--lang", "en"])
    assert code != 0
    assert "call.yaml:" in err.getvalue() and "unknown key 'yeer'" in err.getvalue()
    assert "quote not found" not in err.getvalue()
    assert set(blocks(out.getvalue())) == set().union(*expected(root / "calls" / "2022").values())
