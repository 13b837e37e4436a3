"""Old binary workbooks (.xls, WPS .et) and OpenDocument spreadsheets (.ods), read with python-calamine
(checker/old_workbook.py): the same rows and the same screening as the same list as CSV, through both doors; the
same bounds and the same kind of messages as an .xlsx; the browser's package set named only for such a file.

The .xls fixtures were written by xlwt and the .ods by hand (tests/fixtures/screening/make_old_workbooks.py): no
spreadsheet program is at hand here, and none writes a WPS .et."""

import base64
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from checker import api, filekind, old_workbook, sheet_io, workbook
from checker.sheet_errors import BatchError
from checker.strings import s

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "screening"


def plan_rows(plan):
    return [(r["row"], r["verdict"], r["quota_status"], r["project_name"], r.get("errors")) for r in plan["rows"]]


def via_api(data, name, lang="zh"):
    request = {"type": "batch", "call": "2022", "lang": lang, "unit_kind": "province", "file_name": name,
               "file": base64.b64encode(data).decode("ascii")}
    return json.loads(api.handle(json.dumps(request)))


def via_cli(path, *args):
    return subprocess.run([sys.executable, "-m", "checker", "batch", str(path), "--unit-kind", "province", *args],
                          cwd=REPO, capture_output=True, text=True)


@pytest.mark.parametrize("suffix, kind", [("xls", "ole2"), ("ods", "ods")])
def test_an_old_or_open_workbook_screens_as_its_csv_does(suffix, kind, tmp_path):
    data = (FIXTURES / f"candidates-province.{suffix}").read_bytes()
    assert filekind.sniff(data) == kind
    csv_data = (FIXTURES / "candidates-province.csv").read_bytes()
    expected = via_api(csv_data, "list.csv")
    got = via_api(data, f"名单.{suffix}")
    assert got["ok"], got
    assert plan_rows(got["result"]) == plan_rows(expected["result"]) and len(expected["result"]["rows"]) > 10
    assert got["result"]["source_name"] == f"名单.{suffix}"
    done = via_cli(FIXTURES / f"candidates-province.{suffix}", "--format", "json")
    csv_done = via_cli(FIXTURES / "candidates-province.csv", "--format", "json")
    assert "Traceback" not in done.stderr and done.returncode == csv_done.returncode, done.stderr
    assert plan_rows(json.loads(done.stdout)) == plan_rows(json.loads(csv_done.stdout))
    # The WPS name of the same OLE2 file, and a wrong name: read by the bytes.
    if suffix == "xls":
        for name in ("list.et", "renamed.xlsx"):
            (tmp_path / name).write_bytes(data)
            done = via_cli(tmp_path / name, "--format", "json")
            assert plan_rows(json.loads(done.stdout)) == plan_rows(json.loads(csv_done.stdout)), name


def test_cells_become_the_text_a_person_typed():
    """A date cell as YYYY-MM-DD, a whole number without .0, a fraction as it is, true/false as the .xlsx reader
    gives them; the row numbers are the sheet's."""
    lines = old_workbook.read_lines((FIXTURES / "typed.xls").read_bytes(), "ole2")
    header, (number, cells) = lines[0][1], lines[1]
    row = dict(zip(header, cells))
    assert number == 2 and row["project_name"] == "日期项目"
    assert row["filing_date"] == "2022-05-01" and row["projects_filed"] == "1" and row["d5_cases"] == "2.5"
    assert row["law_abiding"] == workbook.cell_text(True)


def test_a_hidden_sheet_is_skipped():
    lines = old_workbook.read_lines((FIXTURES / "candidates-province.xls").read_bytes(), "ole2")
    assert lines[0][0] == 1 and lines[0][1][0] == "project_name"


def _ods(rows_xml):
    make = _maker()
    out = io.BytesIO()
    make.ods_bytes({"s": rows_xml}, out)
    return out.getvalue()


def _maker():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_old_workbooks", FIXTURES / "make_old_workbooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_far_cell_is_refused_before_calamine_builds_the_sheet(ruleset):
    """6 KB of .xls with a cell in IV65536 (calamine would build 16 million cells: 1 GB), and .ods rows or columns
    repeated a million times: refused by the bounds, not read."""
    with pytest.raises(BatchError) as refused:
        sheet_io.read_upload(ruleset, (FIXTURES / "sparse.xls").read_bytes())
    assert refused.value.code == "too_many_sheet_rows"
    cell = _maker().ods_cell
    far_row = (f"<table:table-row>{cell('project_name')}</table:table-row>"
               '<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>'
               f"<table:table-row>{cell('x')}</table:table-row>")
    with pytest.raises(BatchError) as refused:
        sheet_io.read_upload(ruleset, _ods(far_row))
    assert refused.value.code == "too_many_sheet_rows"
    wide = (f"<table:table-row>{cell('project_name')}"
            f'<table:table-cell table:number-columns-repeated="16000"/>{cell("x")}</table:table-row>'
            '<table:table-row table:number-rows-repeated="4000">'
            f'<table:table-cell office:value-type="string" table:number-columns-repeated="2"><text:p>y</text:p>'
            "</table:table-cell></table:table-row>")
    with pytest.raises(BatchError) as refused:
        sheet_io.read_upload(ruleset, _ods(wide))
    assert refused.value.code == "sheet_too_large"
    for lang in ("zh", "en"):
        assert "16002" in refused.value.message(lang)


