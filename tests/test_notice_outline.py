"""How the validator reads a notice (checker/notice_outline.py) and words a difference (checker/quote_review.py),
on a small made-up notice: section numbers in both bracket widths, a sentence broken by a page break, the annex's
numbered items and their sub-headings; dates and numbers as whole tokens."""

import pytest

from checker.notice_outline import Label, Outline, parse_label
from checker.quote_review import differences, review

NOTICE = """某某部办公厅

关于组织开展示例项目申报工作的通知

为推动示例工作，现将有关事项通知如下：

一、申报要求

（一）申报主体包括企业、

科研院所等。每个申报主体限申报 1 个项目。

(二) 推荐数量不超过 10 个。

二、申报流程

(一) 申报主体需于 2030 年 5 月 4 日前完成填报。

附件

示例项目申报指南

一、内容

（一）示例方向

1.第一方向

需求要点：推动示例应用。

应用成效：应用案例不少于3个，示范期两年。
"""


@pytest.fixture(scope="module")
def outline():
    return Outline(NOTICE)


def where(outline, text):
    return str(outline.label_at(outline.text.index(text)))


def test_labels_follow_the_notices_numbering(outline):
    assert where(outline, "为推动示例工作") == "通知"
    assert where(outline, "每个申报主体限申报1个项目") == "通知 一（一）"  # after a page break, still 一（一）
    assert where(outline, "推荐数量不超过10个") == "通知 一（二）"  # half-width brackets read the same
    assert where(outline, "申报主体需于2030年") == "通知 二（一）"
    assert where(outline, "示例项目申报指南") == "附件"
    assert where(outline, "推动示例应用") == "附件 一（一）1 需求要点"
    assert where(outline, "应用案例不少于3个") == "附件 一（一）1 应用成效"


def test_a_sentence_broken_by_a_page_break_is_one_sentence(outline):
    texts = [s.text for s in outline.sentences]
    assert "（一）申报主体包括企业、科研院所等。" in texts
    assert "每个申报主体限申报1个项目。" in texts


def test_a_cited_clause_covers_the_finer_places_within_it():
    assert str(parse_label("附件 二（一）1 实施内容")) == "附件 二（一）1 实施内容"
    assert parse_label("通知 标题") is None and parse_label("Notice II(1)") is None
    assert parse_label("通知 二").covers(Label("通知", "二", "一"))
    assert not parse_label("通知 二（一）").covers(Label("通知", "二", "二"))
    assert not parse_label("附件 二（一）1").covers(Label("附件", "二", "一"))
    assert not parse_label("通知 二（一）").covers(Label("附件", "二", "一"))


@pytest.mark.parametrize("old,new,expected", [
    ("需于2030年5月4日前", "需于2030年5月10日前", [("date", "2030年5月4日", "2030年5月10日")]),
    ("不超过10个", "不超过12个", [("number", "10", "12")]),  # never "0 → 2"
    ("示范期两年", "示范期三年", [("number", "两", "三")]),
    ("企业、科研院所等", "企业联合体、科研院所等", [("text", "", "联合体")]),
])
def test_differences_take_whole_dates_and_numbers(old, new, expected):
    assert [(c.kind, c.old, c.new) for c in differences(old, new)] == expected


def test_review_of_a_made_up_notice(outline):
    new = NOTICE.replace("不超过 10 个", "不超过 8 个").replace("示范期两年", "示范期三年")
    entries = [("a.yaml", 1, ("x", "quote"), "推荐数量不超过 10 个", "通知 一（二）"),
               ("a.yaml", 2, ("y", "quote"), "每个申报主体限申报 1 个项目", "通知 一（二）"),  # cited under the wrong clause
               ("a.yaml", 3, ("z", "quote"), "为推动示例工作", "通知 引言")]  # no section number: not checked
    items = review(entries, new)
    assert [(i.kind, i.line) for i in items] == [("missing", 1), ("moved", 2)]
    assert [(c.kind, c.old, c.new) for c in items[0].matches[0].changes] == [("number", "10", "8")]
    assert items[1].labels == ["通知 一（一）"]
