"""Render a result as a readable text or Markdown report."""

HEADINGS = {
    "verdict": {"zh": "结论", "en": "Verdict"},
    "missing": {"zh": "还需回答", "en": "Still to answer"},
    "failed": {"zh": "不符合的要求", "en": "Requirements not met"},
    "confirm": {"zh": "需要确认的要点", "en": "Points to confirm"},
    "met": {"zh": "已符合的要求", "en": "Requirements met"},
    "priorities": {"zh": "优先条件", "en": "Priority conditions"},
    "quota": {"zh": "推荐指标", "en": "Quota"},
    "other": {"zh": "其他可能适合的方向", "en": "Other directions that may fit"},
    "timeline": {"zh": "时间", "en": "Timeline"},
    "version": {"zh": "规则版本 {version}，计算日期 {date}", "en": "Rule set {version}, computed on {date}"},
    "source": {"zh": "出处", "en": "Source"},
    "met_yes": {"zh": "满足", "en": "met"},
    "met_no": {"zh": "不满足", "en": "not met"},
    "met_unknown": {"zh": "未知", "en": "unknown"},
}


def _h(key, lang):
    return HEADINGS[key][lang]


def _groups(result):
    findings = result["findings"]
    failed = [f for f in findings if f["outcome"] == "fail" and f["severity"] == "blocks"]
    confirm = [f for f in findings if (f["severity"] == "confirm" and f["outcome"] in ("fail", "unknown"))
               or (f["severity"] == "blocks" and f["outcome"] == "unknown")]
    met = [f for f in findings if f["outcome"] == "pass"]
    return failed, confirm, met


def render(result, fmt="text"):
    """A report of `result` as plain text or Markdown, in the result's language."""
    lang = result["lang"]
    md = fmt == "markdown"
    lines = []

    def heading(text, level=2):
        lines.append("")
        lines.append(("#" * level + " " + text) if md else (text + "\n" + ("=" if level == 1 else "-") * 20))

    def item(text, sub=None):
        lines.append(("- " if md else "  * ") + text)
        for extra in sub or ():
            lines.append(("  - " if md else "      ") + extra)

    def finding_lines(f):
        cite = f"{_h('source', lang)}: {f['citation']['clause']} “{f['citation']['quote']}”"
        answers = "; ".join(f"{a['label']} → {a['answer']}" for a in f["answers"])
        return [f["requirement"], answers, cite]

    heading(f"{_h('verdict', lang)}: {result['verdict_label']}", 1)
    lines.append(result["disclaimer"])
    lines.append(_h("version", lang).format(version=result["ruleset_version"], date=result["computed_on"]))
    if result.get("ignored_note"):
        lines.append(result["ignored_note"])
    failed, confirm, met = _groups(result)
    if result["missing"]:
        heading(_h("missing", lang))
        for m in result["missing"]:
            item(m["label"] + f" ({m['question']})")
    for key, group in (("failed", failed), ("confirm", confirm), ("met", met)):
        if group:
            heading(_h(key, lang))
            for f in group:
                text = f["title"] if f["message"] == f["title"] else f"{f['title']}: {f['message']}"
                item(text, finding_lines(f) if key != "met" else None)
    heading(_h("priorities", lang))
    for p in result["priorities"]:
        state = {True: "met_yes", False: "met_no", None: "met_unknown"}[p["met"]]
        item(f"{p['text']}: {_h(state, lang)}")
    heading(_h("quota", lang))
    item(result["quota"]["message"])
    if result["quota"]["unit_label"]:
        item(f"{result['quota']['unit_label']}: ≤ {result['quota']['unit_quota']}")
    if result["other_directions"]:
        heading(_h("other", lang))
        for o in result["other_directions"]:
            extra = [f"{_h('missing', lang)}: {m['label']}" for m in o["missing"]]
            item(f"{o['title']} ({o['direction']}): {o['verdict_label']}", extra)
    elif result.get("other_directions_note"):
        heading(_h("other", lang))
        item(result["other_directions_note"])
    heading(_h("timeline", lang))
    item(result["timeline"]["message"])
    for p in result["timeline"]["phases"]:
        item(f"{p['date']} {p['who']}: {p['what']} ({p['status_label']})")
    lines.append("")
    lines.append(f"{result['official_channel']['name']}: {result['official_channel']['url']}")
    return "\n".join(lines).lstrip("\n") + "\n"
