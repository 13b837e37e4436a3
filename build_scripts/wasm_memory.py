"""The initial linear memory a WebAssembly module declares, read from its memory section (or its memory import).

Pyodide restores a memory snapshot into a heap of exactly this size: it ignores the snapshot's own size (Pyodide
issue #6254, still open in 314.0.8), so a snapshot whose heap grew past it fails with "RangeError: offset is out of
bounds". build_scripts/pyodide_assets.py writes it into the checker's manifest (snapshot_heap_limit) for the worker
to refuse such a snapshot before trying (docs/assets/checker/worker.mjs, "memory snapshots").
"""

from __future__ import annotations

from pathlib import Path

PAGE = 65536  # bytes in a WebAssembly page (the spec's unit for memory limits)
MAGIC = b"\0asm"
MEMORY_SECTION, IMPORT_SECTION = 5, 2


class WasmError(ValueError):
    """Not a WebAssembly module, or one without a memory."""


def _leb(data: bytes, pos: int) -> tuple[int, int]:
    """An unsigned LEB128 number at `pos`: (value, position after it)."""
    value = shift = 0
    while True:
        if pos >= len(data):
            raise WasmError("the module ends inside a number")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _limits(data: bytes, pos: int) -> tuple[int, int]:
    """(initial pages, position after the limits)."""
    flags, pos = _leb(data, pos)
    initial, pos = _leb(data, pos)
    if flags & 1:
        _, pos = _leb(data, pos)  # maximum
    return initial, pos


def _skip_name(data: bytes, pos: int) -> int:
    length, pos = _leb(data, pos)
    return pos + length


def _imported_memory(data: bytes, pos: int) -> int | None:
    """Initial pages of a memory import in the import section starting at `pos`, if any."""
    count, pos = _leb(data, pos)
    for _ in range(count):
        pos = _skip_name(data, _skip_name(data, pos))
        kind = data[pos]
        pos += 1
        if kind == 0:  # function: type index
            _, pos = _leb(data, pos)
        elif kind == 1:  # table: element type, limits
            _, pos = _limits(data, pos + 1)
        elif kind == 2:
            return _limits(data, pos)[0]
        elif kind == 3:  # global: value type, mutability
            pos += 2
        elif kind == 4:  # tag: attribute, type index
            _, pos = _leb(data, pos + 1)
        else:
            raise WasmError(f"unknown import kind {kind}")
    return None


def initial_memory(path: Path) -> int:
    """The module's initial memory in bytes (its first memory's initial pages × 64 KiB)."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise WasmError(f"{path} is not a WebAssembly module")
    pos = 8  # magic and version
    while pos < len(data):
        section = data[pos]
        size, start = _leb(data, pos + 1)
        if section == IMPORT_SECTION:
            pages = _imported_memory(data, start)
            if pages is not None:
                return pages * PAGE
        elif section == MEMORY_SECTION:
            count, at = _leb(data, start)
            if count:
                return _limits(data, at)[0] * PAGE
        pos = start + size
    raise WasmError(f"{path} declares no memory")
