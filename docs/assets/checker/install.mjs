/*
 * Putting the checker into a booted Pyodide: the one implementation, shared by the site's worker (./worker.mjs,
 * which the build bundles with it) and the Node parity test (tests/node/run_cases.mjs, which imports this file), so
 * the test loads the wheel and the workbook packages exactly as the site does. It uses nothing but Pyodide and
 * WebCrypto (crypto.subtle: a worker's and Node's alike); fetching the files is the caller's part.
 *
 * The checker's wheel is not installed with loadPackage: it is checked against the lock file's sha256 here and
 * unpacked into site-packages (Pyodide refuses to make a memory snapshot once loadPackage has run: see
 * worker.mjs, "memory snapshots"). The package sets (openpyxl and et_xmlfile for .xlsx; python-calamine for an old
 * .xls/.et or an .ods) are loaded with loadPackage by name from the lock file, sha256-checked by Pyodide, each only
 * for a request that needs it.
 */

/** Where the files the manifest names are: URLs resolved against the manifest's own URL (http: in the worker,
 * file: in Node). The wheel, the lock file, and the packages it names from beside it: never from a CDN. The standard
 * library: the site's own (stdlibURL, Pyodide's stdLibURL option; build_scripts/pyodide_bytecode.py), and what the
 * package sets add to it (workbookStdlibURL: null when the site has Pyodide's whole one). */
export function manifestURLs(manifest, manifestURL) {
  const lockFileURL = new URL(manifest.lock_file, manifestURL).href;
  const indexURL = new URL(manifest.index_url, manifestURL).href;
  return {
    indexURL,
    stdlibURL: new URL(manifest.stdlib || "python_stdlib.zip", manifest.stdlib ? manifestURL : indexURL).href,
    workbookStdlibURL: manifest.stdlib_workbook ? new URL(manifest.stdlib_workbook.file, manifestURL).href : null,
    lockFileURL,
    packageBaseUrl: new URL("./", lockFileURL).href,
    wheelURL: new URL(manifest.wheel, manifestURL).href,
  };
}

/** A failed boot, with the code and details the page shows (worker.mjs lists the codes). */
export class BootError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Unpack the wheel into site-packages (after its sha256 matched the lock file's) and import checker.api.
 * `manifest`: the site's assets/checker/manifest.json (package, wheel, rulesets); `wheel`: the wheel's bytes
 * (a Uint8Array), or a promise of them. Returns {handle: checker.api.handle, calls: [each call's meta result]};
 * throws a BootError "checker_failed" naming what went wrong.
 */
export async function installChecker(pyodide, manifest, wheel) {
  const details = { package: manifest.package, wheel: manifest.wheel, problems: [] };
  let bytes;
  try {
    bytes = await wheel;
  } catch (error) {
    throw new BootError("checker_failed", `${manifest.wheel}: ${error.message || error}`,
                        { ...details, problems: [String(error.message || error)] });
  }
  const entry = (pyodide.lockfile.packages || {})[manifest.package] || {};
  const actual = await sha256Hex(bytes);
  if (!entry.sha256 || actual !== entry.sha256) {
    const said = `sha256 ${actual} does not match the lock file's ${entry.sha256 || "(none)"}`;
    throw new BootError("checker_failed", `${manifest.wheel}: ${said}`, { ...details, problems: [said] });
  }
  let handle;
  try {
    const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
    pyodide.unpackArchive(bytes, "wheel", { extractDir: sitePackages });
    pyodide.runPython("import importlib; importlib.invalidate_caches()");
    handle = pyodide.pyimport("checker.api").handle;
  } catch (error) {
    const last = String(error.message || error).trim().split("\n").pop();
    throw new BootError("checker_failed", `${manifest.wheel}: import checker.api: ${last}`, details);
  }
  // Every call the package holds must load (a request names its call; there is no default one).
  const calls = [];
  for (const call of Object.keys(manifest.rulesets || {})) {
    const answer = JSON.parse(handle(JSON.stringify({ id: 0, type: "meta", call })));
    if (!answer.ok) throw new BootError("checker_failed", answer.error.message, answer.error);
    calls.push(answer.result);
  }
  if (!calls.length) throw new BootError("checker_failed", `${manifest.wheel}: the manifest lists no rule set`, details);
  return { handle, calls };
}

/** The package set (a key of the manifest's package_sets) the checker's answer (JSON text) says the request needs,
 * or null: the checker, not this code, tells which requests do (checker/api.py, error code "needs_workbook", details
 * [{packages: "workbook" | "calamine"}]); the request is then sent again once the set is loaded. */
export function neededPackages(answer) {
  // An error answer is short; a result may be megabytes, and is never parsed here.
  if (answer.length >= 4096) return null;
  const error = JSON.parse(answer).error;
  if (error?.code !== "needs_workbook") return null;
  return error.details?.[0]?.packages || "workbook";
}

/**
 * Add the standard library modules the package sets need (the manifest's stdlib_workbook: {file, size, sha256};
 * `bytes`: its bytes, a Uint8Array) before the first package set is loaded. Checked against the build's sha256
 * (throws an Error naming the file otherwise), then written beside Pyodide's own archive and put on sys.path right
 * after it. Why an archive on sys.path and not unpackArchive into a folder: Pyodide mounts its standard library the
 * same way (the stdLibURL file written to /lib/python3XX.zip, read by zipimport), so the bytecode is read as it is
 * built, nothing is unpacked, and no folder is added to watch; zipimport finds a package's submodules in the
 * archive of its __init__ only, so the build never splits a package between the two archives.
 */
export async function mountStdlib(pyodide, bytes, expected) {
  const actual = await sha256Hex(bytes);
  if (bytes.length !== expected.size || actual !== expected.sha256) {
    throw new Error(`${expected.file}: ${bytes.length} bytes, sha256 ${actual}; the build's: ${expected.size} bytes, sha256 ${expected.sha256}`);
  }
  const target = "/lib/python_stdlib-workbook.zip";
  pyodide.FS.writeFile(target, bytes);
  pyodide.runPython(`
import importlib, sys
if ${JSON.stringify(target)} not in sys.path:
    own = next(i for i, p in enumerate(sys.path) if p.startswith("/lib/python") and p.endswith(".zip"))
    sys.path.insert(own + 1, ${JSON.stringify(target)})
importlib.invalidate_caches()
`);
}

/** Load packages named in the lock file (one of the manifest's package_sets) with their sha256 checked; rejects
 * with what Pyodide said when one does not load. */
export async function loadLockedPackages(pyodide, names) {
  const problems = [];
  await pyodide.loadPackage(names, {
    messageCallback: () => {},
    errorCallback: (message) => problems.push(String(message)),
    checkIntegrity: true,
  });
  if (problems.length || !names.every((name) => pyodide.loadedPackages[name])) {
    throw new Error(problems.join(" ") || `${names.join(", ")} did not load`);
  }
}
