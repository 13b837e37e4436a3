"""Old binary workbooks (.xls, and WPS's .et: OLE2 compound files) and OpenDocument spreadsheets (.ods), read with
python-calamine. It is imported here only, and only when such a file is opened, so the checker page, a CSV and an
.xlsx never need it (the browser loads its wheel on demand: the checker answers `needs_workbook` naming the package
set "calamine", checker/api.py). .xlsx stays with openpyxl (checker/workbook.py), which also writes.

calamine builds a whole sheet in memory, as wide and as tall as its farthest cell, and for .xls and .ods it reads
every sheet when the file is opened: a 6 KB .xls with one cell in A1 and one in IV65536 made it take 1 GB. So before
calamine sees a file, its cells' positions are read here (the .xls cell records through the OLE2 container, the .ods
content.xml as a stream) and a file whose data reaches past limits.MAX_SHEET_ROWS rows, or spans more than
limits.MAX_SHEET_CELLS cells in one sheet, is refused by that bound, as a CSV or an .xlsx would be.
"""

import io
import struct
import zipfile
from xml.etree import ElementTree

from . import limits
from .workbook import WorkbookError, bounded_lines, first_sheet_lines

NAMES = {"ole2": "xls", "ods": "ods"}


def read_lines(data, kind):
    """[(row number, [cell text])] of the first visible sheet that holds any data of an .xls/.et ("ole2") or .ods
    ("ods") file, bounded like a CSV file; WorkbookError bad_xls / bad_ods / encrypted_workbook / the limits."""
    bad = "bad_" + NAMES[kind]
    if len(data) > limits.MAX_XLSX_BYTES:
        raise WorkbookError("too_large_bytes", size=len(data), limit=limits.MAX_XLSX_BYTES)
    (_check_xls if kind == "ole2" else _check_ods)(data)
    import python_calamine  # only here: a CSV or an .xlsx never needs it

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise WorkbookError("encrypted_workbook") from None
    except Exception:  # CalamineError ("Cannot detect file format"), or a panic surfaced as an exception
        raise WorkbookError(bad) from None
    with book:
        # iter_rows() starts at A1 (the rows above the data come as blank rows): row numbers as shown.
        return first_sheet_lines(lambda: [
            lambda index=index: bounded_lines(enumerate(book.get_sheet_by_index(index).iter_rows(), start=1))
            for index, meta in enumerate(book.sheets_metadata)
            if meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet], bad)


def _check_area(rows, columns):
    """Refuse a sheet whose data reaches row `rows` and column `columns` (1-based) before calamine builds it."""
    if rows > limits.MAX_SHEET_ROWS:
        raise WorkbookError("too_many_sheet_rows", limit=limits.MAX_SHEET_ROWS)
    if rows * columns > limits.MAX_SHEET_CELLS:
        raise WorkbookError("sheet_too_large", rows=rows, columns=columns, limit=limits.MAX_SHEET_CELLS)


# ------------------------------------------------------------------------------------------------------------ .xls

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
# BIFF8 records that hold a cell (row and column are their first two 16-bit numbers); calamine places these.
_CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x00BD, 0x0201, 0x00BE, 0x0205, 0x0204, 0x00D6}
_MULTI = {0x00BD: 6, 0x00BE: 2}  # MULRK, MULBLANK: first column, then one entry (of this size) per column
_BOF, _FILEPASS = 0x0809, 0x002F


class _Damaged(Exception):
    pass


