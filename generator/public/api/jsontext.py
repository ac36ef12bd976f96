"""JSON text as `json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)` writes it, made
faster: with an indent the standard library uses its pure-Python encoder (a generator per nesting
level), which was a third of writing the API's documents; here each string is escaped by the
same C function and the rest is joined in one recursive pass, the same bytes."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "


def dumps(value: Any) -> str:
    """`json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)`, the same text (anything
    but text keys, lists, tuples and plain values is left to it, errors included)."""
    parts: list[str] = []
    try:
        _encode(value, parts, "\n")
    except TypeError:
        return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)
    return "".join(parts)


def _encode(value: Any, parts: list[str], newline: str) -> None:
    """Append `value`'s text; `newline`: a line break and the current indent."""
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif type(value) is int:
        parts.append(int.__repr__(value))
    elif isinstance(value, (int, float)):  # int subclasses, floats (NaN, Infinity): as json writes them
        parts.append(json.dumps(value))
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + _INDENT
        opening = "{" + inner
        for key in sorted(value):
            if not isinstance(key, str):
                raise TypeError("only text keys")
            parts.append(opening + encode_basestring(key) + ": ")
            _encode(value[key], parts, inner)
            opening = "," + inner
        parts.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        inner = newline + _INDENT
        opening = "[" + inner
        for item in value:
            parts.append(opening)
            _encode(item, parts, inner)
            opening = "," + inner
        parts.append(newline + "]")
    else:
        raise TypeError(f"not JSON: {type(value).__name__}")
