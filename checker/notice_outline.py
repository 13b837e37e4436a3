"""A notice's text as the maintainer's validator reads it: whitespace squashed (as the loader compares quotes), every
position labelled with the notice's own numbering (通知 二（一）, 附件 二（一）1 实施内容), and cut into sentences.

Standard library only. One pass over the paragraphs; a notice has a few hundred sentences.
"""

import bisect
import re
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
NUMERALS = "一二三四五六七八九十"
# The notice's headings, read on squashed paragraphs: 一、 / （一） or (一) / 1. ; inside a numbered item a short
# lead such as 需求要点： names the paragraph.
_TOP = re.compile(rf"^([{NUMERALS}]+)、")
_SUB = re.compile(rf"^[（(]([{NUMERALS}]+)[）)]")
_ITEM = re.compile(r"^(\d+)[.．]")
_LEAD = re.compile(r"^([\u4e00-\u9fff]{2,6})：")
PARTS = ("通知", "附件")
# The line that opens the annex: "附件" (or "附件1") on its own; the notice's "附件：<title>" line only names it.
_ANNEX = re.compile(r"^附件\d*[:：]?$")
_ENDS = "。；！？"
_PIECE = re.compile(rf"[^{_ENDS}]+[{_ENDS}]*|[{_ENDS}]+")


def squash(text):
    """The text without any whitespace: how quotes are compared with the notice (a page break splits a line)."""
    return _SPACE.sub("", text)


@dataclass(frozen=True)
class Label:
    """Where a text sits in the notice: part, then the numbering (None where the notice has none there)."""
    part: str
    top: str | None = None
    sub: str | None = None
    item: str | None = None
    lead: str | None = None

    def __str__(self):
        numbering = (self.top or "") + (f"（{self.sub}）" if self.sub else "") + (self.item or "")
        return " ".join(x for x in (self.part, numbering, self.lead) if x)

    @property
    def numbered(self):
        return self.top is not None

    def covers(self, other):
        """True when `other` lies within this label: every level this label names is the same in `other` (a
        citation may name a coarser clause than the paragraph its quote sits in)."""
        return all(mine is None or mine == theirs for mine, theirs in
                   zip((self.part, self.top, self.sub, self.item, self.lead),
                       (other.part, other.top, other.sub, other.item, other.lead)))


_CITED = re.compile(rf"^({'|'.join(PARTS)})\s*([{NUMERALS}]+)(?:[（(]([{NUMERALS}]+)[）)])?(\d+)?\s*([\u4e00-\u9fff]+)?$")


def parse_label(text):
    """A citation's clause (its Chinese, e.g. "附件 二（一）1 实施内容") as a Label, or None when it names no
    section number (通知 标题, 通知 引言: places the numbering cannot re-derive)."""
    found = _CITED.match(str(text).strip())
    if not found:
        return None
    part, top, sub, item, lead = found.groups()
    return Label(part, top, sub, item, lead)


@dataclass(frozen=True)
class Sentence:
    text: str  # squashed
    start: int  # in the squashed notice
    label: Label


class Outline:
    """The squashed notice, the label of every position, and its sentences."""

    def __init__(self, text):
        self.text = ""
        self._starts, self._labels = [], []  # paragraph starts in self.text and their labels
        paragraphs = []  # (squashed paragraph, label, is a heading)
        part, top, sub, item, lead = PARTS[0], None, None, None, None
        for line in text.splitlines():
            para = squash(line)
            if not para:
                continue
            heading = False
            if _ANNEX.match(para):
                part, top, sub, item, lead = PARTS[1], None, None, None, None
                heading = True
            elif found := _TOP.match(para):
                top, sub, item, lead, heading = found.group(1), None, None, None, True
            elif found := _SUB.match(para):
                sub, item, lead, heading = found.group(1), None, None, True
            elif found := _ITEM.match(para):
                item, lead, heading = found.group(1), None, True
            elif item and (found := _LEAD.match(para)):
                lead = found.group(1)
            label = Label(part, top, sub, item, lead)
            self._starts.append(len(self.text))
            self._labels.append(label)
            paragraphs.append((para, len(self.text), label, heading))
            self.text += para
        self.sentences = list(_sentences(paragraphs, self.label_at))

    def label_at(self, position):
        index = bisect.bisect_right(self._starts, position) - 1
        return self._labels[max(index, 0)] if self._labels else Label(PARTS[0])

    def find_all(self, quote):
        """Start of every occurrence of a squashed quote."""
        found, start = [], self.text.find(quote)
        while start >= 0 and quote:
            found.append(start)
            start = self.text.find(quote, start + 1)
        return found


def _sentences(paragraphs, label_at):
    """Sentences in notice order. A paragraph that stops mid-sentence (a page break: no closing mark, and the next
    paragraph opens no heading) runs on into the next one; a heading line is a sentence of its own."""
    block, block_start = "", 0
    for index, (para, start, _label, heading) in enumerate(paragraphs):
        if not block:
            block_start = start
        block += para
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        runs_on = (following is not None and not following[3] and para[-1] not in _ENDS + "："
                   and not (heading and re.search(r"[\u4e00-\u9fff]$", para)))
        if runs_on:
            continue
        offset = 0  # cut after each closing mark; each piece labelled where it starts
        for piece in _PIECE.findall(block):
            yield Sentence(piece, block_start + offset, label_at(block_start + offset))
            offset += len(piece)
        block = ""
