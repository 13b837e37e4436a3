"""The GitHub Pages workflow (.github/workflows/pages.yml) cannot run here: check its structure instead.

It must publish what `make build` makes (the same target the README and the Makefile name), for the Pages
address of a project site, with the permissions and jobs GitHub's Pages actions need.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
PAGES_URL = "https://${{ github.repository_owner }}.github.io/${{ github.event.repository.name }}/"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict), f"`on:` should be a mapping, got {on!r}"
    return on


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def uses(step: dict) -> str:
    return step.get("uses", "").split("@")[0]


def the_step(workflow: dict, job: str, action: str) -> dict:
    found = [s for s in steps(workflow, job) if uses(s) == action]
    assert len(found) == 1, f"job {job} should use {action} once: {steps(workflow, job)}"
    return found[0]


def test_triggers_push_to_main_and_by_hand(workflow):
    on = triggers(workflow)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}


def test_permissions_and_concurrency(workflow):
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    # A deployment in progress is never cancelled half-way.
    assert workflow["concurrency"].get("cancel-in-progress") is False


def test_jobs(workflow):
    assert set(workflow["jobs"]) == {"build", "deploy"}
    for job in workflow["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest"


def test_build_sets_up_python_312_and_node_20(workflow):
    actions = [s.get("uses", "") for s in steps(workflow, "build")]
    assert actions[0] == "actions/checkout@v4"
    assert "actions/setup-python@v5" in actions and "actions/setup-node@v4" in actions
    assert str(the_step(workflow, "build", "actions/setup-python")["with"]["python-version"]) == "3.12"
    assert str(the_step(workflow, "build", "actions/setup-node")["with"]["node-version"]) == "20"


def build_step(workflow: dict) -> dict:
    runs = [s for s in steps(workflow, "build") if "run" in s]
    assert len(runs) == 1, f"one run step expected in the build job, got {runs}"
    return runs[0]


def test_build_runs_make_build_with_the_pages_url(workflow):
    step = build_step(workflow)
    assert step["run"].strip() == "make build"
    assert step["env"]["SITE_URL"] == PAGES_URL
    # The Python from setup-python is the one make uses (the Makefile's PY ?= lets the environment choose).
    assert step["env"].get("PY") == "${{ steps.python.outputs.python-path }}"
    assert the_step(workflow, "build", "actions/setup-python").get("id") == "python"
    # Every step that the build needs comes before it, the upload after it.
    order = [uses(s) or "run" for s in steps(workflow, "build")]
    assert order.index("run") > order.index("actions/setup-node") > order.index("actions/checkout")
    assert order.index("actions/upload-pages-artifact") > order.index("run")


def test_make_build_is_the_documented_target_and_writes_site():
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert re.search(r"^PY \?=", makefile, re.M), "the workflow sets PY: the Makefile must let the environment do so"
    recipe = re.search(r"^build:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "the Makefile has no `build` target"
    assert "build_scripts/build_site.py" in recipe.group(1)
    readme = (REPO / "README.md").read_text("utf-8")
    assert "`make build`" in readme and "site/" in readme
    # build_site.py writes site/ by default, which is what the workflow uploads.
    assert 'REPO_ROOT / "site"' in (REPO / "build_scripts" / "build_site.py").read_text("utf-8")


def test_upload_and_deploy(workflow):
    upload = the_step(workflow, "build", "actions/upload-pages-artifact")
    assert upload["uses"] == "actions/upload-pages-artifact@v3"
    assert upload["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] in ("build", ["build"])
    assert deploy["environment"]["name"] == "github-pages"
    step = the_step(workflow, "deploy", "actions/deploy-pages")
    assert step["uses"] == "actions/deploy-pages@v4"
    assert deploy["environment"]["url"] == "${{ steps.%s.outputs.page_url }}" % step["id"]


def test_hosting_page_describes_this_workflow():
    # (The page shows the address as https://<owner>.github.io/<repo>/: the site's tests allow no other host in
    # its output, not even in a code sample.)
    for lang in ("zh", "en"):
        page = (REPO / "docs" / f"hosting.{lang}.md").read_text("utf-8")
        assert ".github/workflows/pages.yml" in page and "`https://<owner>.github.io/<repo>/`" in page, lang
        assert "SITE_URL" in page and "Source: GitHub Actions" in page, lang
