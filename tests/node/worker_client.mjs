// Feed the page's worker client (docs/assets/common/worker-client.js) the worker's boot messages of each scenario
// in tests/test_worker_client.py, and print what the client told the page: one JSON list of events per scenario.
//
//   node tests/node/worker_client.mjs SCENARIOS.json
//
// A scenario is a list of steps: {message} (a worker message, protocol version added here) or {wait_ms} (let the
// client's timers run). Events: ["stage", name], ["download", received, total], ["ready"], ["fail", code].

import fs from "node:fs";

import { WorkerClient } from "../../docs/assets/common/worker-client.js";

const scenarios = JSON.parse(fs.readFileSync(process.argv[2], "utf-8"));
const out = {};
for (const [name, steps] of Object.entries(scenarios)) {
  const events = [];
  const root = { dataset: { call: "2022", worker: "worker.mjs" } };
  const client = new WorkerClient(root, {
    onStage: (stage) => events.push(["stage", stage]),
    onDownload: ({ received, total }) => events.push(["download", received, total]),
    onReady: () => events.push(["ready"]),
    onFail: (error) => events.push(["fail", error.code]),
  });
  for (const step of steps) {
    if (step.wait_ms) await new Promise((resolve) => setTimeout(resolve, step.wait_ms));
    else client.receive({ v: 1, ...step.message });
  }
  clearTimeout(client.timer); // the boot's own time-outs are not what these scenarios test
  out[name] = events;
}
console.log(JSON.stringify(out));
