"""One Content-Security-Policy everywhere (build_scripts/csp.py): the page policy file the theme puts in every
page, the headers of build_scripts/serve_static.py, the nginx snippet, and the Apache and IIS configurations on
the hosting pages. (tests/browser/test_csp.py runs the site under it; test_nginx_hosting.py behind nginx.)"""

import re
from pathlib import Path

import pytest

from build_scripts import csp, serve_static

REPO = Path(__file__).resolve().parent.parent
STRICT = {"default-src": "'none'", "script-src": "'self' 'wasm-unsafe-eval'", "worker-src": "'self'",
          "connect-src": "'self'", "style-src": "'self'", "img-src": "'self' data:", "font-src": "'self'",
          "manifest-src": "'self'", "form-action": "'self'", "object-src": "'none'", "base-uri": "'none'",
          "frame-ancestors": "'none'"}


def directives(policy):
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_the_policy_is_the_strict_one():
    assert directives(csp.HEADER_POLICY) == STRICT
    assert "frame-ancestors" not in csp.PAGE_POLICY  # ignored (with a console warning) in a meta tag
    assert "unsafe-inline" not in csp.HEADER_POLICY and "'unsafe-eval'" not in csp.HEADER_POLICY


def test_the_static_server_sends_the_same_headers():
    assert serve_static.SECURITY_HEADERS == csp.HEADERS


def test_nginx_snippet_sends_them_in_every_location():
    text = (REPO / "build_scripts" / "nginx" / "bdpilot.conf").read_text("utf-8")
    for name, value in csp.HEADERS.items():
        # once at the top level and once in the long-cache location (add_header there replaces inherited ones)
        assert text.count(f'add_header {name} "{value}" always;') == 2, name
    assert len(re.findall(r"^\s*add_header ", text, re.M)) == 2 * len(csp.HEADERS) + 2  # + two Cache-Control


def test_hsts_is_sent_and_its_intranet_note_is_on_the_hosting_pages():
    assert csp.HEADERS["Strict-Transport-Security"].startswith("max-age=")
    for lang, note in (("zh", "如果内网没有 TLS"), ("en", "on an intranet without TLS")):
        assert note in (REPO / "docs" / f"hosting.{lang}.md").read_text("utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_apache_and_iis_configurations_send_them(lang):
    page = (REPO / "docs" / f"hosting.{lang}.md").read_text("utf-8")
    for name, value in csp.HEADERS.items():
        assert f'Header always set {name} "{value}"' in page, name
        assert f'<add name="{name}" value="{value}" />' in page and f'<remove name="{name}" />' in page, name
    assert csp.HEADER_POLICY in page and "SECURITY.md" in page
