"""Bounds on what one request, answers file or CSV may hold, and on a guide search query (stated in README.md,
section "Limits").

Chosen from real use with room to spare: a call has a few dozen questions, a text answer at most a few hundred
characters, a recommending unit screens tens of candidates against a quota of at most ten, and a search query is
a few words. Anything larger is refused with a message naming the limit (a search query is searched by its first
characters, and the page says so), so no input can make the checker (or the visitor's tab) spin.
"""

MAX_REQUEST_CHARS = 8_000_000  # the JSON text of one request to checker.api.handle
MAX_DEPTH = 32                 # nesting of arrays and objects in a request or an answers file
MAX_ID_CHARS = 200             # a request's id (echoed back)
MAX_ANSWERS = 500              # entries in one answers mapping
MAX_VALUE_CHARS = 10_000       # characters in one answer (text questions have their own, smaller max_length)
MAX_LIST_ITEMS = 100           # items in one multiple-choice answer
MAX_ERRORS = 50                # problems listed one by one in an error; the rest are counted
MAX_SHOWN_CHARS = 80           # characters of a wrong value quoted back in a message
MAX_ROWS_NAMED = 10            # rows a row's note names as the same applicant (more are shown as "…")
MAX_CSV_CHARS = 5_000_000      # characters of a CSV file to screen
MAX_CSV_ROWS = 1_000           # candidate rows in one CSV file (the header and # comment rows not counted)
MAX_CELL_CHARS = 10_000        # characters in one CSV cell
MAX_COLUMNS = 200              # columns of a sheet read (a list has a few dozen; the rest of a row is cut)
MAX_HEADER_ROWS = 10           # rows above the header (titles, section names) looked through to find it
MAX_SHEET_ROWS = 5_000         # rows of a sheet or CSV file looked through, blank and # comment rows included
MAX_SHEET_CELLS = 1_000_000    # cells of one sheet's data area (rows x columns) an .xls/.ods may span (it is built whole)
MAX_FILE_BYTES = 5_000_000     # bytes of a file to screen, CSV or workbook (a list of MAX_CSV_ROWS rows is far smaller)
MAX_XLSX_BYTES = MAX_FILE_BYTES  # (the same limit, by the name the workbook reader uses)
MAX_XLSX_UNPACKED = 100_000_000  # bytes its parts may unpack to (a zip bomb is refused before it is opened)
MIN_LOOSE_CHARS = 2            # a cell read loosely as part of an option's label must have at least this many
MAX_YAML_CHARS = 1_000_000     # characters of a YAML file (answers or policy data)
MAX_YAML_NODES = 100_000       # nodes of a YAML document, aliases counted as what they expand to
MAX_NAME_CHARS = 200           # a recommending unit's name, typed on the screening page for the export
MAX_SEARCH_QUERY_CHARS = 200   # characters of a guide search query searched (the rest is cut, and the page says so)


def shorten(value, limit=MAX_SHOWN_CHARS):
    """A value as short text for a message: at most `limit` characters, cut with an ellipsis."""
    if isinstance(value, (dict, list)):
        text = "{…}" if isinstance(value, dict) else "[…]"
    else:
        try:
            text = str(value)
        except ValueError:  # an int too long to print
            text = "…"
    return text if len(text) <= limit else text[:limit - 1] + "…"
