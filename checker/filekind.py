"""What a file is, from its first bytes (its name may say anything): the one sniffer, used by the upload reader
(sheet_io) and the workbook reader (workbook). Zip archives are told apart by their parts."""

import io
import zipfile

ZIP_MAGIC = b"PK\x03\x04"
# Old binary workbooks (.xls, and WPS's .et) are OLE2 compound files.
OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_MAGIC = ((b"%PDF", "pdf"), (b"\x89PNG\r\n\x1a\n", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"),
          (OLE2_MAGIC, "ole2"))


def sniff(data):
    """"xlsx", "ods", "docx", "zip", "ole2" (an old .xls or .et), "pdf", "image" or "text"."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if not data.startswith(ZIP_MAGIC):
        return "text"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, ValueError, OSError, KeyError):
        return "xlsx"  # a damaged archive: the workbook reader says it cannot be read
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    if "word/document.xml" in names:
        return "docx"
    return "zip"
