"""Excel workbooks (.xlsx) in and out. openpyxl is imported here only, and only when a workbook is read or
written, so the checker page and a CSV-only visit never need it (the browser loads its wheel on demand).

Old binary workbooks (.xls, and WPS's .et) and OpenDocument spreadsheets (.ods) are told apart by their first bytes
(checker/filekind.py), not their name, and read by checker/old_workbook.py (python-calamine) into the same lines.
"""

import datetime
import io
import re
import unicodedata
import zipfile

from . import limits
from .filekind import sniff

# Column widths, in Excel's units (about one Latin character; a Chinese character takes two).
MIN_WIDTH, MAX_WIDTH = 8, 60
# The characters XML 1.0 forbids (what openpyxl refuses with IllegalCharacterError): C0 controls but tab, LF, CR.
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_safe(value):
    """A cell value a workbook can hold: a vertical tab or form feed (a line break pasted from Word) becomes a line
    break, any other forbidden control character is dropped. Other values pass unchanged."""
    if not isinstance(value, str) or not XML_FORBIDDEN.search(value):
        return value
    return XML_FORBIDDEN.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", value)


def needs_cleaning(value):
    """Whether xml_safe() changes `value` (the export says how many cells it changed)."""
    return isinstance(value, str) and XML_FORBIDDEN.search(value) is not None


class WorkbookError(Exception):
    """A workbook that cannot be read; `code` names the interface string batch.<code>, `values` fill it."""

    def __init__(self, code, **values):
        super().__init__(code)
        self.code, self.values = code, values


