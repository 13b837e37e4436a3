"""The calls side by side and the URL scheme of the site (every URL of a page is built here).

URL scheme (also in policy_data/README.md):

* the newest call (the one whose latest deadline is latest) is at today's URLs: ``/``, ``/checker/``, …, and in
  English ``/en/``, ``/en/checker/``, …;
* every call, the newest included, also has stable URLs of its own: ``/<call>/…`` and ``/en/<call>/…``. For the
  newest these are redirect pages to today's URLs; when a newer call arrives they become its real pages, so a link
  to ``/<call>/…`` never breaks;
* site pages that belong to no call: ``/calls/`` (the list of calls), ``/hosting/``.

Page sources (docs/, the i18n plugin's suffix layout): ``<prefix><page>.<lang>.md`` with ``prefix`` "" for the
newest call and ``"<call>/"`` for the others.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

CALLS_PAGE = "calls.md"


@dataclass
class Call:
    id: str
    data: dict
    ruleset: dict
    cases: list
    prefix: str = ""  # "" for the newest call, "<id>/" for the others
    previous: "Call | None" = None
    pages: list[str] = field(default_factory=list)  # call-relative page sources, e.g. "checker.md"

    @property
    def year(self):
        return self.data["call"]["year"]

    @property
    def newest(self) -> bool:
        return self.prefix == ""

    def source(self, page: str) -> str:
        """The page source (relative to docs/) of a call-relative page, e.g. 'checker.md' -> '2021/checker.md'."""
        return self.prefix + page

    def stable_source(self, page: str) -> str:
        return f"{self.id}/{page}"


def latest_date(data: dict) -> str:
    """The call's latest deadline (ISO dates compare as text): what orders the calls."""
    return max((str(d["date"]) for d in data["call"].get("deadlines") or []), default="")


def arrange(artefacts: dict[str, dict]) -> list[Call]:
    """Calls oldest first, each linked to its previous one; the newest (last) gets today's URLs."""
    calls = [Call(id=cid, data=a["data"], ruleset=a["ruleset"], cases=a.get("cases", []))
             for cid, a in artefacts.items()]
    calls.sort(key=lambda c: (latest_date(c.data), c.id))
    for index, call in enumerate(calls):
        call.prefix = "" if index == len(calls) - 1 else f"{call.id}/"
        call.previous = calls[index - 1] if index else None
    return calls


def call_of_source(calls: list[Call], src: str) -> Call | None:
    """The call a page source belongs to, or None for a site page (calls.md, hosting.md)."""
    first = src.split("/", 1)[0]
    for call in calls:
        if not call.newest and first == call.id:
            return call
    newest = calls[-1] if calls else None
    if newest and src in newest.pages:
        return newest
    return None


def url_of_source(src: str, lang_prefix: str = "") -> str:
    """The site-relative URL of a page source with use_directory_urls: 'a/index.md' -> 'a/', 'a/b.md' -> 'a/b/'."""
    path = src[: -len(".md")]
    if path == "index" or path.endswith("/index"):
        path = path[: -len("index")]
    else:
        path += "/"
    return lang_prefix + path


def relative_url(from_url: str, to_url: str) -> str:
    """A relative link from one page URL to another (both site-relative, directory style)."""
    rel = posixpath.relpath(to_url or ".", from_url.rstrip("/") or ".")
    return "./" if rel == "." else rel + ("/" if to_url.endswith("/") or to_url == "" else "")


def relative_source_link(from_source: str, to_source: str) -> str:
    """A relative link between two page sources, as Markdown links are written ('../checker.md')."""
    return posixpath.relpath(to_source, posixpath.dirname(from_source) or ".")
