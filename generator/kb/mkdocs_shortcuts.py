"""Shortcuts through MkDocs', Material's and Python-Markdown's own work that every build pays
for and that change no byte of output; each relies on an internal, checked by `assumptions()` (which
mkdocs_run.assumptions() includes, so tests/test_kb_incremental.py fails loudly when one breaks).
"""

from __future__ import annotations

import inspect
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

import jinja2
from mkdocs.config.base import BaseConfigOption
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files


def add_theme_files(files: Files, env: jinja2.Environment, config: MkDocsConfig, salt: Callable[[MkDocsConfig], str],
                    known: tuple[str, list[str]] | None) -> tuple[str, list[str]]:
    """`files.add_files_from_theme(env, config)`, with the theme's file names as the previous
    build listed them while the configuration salt is the same: MkDocs walks every theme folder
    for them (Material's holds 14,500 files, its icons, 0.15 s of every build). The salt covers
    what the listing depends on: the theme folders and static templates (the filter), the
    versions of the packaged themes and every file of the others. Returns (salt, names)."""
    key = salt(config)
    listed: list[str] = []
    original = env.list_templates

    def list_templates(extensions: Any = None, filter_func: Any = None) -> list[str]:
        if known is not None and known[0] == key:
            names = list(known[1])
        else:
            names = original(extensions=extensions, filter_func=filter_func)
        listed.extend(names)
        return names

    env.list_templates = list_templates  # type: ignore[method-assign]
    try:
        files.add_files_from_theme(env, config)
    finally:
        del env.list_templates
    return key, listed


@contextmanager
def compiled_templates(config: MkDocsConfig, templates: jinja2.BytecodeCache | None) -> Iterator[None]:
    """Every Jinja environment made from the theme while building uses the kept compiled
    templates: Material's search plugin makes three of its own in `on_config`, each compiling
    its language templates again (a tenth of a second of every build). Compiled templates are
    the same templates: the output does not change."""
    theme = config.theme
    if templates is None:
        yield
        return
    make = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make()
        env.bytecode_cache = templates
        return env

    theme.get_env = get_env  # type: ignore[method-assign]
    try:
        yield
    finally:
        del theme.get_env


@contextmanager
def tags_export_encoded_in_c() -> Iterator[None]:
    """The tags plugin writes its export (`tags.json`) with `json.dump`, which always encodes in
    Python: 0.15 s at 1,000 incidents. `json.dumps` with the same settings makes the same text
    with the C encoder, so the plugin's module gets a `json` whose `dump` writes that."""
    from material.plugins.tags.structure.mapping import storage  # type: ignore[import-untyped]

    class _Json:
        def __getattr__(self, name: str) -> Any:
            return getattr(json, name)

        @staticmethod
        def dump(value: Any, file: Any) -> None:
            file.write(json.dumps(value))

    original = storage.json
    storage.json = _Json()
    try:
        yield
    finally:
        storage.json = original


@contextmanager
def inline_patterns_listed() -> Iterator[None]:
    """While the block runs, Python-Markdown's inline processor tries the inline patterns from a
    list of them, in the registry's order, instead of from the registry: it tries every pattern
    on every piece of text, and `Registry.__getitem__` sorts and looks the pattern up again each
    time (a twentieth of converting a page). The same patterns in the same order make the same
    HTML; the processor gets its registry back when its run ends. (No extension registers an
    inline pattern while a page is converted: they register when the converter is made.)"""
    from markdown.treeprocessors import InlineProcessor

    original = InlineProcessor.run

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        registry = self.inlinePatterns
        self.inlinePatterns = list(registry)
        try:
            return original(self, *args, **kwargs)
        finally:
            self.inlinePatterns = registry

    InlineProcessor.run = run  # type: ignore[method-assign]
    try:
        yield
    finally:
        InlineProcessor.run = original  # type: ignore[method-assign]


#: Material's navigation partial and the partials it includes (`navigation_once_per_folder`)...
NAVIGATION = ("partials/nav.html", "partials/nav-item.html", "partials/logo.html", "partials/source.html")
#: ...and the templates including it, for every page.
_INCLUDERS = ("main.html", "base.html")
#: What each of them reads that it does not make (jinja2.meta), and which of those it may read
#: from the including template's variables (set in one branch only, read in another).
_NAVIGATION_READS = {
    "partials/nav.html": {"config", "features", "lang", "nav"},
    "partials/nav-item.html": {"checked", "config", "features", "first", "indeterminate", "index", "is_pruned",
                               "is_section", "page", "tabindex", "toc"},
    "partials/logo.html": {"config", "icon"},
    "partials/source.html": {"config", "lang"},
}
_FROM_INCLUDER = {"checked", "first", "indeterminate", "index", "is_pruned", "is_section", "tabindex", "toc", "icon"}


