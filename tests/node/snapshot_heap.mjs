// Measure the memory snapshot the site's worker would make, under Node: boot Pyodide with _makeSnapshot, put the
// checker in as the worker does (docs/assets/checker/install.mjs), make the snapshot, then boot a second Pyodide
// from it and answer every call's meta.
//
//   node tests/node/snapshot_heap.mjs --manifest SITE/assets/checker/manifest.json
//
// Prints JSON {bytes, heap_bytes, heap_limit, restored, calls, error?}: heap_bytes is what follows the snapshot's
// header (its second little-endian uint32 is the header's length), heap_limit the manifest's snapshot_heap_limit.
// Used by tests/test_pyodide_parity.py: Pyodide restores into a heap of that size only (Pyodide issue #6254).

import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";

import { installChecker, manifestURLs } from "../../docs/assets/checker/install.mjs";

const { values: args } = parseArgs({ options: { manifest: { type: "string" } } });
const manifestURL = pathToFileURL(path.resolve(args.manifest));
const manifest = JSON.parse(fs.readFileSync(manifestURL, "utf-8"));
const urls = manifestURLs(manifest, manifestURL);
const local = (url) => fileURLToPath(url) + (url.endsWith("/") ? path.sep : "");
const { loadPyodide } = await import(pathToFileURL(path.join(local(urls.indexURL), "pyodide.mjs")).href);
const wheel = new Uint8Array(fs.readFileSync(local(urls.wheelURL)));
// The site's own standard library, as the worker boots on it (Pyodide's whole zip is not in the site).
const options = { indexURL: local(urls.indexURL), lockFileURL: local(urls.lockFileURL), stdLibURL: local(urls.stdlibURL) };

const first = await loadPyodide({ ...options, _makeSnapshot: true });
await installChecker(first, manifest, wheel);
const snapshot = first.makeMemorySnapshot();
const header = new DataView(snapshot.buffer, snapshot.byteOffset, 8).getUint32(4, true);
const result = { bytes: snapshot.length, heap_bytes: snapshot.length - header, heap_limit: manifest.snapshot_heap_limit,
                 restored: false, calls: [] };
try {
  const second = await loadPyodide({ ...options, _loadSnapshot: snapshot });
  result.calls = (await installChecker(second, manifest, wheel)).calls.map((c) => c.call);
  result.restored = true;
} catch (error) {
  result.error = String(error.message || error);
}
process.stdout.write(JSON.stringify(result));
