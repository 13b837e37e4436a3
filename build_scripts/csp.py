"""The site's Content-Security-Policy and security headers, in one place (issue 19).

The page policy is build_scripts/overrides/partials/csp-policy.html: every page carries it as a meta tag (the theme
override includes that file). Servers send it as a header together with ``frame-ancestors 'none'`` (which
browsers ignore in a meta tag), ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``:
build_scripts/serve_static.py, the nginx snippet build_scripts/nginx/bdpilot.conf, and the Apache and IIS
configurations on docs/hosting.*.md (tests/test_csp.py checks that they all say the same). Standard library only.

    default-src 'none'                    nothing that is not allowed below
    script-src 'self' 'wasm-unsafe-eval'  only the site's own script files, no inline script or handler, no eval;
                                          WebAssembly may be compiled (Pyodide)
    worker-src 'self'                     the checker's module worker, Material's search worker, the service worker
    connect-src 'self'                    fetch only from the site (Pyodide, the wheel, search indexes)
    style-src, font-src, manifest-src 'self'; img-src 'self' data:
                                          the site's own style sheets, fonts and icons (the theme's icons are
                                          data: SVGs in its CSS); no inline style
    form-action 'self'                    a form is never sent anywhere else
    object-src 'none'; base-uri 'none'    no plug-ins; no <base> redirecting relative URLs
"""

from pathlib import Path

PAGE_POLICY = (Path(__file__).resolve().parent / "overrides" / "partials" / "csp-policy.html").read_text("utf-8").strip()
HEADER_POLICY = PAGE_POLICY + "; frame-ancestors 'none'"
HEADERS = {
    "Content-Security-Policy": HEADER_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000",  # HTTPS only, for a year; ignored on plain http://
}
