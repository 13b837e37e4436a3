"""Reading a unit's file from its bytes (checker/sheet_io.py), the one reader both doors use: encodings,
separators and kinds of file told by their bytes, the same rows whichever door and encoding."""

import base64
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from checker import api, sheet_io
from checker.sheet_errors import BatchError
from checker.strings import s

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "screening" / "candidates-province.csv"


def encodings():
    """The province fixture as Chinese offices save it: UTF-8, GB18030 ("CSV" from Chinese Excel), UTF-16 with its
    byte-order mark ("Unicode text"), and with semicolons (some locales' "CSV")."""
    text = FIXTURE.read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    semi = io.StringIO()
    csv.writer(semi, delimiter=";").writerows(rows)
    return {"utf-8": text.encode("utf-8"), "gb18030": text.encode("gb18030"),
            "utf-16": b"\xff\xfe" + text.encode("utf-16-le"), "semicolon": semi.getvalue().encode("utf-8")}


FILES = encodings()


def rows_of(plan):
    return [(r["row"], r["verdict"], r["quota_status"], r["project_name"]) for r in plan["rows"]]


def via_api(data, name):
    request = {"type": "batch", "call": "2022", "lang": "zh", "unit_kind": "province", "file_name": name,
               "file": base64.b64encode(data).decode("ascii")}
    response = json.loads(api.handle(json.dumps(request)))
    assert response["ok"], response
    return response["result"]


def via_cli(data, name, tmp_path):
    path = tmp_path / name
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-m", "checker", "batch", str(path), "--unit-kind", "province",
                           "--format", "json"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout), done.stderr


def test_every_encoding_gives_the_same_rows_through_both_doors(tmp_path):
    expected = rows_of(via_api(FILES["utf-8"], "list.csv"))
    assert len(expected) > 10
    for encoding, data in FILES.items():
        assert rows_of(via_api(data, f"{encoding}.csv")) == expected, encoding
        plan, _stderr = via_cli(data, f"{encoding}.csv", tmp_path)
        assert rows_of(plan) == expected, encoding


def test_a_guessed_encoding_and_a_separator_are_said_once():
    notes = {k: [n["code"] for n in via_api(d, "x.csv")["notes"]] for k, d in FILES.items()}
    assert "encoding" in notes["gb18030"] and "encoding" not in notes["utf-8"] and "encoding" not in notes["utf-16"]
    assert "separator" in notes["semicolon"]
    message = next(n["message"] for n in via_api(FILES["gb18030"], "x.csv")["notes"] if n["code"] == "encoding")
    assert "GB18030" in message


def _docx():
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize("kind, data", [
    ("image", b"\x89PNG\r\n\x1a\n" + bytes(200)),
    ("image", b"\xff\xd8\xff\xe0" + bytes(200)),
    ("pdf", b"%PDF-1.7\n" + bytes(200)),
    ("docx", _docx()),
])
def test_another_kind_of_file_is_named_for_what_it_is(ruleset, kind, data):
    """Never its bytes as a header ("读到的表头：塒NG"), never "该 .xlsx 文件" for a Word document."""
    with pytest.raises(BatchError) as refused:
        sheet_io.read_upload(ruleset, data)
    assert refused.value.code == "wrong_kind"
    for lang in ("zh", "en"):
        message = refused.value.message(lang)
        assert s("batch.file_kind." + kind, lang) in message and ".xlsx" in message
        assert "NG" not in message and "表头" not in message


def test_a_file_larger_than_the_one_limit_is_refused_before_reading(ruleset):
    from checker import limits

    with pytest.raises(BatchError) as refused:
        sheet_io.read_upload(ruleset, b"a," * (limits.MAX_FILE_BYTES // 2 + 1))
    assert refused.value.code == "too_large_bytes"


def test_a_workbook_without_its_packages_asks_the_worker_to_load_them(tmp_path):
    """In the browser openpyxl is loaded only when needed: the checker, not the worker, tells that a request needs
    it (answer code needs_workbook); here openpyxl is made unimportable as it is in a fresh worker."""
    book = openpyxl.Workbook()
    book.active.append(["project_name"])
    buffer = io.BytesIO()
    book.save(buffer)
    request = {"type": "batch", "call": "2022", "lang": "en", "unit_kind": "province",
               "file": base64.b64encode(buffer.getvalue()).decode("ascii")}
    code = ("import sys, json; sys.modules['openpyxl'] = None; from checker import api; "
            f"print(api.handle(json.dumps({request!r})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    response = json.loads(done.stdout)
    assert response["ok"] is False and response["error"]["code"] == "needs_workbook", response
    csv_request = dict(request, file=base64.b64encode(FILES["utf-8"]).decode("ascii"))
    code = ("import sys, json; sys.modules['openpyxl'] = None; from checker import api; "
            f"print(api.handle(json.dumps({csv_request!r})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert json.loads(done.stdout)["ok"] is True  # a CSV never needs it
