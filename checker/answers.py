"""Validate and normalise answers against the questions, with a bilingual message for every problem."""

import math

from . import kinds, limits
from .strings import s


class NonFinite:
    """NaN or Infinity read from JSON (json.loads would give a float that JSON cannot carry back)."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


class AnswersError(Exception):
    """The answers cannot be assessed; `errors` lists each problem (question, value, code, message)."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(e["message"] for e in errors))


def unwrap(document):
    """Accept a plain mapping of answers or an exported file {call, ruleset_version, answers: {...}}."""
    if isinstance(document, dict) and isinstance(document.get("answers"), dict):
        meta = {k: v for k, v in document.items() if k != "answers"}
        return document["answers"], meta
    return document, {}


def normalise(question, value, lang):
    """Return (normalised value, None) or (None, (code, extra format values)): the question's kind decides."""
    return kinds.of(question).normalise(question, value, lang)


def _too_big(value, top=True):
    """The problem code of a value beyond the limits (checked before any parsing), or None."""
    if isinstance(value, NonFinite) or (isinstance(value, float) and not math.isfinite(value)):
        return "non_finite"
    if isinstance(value, str) and len(value) > limits.MAX_VALUE_CHARS:
        return "value_too_long"
    if isinstance(value, list) and top:  # a multiple-choice list; deeper lists are refused as not an option
        if len(value) > limits.MAX_LIST_ITEMS:
            return "too_many_items"
        return next((code for code in (_too_big(item, False) for item in value) if code), None)
    return None


def _error(code, lang, **values):
    return {"question": values.get("question"), "value": values.get("value"), "code": code,
            "message": s("error." + code, lang, **values)}


def _bounded(errors, lang):
    """At most MAX_ERRORS problems, then one line counting the rest (so a huge file gives a short error)."""
    if len(errors) <= limits.MAX_ERRORS:
        return errors
    rest = len(errors) - limits.MAX_ERRORS
    return errors[:limits.MAX_ERRORS] + [_error("more", lang, count=rest)]


def validate(ruleset, raw, lang="zh"):
    """Normalise a mapping of answers; raise AnswersError listing every problem (at most MAX_ERRORS of them)."""
    if not isinstance(raw, dict):
        raise AnswersError([_error("answers_not_mapping", lang)])
    if len(raw) > limits.MAX_ANSWERS:
        raise AnswersError([_error("too_many_answers", lang, count=len(raw), limit=limits.MAX_ANSWERS)])
    answers, errors, listed = {}, [], False
    for key, value in raw.items():
        shown_key = limits.shorten(key)
        question = ruleset.questions.get(key if isinstance(key, str) else shown_key)
        if question is None:
            if listed:  # the known questions are listed once, not once per unknown key
                errors.append(_error("unknown_question_again", lang, question=shown_key))
            else:
                errors.append(_error("unknown_question", lang, question=shown_key, allowed=", ".join(ruleset.order)))
                listed = True
            continue
        big = _too_big(value)
        if big:
            limit = limits.MAX_VALUE_CHARS if big == "value_too_long" else limits.MAX_LIST_ITEMS
            # Named by its label, as every other problem (the error keeps the id: the field or column it is for).
            errors.append(dict(_error(big, lang, question=question["label"][lang], limit=limit), question=key))
            continue
        if kinds.is_blank(value):
            continue
        normal, problem = normalise(question, value, lang)
        if problem:
            code, extra = problem
            shown = limits.shorten(extra.pop("value", value))
            values = {"question": question["label"][lang], "value": shown, "allowed": kinds.of(question).allowed(question, lang)}
            values.update(extra)
            # The message names the question by its label; the error keeps the id (the field or column it is for).
            errors.append(dict(_error(code, lang, **values), question=key))
        else:
            answers[key] = normal
    if errors:
        raise AnswersError(_bounded(errors, lang))
    return answers
