"""Every operator's explanation, and every rule's requirement, reads as one plain sentence in both languages:
no nested or doubled quotes, no "not (…)", no raw question or option ids."""

import re

import pytest

from checker.conditions import OPERATORS, explain

OPEN_CLOSE = {"“": "”", "「": "」", "『": "』", "‘": "’"}
CLOSERS = set(OPEN_CLOSE.values())


def quote_problems(text):
    """Nested quotes (a quote opened inside another), doubled ones (”“, 」「) and unbalanced ones."""
    problems, depth = [], []
    for i, ch in enumerate(text):
        if ch in OPEN_CLOSE:
            if depth:
                problems.append(f"nested quote at {i}")
            depth.append(OPEN_CLOSE[ch])
        elif ch in CLOSERS:
            if not depth or depth.pop() != ch:
                problems.append(f"unbalanced quote at {i}")
    if depth:
        problems.append("quote left open")
    if re.search(r"[”」』][“「『]|““|””|「「|」」", text):
        problems.append("doubled quotes")
    return problems


def plain_sentence_problems(text, lang, ruleset):
    problems = quote_problems(text)
    if re.search(r"not \(|并非（|\(\(|（（", text):
        problems.append("a bracketed negation")
    if re.search(r"[?？][,，、;；]", text):
        problems.append("a question mark followed by a separator")
    if re.search(r"\b[a-z]+_[a-z0-9_]+\b", text):
        problems.append("a raw snake_case id")
    if re.search(r"\bd\d\b", text):
        problems.append("a raw direction id")
    if lang == "zh" and re.search(r"[a-z]", re.sub(r"“[^”]*”", "", text)):
        problems.append("lower-case Latin letters (an id?) in Chinese")
    if lang == "en" and not text[:1].isupper():
        problems.append("does not start with a capital letter")
    for qid in ruleset.questions:
        if "_" in qid and qid in text:
            problems.append(f"question id {qid}")
    return problems


def sample_condition(ruleset, op):
    """A leaf condition for `op` over a real question of a kind it takes, with a real argument."""
    for qid in ruleset.order:
        q = ruleset.questions[qid]
        if not op.takes(q):
            continue
        options = [o["id"] for o in q.get("options", ())] or (["yes", "no", "unsure"] if q["kind"] == "tristate" else [])
        if op.arg == "option" and options:
            return {"q": qid, "op": op.name, "arg": options[-1]}
        if op.arg == "options" and len(options) >= 3:
            return {"q": qid, "op": op.name, "arg": options[:2]}
        if op.arg == "number" and q["kind"] in ("integer", "date"):
            return {"q": qid, "op": op.name, "arg": {"value": "2022-05-04" if q["kind"] == "date" else 3}}
        if op.arg == "bool":
            return {"q": qid, "op": op.name, "arg": True}
    raise AssertionError(f"no question fits operator {op.name}")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_operator_reads_as_a_plain_sentence(ruleset, name, lang):
    op = OPERATORS[name]
    leaf = sample_condition(ruleset, op)
    for cond in (leaf, {"not": leaf}, {"all": [leaf, {"not": leaf}]}, {"not": {"any": [leaf, leaf]}}):
        text = explain(cond, ruleset.questions, lang)
        assert plain_sentence_problems(text, lang, ruleset) == [], (cond, text)
        label = ruleset.questions[leaf["q"]].get("short", ruleset.questions[leaf["q"]]["label"])[lang]
        assert label in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_single_option_and_dates_read_plainly(ruleset, lang):
    for cond in ({"q": "project_status", "op": "in", "arg": ["completed"]},
                 {"not": {"q": "business_areas", "op": "includes_any", "arg": ["none"]}},
                 {"q": "filing_date", "op": "lte", "arg": {"value": "2022-05-04"}},
                 {"not": {"q": "filing_date", "op": "gte", "arg": {"value": "2022-05-04"}}}):
        text = explain(cond, ruleset.questions, lang)
        assert plain_sentence_problems(text, lang, ruleset) == [], text
    negated = explain({"not": {"q": "project_status", "op": "eq", "arg": "planned"}}, ruleset.questions, "en")
    assert negated == "The answer to “Project stage” is not “Planned (not started)”"


def test_negation_is_pushed_down_to_the_leaves(ruleset):
    """not(a and b) reads as (not a) or (not b); not(not a) as a."""
    a = {"q": "law_abiding", "op": "eq", "arg": "yes"}
    b = {"q": "own_ip", "op": "eq", "arg": "yes"}
    text = explain({"not": {"all": [a, b]}}, ruleset.questions, "en")
    assert text == "The answer to “Abides by the law” is not “Yes”; or the answer to “Own intellectual property” is not “Yes”"
    assert explain({"not": {"not": a}}, ruleset.questions, "zh") == explain(a, ruleset.questions, "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_rules_requirement_reads_as_a_plain_sentence(ruleset, lang):
    for rule in ruleset.rules:
        for key in ("require", "applies_if"):
            if key in rule:
                text = explain(rule[key], ruleset.questions, lang)
                assert plain_sentence_problems(text, lang, ruleset) == [], (rule["id"], text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_question_and_option_labels_carry_no_quotes_that_would_nest(ruleset, lang):
    """Explanations quote labels, so a label with its own quotes would nest them."""
    for qid, q in ruleset.questions.items():
        texts = [q.get("short", q["label"])[lang]] + [o["label"][lang] for o in q.get("options", ())]
        for text in texts:
            assert not re.search(r"[“”「」『』\"]", text), (qid, text)
