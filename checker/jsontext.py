"""JSON text as every door reads it: bounded nesting checked before parsing (json.loads recurses once per level and
could overflow the stack, in Pyodide too, before saying anything), NaN and Infinity kept as markers so the answer
they belong to can be named. The worker's requests (api.py) and the command line's answers files (cli.py) both
read JSON through here."""

import json
import math
import re

from . import limits
from .answers import NonFinite

_ESCAPE = re.compile(r"\\.", re.S)  # removed first, so a string is then simply "[^"]*" (linear, no backtracking)
_STRING = re.compile(r'"[^"]*"')
_BRACKET = re.compile(r"[\[\]{}]")


def nesting(json_text):
    """The deepest nesting of arrays and objects in JSON text (strings skipped), without parsing it."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", _ESCAPE.sub("", json_text))):
        depth += 1 if match.group() in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limits.MAX_DEPTH:
                break
    return deepest


def parse_float(text):
    value = float(text)  # "1e999" is read as inf: refuse it like Infinity
    return value if math.isfinite(value) else NonFinite(text)


def loads(json_text):
    """Parse JSON text with NaN/Infinity as NonFinite markers (raises json.JSONDecodeError, RecursionError, or
    ValueError for an integer of more than 4,300 digits); check nesting() first."""
    return json.loads(json_text, parse_constant=NonFinite, parse_float=parse_float)
