"""The list a recommending unit fills in: its columns, the template made for people (CSV and .xlsx, in either
language), and finding the header again in a filled-in file.

Layout, the same in both formats: a row of section names over their columns, a row of column labels (what
people read), a row of column ids (hidden in the .xlsx; it lets a file round-trip whatever language or order its
labels are in), a filled example row (skipped on reading: its first cell starts with the example marker), then
the projects. The first columns pass through untouched (applicant, credit code, contact); the questions follow
grouped by section, and the questions of one direction under that direction's name.
"""

import csv
import io
import string
import weakref

from . import buckets, groups, kinds, limits
from .conditions import evaluate
from .engine import decide
from .loose import fold
from .sheet_errors import BatchError
from .strings import LANGS, s

PASS_THROUGH = ("applicant_name", "credit_code", "contact")  # kept and shown, never decided on
LISTS_SHEET = "_lists"


def pass_through(ruleset):
    """The columns before the questions: PASS_THROUGH, then those the call's data asks for: the members of an
    applicant that is a group (when applicants may be), the extra quota a row is filed under (per extra quota)."""
    group = (groups.COLUMN,) if ruleset.screening.get("applicant_group") else ()
    return PASS_THROUGH + group + buckets.columns(ruleset)


def column_label(ruleset, column, lang):
    """What a column's header says: its plain label, prefixed with its direction (or section) when other columns
    of the template share that label, so that every label names one column even when the id row is deleted
    (issue 29: "方向1：本方向中的角色")."""
    label = plain_label(ruleset, column, lang)
    return _prefixed(ruleset, column, lang, label) if column in _shared_columns(ruleset) else label


def plain_label(ruleset, column, lang):
    """A column's label without any prefix (as templates before issue 29 wrote it): a pass-through column's name, a
    question's short name (else its label)."""
    if column in PASS_THROUGH:
        return s("batch.column." + column, lang)
    if column == groups.COLUMN and ruleset.screening.get("applicant_group"):
        group = ruleset.screening["applicant_group"]
        return s("batch.column.members", lang, group=group["name"][lang], members=group["members"][lang])
    extra = buckets.extra_of(ruleset, column)
    if extra is not None:
        return s("batch.column.extra", lang, per=extra["per"][lang])
    question = ruleset.questions[column]
    return question.get("short", question["label"])[lang]


def _prefixed(ruleset, column, lang, label):
    """`label` under the name of the direction (its number, as the guide numbers directions) or else the section
    the column belongs to."""
    section_id, direction = dict(columns(ruleset))[column]
    if direction is not None:
        return s("batch.template.label_in_direction", lang, number=ruleset.directions[direction]["number"], label=label)
    return s("batch.template.label_in_section", lang, section=group_title(ruleset, (section_id, None), lang), label=label)


_SHARED = weakref.WeakKeyDictionary()  # rule set -> the columns whose plain label another column shares


def _shared_columns(ruleset):
    """The columns whose plain label, in either language, is another column's too (compared as the reader
    compares headers): worked out once per rule set, as messages name columns row by row."""
    if ruleset not in _SHARED:
        owners = {}
        for column, _group in columns(ruleset):
            for lang in LANGS:
                owners.setdefault(fold(plain_label(ruleset, column, lang)), set()).add(column)
        _SHARED[ruleset] = frozenset().union(*(cols for cols in owners.values() if len(cols) > 1))
    return _SHARED[ruleset]


def columns(ruleset):
    """[(column id, group)] in the template's order; a group is (section id, direction id or None)."""
    out = [(c, ("applicant", None)) for c in pass_through(ruleset)]
    for qid in ruleset.order:
        out.append((qid, (ruleset.questions[qid]["section"], _direction_of(ruleset, qid))))
    return out


def _direction_of(ruleset, qid):
    """The direction a question is asked for (through its show_if chain), or None."""
    seen = set()
    while qid not in seen:
        seen.add(qid)
        show_if = ruleset.questions[qid].get("show_if") or {}
        if show_if.get("op") != "eq" or show_if.get("q") not in ruleset.questions:
            return None
        if show_if["q"] == ruleset.direction_question:
            return show_if["arg"]
        qid = show_if["q"]
    return None


