"""The text of each page of a PDF that Chromium printed (page.pdf()), for tests that read a printed page.

No PDF library is among the project's pinned packages, and Chromium's PDFs need little: objects are not in object
streams, content streams are Flate-compressed, and text is drawn with fonts that carry a ToUnicode map (Type0 fonts
with two-byte codes, Type3 fonts with one-byte codes). `pages_text(data)` returns one string per page, in the pages
tree's order, each a line per text-positioning operator. Tests look for a text with `find(page_text, text)`, which
ignores white space (where a space falls between drawn words is the printer's business) and compares NFKC forms.

One ambiguity is the font's, not the file's: a CJK font draws a simplified radical and the ideograph it stands for
with one glyph (⻚ U+2EDA and 页 U+9875), and Chromium's ToUnicode names the glyph by its first code point, so the
PDF says ⻚ where the page said 页. NFKC folds the Kangxi radicals (U+2F00-U+2FDF) but not the CJK Radicals
Supplement (U+2E80-U+2EFF), so `find` lets an ideograph of the text match a character of that block, and nothing else.
"""

from __future__ import annotations

import re
import unicodedata
import zlib

_OBJ = re.compile(rb"(\d+)\s+0\s+obj\b(.*?)\bendobj", re.S)
_REF = rb"(\d+)\s+0\s+R"


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}


def _stream(body: bytes) -> bytes:
    m = re.search(rb"stream\r?\n", body)
    if not m:
        return b""
    length = re.search(rb"/Length\s+(\d+)(?!\s+0\s+R)", body[:m.start()])
    raw = body[m.end():m.end() + int(length.group(1))] if length else body[m.end():body.rindex(b"endstream")]
    # decompressobj: what follows the compressed data (an end of line before "endstream") is left aside.
    return zlib.decompressobj().decompress(raw) if b"/FlateDecode" in body[:m.start()] else raw


def _dict_entry(body: bytes, key: bytes) -> bytes | None:
    """The value after /key up to the matching >> of a << >> value, or an indirect reference, or a name."""
    at = re.search(rb"/" + key + rb"\b\s*", body)
    if not at:
        return None
    rest = body[at.end():]
    if rest.startswith(b"<<"):
        depth, i = 0, 0
        while i < len(rest):
            if rest.startswith(b"<<", i):
                depth += 1
                i += 2
            elif rest.startswith(b">>", i):
                depth -= 1
                i += 2
                if depth == 0:
                    return rest[:i]
            else:
                i += 1
        return rest
    m = re.match(_REF + rb"|\[[^\]]*\]|/\w+", rest)
    return m.group(0) if m else None


def _resolve(objs: dict[int, bytes], value: bytes | None) -> bytes:
    if value is None:
        return b""
    m = re.fullmatch(_REF, value.strip())
    return objs.get(int(m.group(1)), b"") if m else value


