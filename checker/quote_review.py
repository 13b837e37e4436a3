"""The maintainer's review list: a call's citations read against a (new) notice.

For each quote no longer in the notice: the closest sentence(s) of the notice, how close, and what differs, numbers
and dates singled out ("10 → 12", "2022年5月4日 → 2022年5月10日"). For each quote still there but under another
section number: the clause label the notice gives it now. Standard library only; a candidate search by shared
character pairs keeps it near-linear (a notice has a few hundred sentences, a call a few hundred citations).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .notice_outline import Label, Outline, parse_label, squash
from .strings import s

# Similarity is difflib's ratio of the quote and the notice's stretch that lines up with it: twice the characters
# matched in order over both lengths. Below CLOSE the best stretch is shown as "not close": the quoted text is
# probably gone. (Measured on 2022's notice: a changed number or date keeps about 0.9 or more, a deleted clause in a
# long quote about 0.8; the best stretch for a deleted sentence about 0.4, through common words such as 申报主体.)
CLOSE = 0.6
NEAR = 0.05  # a second stretch is shown when it is this close to the best one (the same words twice in the notice)
CANDIDATES = 4  # sentences (or pairs of neighbouring sentences) compared in full for each missing quote
_TOKEN = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|\d+(?:\.\d+)?|.", re.S)
_DATE = re.compile(r"\d{1,2}月|\d{4}年")
_NUMBER = re.compile(r"\d")
_CHINESE_NUMBER = re.compile(r"[零一二两三四五六七八九十百千万]+")  # 两年 → 三年, 三级 → 二级
_ENDS = "。；！？"


@dataclass
class Change:
    kind: str  # "date", "number" or "text"
    old: str
    new: str


@dataclass
class Match:
    text: str  # the notice's words closest to the quote (squashed)
    label: Label  # the notice's numbering where they sit
    similarity: float
    changes: list = field(default_factory=list)


@dataclass
class Item:
    """One citation to review: `file` and `line` of its quote, the YAML key path, and what was found."""
    kind: str  # "missing" (quote not in the notice) or "moved" (found under another section number)
    file: str
    line: int
    path: str
    quote: str
    clause: str | None = None
    matches: list = field(default_factory=list)  # missing: closest first
    labels: list = field(default_factory=list)  # moved: where the notice has the quote now


def citations(data, lines, folder):
    """(file, line, key path, quote, clause zh) of every quote in a call's parsed YAML (data, lines: by file name,
    as the loader reads them), and each direction's Chinese needs/content/results (quoted verbatim, no clause)."""
    from .loader import _walk
    from .yamlsource import line_of

    for name, tree in data.items():
        for path, node in _walk(tree):
            if isinstance(node, dict) and isinstance(node.get("quote"), str) and "clause" in node:
                clause = node["clause"].get("zh") if isinstance(node["clause"], dict) else None
                where = path + ("quote",)
                yield (folder / f"{name}.yaml", line_of(lines[name], where), where, node["quote"], clause)
            elif name == "directions" and len(path) == 3 and path[0] == "directions" and \
                    path[2] in ("needs", "content", "results") and isinstance(node, dict) and \
                    isinstance(node.get("zh"), str):
                where = path + ("zh",)
                yield (folder / f"{name}.yaml", line_of(lines[name], where), where, node["zh"], None)


def review_call(folder, root):
    """The review items of the call in `folder` against the notice its call.yaml names (under `root`), or None
    when the YAML cannot be read or the notice is not there (the loader reports those)."""
    from .loader import _Loading

    loading = _Loading(folder, root)
    loading.read()
    call = loading.data.get("call")
    if loading.problems or not isinstance(call, dict) or not isinstance(call.get("source"), dict):
        return None
    notice = loading.root / str(call["source"].get("file", ""))
    if not notice.is_file():
        return None
    return review(citations(loading.data, loading.lines, loading.folder), notice.read_text(encoding="utf-8"))


def review(entries, notice_text):
    """Review items for `entries` (as citations() yields them) against the notice's text, in the entries' order."""
    outline = Outline(notice_text)
    finder = _Finder(outline)
    items = []
    for file, line, path, quote, clause in entries:
        key = ".".join(map(str, path))
        squashed = squash(quote)
        found = outline.find_all(squashed)
        if not found:
            items.append(Item("missing", str(file), line, key, quote, clause, finder.closest(squashed)))
            continue
        cited = parse_label(clause) if clause else None
        if cited is None:
            continue  # no section number to check (通知 标题, 引言, or a direction's text)
        here = [outline.label_at(start) for start in found]
        if not any(cited.covers(label) for label in here):
            labels = list(dict.fromkeys(str(label) for label in here))
            items.append(Item("moved", str(file), line, key, quote, clause, labels=labels))
    return items


