"""What V8 did with pyodide.asm.wasm's compiled code on one visit (its code cache), read from the trace events
Chromium writes for it in the DevTools timeline category (https://v8.dev/blog/wasm-code-caching):

  "hit"       v8.wasm.moduleCacheHit: the compiled code was taken from the cache, nothing compiled;
  "invalid"   v8.wasm.moduleCacheInvalid: a cache entry was found and refused;
  "produced"  v8.wasm.cachedModule: this visit compiled and wrote the cache;
  "miss"      none of these: compiled again, nothing cached.

Used by `make bench` (tests/bench/run_bench.py: the repeat visits' column). Chromium keeps the cache in the
profile: only a persistent context (a user-data-dir) has one across visits. Whether V8 writes a cache at all
depends on how much optimised code a visit produced (it waits for 2 s without new code), so this is a
measurement, not a test: issue 33's note has what was measured (a visit that boots from the checker's memory
snapshot never got a hit in Chromium 156)."""

from __future__ import annotations

CATEGORIES = "disabled-by-default-devtools.timeline"
EVENTS = {"v8.wasm.moduleCacheHit": "hit", "v8.wasm.moduleCacheInvalid": "invalid",
          "v8.wasm.cachedModule": "produced"}


class WasmCacheTrace:
    """A CDP trace of one page's visit (started before its navigation), reduced to the events above."""

    def __init__(self, context, page):
        self.cdp = context.new_cdp_session(page)
        self.events, self.complete = [], []
        self.cdp.on("Tracing.dataCollected", lambda params: self.events.extend(
            event for event in params["value"] if event.get("name") in EVENTS))
        self.cdp.on("Tracing.tracingComplete", lambda params: self.complete.append(True))
        self.cdp.send("Tracing.start", {"categories": CATEGORIES, "transferMode": "ReportEvents"})

    def outcome(self, page) -> str:
        """Ends the trace: "hit", "invalid", "produced" or "miss" (the first that happened, in that order)."""
        self.cdp.send("Tracing.end")
        while not self.complete:  # the trace's end is an event, delivered only while Playwright runs a call
            page.wait_for_timeout(20)
        seen = {EVENTS[event["name"]] for event in self.events}
        return next((kind for kind in ("hit", "invalid", "produced") if kind in seen), "miss")
