"""Every reader and check linear in what it is given (issue 32): a unit's list of any allowed shape, CSV or .xlsx,
screened and exported through the entry both doors call (checker.pipeline.screen_upload, on the file's bytes), does
work in proportion to its rows.

Generated lists (hypothesis), each screened at n, 2n and 4n rows (the same n rows repeated, so every row costs what
it cost before, unless the checker does per row work that grows with the list):

* CSV in UTF-8 (with and without BOM), UTF-16 (BOM) or GB18030; comma, semicolon or tab; CRLF, LF or CR line ends;
  the ids header or the template's four header rows; # comment rows and blank rows between the projects;
  applicants that repeat (one applicant on many rows, by name, by code or both) or all distinct; names up to the
  cell limit; cells typed as ids or as the template's labels; some rows with errors.
* .xlsx with the same rows, the projects at sparse row numbers (empty rows between them, within the rows looked
  through), some with a stray cell far to the right, and a <dimension> that is forged (A1:XFD1048576), understated
  or missing.

What is measured is counted, not timed, so it is deterministic on a busy machine: the loop iterations the checker's
own code runs (sys.monitoring JUMP events in checker/, which counts every pass of a for or while loop and of a
comprehension), the calls to loose.fold and the characters it folds, the rows and cells openpyxl yields, and the size
of what the doors send back (the plan as JSON and its CSV export). For each, the work per added row from 2n to 4n
must not exceed the work per added row from n to 2n by more than RATIO: work that grows with the square of the rows
(every row compared with every other, or every row naming all the rows of its applicant) makes the second slope
about twice the first once it matters, while linear work keeps them equal.

Characters given to fold() are bounded too: each cell folded at most once (issue 32: fold each name once).

One test times the page's door (checker.api.handle) on the worst shapes, as a ratio of the fastest of a few runs
(CPU time) at 250 and 1,000 rows, with a bound (8) far above linear (4) so a shared 2-core machine does not make it
flake, yet below what a quadratic reader takes (about 16).
"""

import base64
import contextlib
import csv
import io
import json
import os
import re
import sys
import time
from unittest import mock

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

import checker
from checker import api, limits, loose, pipeline, sheet_template
from checker.export import result_csv
from checker.loader import call_dir, load_bundle
from checker.ruleset import Ruleset
from test_batch import answers as case_answers
from test_workbook import _with_sheet_xml, label_cells

RULESET = Ruleset(load_bundle(call_dir("2022")))
IDS = [c for c, _group in sheet_template.columns(RULESET)]  # the template's column order
UNITS = [u["id"] for u in RULESET.quota["units"]]
BASES = [case_answers(c) for c in ("eligible_d5", "eligible_d4", "advanced_unsure", "priorities_blank",
                                   "planned_project", "dcmm_level_5")]
# Applicants as lists name them: (name, credit code); some are one applicant written two ways, one name has two codes.
APPLICANTS = [("甲公司", "91A"), ("甲公司", ""), ("", "91a"), ("乙公司", "91B"), ("乙公司", "91C"), ("丙公司", ""),
              ("ＡＢＣ 数据 Co", "")]
NAME_LETTERS = "甲乙丙丁数据公司ＡＢＣabc 　"  # wide and narrow forms, spaces: what fold() works on
ENCODINGS = {"utf-8": 3, "utf-8-sig": 3, "utf-16": 2, "gb18030": 2}  # the most bytes a name's character takes
SEPARATORS = [",", ";", "\t"]
LINE_ENDS = ["\r\n", "\n", "\r"]
SIZES = (1, 2, 4)  # the list at n, 2n and 4n rows
MAX_N = limits.MAX_CSV_ROWS // SIZES[-1]
RATIO = 1.25  # the slope from 2n to 4n over the slope from n to 2n: 1 when linear, towards 2 when quadratic
SETTINGS = dict(deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate, Phase.target],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])


# ------------------------------------------------------------------------------------------------ the lists

