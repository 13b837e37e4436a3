"""Reading a cell a person typed into a list: an option's id or its label in either language is read as such;
other common spellings are read loosely, and each loosely read cell is reported (so an official can see what the
tool took a cell to mean).

Loose spellings come from data, never from a list in code: the yes/no/not-sure spellings of both languages
(checker/i18n, batch.loose.*), an option's label in another width or case, a part of exactly one option's label
(农业 for 农业大数据应用方向), a direction's slug or number. A cell that could mean two options is not guessed.
"""

import unicodedata

from . import kinds, limits
from .strings import LANGS, s


def fold(text):
    """Text as compared: full-width forms made plain (ＹＥＳ, １), case and all white space ignored."""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


class CellReader:
    """Reads the choice cells of one rule set's questions (built once per screen)."""

    def __init__(self, ruleset):
        self.ruleset = ruleset
        self._exact = {}   # question id -> {folded spelling: option id}
        self._parts = {}   # question id -> [(folded label, option id)] for part-of-a-label matches
        for qid, question in ruleset.questions.items():
            if kinds.of(question).choice:
                self._exact[qid], self._parts[qid] = self._spellings(question)

    def _spellings(self, question):
        exact, parts = {}, []
        if question["kind"] == "tristate":  # yes / no / not sure: their spellings are interface strings
            for value in kinds.TRISTATE:
                for lang in LANGS:
                    for spelling in [s("tristate." + value, lang), *s("batch.loose." + value, lang)]:
                        exact.setdefault(fold(spelling), value)
            return exact, parts
        extra = {}
        if question["id"] == self.ruleset.direction_question:
            extra = {d: [d_["slug"], str(d_["number"])] for d, d_ in self.ruleset.directions.items()}
        for option in kinds.of(question).options(question):
            labels = [option["label"][lang] for lang in LANGS]
            for spelling in [option["id"], *labels, *extra.get(option["id"], ())]:
                exact.setdefault(fold(spelling), option["id"])
            parts += [(fold(label), option["id"]) for label in labels]
        return exact, parts

    def label(self, question, option_id, lang):
        return kinds.of(question).option_label(question, option_id, lang)

    def _one(self, qid, text):
        """The option id `text` names loosely, or None (none, or more than one)."""
        key = fold(text)
        if not key:
            return None
        if key in self._exact[qid]:
            return self._exact[qid][key]
        if len(key) < limits.MIN_LOOSE_CHARS:
            return None
        found = {option for label, option in self._parts[qid] if key in label or label in key}
        return found.pop() if len(found) == 1 else None

    def read(self, qid, text):
        """(the cell as the answers validator reads it, loosely read?) for a choice question's cell."""
        question = self.ruleset.questions[qid]
        if not text.strip() or _strict(question, text):
            return text, False
        if question["kind"] != "multi":
            found = self._one(qid, text)
            return (found, True) if found else (text, False)
        items = [item.strip() for item in kinds.LIST_SPLIT.split(text)]
        read, loose = [], False
        for item in items:
            if not item:
                continue
            if _strict(question, item):
                read.append(item)
                continue
            found = self._one(qid, item)
            if found is None:
                return text, False  # the validator names the item it cannot read
            read.append(found)
            loose = True
        return ";".join(read), loose


def _strict(question, text):
    """Read as written (an id, or a label as the questionnaire shows it): not worth a note."""
    kind = kinds.of(question)
    if question["kind"] == "tristate":
        return kind.normalise(question, text, "zh")[1] is None
    return kind.match(question, text) is not None
