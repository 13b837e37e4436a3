"""Where the guide's inputs and build artefacts are. Environment variables point a build elsewhere (tests, drafts):

* ``GUIDE_POLICY_DATA_DIR``: another policy_data folder (default: the repository's);
* ``GUIDE_BUILD_DIR``: another folder for build artefacts (default: build/), so a test build never overwrites
  the bundles of the working tree.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = REPO_ROOT / "build_scripts" / "templates"
PAGES_DIR = TEMPLATES_DIR / "pages"
SITE_TEMPLATES_DIR = TEMPLATES_DIR / "site"
DIRECTION_TEMPLATE = "direction.md.j2"
CHANGES_TEMPLATE = "changes.md.j2"


def policy_data_dir() -> Path:
    return Path(os.environ.get("GUIDE_POLICY_DATA_DIR") or REPO_ROOT / "policy_data").resolve()


def build_dir() -> Path:
    return Path(os.environ.get("GUIDE_BUILD_DIR") or REPO_ROOT / "build").resolve()


def bundles_dir() -> Path:
    return build_dir() / "bundles"


def calls_dir() -> Path:
    return policy_data_dir() / "calls"
