"""CPython figures for the checker: one assessment, and a 1,000-row batch (CSV, and .xlsx through openpyxl). Prints medians of repeated runs."""

import csv
import io
import json
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from checker import batch, workbook  # noqa: E402
from checker import sheet_io
from checker import plan_memory
from checker.pipeline import assess  # noqa: E402
from checker.ruleset import load_default  # noqa: E402

CASES = ROOT / "policy_data" / "calls" / "2022" / "cases"
CALL = "2022"  # the call the answer cases are written for


def case_answers():
    """Answer sets from the test cases, so the timing covers every direction and verdict."""
    return [yaml.safe_load(p.read_text(encoding="utf-8"))["answers"] for p in sorted(CASES.glob("*.yaml"))]


def candidates_csv(ruleset, rows=1000):
    """A CSV of `rows` candidate projects cycling through the case answers."""
    sets = case_answers()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ruleset.order)
    for i in range(rows):
        a = sets[i % len(sets)]
        writer.writerow([";".join(a[q]) if isinstance(a.get(q), list) else a.get(q, "") for q in ruleset.order])
    return out.getvalue()


def candidates_xlsx(text):
    """The same candidates as an .xlsx workbook (one sheet, the CSV's rows)."""
    return workbook.write([{"title": "list", "rows": list(csv.reader(io.StringIO(text)))}])


def timed(fn, repeat):
    """Run fn `repeat` times; return the list of durations in seconds."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def run(repeat=7):
    """Measure and return {figure: {median, min, max, unit}}."""
    ruleset = load_default(CALL)
    sets = case_answers()
    per_assess = [t / len(sets) for t in timed(lambda: [assess(ruleset, a, "zh") for a in sets], repeat)]
    text = candidates_csv(ruleset)

    def do_batch():
        batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=text), "province", "zh")

    batch_times = timed(do_batch, repeat)
    book = candidates_xlsx(text)
    xlsx_times = timed(lambda: batch.screen(ruleset, sheet_io.read_sheet(ruleset, data=book), "province", "zh"), repeat)
    plan = plan_memory.exported(batch.screen(ruleset, sheet_io.read_sheet(ruleset, text=text), "province", "zh"))
    order = [r["row"] for r in plan["rows"] if r["rank"]]
    order[0], order[1] = order[1], order[0]
    replan_times = timed(lambda: plan_memory.replan_request(ruleset, plan["plan_id"], order), repeat)
    # The same requests as the browser worker answers (checker.api.handle: JSON text in, JSON text out, the
    # batch's plan id and result CSV included), so the two sides do the same work.
    from checker import api

    request = json.dumps({"id": 1, "call": CALL, "type": "batch", "csv": text, "unit_kind": "province", "lang": "zh",
                          "as_of": "2022-04-20"})
    request_times = timed(lambda: api.handle(request), repeat)
    replan = json.dumps({"id": 1, "call": CALL, "type": "replan", "plan_id": plan["plan_id"], "order": order})
    replan_request_times = timed(lambda: api.handle(replan), repeat)
    summary = lambda xs, scale: {"median": statistics.median(xs) * scale, "min": min(xs) * scale,
                                 "max": max(xs) * scale}
    return {
        "cpython_assess_ms": dict(summary(per_assess, 1000), unit="ms", runs=repeat),
        "cpython_batch_1000_ms": dict(summary(batch_times, 1000), unit="ms", runs=repeat),
        "cpython_batch_xlsx_1000_ms": dict(summary(xlsx_times, 1000), unit="ms", runs=repeat),
        "cpython_replan_1000_ms": dict(summary(replan_times, 1000), unit="ms", runs=repeat),
        "cpython_batch_request_1000_ms": dict(summary(request_times, 1000), unit="ms", runs=repeat),
        "cpython_replan_request_1000_ms": dict(summary(replan_request_times, 1000), unit="ms", runs=repeat),
    }


if __name__ == "__main__":
    figures = run()
    for name, f in figures.items():
        print(f"{name:28} median {f['median']:8.3f} {f['unit']}  (min {f['min']:.3f}, max {f['max']:.3f}, {f['runs']} runs)")
    if "--json" in sys.argv:
        print(json.dumps(figures))