class _Finder:
    """Closest sentences to a quote: candidates by shared character pairs, then an in-order character match."""

    def __init__(self, outline):
        self.outline = outline
        sentences = outline.sentences
        # a quote may run over a sentence's end (两句), so a sentence and the next are a candidate too
        self.candidates = [(s.text, s.start) for s in sentences]
        self.candidates += [(a.text + b.text, a.start) for a, b in zip(sentences, sentences[1:])
                            if a.start + len(a.text) == b.start]
        self.index = defaultdict(set)
        for number, (text, _start) in enumerate(self.candidates):
            for pair in _pairs(text):
                self.index[pair].add(number)

    def closest(self, quote):
        """The closest one or two stretches of the notice (two only when about as close), or the best one
        below CLOSE (shown as not close), or none when the quote shares no two characters with the notice."""
        shared = defaultdict(int)
        for pair in _pairs(quote):
            for number in self.index.get(pair, ()):
                shared[number] += 1
        # fewer extra characters breaks a tie: the single sentence before the pair that contains it
        ranked = sorted(shared, key=lambda n: (-shared[n], len(self.candidates[n][0])))[:CANDIDATES]
        matches = sorted((self._match(quote, *self.candidates[n]) for n in ranked), key=lambda m: -m.similarity)
        best = [m for m in matches if m.similarity >= CLOSE]
        if not best:
            return matches[:1]
        seen, out = set(), []
        for match in best:
            if match.similarity >= best[0].similarity - NEAR and match.text not in seen:
                seen.add(match.text)
                out.append(match)
        return out[:2]

    def _match(self, quote, text, start):
        """The stretch of `text` that lines up with the quote, where it sits, how close it is, and what differs."""
        blocks = [b for b in SequenceMatcher(None, quote, text, autojunk=False).get_matching_blocks() if b.size >= 2]
        if not blocks:
            return Match(text, self.outline.label_at(start), 0.0, [])
        first, last = blocks[0], blocks[-1]
        # the quote's unmatched ends stand for the words that replaced them, up to the sentence's end
        left = max([first.b - first.a, 0] + [text.rfind(mark, 0, first.b) + 1 for mark in _ENDS])
        right = last.b + last.size + (len(quote) - last.a - last.size)
        stops = [text.find(mark, last.b + last.size) for mark in _ENDS]
        right = min([right, len(text)] + [stop + 1 for stop in stops if stop >= 0])
        if right > left and text[right - 1] in _ENDS and quote[-1] not in _ENDS:
            right -= 1  # the sentence's closing mark, when the quote stops short of one
        # widened to whole numbers and dates at both ends: "2022年5月1" never stands for a date
        for token in _TOKEN.finditer(text):
            if token.start() < left < token.end():
                left = token.start()
            if token.start() < right < token.end():
                right = token.end()
        excerpt = text[left:right]
        similarity = SequenceMatcher(None, quote, excerpt, autojunk=False).ratio()
        return Match(excerpt, self.outline.label_at(start + left), similarity, differences(quote, excerpt))


def _pairs(text):
    return {text[i:i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def differences(old, new):
    """What changed from `old` to `new`, over whole numbers and dates (a date is one token): dates and numbers
    first, then other wording."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    changes = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        both = before + after
        if _DATE.search(both) and _NUMBER.search(both):
            kind = "date"
        elif _NUMBER.search(both) or (before and after and all(map(_CHINESE_NUMBER.fullmatch, (before, after)))):
            kind = "number"
        else:
            kind = "text"
        changes.append(Change(kind, before, after))
    order = {"date": 0, "number": 1, "text": 2}
    return sorted(changes, key=lambda c: order[c.kind])


MAX_TEXT_CHANGES = 4  # wording changes listed for one match; more are counted, not listed


def render(items, lang, notice):
    """The review list as text, in `lang`: one block per citation, named by file:line: key path."""
    out = [s("validate.review.title", lang, count=len(items), notice=notice)]
    for item in items:
        where = f"{item.file}:{item.line}: {item.path}"
        out.append("")
        if item.kind == "moved":
            out.append(s("validate.review.moved", lang, where=where, quote=item.quote))
            out.append(s("validate.review.clause_now", lang, old=item.clause,
                         new=s("validate.review.label_sep", lang).join(item.labels)))
            continue
        out.append(s("validate.review.missing", lang, where=where, quote=item.quote))
        if not item.matches:
            out.append(s("validate.review.nothing", lang))
        for match in item.matches:
            percent = round(match.similarity * 100)
            if match.similarity < CLOSE:
                out.append(s("validate.review.not_close", lang, percent=percent, label=match.label, text=match.text))
                continue
            out.append(s("validate.review.closest", lang, percent=percent, label=match.label, text=match.text))
            out.extend(_changes(match.changes, lang))
            cited = parse_label(item.clause) if item.clause else None
            if cited is not None and not cited.covers(match.label):
                out.append(s("validate.review.clause_now", lang, old=item.clause, new=match.label))
    out += ["", s("validate.review.next", lang)]
    return "\n".join(out) + "\n"


def _changes(changes, lang):
    lines, wording = [], [c for c in changes if c.kind == "text"]
    for change in changes:
        if change.kind == "date":
            lines.append(s("validate.review.date", lang, old=change.old, new=change.new))
        elif change.kind == "number":
            lines.append(s("validate.review.number", lang, old=change.old or "—", new=change.new or "—"))
    for change in wording[:MAX_TEXT_CHANGES]:
        key = "validate.review.removed" if not change.new else "validate.review.added" if not change.old \
            else "validate.review.wording"
        lines.append(s(key, lang, old=change.old, new=change.new))
    if len(wording) > MAX_TEXT_CHANGES:
        lines.append(s("validate.review.more", lang, count=len(wording) - MAX_TEXT_CHANGES))
    return lines
