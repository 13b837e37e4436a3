// Run checker requests through the real Pyodide (node_modules/pyodide, offline) with the built checker wheel.
//
//   node tests/node/run_cases.mjs --pyodide node_modules/pyodide --lock build/checker/checker-lock-*.json \
//        --requests requests.json [--out responses.json]
//
// The wheel is installed the way the site's worker does it: loadPyodide({indexURL, lockFileURL}) with the site's
// lock file, then loadPackage(<name>) (Pyodide checks the wheel's sha256 against the lock file; the wheel sits beside
// the lock file). requests.json is a JSON list of request objects for checker.api.handle; the output is a JSON
// object {responses: [the parsed JSON responses, in order], meta: {...}} on stdout (or in --out).
// Used by tests/test_pyodide_parity.py, which compares them with CPython's answers.

import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

const { values: args } = parseArgs({
  options: {
    pyodide: { type: "string" },
    lock: { type: "string" },
    package: { type: "string", default: "bdpilot-checker" },
    also: { type: "string", default: "" }, // more packages from the lock file, comma-separated (the workbook ones)
    requests: { type: "string" },
    out: { type: "string" },
  },
});
if (!args.pyodide || !args.lock || !args.requests) {
  console.error("usage: run_cases.mjs --pyodide DIR --lock LOCK.json --requests REQUESTS.json [--out OUT.json]");
  process.exit(2);
}

const indexURL = path.resolve(args.pyodide) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const started = performance.now();
// packageBaseUrl set explicitly: otherwise Pyodide keeps a CDN address to download missing wheels from.
const pyodide = await loadPyodide({
  indexURL,
  lockFileURL: path.resolve(args.lock),
  packageBaseUrl: path.dirname(path.resolve(args.lock)) + path.sep,
});
const booted = performance.now();
const problems = [];
await pyodide.loadPackage([args.package, ...args.also.split(",").filter(Boolean)], {
  messageCallback: () => {},
  errorCallback: (message) => problems.push(String(message)),
});
if (problems.length) {
  console.error(`loadPackage(${args.package}) failed: ${problems.join("; ")}`);
  process.exit(1);
}
const handle = pyodide.pyimport("checker.api").handle;
const loaded = performance.now();

const requests = JSON.parse(fs.readFileSync(args.requests, "utf-8"));
const responses = [];
for (const request of requests) {
  // Requests may be objects (sent as JSON) or strings (sent verbatim, e.g. to test bad JSON).
  const text = typeof request === "string" ? request : JSON.stringify(request);
  responses.push(JSON.parse(handle(text)));
}
const finished = performance.now();
const modules = pyodide.runPython(
  "import sys, json; json.dumps(sorted(m for m in sys.modules if m == 'checker' or m.startswith('checker.')))",
);
const result = {
  responses,
  meta: {
    python: pyodide.runPython("import sys; sys.version.split()[0]"),
    boot_ms: Math.round(booted - started),
    load_ms: Math.round(loaded - booted),
    run_ms: Math.round(finished - loaded),
    checker_modules: JSON.parse(modules),
  },
};
const text = JSON.stringify(result);
if (args.out) fs.writeFileSync(args.out, text);
else process.stdout.write(text);
