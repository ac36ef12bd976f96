"""Shortcuts through MkDocs' and Material's own set-up that every build pays for and that
change no byte of output; each relies on an internal, checked by `assumptions()` (which
mkdocs_run.assumptions() includes, so tests/test_kb_incremental.py fails loudly when one breaks).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import jinja2
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


# --------------------------------------------------------------------------- assumptions


def assumptions() -> dict[str, bool]:
    """What the shortcuts rely on, by name: True where it holds."""
    from material.plugins.search.plugin import SearchPlugin  # type: ignore[import-untyped]
    from material.plugins.tags.structure.mapping import storage as tags_storage
    from material.plugins.tags.structure.mapping.storage import MappingStorage  # type: ignore[import-untyped]
    from mkdocs.theme import Theme

    return {
        "add_files_from_theme lists the theme once, filtered by the static templates only":
            _theme_listing_holds(inspect.getsource(Files.add_files_from_theme)),
        "Theme.get_env makes each Jinja environment; search's on_config makes its own":
            "config.theme.get_env()" in inspect.getsource(SearchPlugin._translate)
            and "def get_env(self)" in inspect.getsource(Theme),
        "the tags plugin exports with json.dump(value, file) and nothing else of json":
            _export_holds(inspect.getsource(MappingStorage.save), inspect.getsource(tags_storage)),
    }


def _export_holds(save: str, module: str) -> bool:
    """`tags_export_encoded_in_c` may swap the storage module's `json`: it calls only `json.dump`
    (with no other argument) in `save`, and only `json.load` besides, which the swap passes on."""
    calls = set(re.findall(r"\bjson\.\w+\([^)]*\)", module))
    return ("json.dump(dict(mappings = data), f)" in save
            and {c.split("(")[0] for c in calls} <= {"json.dump", "json.load"})


def _theme_listing_holds(source: str) -> bool:
    """`add_theme_files` may hand back an earlier listing: the method lists the theme exactly
    once, with a filter that reads nothing of the configuration but the static templates."""
    reads = set(re.findall(r"config\.[\w.]+", source))
    return (source.count("list_templates(") == 1 and "env.list_templates(filter_func=filter)" in source
            and reads == {"config.theme.static_templates", "config.theme.dirs", "config.site_dir",
                          "config.use_directory_urls"})
