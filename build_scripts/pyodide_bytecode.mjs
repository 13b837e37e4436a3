// Build the site's own Python standard library: two precompiled archives holding only what is used, found by
// running the checker's requests in Pyodide's own Python under Node.
//
//   node build_scripts/pyodide_bytecode.mjs --manifest SITE/assets/checker/manifest.json \
//        --stdlib node_modules/pyodide/python_stdlib.zip --requests REQUESTS.json --out-dir DIR
//
// Pyodide ships all ~614 modules of its standard library as sources (python_stdlib.zip, 2.5 MB; 3.3 MB once the
// used ones were precompiled) and the page loaded them all, while booting and the checker import ~150. This script
// boots the Pyodide the site ships on the stock zip, exactly as the site's worker boots (docs/assets/checker/
// install.mjs: the wheel unpacked, every call's meta answered; a memory snapshot made, as a first visit does), then
//   1. sends every request of --requests (each request kind and answer case, build_scripts/stdlib_requests.py)
//      without the package sets: what Python has loaded from the zip then is the CORE archive (a request for a
//      workbook stops where the checker answers "needs_workbook", so what it imports up to there is core too);
//   2. loads every package set of the manifest (openpyxl, et_xmlfile, python-calamine) as the worker does and sends
//      every request again, in the same order (an export names a plan its batch made just before: the worker keeps
//      a few): what was added is the WORKBOOK archive, which the worker mounts before it loads a package set.
// A package (a folder: xml, encodings, ...) is never split between the two archives: zipimport looks for a
// package's submodules in the archive its __init__ came from only, so a workbook module whose top-level package
// has a module in the core goes into the core. Each module is stored as bytecode only (an unchecked hash-based
// .pyc, PEP 552, compiled here with the file name it has in Pyodide, so its magic number is the shipped Python's;
// without docstrings and asserts, as python -OO does, but for Pyodide's own packages);
// tracebacks through them show no source lines. `pyodide py-compile` is no substitute: it compiles with the host's
// Python, whose bytecode Pyodide refuses.
//
// Writes DIR/core.zip and DIR/workbook.zip and prints a JSON summary on stdout (the modules of each, bytes).
// The output is deterministic (entries in the stock zip's order, with its dates), so a rebuild gives the same bytes.
// Any request answered with "internal" (a module missing, say) fails the build.

import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";

import { installChecker, loadLockedPackages, manifestURLs, neededPackages } from "../docs/assets/checker/install.mjs";

const { values: args } = parseArgs({
  options: {
    manifest: { type: "string" },
    stdlib: { type: "string" },
    requests: { type: "string" },
    "out-dir": { type: "string" },
  },
});
if (!args.manifest || !args.stdlib || !args.requests || !args["out-dir"]) {
  console.error("usage: pyodide_bytecode.mjs --manifest MANIFEST --stdlib ZIP --requests REQUESTS.json --out-dir DIR");
  process.exit(2);
}

const manifestURL = pathToFileURL(path.resolve(args.manifest));
const manifest = JSON.parse(fs.readFileSync(manifestURL, "utf-8"));
const urls = manifestURLs(manifest, manifestURL);
const local = (url) => fileURLToPath(url) + (url.endsWith("/") ? path.sep : "");
const indexURL = local(urls.indexURL);
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
// The stock zip, whatever the manifest names: its sources are the ones compiled.
const pyodide = await loadPyodide({
  indexURL,
  stdLibURL: path.resolve(args.stdlib),
  lockFileURL: local(urls.lockFileURL),
  packageBaseUrl: local(urls.packageBaseUrl),
  _makeSnapshot: true,
});
const fail = (message) => {
  console.error(`pyodide_bytecode: ${message}`);
  process.exit(1);
};
let installed;
try {
  installed = await installChecker(pyodide, manifest, new Uint8Array(fs.readFileSync(local(urls.wheelURL))));
} catch (error) {
  fail(`installing the checker failed (${error.code || "error"}): ${error.message || error}`);
}
pyodide.makeMemorySnapshot(); // what a first visit does right after the boot (it may import modules of its own)

