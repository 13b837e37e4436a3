"""Which pages the site gets, rendered into docs/ (the i18n plugin's suffix layout: ``<path>.<lang>.md``).

For every call (see calls.py for the prefixes):

* every template ``build_scripts/templates/pages/<path>.md.j2`` -> ``docs/<prefix><path>.<lang>.md``;
* ``direction.md.j2`` -> ``docs/<prefix>directions/<slug>.<lang>.md`` for each of its directions;
* ``changes.md.j2`` -> ``docs/<prefix>changes.<lang>.md`` when the call has a previous call.

And once for the site: every ``build_scripts/templates/site/<path>.md.j2`` -> ``docs/<path>.<lang>.md`` (the list
of calls). A file is written only when its content changed (so ``mkdocs serve`` does not loop), and generated
files no longer wanted are deleted. Every generated file ends with ``render.GENERATED_MARKER``; a file without it
is hand-written and is never overwritten (``make clean`` removes exactly the files carrying the marker).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker import strings as checker_strings

from . import call_status, changes, paths, render, strings
from .calls import CALLS_PAGE, Call
from .notice import parse_notice


CHANGES_PAGE = "changes.md"


class PageError(Exception):
    """A page cannot be generated (a template fails, or a hand-written page is in the way)."""


@dataclass
class Job:
    template: str  # relative to build_scripts/templates
    page: str  # call-relative page source, e.g. "directions/d1.md" (site pages: relative to docs/)
    call: Call | None  # None for a site page
    extra: dict = field(default_factory=dict)

    @property
    def source(self) -> str:
        return self.call.source(self.page) if self.call else self.page


def call_pages(call: Call, templates_dir: Path = paths.TEMPLATES_DIR) -> list[Job]:
    pages_dir = templates_dir / "pages"
    jobs = [Job(t.relative_to(templates_dir).as_posix(), t.relative_to(pages_dir).as_posix()[: -len(".j2")], call)
            for t in sorted(pages_dir.rglob("*.md.j2"))]
    for direction in sorted(call.data["directions"].get("directions", []), key=lambda d: d.get("number", 0)):
        jobs.append(Job(paths.DIRECTION_TEMPLATE, f"directions/{direction['slug']}.md", call,
                        {"direction": direction}))
    if call.previous is not None:
        jobs.append(Job(paths.CHANGES_TEMPLATE, CHANGES_PAGE, call,
                        {"changes": changes.compare(call.previous.data, call.data)}))
    return jobs


def site_pages(templates_dir: Path = paths.TEMPLATES_DIR) -> list[Job]:
    site_dir = templates_dir / "site"
    return [Job(t.relative_to(templates_dir).as_posix(), t.relative_to(site_dir).as_posix()[: -len(".j2")], None)
            for t in sorted(site_dir.rglob("*.md.j2"))]


def plan(calls: list[Call], templates_dir: Path = paths.TEMPLATES_DIR) -> list[Job]:
    """Every page of the site; also records each call's page list (for the nav and the call switcher)."""
    jobs: list[Job] = []
    for call in calls:
        mine = call_pages(call, templates_dir)
        call.pages = [job.page for job in mine]
        jobs += mine
    site = site_pages(templates_dir)
    if CALLS_PAGE not in [job.page for job in site]:
        raise PageError(f"build_scripts/templates/site/{CALLS_PAGE}.j2 is missing")
    return jobs + site


def summary(call: Call) -> dict:
    """What the site pages (and the call switcher) say about a call."""
    data = call.data["call"]
    return {"id": call.id, "year": data["year"], "title": data["title"], "document_number": data["document_number"],
            "deadlines": data.get("deadlines", []), "newest": call.newest, "prefix": call.prefix,
            "has_changes": call.previous is not None,
            "previous": call.previous.id if call.previous else None}


