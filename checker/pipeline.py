"""The steps both doors run. The command line (cli.py) and the worker's requests (api.py) turn their input into
these calls and their results into output; neither decides, words or reads a file's contents itself, and neither
imports the other. (The screening steps are in batch.py for now: read_sheet, screen, replan and the exports.)"""

import datetime

from . import answers as answers_mod
from .engine import decide
from .present import present
from .strings import LANGS


def assess(ruleset, raw_answers, lang="zh", as_of=None):
    """Validate answers (a mapping, or an exported answers file), decide, and word the result in `lang` with the
    timeline as of `as_of` (default today). Raises AnswersError naming every bad answer."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    raw, _meta = answers_mod.unwrap(raw_answers)
    answers = answers_mod.validate(ruleset, raw, lang)
    return present(decide(ruleset, answers), lang, as_of or datetime.date.today())
