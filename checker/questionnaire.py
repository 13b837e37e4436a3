"""The questionnaire in one language: sections and questions as a reader (or a form) needs them."""

from . import kinds
from .conditions import questions_in


def questionnaire(ruleset, lang="zh"):
    """Sections with their questions, options, help and citations in `lang`."""
    out = {"call": ruleset.call["id"], "ruleset_version": ruleset.version, "lang": lang,
           "direction_question": ruleset.direction_question, "sections": []}
    for section in ruleset.sections:
        entry = {"id": section["id"], "title": section["title"][lang],
                 "intro": section["intro"][lang] if "intro" in section else "", "questions": []}
        for qid in ruleset.order:
            q = ruleset.questions[qid]
            if q["section"] != section["id"]:
                continue
            kind = kinds.of(q)
            # control, input and numeric tell the form how to draw and read it (templates/kinds/, form.js).
            question = {"id": qid, "kind": q["kind"], "control": kind.control, "input": kind.input,
                        "numeric": kind.numeric, "verbatim": kind.verbatim, "label": q["label"][lang], "help": q["help"][lang],
                        "required": q["required"], "conditional": "show_if" in q,
                        # The questions whose answers show this one: the page's progress line counts a follow-up
                        # question under the question that brought it, so its total never moves (form.js).
                        "follows": questions_in(q["show_if"]) if "show_if" in q else []}
            question.update(kind.questionnaire_extra(q, lang))
            if q.get("citation"):
                question["citation"] = {"clause": q["citation"]["clause"][lang], "quote": q["citation"]["quote"]}
            entry["questions"].append(question)
        out["sections"].append(entry)
    return out


def render_text(form):
    """The questionnaire as text, for people preparing an answers file."""
    lines = []
    for section in form["sections"]:
        lines += ["", f"== {section['title']} ==", section["intro"]] if section["intro"] else ["", f"== {section['title']} =="]
        for q in section["questions"]:
            lines.append(f"{q['id']}: {q['label']}  [{q['kind']}{'' if q['required'] else ', optional'}]")
            lines.append(f"    {q['help']}")
            for o in q.get("options", []):
                lines.append(f"    - {o['id']}: {o['label']}")
            if "min" in q:
                lines.append(f"    {q['min']}–{q.get('max', '')}{' ' + q['unit'] if 'unit' in q else ''}")
    return "\n".join(lines).lstrip("\n") + "\n"
