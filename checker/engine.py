"""Assess one project: answers in, one result object out (verdict, findings, priorities, quota, timeline)."""

import datetime

from . import answers as answers_mod
from .conditions import evaluate, explain, format_answer, questions_in
from .strings import s

RESULT_SCHEMA = "bdpilot.result/1"
VERDICTS = ("eligible", "eligible_with_points_to_confirm", "not_eligible", "incomplete")


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


def _citation(citation, lang):
    return {"clause": citation["clause"][lang], "quote": citation["quote"]}


def _rule_outcome(rule, answers, questions):
    if "applies_if" in rule and evaluate(rule["applies_if"], answers, questions) is not True:
        return "not_applicable"
    result = evaluate(rule["require"], answers, questions)
    return {True: "pass", False: "fail", None: "unknown"}[result]


def _finding(rule, outcome, answers, ruleset, lang):
    questions = ruleset.questions
    if outcome == "fail":
        message = rule["fail"][lang]
    elif outcome == "unknown":
        message = rule.get("unknown", rule["fail"])[lang]
    elif outcome == "pass" and "pass" in rule:
        message = rule["pass"][lang]
    else:
        message = rule["title"][lang]
    return {
        "rule": rule["id"],
        "severity": rule["severity"],
        "severity_label": s("severity." + rule["severity"], lang),
        "outcome": outcome,
        "outcome_label": s("outcome." + outcome, lang),
        "title": rule["title"][lang],
        "message": message,
        "requirement": explain(rule["require"], questions, lang),
        "answers": [
            {"question": qid, "label": questions[qid]["label"][lang],
             "answer": format_answer(questions[qid], answers.get(qid), lang)}
            for qid in questions_in(rule["require"])
        ],
        "citation": _citation(rule["citation"], lang),
        "guide": rule["guide"],
    }


def _decide(ruleset, answers):
    """The verdict, the missing questions and each rule's outcome, without wording (shared by assess and batch)."""
    visible, kept = visible_answers(ruleset, answers)
    missing = [qid for qid in visible if ruleset.questions[qid]["required"] and qid not in kept]
    outcomes = [(rule, _rule_outcome(rule, kept, ruleset.questions)) for rule in ruleset.rules]
    blocking = [r for r, o in outcomes if r["severity"] == "blocks" and o == "fail"]
    confirm = [r for r, o in outcomes
               if (r["severity"] == "blocks" and o == "unknown") or (r["severity"] == "confirm" and o in ("fail", "unknown"))]
    if blocking:
        verdict = "not_eligible"
    elif missing:
        verdict = "incomplete"
    elif confirm:
        verdict = "eligible_with_points_to_confirm"
    else:
        verdict = "eligible"
    return verdict, visible, kept, missing, outcomes


def _priorities(ruleset, outcomes, lang):
    out = []
    for rule, outcome in outcomes:
        if rule["severity"] != "priority":
            continue
        condition = ruleset.priorities[rule["priority"]]
        out.append({"id": rule["priority"], "rule": rule["id"], "text": condition["text"][lang],
                    "met": {"pass": True, "fail": False}.get(outcome), "guide": rule["guide"],
                    "citation": _citation(condition["citation"], lang)})
    return out


def _quota(ruleset, kept, lang):
    quota = ruleset.quota
    exempt = evaluate(quota["exempt_if"], kept, ruleset.questions)
    unit_id = kept.get(quota["unit_question"])
    unit = next((u for u in quota.get("units", []) if u["id"] == unit_id), None)
    key = {True: "quota.exempt", False: "quota.counts", None: "quota.unknown"}[exempt]
    return {
        "exempt": exempt,
        "counts_against_quota": None if exempt is None else not exempt,
        "message": s(key, lang),
        "unit_kind": unit_id,
        "unit_label": unit["label"][lang] if unit else None,
        "unit_quota": unit["quota"] if unit else None,
        "exemption": quota["exemption"]["text"][lang],
        "citation": _citation(quota["exemption"]["citation"], lang),
    }


def timeline(ruleset, as_of, lang):
    """Each deadline of the call as open or closed on `as_of` (a deadline's own day is still open)."""
    as_of_text = as_of.isoformat()
    phases = []
    for deadline in ruleset.timeline["deadlines"]:
        status = "open" if as_of_text <= deadline["date"] else "closed"
        phases.append({"id": deadline["id"], "date": deadline["date"], "who": deadline["who"][lang],
                       "what": deadline["what"][lang], "status": status,
                       "status_label": s("timeline." + status, lang),
                       "citation": _citation(deadline["citation"], lang)})
    applicant = next(p for p in phases if p["id"] == ruleset.timeline["applicant_deadline"])
    is_open = applicant["status"] == "open"
    key = "timeline.applicants_open" if is_open else "timeline.applicants_closed"
    return {"as_of": as_of_text, "applicants_open": is_open, "phases": phases,
            "message": s(key, lang, as_of=as_of_text, deadline=applicant["date"])}


