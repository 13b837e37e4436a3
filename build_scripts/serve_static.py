#!/usr/bin/env python3
"""Serve a static directory with the MIME types Pyodide and ES modules need.

Python's http.server guesses types from the system's mime.types, which on some
machines lacks .wasm (Pyodide then hangs forever when the .wasm comes back as
application/octet-stream) or .mjs (a module worker refuses to load). This server
sets them explicitly, and behaves like a static host (nginx, GitHub Pages):

* optional URL prefix (``--prefix /some/prefix/``): files are served only under
  it, everything else is a plain 404;
* no directory listings: a directory without index.html is a 404;
* a 404 inside the prefix gets the body of ``<root>/404.html`` when it exists;
* ``Cache-Control: no-cache``, the security headers of build_scripts/csp.py (Content-Security-Policy,
  X-Content-Type-Options, Referrer-Policy), HTTP/1.1 keep-alive, threaded.

Command line (used by ``make serve``)::

    python build_scripts/serve_static.py [--bind 127.0.0.1] [--directory site] [--prefix /] [PORT]

In Python (used by the test fixtures)::

    from build_scripts.serve_static import serve
    with serve("site", prefix="/some/prefix/") as server:
        print(server.base_url)       # http://127.0.0.1:PORT/some/prefix/
        ...
        server.log                   # [(method, path, status), ...]

Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import os
import socketserver
import sys
import threading
import urllib.parse
from pathlib import Path
from typing import Iterator

# build_scripts/csp.py, read here without importing it (this file runs as a script and as a module).
_CSP_FILE = Path(__file__).resolve().parent / "overrides" / "partials" / "csp-policy.html"
SECURITY_HEADERS = {
    "Content-Security-Policy": _CSP_FILE.read_text("utf-8").strip() + "; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000",
}

# Explicit types for what the site ships; anything else falls back to mimetypes.
MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".tar": "application/x-tar",
    ".gz": "application/gzip",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".py": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".webmanifest": "application/manifest+json",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def normalize_prefix(prefix: str) -> str:
    """'some/prefix' -> '/some/prefix/'; '' or '/' -> '/'."""
    parts = [p for p in prefix.split("/") if p]
    return "/" + "".join(p + "/" for p in parts)


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Request handler; its settings live on the server (StaticServer)."""

    protocol_version = "HTTP/1.1"
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    server: "StaticServer"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("directory", str(args[2].root))
        super().__init__(*args, **kwargs)

    # -- prefix handling -------------------------------------------------
    def _below_prefix(self, url: str) -> str | None:
        """Path of ``url`` below the prefix ('/...'), '' for the prefix without
        its final slash, or None when outside the prefix."""
        path = urllib.parse.urlsplit(url).path
        prefix = self.server.prefix
        if prefix == "/":
            return path
        if path.startswith(prefix):
            return "/" + path[len(prefix):]
        if path == prefix[:-1]:
            return ""
        return None

    def translate_path(self, path: str) -> str:
        rel = self._below_prefix(path)
        if not rel:
            rel = "/.outside-prefix/"  # send_head answers 404 before this is used
        return super().translate_path(rel)

    def send_head(self):
        rel = self._below_prefix(self.path)
        self._outside_prefix = rel is None  # reset per request (keep-alive)
        if rel is None:
            self.send_error(404, "Not under " + self.server.prefix)
            return None
        if rel == "":
            self.send_response(301)
            self.send_header("Location", self.server.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return super().send_head()

    def list_directory(self, path):  # a static host does not list directories
        self.send_error(404, "No index file")
        return None

    # -- responses -------------------------------------------------------
    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        for name, value in SECURITY_HEADERS.items():  # the CSP and friends, as the documented servers send them
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code, message=None, explain=None):
        page = self.server.not_found_page
        if code == 404 and page is not None and not getattr(self, "_outside_prefix", False):
            try:
                body = page.read_bytes()
            except OSError:
                body = None
            if body is not None:
                self.log_error("code %d, message %s", code, message)
                self.send_response(code, message)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                return
        super().send_error(code, message, explain)

    def log_request(self, code="-", size="-"):
        code_value = getattr(code, "value", code)
        self.server.log.append((self.command, self.path, code_value))
        if not self.server.quiet:
            super().log_request(code, size)

    def log_error(self, format, *args):
        if not self.server.quiet:
            super().log_error(format, *args)

    def log_message(self, format, *args):
        if not self.server.quiet:
            super().log_message(format, *args)


class StaticServer(http.server.ThreadingHTTPServer):
    """Threaded static server for ``root`` under URL ``prefix``.

    ``port=0`` picks a free port; ``base_url`` is the URL of the prefix (ends in /).
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root, prefix: str = "/", host: str = "127.0.0.1", port: int = 0,
                 not_found_page: str | None = "404.html", quiet: bool = True):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"not a directory: {self.root}")
        self.prefix = normalize_prefix(prefix)
        self.not_found_page = self.root / not_found_page if not_found_page else None
        self.quiet = quiet
        self.log: list[tuple[str, str, object]] = []
        super().__init__((host, port), StaticHandler)

    def server_bind(self):
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS look-up
        # that can stall on a machine without DNS; the name is not needed.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port

    def handle_error(self, request, client_address):
        # A browser that drops a connection (a cancelled prefetch, a closed tab, going offline) is not a server
        # error: say nothing. Anything else keeps socketserver's report.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
            return
        super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}{self.prefix}"


@contextlib.contextmanager
def serve(root, prefix: str = "/", host: str = "127.0.0.1", port: int = 0,
          not_found_page: str | None = "404.html", quiet: bool = True) -> Iterator[StaticServer]:
    """Run a StaticServer in a background thread for the duration of the block."""
    server = StaticServer(root, prefix=prefix, host=host, port=port,
                          not_found_page=not_found_page, quiet=quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=f"static-server-{server.server_address[1]}", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("port", nargs="?", type=int, default=8000)
    parser.add_argument("--bind", "-b", default="127.0.0.1")
    parser.add_argument("--directory", "-d", default=os.getcwd())
    parser.add_argument("--prefix", default="/", help="URL path to serve the directory under")
    args = parser.parse_args(argv)
    root = Path(args.directory)
    if not (root / "index.html").is_file():
        print(f"serve_static: {root}/index.html is missing; build the site first (make build)",
              file=sys.stderr)
        return 1
    try:
        server = StaticServer(root, prefix=args.prefix, host=args.bind, port=args.port, quiet=False)
    except OSError as error:
        print(f"serve_static: cannot listen on {args.bind}:{args.port}: {error.strerror}"
              " (another server running? choose a port: make serve PORT=8001)", file=sys.stderr)
        return 1
    print(f"Serving {server.root} at {server.base_url}  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
