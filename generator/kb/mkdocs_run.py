"""The MkDocs build, run in its phases so pages can be reused and rendered on every core.

Everything Statuspress relies on inside MkDocs 1.6.1 and Material for MkDocs 9.x lives in this
module and in mkdocs_shortcuts.py, the shortcuts through their set-up (MkDocs 1.6.1 is the last
1.x release and pinned, so these internals do not move); `assumptions()` lists what both use,
and tests/test_kb_incremental.py fails loudly when one of them is gone or changed shape.
`build()` does what `mkdocs.commands.build.build` does, in the same order, with three
differences that never change a byte of output:

* **Reuse.** A page whose Markdown, links and surroundings are what they were when the previous
  build rendered it is not rendered again: its HTML is taken from the previous build (see
  `Reuse`) and its search entries (as JSON text, spliced into the index), warnings, anchors and
  title come from the page record kept beside it; outside the navigation, its Markdown is not
  even read (the tags plugin sees its front matter from the record). A page's surroundings are
  its Markdown's SHA-256, every file lookup its links made (`files.get_file_from_path`: whether
  the target exists, its URL, whether it is excluded), and the site-wide `signature()`: the
  configuration, versions, navigation and tag listings. A page holding a tag listing (which
  shows every other page) is reused only while what it lists is unchanged.
* **Workers.** Converting Markdown (phase 1) and rendering the theme template and search entries
  (phase 2) are independent per page once the files, navigation and plugins are set up, so they
  run in forked workers (generator/workers.py). What a page's phase changes in shared state
  (search entries, warnings, title, anchors) is sent back and applied in page order, as if the
  pages had been built one after another.
* **No cleaning.** The site folder is a fresh staging folder.

Only the plugins in `SUPPORTED_PLUGINS` are known to keep no other state per page; with any
other plugin or hook, `supported()` is False and the caller runs MkDocs' own build instead.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import json
import logging
import os
import pickle
import re
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure import files as mkdocs_files
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Link, Navigation, Section, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler, meta

from .. import progress
from ..versions import version
from ..workers import run_all
from . import heap
from . import mkdocs_shortcuts as shortcuts

#: Bumped when what a page record holds, or how it is used, changes.
FORMAT = 2
#: Plugins whose per-page work this module replays exactly (config.plugins keys).
SUPPORTED_PLUGINS = frozenset({"material/search", "material/tags", "search", "tags"})
#: Distributions whose code shapes the knowledge base's HTML.
LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "markupsafe", "pyyaml",
             "backrefs", "pygments", "mkdocs-material-extensions")
#: Below this many pages to render, starting worker processes costs more than it saves...
MIN_PAGES = 150
#: ...unless they hold this many characters (Markdown or HTML) together.
MIN_BYTES = 2_000_000

log = logging.getLogger("mkdocs.commands.build")

#: One file lookup a page's links made: (uri, the target's URL or None, is it excluded).
Lookup = tuple[str, "str | None", bool]
#: What a lookup found: (the target's URL or None, is it excluded).
Found = tuple["str | None", bool]
#: A page's search entries as JSON text (_fragment): made by this build, or as the bytes the last
#: build wrote into its index (page_cache.py), which are ASCII.
Fragment = str | memoryview
#: A log record a page's build emitted: (logger name, level, message).
LogEntry = tuple[str, int, str]


@dataclass
class PageRecord:
    """What a page's build left besides its HTML, kept to reuse the page (JSON values only)."""

    markdown: str  # SHA-256 of the Markdown source
    lookups: Sequence[Lookup]  # in a kept record, decoded when first read (page_cache.Packed)
    meta: dict[str, Any]
    title: str | None  # the title taken from the first heading while rendering
    anchors: list[str]  # ids on the page, for other pages' anchor links
    links: dict[str, dict[str, str]]  # target src_uri -> {anchor: link as written}
    search: Fragment  # the page's entries of the search index, as JSON text inside its "docs" list (_fragment)
    logs: list[tuple[int, str, int, str]]  # (phase, logger, level, message)
    listing: str = ""  # on a page holding a tag listing: the hash of every page it lists (_listing_key)

    def to_json(self) -> Any:
        return [self.markdown, list(self.lookups), self.meta, self.title, self.anchors, self.links, self.search,
                self.logs, self.listing]

    @classmethod
    def from_json(cls, value: Any) -> PageRecord | None:
        """The record, or None for anything not shaped like one (a foreign or damaged cache)."""
        try:
            markdown, lookups, page_meta, title, anchors, links, search, logs, listing = value
            record = cls(str(markdown), [(str(u), None if t is None else str(t), bool(x)) for u, t, x in lookups],
                         dict(page_meta), None if title is None else str(title), [str(a) for a in anchors],
                         {str(k): {str(a): str(o) for a, o in v.items()} for k, v in links.items()},
                         str(search), [(int(p), str(n), int(lv), str(m)) for p, n, lv, m in logs],
                         str(listing))
        except (TypeError, ValueError, AttributeError):
            return None
        return record


