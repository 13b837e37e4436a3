"""The one JSON entry point used by the browser worker: a request object in, a response object out.

Request:  {"id": any scalar, "call": "<call id>", "type": "assess" | "questions" | "template" | "batch" | "replan" | "export" | "meta", ...}
Response: {"id": same, "ok": true, "result": {...}} or {"id": same, "ok": false, "error": {code, message, details}}

Workbooks travel as base64 text: `template` {format: "csv" | "xlsx"} -> {csv} or {xlsx}; `batch` takes `csv` (text)
or `xlsx`, with `file_name` and `as_of` (the date shown in the export); `export` {plan_id, format, unit_name
(optional: the unit's name, heading the export)} -> {csv} or {xlsx}.
`batch` and `replan` take `order_by` ("file", the default for a batch, or "suggested": checker.planning.ORDER_BY; a
replan without it keeps the plan's) and `order` (the unit's own order of row numbers, from that base).

The input is treated as hostile: `call` must be one of ruleset.known_calls() (never used as a path), every field's
type is checked before use, sizes and nesting are bounded (checker/limits.py), and the output is strict JSON
(NaN and Infinity are refused on the way in). handle() never raises; every failure is an error response.
"""

import base64
import binascii
import datetime
import json
import math
import re
import sys

from . import answers as answers_mod
from . import sheet_errors
from . import plan as planning
from . import plan_memory
from . import jsontext, limits, pipeline
from . import formats
from .questionnaire import questionnaire
from .ruleset import known_calls, load_default
from .strings import s

PROTOCOL = 1
LANGS = ("zh", "en")
_RULESETS = {}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RequestError(Exception):
    """A request that cannot be answered: `key` names the interface string, `values` fill it."""

    def __init__(self, key, **values):
        super().__init__(key)
        self.key, self.values = key, values

    def message(self, lang):
        values = dict(self.values)
        if "expected" in values:  # what a field must be, worded in the same language
            key, extra = values["expected"]
            values["expected"] = s("expected." + key, lang, **extra)
        return s(self.key, lang, **values)


def _ruleset(call_id):
    if call_id not in _RULESETS:
        _RULESETS[call_id] = load_default(call_id)
    return _RULESETS[call_id]


def _field(req, name, kind, default=None):
    """A field of the request checked against its kind: "text", "date", "lang", "plan_id", "order" or "order_by"."""
    value = req.get(name, default)
    if kind == "plan_id":  # an id a batch response gave: short text
        if not isinstance(value, str) or len(value) > limits.MAX_ID_CHARS:
            raise RequestError("request.bad_field", field=name, expected=("plan_id", {"limit": limits.MAX_ID_CHARS}))
    elif kind == "order":  # the visitor's order of row numbers, or none
        if value is not None and not (isinstance(value, list) and len(value) <= limits.MAX_CSV_ROWS and all(
                isinstance(row, int) and not isinstance(row, bool) for row in value)):
            raise RequestError("request.bad_field", field=name, expected=("row_numbers", {"limit": limits.MAX_CSV_ROWS}))
    elif kind == "order_by":  # the order a list starts from (checker.planning.ORDER_BY), or none
        if value is not None and value not in planning.ORDER_BY:
            raise RequestError("request.bad_field", field=name, expected=("one_of", {"allowed": ", ".join(planning.ORDER_BY)}))
    elif kind in ("template_format", "plan_format"):  # a format that can write it (checker/formats.py)
        allowed = formats.names(kind.split("_")[0])
        if value not in allowed:
            raise RequestError("request.bad_field", field=name, expected=("one_of", {"allowed": ", ".join(allowed)}))
    elif kind == "base64":  # a workbook's bytes
        if not isinstance(value, str) or len(value) > limits.MAX_FILE_BYTES * 4 // 3 + 4:
            raise RequestError("request.bad_field", field=name, expected=("base64", {"limit": limits.MAX_FILE_BYTES}))
        try:
            return base64.b64decode(value, validate=True)
        except (ValueError, binascii.Error):
            raise RequestError("request.bad_field", field=name, expected=("base64", {"limit": limits.MAX_FILE_BYTES})) from None
    elif kind == "lang":
        if value not in LANGS:
            raise RequestError("request.bad_field", field=name, expected=("one_of", {"allowed": ", ".join(LANGS)}))
    elif kind == "text":
        if not isinstance(value, str):
            raise RequestError("request.bad_field", field=name, expected=("text", {}))
    elif kind == "name":  # a name typed on the page (the unit's): short text
        if not isinstance(value, str) or len(value) > limits.MAX_NAME_CHARS:
            raise RequestError("request.bad_field", field=name, expected=("name", {"limit": limits.MAX_NAME_CHARS}))
    elif kind == "date":
        if value in (None, ""):
            return None
        try:
            if not isinstance(value, str) or not _DATE.fullmatch(value):
                raise ValueError(value)
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise RequestError("request.bad_field", field=name, expected=("date", {})) from None
    return value