@st.composite
def lists(draw):
    """A list's shape: n project rows (each a dict of column id -> cell text), comment and blank rows between them,
    how applicants repeat and how long their names are, in which language the cells and header are typed."""
    n = draw(st.integers(20, MAX_N))
    lang = draw(st.sampled_from(["zh", "en"]))
    rows = []
    for i in range(n):
        answers = dict(draw(st.sampled_from(BASES)))
        if draw(st.integers(0, 9)) == 0:
            answers["projects_filed"] = draw(st.sampled_from(["many", "-1", "1.5"]))  # a row with an error
        typed = label_cells(RULESET, answers, lang) if draw(st.booleans()) else answers
        name, code = draw(st.sampled_from(APPLICANTS))
        rows.append({"cells": dict(cell_texts(typed), applicant_name=name, credit_code=code), "comment": draw(st.integers(0, 5)) == 0,
                     "blank": draw(st.integers(0, 5)) == 0, "gap": draw(st.integers(0, 2)), "far": draw(st.integers(0, 9)) == 0})
    return {"n": n, "lang": lang, "rows": rows,
            "applicants": draw(st.sampled_from(["repeat", "repeat", "distinct"])),
            "long": draw(st.sampled_from([0.0, 0.0, 0.5, 1.0])),  # a share of the longest name that fits the limits
            "header": draw(st.sampled_from(["ids", "template"])), "unit": draw(st.sampled_from(UNITS))}


def cell_texts(answers):
    return {k: ";".join(v) if isinstance(v, list) else str(v) for k, v in answers.items()}


