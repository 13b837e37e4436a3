"""Repeat visits boot from a memory snapshot of the booted checker (docs/assets/checker/worker.mjs, "memory
snapshots"), made in this browser after a normal boot; a damaged, mismatched or old release's snapshot is never
used: the worker boots normally and answers.

The worker reports what it did in progress events {stage: "snapshot", status} (the page keeps the last status in
#checker's data-snapshot) and in the ready event's meta.boot ("snapshot" | "normal")."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from test_checker_page import BOOT_MS, checker_url, wait_verdict
from test_service_worker import next_release

REPO = Path(__file__).resolve().parents[2]
WORKER = "assets/checker/worker.mjs"
AS_OF = "2022-04-20"  # inside the 2022 call's window; fixed, so both boots answer the same day

# In the page: start the checker's worker, collect its progress events until ready, send `requests`, wait
# (optionally) for the snapshot to be stored, and return {boot, stages, snapshot statuses, answers}.
RUN_WORKER_JS = """async ({ url, requests, waitSaved }) => {
  const worker = new Worker(url, { type: "module" });
  const statuses = [], stages = [];
  let ready, saved;
  const readyP = new Promise((r) => (ready = r));
  const savedP = new Promise((r) => (saved = r));
  const pending = new Map();
  worker.onmessage = ({ data }) => {
    if (data.type === "progress") {
      stages.push(data.stage);
      if (data.stage === "snapshot") {
        statuses.push(data.status);
        if (data.status === "saved" || data.status === "not_saved") saved(data);
      }
      if (data.stage === "ready" || data.stage === "failed") ready(data);
      return;
    }
    pending.get(data.id)(JSON.parse(data.json));
  };
  const boot = await readyP;
  const answers = [];
  for (let i = 0; i < requests.length; i++) {
    answers.push(await new Promise((resolve) => {
      pending.set(i + 1, resolve);
      worker.postMessage({ v: 1, id: i + 1, ...requests[i] });
    }));
  }
  const savedEvent = waitSaved ? await savedP : null;
  worker.terminate();
  return { stage: boot.stage, boot: boot.meta && boot.meta.boot, error: boot.error || null, stages, statuses,
           answers, saved: savedEvent };
}"""

SNAPSHOT_JS = """async (action) => {
  const cache = await caches.open("bdpilot-snapshot");
  const url = new URL("/assets/checker/python-memory-snapshot", location.href).href;  // sites at /
  const hit = await cache.match(url);
  if (action === "read") return hit ? hit.headers.get("X-Bdpilot-Snapshot-Key") : null;
  if (action === "delete") return cache.delete(url);
  const key = hit.headers.get("X-Bdpilot-Snapshot-Key");
  let body;
  if (action === "flip") {  // damaged in storage: bytes changed in the middle of the gzip stream
    body = new Uint8Array(await hit.arrayBuffer());
    for (let i = body.length >> 1; i < (body.length >> 1) + 64; i++) body[i] ^= 0xff;
  } else if (action === "garbage") {  // a well-formed gzip of something that is not a snapshot
    const bytes = new Uint8Array(1 << 20).fill(7);
    body = await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"))).blob();
  } else if (action === "other-key") {  // intact, but made for another release
    body = await hit.blob();
  } else if (action === "grown") {  // intact, but its heap grew past what Pyodide restores into (Pyodide #6254)
    const raw = new Uint8Array(await new Response(hit.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
    const grown = new Uint8Array(raw.length + (1 << 20));
    grown.set(raw);
    body = await new Response(new Blob([grown]).stream().pipeThrough(new CompressionStream("gzip"))).blob();
  }
  const headers = { "X-Bdpilot-Snapshot-Key": action === "other-key" ? key + "-other" : key };
  await cache.put(url, new Response(body, { headers }));
  return key;
}"""


def requests_of_every_case() -> list[dict]:
    """One request of every kind for every call, each call's answer cases among them (build_scripts/guide)."""
    sys.path.insert(0, str(REPO / "build_scripts"))
    from guide import bundles

    out = []
    for artefact in bundles.ensure_all().values():
        for request in bundles.smoke_requests(artefact):
            request = {k: v for k, v in request.items() if k != "expect"}
            if request["type"] in ("assess", "batch"):
                request["as_of"] = AS_OF
            out.append(request)
    return out


def comparable(answer: dict) -> dict:
    """A response without the batch's plan_id (a new id for every plan)."""
    result = answer.get("result")
    if isinstance(result, dict) and "plan_id" in result:
        answer = dict(answer, result={k: v for k, v in result.items() if k != "plan_id"})
    return answer


def run_worker(page, base: str, requests=(), wait_saved=False) -> dict:
    return page.evaluate(RUN_WORKER_JS, {"url": base + WORKER, "requests": list(requests), "waitSaved": wait_saved})


def heap_limit(site: Path) -> int:
    return json.loads((site / "assets" / "checker" / "manifest.json").read_text("utf-8"))["snapshot_heap_limit"]


def test_a_snapshot_boot_answers_every_case_as_a_normal_boot(site_server, site_dir, page):
    page.goto(site_server)
    page.evaluate(SNAPSHOT_JS, "delete")
    requests = requests_of_every_case()
    assert sum(r["type"] == "assess" for r in requests) >= 10
    normal = run_worker(page, site_server, requests, wait_saved=True)
    assert normal["boot"] == "normal" and normal["statuses"][0] == "none"
    assert normal["saved"]["status"] == "saved", normal["saved"]
    assert normal["saved"]["stored_bytes"] < normal["saved"]["bytes"]
    # Its heap fits the heap Pyodide restores into (the .wasm's initial memory, named by the manifest).
    assert 0 < normal["saved"]["heap_bytes"] <= normal["saved"]["heap_limit"] == heap_limit(site_dir)
    restored = run_worker(page, site_server, requests)
    assert restored["boot"] == "snapshot", restored
    assert restored["statuses"] == ["restoring", "restored"]
    assert restored["stages"].index("snapshot") < restored["stages"].index("ready")
    assert all(a["ok"] for a in normal["answers"]), [a for a in normal["answers"] if not a["ok"]][:1]
    assert [comparable(a) for a in restored["answers"]] == [comparable(a) for a in normal["answers"]]
    # The verdicts are the cases' own (not merely the same twice).
    got = [a["result"]["verdict"] for a, r in zip(normal["answers"], requests) if r["type"] == "assess"]
    assert got == bundles_expectations()


def bundles_expectations() -> list[str]:
    from guide import bundles

    return [r["expect"] for artefact in bundles.ensure_all().values() for r in bundles.smoke_requests(artefact)
            if r["type"] == "assess"]


def test_a_repeat_visit_to_the_page_boots_from_the_snapshot(site_server, page):
    page.goto(checker_url(site_server, "en"))
    page.wait_for_selector("#checker[data-snapshot=saved]", state="attached", timeout=BOOT_MS)
    # The boot stages the page shows on the next visit (recorded from the first moment of the page).
    page.add_init_script("""new MutationObserver(() => {
        const el = document.getElementById('checker-engine-text');
        if (el) (window.__stages = window.__stages || []).push(el.textContent);
      }).observe(document, { subtree: true, childList: true, characterData: true });""")
    page.reload()
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=BOOT_MS)
    assert page.get_attribute("#checker", "data-snapshot") == "restored"
    stages = page.evaluate("window.__stages")
    assert any("copy saved in this browser" in s for s in stages), stages
    page.check("#in-law_abiding--no")
    wait_verdict(page, "not_eligible")
    page.check("#in-law_abiding--yes")
    page.wait_for_function("() => document.getElementById('checker-verdict').dataset.verdict !== 'not_eligible'",
                           timeout=60_000)


@pytest.mark.parametrize("damage, statuses", [("flip", ["unreadable"]), ("garbage", ["restoring", "failed"]),
                                               ("other-key", ["stale"]), ("grown", ["too_big"])])
def test_a_damaged_or_mismatched_snapshot_falls_back_to_a_normal_boot(site_server, page, damage, statuses):
    page.goto(site_server)
    page.evaluate(SNAPSHOT_JS, "delete")
    first = run_worker(page, site_server, wait_saved=True)
    assert first["saved"]["status"] == "saved"
    key = page.evaluate(SNAPSHOT_JS, damage)
    assess = {"type": "assess", "call": "2022", "lang": "en", "as_of": AS_OF, "answers": {"law_abiding": "no"}}
    after = run_worker(page, site_server, [assess], wait_saved=True)
    assert after["stage"] == "ready" and after["boot"] == "normal", after
    assert after["statuses"] == statuses + ["saved"], after
    assert after["answers"][0]["ok"] and after["answers"][0]["result"]["verdict"] == "not_eligible"
    # The bad copy was replaced by a good one, under the release's key.
    assert after["saved"]["status"] == "saved" and page.evaluate(SNAPSHOT_JS, "read") == key.removesuffix("-other")
    assert run_worker(page, site_server)["boot"] == "snapshot"


def test_a_new_release_never_boots_from_an_old_snapshot(site_dir, tmp_path, serve_directory, page):
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    server = serve_directory(copy)
    base = server.base_url
    page.goto(checker_url(base, "en"))
    page.wait_for_selector("#checker[data-snapshot=saved]", state="attached", timeout=BOOT_MS)
    old_key = page.evaluate(SNAPSHOT_JS, "read")
    new_version = next_release(copy)  # a new wheel, rule set and manifest on the server
    page.reload()
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=BOOT_MS)
    page.wait_for_selector("#checker[data-snapshot=saved]", state="attached", timeout=BOOT_MS)
    assert page.get_attribute("#checker", "data-ruleset-version") == new_version
    new_key = page.evaluate(SNAPSHOT_JS, "read")
    assert new_key != old_key and new_version in new_key
    # And the next visit boots from the new release's own snapshot.
    page.reload()
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=BOOT_MS)
    assert page.get_attribute("#checker", "data-snapshot") == "restored"
    assert new_version in page.text_content("#checker-version")