@dataclass
class Reuse:
    """What the previous build left: its page records, and how to put a page's HTML in place."""

    records: Mapping[str, PageRecord]
    #: The previous build's signature(); pages are reused only while it is unchanged.
    signature: str
    #: Put the previous build's HTML of a page at its destination: (src_uri, dest_uri, absolute
    #: destination) -> True when done, False when it is not there as it was written (then the
    #: page is rendered).
    place: Callable[[str, str, str], bool]
    #: The previous build's config_salt().
    salt: str = ""
    #: The theme's static files as the previous build listed them: (config_salt(), names).
    theme: tuple[str, list[str]] | None = None
    #: What every link target of the records led to as the previous build ended (Result.lookups).
    lookups: Mapping[str, Found] | None = None


@dataclass
class Result:
    """What a build made: each page's record (None: not reusable) and what was reused."""

    records: dict[str, PageRecord | None]
    signature: str
    #: Each page's file, relative to the site folder.
    destinations: dict[str, str] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    #: The configuration's config_salt().
    salt: str = ""
    #: The theme's static files as listed: (config_salt() when listed, names), for `Reuse.theme`.
    theme: tuple[str, list[str]] | None = None
    #: Where each page's search entries are in the search index written (`SEARCH_INDEX`): page ->
    #: (offset, length) in bytes, for pages with entries; None when no index was written.
    search: dict[str, tuple[int, int]] | None = None
    #: What the link targets of every record led to in this build (a superset: it may hold
    #: targets no page links to any more), so the next build looks each up once, not once a page.
    lookups: dict[str, Found] = field(default_factory=dict)


#: The search plugin's index, relative to the site folder (assumptions() checks where it writes).
SEARCH_INDEX = "search/search_index.json"


def supported(config: MkDocsConfig) -> bool:
    """True when every plugin is one this module replays, and no hooks are configured."""
    return set(config.plugins.keys()) <= SUPPORTED_PLUGINS and not config.hooks


