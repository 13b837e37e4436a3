"""The newest call's stable URLs (/<call>/… and /en/<call>/…) as small pages that send the reader to today's URLs.

Static hosting has no server-side redirects, so each is an HTML page with a meta refresh and a plain link (it works
without JavaScript). Their icon is an empty data: URL: a real one is fetched and then aborted by the immediate
refresh (a failed request), and none makes the browser ask for /favicon.ico (a 404). When a newer call arrives, the
real pages of this call take these URLs over. Like every page they carry the site's Content-Security-Policy
(build_scripts/csp.py) as a meta tag, first in the head.
"""

from __future__ import annotations

import html
from pathlib import Path

from csp import PAGE_POLICY  # build_scripts/csp.py: build_scripts/ is on sys.path wherever guide is imported

from .calls import Call, relative_url, url_of_source

_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={href}">
<link rel="canonical" href="{href}">
<link rel="icon" href="data:,">
<title>{title}</title>
</head>
<body>
<p><a href="{href}">{title}</a></p>
</body>
</html>
"""


def write(site_dir: Path, newest: Call, lang_prefixes: dict[str, str], title: dict[str, str]) -> int:
    """Write /<lang prefix><call>/<page>/index.html for every page of the newest call; returns how many."""
    count = 0
    for lang, prefix in lang_prefixes.items():
        for page in newest.pages:
            stable = url_of_source(newest.stable_source(page), prefix)
            today = url_of_source(newest.source(page), prefix)
            target = site_dir / stable / "index.html"
            href = html.escape(relative_url(stable, today))
            content = _PAGE.format(lang=html.escape(lang), href=href, title=html.escape(title[lang]),
                                   csp=PAGE_POLICY)  # as the theme writes it (no " in it)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.is_file() or target.read_text("utf-8") != content:
                target.write_text(content, "utf-8")
            count += 1
    return count
