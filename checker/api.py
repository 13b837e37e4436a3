"""The one JSON entry point used by the browser worker: a request object in, a response object out.

Request:  {"id": any, "call": call id, "type": "assess" | "questions" | "template" | "batch" | "replan" | "export" | "meta", ...}
Response: {"id": same, "ok": true, "result": {...}} or {"id": same, "ok": false, "error": {code, message, details}}
"""

import datetime
import json

from . import answers as answers_mod
from . import batch as batch_mod
from .engine import assess
from .questionnaire import questionnaire
from .ruleset import load_default

PROTOCOL = 1
_RULESETS = {}


def _ruleset(call_id):
    if call_id not in _RULESETS:
        _RULESETS[call_id] = load_default(call_id)
    return _RULESETS[call_id]


def _as_of(value):
    return datetime.date.fromisoformat(value) if value else None


def _assess(ruleset, req):
    return assess(ruleset, req.get("answers") or {}, req.get("lang", "zh"), _as_of(req.get("as_of")))


def _batch(ruleset, req):
    header, rows = batch_mod.read_csv_rows(req.get("csv", ""))
    plan = batch_mod.screen(ruleset, header, rows, req.get("unit_kind", ""), req.get("lang", "zh"), req.get("order"))
    return batch_mod.exported(plan)


HANDLERS = {
    "meta": lambda rs, req: {"protocol": PROTOCOL, "call": rs.call["id"], "ruleset_version": rs.version},
    "questions": lambda rs, req: questionnaire(rs, req.get("lang", "zh")),
    "assess": _assess,
    "template": lambda rs, req: {"csv": batch_mod.template_csv(rs, req.get("lang", "zh"))},
    "batch": _batch,
    "replan": lambda rs, req: batch_mod.replan_request(rs, req.get("plan_id"), req.get("order")),
    "export": lambda rs, req: batch_mod.export_request(rs, req.get("plan_id")),
}


def handle_request(request):
    """Answer one request object; every failure becomes an error response, never an exception."""
    req_id = request.get("id") if isinstance(request, dict) else None
    try:
        if not isinstance(request, dict):
            raise ValueError("a request must be a JSON object")
        handler = HANDLERS.get(request.get("type"))
        if handler is None:
            raise ValueError(f"unknown request type {request.get('type')!r}; known: {', '.join(HANDLERS)}")
        if not request.get("call"):
            raise ValueError("a request must name its call (\"call\": a folder of policy_data/calls)")
        result = handler(_ruleset(request["call"]), request)
        return {"id": req_id, "ok": True, "result": result}
    except answers_mod.AnswersError as exc:
        return {"id": req_id, "ok": False,
                "error": {"code": "invalid_answers", "message": str(exc), "details": exc.errors}}
    except batch_mod.BatchError as exc:
        lang = request.get("lang") if request.get("lang") in ("zh", "en") else "zh"
        return {"id": req_id, "ok": False,
                "error": {"code": "invalid_file", "message": exc.message(lang), "details": [{"code": exc.code}]}}
    except (ValueError, TypeError, KeyError) as exc:
        return {"id": req_id, "ok": False, "error": {"code": "bad_request", "message": str(exc), "details": []}}


def handle(request_json):
    """JSON text in, JSON text out: what the Pyodide worker calls."""
    try:
        request = json.loads(request_json)
    except ValueError as exc:
        return json.dumps({"id": None, "ok": False,
                           "error": {"code": "bad_json", "message": str(exc), "details": []}})
    return json.dumps(handle_request(request), ensure_ascii=False, default=str)
