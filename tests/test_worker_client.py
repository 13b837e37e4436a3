"""The page's worker client (docs/assets/common/worker-client.js) tells the page what the worker's boot messages
mean, run in Node with the scenarios below (tests/node/worker_client.mjs): the download's figures wait for the
download to have run a second (a repeat visit's download from this browser's cache never flashes figures over
"starting from the copy saved in this browser"), and a stage that starts while bytes still arrive is said once
they have all arrived."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUNNER = REPO / "tests" / "node" / "worker_client.mjs"
TOTAL = 11_000_000


def downloading(received: int) -> dict:
    return {"message": {"type": "progress", "stage": "downloading", "received": received, "total": TOTAL}}


def stage(name: str, **extra) -> dict:
    return {"message": {"type": "progress", "stage": name, **extra}}


DOWNLOADED = {"message": {"type": "progress", "stage": "downloaded", "received": TOTAL, "total": TOTAL}}
READY = stage("ready", meta={})

SCENARIOS = {
    "a repeat visit's download from the cache, under a second, shows no figures over the restore": (
        [stage("downloading"), stage("snapshot", status="restoring"), downloading(100_000), downloading(7_800_000),
         DOWNLOADED, stage("loading"), stage("snapshot", status="restored"), READY],
        [["stage", "downloading"], ["stage", "snapshot"], ["stage", "loading"], ["ready"]],
    ),
    "a download of more than a second shows its figures from then on, and the stage it held once it is done": (
        [stage("downloading"), downloading(1_000_000), {"wait_ms": 1_200}, downloading(3_000_000),
         stage("starting"), downloading(9_000_000), DOWNLOADED, stage("loading"), READY],
        [["stage", "downloading"], ["download", 1_000_000, TOTAL], ["download", 3_000_000, TOTAL],
         ["download", 9_000_000, TOTAL], ["download", TOTAL, TOTAL], ["stage", "starting"], ["stage", "loading"],
         ["ready"]],
    ),
    "a download that stops within its first second still shows how far it got": (
        [stage("downloading"), downloading(2_500_000), {"wait_ms": 1_200}],
        [["stage", "downloading"], ["download", 2_500_000, TOTAL]],
    ),
}


@pytest.fixture(scope="module")
def told(tmp_path_factory) -> dict:
    if shutil.which("node") is None:
        pytest.fail("node is missing: Node.js runs the page's client in this test (make node_modules)")
    path = tmp_path_factory.mktemp("client") / "scenarios.json"
    path.write_text(json.dumps({name: steps for name, (steps, _) in SCENARIOS.items()}), "utf-8")
    result = subprocess.run(["node", "--no-warnings", str(RUNNER), str(path)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_page_is_told(told, name):
    assert told[name] == SCENARIOS[name][1]
