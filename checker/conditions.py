"""Conditions over answers: a small table of operators that evaluate in three values and explain themselves.

A compiled condition is JSON: `{"all": [...]}`, `{"any": [...]}`, `{"not": c}` or a leaf
`{"q": question_id, "op": name, "arg": value}`. Evaluation returns True, False or None (unknown: the answer is
missing or "not sure"), combined with Kleene's three-valued logic so an unknown never passes as a yes.
"""

from . import kinds
from .strings import s

COMBINATORS = ("all", "any", "not")


def _label(question, lang):
    return question.get("short", question["label"])[lang]


def _quote(text, lang):
    return s("conditions.quote", lang, text=text)


class Operator:
    """One operator: what argument it takes, how it tests; which question kinds take it is each kind's own word
    (checker/kinds.py). It reads as the interface string conditions.op.<name>, its negation as
    conditions.op_not.<name> (so `not` reads as a plain sentence)."""

    def __init__(self, name, arg, test):
        self.name, self.arg, self.test = name, arg, test

    def takes(self, question):
        return self.name in kinds.of(question).operators

    def explain(self, question, arg, lang, negate=False):
        """Say in `lang` what this operator requires of the question (or, with negate, that it does not hold)."""
        if self.arg == "options" and len(arg) == 1 and self.name in ("in", "not_in"):  # one option reads like eq / ne
            return OPERATORS["eq"].explain(question, arg[0], lang, negate=negate != (self.name == "not_in"))
        key = "conditions.op_not." if negate else "conditions.op."
        if self.arg == "options":
            shown = [_quote(kinds.of(question).option_label(question, a, lang), lang) for a in arg]
            last = s("conditions.options_last_or" if self.name in ("in", "not_in") else "conditions.options_sep", lang)
            value = s("conditions.options_sep", lang).join(shown[:-1]) + last + shown[-1] if len(shown) > 1 else shown[0]
        elif self.arg == "option":
            value = _quote(kinds.of(question).option_label(question, arg, lang), lang)
        elif self.arg == "bool":
            value = ""
            key = "conditions.op_not." if (negate == bool(arg)) else "conditions.op."
        else:
            value = kinds.of(question).bound(question, arg["value"], lang)
        name = self.name
        if self.arg == "options" and len(arg) == 1 and self.name == "includes_any":
            name = "includes"  # a multi-choice question and one option: "includes X", not "at least one of X"
        return s(key + name, lang, q=_quote(_label(question, lang), lang), v=value)


def _num_test(compare):
    def test(question, answer, arg):
        number = kinds.of(question).number(question, answer)
        if number is None:
            return None
        return compare(number, arg["value"])
    return test


OPERATORS = {
    op.name: op
    for op in (
        Operator("eq", "option", lambda q, a, arg: a == arg),
        Operator("ne", "option", lambda q, a, arg: a != arg),
        Operator("in", "options", lambda q, a, arg: a in arg),
        Operator("not_in", "options", lambda q, a, arg: a not in arg),
        Operator("includes_any", "options", lambda q, a, arg: any(x in arg for x in a)),
        Operator("gte", "number", _num_test(lambda x, y: x >= y)),
        Operator("lte", "number", _num_test(lambda x, y: x <= y)),
        Operator("gt", "number", _num_test(lambda x, y: x > y)),
        Operator("lt", "number", _num_test(lambda x, y: x < y)),
        Operator("answered", "bool", None),
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
    if answer is None or kinds.of(question).unsettled(answer):
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
    if kinds.of(question).arg_type == "date" and cond["op"] in DATE_OPERATORS:
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
    return kinds.of(question).format(question, answer, lang)