def config_salt(config: MkDocsConfig) -> str:
    """A hash of everything in the configuration that shapes pages, and of the libraries'
    versions. Paths of the docs and site folders are left out: they change every build."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version_info[:3]}".encode())
    for name in LIBRARIES:
        digest.update(f"{name}={version(name)}\0".encode())
    skip = {"docs_dir", "site_dir", "config_file_path", "plugins", "theme", "hooks", "watch", "dev_addr"}
    plain = {key: value for key, value in config.items() if key not in skip}
    plain["plugins"] = {name: dict(plugin.config) for name, plugin in config.plugins.items()}
    theme = config.theme
    plain["theme"] = {"name": theme.name, "dirs": theme.dirs, "vars": dict(theme.items()),
                      "static_templates": sorted(theme.static_templates)}
    digest.update(json.dumps(plain, sort_keys=True, default=_plain).encode())
    for folder in theme.dirs:  # a custom_dir of overrides is not covered by a version
        root = Path(folder)
        if "site-packages" in root.parts or "dist-packages" in root.parts:
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """A stable JSON stand-in for configuration values that are not JSON (patterns, enums,
    sets, functions): never a memory address, which changes with every process."""
    patterns = getattr(value, "patterns", None)
    if patterns is not None:
        return [getattr(p, "pattern", str(p)) for p in patterns]
    if isinstance(value, set | frozenset):
        return sorted(map(str, value))
    if isinstance(value, functools.partial):
        return ["partial", _plain(value.func), list(value.args), dict(value.keywords)]
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    if hasattr(value, "items"):
        return dict(value.items())
    return re.sub(r" at 0x[0-9a-fA-F]+", "", f"{type(value).__qualname__}:{value}")


def signature(salt: str, nav: Navigation, listings: list[Page]) -> str:
    """The site-wide inputs of every page: the configuration salt, the navigation (titles and
    URLs, rendered into every page) and the tag listings (tags on every page link to them)."""

    def items(nodes: Any) -> Iterator[Any]:
        for node in nodes:
            if isinstance(node, Section):
                yield ["section", node.title, list(items(node.children))]
            elif isinstance(node, Link):
                yield ["link", node.title, node.url]
            else:
                yield ["page", node.title, node.url, node.file.src_uri]

    shape = [salt, list(items(nav.items)), sorted((p.url, p.title or "") for p in listings)]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()


def _excluded(file: File) -> bool:
    return bool(file.inclusion.is_excluded())  # type: ignore[no-untyped-call]


def markdown_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# --------------------------------------------------------------------------- the build


def build(config: MkDocsConfig, sources: Mapping[str, str | bytes], reuse: Reuse | None,
          templates: jinja2.BytecodeCache | None = None, unread: Mapping[str, str] | None = None,
          listed: bool = False) -> Result:
    """Build the site as `mkdocs build` would (the caller ran `on_startup` and set up logging),
    taking each generated file's content from `sources` (docs-relative path -> content) rather
    than from the docs folder, and reusing pages from `reuse` when they are unchanged. The
    theme's compiled templates are kept in `templates` when given. `unread`: files of the docs
    folder known to hold what the previous build read there, by path -> their Markdown's SHA-256
    (markdown_key); they are read only if their page is rendered. `listed`: the docs folder
    holds exactly the files of `sources` and `unread` (or will: it may still be being written),
    so MkDocs lists them from there instead of walking the folder (`listed_files`)."""
    warnings = CountHandler()
    warnings.setLevel(logging.WARNING)
    if config.strict:
        logging.getLogger("mkdocs").addHandler(warnings)
    try:
        with (shortcuts.compiled_templates(config, templates), shortcuts.tags_export_encoded_in_c(),
              shortcuts.inline_patterns_listed()):
            result = _build(config, sources, reuse, templates, unread or {}, listed)
        if counts := warnings.get_counts():
            message = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {message} in strict mode!")
        return result
    except Exception as error:
        config.plugins.on_build_error(error=error)
        if isinstance(error, BuildError):
            log.error(str(error))
            raise Abort("Aborted with a BuildError!") from error
        raise
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)


def _build(config: MkDocsConfig, sources: Mapping[str, str | bytes], reuse: Reuse | None,
           templates: jinja2.BytecodeCache | None, unread: Mapping[str, str], listed: bool) -> Result:
    config = config.plugins.on_config(config)
    shortcuts.tags_configured_once(config)
    config.plugins.on_pre_build(config=config)
    files = listed_files(config, [*sources, *unread]) if listed else get_files(config)
    env = config.theme.get_env()
    env.bytecode_cache = templates
    theme = shortcuts.add_theme_files(files, env, config, config_salt, reuse.theme if reuse is not None else None)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    for file in files:  # never read what is on disk in the docs folder: the generated content
        if file.src_uri in sources:
            file._content = sources[file.src_uri]  # noqa: SLF001 - what File.generated() sets
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)

    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages: list[Page] = []
    for file in doc_files:
        if file.page is None and file.inclusion.is_not_in_nav():  # type: ignore[no-untyped-call]
            Page(None, file, config)
        assert file.page is not None
        pages.append(file.page)
    progress.stage("Rendering knowledge-base pages", len(pages))  # as MkDocs' build counts them (engine.py)
    heap.keep()  # the files, navigation and pages live to the end of the build

    records = reuse.records if reuse is not None else {}
    salt = config_salt(config)
    looked: dict[str, Found] = {}
    found, moved = _moved(files, reuse.lookups) if reuse is not None and reuse.lookups else (None, None)
    candidates = {p.file.src_uri for p in pages
                  if _unchanged(p, records.get(p.file.src_uri), files, looked, unread.get(p.file.src_uri), moved)}
    # Unchanged pages outside the navigation are read without their Markdown when it cannot
    # matter: same configuration (so the same listing directive) and no tag listing in them.
    in_nav = {page.file.src_uri for page in nav.pages}
    shallow = ({uri for uri in candidates if not records[uri].listing and uri not in in_nav}
               if reuse is not None and reuse.salt == salt and _plain_tags(config) else set())
    read = _read_all(config, files, pages, {u: records[u] for u in candidates}, shallow)
    heap.keep()  # the pages' front matter and the tags plugin's mappings
    site_signature = signature(salt, nav, read.listings)
    if reuse is None or reuse.signature != site_signature:
        candidates = set()
    # A tag listing shows every tagged page: it is decided on once every page's title is known.
    deferred = {p.file.src_uri for p in read.listings} & candidates
    settled = candidates - deferred  # once: a set difference per page was quadratic
    reused = {page.file.src_uri for page in pages if page.file.src_uri in settled and reuse is not None
              and reuse.place(page.file.src_uri, page.file.dest_uri, page.file.abs_dest_path)}

    _STATE[:] = [config, files]
    try:
        first = [p for p in pages if p.file.src_uri not in reused and p.file.src_uri not in deferred]
        for page in first:
            if page.file.src_uri in shallow:  # to be rendered after all: its Markdown is needed now
                page.markdown = _body(page.file.content_string)
        converted = dict(zip((p.file.src_uri for p in first),
                             _in_workers(_convert, first, key=lambda p: -len(p.markdown or "")), strict=True))
        for page in pages:  # what other pages read of each page: title, anchors
            uri = page.file.src_uri
            if uri in reused:
                _restore(page, records[uri], files)
            elif uri in converted and converted[uri].error is None:
                _apply_conversion(page, converted[uri], files)
        listing_key = _listing_key(config)
        for page in read.listings:
            uri = page.file.src_uri
            if (uri in deferred and records[uri].listing == listing_key and reuse is not None
                    and reuse.place(uri, page.file.dest_uri, page.file.abs_dest_path)):
                reused.add(uri)
                _restore(page, records[uri], files)
            elif uri not in converted:
                converted[uri] = _convert(page)
                if converted[uri].error is None:
                    _apply_conversion(page, converted[uri], files)
    finally:
        _STATE.clear()
    todo = [p for p in pages if p.file.src_uri not in reused]
    for page in pages:  # the log records of reading and converting, in page order; the first error
        uri = page.file.src_uri
        if uri in reused:
            _replay([(name, level, message) for phase, name, level, message in records[uri].logs if phase == 1])
            continue
        _replay(read.logs[uri])
        _replay(converted[uri].logs)
        if converted[uri].error is not None:
            raise converted[uri].error

    with shortcuts.listings_left_out(config, reused):
        env = config.plugins.on_env(env, config=config, files=files)
    files.copy_static_files(dirty=False, inclusion=InclusionLevel.is_included)
    for template in sorted(config.theme.static_templates):
        mkdocs_build._build_theme_template(template, env, files, config, nav)
    for template in config.extra_templates:
        mkdocs_build._build_extra_template(template, files, config, nav)

    progress.advance(len(reused))
    for page in todo:  # a file kept in the staging folder may be a link to the published page: never write into it
        _unlink(page.file.abs_dest_path)
    heap.keep()  # the converted pages, forked into the workers that render them
    _STATE[:] = [config, doc_files, nav, env]
    try:
        with shortcuts.navigation_once_per_folder(env, nav):
            built = dict(zip((p.file.src_uri for p in todo),
                             _in_workers(_render, todo, key=lambda p: -len(p.content or ""), counted=True),
                             strict=True))
    finally:
        _STATE.clear()
    fragments: dict[str, Fragment] = {}
    for page in pages:
        uri = page.file.src_uri
        if uri in reused:
            _replay([(name, level, message) for phase, name, level, message in records[uri].logs if phase == 2])
            fragments[uri] = records[uri].search
            continue
        rendered = built[uri]
        _replay(rendered.logs)
        if rendered.error is not None:
            raise rendered.error
        fragments[uri] = rendered.fragment
    plugin = _search_plugin(config)
    index = None
    if plugin is not None:
        plugin.search_index.entries = []
        index = plugin.search_index = _SearchIndex(plugin.search_index,
                                                   [(p.file.src_uri, fragments[p.file.src_uri]) for p in pages])

    for page in pages:
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    config.plugins.on_post_build(config=config)

    made: dict[str, PageRecord | None] = {}
    for page in pages:
        uri = page.file.src_uri
        if uri in reused:
            made[uri] = records[uri]
        else:
            listing = listing_key if page in read.listings else ""
            made[uri] = _record(page, read.meta[uri], read.logs[uri], converted[uri], built[uri], listing)
    destinations = {p.file.src_uri: p.file.dest_uri for p in pages}
    spans = index.spans if index is not None and index.written else None
    lookups = found if found is not None else looked  # every reused page's targets are in it
    for page in todo:
        lookups.update((uri, (url, excluded)) for uri, url, excluded in converted[page.file.src_uri].lookups)
    return Result(made, site_signature, destinations, sorted(reused), [p.file.src_uri for p in todo], salt, theme,
                  spans, lookups)


def listed_files(config: MkDocsConfig, paths: Collection[str]) -> Files:
    """`get_files(config)` for a docs folder holding exactly `paths` (docs-relative, POSIX), without
    looking at it: MkDocs' own function, walking the listing instead of the folder, so the tree
    can be written while MkDocs builds from the files' contents in memory."""
    original = vars(mkdocs_files)["os"]
    setattr(mkdocs_files, "os", _ListedOs(config["docs_dir"], paths))  # noqa: B010 - the module's os, as it names it
    try:
        return get_files(config)
    finally:
        setattr(mkdocs_files, "os", original)  # noqa: B010


