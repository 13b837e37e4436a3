"""Question kinds: one small class per kind, and the registry KINDS every part of the checker asks instead of
testing a kind's name. A kind says how an answer is read (normalise), which condition operators take it and how
they compare it, how an answer is worded, how the form, the people's template and a loose cell offer or read it.

A new kind is one class here plus one entry in KINDS. Its form control is one of the page's controls ("one":
radio buttons, "many": check boxes, "field": one input, drawn by the partial build_scripts/templates/kinds/<input>
.html.j2 and handled by form.js's CONTROLS); a kind that needs a new control adds that partial and that entry.
"""

import datetime
import math
import re
import unicodedata

from . import limits
from .strings import LANGS, s

# Split on the separator only and strip the items afterwards: `\s*[;,]\s*` is quadratic on long runs of spaces.
LIST_SPLIT = re.compile(r"[;；,，、|]")
TRISTATE = ("yes", "no", "unsure")
# A number with a fractional part, as typed ("2.5", "-0.5", "2，5" is not one): refused as not whole, not as no number.
DECIMAL = re.compile(r"[+-]?[0-9]{1,18}\.[0-9]{1,18}")


def text_of(value):
    """A scalar answer as text (str() alone fails on an int of more than 4,300 digits)."""
    return value if isinstance(value, str) else limits.shorten(value, limits.MAX_VALUE_CHARS)


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _without_unit(text, units):
    """`text` with a unit word after it taken off ("3 个" -> "3"; "500万元" -> "500"), full-width forms made plain;
    `units` is a list of spellings in both languages (interface strings or the question's own unit)."""
    text = unicodedata.normalize("NFKC", text).strip()
    for unit in sorted(units, key=len, reverse=True):  # "万元" before "元"
        if unit and text.casefold().endswith(unit.casefold()) and text[:-len(unit)].strip():
            return text[:-len(unit)].strip()
    return text


class Kind:
    """What every kind answers; the defaults are those of a kind without options."""

    name = None
    control = "field"      # the form's control: "one", "many" or "field"
    input = "text"         # a field's partial (build_scripts/templates/kinds/<input>.html.j2)
    choice = False         # answered with option ids: options, drop-down lists and loose cell reading
    data_options = False   # its options are the question's own (options or options_from in the YAML)
    operators = ()         # the condition operators that take it (checker/conditions.py OPERATORS)
    arg_type = None        # how an ordered operator's argument is read: "int", "number" or "date"
    numeric = False        # a field whose plain number goes to the checker as a number (form.js)
    verbatim = False       # a field whose text goes as typed, spaces and all (form.js)

    def options(self, question):
        """[{id, label: {zh, en}, ...}] of a choice kind."""
        return question.get("options", [])

    def option_label(self, question, option_id, lang):
        for option in self.options(question):
            if option["id"] == option_id:
                return option["label"][lang]
        return str(option_id)

    def normalise(self, question, value, lang):
        """(normalised value, None) or (None, (problem code, extra message values))."""
        raise NotImplementedError

    def unsettled(self, answer):
        """An answer that leaves a condition unknown (a "not sure")."""
        return False

    def number(self, question, answer):
        """The comparable value of an answer for the ordered operators, or None."""
        return answer

    def format(self, question, answer, lang, sep_key="conditions.multi_sep"):
        """An answer as a reader sees it (`sep_key`: the interface string that joins a list)."""
        return str(answer)

    def bound(self, question, value, lang):
        """A number a condition names, as its sentence says it (no unit: it would repeat the question's noun)."""
        return str(value)

    def meeting_values(self, question):
        """Answers to try when one question is all that is left (engine's "nearly fits")."""
        return []

    def example_tries(self, question, numbers):
        """Answers the template's example row may take, in order of preference (`numbers`: the values the rules
        name for this question)."""
        return []

    def template_choices(self, question, lang):
        """The labels a template column's drop-down offers, or None."""
        return None

    def template_number_check(self, question):
        """(min, max, whole) for a template column's number validation, or None."""
        return None

    def questionnaire_extra(self, question, lang):
        """What the questionnaire (form, CLI) shows beyond the label and help: options, bounds, a unit."""
        out = {k: question[k] for k in ("min", "max", "max_length") if k in question}
        if "unit" in question:
            out["unit"] = question["unit"][lang]
        return out

    def allowed(self, question, lang):
        """The answers it takes, for an error message."""
        return ""