@contextmanager
def navigation_once_per_folder(env: jinja2.Environment, nav: Any) -> Iterator[None]:
    """While the block runs (pages' theme templates rendered with `env`), Material's navigation
    partial, the whole navigation rendered into every page (a tenth of rendering one), is
    rendered once per folder for the pages outside the navigation, and its HTML repeated for
    the others. On such a page no item of the navigation is active or is the page, so the
    partial reads nothing of the page but its URL, through the `url` filter, which makes links
    relative to the page's folder. Only with Material's own partials: an override in a theme
    folder is rendered for every page."""
    own = str(resources.files("material") / "templates") + os.sep
    try:
        templates = [env.get_template(name) for name in (*NAVIGATION, *_INCLUDERS)]
    except jinja2.TemplateNotFound:  # another theme
        templates = []
    if not templates or not all((template.filename or "").startswith(own) for template in templates):
        yield
        return
    partial = templates[0]
    original = partial.root_render_func
    in_nav = {id(page) for page in nav.pages}
    made: dict[str, str] = {}

    def render(context: Any) -> Iterator[str]:
        page = context.get("page")
        if page is None or id(page) in in_nav or "template" in page.meta:  # its own main template
            yield from original(context)
            return
        folder = url_folder(page.url)
        html = made.get(folder)
        if html is None:
            html = made[folder] = "".join(original(context))
        yield html

    partial.root_render_func = render
    try:
        yield
    finally:
        partial.root_render_func = original


def url_folder(url: str) -> str:
    """What MkDocs makes links relative to on the page at `url` (`utils.get_relative_url`): its
    folder, when the last part of the URL is a file name (holds a dot)."""
    folder, _, name = url.rpartition("/")
    return folder if "." in name else url


def forget_validated() -> None:
    """Drop what validating a configuration left in MkDocs' configuration schema, one set of
    option objects shared by every configuration (MkDocsConfig's class attributes): options keep
    the configuration they validated (`_config`), the plugins option the plugins it made
    (`plugins`) and every plugin with a startup event (`plugin_cache`, for `mkdocs serve`,
    which reloads the configuration but starts its plugins once). Through them a process that
    builds again and again (the preview) kept the last build's configuration, plugins and,
    through the tags plugin, every page until the next build had made its own. Each build
    here starts and shuts its plugins down itself (`run_build`), so they need not live on."""
    options = [option for _, option in MkDocsConfig._schema]
    seen: set[int] = set()
    while options:
        option = options.pop()
        if id(option) in seen:
            continue
        seen.add(id(option))
        state = vars(option)
        if state.get("_config") is not None:
            state["_config"] = None
        if isinstance(state.get("plugin_cache"), dict):
            state["plugin_cache"].clear()
            state.pop("plugins", None)
        options.extend(value for value in state.values() if isinstance(value, BaseConfigOption))


def tags_plugin(config: MkDocsConfig) -> Any:
    """The tags plugin of the configuration, under either name it can be given, or None."""
    return config.plugins.get("material/tags") or config.plugins.get("tags")


