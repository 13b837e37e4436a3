"""Conditions over answers: a small table of operators that evaluate in three values and explain themselves.

A compiled condition is JSON: `{"all": [...]}`, `{"any": [...]}`, `{"not": c}` or a leaf
`{"q": question_id, "op": name, "arg": value}`. Evaluation returns True, False or None (unknown: the answer is
missing or "not sure"), combined with Kleene's three-valued logic so an unknown never passes as a yes.
"""

from .strings import s

COMBINATORS = ("all", "any", "not")


def _label(question, lang):
    return question.get("short", question["label"])[lang]


def _option_label(question, option_id, lang):
    if question["kind"] == "tristate":
        return s("tristate." + option_id, lang)
    for option in question.get("options", ()):
        if option["id"] == option_id:
            return option["label"][lang]
    return str(option_id)


def _quote(text, lang):
    return "「" + text + "」" if lang == "zh" else "“" + text + "”"


def _numeric(question, value):
    """The comparable number of an answer: integers as such, single choices by their option's `value`."""
    if question["kind"] == "single":
        for option in question.get("options", ()):
            if option["id"] == value:
                return option.get("value")
        return None
    return value


def _arg_text(arg, lang):
    text = str(arg["value"])
    unit = arg.get("unit")
    if unit:
        text += (" " if lang == "en" else " ") + unit[lang]
    return text


class Operator:
    """One operator: which question kinds it takes, what argument, how it tests and how it reads."""

    def __init__(self, name, kinds, arg, test, zh, en):
        self.name, self.kinds, self.arg, self.test = name, kinds, arg, test
        self.phrases = {"zh": zh, "en": en}

    def explain(self, question, arg, lang):
        """Say in `lang` what this operator requires of the question."""
        if self.arg == "options":
            sep = "」或「" if lang == "zh" else "”, “"
            shown = [_option_label(question, a, lang) for a in arg]
            value = ("「" + sep.join(shown) + "」") if lang == "zh" else ("“" + sep.join(shown) + "”")
        elif self.arg == "option":
            value = _quote(_option_label(question, arg, lang), lang)
        elif self.arg == "bool":
            value = ""
        else:
            value = _arg_text(arg, lang)
        return self.phrases[lang].format(q=_quote(_label(question, lang), lang), v=value)


def _num_test(compare):
    def test(question, answer, arg):
        number = _numeric(question, answer)
        if number is None:
            return None
        return compare(number, arg["value"])
    return test


ORDERED = ("integer", "date", "single")

OPERATORS = {
    op.name: op
    for op in (
        Operator("eq", ("single", "tristate", "integer", "text"), "option",
                 lambda q, a, arg: a == arg, "{q}为{v}", "{q} is {v}"),
        Operator("ne", ("single", "tristate", "integer", "text"), "option",
                 lambda q, a, arg: a != arg, "{q}不是{v}", "{q} is not {v}"),
        Operator("in", ("single",), "options",
                 lambda q, a, arg: a in arg, "{q}为{v}之一", "{q} is one of {v}"),
        Operator("not_in", ("single",), "options",
                 lambda q, a, arg: a not in arg, "{q}不是{v}", "{q} is none of {v}"),
        Operator("includes_any", ("multi",), "options",
                 lambda q, a, arg: any(x in arg for x in a), "{q}包含{v}中至少一项",
                 "{q} includes at least one of {v}"),
        Operator("gte", ORDERED, "number", _num_test(lambda x, y: x >= y), "{q}不少于 {v}", "{q} is at least {v}"),
        Operator("lte", ORDERED, "number", _num_test(lambda x, y: x <= y), "{q}不超过 {v}", "{q} is at most {v}"),
        Operator("gt", ORDERED, "number", _num_test(lambda x, y: x > y), "{q}多于 {v}", "{q} is more than {v}"),
        Operator("lt", ORDERED, "number", _num_test(lambda x, y: x < y), "{q}少于 {v}", "{q} is less than {v}"),
        Operator("answered", ("single", "multi", "tristate", "integer", "date", "text"), "bool",
                 None, "已回答{q}", "{q} is answered"),
    )
}

# Dates compare as ISO strings; their wording differs from numbers'.
DATE_PHRASES = {
    "gte": {"zh": "{q}不早于 {v}", "en": "{q} is on or after {v}"},
    "lte": {"zh": "{q}不晚于 {v}", "en": "{q} is on or before {v}"},
    "gt": {"zh": "{q}晚于 {v}", "en": "{q} is after {v}"},
    "lt": {"zh": "{q}早于 {v}", "en": "{q} is before {v}"},
}


def evaluate(cond, answers, questions):
    """Evaluate a compiled condition: True, False or None when it cannot be known from the answers."""
    if "all" in cond:
        results = [evaluate(c, answers, questions) for c in cond["all"]]
        return False if False in results else (None if None in results else True)
    if "any" in cond:
        results = [evaluate(c, answers, questions) for c in cond["any"]]
        return True if True in results else (None if None in results else False)
    if "not" in cond:
        result = evaluate(cond["not"], answers, questions)
        return None if result is None else not result
    question = questions[cond["q"]]
    answer = answers.get(cond["q"])
    op = OPERATORS[cond["op"]]
    if op.name == "answered":
        known = answer is not None and answer != [] and answer != ""
        return known == cond["arg"]
    if answer is None or (question["kind"] == "tristate" and answer == "unsure"):
        return None
    return op.test(question, answer, cond["arg"])


def explain(cond, questions, lang):
    """Say in `lang` what a compiled condition requires."""
    if "all" in cond:
        joiner = "；并且" if lang == "zh" else "; and "
        return joiner.join(explain(c, questions, lang) for c in cond["all"])
    if "any" in cond:
        joiner = "；或者" if lang == "zh" else "; or "
        return joiner.join(explain(c, questions, lang) for c in cond["any"])
    if "not" in cond:
        inner = explain(cond["not"], questions, lang)
        return "并非（" + inner + "）" if lang == "zh" else "not (" + inner + ")"
    question = questions[cond["q"]]
    if question["kind"] == "date" and cond["op"] in DATE_PHRASES:
        return DATE_PHRASES[cond["op"]][lang].format(
            q=_quote(_label(question, lang), lang), v=cond["arg"]["value"])
    return OPERATORS[cond["op"]].explain(question, cond["arg"], lang)


def questions_in(cond):
    """The ids of the questions a compiled condition reads, in order of first use."""
    found = []
    stack = [cond]
    while stack:
        c = stack.pop(0)
        if "all" in c or "any" in c:
            stack[0:0] = c.get("all") or c.get("any")
        elif "not" in c:
            stack.insert(0, c["not"])
        elif c["q"] not in found:
            found.append(c["q"])
    return found


def format_answer(question, answer, lang):
    """An answer as a reader sees it."""
    if answer is None or answer == [] or answer == "":
        return s("answer.none", lang)
    if question["kind"] in ("single", "tristate"):
        return _option_label(question, answer, lang)
    if question["kind"] == "multi":
        sep = "、" if lang == "zh" else ", "
        return sep.join(_option_label(question, a, lang) for a in answer)
    return str(answer)