class _Choice(Kind):
    choice = data_options = True

    def match(self, question, value):
        """The option id a value names: its id, or its label in either language (case and spacing ignored)."""
        text = text_of(value).strip()
        options = self.options(question)
        for option in options:
            if text == option["id"]:
                return option["id"]
        folded = text.casefold()
        for option in options:
            if any(folded == str(label).strip().casefold() for label in (option.get("label") or {}).values()):
                return option["id"]
        return None

    def format(self, question, answer, lang, sep_key="conditions.multi_sep"):
        values = answer if isinstance(answer, list) else [answer]
        return s(sep_key, lang).join(self.option_label(question, v, lang) for v in values)

    def template_choices(self, question, lang):
        return [o["label"][lang] for o in self.options(question)]

    def questionnaire_extra(self, question, lang):
        return {"options": [{"id": o["id"], "label": o["label"][lang], "exclusive": o.get("exclusive", False)}
                            for o in self.options(question)]}

    def allowed(self, question, lang):
        return ", ".join(f"{o['id']} ({o['label'][lang]})" for o in self.options(question))


class Single(_Choice):
    name, control = "single", "one"
    operators = ("eq", "ne", "in", "not_in", "gte", "lte", "gt", "lt", "answered")
    arg_type = "int"  # an ordered comparison reads the options' `value`

    def normalise(self, question, value, lang):
        if isinstance(value, (list, dict, bool)):
            return None, ("not_choice", {})
        found = self.match(question, value)
        return (found, None) if found else (None, ("unknown_option", {}))

    def number(self, question, answer):
        for option in self.options(question):
            if option["id"] == answer:
                return option.get("value")
        return None

    def meeting_values(self, question):
        return [o["id"] for o in self.options(question)]

    def example_tries(self, question, numbers):
        return [o["id"] for o in self.options(question)]


class Tristate(_Choice):
    """Yes, no or not sure: the three answers and their labels are interface strings, not the question's data."""

    name, control = "tristate", "one"
    operators = ("eq", "ne", "answered")
    data_options = False

    def options(self, question):
        return [{"id": t, "label": {lang: s("tristate." + t, lang) for lang in LANGS}} for t in TRISTATE]

    def normalise(self, question, value, lang):
        if isinstance(value, bool):  # YAML 1.1 reads yes/no as booleans
            return ("yes" if value else "no"), None
        if isinstance(value, (list, dict)):
            return None, ("not_choice", {})
        key = text_of(value).strip().casefold()
        found = key if key in TRISTATE else {"true": "yes", "false": "no"}.get(key) or self.match(question, value)
        return (found, None) if found else (None, ("not_choice", {}))

    def unsettled(self, answer):
        return answer == "unsure"

    def meeting_values(self, question):
        return ["yes"]

    def example_tries(self, question, numbers):
        return ["yes", "no"]


class Multi(_Choice):
    name, control = "multi", "many"
    operators = ("includes_any", "answered")

    def normalise(self, question, value, lang):
        items = [item.strip() for item in LIST_SPLIT.split(value)] if isinstance(value, str) else value
        if not isinstance(items, list):
            return None, ("not_list", {})
        if len(items) > limits.MAX_LIST_ITEMS:
            return None, ("too_many_items", {"limit": limits.MAX_LIST_ITEMS})
        chosen = []
        for item in items:
            if is_blank(item):
                continue
            found = self.match(question, item) if not isinstance(item, (list, dict)) else None
            if found is None:
                return None, ("unknown_option", {"value": item})
            if found not in chosen:
                chosen.append(found)
        for option in self.options(question):
            if option.get("exclusive") and option["id"] in chosen and len(chosen) > 1:
                return None, ("exclusive_option", {"value": option["id"]})
        return chosen, None

    def example_tries(self, question, numbers):
        plain = [o["id"] for o in self.options(question) if not o.get("exclusive")]
        return [plain[:2]] + [[o] for o in plain]