const usedFiles = () => JSON.parse(pyodide.runPython(`
import json, sys
prefix = "/lib/python314.zip/"
json.dumps(sorted({m.__file__[len(prefix):] for m in list(sys.modules.values())
                   if (getattr(m, "__file__", None) or "").startswith(prefix)}))
`));

const working = () => {}; // the worker passes a progress callback: so does this
const requests = JSON.parse(fs.readFileSync(args.requests, "utf-8"));
const again = [];
const check = (request, answer) => {
  if (answer.length < 4096 && JSON.parse(answer).error?.code === "internal") {
    fail(`${JSON.stringify(request).slice(0, 200)} answered ${answer}`);
  }
};
for (const request of requests) {
  const text = JSON.stringify(request);
  const answer = installed.handle(text, working);
  if (neededPackages(answer)) again.push(text);
  else check(request, answer);
}
const core = usedFiles();
for (const names of Object.values(manifest.package_sets || {})) {
  try {
    await loadLockedPackages(pyodide, names);
  } catch (error) {
    fail(`loading ${names.join(", ")} failed: ${error.message || error}`);
  }
}
for (const request of requests) {
  const text = JSON.stringify(request);
  const answer = installed.handle(text, working);
  if (neededPackages(answer)) fail(`${text.slice(0, 200)} still needs a package set: ${answer}`);
  check(request, answer);
}
const all = usedFiles();

pyodide.globals.set("CORE", JSON.stringify(core));
pyodide.globals.set("ALL", JSON.stringify(all));
const summary = pyodide.runPython(`
import importlib._bootstrap_external as bootstrap
import importlib.util
import json
import sys
import zipfile

prefix = "/lib/python314.zip/"
source = zipfile.ZipFile("/lib/python314.zip")
if any(info.filename.endswith(".pyc") for info in source.infolist()):
    raise SystemExit("python_stdlib.zip already holds bytecode: give the stock zip from node_modules/pyodide")
top = lambda name: name.split("/")[0] if "/" in name else None  # a top-level package's folder, or None
KEEP_DOCSTRINGS = {"_pyodide", "pyodide"}
core = set(json.loads(CORE))
workbook = set(json.loads(ALL)) - core
shared = {top(n) for n in core} - {None}
moved = sorted(n for n in workbook if top(n) in shared)  # never split a package (see above)
core |= set(moved)
workbook -= set(moved)
if any(not n.endswith(".py") for n in core | workbook):
    raise SystemExit(f"not a source module: {sorted(n for n in core | workbook if not n.endswith('.py'))}")

def write(target, names):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename in names:
                data = source.read(info)
                # Without docstrings and asserts (as python -OO), ~15 % fewer bytes; but for Pyodide's own packages,
                # whose JavaScript API is documented from their docstrings at run time.
                level = 0 if top(info.filename) in KEEP_DOCSTRINGS else 2
                code = compile(data, prefix + info.filename, "exec", dont_inherit=True, optimize=level)
                pyc = bootstrap._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)
                entry = zipfile.ZipInfo(info.filename + "c", info.date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(entry, bytes(pyc))

write("/tmp/core.zip", core)
write("/tmp/workbook.zip", workbook)
as_modules = lambda names: sorted(n[:-3].removesuffix("/__init__").replace("/", ".") for n in names)
json.dumps({"python": sys.version.split()[0], "magic": importlib.util.MAGIC_NUMBER.hex(),
            "entries": len(source.infolist()), "core": as_modules(core), "workbook": as_modules(workbook),
            "moved_to_core": as_modules(moved)})
`);
const outDir = path.resolve(args["out-dir"]);
fs.mkdirSync(outDir, { recursive: true });
const result = JSON.parse(summary);
for (const name of ["core", "workbook"]) {
  const data = pyodide.FS.readFile(`/tmp/${name}.zip`);
  fs.writeFileSync(path.join(outDir, `${name}.zip`), data);
  result[`${name}_bytes`] = data.length;
}
result.stock_bytes = fs.statSync(path.resolve(args.stdlib)).size;
result.requests = requests.length;
result.requests_needing_packages = again.length;
console.log(JSON.stringify(result));
