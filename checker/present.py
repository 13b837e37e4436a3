"""Word a Decision in one language: the result JSON every surface renders (schema "bdpilot.result/1").

`groups` holds the rule ids of each group of checker/engine.py, in rule order; each finding also names its group.
A finding whose outcome is unknown is never worded with the rule's fail text: it says what is still to answer.
"""

from .conditions import explain, format_answer, questions_in
from .engine import GROUPS, phase_status, unsettled_questions
from .strings import s

RESULT_SCHEMA = "bdpilot.result/1"


def citation(cite, lang):
    """A citation in `lang`: the clause translated, the quote as the notice has it."""
    return {"clause": cite["clause"][lang], "quote": cite["quote"]}


def question_refs(ruleset, ids, lang):
    """[{question, label}] for question ids."""
    return [{"question": q, "label": ruleset.questions[q]["label"][lang]} for q in ids]


def requirement_sentence(rule, questions, lang):
    """What the rule asks, as a sentence a person would write: the rule's own `requirement` text (every rule on a
    yes/no question has one), else the condition explained ("Scenarios in use is at least 5")."""
    if "requirement" in rule:
        return rule["requirement"][lang]
    return explain(rule["require"], questions, lang)


def finding_message(rule, outcome, answers, ruleset, lang):
    """What one rule's outcome says: fail text; for an unknown outcome, what is still to answer, or (every open
    question answered "not sure") that the person said so and what to check before applying; pass text or title."""
    if outcome == "fail":
        return rule["fail"][lang]
    if outcome == "unknown":
        questions = ruleset.questions
        unsettled = unsettled_questions(rule, answers, questions)
        unanswered = [q for q in unsettled if answers.get(q) is None]
        if unanswered and "unknown" in rule:
            return rule["unknown"][lang]
        quoted = s("finding.list_sep", lang).join(
            s("finding.quoted", lang, text=questions[q]["label"][lang]) for q in (unanswered or unsettled))
        if unanswered:
            return s("finding.unsettled", lang, questions=quoted)
        if "unknown" in rule:
            return s("finding.unsure_text", lang, questions=quoted, text=rule["unknown"][lang])
        return s("finding.unsure", lang, questions=quoted, check=requirement_sentence(rule, questions, lang))
    if outcome == "pass" and "pass" in rule:
        return rule["pass"][lang]
    return rule["title"][lang]


def _fixed(rule, ruleset, lang):
    """The parts of a rule's finding that no answer changes, worded once per rule set and language (an answer
    change in the browser re-words every finding: explaining each condition again was most of its time)."""
    key = (rule["id"], lang)
    fixed = ruleset.worded.get(key)
    if fixed is None:
        questions = ruleset.questions
        fixed = ruleset.worded[key] = {
            "severity_label": s("severity." + rule["severity"], lang),
            "title": rule["title"][lang],
            "requirement": requirement_sentence(rule, questions, lang),
            "reads": [(qid, questions[qid]["label"][lang]) for qid in questions_in(rule["require"])],
            "citation": citation(rule["citation"], lang),
        }
    return fixed


def _finding(rule, outcome, group, decision, lang):
    ruleset, answers = decision.ruleset, decision.answers
    questions = ruleset.questions
    fixed = _fixed(rule, ruleset, lang)
    finding = {
        "rule": rule["id"],
        "severity": rule["severity"],
        "severity_label": fixed["severity_label"],
        "outcome": outcome,
        # The badge follows the group, never the raw outcome: a point to confirm is never shown as "Not met".
        "badge": s("badge." + group, lang),
        "group": group,
        "title": fixed["title"],
        "message": finding_message(rule, outcome, answers, ruleset, lang),
        "requirement": fixed["requirement"],
        "answers": [
            {"question": qid, "label": label, "answer": format_answer(questions[qid], answers.get(qid), lang)}
            for qid, label in fixed["reads"]
        ],
        "citation": dict(fixed["citation"]),  # a copy: whoever reads the result may change it
        "guide": rule["guide"],
    }
    if outcome == "unknown":
        finding["still_to_answer"] = question_refs(ruleset, unsettled_questions(rule, answers, questions), lang)
    return finding


def priority_status(rule, met, answers, questions):
    """met, not_met, unsure (an answer was "not sure") or not_answered: a priority condition is never a
    requirement, so an open one is said as such and withholds nothing."""
    if met is not None:
        return "met" if met else "not_met"
    return "not_answered" if any(answers.get(q) is None for q in questions_in(rule["require"])) else "unsure"


def _priorities(decision, lang):
    out = []
    for rule, met in decision.priorities:
        condition = decision.ruleset.priorities[rule["priority"]]
        status = priority_status(rule, met, decision.answers, decision.ruleset.questions)
        out.append({"id": rule["priority"], "rule": rule["id"], "text": condition["text"][lang], "met": met,
                    "status": status, "status_label": s("priority_status." + status, lang),
                    "guide": rule["guide"], "citation": citation(condition["citation"], lang)})
    return out


def _quota(decision, lang):
    """The project's place in the quota. The exemption, its name and its words come from the call's data; a call
    without one says nothing of an exemption (`exemption` and `exemption_name` None) and the project counts."""
    ruleset = decision.ruleset
    quota, exemption = ruleset.quota, ruleset.exemption
    exempt = decision.exempt
    unit = next((u for u in quota.get("units", []) if u["id"] == decision.unit_kind), None)
    key = {True: "quota.exempt", False: "quota.counts", None: "quota.unknown"}[exempt]
    name = exemption["name"][lang] if exemption else None
    unanswered = [q for q in questions_in(quota["exempt_if"]) if q not in decision.answers] if exemption else []
    cite = exemption["citation"] if exemption else unit["citation"] if unit else None
    return {
        "exempt": exempt,
        "counts_against_quota": None if exempt is None else not exempt,
        "message": s(key, lang, exemption=name, question=s("finding.list_sep", lang).join(
            _short(ruleset, q, lang) for q in unanswered)),
        "unit_kind": decision.unit_kind,
        "unit_label": unit["label"][lang] if unit else None,
        "unit_quota": unit["quota"] if unit else None,
        "exemption_name": name,
        "exemption": exemption["text"][lang] if exemption else None,
        "citation": citation(cite, lang) if cite else None,
    }


