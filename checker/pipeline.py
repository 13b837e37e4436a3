"""The steps both doors run. The command line (cli.py) and the worker's requests (api.py) turn their input into
these calls and their results into output; neither decides, words or reads a file's contents itself, and neither
imports the other. (The screening steps are in batch.py for now: read_sheet, screen, replan and the exports.)"""

import datetime

from . import answers as answers_mod
from . import batch, sheet_io
from . import plan as planning
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


def write_plan(plan, file_format, unit_name=""):
    """(content, binary) of the plan in `file_format` (checker/formats.py), for the unit to sign: the unit's name, as
    the official typed it, heads the export's block (checker/export.py)."""
    from . import formats

    return formats.write("plan", file_format, dict(plan, unit_name=unit_name.strip()), plan["lang"])


def screen_upload(ruleset, unit_kind, lang="zh", data=None, text=None, file_name="", order=None, order_by=None,
                  as_of=None, progress=None):
    """Screen a unit's file, from its bytes (`data`: any file, told apart by its bytes) or its text (`text`: CSV
    already decoded), and plan the quota; raises BatchError for a file that cannot be screened."""
    planning.unit_kind_id(ruleset, unit_kind)  # a wrong kind is said before the file is read
    sheet = sheet_io.read_upload(ruleset, data) if data is not None else sheet_io.read_sheet(ruleset, text=text)
    return batch.screen(ruleset, sheet, unit_kind, lang, order, file_name, as_of, progress=progress,
                        order_by=order_by or planning.ORDER_BY[0])
