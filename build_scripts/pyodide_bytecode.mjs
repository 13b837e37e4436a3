// Precompile the Python standard library modules that the checker needs, with Pyodide's own Python, under Node.
//
//   node build_scripts/pyodide_bytecode.mjs --pyodide node_modules/pyodide --stdlib SITE/.../python_stdlib.zip \
//        [--wheel SITE/.../checker-*.whl] [--requests REQUESTS.json] [--out OUT.zip]
//
// Pyodide ships its standard library as sources only (python_stdlib.zip holds .py files), so every page load
// compiles the ~140 modules that booting Pyodide and running the checker import: about two thirds of the boot time.
// This script boots the same Pyodide (node_modules/pyodide: the version the site ships, so the bytecode's magic
// number matches), installs the checker wheel, runs the requests of --requests (a JSON list: one request of each
// kind for every call, from the call's own answer cases; build_scripts/guide/bundles.py) through checker.api, and rewrites the
// zip with each module that was imported replaced by its bytecode (an unchecked hash-based .pyc, PEP 552, compiled
// with the file name the module has in Pyodide). Modules that were not imported stay as sources, so the zip grows
// only by what is used. zipimport prefers the .pyc; tracebacks through those modules show no source lines.
//
// Writes --out (default: the --stdlib file, replaced in place) and prints a JSON summary on stdout. The output is
// deterministic (entries keep their order and dates), so a rebuild gives the same bytes.
// `pyodide py-compile` is no substitute: it compiles with the host's Python, whose bytecode Pyodide refuses.

import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

const { values: args } = parseArgs({
  options: {
    pyodide: { type: "string" },
    stdlib: { type: "string" },
    wheel: { type: "string" },
    requests: { type: "string" },
    out: { type: "string" },
  },
});
if (!args.pyodide || !args.stdlib) {
  console.error("usage: pyodide_bytecode.mjs --pyodide DIR --stdlib ZIP [--wheel WHL] [--out ZIP]");
  process.exit(2);
}

const indexURL = path.resolve(args.pyodide) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
// Boot on the zip being rewritten: its sources are the ones compiled (and it must be a stock, source-only zip).
const pyodide = await loadPyodide({ indexURL, stdLibURL: path.resolve(args.stdlib) });

if (args.wheel) {
  // A Node Buffer is not accepted here: copy into a Uint8Array.
  const data = new Uint8Array(fs.readFileSync(args.wheel));
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  pyodide.unpackArchive(data, "wheel", { extractDir: sitePackages });
}

pyodide.globals.set("HAVE_CHECKER", Boolean(args.wheel));
pyodide.globals.set("REQUESTS_JSON", args.requests ? fs.readFileSync(args.requests, "utf-8") : "[]");
const summary = pyodide.runPython(`
import importlib._bootstrap_external as bootstrap
import importlib.util
import json
import sys
import zipfile

if HAVE_CHECKER:
    # What the pages' workers do: every request kind for every call, so every module they import is loaded.
    from checker import api
    for request in json.loads(REQUESTS_JSON):
        json.loads(api.handle(json.dumps(dict(request, id=1))))

prefix = "/lib/python314.zip/"
zip_path = "/lib/python314.zip"
used = {module.__file__[len(prefix):] for module in list(sys.modules.values())
        if (getattr(module, "__file__", None) or "").startswith(prefix)}
source = zipfile.ZipFile(zip_path)
if any(info.filename.endswith(".pyc") for info in source.infolist()):
    raise SystemExit("python_stdlib.zip already holds bytecode: give the stock zip from node_modules/pyodide")
compiled = 0
with zipfile.ZipFile("/tmp/stdlib-out.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
    for info in source.infolist():
        data = source.read(info)
        if info.filename in used and info.filename.endswith(".py"):
            code = compile(data, prefix + info.filename, "exec", dont_inherit=True)
            pyc = bootstrap._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)
            entry = zipfile.ZipInfo(info.filename + "c", info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(entry, bytes(pyc))
            compiled += 1
        else:
            out.writestr(info, data)
json.dumps({"python": sys.version.split()[0], "magic": importlib.util.MAGIC_NUMBER.hex(),
            "compiled": compiled, "entries": len(source.infolist()), "checker": HAVE_CHECKER})
`);
const output = pyodide.FS.readFile("/tmp/stdlib-out.zip");
const bytesBefore = fs.statSync(path.resolve(args.stdlib)).size;
const target = path.resolve(args.out || args.stdlib);
fs.writeFileSync(target + ".tmp", output);
fs.renameSync(target + ".tmp", target);
const result = JSON.parse(summary);
result.bytes_before = bytesBefore;
result.bytes = output.length;
console.log(JSON.stringify(result));