@pytest.mark.parametrize("data, code", [
    (filekind.OLE2_MAGIC + b"\0" * 504, "bad_xls"),            # an OLE2 header and nothing else
    ((FIXTURES / "candidates-province.xls").read_bytes()[:3000], "bad_xls"),  # cut short
])
def test_a_damaged_old_workbook_is_named_as_such(ruleset, data, code, tmp_path):
    with pytest.raises(BatchError) as refused:
        sheet_io.read_upload(ruleset, data)
    assert refused.value.code == code
    assert ".xls" in refused.value.message("zh") and ".xls" in refused.value.message("en")
    path = tmp_path / "list.xls"
    path.write_bytes(data)
    done = via_cli(path, "--lang", "en")
    assert done.returncode == 2 and s("batch.bad_xls", "en") in done.stderr and "Traceback" not in done.stderr


def test_a_damaged_ods_is_named_as_such(ruleset):
    good = (FIXTURES / "candidates-province.ods").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            text = source.read(info)
            archive.writestr(info, text[:len(text) // 2] if info.filename == "content.xml" else text)
    for data in (out.getvalue(), good.replace(b"content.xml", b"kontent.xml")):
        assert filekind.sniff(data) == "ods"
        with pytest.raises(BatchError) as refused:
            sheet_io.read_upload(ruleset, data)
        assert refused.value.code == "bad_ods"
        assert ".ods" in refused.value.message("zh") and ".ods" in refused.value.message("en")


def ole2_file(streams):
    """A minimal OLE2 compound file holding `streams` ({name: bytes}) in regular 512-byte sectors (enough for the
    reader's look at its entry names and chains; not a full writer)."""
    import struct

    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    sectors, fat = [], [0xFFFFFFFD, end]  # sector 0: the FAT, sector 1: the directory
    entries = [("Root Entry", 5, end, 0)]
    for name, data in streams.items():
        count = (len(data) + 511) // 512
        first = 2 + len(sectors)
        sectors += [data[i * 512:(i + 1) * 512].ljust(512, b"\0") for i in range(count)]
        fat += [first + i + 1 for i in range(count - 1)] + [end]
        entries.append((name, 2, first, len(data)))
    directory = b""
    for index, (name, kind, start, size) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        child = 1 if kind == 5 and len(entries) > 1 else free
        right = index + 1 if kind == 2 and index + 1 < len(entries) else free
        directory += (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, free, right, child)
                      + bytes(36) + struct.pack("<IQ", start, size))
    header = (filekind.OLE2_MAGIC + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0, 0))
    header += struct.pack("<108I", *[free] * 108)
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    return header + fat_sector + directory.ljust(512, b"\0") + b"".join(sectors)


def test_a_password_to_open_is_said(ruleset):
    """An .xlsx with a password to open is an OLE2 file holding EncryptionInfo: said as password-protected. (No
    encrypted .xls could be made here: the BIFF FILEPASS record is checked the same way, untested.)"""
    data = ole2_file({"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(60), "EncryptedPackage": bytes(5000)})
    with pytest.raises(BatchError) as refused:
        sheet_io.read_upload(ruleset, data)
    assert refused.value.code == "encrypted_workbook"
    assert "密码" in refused.value.message("zh") and "password" in refused.value.message("en")


@pytest.mark.parametrize("blocked, fixture, packages", [
    ("python_calamine", "candidates-province.xls", "calamine"),
    ("python_calamine", "candidates-province.ods", "calamine"),
])
def test_the_checker_names_the_package_set_a_file_needs(blocked, fixture, packages):
    """In the browser python-calamine is loaded only for an .xls/.ods: the checker answers needs_workbook naming
    the set "calamine"; a CSV never needs it."""
    data = (FIXTURES / fixture).read_bytes()
    for name, content, expected in ((fixture, data, packages), ("list.csv", (FIXTURES / "candidates-province.csv")
                                                                   .read_bytes(), None)):
        request = {"type": "batch", "call": "2022", "lang": "en", "unit_kind": "province",
                   "file": base64.b64encode(content).decode("ascii")}
        code = (f"import sys, json; sys.modules[{blocked!r}] = None; from checker import api; "
                f"print(api.handle(json.dumps({request!r})))")
        done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
        response = json.loads(done.stdout)
        if expected is None:
            assert response["ok"] is True, name
        else:
            assert response["error"]["code"] == "needs_workbook", response
            assert response["error"]["details"] == [{"packages": expected}]
