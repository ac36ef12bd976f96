"""The checks across files, kept from the last load when no file's facts changed.

`check()` (checks.py) reads only the facts of each file (ids, sources, start and resolution
times, post-mortems but their bodies: checks.checked_view), and its result does not depend on
`now` (`CrossFile.at(now)` applies the timed warnings). Posting an update or fixing a typo in a
review changes a file but not its facts, so the
result of the last load is still right: it is kept in the cache folder under a digest of every
file's facts (the load cache keeps one per file, cache.py), of the context (`site.yaml`,
`services.yaml`, the loader's code), of the code the checks call outside the loader, and of the
prefix the problems are shown with. Any difference in any of them means checking again. Like the
other caches it is signed (generator/cachefile.py) and only an optimisation: a missing, damaged
or foreign file is checked again, with the same problems.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ..cachefile import read_cache_file, write_cache_file
from .cache import LoadCache, dumps, sources_hash
from .checks import CrossFile, SiteFacts, check

#: Bumped when what is stored changes.
FORMAT = 1
_GENERATOR = Path(__file__).resolve().parent.parent
#: Code the checks run that the load cache's code hash does not cover (it covers load/).
_CODE_FILES = (*sorted((_GENERATOR / "derive").glob("*.py")), _GENERATOR / "published.py", _GENERATOR / "linkify.py")


_CODE_HASH = sources_hash(b"", _CODE_FILES)


def checked(cache: LoadCache | None, prefix: str, facts: Callable[[], SiteFacts]) -> CrossFile:
    """`check(facts(), prefix)`, or the stored result when the facts of every file the load
    used are the ones it was computed from. Call after every file was read (`cache.new`
    holds every file whose facts the checks see)."""
    if cache is None or cache.path is None:
        return check(facts(), prefix)
    digest = hashlib.sha256(b"%d\0" % FORMAT + _CODE_HASH + cache.context + prefix.encode("utf-8", "surrogatepass"))
    for rel in sorted(cache.new):
        digest.update(rel.encode("utf-8", "surrogatepass") + b"\0" + cache.new[rel][3])
    key = digest.digest()
    path = cache.directory / f"cross-{cache.path.stem.removeprefix('load-')}.pickle"
    stored = read_cache_file(path)
    if len(stored) == 1 and isinstance(stored[0], tuple) and len(stored[0]) == 2 and stored[0][0] == key:
        found = stored[0][1]
        if isinstance(found, CrossFile):
            return found
    result = check(facts(), prefix)
    # Pickled as the load cache pickles records: 12,000 warnings load in a third of the time.
    write_cache_file(cache.directory, path, lambda writer: writer.section(dumps((key, result))))
    return result
