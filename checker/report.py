"""Render a result as a readable text or Markdown report: the result's groups, as they are, in its language."""

from .engine import GROUPS
from .strings import s

DETAILED = ("blocking", "confirm")  # groups whose items show the requirement, the answers and the source


def render(result, fmt="text"):
    """A report of `result` as plain text or Markdown, in the result's language."""
    lang = result["lang"]
    md = fmt == "markdown"
    lines = []

    def h(key, **values):
        return s("report." + key, lang, **values)

    def heading(text, level=2):
        lines.append("")
        lines.append(("#" * level + " " + text) if md else (text + "\n" + ("=" if level == 1 else "-") * 20))

    def item(text, sub=None):
        lines.append(("- " if md else "  * ") + text)
        for extra in sub or ():
            lines.append(("  - " if md else "      ") + extra)

    def finding_lines(f):
        cite = f"{h('source')}: {f['citation']['clause']} “{f['citation']['quote']}”"
        answers = "; ".join(f"{a['label']} → {a['answer']}" for a in f["answers"])
        return [f["requirement"], answers, cite]

    heading(f"{h('verdict')}: {result['verdict_label']}", 1)
    lines.append(result["disclaimer"])
    lines.append(h("version", version=result["ruleset_version"], date=result["computed_on"]))
    if result.get("ignored_note"):
        lines.append(result["ignored_note"])
    if result["missing"]:
        heading(h("missing"))
        for m in result["missing"]:
            item(m["label"] + f" ({m['question']})")  # the id: what an answers file names
    findings = {f["rule"]: f for f in result["findings"]}
    for group in GROUPS:
        members = [findings[rule] for rule in result["groups"][group]]
        if not members:
            continue
        heading(h("group." + group))
        for f in members:
            text = f["title"] if f["message"] == f["title"] else f"{f['title']}: {f['message']}"
            item(text, finding_lines(f) if group in DETAILED else None)
    heading(h("priorities"))
    for p in result["priorities"]:
        item(f"{p['text']}: {p['status_label']}")
    heading(h("quota"))
    item(result["quota"]["message"])
    if result["quota"]["unit_label"]:
        item(f"{result['quota']['unit_label']}: ≤ {result['quota']['unit_quota']}")
    if result["other_directions"]:
        heading(h("other"))
        for o in result["other_directions"]:
            extra = [f"{h('missing')}: {m['label']}" for m in o["missing"]]
            item(f"{o['title']} ({o['direction']}): {o['verdict_label']}", extra)
    elif result.get("other_directions_note"):
        heading(h("other"))
        item(result["other_directions_note"])
    heading(h("timeline"))
    item(result["timeline"]["message"])
    for p in result["timeline"]["phases"]:
        item(f"{p['date']} {p['who']}: {p['what']} ({p['status_label']})")
    lines.append("")
    lines.append(f"{result['official_channel']['name']}: {result['official_channel']['url']}")
    return "\n".join(lines).lstrip("\n") + "\n"
