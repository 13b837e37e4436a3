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
from checker.loose import fold
from checker.sheet_errors import BatchError
from checker.strings import s

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


def template_csv(ruleset, lang, edit, old=False):
    """The CSV template (section row, labels, ids, example) edited by `edit`, then the projects. `old`: as
    templates were written before issue 29, a label several directions share written plain over each of them."""
    sections, labels, ids, example = sheet_template._rows(ruleset, lang)
    if old:
        labels = [sheet_template.plain_label(ruleset, column, lang) for column in ids]
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
    "the id row and the section row deleted": lambda head: [head[1], head[3]],
}
# Edits after which an older template's plain shared labels still have the id row or the section row over them.
TOLD_APART = [edit for edit in EDITS if edit != "the id row and the section row deleted"]


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
@pytest.mark.parametrize("edit", TOLD_APART)
def test_an_older_template_with_shared_labels_still_gives_the_same_list(ruleset, downloaded, edit, lang):
    """Templates downloaded before the labels were made unique keep working: the id row or the section row tells
    their shared labels apart."""
    plan = pipeline.screen_upload(ruleset, "province", lang, text=template_csv(ruleset, lang, EDITS[edit], old=True))
    assert [(r["verdict"], r["missing"]) for r in plan["rows"]] == [("eligible", [])] * len(PROJECTS)
    assert figures(plan) == figures(downloaded[lang])
    assert not plan["unknown_columns"] and not plan["notes"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_label_of_the_template_names_one_column_in_either_language(ruleset, lang):
    """Unique labels (issue 29): a shared label is prefixed with its direction, numbered as the data numbers it;
    no two labels of the template are read as the same heading, and each is read as its own column."""
    _sections, labels, ids, _example = sheet_template._rows(ruleset, lang)
    folded = [fold(label) for label in labels]
    assert len(set(folded)) == len(folded), [label for label in labels if folded.count(fold(label)) > 1]
    reader = sheet_template.HeaderReader(ruleset)
    assert [reader.column(label) for label in labels] == ids
    plain = [sheet_template.plain_label(ruleset, column, lang) for column in ids]
    prefixed = [(column, label) for column, label, was in zip(ids, labels, plain) if label != was]
    assert {column for column, _label in prefixed} == {c for c, was in zip(ids, plain) if plain.count(was) > 1} != set()
    for column, label in prefixed:
        direction = ruleset.directions[sheet_template._direction_of(ruleset, column)]
        assert label == s("batch.template.label_in_direction", lang, number=direction["number"],
                          label=sheet_template.plain_label(ruleset, column, lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("ids_kept", [True, False], ids=["id row kept", "id row deleted"])
def test_rows_and_columns_reordered_give_the_same_figures(ruleset, downloaded, lang, ids_kept):
    """Columns moved about in a spreadsheet (a whole column, its section cell with it) and the projects sorted
    differently: the same figures and the same verdict for each project, with or without the id row."""
    sections, labels, ids, example = sheet_template._rows(ruleset, lang)
    order = list(range(len(ids)))[::-1]  # every column moved, the shared-label ones away from their section title
    moved = lambda row: [row[i] for i in order]  # noqa: E731
    head = [sections, labels, ids, example] if ids_kept else [sections, labels, example]
    out = io.StringIO()
    csv.writer(out).writerows([moved(row) for row in head] + [moved(row) for row in project_rows(ruleset, lang)[::-1]])
    plan = pipeline.screen_upload(ruleset, "province", lang, text=out.getvalue())
    expected = downloaded[lang]
    assert figures(plan) == figures(expected)
    verdicts = lambda p: sorted((r["applicant_name"], r["verdict"], r["missing"], r["reasons"]) for r in p["rows"])  # noqa: E731
    assert verdicts(plan) == verdicts(expected)
    assert not plan["unknown_columns"] and not plan["notes"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_several_directions_share_with_nothing_to_tell_them_apart_refuse_the_file(ruleset, lang):
    """An older template (plain shared labels) with neither its id row nor its section row."""
    text = template_csv(ruleset, lang, lambda head: [head[1], head[3]], old=True)
    with pytest.raises(BatchError) as caught:
        pipeline.screen_upload(ruleset, "province", lang, text=text)
    assert caught.value.code == "unidentified_columns"
    message = caught.value.message(lang)
    labels = [sheet_template.plain_label(ruleset, column, lang) for column in sheet_template._rows(ruleset, lang)[2]]
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
@pytest.mark.parametrize("old", [True, False], ids=["older template", "unique labels"])
def test_a_shared_label_copied_under_another_directions_title_is_refused_not_taken_twice(ruleset, lang, old):
    """Without the id row, a copy of one direction's "cases" column pasted into another direction's group is read
    as that direction's (an older template's plain label, under that title) or as its own (a unique label), beside
    the real one: two columns for one question are refused, naming both."""
    sections, labels, ids, example = sheet_template._rows(ruleset, lang)
    if old:
        labels = [sheet_template.plain_label(ruleset, column, lang) for column in ids]
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
    assert message.count(labels[other if old else first]) == 2, message
