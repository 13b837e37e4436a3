"""How the project starts Debian's Chromium (tests and benchmark alike): its path and the flags this machine needs.

The background-networking flags keep Chromium from calling Google's hosts, which the closed network refuses.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
