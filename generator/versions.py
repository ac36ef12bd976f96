"""The installed versions of the libraries whose output the caches keep, for their keys.

Read from the name of the distribution's `.dist-info` folder beside the package, as
`importlib.metadata` finds it, but without importing it: with `email` and `socket` behind it,
that import was 12 ms of every rebuild and of every responder's command. Where the folder is
not beside the package (an editable or vendored install), `importlib.metadata` is asked after all.
"""

from __future__ import annotations

import importlib.util
import os
import re
from functools import cache


@cache
def version(package: str) -> str:
    """The version of the distribution that provides the importable `package`, or of the
    distribution of that name (`pyyaml`, `mkdocs-material`: asked of `importlib.metadata`);
    '?' if none. Read once per process (finding a distribution's metadata took 30 ms)."""
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.origin is not None:
        site = os.path.dirname(os.path.dirname(spec.origin))
        wanted = _normal(package)
        try:
            names = os.listdir(site)
        except OSError:
            names = []
        for name in names:
            stem, dot, suffix = name.rpartition(".")
            if dot and suffix == "dist-info":
                dist, _, found = stem.partition("-")
                if _normal(dist) == wanted and found:
                    return found
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def _normal(name: str) -> str:
    """A distribution's name as packaging compares them (PEP 503), with `_` for `-`."""
    return re.sub(r"[-_.]+", "_", name).lower()