def group_title(ruleset, group, lang):
    section_id, direction = group
    section = next((x for x in ruleset.sections if x["id"] == section_id), None)
    # The columns before the questions sit under the call's section of that id when it has one (2022's), else
    # under the interface's word for them: never under a bare id.
    title = section["title"][lang] if section else s("batch.template.applicant_section", lang)
    if direction is None:
        return title
    return s("batch.template.group_direction", lang, section=title, direction=ruleset.directions[direction]["title"][lang])


def _spans(ruleset, lang):
    """[(first column number, last column number, title)] of the section row."""
    spans = []
    for number, (_column, group) in enumerate(columns(ruleset), start=1):
        title = group_title(ruleset, group, lang)
        if spans and spans[-1][2] == title:
            spans[-1][1] = number
        else:
            spans.append([number, number, title])
    return spans


def _answer_text(ruleset, qid, value, lang):
    question = ruleset.questions[qid]
    if kinds.of(question).choice:
        return kinds.of(question).format(question, value, lang, "batch.template.list_sep")
    return value


def example_answers(ruleset):
    """A project that meets the rules, found from the data: question by question, the first answer (options in
    order; for counts the least value any rule names) under which no rule fails and most rules pass. Optional
    questions are left out."""
    answers = {}
    for qid in ruleset.order:
        question = ruleset.questions[qid]
        show_if = question.get("show_if")
        if not question["required"] or (show_if and evaluate(show_if, answers, ruleset.questions) is not True):
            continue
        tries = kinds.of(question).example_tries(question, list(_numbers_for(ruleset, qid)))
        if tries:  # the first answer under which no rule fails and most rules pass
            answers[qid] = max(tries, key=lambda v: _score(ruleset, dict(answers, **{qid: v})))
    return answers


def _numbers_for(ruleset, qid):
    stack = [r["require"] for r in ruleset.rules] + [r["applies_if"] for r in ruleset.rules if "applies_if" in r]
    while stack:
        cond = stack.pop()
        if "q" in cond:
            arg = cond.get("arg")
            arg = arg.get("value") if isinstance(arg, dict) else arg
            if cond["q"] == qid and isinstance(arg, (int, float)) and not isinstance(arg, bool):
                yield arg
        else:
            stack.extend(cond.get("all", []) + cond.get("any", []) + ([cond["not"]] if "not" in cond else []))


def _score(ruleset, answers):
    outcomes = [outcome for _rule, outcome in decide(ruleset, answers, explore=False).outcomes]
    return ("fail" not in outcomes, outcomes.count("pass"))


def _rows(ruleset, lang):
    """The template's four rows: sections, labels, ids, the example."""
    cols = [c for c, _g in columns(ruleset)]
    sections = [""] * len(cols)
    for first, _last, title in _spans(ruleset, lang):
        sections[first - 1] = title
    labels = [column_label(ruleset, c, lang) for c in cols]
    example = example_answers(ruleset)
    filled = {c: s("batch.template.example." + c, lang) for c in PASS_THROUGH}
    if groups.COLUMN in cols:  # the example is a group: its members in the cell's format
        filled[groups.COLUMN] = s("batch.template.example.members", lang)
    filled["applicant_name"] = s("batch.template.example_marker", lang) + filled["applicant_name"]
    filled["project_name"] = s("batch.template.example.project_name", lang)
    filled.update({q: _answer_text(ruleset, q, v, lang) for q, v in example.items()})
    return sections, labels, cols, [str(filled.get(c, "")) for c in cols]


def template_csv(ruleset, lang="zh"):
    """The template as CSV (UTF-8 with a BOM, so Excel and WPS read the Chinese)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(_rows(ruleset, lang))
    return "\ufeff" + out.getvalue()


def choices(ruleset, qid, lang):
    """The labels a choice column's drop-down offers, or None."""
    question = ruleset.questions[qid]
    return kinds.of(question).template_choices(question, lang)