def _assess(ruleset, req, lang, progress=None):
    answers = req.get("answers")
    return pipeline.assess(ruleset, {} if answers is None else answers, lang, _field(req, "as_of", "date"))


def _batch(ruleset, req, lang, progress=None):
    """Screen a list: `file` (the file's bytes as base64, whatever it is: the page sends what the visitor chose,
    and sheet_io tells CSV in any encoding from a workbook), or `csv` (text already decoded); `xlsx` is the old
    name of `file`. `file_name` is shown in the export."""
    raw = req.get("file") if req.get("file") is not None else req.get("xlsx")
    data = _field(req, "file" if req.get("file") is not None else "xlsx", "base64") if raw is not None else None
    plan = pipeline.screen_upload(ruleset, _field(req, "unit_kind", "text", ""), lang, data=data,
                                  text=None if data is not None else _field(req, "csv", "text", ""),
                                  file_name=_field(req, "file_name", "text", ""), order=_field(req, "order", "order"),
                                  order_by=_field(req, "order_by", "order_by"), as_of=_field(req, "as_of", "date"),
                                  progress=progress)
    return plan_memory.exported(plan)


def written(name, content, binary):
    """A written file as a response: under its format's name, a binary one as base64 ({csv: text}, {xlsx: ...})."""
    return {name: base64.b64encode(content).decode("ascii") if binary else content}


def _template(ruleset, req, lang, progress=None):
    name = _field(req, "format", "template_format", "csv")
    return dict(written(name, *formats.write("template", name, ruleset, lang)),
                file_stem=s("batch.template.file_name", lang, call=ruleset.call["id"]))


def _export(ruleset, req, lang, progress=None):
    """The export of an earlier batch's plan (named by its id) as it stands now, in `format`, headed by the unit's
    name when `unit_name` gives it."""
    plan_id, name = _field(req, "plan_id", "plan_id"), _field(req, "format", "plan_format", "csv")
    unit_name = _field(req, "unit_name", "name", "")
    content = pipeline.write_plan(plan_memory.kept(ruleset, plan_id), name, unit_name)
    return dict(written(name, *content), plan_id=plan_id)


HANDLERS = {
    "meta": lambda rs, req, lang, progress=None: {"protocol": PROTOCOL, "call": rs.call["id"], "ruleset_version": rs.version},
    "questions": lambda rs, req, lang, progress=None: questionnaire(rs, lang),
    "assess": _assess,
    "template": _template,
    "batch": _batch,
    "replan": lambda rs, req, lang, progress=None: plan_memory.replan_request(rs, _field(req, "plan_id", "plan_id"),
                                                            _field(req, "order", "order"), _field(req, "order_by", "order_by")),
    "export": _export,
}


def _call(req):
    calls = known_calls()
    value = req.get("call")
    if value is None:
        raise RequestError("request.missing_call", allowed=", ".join(calls))
    if not isinstance(value, str) or value not in calls:
        raise RequestError("request.unknown_call", value=limits.shorten(value), allowed=", ".join(calls))
    return value


def _check_id(value):
    if value is None or isinstance(value, (bool, int, str)) or (isinstance(value, float) and math.isfinite(value)):
        if not (isinstance(value, str) and len(value) > limits.MAX_ID_CHARS):
            return value
    raise RequestError("request.bad_id", limit=limits.MAX_ID_CHARS)


def _non_finite(request):
    """Walk the parsed request once, iteratively: the key path of the first NaN/Infinity in it, or None."""
    stack = [(request, None)]  # (node, its key path as a linked (key, parent) chain)
    while stack:
        node, chain = stack.pop()
        if isinstance(node, answers_mod.NonFinite):
            path = []
            while chain:
                key, chain = chain
                path.append(key)
            return tuple(reversed(path))
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend((v, (k, chain)) for k, v in items if isinstance(v, (dict, list, answers_mod.NonFinite)))
    return None


def _label(request, question, lang):
    """The label people see for `question` of the request's call (the id when the call or question is unknown)."""
    try:
        found = _ruleset(_call(request)).questions.get(question)
    except RequestError:
        found = None
    return found["label"][lang] if found else question


def _refuse_non_finite(path, lang, request):
    inner = path[1:]
    if path[0] == "answers" and inner and inner[0] == "answers" and len(inner) > 1:
        inner = inner[1:]  # an exported answers file {call, ruleset_version, answers: {...}}
    if path[0] == "answers" and inner and isinstance(inner[0], str):
        question = limits.shorten(inner[0])
        raise answers_mod.AnswersError([{"question": question, "value": None, "code": "non_finite",
                                         "message": s("error.non_finite", lang,
                                                      question=_label(request, question, lang))}])
    raise RequestError("request.non_finite", field=limits.shorten(".".join(map(str, path))))


