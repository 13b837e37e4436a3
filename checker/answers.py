"""Validate and normalise answers against the questions, with a bilingual message for every problem."""

import datetime
import math
import re
import unicodedata

from . import limits
from .strings import LANGS, s

TRISTATE = ("yes", "no", "unsure")
# Split on the separator only and strip the items afterwards: `\s*[;,]\s*` is quadratic on long runs of spaces.
_LIST_SPLIT = re.compile(r"[;；,，、|]")


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


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _text(value):
    """A scalar answer as text (str() alone fails on an int of more than 4,300 digits)."""
    return value if isinstance(value, str) else limits.shorten(value, limits.MAX_VALUE_CHARS)


def _match_option(question, value):
    """The option id a value names: its id, or its label in either language (case and spacing ignored)."""
    text = _text(value).strip()
    options = question.get("options") or [{"id": t} for t in TRISTATE]
    for option in options:
        if text == option["id"]:
            return option["id"]
    folded = text.casefold()
    for option in options:
        labels = option.get("label") or {}
        if any(folded == str(label).strip().casefold() for label in labels.values()):
            return option["id"]
    return None


def _count_text(text):
    """A count as people write it: full-width digits made plain ("３" -> "3"), spaces around it and a counting
    word after it in either language ("3 个", "3个", "3 cases": checker/i18n, answer.count_units) taken off. The
    rest is read as digits or refused (a decimal point, a minus sign, an exponent)."""
    text = unicodedata.normalize("NFKC", text).strip()
    for lang in LANGS:
        for unit in s("answer.count_units", lang):
            if text.casefold().endswith(unit.casefold()) and text[:-len(unit)].strip():
                return text[:-len(unit)].strip()
    return text


def _allowed(question, lang):
    if question["kind"] == "tristate":
        return ", ".join(f"{t} ({s('tristate.' + t, lang)})" for t in TRISTATE)
    return ", ".join(f"{o['id']} ({o['label'][lang]})" for o in question.get("options", []))


def _normalise(question, value, lang):
    """Return (normalised value, None) or (None, (code, extra format values))."""
    kind = question["kind"]
    if kind == "tristate":
        if isinstance(value, bool):  # YAML 1.1 reads yes/no as booleans
            return ("yes" if value else "no"), None
        tri = {"是": "yes", "否": "no", "不确定": "unsure", "true": "yes", "false": "no", "not sure": "unsure"}
        key = _text(value).strip().casefold()
        found = key if key in TRISTATE else tri.get(key) or _match_option(question, value)
        return (found, None) if found else (None, ("not_choice", {}))
    if kind == "single":
        if isinstance(value, (list, dict)) or isinstance(value, bool):
            return None, ("not_choice", {})
        found = _match_option(question, value)
        return (found, None) if found else (None, ("unknown_option", {}))
    if kind == "multi":
        items = [item.strip() for item in _LIST_SPLIT.split(value)] if isinstance(value, str) else value
        if not isinstance(items, list):
            return None, ("not_list", {})
        if len(items) > limits.MAX_LIST_ITEMS:
            return None, ("too_many_items", {"limit": limits.MAX_LIST_ITEMS})
        chosen = []
        for item in items:
            if _is_blank(item):
                continue
            found = _match_option(question, item) if not isinstance(item, (list, dict)) else None
            if found is None:
                return None, ("unknown_option", {"value": item})
            if found not in chosen:
                chosen.append(found)
        exclusive = [o["id"] for o in question["options"] if o.get("exclusive")]
        for option_id in exclusive:
            if option_id in chosen and len(chosen) > 1:
                return None, ("exclusive_option", {"value": option_id})
        return chosen, None
    if kind == "integer":
        if isinstance(value, bool):
            return None, ("not_integer", {})
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            text = _count_text(value)
            if re.fullmatch(r"[+-]?[0-9]{1,18}", text):  # longer: not a count
                value = int(text)
        if not isinstance(value, int):
            return None, ("not_integer", {})
        low, high = question.get("min", 0), question.get("max")
        if value < low or (high is not None and value > high):
            bounds = f"{low}–{high}" if high is not None else f"≥ {low}"
            return None, ("out_of_range", {"allowed": bounds})
        return value, None
    if kind == "date":
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.isoformat(), None
        text = value.strip() if isinstance(value, str) else ""
        try:  # fromisoformat alone would also take 20220504 and, on newer Pythons, week dates
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            return datetime.date.fromisoformat(text).isoformat(), None
        except ValueError:
            return None, ("not_date", {})
    if kind == "text":
        if isinstance(value, (list, dict, bool)):
            return None, ("not_text", {})
        text = _text(value)
        limit = question.get("max_length")
        if limit and len(text) > limit:
            return None, ("too_long", {"allowed": limit})
        return text, None
    raise ValueError(f"unknown question kind {kind!r}")  # the loader's schema makes this unreachable


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
        if _is_blank(value):
            continue
        normal, problem = _normalise(question, value, lang)
        if problem:
            code, extra = problem
            shown = limits.shorten(extra.pop("value", value))
            values = {"question": question["label"][lang], "value": shown, "allowed": _allowed(question, lang)}
            values.update(extra)
            # The message names the question by its label; the error keeps the id (the field or column it is for).
            errors.append(dict(_error(code, lang, **values), question=key))
        else:
            answers[key] = normal
    if errors:
        raise AnswersError(_bounded(errors, lang))
    return answers