def _comment(ruleset, column, lang):
    if column in PASS_THROUGH:
        return s("batch.template.pass_through_note", lang)
    if column == groups.COLUMN:
        group = ruleset.screening["applicant_group"]
        return s("batch.template.members_note", lang, group=group["name"][lang], members=group["members"][lang],
                 applicant=s("batch.column.applicant_name", lang), example=s("batch.template.example.members", lang))
    extra = buckets.extra_of(ruleset, column)
    if extra is not None:
        units = s("batch.list_sep", lang).join(u["label"][lang] for u in ruleset.quota["units"] if u["id"] in extra["within"])
        return s("batch.template.extra_note", lang, per=extra["per"][lang], name=extra["name"][lang],
                 quota=extra["quota"], units=units, clause=extra["citation"]["clause"][lang])
    question = ruleset.questions[column]
    parts = [question["label"][lang]]
    if question["kind"] == "multi":
        parts.append(s("batch.template.multi_note", lang, sep=s("batch.template.list_sep", lang)))
    if "help" in question:
        parts.append(question["help"][lang])
    return "\n".join(parts)


def template_xlsx(ruleset, lang="zh"):
    """The template as an .xlsx workbook: the list (ids in a hidden row, drop-downs of the option labels, the full
    question as each header's comment) and a hidden sheet holding the drop-downs' lists."""
    from . import workbook

    sections, labels, cols, example = _rows(ruleset, lang)
    head = [sections, labels, cols]
    first_data = len(head) + 1  # the example row, then the projects
    last = first_data + limits.MAX_CSV_ROWS
    lists_rows, lists, numbers = [], [], []
    for number, column in enumerate(cols, start=1):
        passed = column in pass_through(ruleset)
        options = choices(ruleset, column, lang) if not passed else None
        if options:
            col = len(lists_rows[0]) + 1 if lists_rows else 1
            _put_column(lists_rows, col, options)
            letter = _letter(col)
            source = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(options)}"
            lists.append((number, first_data, last, source, ruleset.questions[column]["kind"] != "multi"))
        elif not passed and kinds.of(ruleset.questions[column]).template_number_check(ruleset.questions[column]):
            low, high, whole = kinds.of(ruleset.questions[column]).template_number_check(ruleset.questions[column])
            numbers.append((number, first_data, last, low, high, whole))
    spans = _spans(ruleset, lang)
    sheets = [{
        "title": s("batch.template.sheet", lang),
        "rows": head + [example],
        "bold_rows": [1, 2], "hidden_rows": [len(head)], "freeze": f"{_letter(len(pass_through(ruleset)) + 1)}{first_data}",
        "fit_from": 2,
        "merges": [(1, first, last_col) for first, last_col, _t in spans],
        "comments": {(2, n): _comment(ruleset, c, lang) for n, c in enumerate(cols, start=1)},
        "lists": lists, "numbers": numbers,
    }, {"title": LISTS_SHEET, "rows": lists_rows, "hidden": True}]
    return workbook.write(sheets)


def _put_column(rows, col, values):
    for i, value in enumerate(values):
        while len(rows) <= i:
            rows.append([])
        rows[i] += [""] * (col - 1 - len(rows[i])) + [value]
    for row in rows:
        row += [""] * (col - len(row))


