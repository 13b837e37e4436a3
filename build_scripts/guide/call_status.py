"""Where a call stands, on every page: the banner at the top (Material's announce block, build_scripts/overrides).

The decision is the checker's: ``checker.engine.phase_status`` over the call's timeline (its ruleset: the deadlines
and which one is the applicants'). A deadline is open up to and including its own day: that is the site's reading
of the notice's 「于……前」, which does not say whether the day itself counts, so the banner states each date in the
notice's words (``guide.by_date_short``: short, the banner must leave a phone's first screen to the page) and one
link saying the notice is silent on the day itself, to the process page's paragraph giving the site's reading. The decision is
taken here at build time, with the build date, for the static HTML (JavaScript off, or before the script runs);
the page's script (docs/assets/theme/call-status.js) then compares the visitor's own date with the ISO dates in the
``data-deadline`` attributes, the same comparison, and shows the matching ``data-when`` variants. Every date
carries its clause, linked to the process page's box for that deadline (its footnote quotes the notice).
"""

from __future__ import annotations

import datetime
import html

from checker.engine import phase_status

from .calls import Call, relative_url, url_of_source
from .render import format_date, pick

STATES = ("open", "closed")
CALL_SCOPE = "call"


def build_date() -> datetime.date:
    """The date the static fallback is decided for (the day of the build)."""
    return datetime.date.today()


def phases(call: Call, as_of: datetime.date) -> tuple[list[dict], str]:
    """(each deadline with its state on `as_of`, the applicants' deadline id), from the call's ruleset."""
    timeline = call.ruleset["timeline"]
    out = [dict(d, status=phase_status(str(d["date"]), as_of)) for d in timeline["deadlines"]]
    return out, timeline["applicant_deadline"]


def call_state(call: Call, as_of: datetime.date | None = None) -> str:
    """"open" or "closed": the state of the applicants' deadline on `as_of` (the build date), as the banner says it.
    The page titles use it (build_scripts/templates/pages: "…（已截止）"); a title cannot switch with the visitor's
    date as the banner does, so it is the build's: the banner right above it says the visitor's day."""
    deadlines, applicant_id = phases(call, as_of or build_date())
    return next(d["status"] for d in deadlines if d["id"] == applicant_id)


def titles(call: Call, u: dict, tool: str | None = None, as_of: datetime.date | None = None) -> dict:
    """The titles of the home page (`tool` None) or of a tool page (`tool`: the key of its short name in `u`, the
    page language's strings): they say it is a guide to this call and whether the call is open or closed.
    "h1": the heading's HTML, the state as one element per state (the build date's shown; call-status.js shows the
    visitor's date's, as the banner); "html": the window title for each state (the same script picks one)."""
    state = call_state(call, as_of)
    words = {s: u["status_phase_" + s] for s in STATES}

    def title(word: str) -> str:
        if tool is None:
            return u["title_state"].format(title=u["site_name"].format(year=call.year), state=word)
        return u["tool_title_state"].format(tool=u[tool], year=call.year, state=word)

    marker = "\0"  # where the state goes in the heading (a title has no NUL in it)
    spans = "".join(f'<span data-call-when="{s}"{"" if s == state else " hidden"}>{html.escape(words[s])}</span>'
                    for s in STATES)
    h1 = html.escape(title(marker)).replace(marker, spans)
    site = u["site_name"].format(year=call.year)
    window = {s: title(words[s]) if tool is None else u["html_title"].format(page=title(words[s]), site=site)
              for s in STATES}
    return {"state": state, "h1": h1, "html": window}


def _variants(scope: str, state: str, texts: dict[str, str], tag: str = "span") -> str:
    """One element per state; all but the state decided at build time start hidden."""
    return "".join(f'<{tag} data-scope="{scope}" data-when="{when}"{"" if when == state else " hidden"}>'
                   f'{texts[when]}</{tag}>' for when in STATES)


def banner(call: Call, ui: dict, lang: str, href, as_of: datetime.date | None = None) -> str:
    """The banner's HTML for one page; `href(source)` is the page's URL of a page source (relative, or absolute
    on 404.html)."""
    as_of = as_of or build_date()
    u = {key: pick(value, lang) for key, value in ui.items()}
    esc = html.escape
    deadlines, applicant_id = phases(call, as_of)
    states = {d["id"]: d["status"] for d in deadlines}
    call_state = states[applicant_id]
    year = call.year

    phase_words = {"open": u["status_phase_open"], "closed": u["status_phase_closed"]}
    items = []
    for d in deadlines:
        date = str(d["date"])
        clause = esc(pick(d["citation"]["clause"], lang))
        link = href(call.source("process.md")) + f"#deadline-{d['id']}"
        items.append(
            f'<li data-deadline="{esc(date)}" data-scope="{esc(d["id"])}">'
            f'<span class="call-status__who">{esc(pick(d["who"], lang))}</span>{u["colon"]}'
            f'{esc(u["by_date_short"].format(date=format_date(date, lang)))} '
            f'<a class="cite" href="{esc(link)}">{clause}</a> '
            + _variants(esc(d["id"]), d["status"], {s: f'<strong class="call-status__state call-status__state--{s}">'
                                                        f'{esc(word)}</strong>' for s, word in phase_words.items()})
            + "</li>")
    reading = href(call.source("process.md")) + "#deadline-reading"
    actions = {
        "open": [(u["status_do_apply"], call.data["call"]["application_system"]["url"]),
                 (u["status_do_check"], href(call.source("checker.md"))),
                 (u["status_do_contact"], href(call.source("contacts.md")))],
        "closed": [(u["status_do_read"], href(call.source("index.md"))),
                   (u["status_do_check_next"], href(call.source("checker.md"))),
                   (u["status_do_contact"], href(call.source("contacts.md")))],
    }
    can = {"open": u["status_can_open"], "closed": u["status_can_closed"]}
    do = {s: esc(can[s]) + u["list_sep"].join(
        f'<a href="{esc(url)}">{esc(label)}</a>' for label, url in actions[s]) for s in STATES}
    headline = {"open": esc(u["status_open"].format(year=year)), "closed": esc(u["status_closed"].format(year=year))}
    static_note = esc(u["status_static"].format(date=format_date(as_of, lang)))
    return (
        f'<div class="call-status" data-call-status data-call="{esc(call.id)}" data-applicant="{esc(applicant_id)}"'
        f' role="region" aria-label="{esc(u["status_label"].format(year=year))}">'
        f'<p class="call-status__headline">'
        + _variants(CALL_SCOPE, call_state, headline, "strong")
        + f' <span class="call-status__static" data-static>{static_note}</span></p>'
        f'<ul class="call-status__dates">{"".join(items)}</ul>'
        f'<p class="call-status__do">' + _variants(CALL_SCOPE, call_state, do)
        + f' <a class="call-status__reading" href="{esc(reading)}">{esc(u["status_reading"])}</a></p>'
        "</div>"
    )


def page_href(page_url: str, lang_prefix: str):
    """href(source) for a page at `page_url` (site-relative): a relative link, as the rest of the site's links."""
    return lambda source: relative_url(page_url, url_of_source(source, lang_prefix))


def absolute_href(site_path: str, lang_prefix: str):
    """href(source) for 404.html, which is served at any address: root-absolute, from site_url's path."""
    base = site_path if site_path.endswith("/") else site_path + "/"
    return lambda source: base + url_of_source(source, lang_prefix)
