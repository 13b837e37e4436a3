// Bare Pyodide baseline for tests/bench/run_bench.py: boot, run 1+1, post the result. Nothing else.
import { loadPyodide } from "../pyodide/pyodide.mjs";

try {
  const start = performance.now();
  const pyodide = await loadPyodide({ indexURL: new URL("../pyodide/", import.meta.url).href });
  const booted = performance.now();
  const result = pyodide.runPython("1+1");
  postMessage({ result, bootMs: booted - start, runMs: performance.now() - booted });
} catch (error) {
  postMessage({ error: String(error) });
}
