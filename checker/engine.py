"""Decide once: answers in, a Decision out (verdict, each rule's outcome and group, missing questions, priorities,
quota, the call's deadlines). No wording here: checker/present.py words a Decision for every surface.

The groups, defined here and nowhere else (every report, batch row and page shows these and never re-classifies):
  blocking        a requirement (severity blocks) that is not met
  confirm         a point to confirm: a `confirm` rule that is not met, or a blocks/confirm rule whose every
                  question is answered but the outcome is still unknown (an answer was "not sure")
  missing         a blocks/confirm rule whose outcome is unknown because one of its questions is not answered yet
  met             a rule that is met
  not_applicable  a rule whose applies_if does not hold for these answers
An `info` rule that is not met is shown with the points to confirm but never changes the verdict.
Priority rules are not findings: they are the Decision's `priorities`.
"""

from . import kinds
from .conditions import evaluate, questions_in

VERDICTS = ("eligible", "eligible_with_points_to_confirm", "not_eligible", "incomplete")
GROUPS = ("blocking", "confirm", "missing", "met", "not_applicable")
COUNTABLE = ("eligible", "eligible_with_points_to_confirm")


def visible_answers(ruleset, answers):
    """Drop answers to questions hidden by their show_if; return (visible ids, visible answers)."""
    visible, kept = [], {}
    for qid in ruleset.order:
        show_if = ruleset.questions[qid].get("show_if")
        if show_if is None or evaluate(show_if, kept, ruleset.questions) is True:
            visible.append(qid)
            if qid in answers:
                kept[qid] = answers[qid]
    return visible, kept


def _rule_outcome(rule, answers, questions):
    if "applies_if" in rule and evaluate(rule["applies_if"], answers, questions) is not True:
        return "not_applicable"
    result = evaluate(rule["require"], answers, questions)
    return {True: "pass", False: "fail", None: "unknown"}[result]


def unsettled_questions(rule, answers, questions):
    """The questions of a rule still without a usable answer: not answered, or answered "not sure"."""
    return [q for q in questions_in(rule["require"])
            if answers.get(q) is None or kinds.of(questions[q]).unsettled(answers[q])]


def group_of(rule, outcome, answers):
    """The group of one rule's outcome (see the module's docstring); None for priority rules."""
    if rule["severity"] == "priority":
        return None
    if outcome == "pass":
        return "met"
    if outcome == "not_applicable":
        return "not_applicable"
    if outcome == "fail":
        return "blocking" if rule["severity"] == "blocks" else "confirm"
    if rule["severity"] == "info":
        return "confirm"
    unanswered = any(answers.get(q) is None for q in questions_in(rule["require"]))
    return "missing" if unanswered else "confirm"


class Decision:
    """Everything decided for one set of validated answers; words nothing."""

    def __init__(self, ruleset, answers, explore=True):
        self.ruleset = ruleset
        self.given = answers
        self.visible, self.answers = visible_answers(ruleset, answers)
        # Answers to questions the other answers hide: never decided on, but said, so nothing is dropped silently.
        self.ignored = [q for q in ruleset.order if q in answers and q not in self.answers]
        questions = ruleset.questions
        self.missing = [q for q in self.visible if questions[q]["required"] and q in ruleset.verdict_questions
                        and q not in self.answers]
        # Visible questions that only a priority condition or the quota reads, not answered: said, never waited for.
        self.unanswered_other = [q for q in self.visible if q not in ruleset.verdict_questions
                                 and questions[q]["required"] and q not in self.answers]
        self.outcomes = [(rule, _rule_outcome(rule, self.answers, questions)) for rule in ruleset.rules]
        self.groups = {g: [] for g in GROUPS}
        self.group = {}
        for rule, outcome in self.outcomes:
            group = group_of(rule, outcome, self.answers)
            if group:
                self.groups[group].append(rule["id"])
                self.group[rule["id"]] = group
        self.verdict = self._verdict()
        self.priorities = [(rule, {"pass": True, "fail": False}.get(outcome))
                           for rule, outcome in self.outcomes if rule["severity"] == "priority"]
        quota = ruleset.quota
        # True, False or None (a question it reads not answered); a call without an exemption: never exempt.
        self.exempt = evaluate(quota["exempt_if"], self.answers, questions) if "exempt_if" in quota else False
        self.unit_kind = self.answers.get(quota["unit_question"])
        self.other_directions = self._other_directions() if explore else []

    def _verdict(self):
        if self.groups["blocking"]:
            return "not_eligible"
        if self.missing:
            return "incomplete"
        rules = {rule["id"]: rule for rule, _outcome in self.outcomes}
        if any(rules[r]["severity"] != "info" for r in self.groups["confirm"] + self.groups["missing"]):
            return "eligible_with_points_to_confirm"
        return "eligible"

    @property
    def priorities_met(self):
        """The ids of the priority conditions met."""
        return [rule["priority"] for rule, met in self.priorities if met is True]

    def fits(self):
        """This decision's missing questions if it fits (met, or one question away from met), else None."""
        if self.verdict in ("eligible", "eligible_with_points_to_confirm"):
            return []
        if self.verdict == "incomplete" and len(self.missing) == 1:
            qid = self.missing[0]
            question = self.ruleset.questions[qid]
            # Nearly met only if some answer to that one question would meet the rules without asking more.
            for value in kinds.of(question).meeting_values(question):
                if Decision(self.ruleset, dict(self.given, **{qid: value}), explore=False).verdict in (
                        "eligible", "eligible_with_points_to_confirm"):
                    return self.missing
        return None

    def _other_directions(self):
        """Other directions these answers already meet, or nearly meet (one question left to answer):
        [(direction id, Decision)], only when this one is not eligible and names a direction."""
        dq = self.ruleset.direction_question
        chosen = self.answers.get(dq)
        if self.verdict != "not_eligible" or chosen is None:
            return []
        out = []
        for option in self.ruleset.questions[dq]["options"]:
            if option["id"] == chosen:
                continue
            trial = Decision(self.ruleset, dict(self.given, **{dq: option["id"]}), explore=False)
            if trial.fits() is not None:
                out.append((option["id"], trial))
        return out


def decide(ruleset, answers, explore=True):
    """The Decision for already-validated answers (`explore`: also try the other directions when not eligible)."""
    return Decision(ruleset, answers, explore)


def phase_status(deadline_date, as_of):
    """A deadline is open up to and including its own day: this site's reading of the notice's "于 … 前", which is
    silent on the day itself (call.yaml deadline_reading); every wording of the day itself says so."""
    return "open" if as_of.isoformat() <= deadline_date else "closed"


