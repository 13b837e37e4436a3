"""Hostile input to checker.api.handle, the CSV reader, the YAML reader and the list splitter: a clear, bounded
error naming what is wrong and where, never an exception, never a path built from a request."""

import json

import pytest

from checker import api, batch, jsontext, limits
from checker import sheet_io
from checker import sheet_errors
from checker.kinds import LIST_SPLIT as _LIST_SPLIT
from checker.ruleset import known_calls, load_default
from checker.yamlsource import YamlError, load_text

CALL = known_calls()[0]


def ask(request, lang="en"):
    text = request if isinstance(request, str) else json.dumps(dict({"id": 1, "lang": lang}, **request))
    out = api.handle(text)
    out.encode("utf-8")  # valid UTF-8 (no lone surrogate)
    return json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in a response: {out[:200]}"))


@pytest.mark.parametrize("call", ["../../etc", "/etc", "fr", " ", "zh-CN", "2022/../2022", "", "call.yaml"])
def test_unknown_call_is_refused_naming_the_known_calls(call, monkeypatch):
    opened = []
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a) or pytest.fail(f"opened {a}"))
    response = ask({"type": "meta", "call": call})
    assert response["ok"] is False and response["error"]["code"] == "bad_request"
    assert response["error"]["message"] == f"Unknown call “{call}”. Known calls: {', '.join(known_calls())}"
    assert not opened


def test_a_request_must_name_its_call():
    response = ask({"type": "meta"}, lang="zh")
    assert response["error"]["message"] == f"请求没有指明申报批次（call）。可用的批次：{', '.join(known_calls())}"


@pytest.mark.parametrize("field,value,expected", [
    ("lang", "fr", "字段“lang”应为以下之一：zh, en"),  # no language to answer in: the site's first, Chinese
    ("lang", ["en"], "字段“lang”应为以下之一：zh, en"),
    ("as_of", [2022], "Field “as_of” must be a date (YYYY-MM-DD)"),
    ("as_of", "2022-13-45", "Field “as_of” must be a date (YYYY-MM-DD)"),
    ("as_of", "20220504", "Field “as_of” must be a date (YYYY-MM-DD)"),
    ("type", ["assess"], "Unknown request type “[…]”. Known: meta, questions, assess, template, batch, replan, export"),
    ("id", [[1]], "Field “id” must be a number, a text of at most 200 characters, or null"),
    ("id", "x" * 201, "Field “id” must be a number, a text of at most 200 characters, or null"),
])
def test_every_field_is_type_checked_before_use(field, value, expected):
    request = {"type": "assess", "call": CALL, "lang": "en", "answers": {}, field: value}
    response = ask(json.dumps(dict({"id": 1}, **request)))
    assert response["ok"] is False and response["error"]["code"] == "bad_request"
    assert response["error"]["message"] == expected.replace("200", str(limits.MAX_ID_CHARS))


@pytest.mark.parametrize("field,value", [("csv", 5), ("csv", ["a"]), ("unit_kind", {"a": 1}), ("unit_kind", None)])
def test_batch_fields_must_be_text(field, value):
    request = {"type": "batch", "call": CALL, "csv": "direction\nd4\n", "unit_kind": "city", field: value}
    response = ask(request)
    assert response["error"] == {"code": "bad_request", "message": f"Field “{field}” must be text", "details": []}


