"""`make audit`: Lighthouse (npm, pinned in package.json) on the built site, served with gzip as a real host would
(the benchmark's server, tests/bench/run_bench.py), with Debian's chromium (CHROME_PATH; never a downloaded
browser). Pages: the home page, a direction page, the checker and the screening page; mobile (Lighthouse's
default emulation) and desktop (--preset=desktop). Prints every category's score and exits non-zero when one is
below --min-score. Reports (JSON) go to build/audit/ (not committed).

    .venv/bin/python build_scripts/lighthouse_audit.py [--min-score N] [--pages a/ b/] [--forms mobile desktop]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from build_scripts.chromium import CHROMIUM  # noqa: E402
from run_bench import bench_server  # noqa: E402  (tests/bench/run_bench.py: the gzip-serving static server)

SITE = ROOT / "site"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
OUT = ROOT / "build" / "audit"
PAGES = ["", "directions/data-management/", "checker/", "screening/"]
FORMS = {"mobile": [], "desktop": ["--preset=desktop"]}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"


def run(url: str, form: str, report: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=str(CHROMIUM))
    cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
           f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}", *FORMS[form]]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not report.is_file():
        raise SystemExit(f"lighthouse failed on {url} ({form}):\n{done.stderr[-2000:]}")
    return json.loads(report.read_text("utf-8"))


def failing_audits(result: dict, category: str) -> list[str]:
    """The audits that cost the category points, worst first, as 'id (score)'."""
    refs = result["categories"][category]["auditRefs"]
    audits = result["audits"]
    bad = [(audits[r["id"]].get("score"), r["id"]) for r in refs
           if r.get("weight") and audits[r["id"]].get("score") is not None and audits[r["id"]]["score"] < 1]
    return [f"{audit_id} ({score:.2f})" for score, audit_id in sorted(bad)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-score", type=int, required=True, help="the bar for every category, 0-100")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--forms", nargs="*", default=list(FORMS), choices=list(FORMS))
    args = parser.parse_args()
    if not (SITE / "index.html").is_file():
        raise SystemExit("site/ is not built: run `make build`")
    if not LIGHTHOUSE.is_file():
        raise SystemExit("node_modules/.bin/lighthouse is missing: run `make node_modules`")
    OUT.mkdir(parents=True, exist_ok=True)
    below = []
    header = f"{'page':32} {'form':8} " + " ".join(f"{c:>15}" for c in CATEGORIES)
    print(header)
    with bench_server(SITE, use_gzip=True) as server:
        for page in args.pages:
            for form in args.forms:
                name = (page.strip("/").replace("/", "_") or "home") + f"-{form}"
                result = run(server.base_url + page, form, OUT / f"{name}.json")
                scores = {c: round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES}
                print(f"{page or '/':32} {form:8} " + " ".join(f"{scores[c]:>15}" for c in CATEGORIES), flush=True)
                for c in CATEGORIES:
                    if scores[c] < args.min_score:
                        below.append(f"{page or '/'} {form} {c} {scores[c]}: {', '.join(failing_audits(result, c))}")
    if below:
        print(f"\nbelow {args.min_score}:")
        print("\n".join("  " + line for line in below))
        return 1
    print(f"\nevery category >= {args.min_score}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