def body(shape, copies, name_chars):
    """The list's project rows repeated `copies` times, as (cells in IDS order, comment before?, blank before?, gap,
    far): names made `name_chars` long, and distinct in every row when the shape says so."""
    out = []
    long = (NAME_LETTERS * (name_chars // len(NAME_LETTERS) + 1))[:name_chars]
    for copy in range(copies):
        for i, row in enumerate(shape["rows"]):
            cells = dict(row["cells"], project_name=f"P{copy}-{i}")
            number = copy * len(shape["rows"]) + i
            if shape["applicants"] == "distinct":
                cells["applicant_name"] = f"{cells['applicant_name'] or '丁'}{number}"
                cells["credit_code"] = f"{cells['credit_code']}{number}" if cells["credit_code"] else ""
            if long and cells["applicant_name"]:
                cells["applicant_name"] = long[:max(0, name_chars - len(cells["applicant_name"]))] + cells["applicant_name"]
            out.append(([cells.get(c, "") for c in IDS], row["comment"], row["blank"], row["gap"], row["far"]))
    return out


def header_rows(shape, separator=","):
    """The ids row, or the template's four rows (sections, labels, ids, the example row) in the list's language
    (a section title may hold a comma, so a file with another separator starts with the ids row, as people's do)."""
    if shape["header"] == "ids" or separator != ",":
        return [IDS]
    return list(csv.reader(io.StringIO(sheet_template.template_csv(RULESET, shape["lang"]).lstrip("\ufeff"))))


def name_budget(shape, bytes_per_char, row_bytes):
    """The longest applicant name that keeps the 4n list within the file limit (and the cell limit)."""
    rows = shape["n"] * SIZES[-1]
    per_row = int(limits.MAX_FILE_BYTES * 0.9) // rows - row_bytes
    return max(0, min(limits.MAX_CELL_CHARS, per_row // bytes_per_char))


def csv_file(shape, copies, encoding, separator, line_end):
    """(the file's bytes, the characters of its text)."""
    text = csv_text(shape, copies, separator, line_end, name_chars=csv_name_chars(shape, encoding, separator))
    return text.encode(encoding), len(text)


def csv_name_chars(shape, encoding, separator):
    plain = csv_text(shape, 1, separator, "\r\n", name_chars=0)
    row_bytes = (max(len(line) for line in plain.splitlines()) + 40) * ENCODINGS[encoding]  # with its comment row
    return int(shape["long"] * name_budget(shape, ENCODINGS[encoding], row_bytes))


def csv_text(shape, copies, separator, line_end, name_chars):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator=line_end)
    writer.writerows(header_rows(shape, separator))
    for number, (cells, comment, blank, _gap, _far) in enumerate(body(shape, copies, name_chars)):
        if comment:
            writer.writerow([f"# 说明 note {number}"])
        if blank:
            writer.writerow([""] * (number % 3))
        writer.writerow(cells)
    return out.getvalue()


DIMENSIONS = {"forged": '<dimension ref="A1:XFD1048576"/>', "understated": '<dimension ref="A1:B1"/>', "missing": ""}


def xlsx_file(shape, copies, dimension):
    """(the list as a workbook, the characters of its text as CSV): the header rows, then each project at its own
    row number (gaps of empty rows, a comment row), some with a stray cell in the last column; its <dimension>
    replaced as `dimension` says."""
    name_chars = int(shape["long"] * name_budget(shape, 1, 2_000))
    book = openpyxl.Workbook()
    sheet = book.active
    number = 0
    for row in header_rows(shape):
        number += 1
        for column, value in enumerate(row, start=1):
            if value:
                sheet.cell(number, column, value)
    for index, (cells, comment, _blank, gap, far) in enumerate(body(shape, copies, name_chars)):
        number += 1 + gap
        if comment:
            sheet.cell(number, 1, f"# 说明 note {index}")
            number += 1
        for column, value in enumerate(cells, start=1):
            if value:
                sheet.cell(number, column, value)
        if far:
            sheet.cell(number, 16_384, "x")  # openpyxl yields this row 16,384 cells wide
    assert number <= limits.MAX_SHEET_ROWS
    buffer = io.BytesIO()
    book.save(buffer)
    data = _with_sheet_xml(buffer.getvalue(), lambda xml: re.sub(r"<dimension [^>]*/>", DIMENSIONS[dimension], xml))
    return data, len(csv_text(shape, copies, ",", "\n", name_chars))


# ------------------------------------------------------------------------------------------------ counting the work

CHECKER_DIR = os.path.dirname(checker.__file__) + os.sep


def rules_folded():
    """The characters fold() is given for the rule set's own spellings (headers, options), once per screen."""
    with counted_work() as tally:
        sheet_template.HeaderReader(RULESET)
        loose.CellReader(RULESET)
    return tally["folded_chars"]


@contextlib.contextmanager
def counted_work():
    """{loops, folds, folded_chars, sheet_rows, sheet_cells} of what runs inside: the checker's loop iterations,
    loose.fold's calls and the characters given to it (wherever a module imported it), the rows and cells openpyxl's
    read-only sheet yields."""
    tally = dict(loops=0, folds=0, folded_chars=0, sheet_rows=0, sheet_cells=0)
    monitoring = sys.monitoring
    tool = next(t for t in (4, 2, 5) if monitoring.get_tool(t) is None)  # hypothesis uses 3, coverage 1

    def jump(code, _source, _destination):
        if code.co_filename.startswith(CHECKER_DIR):
            tally["loops"] += 1
            return None
        return monitoring.DISABLE  # never asked again for code outside the checker

    fold = loose.fold

    def counted_fold(text):
        tally["folds"] += 1
        tally["folded_chars"] += len(str(text))
        return fold(text)

    cells_by_row = ReadOnlyWorksheet._cells_by_row

    def counted_rows(self, *args, **kwargs):
        for row in cells_by_row(self, *args, **kwargs):
            tally["sheet_rows"] += 1
            tally["sheet_cells"] += len(row)
            yield row

    modules = [m for name, m in sys.modules.items() if name.startswith("checker") and getattr(m, "fold", None) is fold]
    with contextlib.ExitStack() as stack:
        for module in modules:
            stack.enter_context(mock.patch.object(module, "fold", counted_fold))
        stack.enter_context(mock.patch.object(ReadOnlyWorksheet, "_cells_by_row", counted_rows))
        monitoring.use_tool_id(tool, "linear-time test")
        try:
            monitoring.register_callback(tool, monitoring.events.JUMP, jump)
            monitoring.set_events(tool, monitoring.events.JUMP)
            monitoring.restart_events()
            yield tally
        finally:
            monitoring.set_events(tool, 0)
            monitoring.register_callback(tool, monitoring.events.JUMP, None)
            monitoring.free_tool_id(tool)


RULES_FOLDED = rules_folded()


def screened(file, shape, copies):
    """The work of screening `file` (its bytes, the characters of its text) as a door does (the plan, its CSV
    export, the plan as the JSON sent back), and the plan; `sent` is the size of what is sent back. Every cell is
    folded at most once, the header's at most three times (a section row? a header? which column?), each row's
    first cell but a few characters more (an example row?), and the rule set's own spellings once."""
    data, chars = file
    with counted_work() as tally:
        plan = pipeline.screen_upload(RULESET, shape["unit"], shape["lang"], data=data, file_name="list")
        exported = result_csv(plan, shape["lang"])
    tally["sent"] = len(json.dumps(plan, ensure_ascii=False, default=str)) + len(exported)
    assert plan["rows_total"] == copies * shape["n"]  # every project screened; comments, blanks, header not
    header = sum(map(len, sum(header_rows(shape), [])))
    lines = copies * shape["n"] * 3 + len(header_rows(shape))
    bound = RULES_FOLDED + chars + 2 * header + 64 * lines
    assert tally["folded_chars"] <= bound, (
        f"a cell folded more than once: {tally['folded_chars']:,} characters folded for a file of {chars:,} "
        f"(at most {bound:,})")
    return tally, plan


def assert_linear(works, n, what):
    """Each count's work per added row, n -> 2n and 2n -> 4n: the second no more than RATIO times the first."""
    for key in works[0]:
        c1, c2, c4 = (w[key] for w in works)
        first, second = (c2 - c1) / n, (c4 - c2) / (2 * n)
        assert second <= RATIO * first + 0.01, (
            f"{what}: {key} grows faster than the rows: {c1:,} at {n} rows, {c2:,} at {2 * n}, {c4:,} at {4 * n} "
            f"({first:.1f} per added row, then {second:.1f})")


# ------------------------------------------------------------------------------------------------ the properties

@settings(max_examples=10, **SETTINGS)
@given(shape=lists(), encoding=st.sampled_from(sorted(ENCODINGS)), separator=st.sampled_from(SEPARATORS),
       line_end=st.sampled_from(LINE_ENDS))
def test_a_csv_list_is_screened_in_time_linear_in_its_rows(shape, encoding, separator, line_end):
    works = []
    for copies in SIZES:
        file = csv_file(shape, copies, encoding, separator, line_end)
        assert len(file[0]) <= limits.MAX_FILE_BYTES
        work, _plan = screened(file, shape, copies)
        assert work["sheet_rows"] == 0
        works.append(work)
    assert_linear(works, shape["n"], f"CSV {encoding} {separator!r}")


@settings(max_examples=5, **SETTINGS)
@given(shape=lists(), dimension=st.sampled_from(sorted(DIMENSIONS)))
def test_an_xlsx_list_is_screened_in_time_linear_in_its_rows(shape, dimension):
    works = []
    for copies in SIZES:
        work, plan = screened(xlsx_file(shape, copies, dimension), shape, copies)
        last_row = max(plan["rows"], key=lambda r: r["row"])["row"]
        # openpyxl yields the rows the file has (not the million its <dimension> may claim), each no wider than
        # its last cell: the reader's work is bounded by what the file holds.
        assert work["sheet_rows"] <= last_row
        assert work["sheet_cells"] <= work["sheet_rows"] * 16_384
        works.append(work)
    assert_linear(works, shape["n"], f"xlsx, dimension {dimension}")


# ------------------------------------------------------------------------------------------------ timed, as a ratio

ONE_APPLICANT = {"n": MAX_N, "lang": "zh", "applicants": "repeat", "long": 1.0, "header": "template", "unit": "province",
                 "rows": [{"cells": dict(cell_texts(case_answers("eligible_d5")), applicant_name="甲公司", credit_code=""),
                           "comment": True, "blank": True, "gap": 1, "far": False}] * MAX_N}
DISTINCT = dict(ONE_APPLICANT, applicants="distinct", long=0.5)
# A list of MAX_N rows, repeated `copies` times: every row names one applicant (each name as long as the limits let
# the 4 times longer list be), or every row another.
TIMED = {
    "csv, one applicant": lambda copies: csv_file(ONE_APPLICANT, copies, "utf-8", ",", "\r\n"),
    "csv, all distinct": lambda copies: csv_file(DISTINCT, copies, "gb18030", ";", "\n"),
    "xlsx, forged dimension": lambda copies: xlsx_file(ONE_APPLICANT, copies, "forged"),
}


@pytest.mark.parametrize("kind", sorted(TIMED))
def test_the_page_door_takes_time_linear_in_the_rows(kind):
    """checker.api.handle (what the page's worker calls: the file as base64, the plan and its export back) at
    250 and 1,000 rows: the fastest of 3 runs each, 4 times the rows take less than 8 times as long (linear: 4;
    quadratic: about 16; the bound leaves room for a shared machine). The time is this process's CPU time, which
    other processes on the machine do not lengthen as they do the wall clock's."""
    def fastest(copies):
        request = json.dumps({"id": 1, "call": "2022", "type": "batch", "unit_kind": "province", "lang": "zh",
                              "file": base64.b64encode(TIMED[kind](copies)[0]).decode("ascii"), "as_of": "2022-04-20"})
        times = []
        for _ in range(3):
            start = time.process_time()
            response = json.loads(api.handle(request))
            times.append(time.process_time() - start)
            assert response["ok"] and response["result"]["rows_total"] == copies * MAX_N, response.get("error")
        return min(times)

    small, large = fastest(1), fastest(SIZES[-1])
    assert large / small < 8, f"{kind}: {MAX_N} rows {small:.3f} s, {SIZES[-1] * MAX_N} rows {large:.3f} s"
