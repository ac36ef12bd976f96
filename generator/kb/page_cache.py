"""The knowledge base's page cache: what the previous build made of each page, to reuse it.

For each page the record `mkdocs_run.build()` returns (its Markdown's hash, the file lookups of
its links, front matter, title, anchors, search entries and warnings) is kept with the status of
the HTML file it wrote (inode, size, modification time), in one signed cache file under the cache
folder (`render/internal-*.json`), with the site-wide signature it was made under: a marshal
section (the index), and each page's record as its own marshal text, so a record reused as it
was is written back as the bytes it was read from (encoding every record again was a tenth of
every rebuild at 1,000 incidents). The HTML itself is the published knowledge base, intact
until the next build is swapped in: a reused page is hard-linked (or copied) from there, and
only if the published file is still the one written (a file edited or replaced by hand is
rendered again); the build never writes into a file of the staging folder, it replaces it.
The pages' search entries are not in the cache file either: the index notes where each page's
are in the search index the build wrote (`mkdocs_run.SEARCH_INDEX`), and the next build takes
them from the published one as JSON text, never decoded nor copied (slices of its bytes: the
index is assembled from them, mkdocs_run._SearchIndex), while that file is the one written;
else every page with entries is rendered. The generated Markdown tree is kept beside it
(`render/internal-*-docs/`), so a rebuild writes only the pages whose text changed, and a keyed
page made from unchanged inputs is not even read while its file has the status it was written with (`pages.Kept`).
Like every cache here this is an optimisation only: any doubt means rendering, and the output
is the same bytes either way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from ..cachefile import CacheFile, SectionWriter, path_name, write_cache_file
from ..load.cache import gc_paused
from ..publish import Status, prune, remove_files, status
from .mkdocs_run import SEARCH_INDEX, Found, Lookup, PageRecord, Result, Reuse
from .overview import OverviewStore
from .pages import Kept
from .registry import SALT
from .rows import RowStore

#: Bumped when the layout of the cache file changes (with marshal's own version: see _read).
FORMAT = 7
#: Where a page record (PageRecord.to_json) holds its search entries (kept apart, empty there:
#: they are read from the published search index)...
_SEARCH = 6
#: ...and its lookups (as their own marshal text in it, `Packed`; a plain list in records
#: written before, read as they are).
_LOOKUPS = 1


class Packed(Sequence[Lookup]):
    """A kept record's file lookups, decoded from their marshal text when first read: a rebuild
    reads them only for a page linking to a target that moved (mkdocs_run._unchanged) or one
    whose key is made again, and decoding the 72,000 lookups of 6,100 pages at 5,000 incidents
    with every record was two thirds of reading the records."""

    __slots__ = ("_items", "_text")

    def __init__(self, text: bytes) -> None:
        self._text = text
        self._items: list[Lookup] | None = None

    def _decoded(self) -> list[Lookup]:
        if self._items is None:
            self._items = marshal.loads(self._text)
        return self._items

    def __getitem__(self, index: Any) -> Any:
        return self._decoded()[index]

    def __len__(self) -> int:
        return len(self._decoded())

    def __iter__(self) -> Iterator[Lookup]:
        return iter(self._decoded())


class TemplateCache(jinja2.BytecodeCache):
    """The theme's templates compiled by an earlier build (compiling Material's templates took a
    second of every knowledge-base build), kept as cache files like the rest."""

    def __init__(self, directory: Path, folder: Path) -> None:
        self.directory, self.folder = directory, folder

    def _path(self, key: str) -> Path:
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.jinja"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = read_section(self._path(bucket.key))
        if data is not None:
            bucket.bytecode_from_string(data)  # checks Jinja's magic and the template's checksum

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = bucket.bytecode_to_string()
        write_cache_file(self.directory, self._path(bucket.key), lambda writer: writer.section(data))


class KbCache:
    """The page records of one published knowledge base, and its kept Markdown tree."""

    def __init__(self, directory: Path, published: Path) -> None:
        self.directory = directory
        self.published = published
        name = path_name(published)
        self.path = directory / "render" / f"internal-{name}.json"
        self.docs = directory / "render" / f"internal-{name}-docs"
        self._docs = f"{self.docs}{os.sep}"  # as text: a Path per file was a tenth of the lookups
        self.status: dict[str, Status] = {}  # page -> its published file's status
        self.keys: dict[str, str] = {}  # page -> the key of its published HTML (page_key)
        self.destinations: dict[str, str] = {}  # page -> its file in the site folder
        self.previous: dict[str, tuple[Status, str]] = {}  # the reserve generation's pages: file -> (status, key)
        self.here: dict[str, str] = {}  # what the staging folder still holds of those: file -> key
        #: page -> the status of its file in the staging folder, known without looking: kept there
        #: as pruned, or a hard link to the published file (same inode, size and time)
        self.placed: dict[str, Status] = {}
        self.signature, self.salt, self.records = "", "", dict[str, PageRecord]()
        self.theme: tuple[str, list[str]] | None = None  # the theme's static files as last listed
        self.lookups: dict[str, Found] | None = None  # where links led (Result.lookups)
        #: keyed docs file -> (key, SHA-256 of its bytes, its status in the kept tree), last build
        self.made: dict[str, tuple[str, str, Status | None]] = {}
        self.kept: dict[str, tuple[str, str]] = {}  # keyed docs file -> (key, SHA-256), this build
        self.unchanged: set[str] = set()  # keyed files taken from the kept tree as they are
        self.texts: dict[str, bytes] = {}  # page -> its record's JSON text as read (search entries apart)
        self.rows = RowStore({})  # table rows of the last build (rows.py)
        self.overview = OverviewStore(SALT)  # the overview files of the last build (overview.py)
        self.templates = TemplateCache(directory, directory / "render" / "templates")
        #: This build's pages linked into the folder that becomes the next reserve (mirror()):
        #: file -> the page's uri; None: the reserve is the previously published site.
        self.mirrored: dict[str, str] | None = None
        with gc_paused():  # 6,100 records at 5,000 incidents, all living on: collecting meanwhile was half of reading
            self._read()

    def _read(self) -> None:
        data, texts = read_sections(self.path, 2)
        try:
            stored = marshal.loads(data) if data is not None and texts is not None else None
            if not (isinstance(stored, dict) and stored.get("format") == (FORMAT, marshal.version)):
                return
            assert texts is not None
            signature, pages = stored["signature"], stored["pages"]
            self.made = stored["made"]
            index = _published_index(self.published, stored["search"])
            search = memoryview(index) if index is not None else None  # slices of it share its bytes
            for uri, ((start, length), (first, size), status, destination, key) in pages.items():
                if size and search is None:
                    continue  # its search entries are not there as written: the page is rendered
                text = texts[start : start + length]
                values = marshal.loads(text)  # signed, and written by save() below
                if isinstance(values[_LOOKUPS], bytes):  # else a list, as FORMAT 7 first wrote them
                    values[_LOOKUPS] = Packed(values[_LOOKUPS])
                record = PageRecord(*values)
                record.search = search[first : first + size] if size and search is not None else ""
                self.records[uri], self.texts[uri] = record, text
                self.status[uri], self.destinations[uri], self.keys[uri] = status, destination, key
            self.previous = stored["reserve"]
            salt = stored["salt"]
            self.rows = RowStore(stored["rows"])
            self.overview = OverviewStore.from_plain(stored.get("overview"), SALT)
            self.theme = stored["theme"]
            lookups = stored.get("lookups")
            self.lookups = lookups if isinstance(lookups, dict) else None
        except (ValueError, TypeError, KeyError, IndexError, EOFError, UnicodeDecodeError):
            self.records, self.status, self.keys, self.destinations, self.previous = {}, {}, {}, {}, {}
            self.texts, self.rows, self.made, self.theme, self.lookups = {}, RowStore({}), {}, None, None
            self.overview = OverviewStore(SALT)
            return
        self.signature, self.salt = signature, salt

    def get(self, path: str, key: bytes) -> Kept | None:
        """A keyed docs file made by the last build from the same inputs (registry.Made), left
        in the kept Markdown tree: trusted, unread, while its file has the status it was
        written with (inode, size, modification time), like the published pages."""
        known = self.made.get(path)
        if known is None or known[0] != key.hex() or known[2] is None or status(self._docs + path) != known[2]:
            return None
        self.unchanged.add(path)
        return Kept(known[1])

    def put(self, path: str, key: bytes, content: str | bytes | Kept) -> None:
        if isinstance(content, Kept):
            self.kept[path] = (key.hex(), content.sha256)
            return
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.kept[path] = (key.hex(), hashlib.sha256(data).hexdigest())

    def kept_overview(self, group: str, key: bytes) -> dict[str, Kept] | None:
        """The overview files of the group (overview.GROUPS) of the last build when its key was
        `key` and they are in the kept tree as written (registry.Made); then the table rows it used
        (all of them the overview's: rows.py) and the keys of its keyed files are this build's too."""
        kept = self.overview.kept(group, key, lambda path: status(self._docs + path))
        if kept is not None:
            self.rows.used.update(self.rows.known)
            self.kept.update((path, self.made[path][:2]) for path in kept if path in self.made)
        return kept

    def _status_kept(self, path: str) -> Status | None:
        """A kept docs file's status: as checked by `get` when it was taken unread (sync_tree
        writes only the others), else looked at (a stat per file was a tenth of saving)."""
        if path in self.unchanged:
            return self.made[path][2]
        return status(self._docs + path)

    def prepare(self, site_dir: Path) -> None:
        """Make the staging folder (empty, or the reserve generation) hold only pages this cache
        vouches for, unchanged since they were written; the rest is made again."""
        if site_dir.is_dir() and any(site_dir.iterdir()):
            kept = prune(site_dir, {rel: status for rel, (status, _) in self.previous.items()})
            self.here = {rel: self.previous[rel][1] for rel in kept}

    def reuse(self) -> Reuse:
        """What `mkdocs_run.build()` needs to reuse pages."""

        def place(uri: str, relative: str, destination: str) -> bool:
            if uri not in self.records:
                return False
            if self.here.get(relative) == self.keys[uri]:
                self.placed[uri] = self.previous[relative][0]
                return True  # the staging folder holds this very page already
            source = os.path.join(self.published, relative)
            if status(source) != self.status.get(uri):
                return False
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            if _link(source, destination):
                self.placed[uri] = self.status[uri]
            return True

        return Reuse(self.records, self.signature, place, self.salt, self.theme, self.lookups)

    def finish(self, result: Result, site_dir: Path) -> None:
        """Remove the reserve's pages this build did not make (deleted incidents, ...)."""
        remove_files(site_dir, set(self.here) - set(result.destinations.values()))

    def mirror(self, result: Result, site_dir: Path, make: Callable[[], Path] | None) -> None:
        """When the staging folder held no page of the reserve (a cold build, or the first with
        this cache), link this build's pages into a folder that becomes the next reserve in
        place of the previous site (`publish.Staging.mirror`, via `make`): the next build then
        finds them there, as after every later build, instead of linking each page from the
        published site (0.5 CPU s of the first rebuild after a cold build at 5,000 incidents).
        Costs one link per page here; a page that cannot be linked is left out (rendered or
        linked next time)."""
        if self.here or make is None:
            return
        folder = f"{make()}{os.sep}"
        site = f"{site_dir}{os.sep}"
        made: set[str] = set()
        self.mirrored = {}
        for uri, relative in result.destinations.items():
            if result.records.get(uri) is None:
                continue
            parent = os.path.dirname(relative)
            try:
                if parent not in made:
                    os.makedirs(folder + parent, exist_ok=True)
                    made.add(parent)
                os.link(site + relative, folder + relative)
            except OSError:
                continue
            self.mirrored[relative] = uri

    def save(self, result: Result, site_dir: Path) -> None:
        """Keep this build's records with the status of each page's file in `site_dir`, and the
        published site's, which becomes the reserve once this build is swapped in. Failing only
        costs speed next time."""
        pages: dict[str, Any] = {}
        texts: list[bytes] = []
        start = 0
        site = f"{site_dir}{os.sep}"
        spans = result.search or {}
        index = status(site + SEARCH_INDEX) if result.search is not None else None
        for uri, record in result.records.items():
            if record is None or uri not in result.destinations:
                continue
            span = spans.get(uri, (0, 0))
            if span[1] != len(record.search) or (span[1] and index is None):  # pragma: no cover - a guard
                continue
            made = self.placed.get(uri) or status(site + result.destinations[uri])
            if made is None:
                continue
            text = self.texts.get(uri) if record is self.records.get(uri) else None  # reused as it was read
            if text is None:
                value = record.to_json()
                value[_SEARCH] = ""
                value[_LOOKUPS] = marshal.dumps(value[_LOOKUPS])
                text = marshal.dumps(value)
            texts.append(text)
            same = record is self.records.get(uri) and result.signature == self.signature  # reused as it was
            key = self.keys[uri] if same else page_key(result.signature, record)
            pages[uri] = ((start, len(text)), span, made, result.destinations[uri], key)
            start += len(text)
        if self.mirrored is None:  # the published site becomes the reserve
            reserve = {self.destinations[uri]: (self.status[uri], self.keys[uri]) for uri in self.status}
        else:  # this build's pages, linked (same inode, size and time)
            reserve = {rel: (pages[uri][2], pages[uri][4]) for rel, uri in self.mirrored.items() if uri in pages}
        made_files = {path: (key, digest, self._status_kept(path)) for path, (key, digest) in self.kept.items()}
        stored = {"format": (FORMAT, marshal.version), "signature": result.signature, "salt": result.salt,
                  "pages": pages, "made": made_files, "reserve": reserve, "rows": self.rows.used,
                  "theme": result.theme, "search": index, "lookups": result.lookups,
                  "overview": self.overview.to_plain(lambda path: status(self._docs + path))}
        data = marshal.dumps(stored)
        records = b"".join(texts)

        def write(writer: SectionWriter) -> None:
            writer.section(data)
            writer.section(records)

        write_cache_file(self.directory, self.path, write)