class _ListedOs:
    """The `os` module, but for `walk`, which walks a listing of files (top-down, into each
    subfolder in the order the caller leaves the list of subfolders in, as `os.walk` does)."""

    def __init__(self, top: str, paths: Collection[str]) -> None:
        self.top = top
        self.tree: dict[str, tuple[list[str], list[str]]] = {"": ([], [])}  # folder -> (subfolders, files)
        for path in paths:
            folder, _, name = path.rpartition("/")
            self._folder(folder)[1].append(name)

    def _folder(self, folder: str) -> tuple[list[str], list[str]]:
        found = self.tree.get(folder)
        if found is None:
            parent, _, name = folder.rpartition("/")
            self._folder(parent)[0].append(name)
            found = self.tree[folder] = ([], [])
        return found

    def walk(self, top: str, followlinks: bool = False) -> Iterator[tuple[str, list[str], list[str]]]:
        assert top == self.top and followlinks
        yield from self._walk("")

    def _walk(self, folder: str) -> Iterator[tuple[str, list[str], list[str]]]:
        subfolders, files = self.tree[folder]
        names = list(subfolders)
        yield (os.path.join(self.top, *folder.split("/")) if folder else self.top), names, list(files)
        for name in names:
            yield from self._walk(f"{folder}/{name}" if folder else name)

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)


#: What the workers of the phase being run read: [config, files] or [config, doc_files, nav, env].
_STATE: list[Any] = []


def _unchanged(page: Page, record: PageRecord | None, files: Files, looked: dict[str, Found],
               known: str | None = None, moved: set[str] | None = None) -> bool:
    """The page's Markdown (`known`: its hash, without reading it) and every file its links
    looked up are as when `record` was made. `looked` keeps this build's lookups; `moved`: the
    link targets of the records that lead elsewhere than in the last build (every record's
    lookups are what the last build found, Result.lookups), so only a page linking to one is
    looked at (72,000 lookups of 6,000 pages at 5,000 incidents)."""
    if record is None or record.markdown != (known or markdown_key(page.file.content_string)):
        return False
    if moved is not None:
        return not moved or moved.isdisjoint(uri for uri, _, _ in record.lookups)
    for uri, url, excluded in record.lookups:
        found = looked.get(uri)
        if found is None:
            found = looked[uri] = _lookup(files, uri)
        if found[0] != url or found[1] != excluded:
            return False
    return True