def test_a_snapshot_too_big_to_restore_is_never_kept_and_the_page_works(site_dir, tmp_path, serve_directory, page):
    """A release whose booted heap outgrows what Pyodide restores into (here: a manifest naming a limit one page
    under the heap) boots normally on every visit and keeps no snapshot, instead of a page that breaks on return."""
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    manifest_path = copy / "assets" / "checker" / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["snapshot_heap_limit"] -= 65536
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    base = serve_directory(copy).base_url
    page.goto(checker_url(base, "en"))
    page.wait_for_selector("#checker[data-snapshot=not_saved]", state="attached", timeout=BOOT_MS)
    assert page.evaluate(SNAPSHOT_JS, "read") is None
    page.reload()
    page.wait_for_selector("#checker[data-ready=true]", state="attached", timeout=BOOT_MS)
    page.check("#in-law_abiding--no")
    wait_verdict(page, "not_eligible")
    assert page.get_attribute("#checker", "data-snapshot") in ("none", "not_saved")
    too_big = run_worker(page, base, wait_saved=True)
    assert too_big["boot"] == "normal" and too_big["statuses"] == ["none", "not_saved"], too_big
    assert too_big["saved"]["heap_bytes"] > too_big["saved"]["heap_limit"] == manifest["snapshot_heap_limit"]