def timeline(ruleset, as_of, lang):
    """Each deadline of the call as open or closed on `as_of`."""
    phases = []
    for deadline in ruleset.timeline["deadlines"]:
        status = phase_status(deadline["date"], as_of)
        # The deadline's own day is open only on this site's reading of "于 … 前": its label says so.
        shown = "last_day" if as_of.isoformat() == deadline["date"] else status
        phases.append({"id": deadline["id"], "date": deadline["date"], "who": deadline["who"][lang],
                       "what": deadline["what"][lang], "status": status,
                       "status_label": s("timeline." + shown, lang),
                       "citation": citation(deadline["citation"], lang)})
    applicant = next(p for p in phases if p["id"] == ruleset.timeline["applicant_deadline"])
    is_open = applicant["status"] == "open"
    key = ("timeline.applicants_closed" if not is_open else "timeline.applicants_last_day"
           if as_of.isoformat() == applicant["date"] else "timeline.applicants_open")
    return {"as_of": as_of.isoformat(), "applicants_open": is_open, "phases": phases,
            "message": s(key, lang, as_of=as_of.isoformat(), deadline=applicant["date"])}


def _other_directions(decision, lang):
    ruleset = decision.ruleset
    out = []
    for direction, trial in decision.other_directions:
        option = next(o for o in ruleset.questions[ruleset.direction_question]["options"] if o["id"] == direction)
        out.append({"direction": direction, "title": option["label"][lang], "verdict": trial.verdict,
                    "verdict_label": s("verdict." + trial.verdict, lang),
                    "slug": ruleset.directions.get(direction, {}).get("slug"),
                    "missing": question_refs(ruleset, trial.missing, lang)})
    return out


def verdict_reason(decision, findings, missing, lang):
    """The verdict's first sentence says why, not that a reason exists: the first requirement not met with the
    person's answer, the first point to confirm, or the first question still to answer (and how many more)."""
    by_rule = {f["rule"]: f for f in findings}
    verdict = decision.verdict
    if verdict == "eligible":
        return s("verdict_reason.eligible", lang)
    if verdict == "incomplete":
        first, rest = missing[0]["label"], len(missing) - 1
        text = s("verdict_reason.incomplete", lang, question=first)
    else:
        group = "blocking" if verdict == "not_eligible" else "confirm"
        ids = [r for r in decision.groups[group] if r in by_rule] or [
            r for r in decision.groups["missing"] if r in by_rule]
        first, rest = by_rule[ids[0]], len(ids) - 1
        given = first["answers"]
        # One answer is said as it is ("2"); several by their short names ("已列入前期试点示范：是、…").
        answers = given[0]["answer"] if len(given) == 1 else s("finding.list_sep", lang).join(
            s("verdict_reason.named", lang, name=_short(decision.ruleset, a["question"], lang), answer=a["answer"])
            for a in given)
        text = s("verdict_reason." + group, lang, requirement=first["requirement"], title=first["title"],
                 answers=answers)
    return text + (s("verdict_reason.more", lang, n=rest) if rest > 0 else s("verdict_reason.end", lang))


def _short(ruleset, qid, lang):
    question = ruleset.questions[qid]
    return question.get("short", question["label"])[lang]


def present(decision, lang, as_of):
    """The result JSON of `decision` in `lang`, the timeline as of the date `as_of`."""
    ruleset = decision.ruleset
    findings = [_finding(rule, outcome, decision.group[rule["id"]], decision, lang)
                for rule, outcome in decision.outcomes if rule["id"] in decision.group]
    missing = question_refs(ruleset, decision.missing, lang)
    when = timeline(ruleset, as_of, lang)
    ignored = question_refs(ruleset, decision.ignored, lang)
    dq = ruleset.direction_question
    none_fit = decision.verdict == "not_eligible" and dq in decision.answers and not decision.other_directions
    return {
        "schema": RESULT_SCHEMA,
        "call": ruleset.call["id"],
        "ruleset_version": ruleset.version,
        "lang": lang,
        "computed_on": as_of.isoformat(),
        "verdict": decision.verdict,
        "verdict_label": s("verdict." + decision.verdict, lang),
        "verdict_reason": verdict_reason(decision, findings, missing, lang),
        # A closed call is said beside the verdict: "may be eligible" must not read as "you can still apply".
        "verdict_closed_note": None if when["applicants_open"] else when["message"],
        "missing": missing,
        "groups": {g: list(decision.groups[g]) for g in GROUPS},
        "findings": findings,
        "priorities": _priorities(decision, lang),
        "quota": _quota(decision, lang),
        "other_directions": _other_directions(decision, lang),
        "other_directions_note": s("other_directions.none_fit", lang) if none_fit else None,
        "timeline": when,
        "visible_questions": decision.visible,
        "answers": decision.answers,
        "ignored": ignored,
        "ignored_note": s("ignored.note", lang, questions=s("ignored.list_sep", lang).join(
            i["label"] for i in ignored)) if ignored else None,
        "disclaimer": s("disclaimer", lang),
        "official_channel": {"name": ruleset.call["application_system"]["name"][lang],
                             "url": ruleset.call["application_system"]["url"]},
    }