def _letter(number):
    """A column's letters (1 -> A, 27 -> AA), as spreadsheet ranges name it."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, len(string.ascii_uppercase))
        letters = string.ascii_uppercase[rest] + letters
    return letters


# ------------------------------------------------------------------------------------------------ reading it back

class HeaderReader:
    """Tells a column from its header cell: an id, or a label or short name in either language."""

    def __init__(self, ruleset):
        self.ruleset = ruleset
        passed = pass_through(ruleset)
        self.ids = set(passed) | set(ruleset.questions)
        self.names = {}
        for column in self.ids:
            spellings = [column] + [column_label(ruleset, column, lang) for lang in LANGS if column in passed]
            if column in ruleset.questions:
                q = ruleset.questions[column]
                spellings += [q["label"][lang] for lang in LANGS] + [q["short"][lang] for lang in LANGS if "short" in q]
            if column in _shared_columns(ruleset):  # the template's own label, and the full question so prefixed
                spellings += [column_label(ruleset, column, lang) for lang in LANGS]
                spellings += [_prefixed(ruleset, column, lang, ruleset.questions[column]["label"][lang])
                              for lang in LANGS if column in ruleset.questions]
            for spelling in {fold(x) for x in spellings}:
                self.names.setdefault(spelling, set()).add(column)
        # A label several columns share (each direction's "role") names none of them alone: the template prefixes
        # it with the direction ("方向1：本方向中的角色"); written plain (a template downloaded before), the id row
        # tells them apart, else the section row above them (the direction's name), else the file is refused.
        self.shared = {spelling: cols for spelling, cols in self.names.items() if len(cols) > 1}
        self.names = {spelling: cols.pop() for spelling, cols in self.names.items() if len(cols) == 1}
        self.group_of = {c: {fold(group_title(ruleset, g, lang)) for lang in LANGS} for c, g in columns(ruleset)}
        self.titles = set().union(*self.group_of.values())
        self.markers = [fold(s("batch.template.example_marker", lang)) for lang in LANGS]
        # No heading is longer than this: a longer cell (an applicant's name of thousands of characters in the row
        # under the headings) is told apart without folding it (each cell of a list is folded once: issue 32).
        self.longest = 2 * max(len(x) for x in [*self.names, *self.shared, *self.titles, *self.ids]) + 8

    def column(self, cell):
        return self.names.get(fold(cell))

    def knows(self, cell):
        """Whether a header cell is one of the template's spellings (of one column, or shared by several)."""
        return fold(cell) in self.names or fold(cell) in self.shared

    def resolve(self, cell, title):
        """The column a header cell names under the section title above it (folded, or None): the column, None for
        a column the template does not have, or the set of columns it could be when the title does not decide."""
        spelling = fold(cell)
        if spelling in self.names:
            return self.names[spelling]
        candidates = self.shared.get(spelling)
        if not candidates:
            return None
        under = {c for c in candidates if title in self.group_of[c]} if title else set()
        return next(iter(under)) if len(under) == 1 else set(candidates)

    def is_heading(self, cells):
        """A row of the template's own headings (labels, ids or section names), e.g. a label row moved below the
        id row: never a project."""
        filled = [c for c in cells if c.strip()]
        return bool(filled) and all(len(c) <= self.longest and (self.knows(c) or c.strip() in self.ids
                                                                  or fold(c) in self.titles) for c in filled)

    def is_section_row(self, cells):
        return all(fold(c) in self.titles for c in cells if c.strip())

    def is_id_row(self, cells):
        filled = [c.strip() for c in cells if c.strip()]
        return bool(filled) and all(c in self.ids for c in filled)

    def is_example(self, cells, at=None):
        """Whether a row is the template's example: its first filled cell, or its cell at position `at` (the
        applicant's name, once the columns are known: columns may have been moved), starts with the marker."""
        first = next((c for c in cells if c.strip()), "")
        named = cells[at] if at is not None and at < len(cells) else ""
        looked = (first,) if named in ("", first) else (first, named)  # most often one cell: folded once
        return any(_folded_start(cell, len(m)).startswith(m) for m in self.markers for cell in looked)

    def expected(self, lang):
        return s("batch.list_sep", lang).join(column_label(self.ruleset, c, lang) for c, _g in columns(self.ruleset))


def _folded_start(text, size):
    """fold(text) at least `size` characters long (or whole), folding no more of `text` than that takes: the first
    cell of a row is most often the applicant's name, up to limits.MAX_CELL_CHARS long, and it is folded once, when
    the rows naming one applicant are found (issue 32), not again here to see whether it starts with a marker."""
    end = size + 1
    while True:
        folded = fold(text[:end])
        if len(folded) > size or end >= len(text):
            return folded
        end *= 2  # white space folds to nothing: a longer piece, and the work stays linear in the cell


