"""Reading a unit's list: the file's bytes as they come from the page or the command line (CSV in UTF-8, UTF-16 or
GB18030, with a comma, semicolon or tab; a workbook), told apart by their bytes, never by the file's name, into the
rows screen() reads. The one place an upload is decoded and sniffed; both doors call it.
"""

import codecs
import csv
import io

from . import limits
from . import sheet_template
from .filekind import sniff
from .sheet_errors import BatchError
from .strings import s


def read_csv_lines(text):
    """Split CSV text into ([(row number, cells)], separator), skipping blank rows; the separator is a comma, or a
    semicolon or tab when the first row has those and no comma (as some spreadsheet programs save "CSV").

    Reads what spreadsheet programs save: LF, CRLF or CR (old Excel for Mac) line ends, line breaks inside quoted
    cells. Bounded by checker/limits.py (file size, rows, cell size); a row that cannot be read is named.
    """
    if not isinstance(text, str):
        raise BatchError("not_text")
    if len(text) > limits.MAX_CSV_CHARS:
        raise BatchError("too_large", size=len(text), limit=limits.MAX_CSV_CHARS)
    text = text.lstrip("\ufeff")
    separator = _separator(text)
    # newline=None reads CR, LF and CRLF alike, inside quoted cells too (csv itself refuses a bare CR there).
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=separator)
    lines, number, counted = [], 0, 0
    while True:
        number += 1  # the row as a spreadsheet numbers it (a cell's line breaks stay in one row)
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise BatchError("cell_too_large", row=number, limit=limits.MAX_CELL_CHARS) from None
            raise BatchError("bad_row", row=number) from None
        if number > limits.MAX_SHEET_ROWS:  # blank and # comment rows count too: a file of them is bounded work
            raise BatchError("too_many_sheet_rows", limit=limits.MAX_SHEET_ROWS)
        if any(len(cell) > limits.MAX_CELL_CHARS for cell in cells):
            raise BatchError("cell_too_large", row=number, limit=limits.MAX_CELL_CHARS)
        if not any(c.strip() for c in cells):
            continue
        lines.append((number, cells[:limits.MAX_COLUMNS]))
        counted += not cells[0].lstrip().startswith("#")
        if counted > limits.MAX_CSV_ROWS + limits.MAX_HEADER_ROWS:
            raise BatchError("too_many_rows", limit=limits.MAX_CSV_ROWS)
    return lines, separator


SEPARATORS = (",", ";", "\t")  # the first is CSV's own; the others are read, and said


def _separator(text):
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," in first:
        return ","
    counts = {sep: first.count(sep) for sep in SEPARATORS[1:]}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv_rows(text):
    """(header, [(row number, cells)]) of CSV text: the first row is the header; # comment rows are skipped."""
    lines, _separator = read_csv_lines(text)
    if not lines:
        raise BatchError("no_header")
    header = [cell.strip() for cell in lines[0][1]]
    body = [(n, cells) for n, cells in lines[1:] if not cells[0].lstrip().startswith("#")]
    if len(body) > limits.MAX_CSV_ROWS:
        raise BatchError("too_many_rows", limit=limits.MAX_CSV_ROWS)
    return header, body


def read_sheet(ruleset, text=None, data=None):
    """A unit's list, from CSV text or the bytes of a workbook: {columns, header, rows, notes}, where columns holds
    a column id (or None) per position and notes the file-level remarks (a separator other than a comma, columns
    not known, columns missing). Raises BatchError for a file that holds no list to screen."""
    notes = []
    if data is not None:
        from . import workbook

        try:
            kind = sniff(data)
            if kind in ("ole2", "ods"):  # an old .xls/.et or an .ods: python-calamine's reader
                from . import old_workbook

                lines = old_workbook.read_lines(data, kind)
            else:
                lines = workbook.read_lines(data)
        except workbook.WorkbookError as exc:
            raise BatchError(exc.code, **exc.values) from None
    else:
        lines, separator = read_csv_lines(text)
        if separator != ",":
            name = SEPARATOR_NAMES[separator]
            notes.append(("separator", {"separator": lambda lang: s("batch.separator." + name, lang)}))
    if not lines:
        raise BatchError("no_header")
    found, header, body, reader = sheet_template.locate(ruleset, lines)
    if found is None:
        if any(sep in cell for cell in header for sep in SEPARATORS[1:]):
            raise BatchError("separator_unknown")
        seen = [limits.shorten(c) for c in header if c.strip()][:limits.MAX_ERRORS]
        raise BatchError("foreign_header", expected=reader.expected,
                         seen=lambda lang: s("batch.list_sep", lang).join(seen))
    if not body:
        raise BatchError("no_rows")
    if len(body) > limits.MAX_CSV_ROWS:
        raise BatchError("too_many_rows", limit=limits.MAX_CSV_ROWS)
    unknown = [cell for cell, column in zip(header, found) if cell and column is None]
    if unknown:
        notes.append(("unknown_columns", {"columns": lambda lang: s("batch.list_sep", lang).join(unknown)}))
    present = set(found)
    missing = [q for q in ruleset.order if ruleset.questions[q]["required"] and q not in present
               and ruleset.questions[q].get("show_if") is None]
    if missing:
        notes.append(("missing_columns", {"columns": lambda lang: s("batch.list_sep", lang).join(
            sheet_template.column_label(ruleset, q, lang) for q in missing)}))
    return {"columns": found, "header": header, "rows": body, "notes": notes}


SEPARATOR_NAMES = {";": "semicolon", "\t": "tab"}


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(data):
    """(text, the encoding's name when it is worth saying) of a text file: UTF-8 or UTF-16 by their byte-order mark,
    else UTF-8, else GB18030 (Chinese Excel and WPS save "CSV" so; said, so a wrong guess can be seen)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding.replace("-sig", "")), None  # a BOM says it: nothing to guess
            except UnicodeDecodeError:
                raise BatchError("not_text") from None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError:
        raise BatchError("not_text") from None


def read_upload(ruleset, data):
    """A unit's file as its bytes came (from the page or the command line), read by what it is: CSV text in any of
    the encodings above, or a workbook. Another kind of file is named for what it is (an image, a PDF, a Word
    document), never read as a header. The one limit on its size is limits.MAX_FILE_BYTES."""
    if not isinstance(data, (bytes, bytearray)):
        raise BatchError("not_text")
    if len(data) > limits.MAX_FILE_BYTES:
        raise BatchError("too_large_bytes", size=len(data), limit=limits.MAX_FILE_BYTES)
    kind = sniff(bytes(data[:limits.MAX_FILE_BYTES]))
    if kind in ("xlsx", "ole2", "ods"):  # .xlsx (openpyxl), an old .xls/.et or an .ods (python-calamine)
        return read_sheet(ruleset, data=bytes(data))
    if kind != "text":
        raise BatchError("wrong_kind", kind=lambda lang: s("batch.file_kind." + kind, lang))
    text, encoding = decode(bytes(data))
    sheet = read_sheet(ruleset, text=text)
    if encoding:
        sheet["notes"].insert(0, ("encoding", {"encoding": encoding}))
    return sheet
