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

The warnings ahead (an incident that starts after `now`: one per incident, 28,000 at 20,000
incidents, 5.6 MB pickled) apply only to a build dated before the last of their moments, which
a build at the present time never is: they are kept in a section of their own, after the rest and
the last moment, and unpickled only for a build dated before it (reading them was a third of
this file's 0.04 s on every rebuild).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..cachefile import CacheFile, SectionWriter, write_cache_file
from .cache import LoadCache, dumps, gc_paused, sources_hash
from .checks import CrossFile, SiteFacts, check

#: Bumped when what is stored changes.
FORMAT = 2
_GENERATOR = Path(__file__).resolve().parent.parent
#: The code the checks run is in the load cache's code hash, which `cache.context` holds (load/,
#: published.py, linkify.py and derive/followup.py: tests/test_load_cache_code.py); all of
#: derive/ besides, where a check may come to call more.
_CODE_FILES = tuple(sorted((_GENERATOR / "derive").glob("*.py")))


_CODE_HASH = sources_hash(b"", _CODE_FILES)


def checked(cache: LoadCache | None, prefix: str, facts: Callable[[], SiteFacts], now: datetime) -> CrossFile:
    """`check(facts(), prefix)`, or the stored result when the facts of every file the load
    used are the ones it was computed from; either way its warnings ahead only if some apply
    at `now` (`CrossFile.at(now)` is the same). Call after every file was read (`cache.new`
    holds every file whose facts the checks see)."""
    if cache is None or cache.path is None:
        return check(facts(), prefix)
    digest = hashlib.sha256(b"%d\0" % FORMAT + _CODE_HASH + cache.context + prefix.encode("utf-8", "surrogatepass"))
    for rel in sorted(cache.new):
        digest.update(rel.encode("utf-8", "surrogatepass") + b"\0" + cache.new[rel][3])
    key = digest.digest()
    path = cache.directory / f"cross-{cache.path.stem.removeprefix('load-')}.pickle"
    found = _stored(path, key, now)
    if found is not None:
        return found
    result = check(facts(), prefix)
    last = max((until for until, _ in result.ahead), default=None)

    def write(writer: SectionWriter) -> None:
        # Pickled as the load cache pickles records: 12,000 warnings load in a third of the time.
        writer.section(dumps((key, dataclasses.replace(result, ahead=()), last)))
        writer.section(dumps(result.ahead))

    write_cache_file(cache.directory, path, write)
    return result


def _stored(path: Path, key: bytes, now: datetime) -> CrossFile | None:
    """The result kept in `path` under `key`, with its warnings ahead if any applies at `now`;
    None when there is none (missing, foreign, damaged or another key)."""
    file = CacheFile.open(path)
    if file is None:
        return None
    try:
        with gc_paused():
            head = file.unpickle(0)
            if not (isinstance(head, tuple) and len(head) == 3 and head[0] == key and isinstance(head[1], CrossFile)
                    and len(file) == 2):
                return None
            found, last = head[1], head[2]
            if last is None or now >= last:
                return found
            ahead = file.unpickle(1)
    finally:
        file.close()
    return dataclasses.replace(found, ahead=ahead) if isinstance(ahead, tuple) else None  # not MISSING