def contexts(calls: list[Call], ui: dict, langs: list[str], default: str, policy_dir: Path) -> dict[str, dict]:
    """The template context of each call's pages (by call id; "" for site pages)."""
    from checker import limits
    from checker.questionnaire import questionnaire
    from checker.ruleset import Ruleset

    ui_all = {lang: strings.in_language(ui, lang) for lang in langs}
    # The result's group headings are the checker's (report.group): the CLI report and the page say the same.
    group_titles = {lang: checker_strings.lookup("report.group", lang) for lang in langs}
    # The one size limit of a file to screen (checker/limits.py): the page refuses a larger one before reading it.
    # The tool pages refuse input nested deeper than the checker takes before sending it (data-max-depth): the
    # checker's own bound, never a second number.
    from checker import formats as checker_formats

    shared = {"ui_all": ui_all, "group_titles": group_titles, "langs": langs, "default_lang": default,
              "limits": {"max_file_bytes": limits.MAX_FILE_BYTES, "max_name_chars": limits.MAX_NAME_CHARS},
              "max_depth": limits.MAX_DEPTH,
              # The files the screening page offers, in order (checker/formats.py): one button each.
              "page_formats": [{"name": f.name, "suffix": f.suffix, "media_type": f.media_type, "binary": f.binary,
                                "template": f.template is not None, "plan": f.plan is not None}
                               for f in checker_formats.FORMATS.values() if f.page],
              "calls": [summary(c) for c in reversed(calls)]}
    out: dict[str, dict] = {"": dict(shared, data={})}
    for call in calls:
        ruleset = Ruleset(call.ruleset)
        source = policy_dir / call.data["call"]["source"]["file"]
        ctx = dict(call.data)
        ctx.update(shared, data=call.data, call_id=call.id, this_call=summary(call), compiled=call.ruleset,
                   # The home and tool pages' titles: a guide to this call, open or closed (call_status.titles).
                   call_titles=lambda u, tool=None, c=call: call_status.titles(c, u, tool),
                   exemption_questions=exemption_questions(ruleset, langs),
                   previous_call=summary(call.previous) if call.previous else None,
                   notice=parse_notice(source.read_text("utf-8")),
                   questionnaire=lambda lang, rs=ruleset: questionnaire(rs, lang))
        out[call.id] = ctx
    return out


def exemption_questions(ruleset, langs: list[str]) -> dict[str, str]:
    """{lang: the questions the call's quota exemption reads, by their short names, as the screening names their
    columns} (empty when the call has no exemption)."""
    from checker.conditions import questions_in
    from checker.sheet_template import column_label

    asked = questions_in(ruleset.quota["exempt_if"]) if ruleset.exemption else []
    return {lang: checker_strings.s("batch.list_sep", lang).join(column_label(ruleset, q, lang) for q in asked)
            for lang in langs}


def is_generated(text: str) -> bool:
    return render.GENERATED_MARKER in text


def write_if_changed(path: Path, content: str) -> bool:
    if path.exists():
        current = path.read_text("utf-8")
        if current == content:
            return False
        if not is_generated(current):
            raise PageError(f"{path} is hand-written: a template would overwrite it; rename one of them")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, "utf-8")
    return True


def generate(jobs: list[Job], ctx_by_call: dict[str, dict], langs: list[str], docs_dir: Path,
             templates_dir: Path = paths.TEMPLATES_DIR, log=print) -> tuple[list[Path], set[Path]]:
    """Render every job in every language; returns (files written, every file wanted). Stale pages are removed."""
    env = render.make_env(templates_dir)
    wanted: set[Path] = set()
    written: list[Path] = []
    for job in jobs:
        base = {**ctx_by_call[job.call.id if job.call else ""], **job.extra}
        for lang in langs:
            target = docs_dir / f"{job.source[: -len('.md')]}.{lang}.md"
            try:
                content = render.render_page(env, job.template, job.source, lang, base,
                                             call_link=job.call.source if job.call else None)
            except render.RenderError as exc:
                raise PageError(str(exc)) from exc
            wanted.add(target.resolve())
            if write_if_changed(target, content):
                written.append(target)
    for path in sorted(docs_dir.rglob("*.md")):
        if path.resolve() not in wanted and is_generated(path.read_text("utf-8")):
            log(f"removing stale generated page {path}")
            path.unlink()
    for folder in sorted((p for p in docs_dir.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()
    return written, wanted