def _published_index(published: Path, written: Status | None) -> bytes | None:
    """The published knowledge base's search index as the last build wrote it (same inode, size
    and modification time as then, checked on the open file), or None: reused pages' search
    entries are taken from it (`save` notes where each page's are), like their HTML from the
    published pages, instead of being kept in the cache file as well (35 MB of it at 5,000
    incidents, read, verified and written again every build)."""
    if written is None:
        return None
    try:
        with open(os.path.join(published, SEARCH_INDEX), "rb") as handle:
            info = os.fstat(handle.fileno())
            if (info.st_ino, info.st_size, info.st_mtime_ns) != tuple(written):
                return None
            data = handle.read()
        return data if len(data) == info.st_size else None
    except OSError:
        return None


def _link(source: str, destination: str) -> bool:
    """Put the published page at `destination` as a hard link (a copy where links are not
    possible: then False). No file of the staging folder is ever written into, only replaced
    (the build removes a page before rendering it: mkdocs_run), so the published page never changes."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(destination)
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)
        return False
    return True


def page_key(signature: str, record: PageRecord) -> str:
    """What a page's HTML is made from: the site-wide signature, its Markdown, where its links
    led and, for a tag listing, what it lists. Equal keys, equal bytes."""
    made = [signature, record.markdown, list(record.lookups), record.listing]
    return hashlib.sha256(json.dumps(made).encode("utf-8", "surrogatepass")).hexdigest()


def read_sections(path: Path, count: int) -> list[bytes | None]:
    """The `count` sections of a signed cache file, each None when missing or damaged."""
    file = CacheFile.open(path)
    if file is None or len(file) != count:
        if file is not None:
            file.close()
        return [None] * count
    try:
        return [file.section(index) for index in range(count)]
    finally:
        file.close()


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
