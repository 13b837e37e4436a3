"""Counts as people type them (full-width digits, a counting word, spaces) are read by the checker, the one place
that decides; what is not a whole number is refused with a message naming the question by its label."""

import pytest

from checker import answers
from checker.ruleset import known_calls, load_default
from checker.strings import LANGS, s

CALL = known_calls()[0]
RULES = load_default(CALL)
COUNT = next(q for q in RULES.order if RULES.questions[q]["kind"] == "integer")
QUESTION = RULES.questions[COUNT]
LOW = QUESTION.get("min", 0)
HIGH = QUESTION["max"]
UNITS = [unit for lang in LANGS for unit in s("answer.count_units", lang)]


def read(value, lang="zh"):
    return answers.validate(RULES, {COUNT: value}, lang)[COUNT]


def refusal(value, lang):
    with pytest.raises(answers.AnswersError) as caught:
        answers.validate(RULES, {COUNT: value}, lang)
    (error,) = caught.value.errors
    return error


def full_width(number):
    return "".join(chr(ord(c) - ord("0") + ord("０")) for c in str(number))


@pytest.mark.parametrize("spelling", ["{n}", " {n} ", "{fw}", "{n}{unit}", "{n} {unit}", " {fw} {unit} ", "+{n}"])
@pytest.mark.parametrize("unit", UNITS[:1] + UNITS[-1:])
def test_counts_as_people_write_them(spelling, unit):
    n = LOW + 1
    assert read(spelling.format(n=n, fw=full_width(n), unit=unit)) == n


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("value", ["1e3", "3.0x", "three", "1,5", "½", True])
def test_not_a_number_is_refused_naming_the_label(value, lang):
    error = refusal(value, lang)
    assert error["code"] == "not_integer" and error["question"] == COUNT
    assert QUESTION["label"][lang] in error["message"] and COUNT not in error["message"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("value", ["2.5", 2.5, "-0.5", "３.５", f"{LOW}.5 {UNITS[0]}"])
def test_a_decimal_is_refused_as_not_whole(value, lang):
    """A number with decimals is a number: the refusal says what is wrong with it (decimals), not "not a number"."""
    error = refusal(value, lang)
    assert error["code"] == "not_whole" and error["question"] == COUNT
    assert QUESTION["label"][lang] in error["message"] and COUNT not in error["message"]


@pytest.mark.parametrize("code", ["not_integer", "not_whole"])
@pytest.mark.parametrize("lang", LANGS)
def test_number_refusals_give_an_example_from_the_data(code, lang):
    """GOV.UK style ("Enter a number, like 4"): the example is the question's own minimum, from the questions'
    data, through a placeholder (no number written into the wording), for every count question."""
    import json
    from pathlib import Path

    wording = json.loads((Path(__file__).parents[1] / "checker" / "i18n" / f"{lang}.json").read_text("utf-8"))
    assert "{example}" in wording["error"][code] and not any(c.isdigit() for c in wording["error"][code])
    value = "2.5" if code == "not_whole" else "many"
    for qid in RULES.order:
        question = RULES.questions[qid]
        if question["kind"] != "integer":
            continue
        with pytest.raises(answers.AnswersError) as caught:
            answers.validate(RULES, {qid: value}, lang)
        (error,) = caught.value.errors
        assert error["code"] == code
        assert error["message"].endswith(f" {question.get('min', 0)}"), error["message"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("value", [LOW - 1, str(LOW - 1), HIGH + 1, f"{HIGH + 1}"])
def test_out_of_range_names_the_label_and_the_bounds(value, lang):
    error = refusal(value, lang)
    assert error["code"] == "out_of_range" and error["question"] == COUNT
    assert QUESTION["label"][lang] in error["message"] and COUNT not in error["message"]
    assert str(HIGH) in error["message"]


def test_a_counting_word_alone_is_not_a_number():
    assert refusal(UNITS[0], "en")["code"] == "not_integer"


@pytest.mark.parametrize("lang", LANGS)
def test_an_over_long_answer_names_the_label(lang):
    from checker import limits

    error = refusal("1" * (limits.MAX_VALUE_CHARS + 1), lang)
    assert error["question"] == COUNT and QUESTION["label"][lang] in error["message"] and COUNT not in error["message"]