@pytest.mark.parametrize("kind,field,value,expected", [
    ("replan", "plan_id", None, "a text of at most {ids} characters (the id a batch returned)"),
    ("replan", "plan_id", "p" * 201, "a text of at most {ids} characters (the id a batch returned)"),
    ("export", "plan_id", {"a": 1}, "a text of at most {ids} characters (the id a batch returned)"),
    ("replan", "order", "3,1,2", "a list of at most {rows} row numbers (whole numbers), or null"),
    ("replan", "order", [1, [2]], "a list of at most {rows} row numbers (whole numbers), or null"),
    ("replan", "order", [True], "a list of at most {rows} row numbers (whole numbers), or null"),
    ("replan", "order", list(range(limits.MAX_CSV_ROWS + 1)), "a list of at most {rows} row numbers (whole numbers), or null"),
    ("batch", "order", [{"row": 1}], "a list of at most {rows} row numbers (whole numbers), or null"),
])
def test_plan_fields_are_type_checked_before_use(kind, field, value, expected):
    request = {"type": kind, "call": CALL, "lang": "en", "plan_id": "plan-1", "csv": "direction\nd4\n",
               "unit_kind": "city", field: value}
    response = ask(request)
    expected = expected.format(ids=limits.MAX_ID_CHARS, rows=limits.MAX_CSV_ROWS)
    assert response["error"] == {"code": "bad_request", "message": f"Field “{field}” must be {expected}", "details": []}


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_refused_with_the_question_named(number):
    for answers in ('{"projects_filed": %s}', '{"answers": {"projects_filed": %s}}', '{"business_areas": [%s]}'):
        text = '{"id": 1, "type": "assess", "lang": "en", "call": "%s", "answers": %s}' % (CALL, answers % number)
        response = ask(text)
        assert response["error"]["code"] == "invalid_answers"
        question = "business_areas" if "business" in answers else "projects_filed"
        assert response["error"]["details"][0]["question"] == question
        # Named by the label people see (the detail keeps the id, for the field).
        label = load_default(CALL).questions[question]["label"]["en"]
        assert f"question “{label}” is NaN or Infinity" in response["error"]["message"]
        assert question not in response["error"]["message"]
    response = ask('{"id": 1, "type": "meta", "lang": "en", "call": "%s", "extra": [1, %s]}' % (CALL, number))
    assert response["error"]["message"] == "Field “extra.1” holds NaN or Infinity, which JSON does not allow"


@pytest.mark.parametrize("text,code", [
    ("[" * 100_000, "bad_json"),
    ('{"id": 1, "type": "meta", "call": "%s", "x": %s}' % (CALL, "[" * 40 + "]" * 40), "bad_json"),
    ('{"id": 1, "type": "meta", "call": "%s", "x": %s}' % (CALL, "1" * 5000), "bad_json"),
    ('{"id": 1, "type": ', "bad_json"),
    ("[1, 2]", "bad_request"),
    ('"just text"', "bad_request"),
])
def test_malformed_deep_or_huge_json_is_one_error(text, code):
    response = ask(text)
    assert response["ok"] is False and response["error"]["code"] == code and response["error"]["message"]


def test_nesting_skips_brackets_inside_strings():
    assert jsontext.nesting('{"a": "[[[[{{{{", "b": [["\\"]"]]}') == 3


def test_the_request_size_is_bounded():
    response = ask(" " * (limits.MAX_REQUEST_CHARS + 1))
    assert response["error"]["code"] == "bad_request" and str(limits.MAX_REQUEST_CHARS) in response["error"]["message"]


def test_unknown_keys_list_the_known_questions_once_and_the_error_is_bounded():
    answers = {f"unknown{i}": "yes" for i in range(limits.MAX_ANSWERS)}
    response = ask({"type": "assess", "call": CALL, "answers": answers})
    details = response["error"]["details"]
    assert len(details) == limits.MAX_ERRORS + 1
    assert details[-1]["message"] == f"… and {limits.MAX_ANSWERS - limits.MAX_ERRORS} more problems"
    assert sum("Known questions:" in d["message"] for d in details) == 1
    too_many = ask({"type": "assess", "call": CALL, "answers": dict(answers, extra=1)})
    assert too_many["error"]["message"] == f"Too many answers ({limits.MAX_ANSWERS + 1}; at most {limits.MAX_ANSWERS})"
    assert len(json.dumps(too_many)) < 1000


def test_long_values_are_refused_and_never_echoed_whole():
    response = ask({"type": "assess", "call": CALL, "answers": {"projects_filed": "x" * 5000}})
    assert response["error"]["code"] == "invalid_answers" and len(json.dumps(response)) < 1000
    response = ask({"type": "assess", "call": CALL, "answers": {"project_name": "x" * (limits.MAX_VALUE_CHARS + 1)}})
    assert "too long (at most" in response["error"]["message"]


def test_a_lone_surrogate_comes_back_as_valid_json():
    response = ask('{"id": "\\ud800", "type": "assess", "call": "%s", "answers": {"project_name": "\\udfff x"}}' % CALL)
    assert response["id"] == "\ud800" and response["ok"] is True


