"""The chunk files of a cache: each written once, under a name no other file ever had.

A load cache (cache.py) is an index file and one file per chunk of about 1,000 content files.
Saving after one changed file writes one small chunk file and the index, instead of copying
62 MB of unchanged chunks into a new file (at 20,000 incidents that copy, verified and signed
again, was 0.3 s of a rebuild after one changed incident).

The kept incident views (public/projcache.py) are stored the same way, a file per month.

A chunk's name is its file's random nonce (cachefile.py), so the index, itself signed, names
exactly one file: the tags of every section bind the nonce, and a file at that name with any
other nonce (an older version, a copy, anyone else's) is not that chunk and is a miss.
Chunk files are only ever created whole (written aside, then renamed) and removed, never
changed. Savers hold the cache's lock from checking which old chunks still exist to removing
the ones the new index no longer names, so a save never names a chunk another save removed;
a reader holds no lock: a chunk removed under it is a miss, and its files are read again.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from ..cachefile import CacheFile, SectionWriter, new_nonce, write_cache_file


def chunk_path(index: Path, name: str) -> Path:
    """The chunk file `name` of the cache whose index is `index` (`load-<hash>.pickle`)."""
    return index.with_name(f"{index.stem}-{name}{index.suffix}")


def open_chunk(index: Path, name: str, sections: int = 3) -> CacheFile | None:
    """The chunk `name`, open, if it is there and is the very file of that name (see module),
    with that many sections."""
    file = CacheFile.open(chunk_path(index, name))
    if file is None:
        return None
    if file.nonce.hex() != name or len(file) != sections:
        file.close()
        return None
    return file


def write_chunk(cache_dir: Path, index: Path, *sections: bytes) -> str | None:
    """Write a new chunk of these sections (a load cache's: the pickled own problems, the
    records, the facts); its name, or None when it could not be written."""
    nonce = new_nonce()
    name = nonce.hex()

    def write(writer: SectionWriter) -> None:
        for section in sections:
            writer.section(section)

    return name if write_cache_file(cache_dir, chunk_path(index, name), write, nonce) else None


def remove_unnamed(index: Path, names: Iterable[str]) -> None:
    """Remove the chunk files of `index` that are not in `names` (left by earlier saves, or by
    a save that failed before its index was written). Call with the cache's lock held (or
    where saves cannot run at the same time)."""
    keep = {chunk_path(index, name).name for name in names}
    prefix, suffix = f"{index.stem}-", index.suffix
    try:
        found = os.listdir(index.parent)
    except OSError:
        return
    for entry in found:
        if entry.startswith(prefix) and entry.endswith(suffix) and entry not in keep:
            with contextlib.suppress(OSError):  # removed by another process meanwhile
                os.unlink(index.parent / entry)
