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
    return s("conditions.quote", lang, text=text)


def _numeric(question, value):
    """The comparable number of an answer: integers as such, single choices by their option's `value`."""
    if question["kind"] == "single":
        for option in question.get("options", ()):
            if option["id"] == value:
                return option.get("value")
        return None
    return value


class Operator:
    """One operator: which question kinds it takes, what argument, how it tests; it reads as the interface
    string conditions.op.<name>, its negation as conditions.op_not.<name> (so `not` reads as a plain sentence)."""

    def __init__(self, name, kinds, arg, test):
        self.name, self.kinds, self.arg, self.test = name, kinds, arg, test

    def explain(self, question, arg, lang, negate=False):
        """Say in `lang` what this operator requires of the question (or, with negate, that it does not hold)."""
        if self.arg == "options" and len(arg) == 1 and self.name in ("in", "not_in"):  # one option reads like eq / ne
            return OPERATORS["eq"].explain(question, arg[0], lang, negate=negate != (self.name == "not_in"))
        key = "conditions.op_not." if negate else "conditions.op."
        if self.arg == "options":
            shown = [_quote(_option_label(question, a, lang), lang) for a in arg]
            last = s("conditions.options_last_or" if self.name in ("in", "not_in") else "conditions.options_sep", lang)
            value = s("conditions.options_sep", lang).join(shown[:-1]) + last + shown[-1] if len(shown) > 1 else shown[0]
        elif self.arg == "option":
            value = _quote(_option_label(question, arg, lang), lang)
        elif self.arg == "bool":
            value = ""
            key = "conditions.op_not." if (negate == bool(arg)) else "conditions.op."
        else:
            value = str(arg["value"])  # the unit would repeat the question's own noun
        name = self.name
        if self.arg == "options" and len(arg) == 1 and self.name == "includes_any":
            name = "includes"  # a multi-choice question and one option: "includes X", not "at least one of X"
        return s(key + name, lang, q=_quote(_label(question, lang), lang), v=value)


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
        Operator("eq", ("single", "tristate", "integer", "text"), "option", lambda q, a, arg: a == arg),
        Operator("ne", ("single", "tristate", "integer", "text"), "option", lambda q, a, arg: a != arg),
        Operator("in", ("single",), "options", lambda q, a, arg: a in arg),
        Operator("not_in", ("single",), "options", lambda q, a, arg: a not in arg),
        Operator("includes_any", ("multi",), "options", lambda q, a, arg: any(x in arg for x in a)),
        Operator("gte", ORDERED, "number", _num_test(lambda x, y: x >= y)),
        Operator("lte", ORDERED, "number", _num_test(lambda x, y: x <= y)),
        Operator("gt", ORDERED, "number", _num_test(lambda x, y: x > y)),
        Operator("lt", ORDERED, "number", _num_test(lambda x, y: x < y)),
        Operator("answered", ANY_KIND, "bool", None),
    )
}

# Dates compare as ISO strings; their wording (conditions.date_op.<name>, date_op_not) differs from numbers'.
DATE_OPERATORS = ("gte", "lte", "gt", "lt")


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
            joiner = s("conditions.and" if conjunction else "conditions.or", lang)
            return joiner.join(_explain(c, questions, lang, negate) for c in cond[key])
    question = questions[cond["q"]]
    if question["kind"] == "date" and cond["op"] in DATE_OPERATORS:
        key = "conditions.date_op_not." if negate else "conditions.date_op."
        return s(key + cond["op"], lang, q=_quote(_label(question, lang), lang), v=cond["arg"]["value"])
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
        return s("conditions.multi_sep", lang).join(_option_label(question, a, lang) for a in answer)
    return str(answer)