def tags_configured_once(config: MkDocsConfig) -> None:
    """The tags plugin validates and configures a page's tags (`MappingManager.add`: a `Tag` per
    name, its hierarchy and shadow flags) for every page, every build: a third of a second at
    5,000 incidents, whose 6,000 pages hold 4,400 distinct tag lists of 100 distinct tags.
    Validating and configuring reads only the list and the plugin's settings, and no tag is
    changed afterwards, so pages with the same list share the same `Tag` objects, and lists
    with the same tag share that tag, configured once: a list's tags are added to its page's
    mapping in the order the plugin adds them (validating makes a set of one `Tag` per item, in
    order, and tags hash and compare by name, which configuring keeps). Call after `on_config`,
    which makes the plugin's managers; a list holding anything but strings, numbers and
    booleans goes to the plugin's own `add` (which reports it), and so does every list when the
    plugin allows only some tags."""
    tags = tags_plugin(config)
    manager = getattr(tags, "mappings", None)
    if manager is None:
        return
    from material.plugins.tags.structure.mapping import Mapping
    from material.plugins.tags.structure.tag import Tag  # type: ignore[import-untyped]

    original = manager.add
    name = manager.config.tags_name_property
    configured: dict[tuple[Any, ...], list[Any]] = {}
    single: dict[tuple[Any, ...], Any] = {}  # (type, item) -> its tag, configured

    def tag_of(item: Any) -> Any:
        key = (type(item), item)
        found = single.get(key)
        if found is None:
            found = single[key] = manager._configure(Tag(str(item)))  # noqa: SLF001
        return found

    def add(page: Any, markdown: str) -> Any:
        value = page.meta.get(name, [])
        if (not value or not isinstance(value, list) or not all(type(v) in _SCALARS for v in value)
                or manager.format.allowed):
            return original(page, markdown)
        key = tuple((type(v), v) for v in value)
        found = configured.get(key)
        if found is None:
            validated = set()  # as TagSet.run_validation makes it: the same names, in the same order
            for item in value:
                validated.add(tag_of(item))
            found = configured[key] = list(validated)
        mapping = Mapping(page)
        manager.data[page.url] = mapping
        for tag in found:
            mapping.tags.add(tag)
        return mapping

    manager.add = add


_SCALARS = (str, int, float, bool)


@contextmanager
def listings_left_out(config: MkDocsConfig, reused: set[str]) -> Iterator[None]:
    """While the block runs (the `env` event, where the tags plugin populates every listing),
    the listings on reused pages are left out: populating one renders a tag template per tag
    into its page's HTML, which a reused page does not use (its HTML is the last build's), and
    nothing else reads what populating made (other pages' tags link to a listing through its
    page's URL and title only)."""
    tags = tags_plugin(config)
    listings = getattr(tags, "listings", None)
    data = getattr(listings, "data", None)
    if not isinstance(data, set) or not reused:
        yield
        return
    assert listings is not None
    listings.data = {listing for listing in data if listing.page.file.src_uri not in reused}
    try:
        yield
    finally:
        listings.data = data


# --------------------------------------------------------------------------- assumptions


def assumptions() -> dict[str, bool]:
    """What the shortcuts rely on, by name: True where it holds."""
    from markdown.treeprocessors import InlineProcessor
    from markdown.util import Registry
    from material.plugins.search.plugin import SearchPlugin  # type: ignore[import-untyped]
    from material.plugins.tags.plugin import TagsPlugin  # type: ignore[import-untyped]
    from material.plugins.tags.structure.listing.manager import ListingManager  # type: ignore[import-untyped]
    from material.plugins.tags.structure.mapping import storage as tags_storage
    from material.plugins.tags.structure.mapping.manager import MappingManager  # type: ignore[import-untyped]
    from material.plugins.tags.structure.mapping.storage import MappingStorage  # type: ignore[import-untyped]
    from material.plugins.tags.structure.tag.options import TagSet  # type: ignore[import-untyped]
    from mkdocs.config import config_options
    from mkdocs.theme import Theme

    return {
        "validated options keep their configuration as _config, the plugins option plugins and plugin_cache":
            _validated_state_holds(inspect.getsource(config_options)),
        "Material's navigation reads nothing of a page outside it but its folder, through the url filter":
            _navigation_holds(),
        "the inline processor reads its patterns by len() and index only; a registry iterates in index order":
            _inline_patterns_hold(inspect.getsource(InlineProcessor), _code(Registry.__iter__),
                                  _code(Registry.__getitem__)),
        "add_files_from_theme lists the theme once, filtered by the static templates only":
            _theme_listing_holds(inspect.getsource(Files.add_files_from_theme)),
        "Theme.get_env makes each Jinja environment; search's on_config makes its own":
            "config.theme.get_env()" in inspect.getsource(SearchPlugin._translate)
            and "def get_env(self)" in inspect.getsource(Theme),
        "the tags plugin exports with json.dump(value, file) and nothing else of json":
            _export_holds(inspect.getsource(MappingStorage.save), inspect.getsource(tags_storage)),
        "the tags plugin makes a page's mapping from its tag list and the settings alone":
            _mapping_holds(MappingManager, TagSet),
        "the tags plugin populates each listing in on_env, changing only the listing and its page":
            _populate_holds(inspect.getsource(TagsPlugin.on_env), inspect.getsource(ListingManager.populate_all),
                            inspect.getsource(ListingManager.populate)),
    }


