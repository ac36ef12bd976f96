"""Constructors that rebuild frozen slotted dataclasses from the cache's pickles, faster than
the classes' own `__init__`.

A warm build unpickles tens of thousands of such objects (each unchanged incident's facts, the
public views kept by generator/public/projcache.py, records). The `__init__` that `@dataclass`
writes for a frozen class sets each field with `object.__setattr__(self, name, value)`, a global
and an attribute looked up for every field of every object; a maker made here sets them through
the slots' own descriptors, bound once (a third less time per object). Pickles name a maker
as an attribute of this module, `generator:model:Incident` for `generator.model.Incident`,
made on first use by the module's `__getattr__` (PEP 562), so the process that unpickles makes
the same maker the pickling one named. The bytes it gets come from signed cache files only
(generator/cachefile.py), and a pickle can import any module anyway.
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
from collections.abc import Callable
from types import MemberDescriptorType
from typing import Any

Maker = Callable[..., Any]

_MAKERS: dict[str, Maker] = {}


def maker_of(cls: type) -> Maker | None:
    """The maker of `cls`: a frozen dataclass with slots, every field set by the `__init__`
    `@dataclass` wrote and nothing else done there (no `__post_init__`), found by its name at the
    top of its module; else None (pickled as a call of the class, as before)."""
    params = cls.__dict__.get("__dataclass_params__")
    if (params is None or not params.frozen or not params.init or "__slots__" not in cls.__dict__
            or hasattr(cls, "__post_init__")
            or getattr(sys.modules.get(cls.__module__), cls.__qualname__, None) is not cls):
        return None
    if not all(f.init and isinstance(getattr(cls, f.name, None), MemberDescriptorType)
               for f in dataclasses.fields(cls)):
        return None
    name = f"{cls.__module__.replace('.', ':')}:{cls.__qualname__}"
    found = _MAKERS.get(name)
    if found is None:
        found = _MAKERS[name] = _make(cls, name)
    return found


def __getattr__(name: str) -> Maker:
    """The maker a pickle names (see the module)."""
    found = _MAKERS.get(name)
    if found is not None:
        return found
    module, _, qualname = name.rpartition(":")
    if not module:
        raise AttributeError(name)
    found = maker_of(getattr(importlib.import_module(module.replace(":", ".")), qualname))
    if found is None or found.__qualname__ != name:
        raise AttributeError(name)
    return found


def _make(cls: type, name: str) -> Maker:
    """`def make(v0, v1): o = new(cls); set0(o, v0); set1(o, v1); return o`, generated from
    the fields, in their order (the order `__init__` takes them)."""
    fields = dataclasses.fields(cls)
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = [f"def make({', '.join(f'v{i}' for i in range(len(fields)))}):", "    o = _new(_cls)"]
    for index, field in enumerate(fields):
        scope[f"_set{index}"] = getattr(cls, field.name).__set__  # the slot's own descriptor
        lines.append(f"    _set{index}(o, v{index})")
    lines.append("    return o")
    exec("\n".join(lines) + "\n", scope)  # noqa: S102 - code generated from a count of fields
    make: Maker = scope["make"]
    make.__module__, make.__qualname__, make.__name__ = __name__, name, name
    return make
