"""A fast, complete serialisation of frozen dataclasses, for page keys (public/reuse.py; the
knowledge base's registry, rows, index and overview).

Why not `repr()`: the generated `__repr__` of a dataclass, its recursion guard and `Enum.__repr__`
are Python code run once per object, and keying 14,700 pages at 20,000 incidents spent ~1 s in
them. Here each dataclass type gets one generated function that reads its compared fields into a
plain tuple (enum members as their value, datetimes as their pickled state, nested dataclasses and
tuples of them recursively, any other value as it is), and the tuple is pickled, in C. Every field
is taken, whatever its type says: a value of an unexpected type is pickled whole, which is slower
but still complete. Pickle's memo makes the bytes depend on which equal objects are shared; that
can only make two equal inputs look different (a page rendered again), never two different
inputs look equal.
"""

from __future__ import annotations

import dataclasses
import enum
import pickle
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

Encoder = Callable[[Any], Any]

#: Values pickled as they are: pickle writes every bit of them.
_ATOMS: frozenset[Any] = frozenset({str, int, float, bool, bytes, type(None), date, timedelta})
_ENCODERS: dict[type, Encoder] = {}


def _when(moment: Any) -> Any:
    """A datetime as pickle's own state of it (packed fields and fold, tzinfo): the same bits,
    without pickling a class reference and a reduce call per datetime (twice as fast here)."""
    return moment.__reduce__()[1] if type(moment) is datetime else plain(moment)


def serialise(value: Any) -> bytes:
    """Bytes that differ whenever `value` differs in any field of any dataclass inside it."""
    return pickle.dumps(plain(value), protocol=5)


def plain(value: Any) -> Any:
    """`value` with dataclasses and enum members replaced by plain tuples and values."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is datetime:
        return ("datetime", _when(value))
    encode = _ENCODERS.get(kind)
    if encode is None:
        encode = _ENCODERS[kind] = _encoder(kind)
    return encode(value)


def _encoder(kind: type) -> Encoder:
    if dataclasses.is_dataclass(kind):
        return _dataclass_encoder(kind)
    if issubclass(kind, enum.Enum):
        name = kind.__qualname__
        return lambda member: (name, member._value_)
    if kind in (tuple, list):
        label = kind.__name__
        return lambda values: (label, tuple(map(plain, values)))
    if kind in (frozenset, set):  # no order of their own: sorted, by a text that is total
        label = kind.__name__
        return lambda values: (label, tuple(sorted(map(plain, values), key=repr)))
    if kind is dict:
        return lambda mapping: ("dict", tuple((plain(k), plain(v)) for k, v in mapping.items()))
    return lambda other: other  # pickled whole


def _dataclass_encoder(kind: type) -> Encoder:
    """`lambda o: (name, o.a, o.b._value_, tuple(map(enc_X, o.c)), ...)`, generated from the fields."""
    try:
        hints = typing.get_type_hints(kind)
    except Exception:  # an annotation that does not resolve: every field goes through plain()
        hints = {}
    scope: dict[str, Any] = {"_plain": plain, "_when": _when}
    terms = [repr(kind.__qualname__)]
    for field in dataclasses.fields(kind):
        if field.compare:
            terms.append(_term(hints.get(field.name, Any), f"o.{field.name}", scope))
    source = f"def encode(o):\n    return ({', '.join(terms)},)\n"
    exec(source, scope)  # noqa: S102 - code generated from field names of our own types
    encode: Encoder = scope["encode"]
    return encode


def _term(hint: Any, expression: str, scope: dict[str, Any]) -> str:
    """How one field is read: as it is, as an enum value, or through an encoder."""
    if hint in _ATOMS or _is_union_of_atoms(hint):
        return expression
    if hint is datetime or hint == datetime | None:
        return f"_when({expression})"
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return f"{expression}._value_"
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        name = f"_e{len(scope)}"
        scope[name] = _lazy(hint)
        return f"{name}({expression})"
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis:
        if args[0] in _ATOMS:
            return expression  # a tuple of plain values is pickled whole
        if isinstance(args[0], type) and dataclasses.is_dataclass(args[0]):
            name = f"_e{len(scope)}"
            scope[name] = _lazy(args[0])
            return f"tuple(map({name}, {expression}))"
    return f"_plain({expression})"


def _is_union_of_atoms(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType) and all(
        a in _ATOMS for a in typing.get_args(hint)
    )


def _lazy(kind: type) -> Encoder:
    """The encoder of `kind`, made on first use (types may refer to each other). A value of a
    subclass goes through plain(), so its own fields are read."""

    def encode(value: Any) -> Any:
        if type(value) is not kind:
            return plain(value)
        found = _ENCODERS.get(kind)
        if found is None:
            found = _ENCODERS[kind] = _dataclass_encoder(kind)
        return found(value)

    return encode