class _Number(Kind):
    """What counts and amounts share: bounded by the question's min and max, offered as a number in the template."""

    whole = True  # the template's cell validation: a whole number, or any decimal

    def meeting_values(self, question):
        return [question["max"]] if "max" in question else []

    def example_tries(self, question, numbers):
        values = {question.get("min", 0)} | set(numbers)
        return sorted(v for v in values if question.get("max") is None or v <= question["max"])

    def template_number_check(self, question):
        return question.get("min", 0), question.get("max"), self.whole


class Integer(_Number):
    """A count: digits, full-width or with a counting word after them ("３", "3 个", "3 cases")."""

    name, input, numeric = "integer", "number", True
    operators = ("eq", "ne", "gte", "lte", "gt", "lt", "answered")
    arg_type = "int"

    def normalise(self, question, value, lang):
        if isinstance(value, bool):
            return None, ("not_integer", self.example(question))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            text = _without_unit(value, [u for lang_ in LANGS for u in s("answer.count_units", lang_)])
            if re.fullmatch(r"[+-]?[0-9]{1,18}", text):  # longer: not a count
                value = int(text)
            elif DECIMAL.fullmatch(text):
                return None, ("not_whole", self.example(question))
        if isinstance(value, float) and math.isfinite(value):
            return None, ("not_whole", self.example(question))
        if not isinstance(value, int):
            return None, ("not_integer", self.example(question))
        return _in_range(question, value)

    @staticmethod
    def example(question):
        """The number a refusal offers as an example ("Enter a number, like 4"): the question's own minimum, the one
        number every count question has in its data (the values the rules compare it with are not at hand here,
        and would read as a hint of the answer wanted)."""
        return {"example": question.get("min", 0)}



def _in_range(question, value):
    low, high = question.get("min", 0), question.get("max")
    if value < low or (high is not None and value > high):
        bounds = f"{low}–{high}" if high is not None else f"≥ {low}"
        return None, ("out_of_range", {"allowed": bounds})
    return value, None


class Amount(_Number):
    """A money amount in the unit the question names (e.g. 万元): a number with at most `decimals` places, written
    with or without thousands separators and the unit after it ("1,200.5 万元")."""

    name, input, numeric, whole = "amount", "amount", True, False
    operators = ("gte", "lte", "gt", "lt", "answered")
    arg_type = "number"
    decimals = 4

    def normalise(self, question, value, lang):
        if isinstance(value, bool) or isinstance(value, (list, dict)):
            return None, ("not_amount", {})
        if isinstance(value, str):
            units = [question["unit"][lang_] for lang_ in LANGS] if "unit" in question else []
            text = _without_unit(value, units).replace(",", "").replace("，", "")
            if not re.fullmatch(r"[+-]?[0-9]{1,15}(\.[0-9]{1,%d})?" % self.decimals, text):
                return None, ("not_amount", {})
            value = float(text) if "." in text else int(text)
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")) or round(value, self.decimals) != value:
                return None, ("not_amount", {})
            value = int(value) if value.is_integer() else value
        return _in_range(question, value)

    def format(self, question, answer, lang, sep_key=None):
        unit = question.get("unit", {}).get(lang, "")
        return f"{answer} {unit}".strip() if lang == "en" else f"{answer}{unit}"

    def bound(self, question, value, lang):
        return self.format(question, value, lang)  # an amount's unit is not in its question's short name



class Date(Kind):
    name, input = "date", "date"
    operators = ("gte", "lte", "gt", "lt", "answered")
    arg_type = "date"

    def normalise(self, question, value, lang):
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


class Text(Kind):
    name, input, verbatim = "text", "text", True
    operators = ("eq", "ne", "answered")

    def normalise(self, question, value, lang):
        if isinstance(value, (list, dict, bool)):
            return None, ("not_text", {})
        text = text_of(value)
        limit = question.get("max_length")
        if limit and len(text) > limit:
            return None, ("too_long", {"allowed": limit})
        return text, None


KINDS = {kind.name: kind for kind in (Single(), Multi(), Tristate(), Integer(), Amount(), Date(), Text())}


def of(question):
    """The kind of a question (compiled or as written in YAML)."""
    return KINDS[question["kind"]]
