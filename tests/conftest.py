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
* ``skip_or_fail(message)`` (a function here, and a fixture of the same name for
  test modules): that rule for any missing requirement -- skip locally, fail in CI.
* ``built_site_file`` fixture: ``built_site_file("assets/checker/manifest.json")``
  -> that file of ``make build``'s site/; when it is missing the test is skipped
  locally and fails in CI, both saying to run ``make build``.
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


def skip_or_fail(message: str) -> None:
    """A requirement of the test is missing: skip locally; fail in CI (CI=true), where a missing requirement is an
    error, never a silent skip."""
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_tool(path: Path, make_target: str) -> None:
    """Skip (locally) or fail (in CI) when an external program is missing."""
    if not path.exists():
        skip_or_fail(f"{path} is missing: run `make {make_target}` (as root it installs it with apt-get)")


@pytest.fixture(name="skip_or_fail", scope="session")
def skip_or_fail_fixture():
    """skip_or_fail(message), for test modules (they cannot import this conftest: tests/browser/ has its own)."""
    return skip_or_fail


SITE_DIR = REPO_ROOT / "site"


@pytest.fixture(scope="session")
def built_site_file():
    """built_site_file(relative path) -> that file of make build's site/ (make test builds it before pytest runs).
    When it is missing the site is not built: skipped locally, failed in CI, both saying to run `make build`."""
    def find(relative: str) -> Path:
        path = SITE_DIR / relative
        if not path.is_file():
            skip_or_fail(f"{path} is missing: the site is not built; run `make build` (make test builds it first)")
        return path
    return find


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("nginx") is not None:
        require_tool(NGINX, "nginx")
    if item.get_closest_marker("browser") is not None:
        require_tool(CHROMIUM, "browser")


if str(REPO_ROOT / "build_scripts") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "build_scripts"))  # the guide package (build_scripts/guide/)


@pytest.fixture(scope="session")
def artefacts():
    """Every call's compiled bundle (build/bundles/<call>.json, compiled from policy_data/ when it is stale)."""
    from guide import bundles

    return bundles.ensure_all()


@pytest.fixture(scope="session")
def ruleset(artefacts):
    """The 2022 call's rule set, from its compiled bundle."""
    from checker.ruleset import Ruleset

    return Ruleset(artefacts["2022"]["ruleset"])


# ---------------------------------------------------------------- a site with a second call

FIXTURE_CALLS = REPO_ROOT / "tests" / "fixtures" / "calls"


def policy_data_with_fixture_call(folder: Path, call: str = "mini") -> Path:
    """A copy of policy_data/ with a made-up call of tests/fixtures/calls (default: mini) beside 2022, and its
    notice (the file its call.yaml names, under tests/fixtures/)."""
    import shutil

    import yaml

    policy = folder / "policy_data"
    shutil.copytree(REPO_ROOT / "policy_data", policy)
    shutil.copytree(FIXTURE_CALLS / call, policy / "calls" / call)
    source = yaml.safe_load((FIXTURE_CALLS / call / "call.yaml").read_text("utf-8"))["source"]["file"]
    shutil.copyfile(REPO_ROOT / "tests" / "fixtures" / source, policy / source)
    return policy


@pytest.fixture(scope="session")
def fixture_policy():
    """policy_data_with_fixture_call, for tests that edit their own copy."""
    return policy_data_with_fixture_call


def build_with_fixture_call(root: Path, call: str) -> dict:
    """The real build pipeline (build_scripts/build_site.py) run on policy_data/ plus the made-up call `call`, into
    `root` with its own build/ (GUIDE_BUILD_DIR): {site, log, policy, build}."""
    import subprocess

    policy = policy_data_with_fixture_call(root, call)
    env = dict(os.environ, GUIDE_POLICY_DATA_DIR=str(policy), GUIDE_BUILD_DIR=str(root / "build"),
               SITE_URL="http://127.0.0.1:8000/", NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "build_scripts/build_site.py", "--site-dir", str(root / "site")],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1200)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        pytest.fail(f"build_site.py with the {call} call failed ({proc.returncode}):\n{log[-5000:]}", pytrace=False)
    return {"site": root / "site", "log": log, "policy": policy, "build": root / "build"}


@pytest.fixture(scope="session")
def calls_site(tmp_path_factory) -> dict:
    """The site built with the mini call beside 2022 (build_with_fixture_call), once per session."""
    return build_with_fixture_call(tmp_path_factory.mktemp("calls-site"), "mini")


@pytest.fixture(scope="session")
def shape2023_site(tmp_path_factory) -> dict:
    """The site built with the call shaped like 2023 (tests/fixtures/calls/shape2023) beside 2022, once per session."""
    return build_with_fixture_call(tmp_path_factory.mktemp("shape2023-site"), "shape2023")
