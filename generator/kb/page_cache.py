"""The knowledge base's page cache: what the previous build made of each page, to reuse it.

For each page the record `mkdocs_run.build()` returns (its Markdown's hash, the file lookups of
its links, front matter, title, anchors, search entries and warnings) is kept with the status of
the HTML file it wrote (inode, size, modification time), in one JSON file under the cache folder
(`render/internal-*.json`), with the site-wide signature it was made under. The HTML itself is
the published knowledge base, intact until the next build is swapped in: a reused page is
hard-linked (or copied) from there, and only if the published file is still the one written
(a file edited or replaced by hand is rendered again). The generated Markdown tree is kept
beside it (`render/internal-*-docs/`), so a rebuild writes only the pages whose text changed.
Like every cache here this is an optimisation only: any doubt means rendering, and the output
is the same bytes either way.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from ..cachefile import CacheFile, write_cache_file
from .mkdocs_run import PageRecord, Result, Reuse

#: Bumped when the layout of the cache file changes.
FORMAT = 1

#: (inode, size, mtime in ns) of a written file.
Status = tuple[int, int, int]


class ChartStore:
    """Charts drawn by earlier builds (charts.py); keeps the ones this build used."""

    def __init__(self, drawn: dict[str, str]) -> None:
        self.drawn = drawn
        self.used: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.drawn.get(key)

    def __setitem__(self, key: str, svg: str) -> None:
        self.used[key] = svg


class KbCache:
    """The page records of one published knowledge base, and its kept Markdown tree."""

    def __init__(self, directory: Path, published: Path) -> None:
        self.directory = directory
        self.published = published
        name = hashlib.sha256(str(published.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        self.path = directory / "render" / f"internal-{name}.json"
        self.docs = directory / "render" / f"internal-{name}-docs"
        self.status: dict[str, Status] = {}
        self.signature, self.records = "", dict[str, PageRecord]()
        self.charts = ChartStore({})
        self._read()

    def _read(self) -> None:
        data = read_section(self.path)
        try:
            stored = json.loads(data) if data is not None else None
            if not (isinstance(stored, dict) and stored.get("format") == FORMAT):
                return
            signature, pages = str(stored["signature"]), stored["pages"]
            self.charts = ChartStore({str(k): str(v) for k, v in stored.get("charts", {}).items()})
            for uri, (record, status) in pages.items():
                found = PageRecord.from_json(record)
                if found is not None:
                    self.records[uri] = found
                    self.status[uri] = (int(status[0]), int(status[1]), int(status[2]))
        except (ValueError, TypeError, KeyError, IndexError):
            self.records, self.status = {}, {}
            return
        self.signature = signature

    def reuse(self, site_dir: Path) -> Reuse:
        """What `mkdocs_run.build()` needs to reuse pages built into `site_dir`."""

        def place(uri: str, destination: str) -> bool:
            relative = os.path.relpath(destination, site_dir)
            source = os.path.join(self.published, relative)
            try:
                info = os.stat(source)
            except OSError:
                return False
            if (info.st_ino, info.st_size, info.st_mtime_ns) != self.status.get(uri):
                return False
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            try:
                os.link(source, destination)
            except OSError:
                shutil.copy2(source, destination)
            return True

        return Reuse(self.records, self.signature, place)

    def save(self, result: Result, site_dir: Path) -> None:
        """Keep this build's records with the status of each page's file in `site_dir`.
        Failing only costs speed next time."""
        pages: dict[str, Any] = {}
        for uri, record in result.records.items():
            if record is None or uri not in result.destinations:
                continue
            try:
                info = os.stat(os.path.join(site_dir, result.destinations[uri]))
            except OSError:
                continue
            pages[uri] = [record.to_json(), [info.st_ino, info.st_size, info.st_mtime_ns]]
        stored = {"format": FORMAT, "signature": result.signature, "pages": pages, "charts": self.charts.used}
        data = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")

        write_cache_file(self.directory, self.path, lambda writer: writer.section(data))


def read_section(path: Path) -> bytes | None:
    """The one section of a signed cache file (generator/cachefile.py), or None when it is
    missing, unsigned or damaged: a miss."""
    file = CacheFile.open(path)
    if file is None:
        return None
    try:
        return file.section(0) if len(file) == 1 else None
    finally:
        file.close()