def _cmap(text: bytes) -> tuple[int, dict[bytes, str]]:
    """A ToUnicode CMap: the code length in bytes and each code's text."""
    width = 2
    space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", text)
    if space:
        width = len(space.group(1)) // 2
    out: dict[bytes, str] = {}

    def uni(hexstr: bytes) -> str:
        raw = bytes.fromhex(hexstr.decode())
        return raw.decode("utf-16-be", "replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[bytes.fromhex(code.decode())] = uni(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            start, end = int(lo, 16), int(hi, 16)
            n = len(lo) // 2
            if value.startswith(b"["):
                values = re.findall(rb"<([0-9A-Fa-f]+)>", value)
                for i, v in enumerate(values):
                    out[(start + i).to_bytes(n, "big")] = uni(v)
            else:
                base = bytes.fromhex(value[1:-1].decode())
                first = int.from_bytes(base, "big")
                for i in range(end - start + 1):
                    out[(start + i).to_bytes(n, "big")] = (first + i).to_bytes(len(base), "big").decode(
                        "utf-16-be", "replace")
    return width, out


def _string_bytes(token: bytes) -> bytes:
    if token.startswith(b"<"):
        hexstr = re.sub(rb"\s", b"", token[1:-1])
        return bytes.fromhex((hexstr + b"0" * (len(hexstr) % 2)).decode())
    # A literal string: (...) with backslash escapes.
    body, out, i = token[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c == 0x5C and i + 1 < len(body):
            nxt = body[i + 1]
            octal = re.match(rb"[0-7]{1,3}", body[i + 1:])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
                continue
            out += {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}.get(
                nxt, bytes([nxt]))
            i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


_TOKEN = re.compile(rb"<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\)|\[|\]|/[^\s/\[\]()<>]+|[-+]?\d*\.?\d+|[A-Za-z'\"*]+")


def _page_text(objs: dict[int, bytes], page: bytes) -> str:
    resources = _resolve(objs, _dict_entry(page, b"Resources"))
    fonts_dict = _resolve(objs, _dict_entry(resources, b"Font"))
    fonts: dict[bytes, tuple[int, dict[bytes, str]]] = {}
    for name, ref in re.findall(rb"/([^\s/<>\[\]]+)\s+" + _REF, fonts_dict):
        font = objs.get(int(ref), b"")
        to_unicode = re.search(rb"/ToUnicode\s+" + _REF, font)
        fonts[name] = _cmap(_stream(objs.get(int(to_unicode.group(1)), b""))) if to_unicode else (1, {})
    contents = _dict_entry(page, b"Contents") or b""
    refs = [int(r) for r in re.findall(_REF, contents)]
    stream = b"\n".join(_stream(objs.get(r, b"")) for r in refs)
    lines: list[str] = []
    line: list[str] = []
    font = (1, {})
    operands: list[bytes] = []
    for token in _TOKEN.findall(stream):
        if token[:1] in (b"<", b"(", b"[", b"]", b"/") or re.fullmatch(rb"[-+]?\d*\.?\d+", token):
            operands.append(token)
            continue
        op = token
        if op == b"Tf" and len(operands) >= 2:
            font = fonts.get(operands[-2][1:], (1, {}))
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            width, cmap = font
            for operand in operands:
                if operand[:1] in (b"<", b"("):
                    raw = _string_bytes(operand)
                    line.extend(cmap.get(raw[i:i + width], "") for i in range(0, len(raw), width))
        elif op in (b"Td", b"TD", b"Tm", b"T*", b"BT", b"ET"):
            if line:
                lines.append("".join(line))
                line = []
        operands = []
    if line:
        lines.append("".join(line))
    return "\n".join(lines)


def _pages(objs: dict[int, bytes], node: int) -> list[bytes]:
    body = objs.get(node, b"")
    if re.search(rb"/Type\s*/Page\b", body):
        return [body]
    kids = _dict_entry(body, b"Kids") or b""
    return [page for ref in re.findall(_REF, kids) for page in _pages(objs, int(ref))]


def pages_text(data: bytes) -> list[str]:
    objs = _objects(data)
    catalog = next(body for body in objs.values() if re.search(rb"/Type\s*/Catalog\b", body))
    root = int(re.search(rb"/Pages\s+" + _REF, catalog).group(1))
    return [_page_text(objs, page) for page in _pages(objs, root)]


def squeeze(text: str) -> str:
    """`text` in NFKC form without white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _pattern(text: str) -> re.Pattern:
    return re.compile("".join(f"(?:{re.escape(ch)}|[\u2e80-\u2eff])" if "\u3400" <= ch <= "\u9fff" else re.escape(ch)
                              for ch in squeeze(text)))


def find(haystack: str, text: str, start: int = 0) -> int:
    """Where `text` first is in squeeze(`haystack`) from `start` (an index in the squeezed text), or -1."""
    found = _pattern(text).search(squeeze(haystack), start)
    return found.start() if found else -1


def page_numbers(haystack: str, template: str) -> list[tuple[int, int]]:
    """The (page, pages) pairs a page's text says in the words of `template` ("Page {page} of {pages}")."""
    parts = re.split(r"(\{pages?\})", template)
    groups = [part for part in parts if part in ("{page}", "{pages}")]
    pattern = "".join(r"(\d+)" if part in ("{page}", "{pages}") else _pattern(part).pattern for part in parts if part)
    return [tuple(int(m.group(i + 1)) for i in (groups.index("{page}"), groups.index("{pages}")))
            for m in re.finditer(pattern, squeeze(haystack))]