def _error(req_id, code, message, details=()):
    return {"id": req_id, "ok": False, "error": {"code": code, "message": message, "details": list(details)}}


def handle_request(request, progress=None):
    """Answer one parsed request object; every failure becomes an error response, never an exception.
    `progress(done, total)`, if given, is told how far a long request (a batch) has got."""
    lang = "zh"
    req_id = None
    try:
        if not isinstance(request, dict):
            raise RequestError("request.not_object")
        if request.get("lang") in LANGS:
            lang = request["lang"]
        found = _non_finite(request)
        req_id = _check_id(request.get("id"))
        if found is not None:
            _refuse_non_finite(found, lang, request)
        kind = request.get("type")
        handler = HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            raise RequestError("request.unknown_type", value=limits.shorten(kind), allowed=", ".join(HANDLERS))
        ruleset = _ruleset(_call(request))
        lang = _field(request, "lang", "lang", "zh")
        return {"id": req_id, "ok": True, "result": handler(ruleset, request, lang, progress)}
    except answers_mod.AnswersError as exc:
        return _error(req_id, "invalid_answers", "; ".join(e["message"] for e in exc.errors), exc.errors)
    except ModuleNotFoundError as exc:
        if exc.name not in formats.PACKAGE_SETS:  # a bug: still a response
            return _error(req_id, "internal", s("request.internal", lang, kind=type(exc).__name__))
        # In the browser the workbook packages are loaded only when a request needs them: the worker loads the set
        # named in details (openpyxl's "workbook", or "calamine" for an .xls/.ods) and sends the request again
        # (docs/assets/checker/worker.mjs). In CPython they are always installed.
        return _error(req_id, "needs_workbook", s("request.needs_workbook", lang),
                      [{"packages": formats.PACKAGE_SETS[exc.name]}])
    except sheet_errors.BatchError as exc:
        return _error(req_id, "invalid_file", exc.message(lang), [{"code": exc.code}])
    except RequestError as exc:
        return _error(req_id, "bad_request", exc.message(lang))
    except (RecursionError, MemoryError) as exc:
        return _error(req_id, "bad_request", s("request.too_deep", lang, limit=limits.MAX_DEPTH)
                      if isinstance(exc, RecursionError) else s("request.internal", lang, kind="MemoryError"))
    except Exception as exc:  # a bug: still a response (the property test asserts this never happens)
        return _error(req_id, "internal", s("request.internal", lang, kind=type(exc).__name__))


def parse(request_json):
    """JSON text -> the request, or raise RequestError: bounded in size, NaN/Infinity kept as NonFinite markers."""
    if not isinstance(request_json, str):
        raise RequestError("request.not_object")
    if len(request_json) > limits.MAX_REQUEST_CHARS:
        raise RequestError("request.too_large", size=len(request_json), limit=limits.MAX_REQUEST_CHARS)
    if jsontext.nesting(request_json) > limits.MAX_DEPTH:
        raise RequestError("request.too_deep", limit=limits.MAX_DEPTH)
    try:
        return jsontext.loads(request_json)
    except RecursionError:
        raise RequestError("request.too_deep", limit=limits.MAX_DEPTH) from None
    except json.JSONDecodeError as exc:
        raise RequestError("request.bad_json", line=exc.lineno, column=exc.colno) from None
    except ValueError:  # an integer of more than 4,300 digits (int() refuses to read it)
        raise RequestError("request.long_number", limit=sys.get_int_max_str_digits()) from None


def dumps(response):
    """Strict JSON text (no NaN, valid UTF-8: a lone surrogate is escaped as \\udXXX rather than sent raw)."""
    text = json.dumps(response, ensure_ascii=False, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(response, ensure_ascii=True, allow_nan=False)
    return text


def handle(request_json, progress=None):
    """JSON text in, JSON text out: what the Pyodide worker calls. Never raises. `progress(done, total)`: called
    now and then during a batch (the worker passes it on to the page as progress events)."""
    try:
        request = parse(request_json)
    except RequestError as exc:
        code = "bad_json" if exc.key in ("request.bad_json", "request.too_deep", "request.long_number") else "bad_request"
        return dumps(_error(None, code, exc.message("zh")))
    response = handle_request(request, progress)
    try:
        return dumps(response)
    except (ValueError, TypeError, RecursionError) as exc:  # a bug: the result itself was not JSON
        return dumps(_error(response.get("id"), "internal", s("request.internal", "zh", kind=type(exc).__name__)))
