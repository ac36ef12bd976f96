"""What a site renderer is given besides the validated site: a small value defined below the
build, so renderers never import the build back (build.py imports them, not the reverse)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .model import Site


def _quiet(message: str) -> None:
    """The default progress sink: say nothing."""


@dataclass(frozen=True)
class RenderContext:
    """The build time, where the site is published, the cache folder and where to report."""

    #: The build time every page is rendered as of.
    now: datetime
    #: The content folder; the knowledge base finds the repository's `mkdocs.yml` beside it.
    content: Path
    #: The published folder of this site (`OUT/public`, `OUT/internal`): the previous build's
    #: output, intact until the new one is swapped in, which incremental renderers reuse.
    published: Path
    #: Folder of the build caches; None: render everything, keep nothing.
    cache_dir: Path | None = None
    #: Warnings of the renderer (MkDocs') fail the build.
    strict: bool = False
    progress: Callable[[str], None] = field(default=_quiet)
    #: Where the renderer's warnings go (MkDocs'); None: to `progress`, as `knowledge base: warning: ...`.
    warn: Callable[[str], None] | None = None
    #: With caches: makes the folder that becomes this site's reserve generation in place of the
    #: previous site (publish.Staging.mirror), for a renderer that can fill it cheaply. None: not offered.
    mirror: Callable[[], Path] | None = None


#: A site renderer: fills `dest` (its staging folder) from the validated site.
Renderer = Callable[[Site, Path, RenderContext], None]
