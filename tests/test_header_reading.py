"""A filled-in template is read the same however people have edited its heading rows (issue 29): the id row
deleted (in a CSV it looks like junk), moved, or the section row deleted — every column is still identified. Where
nothing tells apart a label several directions share, the file is refused naming those columns: never screened with
answers counted under the wrong question."""

import csv
import io

import openpyxl
import pytest
import yaml

from checker import pipeline, sheet_template
from checker.sheet_errors import BatchError

from test_batch import CASES

# Eligible projects in directions whose questions share labels (本方向中的角色 in d1 and d3, 应用案例数 in d5–d8):
# read with the wrong columns, they are not eligible or their answers are missing.
PROJECTS = ("eligible_d1_owner", "eligible_d3_provider", "eligible_d5", "eligible_d6", "eligible_d7", "eligible_d8")


def project_rows(ruleset, lang):
    cols = [c for c, _g in sheet_template.columns(ruleset)]
    rows = []
    for i, name in enumerate(PROJECTS):
        answers = yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))["answers"]
        cells = {"applicant_name": f"单位 {i}", "credit_code": f"9111000000000000{i:02d}"}
        cells.update({q: sheet_template._answer_text(ruleset, q, v, lang) for q, v in answers.items()})
        rows.append([str(cells.get(c, "")) for c in cols])
    return rows


def template_csv(ruleset, lang, edit):
    """The CSV template (section row, labels, ids, example) edited by `edit`, then the projects."""
    sections, labels, ids, example = sheet_template._rows(ruleset, lang)
    out = io.StringIO()
    csv.writer(out).writerows(edit([sections, labels, ids, example]) + project_rows(ruleset, lang))
    return out.getvalue()


FIGURES = ("rows_total", "eligible", "counted", "within", "exempt", "over_by", "same_applicant", "not_counted")


def figures(plan):
    return {k: plan[k] for k in FIGURES}


EDITS = {
    "as downloaded": lambda head: head,
    "the id row deleted": lambda head: [head[0], head[1], head[3]],
    "the id row moved to the top": lambda head: [head[2], head[0], head[1], head[3]],
    "the id row moved under the example": lambda head: [head[0], head[1], head[3], head[2]],
    "the section row deleted": lambda head: [head[1], head[2], head[3]],
    "the section row and the example deleted": lambda head: [head[1], head[2]],
    "the id row shown between the sections and the labels": lambda head: [head[0], head[2], head[1], head[3]],
}


@pytest.fixture(scope="module")
def downloaded(ruleset):
    return {lang: pipeline.screen_upload(ruleset, "province", lang, text=template_csv(ruleset, lang, EDITS["as downloaded"]))
            for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("edit", list(EDITS))
def test_a_template_whose_heading_rows_were_edited_gives_the_same_list(ruleset, downloaded, edit, lang):
    plan = pipeline.screen_upload(ruleset, "province", lang, text=template_csv(ruleset, lang, EDITS[edit]))
    expected = downloaded[lang]
    assert len(plan["rows"]) == len(PROJECTS)
    assert [(r["verdict"], r["missing"]) for r in plan["rows"]] == [("eligible", [])] * len(PROJECTS)
    assert figures(plan) == figures(expected) and plan["eligible"] == len(PROJECTS)
    assert [r["reasons"] for r in plan["rows"]] == [r["reasons"] for r in expected["rows"]]
    assert not plan["unknown_columns"] and not plan["notes"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_several_directions_share_with_nothing_to_tell_them_apart_refuse_the_file(ruleset, lang):
    text = template_csv(ruleset, lang, lambda head: [head[1], head[3]])  # labels only: no ids, no sections
    with pytest.raises(BatchError) as caught:
        pipeline.screen_upload(ruleset, "province", lang, text=text)
    assert caught.value.code == "unidentified_columns"
    message = caught.value.message(lang)
    labels = sheet_template._rows(ruleset, lang)[1]
    shared = {label for label in labels if labels.count(label) > 1}
    assert shared and all(label in message for label in shared)
    # Each column named by its letter as the spreadsheet shows it.
    first = labels.index(sorted(shared, key=labels.index)[0])
    assert sheet_template._letter(first + 1) in message


def test_an_xlsx_template_whose_id_row_was_deleted_gives_the_same_list(ruleset, tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(sheet_template.template_xlsx(ruleset, "zh")))
    sheet = book.worksheets[0]
    sheet.row_dimensions[3].hidden = False
    sheet.delete_rows(3)  # the hidden id row, shown then deleted
    for row in project_rows(ruleset, "zh"):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    plan = pipeline.screen_upload(ruleset, "province", "zh", data=out.getvalue())
    assert [(r["verdict"], r["missing"]) for r in plan["rows"]] == [("eligible", [])] * len(PROJECTS)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_shared_label_copied_under_another_directions_title_is_refused_not_taken_twice(ruleset, lang):
    """Without the id row, a copy of one direction's "cases" column pasted into another direction's group would be
    read as that direction's, beside the real one: two columns for one question are refused, naming both."""
    sections, labels, ids, example = sheet_template._rows(ruleset, lang)
    shared = [i for i, column in enumerate(ids) if column.endswith("_cases")]
    first, other = shared[0], shared[-1]
    order = list(range(len(ids)))
    order.insert(order.index(other) + 1, first)  # a copy of the first direction's column, after the other's
    copied = lambda row, blank=False: [("" if blank and n == order.index(other) + 1 else row[i])  # noqa: E731
                                       for n, i in enumerate(order)]
    out = io.StringIO()
    csv.writer(out).writerows([copied(sections, blank=True), copied(labels), copied(example)]
                              + [copied(row) for row in project_rows(ruleset, lang)])
    with pytest.raises(BatchError) as caught:
        pipeline.screen_upload(ruleset, "province", lang, text=out.getvalue())
    assert caught.value.code == "duplicate_columns"
    message = caught.value.message(lang)
    assert message.count(labels[other]) == 2, message