@pytest.mark.parametrize("text,items", [
    ("analysis ; service", ["analysis", "service"]),
    ("  analysis，service、 ", ["analysis", "service", ""]),
    (" " * 40_000, [""]),
    ("a" + " " * 40_000 + "b", ["a" + " " * 40_000 + "b"]),
])
def test_the_list_splitter_splits_on_separators_and_strips(text, items):
    assert [item.strip() for item in _LIST_SPLIT.split(text)] == items
    assert r"\s" not in _LIST_SPLIT.pattern  # `\s*[;,]\s*` is quadratic on runs of spaces


# ---------------------------------------------------------------------------------------------------- CSV

@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_csv_with_any_line_end_and_a_break_inside_a_cell(newline):
    text = newline.join(["project_name,direction", '"two' + newline + 'lines",d4', "", "# comment", "p2,d1"]) + newline
    header, rows = sheet_io.read_csv_rows(text)
    assert header == ["project_name", "direction"]
    assert rows == [(2, ["two\nlines", "d4"]), (5, ["p2", "d1"])]


def test_a_bare_cr_inside_a_quoted_cell_is_read():
    assert sheet_io.read_csv_rows('project_name\n"a\rb"\n')[1] == [(2, ["a\nb"])]


@pytest.mark.parametrize("size", [limits.MAX_CELL_CHARS + 1, 200_000])
def test_an_oversized_cell_names_its_row(size):
    with pytest.raises(sheet_errors.BatchError) as caught:
        sheet_io.read_csv_rows("project_name\nok\n" + "x" * size + "\n")
    assert caught.value.message("en") == f"Row 3 has a cell that is too long (at most {limits.MAX_CELL_CHARS} characters)"
    assert caught.value.message("zh") == f"第 3 行有一个单元格过长（最多 {limits.MAX_CELL_CHARS} 个字符）"


def test_rows_and_size_are_bounded():
    rows = "project_name\n" + "p\n" * limits.MAX_CSV_ROWS
    assert len(sheet_io.read_csv_rows(rows)[1]) == limits.MAX_CSV_ROWS
    with pytest.raises(sheet_errors.BatchError) as caught:
        sheet_io.read_csv_rows(rows + "p\n")
    assert caught.value.code == "too_many_rows" and str(limits.MAX_CSV_ROWS) in caught.value.message("en")
    with pytest.raises(sheet_errors.BatchError) as caught:
        sheet_io.read_csv_rows("x" * (limits.MAX_CSV_CHARS + 1))
    assert caught.value.code == "too_large"


def test_the_page_sees_the_csv_problem_not_a_traceback():
    text = "project_name,direction\r" + "x" * 200_000 + ",d4\r"
    response = ask({"type": "batch", "call": CALL, "csv": text, "unit_kind": "city"}, lang="zh")
    assert response["error"]["code"] == "invalid_file"
    assert response["error"]["message"].startswith("第 2 行有一个单元格过长")
    assert "Traceback" not in json.dumps(response)


# ---------------------------------------------------------------------------------------------------- YAML

BOMB = "a: &a [l, l, l, l, l, l, l, l, l]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize("text,line,message", [
    (BOMB, None, f"more than {limits.MAX_YAML_NODES} values (with aliases expanded)"),
    ("x: 1\na: &a [*a]\n", 2, "refers to a value that contains it (a loop)"),
    ("a: &a {b: *a}\n", 1, "refers to a value that contains it (a loop)"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", 1, f"nested more than {limits.MAX_DEPTH} levels deep"),
    ("a: " + "[" * 40 + "]" * 40 + "\n", 1, f"nested more than {limits.MAX_DEPTH} levels deep"),
    ("ok: 1\n? [a, b]\n: x\n", 2, "a key must be plain text"),
    ("ok: 1\nn: " + "9" * 5000 + "\n", 2, "a number of more than"),
    ("a: !!timestamp 2022-99-99\n", 1, "invalid value"),
])
def test_hostile_yaml_is_a_yaml_error_with_file_and_line(text, line, message):
    with pytest.raises(YamlError) as caught:
        load_text(text, "answers.yaml")
    assert message in caught.value.message
    if line is not None:
        assert caught.value.line == line and str(caught.value).startswith(f"answers.yaml:{line}: ")


def test_yaml_anchors_within_the_bounds_still_work():
    data, lines = load_text("a: &x [1, 2]\nb: *x\n")
    assert data == {"a": [1, 2], "b": [1, 2]} and lines[("b",)] == 2
