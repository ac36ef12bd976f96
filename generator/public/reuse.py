"""Incremental public builds: reuse a page from the previous build when the inputs it is
rendered from have not changed.

Each reusable page has a key: a hash of exactly what its renderer reads (the incident or
maintenance window itself, the history entries on a history page, the build time only for
pages that show it) plus a salt covering the page-wide settings, the public components' names
and the code, templates and libraries that make the HTML. The keys of the last two builds are
kept in the cache folder (`render/`), with the status of each file they wrote. The staging
folder is the generation before the published one (publish.py), updated in place: a page whose
key is the one it has there stays as it is, one that only the published site has with that key
is copied from there, any other is rendered; files the reserve holds that this build does not
make are removed (`prepare()`, `finish()`). A file is trusted only if its inode, size and
modification time are the ones recorded when it was written, so a file edited or replaced by
hand is rendered again. Like the load cache this is an optimisation only: any doubt means
rendering, and the output is byte-identical to a clean build. The manifest is a signed cache
file (generator/cachefile.py): one not signed with the user's key is never unpickled.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..cachefile import path_name, read_cache_file, write_cache_file
from ..digest import serialise
from ..publish import prune, remove_files, status
from ..versions import version
from .pages.views import listed
from .projection import PublicIncident
from .settled import SettledIncident

#: Bumped when the layout of the manifest changes.
FORMAT = 3
_ROOT = Path(__file__).resolve().parent.parent
#: Everything that shapes a public page besides its data, and how the kept views are pickled
#: (load/makers.py rebuilds them). The Markdown sanitiser and linkifier live outside public/
#: (the loader's checks read them too), but every Markdown body on a page is their output.
_CODE_GLOBS = ("public/**/*.py", "templates/public/*", "static/public/*", "derive/*.py", "model.py",
               "load/makers.py", "published.py", "linkify.py", "digest.py")
_LIBRARIES = ("jinja2", "markupsafe", "markdown", "nh3")

#: (key, inode, size, mtime in ns) of one written file.
_Entry = tuple[bytes, int, int, int]


def code_salt() -> bytes:
    """A hash of the page code, templates, static files, library versions and Python version."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version_info[:3]}".encode())
    for name in _LIBRARIES:
        digest.update(f"{name}={version(name)}\0".encode())
    for pattern in _CODE_GLOBS:
        for path in sorted(_ROOT.glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def key(salt: bytes, parts: Iterable[Any]) -> bytes:
    """The key of one page: the salt and a complete serialisation of each input (digest.py:
    every compared field of every dataclass, so any change to what a page shows changes it)."""
    return hashlib.sha256(salt + serialise(tuple(parts))).digest()


#: Keys of incidents' views kept by projcache.py for this build: (the view, salt, its page key
#: when closed, its listed key) by the view's id, so a view that came from the cache is not
#: keyed again.
_KNOWN_KEYS: dict[int, tuple[object, bytes, bytes | None, bytes]] = {}


def forget_keys() -> None:
    _KNOWN_KEYS.clear()


def remember_key(salt: bytes, incident: PublicIncident, page_key: bytes | None, listed: bytes) -> None:
    """`page_key` is `key(salt, ("incident", incident))` (None: open), `listed` is
    `listed_key(incident)`, both computed when `incident` was kept."""
    _KNOWN_KEYS[id(incident)] = (incident, salt, page_key, listed)


def incident_key(salt: bytes, incident: PublicIncident) -> bytes:
    """The page key of a closed incident: `key(salt, ("incident", incident))`, remembered or made."""
    known = _KNOWN_KEYS.get(id(incident))
    if known is not None and known[0] is incident and known[1] == salt and known[2] is not None:
        return known[2]
    return key(salt, ("incident", incident))


def listed_key(incident: PublicIncident | SettledIncident) -> bytes:
    """A digest of what the history and year archive pages show of `incident` (views.listed):
    those pages are keyed by their records' listed keys, remembered or made (a settled
    incident holds its own), so a rebuild neither makes their entries nor serialises them for
    the pages it does not render."""
    if isinstance(incident, SettledIncident):
        return incident.listed_key
    known = _KNOWN_KEYS.get(id(incident))
    if known is not None and known[0] is incident:
        return known[3]
    return hashlib.sha256(serialise(("listed", *listed(incident)))).digest()


class PageCache:
    """The pages of the last two builds of one output folder, and what this build made.

    `prepare()` readies the staging folder; `reuse()` keeps or copies a page whose key is
    unchanged; `written()` records a page this build rendered; `finish()` removes what the
    staging folder still holds that this build did not make; `save()` keeps this build's keys.
    `rendered` lists the paths rendered (not reused) by this build, in order, for tests.
    """

    def __init__(self, directory: Path, published: Path, salt: bytes) -> None:
        self.published = published
        self.salt = salt
        name = path_name(published)
        self.path = directory / "render" / f"public-{name}.pickle"
        self.old, self.previous = self._read()  # the published site's files; the reserve's
        self.here: dict[str, _Entry] = {}  # what the staging folder holds that its manifest vouches for
        self.new: dict[str, _Entry] = {}
        self.rendered: list[str] = []
        self.folders: set[str] = set()
        self.reused = 0

    def _read(self) -> tuple[dict[str, _Entry], dict[str, _Entry]]:
        """The entries of the last two builds; a missing, unsigned, damaged or foreign file: none."""
        stored = read_cache_file(self.path)
        if len(stored) == 1 and isinstance(stored[0], tuple) and len(stored[0]) == 4:
            format_, salt, entries, previous = stored[0]
            if (format_, salt) == (FORMAT, self.salt) and isinstance(entries, dict) and isinstance(previous, dict):
                return entries, previous
        return {}, {}

    def prepare(self, dest: Path) -> None:
        """Make the staging folder (empty, or the reserve generation) hold only files this
        cache vouches for, unchanged since it recorded them."""
        if not dest.is_dir() or not any(dest.iterdir()):
            return
        kept = prune(dest, {path: entry[1:] for path, entry in self.previous.items()})
        self.here = {path: self.previous[path] for path in kept}

    def reuse(self, path: str, page_key: bytes, dest: Path) -> bool:
        """Keep `path` in `dest` (or copy it from the published site) if it was made from the
        same key; else False."""
        here = self.here.get(path)
        if here is not None and here[0] == page_key:
            self.new[path] = here
            self.reused += 1
            return True
        entry = self.old.get(path)
        if entry is None or entry[0] != page_key:
            return False
        source = os.path.join(self.published, path)  # strings: Path objects cost a third of this
        if status(source) != entry[1:]:
            return False
        target = os.path.join(dest, path)
        folder = os.path.dirname(target)
        if folder not in self.folders:  # one mkdir per folder, not per page
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        shutil.copyfile(source, target)  # never a link: the staging tree is written in place later
        made = status(target)
        assert made is not None
        self.new[path] = (page_key, *made)
        self.reused += 1
        return True

    def written(self, path: str, page_key: bytes | None, dest: Path) -> None:
        """Note that this build rendered `path` (reusable next time when it has a key)."""
        self.rendered.append(path)
        if page_key is not None:
            info = (dest / path).stat()
            self.new[path] = (page_key, info.st_ino, info.st_size, info.st_mtime_ns)

    def finish(self, dest: Path) -> None:
        """Remove the reserve's pages this build neither kept nor made."""
        rendered = set(self.rendered)
        remove_files(dest, {path for path in self.here if path not in self.new and path not in rendered})

    def save(self) -> None:
        """Keep this build's keys, and the published site's, which becomes the reserve once this
        build is swapped in; a failure only costs speed."""
        entries = (FORMAT, self.salt, self.new, self.old)
        write_cache_file(self.path.parent.parent, self.path, lambda writer: writer.flat(entries))