def _moved(files: Files, previous: Mapping[str, Found]) -> tuple[dict[str, Found], set[str]]:
    """Where each link target the last build's records hold leads now, and those that lead
    elsewhere than then (appeared, disappeared, moved or excluded): pages linking to them are
    rendered."""
    found = {uri: _lookup(files, uri) for uri in previous}
    return found, {uri for uri, now in found.items() if previous[uri] != now}


def _lookup(files: Files, uri: str) -> Found:
    """What a page's link to `uri` finds, as a page record keeps it."""
    return _found(_file_at(files, uri))


def _found(target: File | None) -> Found:
    """What a lookup found, as records keep it: compared with what a page's links found when
    it was rendered (`_RecordingFiles`), so both must make it here."""
    return (target.url, _excluded(target)) if target is not None else (None, False)


def _file_at(files: Files, uri: str) -> File | None:
    """`files.get_file_from_path(uri)`, which makes a PurePath of every path it is given (half
    of the reuse checks of a rebuild at 5,000 incidents); a path that is a file's `src_uri` is
    already in the form it makes, so only the others go through it."""
    found = files.src_uris.get(uri)
    return found if found is not None else files.get_file_from_path(uri)


def _plain_tags(config: MkDocsConfig) -> bool:
    """The tags plugin (if any) reads nothing of a page's Markdown but its listing directives:
    not the deprecated `tags_file` or `tags_extra_files`, which add listings of their own."""
    tags = shortcuts.tags_plugin(config)
    settings = getattr(tags, "config", None)
    return tags is None or (settings is not None and not settings.get("tags_file")
                            and not settings.get("tags_extra_files"))


# --------------------------------------------------------------------------- phase 1: reading


@dataclass
class _Read:
    """What reading every page found: the pages holding a tag listing, and per page the front
    matter as read (before any plugin saw it) and the log records of reading it."""

    listings: list[Page]
    meta: dict[str, dict[str, Any]]
    logs: dict[str, list[LogEntry]]


def _read_all(config: MkDocsConfig, files: Files, pages: list[Page], known: Mapping[str, PageRecord],
              shallow: set[str]) -> _Read:
    """Read every page's source and run the `page_markdown` events in page order (the tags
    plugin collects each page's tags there). A page with a record gets its front matter from
    it instead of parsing the YAML again; a `shallow` one also gets empty Markdown (it holds no
    listing, the tags plugin reads only its front matter; see _build)."""
    tags = shortcuts.tags_plugin(config)
    read = _Read([], {}, {})
    failure: BaseException | None = None
    with _capturing() as capture:  # one capture for all pages, each page's records apart
        for page in pages:
            uri = page.file.src_uri
            capture.entries = read.logs[uri] = []
            try:
                with _reading(config, page):
                    page = config.plugins.on_pre_page(page, config=config, files=files)
                    record = known.get(uri)
                    if record is not None:  # its front matter as read before, copied
                        page.markdown = "" if uri in shallow else _body(page.file.content_string)
                        page.meta = _copy(record.meta)
                        read.meta[uri] = record.meta
                    else:
                        page.read_source(config)
                        read.meta[uri] = copy.deepcopy(dict(page.meta))
                    before = _listing_count(tags)
                    page.markdown = config.plugins.on_page_markdown(page.markdown or "", page=page, config=config,
                                                                    files=files)
                    if _listing_count(tags) != before:
                        read.listings.append(page)
            except Exception as error:
                failure = error
                break
    if failure is not None:
        for logs in read.logs.values():  # the pages read so far, the failing one last
            _replay(logs)
        raise failure
    return read


def _listing_key(config: MkDocsConfig) -> str:
    """What a tag listing shows: every tagged page's URL, title and tags, in page order."""
    tags = shortcuts.tags_plugin(config)
    mappings = getattr(tags, "mappings", None)
    paths: dict[tuple[int, ...], list[Any]] = {}  # pages with the same tag list share its tags (shortcuts)
    shown: list[Any] = []  # encoded once: a json.dumps per page was a third of this
    for mapping in mappings or ():
        key = tuple(map(id, mapping.tags))
        names = paths.get(key)
        if names is None:
            names = paths[key] = sorted(_tag_path(t) for t in mapping.tags)
        shown.append((mapping.item.url, mapping.item.title, names))
    return hashlib.sha256(json.dumps(shown).encode("utf-8", "surrogatepass")).hexdigest()


def _tag_path(tag: Any) -> list[Any]:
    """A tag with its hidden flag and its parents (hierarchical tags)."""
    path: list[Any] = []
    while tag is not None:
        path.append([tag.name, bool(tag.hidden)])
        tag = tag.parent
    return path


def _listing_count(tags: Any) -> int:
    return len(getattr(getattr(tags, "listings", None), "data", ()))


def _body(source: str) -> str:
    """The Markdown after the front matter, as `meta.get_data` returns it."""
    found = meta.YAML_RE.match(source)
    return source[found.end() :].lstrip("\n") if found else meta.get_data(source)[0]


@contextmanager
def _reading(config: MkDocsConfig, page: Page) -> Iterator[None]:
    """As `_populate_page`: the current page set, errors logged with the page's path."""
    config._current_page = page  # noqa: SLF001
    try:
        yield
    except Exception as error:
        message = f"Error reading page '{page.file.src_uri}':"
        if not isinstance(error, BuildError):
            message += f" {error}"
        log.error(message)
        raise
    finally:
        config._current_page = None  # noqa: SLF001