def locate(ruleset, lines):
    """(columns: a column id or None per position, header cells, the project rows, the reader) of a file's lines
    [(row number, cells)]. Rows before the header may be titles or the section row; the template's heading rows
    (labels, the id row, in any order, any of them deleted) are read together: a column is named by its id, else
    by its label, else by its label under the section above it (merged cells: a title covers the columns to its
    right up to the next one). Comment rows (#…) and the example row are skipped. columns is None when no header
    was found (then the header cells are those seen, for the caller's message). A label that names several columns
    with nothing to tell them apart raises BatchError("unidentified_columns"): guessing would count the wrong answers."""
    reader = HeaderReader(ruleset)
    index, sections = None, None
    for i, (_number, cells) in enumerate(lines[:limits.MAX_HEADER_ROWS]):
        filled = [c for c in cells if c.strip()]
        if not filled or filled[0].lstrip().startswith("#"):
            continue
        if reader.is_section_row(cells):
            sections = cells
            continue
        if any(reader.knows(c) or c.strip() in reader.ids for c in cells):
            index = i
        break
    if index is None:
        seen = next((cells for _n, cells in lines if any(c.strip() for c in cells)), [])
        return None, seen, [], reader
    headings = [lines[index][1]]
    rest = lines[index + 1:]
    while rest and len(headings) < limits.MAX_HEADER_ROWS and (reader.is_heading(rest[0][1])
                                                                or reader.is_example(rest[0][1])):
        cells = rest[0][1]
        if reader.is_example(cells):  # the example row, wherever the heading rows were moved around it
            rest = rest[1:]
            continue
        if reader.is_section_row(cells) and not any(reader.knows(c) for c in cells):
            sections = sections or cells
        else:
            headings.append(cells)
        rest = rest[1:]
    width = max(len(cells) for cells in headings)
    ids = next((cells for cells in headings if reader.is_id_row(cells)), [])
    labels = next((cells for cells in headings if cells is not ids), ids)
    header = [c.strip() for c in labels] + [""] * (width - len(labels))
    titles = _carried(sections or [], width)
    found, unidentified = [], []
    for position in range(width):
        given = ids[position].strip() if position < len(ids) else ""
        if given in reader.ids:
            found.append(given)
            continue
        column = reader.resolve(header[position], titles[position]) if header[position] else None
        if isinstance(column, set):
            unidentified.append((_letter(position + 1), limits.shorten(header[position])))
            column = None
        found.append(column)
    # Two columns taken for one question (a shared label moved under another direction's title, or a column copied):
    # which one holds the answers cannot be told, so neither is guessed.
    seen = {}
    for position, column in enumerate(found):
        seen.setdefault(column, []).append(position)
    twice = [(_letter(p + 1), limits.shorten(header[p] or (ids[p] if p < len(ids) else "")))
             for column, positions in seen.items() if column is not None and len(positions) > 1 for p in positions]
    for code, columns in (("unidentified_columns", unidentified), ("duplicate_columns", twice)):
        if columns:
            raise BatchError(code, columns=lambda lang, columns=columns: s("batch.list_sep", lang).join(
                s("batch.column_at", lang, letter=letter, label=label) for letter, label in columns[:limits.MAX_ERRORS]))
    name_at = found.index("applicant_name") if "applicant_name" in found else None  # where _rows puts the marker
    body = [(n, cells) for n, cells in rest if any(c.strip() for c in cells) and not cells[0].lstrip().startswith("#")
            and not reader.is_example(cells, name_at)]
    return found, header, body, reader


def _carried(sections, width):
    """The section title (folded) over each of `width` columns: a merged or CSV section cell names its own column
    and the blank ones to its right."""
    titles, current = [], None
    for position in range(width):
        cell = sections[position] if position < len(sections) else ""
        if cell.strip():
            current = fold(cell)
        titles.append(current)
    return titles
