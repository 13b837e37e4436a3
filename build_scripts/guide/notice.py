"""The official notice as paragraphs: sentences cut by page breaks rejoined, a repeated paragraph shown once."""

from __future__ import annotations

import html
import re

_SENTENCE_END = "。：；！？”’」』）)"
_HEADING_LEVELS = (
    (re.compile(r"^[一二三四五六七八九十]+、\S"), 2),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*\S"), 3),
    (re.compile(r"^\d+\.\S"), 4),
    (re.compile(r"^附件$"), 2),
)


def _continues(paragraph: str) -> bool:
    """True when a paragraph was cut by a page break of the original (a sentence that does not end)."""
    if paragraph.endswith(("，", "、")):
        return True
    return ("，" in paragraph or "。" in paragraph) and not paragraph.endswith(tuple(_SENTENCE_END))


def _inline_html(text: str) -> str:
    out = html.escape(text, quote=False)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"&lt;(https?://[^\s&]+)&gt;", r'<a href="\1">\1</a>', out)


def parse_notice(text: str) -> list[dict]:
    """Split the notice into paragraphs: rejoin sentences cut by page breaks, drop repeats of a paragraph.

    Returns ``[{"text", "html", "heading": 0|2|3|4, "repeats": N}]``; ``repeats`` is how many times the
    paragraph's last sentence stands in the original (1 unless the original repeats it).
    """
    raw = [re.sub(r"\s*\n\s*", "", p).strip() for p in re.split(r"\n\s*\n", text)]
    merged: list[str] = []
    for para in (p for p in raw if p):
        if merged and _continues(merged[-1]):
            merged[-1] += para
        else:
            merged.append(para)
    out: list[dict] = []
    for para in merged:
        previous = out[-1]["text"] if out else ""
        if para == previous or (len(para) >= 20 and previous.endswith(para)):
            out[-1]["repeats"] += 1
            out[-1]["repeated"] = para
            continue
        heading = 0
        if "。" not in para and len(para) <= 40:
            heading = next((level for rx, level in _HEADING_LEVELS if rx.match(para)), 0)
        out.append({"text": para, "html": _inline_html(para), "heading": heading, "repeats": 1, "repeated": ""})
    return out