class _RecordingFiles:
    """The site's files as a page's links see them, noting every lookup."""

    def __init__(self, files: Files) -> None:
        self.files = files
        self.lookups: dict[str, Lookup] = {}

    def get_file_from_path(self, path: str) -> File | None:
        found = self.files.get_file_from_path(path)
        self.lookups[path] = (path, *_found(found))
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.files, name)


@dataclass
class _Converted:
    """What converting a page's Markdown made, as sent back from a worker."""

    content: str
    toc: Any
    title: str | None
    anchors: set[str]
    links: dict[str, dict[str, str]]
    lookups: list[Lookup]
    logs: list[LogEntry]
    error: BaseException | None = None


def _convert(page: Page) -> _Converted:
    """Phase 1 of one page after reading, as `_populate_page`: Markdown to HTML."""
    config, files = _STATE
    recording = _RecordingFiles(files)
    with _captured() as logs:
        try:
            with _reading(config, page):
                page.render(config, recording)  # type: ignore[arg-type]
                page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
        except Exception as error:  # raised again in the parent, in page order
            return _Converted("", None, None, set(), {}, [], logs, _sendable(error))
    links = {target.src_uri: dict(anchors) for target, anchors in (page.links_to_anchors or {}).items()}
    return _Converted(page.content or "", page.toc, page._title_from_render,  # noqa: SLF001
                      set(page.present_anchor_ids or ()), links, sorted(recording.lookups.values()), logs)


def _apply_conversion(page: Page, done: _Converted, files: Files) -> None:
    page.content, page.toc, page._title_from_render = done.content, done.toc, done.title  # noqa: SLF001
    page.present_anchor_ids = done.anchors
    page.links_to_anchors = _targets(done.links, files)


def _restore(page: Page, record: PageRecord, files: Files) -> None:
    """A reused page as its rendering left it, as far as other pages and the build read it."""
    page.content = ""  # rendered: the title no longer comes from the Markdown's first line
    page._title_from_render = record.title  # noqa: SLF001
    page.present_anchor_ids = set(record.anchors)
    page.links_to_anchors = _targets(record.links, files)


def _targets(links: dict[str, dict[str, str]], files: Files) -> dict[File, dict[str, str]]:
    """`Page.links_to_anchors` from what a page's links led to (target src_uri -> anchors).
    Looked up by `src_uris`, where `get_file_from_path` makes a PurePath of each path first
    (0.4 s of a rebuild at 5,000 incidents: the follow-up tracker links every action item)."""
    by_uri = files.src_uris
    return {target: anchors for uri, anchors in links.items() if (target := by_uri.get(uri)) is not None}


