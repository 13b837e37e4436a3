"""Property tests: any well-typed answers give one of four verdicts, deterministically; ill-typed ones a clear error."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.answers import AnswersError
from checker.conditions import questions_in
from checker.engine import VERDICTS
from checker.pipeline import assess
from checker.report import render
from checker.strings import s
from checker.loader import call_dir, load_bundle
from checker.ruleset import Ruleset

RULESET = Ruleset(load_bundle(call_dir("2022")))
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def valid_value(question):
    kind = question["kind"]
    ids = [o["id"] for o in question.get("options", [])]
    if kind == "single":
        return st.sampled_from(ids)
    if kind == "multi":
        return st.lists(st.sampled_from([i for i in ids if i != "none"]), min_size=1, unique=True) | st.just(["none"])
    if kind == "tristate":
        return st.sampled_from(["yes", "no", "unsure"])
    if kind == "integer":
        return st.integers(min_value=question.get("min", 0), max_value=question.get("max", 10**6))
    if kind == "date":
        return st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)).map(datetime.date.isoformat)
    return st.text(max_size=question.get("max_length", 50))


def well_typed():
    fields = {qid: st.none() | valid_value(q) for qid, q in RULESET.questions.items()}
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


def invalid_value(question):
    kind = question["kind"]
    if kind in ("single", "tristate"):
        return st.sampled_from(["definitely-not-an-option", 3.5, {"a": 1}, ["yes", "no"]])
    if kind == "multi":
        return st.sampled_from([["not-an-option"], {"a": 1}, 7, ["none", "analysis"]])
    if kind == "integer":
        return st.sampled_from(["three", -1, 2.5, True, [1], 10**9])
    if kind == "date":
        return st.sampled_from(["2022-13-45", "tomorrow", 20220504, ["2022-05-04"]])
    return st.sampled_from([["a"], {"a": 1}, True, "x" * 10_000])


@st.composite
def ill_typed(draw):
    answers = draw(well_typed())
    qid = draw(st.sampled_from(sorted(RULESET.questions)))
    if draw(st.booleans()):
        answers[qid] = draw(invalid_value(RULESET.questions[qid]))
    else:
        answers[draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in RULESET.questions))] = "yes"
    return answers


@SETTINGS
@given(answers=well_typed(), lang=st.sampled_from(["zh", "en"]))
def test_well_typed_answers_give_a_verdict_deterministically(answers, lang):
    first = assess(RULESET, answers, lang, datetime.date(2022, 4, 1))
    assert first["verdict"] in VERDICTS
    assert first == assess(RULESET, answers, lang, datetime.date(2022, 4, 1))


@SETTINGS
@given(answers=ill_typed(), lang=st.sampled_from(["zh", "en"]))
def test_ill_typed_answers_give_the_validation_error(answers, lang):
    try:
        assess(RULESET, answers, lang)
    except AnswersError as exc:
        assert exc.errors and all(e["message"] for e in exc.errors)
    else:
        raise AssertionError(f"accepted ill-typed answers: {answers!r}")


# Questions only a priority condition or the quota exemption reads (from the rule set, not listed by hand).
_OTHER_RULES = [r["require"] for r in RULESET.rules if r["severity"] == "priority"] + [RULESET.quota["exempt_if"]]
NOT_REQUIREMENTS = sorted({q for cond in _OTHER_RULES for q in questions_in(cond)} - RULESET.verdict_questions)


def test_the_priority_and_dcmm_questions_are_found():
    assert {"dcmm_level", "in_demo_base", "data_management_capability", "open_source_key_tech"} <= set(NOT_REQUIREMENTS)


@SETTINGS
@given(answers=well_typed(), lang=st.sampled_from(["zh", "en"]))
def test_priority_and_dcmm_answers_never_change_or_withhold_the_verdict(answers, lang):
    """Notice II(3) lists conditions for priority, not requirements: with every priority and DCMM answer removed,
    the verdict and its groups are the same, and a result with nothing blocking or missing is never incomplete."""
    day = datetime.date(2022, 4, 1)
    full = assess(RULESET, answers, lang, day)
    bare = assess(RULESET, {k: v for k, v in answers.items() if k not in NOT_REQUIREMENTS}, lang, day)
    assert (bare["verdict"], bare["groups"]) == (full["verdict"], full["groups"])
    assert not [m for m in full["missing"] if m["question"] in NOT_REQUIREMENTS]
    if not full["groups"]["blocking"] and not full["groups"]["missing"]:
        assert full["verdict"] != "incomplete"


def _fail_words(lang):
    return [s("badge.blocking", lang).lower()]


@SETTINGS
@given(answers=well_typed(), lang=st.sampled_from(["zh", "en"]))
def test_a_point_to_confirm_never_wears_the_fail_badge_or_wording(answers, lang):
    """In the result and the CLI report (text and Markdown) a point to confirm or a question still to answer is
    never labelled or worded as not met."""
    result = assess(RULESET, answers, lang, datetime.date(2022, 4, 1))
    for finding in result["findings"]:
        assert finding["badge"] == s("badge." + finding["group"], lang)
        if finding["group"] in ("confirm", "missing"):
            text = " ".join([finding["title"], finding["message"], finding["requirement"]]).lower()
            assert not [w for w in _fail_words(lang) if w in text], finding
    for fmt in ("text", "markdown"):
        report = render(result, fmt)
        for group in ("confirm", "missing"):
            section = _report_section(report, s("report.group." + group, lang))
            assert not [w for w in _fail_words(lang) if w in section.lower()], (fmt, group, section)


def _report_section(report, heading):
    """The lines of a report under `heading`, up to the next heading."""
    lines = report.splitlines()
    out, inside = [], False
    for i, line in enumerate(lines):
        is_heading = line.startswith("#") or (i + 1 < len(lines) and set(lines[i + 1]) <= {"-", "="} and lines[i + 1])
        if is_heading:
            inside = heading in line
        elif inside:
            out.append(line)
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------ the batch screen

from checker import batch  # noqa: E402
from checker import sheet_io
from checker import plan as planning
from checker import export as exports
from checker.loose import fold  # noqa: E402
from test_batch import answers as case_answers, table, to_csv  # noqa: E402

# Applicants as a unit's list names them: (name, credit code); some are one applicant written two ways.
APPLICANTS = [("甲公司", "91A"), ("甲公司", ""), ("", "91a"), ("乙公司", "91B"), ("乙公司", "91C"), ("丙公司", ""),
              ("", "")]
BASES = [case_answers(c) for c in ("eligible_d5", "eligible_d4", "advanced_unsure", "priorities_blank", "planned_project")]
PLACED = ("within", "over", "exempt")  # the statuses that take the applicant's one place


def one_applicant(a, b):
    """Notice II(1) counts applicants: the same credit code, or the same name where the codes do not differ."""
    code_a, code_b, name_a, name_b = (fold(x) for x in (a["credit_code"], b["credit_code"], a["applicant_name"],
                                                        b["applicant_name"]))
    return bool(code_a and code_a == code_b) or bool(name_a and name_a == name_b and not (code_a and code_b and code_a != code_b))


@st.composite
def candidate_rows(draw):
    """1-6 rows: often a case that may be eligible with some answers replaced by any well-typed ones (priority and
    DCMM answers among them, or left blank), sometimes any well-typed answers; applicants drawn so they repeat."""
    rows = []
    for i in range(draw(st.integers(1, 6))):
        answers = draw(well_typed())
        if draw(st.integers(0, 3)):
            keep = draw(st.sets(st.sampled_from(sorted(RULESET.questions)), max_size=4))
            answers = dict(draw(st.sampled_from(BASES)), **{k: v for k, v in answers.items() if k in keep})
            for question in draw(st.sets(st.sampled_from(NOT_REQUIREMENTS))):
                answers.pop(question, None)
        name, code = draw(st.sampled_from(APPLICANTS))
        cells = {k: v if isinstance(v, list) else str(v) for k, v in answers.items()}
        rows.append(dict(cells, project_name=f"P{i}", applicant_name=name, credit_code=code))
    return rows


def check_plan(plan, lang):
    """No reason of a point to confirm or a question to answer wears the blocking badge, in the rows and in the
    exported list; rows of one applicant never both take a place."""
    blocking = s("badge.blocking", lang)
    records = table(exports.result_csv(plan, lang))
    reasons = records[0].index(s("batch.col.reasons", lang))
    exported = {int(r[1]): r[reasons] for r in records[1:]}
    for row in plan["rows"]:
        texts = []
        for reason in row["reasons"]:
            assert reason["badge"] == s("badge." + reason["group"], lang)
            assert reason["text"] == s("batch.reason_item", lang, badge=reason["badge"], message=reason["message"])
            if reason["group"] in ("confirm", "missing"):
                assert blocking not in reason["text"], reason
            texts.append(reason["text"])
        if not row["errors"]:
            assert exported[row["row"]] == s("batch.reason_sep", lang).join(texts)
    for i, a in enumerate(plan["rows"]):
        for b in plan["rows"][i + 1:]:
            if one_applicant(a, b):
                assert not (a["quota_status"] in PLACED and b["quota_status"] in PLACED), (a["row"], b["row"])
                assert not (a["quota_status"] == "within" and b["quota_status"] == "within")


@SETTINGS
@given(rows=candidate_rows(), lang=st.sampled_from(["zh", "en"]), data=st.data())
def test_batch_reasons_wear_their_badge_and_one_applicant_takes_one_place(rows, lang, data):
    """Notice II(1) 「每个申报主体限申报 1 个项目」 and the badges of checker/present.py, in the batch: in any list, in
    the file's order, the tool's suggestion or any order the unit makes."""
    sheet = sheet_io.read_sheet(RULESET, text=to_csv(RULESET, rows))
    plan = batch.screen(RULESET, sheet, "city", lang, order_by=data.draw(st.sampled_from(planning.ORDER_BY)))
    check_plan(plan, lang)
    ranked = [r["row"] for r in plan["rows"] if r["rank"]]
    check_plan(planning.replan(RULESET, plan, order=data.draw(st.permutations(ranked))), lang)