def _validated_state_holds(options: str) -> bool:
    """`forget_validated` finds what validating leaves behind: the schema is (name, option)
    pairs; options keep the configuration they validate as `_config`, the plugins option its
    collection as `plugins` and its plugins as `plugin_cache`."""
    schema = MkDocsConfig._schema
    return (isinstance(schema, tuple) and all(isinstance(o, BaseConfigOption) for _, o in schema)
            and "self._config = config" in options and "self.plugins = plugins.PluginCollection()" in options
            and "self.plugin_cache[inst_name] = plugin" in options)


def _code(function: Any) -> str:
    """A function's source without comments, docstrings and blank lines."""
    source = inspect.getsource(function)
    source = re.sub(r'"""(.|\n)*?"""', "", source)
    return "\n".join(line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))


def _mapping_holds(manager: Any, tag_set: Any) -> bool:
    """`tags_configured_once` may share a tag list's `Tag` objects: `add` makes a mapping, adds
    each validated tag as `_configure` makes it and nothing else; validating and configuring
    read the list and the settings, never the page; nothing in the plugin changes a tag later."""
    add = _code(manager.add)
    expected = ["assert isinstance(markdown, str)", "tags = self.config.tags_name_property",
                "if not page.meta.get(tags, []):", "return", "mapping = Mapping(page)",
                "self.data[page.url] = mapping", "for tag in self.format.validate(page.meta[tags]):",
                "mapping.tags.add(self._configure(tag))", "return mapping"]
    configure = [_code(getattr(manager, name)) for name in ("_configure", "_configure_hierarchy", "_configure_shadow")]
    return (add.splitlines()[1:] == expected and not any("page" in code for code in configure)
            and "page" not in _code(tag_set.run_validation) and _tags_never_changed()
            and _one_tag_per_item(tag_set, configure))


def _one_tag_per_item(tag_set: Any, configure: list[str]) -> bool:
    """`tags_configured_once` may configure each item of a list alone: validating makes a set
    of `Tag(str(item))` in the list's order and checks nothing across items but the allowed
    tags; a tag hashes and compares by its name; configuring returns a tag of the same name
    (a hierarchy's last tag joins every part again)."""
    from material.plugins.tags.structure.tag import Tag

    validate = _code(tag_set.run_validation)
    hierarchy = configure[1]
    uses = [line for line in validate.splitlines() if re.match(r"[^\"']*\btags\b", line)]  # not in messages
    return ("for index, tag in enumerate(value):" in validate
            and uses == ["tags: set[Tag] = set()", "tags.add(Tag(str(tag)))", "invalid = tags.difference(self.allowed)",
                         "return tags"]
            and "return hash(self.name)" in _code(Tag.__hash__)
            and "return self.name == other.name" in _code(Tag.__eq__)
            and "root, *rest = tag.name.split(separator)" in hierarchy
            and "separator.join([tag.name, name])," in hierarchy and hierarchy.endswith("return tag")
            and "return self._configure_shadow(tag, tag.name)" in configure[0]
            and configure[2].endswith("return tag"))


def _tags_never_changed() -> bool:
    """No module of the tags plugin assigns to a tag's name, parent or hidden flag, but the
    `Tag` constructor and the configuring methods of the mapping manager."""
    from importlib import resources

    root = resources.files("material.plugins.tags")
    allowed = {"structure/tag/__init__.py", "structure/mapping/manager/__init__.py"}

    def sources(folder: Any, prefix: str) -> Iterator[tuple[str, str]]:
        for entry in folder.iterdir():
            if entry.is_dir():
                yield from sources(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".py"):
                yield f"{prefix}{entry.name}", entry.read_text(encoding="utf-8")

    found = list(sources(root, ""))
    return bool(found) and not any(re.search(r"\.(hidden|parent|name)\s*=[^=]", text)
                                   for path, text in found if path not in allowed)


def _populate_holds(on_env: str, populate_all: str, populate: str) -> bool:
    """`listings_left_out` may leave listings out of the `env` event: it populates the listings
    of `self.listings.data`, each by `populate`, which assigns to the listing, its trees and
    its page's content only."""
    targets = set(re.findall(r"^\s*([\w.]+)\s*=[^=]", populate, re.M))
    return ("self.listings.populate_all(self.mappings, Renderer(env, config))" in on_env
            and "for listing in self.data:" in populate_all
            and "self.populate(listing, mappings, renderer)" in populate_all
            and targets <= {"page", "listing.tags", "name", "tree.content", "tree.mappings", "tree.children", "hx",
                            "anchors", "head", "page.content", "slug", "id"})