def _sendable(error: BaseException) -> BaseException:
    """The error itself if it can travel back from a worker, else its text in a RuntimeError."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


# --------------------------------------------------------------------------- phase 2: rendering


@dataclass
class _Rendered:
    """What rendering a page's template made besides the file: its search entries, as JSON text
    (`_fragment`, encoded in the worker: the build process encoded every page's twice), and logs."""

    fragment: str
    logs: list[LogEntry]
    error: BaseException | None = None


def _render(page: Page) -> _Rendered:
    """Phase 2 of one page: the theme template, written to the site folder. The search entries
    its `page_context` event added are taken back out, so the caller adds them in page order."""
    config, doc_files, nav, env = _STATE
    search = _search_index(config)
    before = len(search.entries) if search is not None else 0
    with _captured() as logs:
        try:
            mkdocs_build._build_page(page, config, doc_files, nav, env, False,
                                     excluded=_excluded(page.file))
        except Exception as error:
            return _Rendered("", logs, _sendable(error))
    added: list[dict[str, Any]] = []
    if search is not None:
        added = search.entries[before:]
        del search.entries[before:]
    return _Rendered(_fragment(added), logs)


def _in_workers(run: Callable[[Page], Any], pages: list[Page], key: Callable[[Page], int],
                counted: bool = False) -> list[Any]:
    """`[run(p) for p in pages]` on every core when there are enough pages, or a few very big
    ones (a rebuild that renders the index pages of a large organisation); the biggest pages go
    first so they do not end last. `key` is minus a page's size. `counted`: each page is a step
    of the progress stage."""
    order = sorted(range(len(pages)), key=lambda i: (key(pages[i]), i))
    big = -sum(key(page) for page in pages) > MIN_BYTES
    results = run_all(lambda i: run(pages[i]), order, 2 if big else MIN_PAGES, counted)
    by_index = dict(zip(order, results, strict=True))
    return [by_index[i] for i in range(len(pages))]


def _unlink(path: str) -> None:
    with suppress(FileNotFoundError):
        os.unlink(path)


def _fragment(entries: list[dict[str, Any]]) -> str:
    """A page's search entries as they appear inside the index's "docs" list: encoded as the
    search plugin encodes the whole index (`generate_search_index`), without the brackets."""
    return json.dumps(entries, separators=(",", ":"), default=str)[1:-1]


class _SearchIndex:
    """Material's search index with its entries given as JSON text, page by page, so reused
    pages' entries are never decoded: the plugin writes `{"config":...,"docs":[...]}` as
    `json.dumps` of its entries would (the plugin makes the "config" part itself). Notes where
    each page's entries are in the text (`spans`, in bytes: the text is ASCII), so the next
    build can take them from the file written (page_cache.py), as bytes: the index is made as
    bytes in one join (`_Encoded`)."""

    def __init__(self, index: Any, fragments: list[tuple[str, Fragment]]) -> None:
        self.index, self.fragments = index, fragments
        self.spans: dict[str, tuple[int, int]] = {}
        self.written = False

    def generate_search_index(self, prev: Any) -> str:
        empty = str(self.index.generate_search_index(prev))
        if not empty.endswith(_EMPTY_DOCS):  # pragma: no cover - assumptions() checks this
            raise BuildError("the search plugin's index does not end with its list of entries")
        head = (empty[: -len(_EMPTY_DOCS)] + '"docs":[').encode("utf-8")
        position = len(head)
        parts: list[bytes | memoryview] = [head]
        for uri, fragment in self.fragments:
            if fragment:
                if len(parts) > 1:
                    parts.append(b",")
                    position += 1
                data = fragment.encode("ascii") if isinstance(fragment, str) else fragment  # JSON with ensure_ascii
                self.spans[uri] = (position, len(data))
                parts.append(data)
                position += len(data)
        parts.append(b"]}")
        self.written = True
        return _Encoded(b"".join(parts))


class _Encoded(str):
    """The search index as the plugin writes it: `data.encode("utf-8")` of what
    `generate_search_index` returns, and nothing else (assumptions() checks this), so that
    returns its bytes already made. Joining the index at 5,000 incidents (35 MB) as text, adding
    its head and encoding it copied it three times (a tenth of a second of every rebuild)."""

    def __new__(cls, data: bytes) -> _Encoded:
        made = super().__new__(cls, "")
        made.data = data
        return made

    data: bytes

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return self.data


_EMPTY_DOCS = '"docs":[]}'


def _search_plugin(config: MkDocsConfig) -> Any:
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    return plugin if plugin is not None and plugin.config.enabled and hasattr(plugin, "search_index") else None


def _search_index(config: MkDocsConfig) -> Any:
    plugin = _search_plugin(config)
    return plugin.search_index if plugin is not None else None


def _record(page: Page, page_meta: dict[str, Any], reading: list[LogEntry], done: _Converted,
            rendered: _Rendered, listing: str) -> PageRecord | None:
    """What to keep of a page just built; None when something in it is not plain JSON."""
    logs = [(1, *entry) for entry in [*reading, *done.logs]] + [(2, *entry) for entry in rendered.logs]
    record = PageRecord(markdown_key(page.file.content_string), done.lookups, page_meta, done.title,
                        sorted(done.anchors), done.links, rendered.fragment, logs, listing)
    try:  # the rest is strings made here; front matter is the user's YAML (dates, tuples, number keys)
        if json.loads(json.dumps(page_meta)) != page_meta:
            return None
    except (TypeError, ValueError):
        return None
    return record


# --------------------------------------------------------------------------- logging


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.entries: list[LogEntry] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.INFO:
            self.entries.append((record.name, record.levelno, record.getMessage()))


@contextmanager
def _captured() -> Iterator[list[LogEntry]]:
    """Take MkDocs' log records away from its handlers while a page is built, to replay them
    (in the parent process, in page order) with `_replay`."""
    with _capturing() as capture:
        yield capture.entries


@contextmanager
def _capturing() -> Iterator[_Capture]:
    """`_captured()` for many pages in a row: set the handler's `entries` for each page."""
    root = logging.getLogger("mkdocs")
    capture = _Capture()
    handlers, propagate = root.handlers[:], root.propagate
    root.handlers, root.propagate = [capture], False
    try:
        yield capture
    finally:
        root.handlers, root.propagate = handlers, propagate


def _copy(value: Any) -> Any:
    """A deep copy of JSON values (a page record's front matter), faster than a JSON round trip."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _replay(entries: list[LogEntry]) -> None:
    for name, level, message in entries:
        logging.getLogger(name).log(level, "%s", message)


# --------------------------------------------------------------------------- assumptions


def assumptions() -> list[str]:
    """What this module uses inside MkDocs and Material that is not their documented API,
    each as a check; the names of those that do not hold. Tests fail loudly on any."""
    from material.plugins.search.plugin import SearchIndex, SearchPlugin  # type: ignore[import-untyped]
    from material.plugins.tags.plugin import TagsPlugin  # type: ignore[import-untyped]
    from material.plugins.tags.structure.listing.manager import ListingManager  # type: ignore[import-untyped]

    def params(function: Any) -> list[str]:
        return list(inspect.signature(function).parameters)

    checks = {
        "mkdocs is 1.6.1": metadata.version("mkdocs") == "1.6.1",
        "material is 9.x": metadata.version("mkdocs-material").startswith("9."),
        "_build_page(page, config, doc_files, nav, env, dirty, excluded)":
            params(mkdocs_build._build_page) == ["page", "config", "doc_files", "nav", "env", "dirty", "excluded"],
        "_build_theme_template(template_name, env, files, config, nav)":
            params(mkdocs_build._build_theme_template) == ["template_name", "env", "files", "config", "nav"],
        "_build_extra_template(template_name, files, config, nav)":
            params(mkdocs_build._build_extra_template) == ["template_name", "files", "config", "nav"],
        "_populate_page reads, converts and runs page events as replayed here":
            all(word in inspect.getsource(mkdocs_build._populate_page)
                for word in ("on_pre_page", "read_source", "on_page_markdown", "page.render", "on_page_content")),
        "build() runs the events and steps in the order replayed here": _build_order_holds(),
        "File._content holds generated content": "self._content" in inspect.getsource(File.copy_file),
        "get_files looks at the docs folder only through os.walk(docs_dir, followlinks=True), sorting subfolders":
            _listing_holds(inspect.getsource(get_files)),
        "Page.render(config, files) looks files up only through get_file_from_path":
            params(Page.render) == ["self", "config", "files"]
            and "self.files.get_file_from_path" in inspect.getsource(
                __import__("mkdocs.structure.pages", fromlist=["_RelativePathTreeprocessor"])
                ._RelativePathTreeprocessor.path_to_url),
        "Files.get_file_from_path looks src_uris up by PurePath(path).as_posix()":
            "return self._src_uris.get(PurePath(path).as_posix())" in inspect.getsource(Files.get_file_from_path)
            and "return self._src_uris" in inspect.getsource(vars(Files)["src_uris"].fget),
        "Page keeps _title_from_render, present_anchor_ids, links_to_anchors":
            all(name in inspect.getsource(Page.render)
                for name in ("_title_from_render", "present_anchor_ids", "links_to_anchors")),
        "meta.YAML_RE splits front matter": hasattr(meta, "YAML_RE") and hasattr(meta, "get_data"),
        "search keeps entries in SearchIndex.entries, added in on_page_context":
            "self.entries.append" in inspect.getsource(SearchIndex.create_entry_for_section)
            and "add_entry_from_context" in inspect.getsource(SearchPlugin.on_page_context)
            and "self.search_index.generate_search_index" in inspect.getsource(SearchPlugin.on_post_build),
        f"search writes its index as it is generated into {SEARCH_INDEX}": _index_file_holds(
            inspect.getsource(SearchPlugin.on_post_build)),
        "search writes its index as json.dumps({config, docs: entries}, separators=(',', ':'), default=str)":
            _index_encoding_holds(inspect.getsource(SearchIndex.generate_search_index)),
        "tags collects mappings and listings in on_page_markdown, renders listings in on_env":
            "self.listings.add" in inspect.getsource(TagsPlugin.on_page_markdown)
            and "populate_all" in inspect.getsource(TagsPlugin.on_env)
            and "self.data.add" in inspect.getsource(ListingManager.add),
        "search and tags have no other per-page events": _no_other_events(SearchPlugin, TagsPlugin),
    }
    checks.update(shortcuts.assumptions())
    return [name for name, holds in checks.items() if not holds]


def _index_encoding_holds(source: str) -> bool:
    """The index is `{"config": ..., "docs": entries}` encoded in one `json.dumps` call, so a page's
    entries encoded alone (`_fragment`) are the same text as inside it."""
    compact = re.sub(r"\s+", "", source)
    return ('data={"config":config,"docs":self.entries}' in compact
            and 'json.dumps(data,separators=(",",":"),default=str)' in compact)


def _index_file_holds(source: str) -> bool:
    """The index generated is written, encoded, into `SEARCH_INDEX` under the site folder (the
    page cache takes reused pages' entries from there, by `_SearchIndex.spans`)."""
    compact = re.sub(r"\s+", "", source)
    code = "\n".join(line for line in source.splitlines() if not line.strip().startswith("#"))
    folder, name = SEARCH_INDEX.split("/")
    return (f'base=os.path.join(config.site_dir,"{folder}")' in compact
            and f'path=os.path.join(base,"{name}")' in compact
            and "data=self.search_index.generate_search_index(self.search_index_prev)" in compact
            and 'utils.write_file(data.encode("utf-8"),path)' in compact
            and len(re.findall(r"\bdata\b", code)) == 2)  # made, encoded and written: nothing else (_Encoded)


def _listing_holds(source: str) -> bool:
    """`listed_files` may hand get_files a walk of a listing: it walks the folder once, with
    `os.walk(config['docs_dir'], followlinks=True)`, sorts the subfolders in place and reads
    nothing else of the disk (its `os` calls are that walk and path arithmetic)."""
    calls = set(re.findall(r"\bos\.[\w.]+", source))
    return ("os.walk(config['docs_dir'], followlinks=True)" in source and "dirnames.sort()" in source
            and calls == {"os.walk", "os.path.relpath", "os.path.join"})


def _build_order_holds() -> bool:
    source = inspect.getsource(mkdocs_build.build)
    steps = ["on_config", "on_pre_build", "get_files", "add_files_from_theme", "on_files", "set_exclusions",
             "get_navigation", "on_nav", "_populate_page", "on_env", "copy_static_files", "static_templates",
             "extra_templates", "_build_page", "validate_anchor_links", "on_post_build"]
    positions = [source.find(step) for step in steps]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


def _no_other_events(*plugins: type) -> bool:
    allowed = {"on_startup", "on_config", "on_page_context", "on_post_build", "on_serve", "on_page_markdown",
               "on_env", "on_shutdown"}
    return all(name in allowed for plugin in plugins for name in vars(plugin) if name.startswith("on_"))
