"""Property test of checker.api.handle, the browser worker's one entry point, over arbitrary JSON envelopes and
values (CSV text included): it always returns one response of the documented shape as strict JSON, and never
raises. `make test` runs 10,000 examples with a fixed seed (derandomize); `make fuzz` runs many more, at random
(FUZZ_EXAMPLES, default 200,000)."""

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import api
from checker.ruleset import known_calls, load_default

RULESET = load_default(known_calls()[0])
QUESTION_IDS = sorted(RULESET.questions)
OPTION_WORDS = sorted({o["id"] for q in RULESET.questions.values() for o in q.get("options", [])}
                      | {"yes", "no", "unsure", "是", "否", "不确定"})
TYPES = sorted(api.HANDLERS)
ERROR_CODES = {"invalid_answers", "invalid_file", "bad_request", "bad_json"}
FUZZING = bool(os.environ.get("FUZZ_EXAMPLES"))
SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES") or 10_000),
    derandomize=not FUZZING,  # a fixed seed in `make test`: the same 10,000 examples every run
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

# Hostile values that took the checker down before (issue 19), drawn cheaply (generation is most of the cost).
WEIRD = [None, True, False, 0, -1, 2**63, 10**30, -(10**4000), 1.5, -0.0, 1e308, float("nan"), float("inf"),
         float("-inf"), "", " ", "\ud800", "x" * 300, " " * 20_000, "../../etc", "/etc/passwd", "2022", "zh",
         "\u0000", "<img src=x onerror=alert(1)>", [], {}, [[]], {"a": {"b": [1, {"c": None}]}},
         [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]], {"lang": "en"}, [float("nan")], {"x": float("inf")}]
# Characters that matter to the parsers (separators, quotes, line ends, BOM, NUL, a lone surrogate, CJK, digits).
ALPHABET = ',;；，、|"\'\\\r\n\t #-+.:0123456789eEaxy中文是否\ufeff\u0000\ud800\U0001F600'
texts = st.text(alphabet=ALPHABET, max_size=10)
scalars = (st.sampled_from(WEIRD) | st.integers() | st.floats() | texts)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(texts, inner, max_size=3), max_leaves=4)
weird = st.sampled_from(WEIRD) | texts
words = st.sampled_from(OPTION_WORDS + QUESTION_IDS) | texts
answer_values = (weird | words | st.integers(-5, 50)
                 | st.lists(words, max_size=4).map(";".join)  # a multiple choice as typed
                 | st.lists(words, max_size=4)
                 | st.dates().map(lambda d: d.isoformat()))
answers = (st.dictionaries(st.sampled_from(QUESTION_IDS) | texts, answer_values, max_size=8)
           | st.fixed_dictionaries({"answers": st.dictionaries(st.sampled_from(QUESTION_IDS), answer_values,
                                                               max_size=4)})  # an exported answers file
           | weird)
csv_cells = words | st.integers(-3, 30).map(str)
# CSV text as one list of cells, each followed by a separator: a comma, any line end, or a quote.
csv_text = st.builds(
    lambda header, pieces: ",".join(header) + "".join(cell + sep for cell, sep in pieces),
    st.lists(st.sampled_from(QUESTION_IDS), max_size=6),
    st.lists(st.tuples(csv_cells, st.sampled_from([",", ",", "\n", "\r\n", "\r", '"', ',"', '",'])), max_size=16),
) | texts


def usually(valid, other):
    """`valid` three times in four (so most requests get past the envelope checks to the handlers), else `other`.
    (Hypothesis draws small integers most often: 0-2 are the common case here.)"""
    return st.integers(0, 3).flatmap(lambda n: other if n == 3 else valid)


lang = usually(st.sampled_from(["zh", "en"]), weird)
# A plan id: one an earlier batch in this run may have handed out (they count from plan-1), else anything.
plan_id = usually(st.integers(1, 30).map(lambda n: f"plan-{n}"), weird)
order = usually(st.lists(st.integers(-2, 20), max_size=8), weird | json_values)
order_by = usually(st.sampled_from(["file", "suggested"]), weird)
call = usually(st.sampled_from(known_calls()), st.sampled_from(["../../etc", "/etc", "fr", " "]) | weird)
FIELDS = {  # the fields each request type reads
    "meta": {},
    "questions": {"lang": lang},
    "template": {"lang": lang},
    "assess": {"lang": lang, "answers": answers},
    "batch": {"lang": lang, "csv": usually(csv_text, weird),
              "unit_kind": usually(st.sampled_from(["province", "city", "central-soe", "other", "planet"]), weird)},
    "replan": {"plan_id": plan_id, "order": order, "order_by": order_by},
    "export": {"plan_id": plan_id},
}
OPTIONAL = {
    "id": usually(st.integers() | texts, weird),
    "as_of": usually(st.dates().map(lambda d: d.isoformat()), weird),
    "v": weird,
    "order": order,  # batch takes one too
    "order_by": order_by,  # and a base order
}


def typed_envelope(kind):
    optional = {k: v for k, v in OPTIONAL.items() if k not in FIELDS[kind]}
    return st.fixed_dictionaries(dict(FIELDS[kind], type=st.just(kind), call=call), optional=optional)


envelope = usually(st.sampled_from(TYPES).flatmap(typed_envelope),
                   st.fixed_dictionaries({"type": weird}, optional=dict(OPTIONAL, call=call, lang=lang)))
# Mostly envelopes (so the deep paths are reached), then any JSON value, then any text at all.
requests = usually(envelope.map(lambda e: json.dumps(e, allow_nan=True)),
                   json_values.map(lambda v: json.dumps(v, allow_nan=True)) | st.text(max_size=20))


def refuse_constant(name):
    raise AssertionError(f"{name} in a response")


def check_response(text):
    assert isinstance(text, str)
    text.encode("utf-8")  # valid UTF-8 for the page (a lone surrogate would not be)
    response = json.loads(text, parse_constant=refuse_constant)  # strict JSON: no NaN or Infinity
    assert isinstance(response, dict) and response.keys() in ({"id", "ok", "result"}, {"id", "ok", "error"})
    if response["ok"] is True:
        assert isinstance(response["result"], dict)
    else:
        assert response["ok"] is False
        error = response["error"]
        assert error.keys() == {"code", "message", "details"}
        assert error["code"] in ERROR_CODES, error  # "internal" would be a bug that escaped
        assert isinstance(error["message"], str) and error["message"] and isinstance(error["details"], list)
        assert "Traceback" not in error["message"]
    return response


@SETTINGS
@given(request=requests)
def test_handle_always_answers_one_strict_json_response(request):
    check_response(api.handle(request))
