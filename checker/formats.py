"""The file formats, in one list: what each can write (the list template, a screened plan), its suffix and media
type, and the Python modules it needs (which the browser's worker loads only when a request needs them: the
checker answers `needs_workbook`, naming the package set, when they are missing, checker/api.py). The command line's --format choices, the
API's format fields and the screening page's download buttons all come from here: a new format is a writer plus
one entry. Reading needs no entry: sheet_io tells a file's kind by its bytes."""

import json


class Format:
    def __init__(self, name, suffix, media_type, template=None, plan=None, modules=(), binary=False, page=True,
                 ascii_plan=None):
        self.name, self.suffix, self.media_type = name, suffix, media_type
        self.template, self.plan = template, plan  # writers: (ruleset, lang) -> content, (plan, lang) -> content
        self.modules, self.binary, self.page = modules, binary, page
        self.ascii_plan = ascii_plan  # the same content in ASCII only, for a console that cannot show the rest


def _template_csv(ruleset, lang):
    from .sheet_template import template_csv
    return template_csv(ruleset, lang)


def _template_xlsx(ruleset, lang):
    from .sheet_template import template_xlsx
    return template_xlsx(ruleset, lang)


def _plan_csv(plan, lang):
    from .export import result_csv
    return result_csv(plan, lang)


def _plan_xlsx(plan, lang):
    from .export import result_xlsx
    return result_xlsx(plan, lang)


def _plan_json(plan, lang, ascii_only=False):
    return json.dumps(plan, ensure_ascii=ascii_only, indent=2) + "\n"


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# In the order the page offers them (the first is its main button).
FORMATS = {f.name: f for f in (
    Format("xlsx", ".xlsx", XLSX_TYPE, _template_xlsx, _plan_xlsx, modules=("openpyxl", "et_xmlfile"), binary=True),
    Format("csv", ".csv", "text/csv;charset=utf-8", _template_csv, _plan_csv),
    Format("json", ".json", "application/json", plan=_plan_json, page=False,  # the plan as data (command line)
           ascii_plan=lambda plan, lang: _plan_json(plan, lang, True)),
)}
WORKBOOK_MODULES = tuple(m for f in FORMATS.values() for m in f.modules)
# The package set the browser's worker loads for a module that is missing (the manifest's package_sets, written by
# build_scripts/pyodide_assets.py): "workbook" writes and reads .xlsx; "calamine" only reads an old .xls/.et or an
# .ods (checker/old_workbook.py), so a visitor who never opens one never fetches it.
PACKAGE_SETS = {**{m: "workbook" for m in WORKBOOK_MODULES}, "python_calamine": "calamine"}


def names(what, page=False):
    """The formats that can write `what` ("template" or "plan"), in order; `page`: only those the page offers."""
    return tuple(n for n, f in FORMATS.items() if getattr(f, what) and (f.page or not page))


def write(what, name, subject, lang):
    """(content, binary?) of `subject` (a rule set for "template", a plan for "plan") in the format `name`."""
    fmt = FORMATS[name]
    return getattr(fmt, what)(subject, lang), fmt.binary
