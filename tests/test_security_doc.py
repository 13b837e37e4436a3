"""SECURITY.md promises nothing a test does not check: every promise row names at least one test, and every test it
names exists (a renamed or deleted test makes this fail, so the document cannot outlive its proof)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "SECURITY.md"
# `tests/x.py::test_a` names a test; a following `::test_b` in the same cell names another test of that file;
# `tests/x.py` alone names a whole file.
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+))?`")


def references(text):
    """[(file, test name or None)] in the order written; a bare ::name belongs to the last file named before it."""
    found, last = [], None
    for match in REFERENCE.finditer(text):
        path, name = match.groups()
        if path is None and name is None:
            continue
        if path is None:
            assert last, f"`::{name}` names no file before it in SECURITY.md"
            path = last
        last = path
        found.append((path, name))
    return found


def promise_rows(text):
    """The promise table's rows (after its header and separator), as their cells."""
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[2:] if not row.startswith("| ---")]


def test_every_promise_names_a_test():
    rows = promise_rows(DOC.read_text(encoding="utf-8"))
    assert len(rows) >= 5, "the promise table was not found in SECURITY.md"
    without = [row[0][:80] for row in rows if not references(row[-1])]
    assert not without, f"promises in SECURITY.md naming no test: {without}"


def test_every_test_named_exists():
    text = DOC.read_text(encoding="utf-8")
    named = references(text)
    assert len(named) >= 20, "too few test references found: has SECURITY.md's notation changed?"
    missing = []
    for path, name in named:
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
        elif name and not re.search(rf"^(async )?def {name}\(", file.read_text(encoding="utf-8"), re.M):
            missing.append(f"{path}::{name}")
    assert not missing, f"SECURITY.md names tests that do not exist: {missing}"


def test_the_reference_reader_takes_a_bare_name_for_the_file_before_it():
    assert references("`tests/a.py::test_x`, `::test_y`; `tests/b.py` and `x`") == [
        ("tests/a.py", "test_x"), ("tests/a.py", "test_y"), ("tests/b.py", None)]