def cell_text(value):
    """A cell's value as the text a person typed: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return (value.date() if value.time() == datetime.time() else value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _check_archive(data):
    """Refuse what is not a workbook, or would unpack into far more than its size (a zip bomb), before openpyxl."""
    if len(data) > limits.MAX_XLSX_BYTES:
        raise WorkbookError("too_large_bytes", size=len(data), limit=limits.MAX_XLSX_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookError("bad_xlsx") from None
    if "xl/workbook.xml" not in names:
        raise WorkbookError("bad_xlsx")
    if unpacked > limits.MAX_XLSX_UNPACKED:
        raise WorkbookError("too_large_bytes", size=unpacked, limit=limits.MAX_XLSX_UNPACKED)


def read_lines(data):
    """[(row number, [cell text])] of the first visible sheet that holds any data, bounded like a CSV file."""
    found = sniff(data)
    if found != "xlsx":  # an old .xls/.et or an .ods is read by checker/old_workbook.py (sheet_io chooses)
        raise WorkbookError("bad_xlsx")
    _check_archive(data)
    import openpyxl  # only here: a CSV never needs it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl's own errors, KeyError for a missing part: not a usable workbook
        raise WorkbookError("bad_xlsx") from None
    try:
        return first_sheet_lines(lambda: [lambda sheet=sheet: _sheet_lines(sheet)
                                          for sheet in book.worksheets if sheet.sheet_state == "visible"], "bad_xlsx")
    finally:
        book.close()


def first_sheet_lines(sheets, bad):
    """The lines of the first visible sheet that holds any data, else []: `sheets()` lists a function reading each
    one's lines. A reader's own error, other than a WorkbookError, is the file's `bad` one (the .xlsx and the old
    workbook readers share it)."""
    try:
        for lines_of in sheets():
            lines = lines_of()
            if lines:
                return lines
        return []
    except WorkbookError:
        raise
    except Exception:
        raise WorkbookError(bad) from None


def _sheet_lines(sheet):
    """The sheet's non-blank rows, read row by row as the file has them. Its <dimension> is ignored: one that claims
    A1:XFD1048576 made openpyxl pad a million empty rows of 16,384 cells, and one that understates the data made it
    drop rows without a word. Every row looked at counts, blank ones too, so the work is bounded by the limits."""
    sheet.reset_dimensions()
    return bounded_lines(enumerate(sheet.iter_rows(values_only=True), start=1))


def bounded_lines(rows):
    """[(row number, [cell text])] of (row number, cell values) pairs, without blank rows and trailing blank cells,
    bounded like a CSV file (the .xlsx and the old workbook readers share it)."""
    lines, chars, counted = [], 0, 0
    for number, row in rows:
        if number > limits.MAX_SHEET_ROWS:
            raise WorkbookError("too_many_sheet_rows", limit=limits.MAX_SHEET_ROWS)
        cells = [cell_text(value) for value in row[:limits.MAX_COLUMNS]]
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            continue
        for cell in cells:
            if len(cell) > limits.MAX_CELL_CHARS:
                raise WorkbookError("cell_too_large", row=number, limit=limits.MAX_CELL_CHARS)
            chars += len(cell)
        if chars > limits.MAX_CSV_CHARS:
            raise WorkbookError("too_large", size=chars, limit=limits.MAX_CSV_CHARS)
        lines.append((number, cells))
        # Counted as the CSV reader counts: # comment rows are bounded by the rows looked through (above), not by
        # the project rows (a list of 1,000 projects with a comment row each was refused as a workbook, not as CSV).
        counted += not cells[0].lstrip().startswith("#")
        if counted > limits.MAX_CSV_ROWS + limits.MAX_HEADER_ROWS:
            raise WorkbookError("too_many_rows", limit=limits.MAX_CSV_ROWS)
    return lines


def write(sheets):
    """The .xlsx bytes of `sheets`, each a dict:
    title; rows (lists of cell values; text is always stored as text, never run as a formula); hidden (bool);
    widths {column number: width}; merges [(row, first column, last column)]; bold_rows, hidden_rows (row numbers);
    freeze ("A5"); comments {(row, column): text}; lists [(column number, first row, last row, source, strict)]
    where source is a range text such as "'_lists'!$A$1:$A$3"; numbers [(column, first row, last row, min, max, whole)];
    wrap (bool); autofilter (first row, last row: the whole width); fit_from (a row number: widths fit the text
    from that row on, unless given)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = book.create_sheet(spec["title"])
        for values in spec.get("rows", ()):
            sheet.append([None if v in (None, "") else xml_safe(v) for v in values])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # "=..." typed by a person stays text (no formula injection)
                if spec.get("wrap"):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in spec.get("bold_rows", ()):
            for cell in sheet[row]:
                cell.font = bold
        for row in spec.get("hidden_rows", ()):
            sheet.row_dimensions[row].hidden = True
        widths = dict(_fitted(spec["rows"][spec["fit_from"] - 1:]) if "fit_from" in spec else {}, **spec.get("widths", {}))
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = width
        for row, first, last in spec.get("merges", ()):
            if last > first:
                sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        for (row, column), text in spec.get("comments", {}).items():
            sheet.cell(row=row, column=column).comment = Comment(xml_safe(text), "")
        for column, first, last, source, strict in spec.get("lists", ()):
            rule = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=strict)
            rule.add(f"{get_column_letter(column)}{first}:{get_column_letter(column)}{last}")
            sheet.add_data_validation(rule)
        for column, first, last, low, high, whole in spec.get("numbers", ()):
            operator = "between" if high is not None else "greaterThanOrEqual"
            rule = DataValidation(type="whole" if whole else "decimal", operator=operator, formula1=str(low),
                                  formula2=None if high is None else str(high), allow_blank=True)
            rule.add(f"{get_column_letter(column)}{first}:{get_column_letter(column)}{last}")
            sheet.add_data_validation(rule)
        if spec.get("freeze"):
            sheet.freeze_panes = spec["freeze"]
        if spec.get("autofilter"):
            first, last = spec["autofilter"]
            sheet.auto_filter.ref = f"A{first}:{get_column_letter(sheet.max_column)}{last}"
        if spec.get("hidden"):
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fitted(rows):
    """{column number: width} that shows each column's longest line (up to MAX_WIDTH; wide characters count two)."""
    widths = {}
    for row in rows:
        for number, value in enumerate(row, start=1):
            for line in str("" if value is None else value).splitlines() or [""]:
                size = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                widths[number] = min(MAX_WIDTH, max(widths.get(number, MIN_WIDTH), size + 1))
    return widths
