"""Shared pytest set-up for every test under tests/.

* Puts the repository root first on sys.path, so ``import checker`` and
  ``from build_scripts.serve_static import serve`` work however pytest is started
  (``make test`` runs ``.venv/bin/python -m pytest``).
* ``repo_root`` fixture: the repository root (pathlib.Path).
* Markers ``nginx`` and ``browser`` (the latter is put on everything under
  tests/browser/ automatically): such a test is skipped when /usr/sbin/nginx,
  resp. /usr/bin/chromium, is missing (``make nginx`` / ``make browser`` install
  them) -- except in CI (CI=true), where a missing tool is an error, never a
  silent skip.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from build_scripts.chromium import CHROMIUM  # noqa: E402 - needs the repository root on sys.path


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(path: Path, make_target: str) -> None:
    """Skip (locally) or fail (in CI) when an external program is missing."""
    if path.exists():
        return
    message = f"{path} is missing: run `make {make_target}` (as root it installs it with apt-get)"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("nginx") is not None:
        require_tool(NGINX, "nginx")
    if item.get_closest_marker("browser") is not None:
        require_tool(CHROMIUM, "browser")


@pytest.fixture(scope="session")
def ruleset():
    """The 2022 call's rule set, compiled from policy_data/ (the source of truth)."""
    from checker.loader import call_dir, load_bundle
    from checker.ruleset import Ruleset

    return Ruleset(load_bundle(call_dir("2022")))