def _fits(ruleset, trial):
    """The verdict for `trial` if it fits (met, or one question away from met), else None."""
    verdict, _visible, _kept, missing, _outcomes = _decide(ruleset, trial)
    if verdict in ("eligible", "eligible_with_points_to_confirm"):
        return verdict, []
    if verdict == "incomplete" and len(missing) == 1:
        question = ruleset.questions[missing[0]]
        # Nearly met only if some answer to that one question would meet the rules without asking more.
        tries = ([o["id"] for o in question.get("options", ())] if question["kind"] == "single"
                 else ["yes"] if question["kind"] == "tristate"
                 else [question["max"]] if question["kind"] == "integer" and "max" in question else [])
        for value in tries:
            if _decide(ruleset, dict(trial, **{missing[0]: value}))[0] in ("eligible", "eligible_with_points_to_confirm"):
                return verdict, missing
    return None


def _other_directions(ruleset, answers, lang):
    """Other directions these answers already meet, or nearly meet (one question left to answer)."""
    dq = ruleset.direction_question
    chosen = answers.get(dq)
    out = []
    for option in ruleset.questions[dq]["options"]:
        if option["id"] == chosen:
            continue
        fit = _fits(ruleset, dict(answers, **{dq: option["id"]}))
        if fit is None:
            continue
        verdict, missing = fit
        out.append({"direction": option["id"], "title": option["label"][lang], "verdict": verdict,
                    "verdict_label": s("verdict." + verdict, lang),
                    "slug": ruleset.directions.get(option["id"], {}).get("slug"),
                    "missing": [{"question": q, "label": ruleset.questions[q]["label"][lang]} for q in missing]})
    return out


def assess(ruleset, raw_answers, lang="zh", as_of=None):
    """Validate answers and return the full, explained result (raises AnswersError for bad answers)."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    raw, _meta = answers_mod.unwrap(raw_answers)
    answers = answers_mod.validate(ruleset, raw, lang)
    as_of = as_of or datetime.date.today()
    verdict, visible, kept, missing, outcomes = _decide(ruleset, answers)
    findings = [_finding(r, o, kept, ruleset, lang) for r, o in outcomes if r["severity"] != "priority"]
    result = {
        "schema": RESULT_SCHEMA,
        "call": ruleset.call["id"],
        "ruleset_version": ruleset.version,
        "lang": lang,
        "computed_on": as_of.isoformat(),
        "verdict": verdict,
        "verdict_label": s("verdict." + verdict, lang),
        "missing": [{"question": q, "label": ruleset.questions[q]["label"][lang]} for q in missing],
        "findings": findings,
        "priorities": _priorities(ruleset, outcomes, lang),
        "quota": _quota(ruleset, kept, lang),
        "other_directions": _other_directions(ruleset, answers, lang)
        if verdict == "not_eligible" and ruleset.direction_question in kept else [],
        "other_directions_note": None,
        "timeline": timeline(ruleset, as_of, lang),
        "visible_questions": visible,
        "answers": kept,
        # Answers to questions the other answers hide: never decided on, but said, so nothing is dropped silently.
        "ignored": [{"question": q, "label": ruleset.questions[q]["label"][lang]} for q in ruleset.order
                    if q in answers and q not in kept],
        "disclaimer": s("disclaimer", lang),
        "official_channel": {"name": ruleset.call["application_system"]["name"][lang],
                             "url": ruleset.call["application_system"]["url"]},
    }
    result["ignored_note"] = (s("ignored.note", lang, questions=s("list.sep", lang).join(
        i["label"] for i in result["ignored"])) if result["ignored"] else None)
    if verdict == "not_eligible" and ruleset.direction_question in kept and not result["other_directions"]:
        result["other_directions_note"] = s("other.none_fit", lang)
    return result


def decide(ruleset, answers):
    """Verdict and priority count for already-validated answers (the batch screen's fast path)."""
    verdict, _visible, kept, missing, outcomes = _decide(ruleset, answers)
    return verdict, kept, missing, outcomes
