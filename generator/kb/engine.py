"""Running MkDocs on the generated tree: which configuration, and a reproducible build.

The configuration is `<content>/../mkdocs.yml` when it exists (the repository's copy, which
users edit), else the default packaged in `generator/kb/mkdocs.yml`, so an installed
Statuspress works without a checkout.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .. import progress
from ..model import Site
from ..problems import ContentError, Problem
from . import mkdocs_run
from . import mkdocs_shortcuts as shortcuts
from .mkdocs_run import Result, Reuse
from .registry import navigation

PLACEHOLDER_NAME = "Statuspress knowledge base"


class KbBuildError(ContentError):
    """MkDocs failed (or, in strict mode, warned): reported like content errors, `path:line: message`."""

    def __init__(self, config: str, message: str, warnings: list[str], line: int = 1) -> None:
        problems = [Problem(config, line, message)] + [Problem(config, 1, f"MkDocs: {w}") for w in warnings]
        super().__init__(problems)


def yaml_line(error: BaseException) -> int:
    """The line of `mkdocs.yml` a YAML syntax error chained under MkDocs' own points at (where
    the broken construct starts, else where the parser stopped), else 1: MkDocs' message names
    the line only inside its text, and the report's `path:line` must name it too."""
    cause: BaseException | None = error
    while cause is not None:
        mark = getattr(cause, "context_mark", None) or getattr(cause, "problem_mark", None)
        if mark is not None:
            return int(mark.line) + 1
        cause = cause.__cause__ or cause.__context__
    return 1


def config_file(content: Path) -> Path:
    """The repository's `mkdocs.yml` beside the content folder, else the packaged default."""
    beside = content.resolve().parent / "mkdocs.yml"
    if beside.is_file():
        return beside
    return Path(str(resources.files("generator.kb") / "mkdocs.yml"))


def load(site: Site, content: Path, docs: Path, dest: Path | None, **overrides: Any) -> MkDocsConfig:
    """The validated MkDocs config for building `docs` into `dest` (None: the config's site_dir).

    Both folders are handed over absolute: MkDocs resolves a relative `site_dir` or `docs_dir`
    against the folder of the config file, not the working directory, which once wrote the whole
    knowledge base into the installed package while `OUT/internal` was published empty."""
    if dest is not None:
        overrides["site_dir"] = str(dest.resolve())
    settings = config_file(content)
    logger = logging.getLogger("mkdocs")
    collect = _Collect()  # MkDocs logs why a configuration is invalid, then raises a bare Abort
    propagate = logger.propagate
    logger.addHandler(collect)
    logger.propagate = False
    try:
        config = load_config(config_file=str(settings), docs_dir=str(docs.resolve()), **overrides)
    except Exception as error:  # Abort, ConfigurationError, a YAML error ...
        reason = "; ".join(collect.messages) or str(error) or type(error).__name__
        raise KbBuildError(str(settings), f"invalid MkDocs configuration: {reason}", [], yaml_line(error)) from error
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    for message in collect.messages:  # a valid configuration's warnings go where they went before
        logger.warning(message)
    shortcuts.forget_validated()
    if dest is not None and Path(config.site_dir) != dest.resolve():  # pragma: no cover - a guard
        raise KbBuildError(config.config_file_path, f"MkDocs would write to {config.site_dir}, not {dest}", [])
    if config.site_name == PLACEHOLDER_NAME:
        config["site_name"] = f"{site.settings.name} knowledge base"
    if config.nav is None:
        config["nav"] = navigation()
    add_overrides(config)
    return config


def add_overrides(config: MkDocsConfig) -> None:
    """Put Statuspress's template overrides (`generator/kb/overrides/`, accessibility fixes of
    Material's partials) before the theme's own templates, after the user's `custom_dir`."""
    overrides = str(resources.files("generator.kb") / "overrides")
    theme = config.theme
    if overrides not in theme.dirs:
        theme.dirs.insert(1 if theme.custom_dir else 0, overrides)


@contextmanager
def source_date_epoch(now: datetime) -> Iterator[None]:
    """MkDocs dates its sitemap by SOURCE_DATE_EPOCH: pin it to the build time."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(now.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _Progress(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Counts the pages MkDocs renders, for the build's progress line."""

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        progress.stage("Rendering knowledge-base pages", len(files.documentation_pages()))
        return files

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        progress.advance()
        return output


def run_build(
    config: MkDocsConfig,
    now: datetime,
    strict: bool = False,
    sources: Mapping[str, str | bytes] | None = None,
    reuse: Reuse | None = None,
    templates: jinja2.BytecodeCache | None = None,
    unread: Mapping[str, str] | None = None,
    written: Callable[[], None] | None = None,
) -> tuple[list[str], Result | None]:
    """Build the site; returns MkDocs' warnings and, when the build ran in phases, what it made
    of each page. Strict: any warning is an error.

    With `sources` (the generated files by docs path; `unread`: files left in the docs folder as
    the last build wrote them, by path -> SHA-256) and a configuration `mkdocs_run` supports,
    pages are converted and rendered on every core and reused from `reuse`; else this is
    MkDocs' own build (which reads every file from the docs folder). The output is the same
    bytes either way. `written`: waits for the docs folder being written meanwhile, which the
    phased build does not (it lists the files given: `mkdocs_run.listed_files`) and MkDocs' own does."""
    config["strict"] = strict
    phased = sources is not None and mkdocs_run.supported(config)
    if not phased:  # the phased build counts its pages itself, reused ones too
        config.plugins["statuspress/progress"] = _Progress()
    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    propagate = logger.propagate
    logger.addHandler(collect)
    logger.propagate = False
    result = None
    try:
        with source_date_epoch(now):
            config.plugins.on_startup(command="build", dirty=False)
            try:
                if phased:
                    assert sources is not None
                    result = mkdocs_run.build(config, sources, reuse, templates, unread, written is not None)
                else:
                    if written is not None:
                        written()
                    mkdocs_build(config, dirty=False)
            finally:
                config.plugins.on_shutdown()
    except Exception as error:  # MkDocs raises Abort, PluginError, ConfigurationError ...
        message = f"knowledge base build failed: {error or type(error).__name__}"
        raise KbBuildError(config.config_file_path or "mkdocs.yml", message, collect.messages) from error
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    return collect.messages, result