def _export_holds(save: str, module: str) -> bool:
    """`tags_export_encoded_in_c` may swap the storage module's `json`: it calls only `json.dump`
    (with no other argument) in `save`, and only `json.load` besides, which the swap passes on."""
    calls = set(re.findall(r"\bjson\.\w+\([^)]*\)", module))
    return ("json.dump(dict(mappings = data), f)" in save
            and {c.split("(")[0] for c in calls} <= {"json.dump", "json.load"})


def _navigation_holds() -> bool:
    """`navigation_once_per_folder` may repeat the navigation's HTML: its partials read only the
    names listed, `page` only to compare it with items of the navigation (which a page outside
    it is not) and, for the active item only, its table of contents; the templates including it
    set none of the names it may read from them but icons from the configuration; an include
    renders the partial's `root_render_func`; the `url` filter makes links relative to
    `get_relative_url(path, page.url)`, which drops the file name; a page is marked active
    through its parents, which a page outside the navigation has none of."""
    from jinja2 import compiler, meta
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.structure.pages import Page
    from mkdocs.theme import Theme
    from mkdocs.utils import get_relative_url, normalize_url
    from mkdocs.utils import templates as mkdocs_templates

    env = Theme(name="material").get_env()
    sources = {name: env.loader.get_source(env, name)[0] for name in (*NAVIGATION, *_INCLUDERS)}  # type: ignore[union-attr]
    reads = {name: meta.find_undeclared_variables(env.parse(sources[name])) for name in NAVIGATION}
    uses = re.findall(r"[^\n]*\bpage\b[^\n]*", sources["partials/nav-item.html"])
    includer = "".join(sources[name] for name in _INCLUDERS)
    sets = set(re.findall(r"{%-?\s*set (\w+)", includer)) & _FROM_INCLUDER
    icons = re.findall(r"{%-?\s*set icon = ([^%]*)%}", includer)
    return (reads == _NAVIGATION_READS
            and [use.strip() for use in uses] == ["{% if page in nav_item.pages %}", "{% set nav_item = page %}",
                                                 '{% set class = "md-nav__link--active" if index == page %}',
                                                 "{% elif nav_item == page %}", "{% set toc = page.toc %}"]
            and not any(re.search(r"\bpage\b", sources[name]) for name in NAVIGATION if "nav-item" not in name)
            and sets <= {"icon"} and all(icon.startswith("config.theme.icon.") for icon in icons)
            and "gen = template.root_render_func(" in inspect.getsource(compiler.CodeGenerator.visit_Include)
            and "normalize_url(str(value), page=context['page'], base=context['base_url'])"
            in inspect.getsource(mkdocs_templates.url_filter)
            and "get_relative_url(path, page.url)" in inspect.getsource(normalize_url)
            and all(get_relative_url("x/y.html", url) == get_relative_url("x/y.html", url_folder(url))
                    for url in ("a/b.html", "a/b/", "a/b/c.d.html", "index.html", "a.b/c"))
            and "self.parent.active = bool(value)" in inspect.getsource(Page)
            and "page.active = True" in inspect.getsource(mkdocs_build._build_page))


def _inline_patterns_hold(processor: str, iterate: str, index: str) -> bool:
    """`inline_patterns_listed` may hand the processor a list: it takes its patterns from
    the converter's registry when made, then reads them only as `len()` and `[index]`; iterating
    a registry yields its items in index order (both sorted by priority first)."""
    uses = re.findall(r"self\.inlinePatterns\b\S*(?: = \S+)?", processor)
    return (sorted(uses) == ["self.inlinePatterns = md.inlinePatterns", "self.inlinePatterns)",
                             "self.inlinePatterns[patternIndex],"]
            and "self._sort()" in iterate and "iter([self._data[k] for k, p in self._priority])" in iterate
            and "self._sort()" in index and "return self._data[self._priority[key].name]" in index)


def _theme_listing_holds(source: str) -> bool:
    """`add_theme_files` may hand back an earlier listing: the method lists the theme exactly
    once, with a filter that reads nothing of the configuration but the static templates."""
    reads = set(re.findall(r"config\.[\w.]+", source))
    return (source.count("list_templates(") == 1 and "env.list_templates(filter_func=filter)" in source
            and reads == {"config.theme.static_templates", "config.theme.dirs", "config.site_dir",
                          "config.use_directory_urls"})