def _check_xls(data):
    """The farthest cell of each sheet of an .xls/.et, from its BIFF cell records; an encrypted one is said."""
    try:
        names, stream = _ole_streams(data)
    except (_Damaged, struct.error, IndexError, ValueError):
        raise WorkbookError("bad_xls") from None
    if "EncryptionInfo" in names or "EncryptedPackage" in names:  # an .xlsx with a password to open it
        raise WorkbookError("encrypted_workbook")
    book = stream("Workbook") or stream("Book")
    if book is None:  # a Word .doc, say: an OLE2 file that holds no workbook
        raise WorkbookError("bad_xls")
    rows = columns = 0
    position = 0
    while position + 4 <= len(book):
        record, size = struct.unpack_from("<HH", book, position)
        body = book[position + 4:position + 4 + size]
        position += 4 + size
        if record == _FILEPASS:
            raise WorkbookError("encrypted_workbook")
        if record == _BOF:
            if rows:
                _check_area(rows, columns)
            rows = columns = 0
        elif record in _CELL_RECORDS and len(body) >= 4:
            row, column = struct.unpack_from("<HH", body)
            if record in _MULTI and len(body) >= 6:
                column += max(0, (len(body) - 6) // _MULTI[record] - 1)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
    if rows:
        _check_area(rows, columns)


def _ole_streams(data):
    """({entry names}, stream(name) -> bytes or None) of an OLE2 compound file, every chain bounded by its size."""
    if len(data) < 512:
        raise _Damaged()
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if sector_shift not in (9, 12) or mini_shift != 6:
        raise _Damaged()
    size = 1 << sector_shift
    count = (len(data) - 512 + size - 1) // size  # sectors the file holds: no chain is longer
    first_dir, = struct.unpack_from("<I", data, 0x30)
    cutoff, first_minifat, _n_minifat, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)

    def sector(number):
        start = 512 + number * size
        if number >= count:
            raise _Damaged()
        return data[start:start + size]

    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    difat, seen = first_difat, 0
    while difat not in (_FREE, _END) and seen < n_difat:
        block = sector(difat)
        fat_sectors += struct.unpack_from(f"<{size // 4 - 1}I", block)
        difat, = struct.unpack_from("<I", block, size - 4)
        seen += 1
    fat = []
    for number in fat_sectors:
        if number in (_FREE, _END):
            continue
        fat += struct.unpack(f"<{size // 4}I", sector(number))
        if len(fat) > count + size:
            break

    def chain(start, table, limit):
        out, current = [], start
        while current not in (_FREE, _END):
            if len(out) > limit or current >= len(table):
                raise _Damaged()
            out.append(current)
            current = table[current]
        return out

    directory = b"".join(sector(n) for n in chain(first_dir, fat, count))
    entries = {}
    for offset in range(0, len(directory) - 127, 128):
        name_size, kind = struct.unpack_from("<HB", directory, offset + 64)
        if kind not in (1, 2, 5) or not 2 <= name_size <= 64:
            continue
        name = directory[offset:offset + name_size - 2].decode("utf-16-le", "replace")
        start, length = struct.unpack_from("<II", directory, offset + 116)
        entries.setdefault(name if kind != 5 else "\0root", (start, length))
    root = entries.get("\0root")

    def stream(name):
        if name not in entries:
            return None
        start, length = entries[name]
        if length > len(data):
            raise WorkbookError("bad_xls")
        try:
            if length >= cutoff or root is None:
                return b"".join(sector(n) for n in chain(start, fat, count))[:length]
            mini_stream = b"".join(sector(n) for n in chain(root[0], fat, count))
            minifat = []
            for n in chain(first_minifat, fat, count):
                minifat += struct.unpack(f"<{size // 4}I", sector(n))
            return b"".join(mini_stream[n * 64:n * 64 + 64] for n in chain(start, minifat, len(minifat)))[:length]
        except (_Damaged, struct.error):
            raise WorkbookError("bad_xls") from None

    return set(entries), stream


# ------------------------------------------------------------------------------------------------------------ .ods

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CELLS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")


def _repeat(element, attribute):
    try:
        return max(1, int(element.get(_TABLE + attribute, "1")))
    except ValueError:
        raise WorkbookError("bad_ods") from None


def _check_ods(data):
    """Refuse a zip bomb, then the farthest cell holding anything of each table in content.xml (repeated rows and
    columns counted as calamine expands them)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > limits.MAX_XLSX_UNPACKED:
                raise WorkbookError("too_large_bytes", size=unpacked, limit=limits.MAX_XLSX_UNPACKED)
            with archive.open("content.xml") as content:
                _scan_ods(content)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
        raise WorkbookError("bad_ods") from None


def _scan_ods(content):
    row = rows = columns = 0
    for event, element in ElementTree.iterparse(content, events=("start", "end")):
        if element.tag == _TABLE + "table" and event == "start":
            row = rows = columns = 0
        elif element.tag == _TABLE + "table" and event == "end":
            if rows:
                _check_area(rows, columns)
            element.clear()
        elif element.tag == _TABLE + "table-row" and event == "end":
            repeat, column, last = _repeat(element, "number-rows-repeated"), 0, 0
            for cell in element:
                if cell.tag not in _CELLS:
                    continue
                width = _repeat(cell, "number-columns-repeated")
                if cell.get(_OFFICE + "value-type") is not None or len(cell):
                    last = column + width
                column += width
            if last:
                rows, columns = row + repeat, max(columns, last)
                _check_area(rows, columns)
            row += repeat
            element.clear()
