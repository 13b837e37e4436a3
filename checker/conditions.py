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


class Operator:
    """One operator: which question kinds it takes, what argument, how it tests and how it reads.

    `zh`/`en` say what the operator requires, `not_zh`/`not_en` its negation, so `not` reads as a plain sentence
    ({q} is the question's quoted label, {v} the value).
    """

    def __init__(self, name, kinds, arg, test, zh, en, not_zh, not_en):
        self.name, self.kinds, self.arg, self.test = name, kinds, arg, test
        self.phrases = {"zh": zh, "en": en}
        self.negated = {"zh": not_zh, "en": not_en}

    def explain(self, question, arg, lang, negate=False):
        """Say in `lang` what this operator requires of the question (or, with negate, that it does not hold)."""
        if self.arg == "options" and len(arg) == 1:  # one option reads like eq / ne
            single = OPERATORS["eq"] if self.name in ("in", "not_in") else None
            if single is not None:
                return single.explain(question, arg[0], lang, negate=negate != (self.name == "not_in"))
        phrases = self.negated if negate else self.phrases
        if self.arg == "options":
            shown = [_quote(_option_label(question, a, lang), lang) for a in arg]
            if lang == "zh":
                value = "、".join(shown)
            else:
                value = ", ".join(shown[:-1]) + (" or " if self.name in ("in", "not_in") else ", ") + shown[-1] \
                    if len(shown) > 1 else shown[0]
        elif self.arg == "option":
            value = _quote(_option_label(question, arg, lang), lang)
        elif self.arg == "bool":
            value = ""
            phrases = self.negated if (negate == bool(arg)) else self.phrases
        else:
            value = str(arg["value"])  # the unit would repeat the question's own noun
        text = phrases[lang]
        if self.arg == "options" and len(arg) == 1 and self.name == "includes_any":
            text = SINGLE_INCLUDES[("not_" if negate else "") + lang]
        return text.format(q=_quote(_label(question, lang), lang), v=value)


def _num_test(compare):
    def test(question, answer, arg):
        number = _numeric(question, answer)
        if number is None:
            return None
        return compare(number, arg["value"])
    return test


ORDERED = ("integer", "date", "single")
ANY_KIND = ("single", "multi", "tristate", "integer", "date", "text")

OPERATORS = {
    op.name: op
    for op in (
        Operator("eq", ("single", "tristate", "integer", "text"), "option", lambda q, a, arg: a == arg,
                 "{q}的回答为{v}", "the answer to {q} is {v}", "{q}的回答不是{v}", "the answer to {q} is not {v}"),
        Operator("ne", ("single", "tristate", "integer", "text"), "option", lambda q, a, arg: a != arg,
                 "{q}的回答不是{v}", "the answer to {q} is not {v}", "{q}的回答为{v}", "the answer to {q} is {v}"),
        Operator("in", ("single",), "options", lambda q, a, arg: a in arg,
                 "{q}的回答为{v}之一", "the answer to {q} is {v}",
                 "{q}的回答不是{v}中的任何一项", "the answer to {q} is none of {v}"),
        Operator("not_in", ("single",), "options", lambda q, a, arg: a not in arg,
                 "{q}的回答不是{v}中的任何一项", "the answer to {q} is none of {v}",
                 "{q}的回答为{v}之一", "the answer to {q} is {v}"),
        Operator("includes_any", ("multi",), "options", lambda q, a, arg: any(x in arg for x in a),
                 "{q}的回答包含{v}中至少一项", "the answer to {q} includes at least one of {v}",
                 "{q}的回答不包含{v}中的任何一项", "the answer to {q} includes none of {v}"),
        Operator("gte", ORDERED, "number", _num_test(lambda x, y: x >= y),
                 "{q}的回答不少于 {v}", "the answer to {q} is at least {v}",
                 "{q}的回答少于 {v}", "the answer to {q} is less than {v}"),
        Operator("lte", ORDERED, "number", _num_test(lambda x, y: x <= y),
                 "{q}的回答不超过 {v}", "the answer to {q} is at most {v}",
                 "{q}的回答超过 {v}", "the answer to {q} is more than {v}"),
        Operator("gt", ORDERED, "number", _num_test(lambda x, y: x > y),
                 "{q}的回答超过 {v}", "the answer to {q} is more than {v}",
                 "{q}的回答不超过 {v}", "the answer to {q} is at most {v}"),
        Operator("lt", ORDERED, "number", _num_test(lambda x, y: x < y),
                 "{q}的回答少于 {v}", "the answer to {q} is less than {v}",
                 "{q}的回答不少于 {v}", "the answer to {q} is at least {v}"),
        Operator("answered", ANY_KIND, "bool", None,
                 "已回答{q}", "the question {q} is answered", "未回答{q}", "the question {q} is not answered"),
    )
}

# A multi-choice question and one option: "includes X" rather than "at least one of X".
SINGLE_INCLUDES = {"zh": "{q}的回答包含{v}", "en": "the answer to {q} includes {v}",
                   "not_zh": "{q}的回答不包含{v}", "not_en": "the answer to {q} does not include {v}"}

# Dates compare as ISO strings; their wording differs from numbers'. (phrase, negated phrase)
DATE_PHRASES = {
    "gte": {"zh": ("{q}的回答不早于 {v}", "{q}的回答早于 {v}"),
            "en": ("the answer to {q} is on or after {v}", "the answer to {q} is before {v}")},
    "lte": {"zh": ("{q}的回答不晚于 {v}", "{q}的回答晚于 {v}"),
            "en": ("the answer to {q} is on or before {v}", "the answer to {q} is after {v}")},
    "gt": {"zh": ("{q}的回答晚于 {v}", "{q}的回答不晚于 {v}"),
           "en": ("the answer to {q} is after {v}", "the answer to {q} is on or before {v}")},
    "lt": {"zh": ("{q}的回答早于 {v}", "{q}的回答不早于 {v}"),
           "en": ("the answer to {q} is before {v}", "the answer to {q} is on or after {v}")},
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
    """Say in `lang`, as one plain sentence, what a compiled condition requires."""
    text = _explain(cond, questions, lang, False)
    return text[:1].upper() + text[1:] if lang == "en" else text


def _explain(cond, questions, lang, negate):
    # `not` is pushed down to the leaves (De Morgan), so no sentence ever reads "not (…)".
    if "not" in cond:
        return _explain(cond["not"], questions, lang, not negate)
    for key in ("all", "any"):
        if key in cond:
            conjunction = (key == "all") != negate
            joiner = ("；并且" if lang == "zh" else "; and ") if conjunction else ("；或者" if lang == "zh" else "; or ")
            return joiner.join(_explain(c, questions, lang, negate) for c in cond[key])
    question = questions[cond["q"]]
    if question["kind"] == "date" and cond["op"] in DATE_PHRASES:
        phrase = DATE_PHRASES[cond["op"]][lang][1 if negate else 0]
        return phrase.format(q=_quote(_label(question, lang), lang), v=cond["arg"]["value"])
    return OPERATORS[cond["op"]].explain(question, cond["arg"], lang, negate)


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
