// Run checker requests through the real Pyodide (offline, under Node) with the built checker, loaded as the site's
// worker loads it.
//
//   node tests/node/run_cases.mjs --manifest SITE/assets/checker/manifest.json --requests requests.json \
//        [--out responses.json]
//
// The manifest is the one build_scripts/pyodide_assets.py writes into a site (the Pyodide runtime, the lock file,
// the wheel and the workbook packages beside it). What the worker (docs/assets/checker/worker.mjs) does with it,
// this does with the same code, imported from docs/assets/checker/install.mjs: the files resolved from the manifest
// (manifestURLs), Pyodide booted on the site's lock file with packages from beside it, the wheel's sha256 checked
// against the lock file and the wheel unpacked into site-packages, checker.api imported and every call's meta
// answered (installChecker), and the workbook packages loaded with loadPackage (sha256 checked) the first time a
// request needs them (neededPackages, loadLockedPackages). Only reading the files differs: from the disk, not fetch().
//
// requests.json is a JSON list of request objects for checker.api.handle (or strings, sent verbatim: bad JSON);
// the output is a JSON object {responses: [the parsed JSON responses, in order], meta: {...}} on stdout (or in
// --out). Used by tests/test_pyodide_parity.py, which compares them with CPython's answers.

import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";

import {
  installChecker, loadLockedPackages, manifestURLs, mountStdlib, neededPackages,
} from "../../docs/assets/checker/install.mjs";

const { values: args } = parseArgs({
  options: {
    manifest: { type: "string" },
    requests: { type: "string" },
    out: { type: "string" },
  },
});
if (!args.manifest || !args.requests) {
  console.error("usage: run_cases.mjs --manifest SITE/assets/checker/manifest.json --requests REQUESTS.json [--out OUT.json]");
  process.exit(2);
}

const manifestURL = pathToFileURL(path.resolve(args.manifest));
const manifest = JSON.parse(fs.readFileSync(manifestURL, "utf-8"));
const urls = manifestURLs(manifest, manifestURL);
// Pyodide under Node reads local paths (a folder ends with a separator).
const local = (url) => fileURLToPath(url) + (url.endsWith("/") ? path.sep : "");
const indexURL = local(urls.indexURL);

const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const started = performance.now();
const pyodide = await loadPyodide({
  indexURL,
  lockFileURL: local(urls.lockFileURL),
  packageBaseUrl: local(urls.packageBaseUrl),
  stdLibURL: local(urls.stdlibURL), // the site's own standard library, as the worker boots on it
});
const booted = performance.now();
let installed;
try {
  // A Node Buffer is not what the worker hands over: copy into a Uint8Array.
  installed = await installChecker(pyodide, manifest, new Uint8Array(fs.readFileSync(local(urls.wheelURL))));
} catch (error) {
  console.error(`installing the checker failed (${error.code || "error"}): ${error.message || error}`);
  process.exit(1);
}
const handle = installed.handle;
const loaded = performance.now();

const requests = JSON.parse(fs.readFileSync(args.requests, "utf-8"));
const responses = [];
const setsLoaded = new Set();
for (const request of requests) {
  // Requests may be objects (sent as JSON) or strings (sent verbatim, e.g. to test bad JSON).
  const text = typeof request === "string" ? request : JSON.stringify(request);
  let answer = handle(text);
  const needed = neededPackages(answer); // as the worker does: the checker says when it needs a set, and which
  if (needed && !setsLoaded.has(needed)) {
    try {
      if (urls.workbookStdlibURL && !setsLoaded.size) { // before the first set, as the worker does
        await mountStdlib(pyodide, new Uint8Array(fs.readFileSync(local(urls.workbookStdlibURL))), manifest.stdlib_workbook);
      }
      await loadLockedPackages(pyodide, (manifest.package_sets || {})[needed] || []);
    } catch (error) {
      console.error(`loading the package set ${needed} failed: ${error.message || error}`);
      process.exit(1);
    }
    setsLoaded.add(needed);
    answer = handle(text);
  }
  responses.push(JSON.parse(answer));
}
const finished = performance.now();
const modules = pyodide.runPython(
  "import sys, json; json.dumps(sorted(m for m in sys.modules if m == 'checker' or m.startswith('checker.')))",
);
// Where every standard-library module in use came from (a file in an archive on sys.path, "" for built-in ones).
const stdlibFiles = JSON.parse(pyodide.runPython(
  "import sys, json; json.dumps(sorted({(getattr(m, '__file__', None) or '') for m in list(sys.modules.values())" +
  " if (getattr(m, '__file__', None) or '').startswith('/lib/python')}))",
));
const result = {
  responses,
  meta: {
    python: pyodide.runPython("import sys; sys.version.split()[0]"),
    pyodide_version: pyodide.version,
    boot_ms: Math.round(booted - started),
    load_ms: Math.round(loaded - booted),
    run_ms: Math.round(finished - loaded),
    checker_modules: JSON.parse(modules),
    calls: installed.calls.map((c) => c.call),
    workbook_loaded: setsLoaded.has("workbook"),
    package_sets_loaded: [...setsLoaded].sort(),
    loaded_packages: Object.keys(pyodide.loadedPackages).sort(),
    stdlib_url: urls.stdlibURL,
    // The archives on sys.path (the standard library's, as mounted) and their sizes.
    stdlib_archives: JSON.parse(pyodide.runPython(
      "import os, sys, json; json.dumps({p: os.path.getsize(p) for p in sys.path if p.endswith('.zip') and os.path.isfile(p)})",
    )),
    stdlib_files: stdlibFiles,
  },
};
const text = JSON.stringify(result);
if (args.out) fs.writeFileSync(args.out, text);
else process.stdout.write(text);
