"""The build in a straight line: load and validate everything, then render each site into
staging folders, then publish them atomically. Nothing is written before validation passed.

Renderers get the site and a `RenderContext` (context.py), never this module's request, so
they do not import the build back.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .context import RenderContext, Renderer
from .failures import RenderFailure, describe, problem
from .load import Loaded, load_or_raise
from .load.cache import LoadCache
from .load.lazy import LazyIncidents
from .model import Incident, Site
from .problems import ContentError, Problem
from .publish import Staging, build_lock, stage_and_publish


def _say(message: str) -> None:
    print(message, file=sys.stderr)


@dataclass(frozen=True)
class BuildRequest:
    """What to build, from where, into where, and as of when."""

    content: Path
    out: Path
    now: datetime
    targets: tuple[str, ...] = ("public", "internal")
    strict: bool = False
    max_bytes: int | None = None
    progress: Callable[[str], None] = field(default=_say)
    #: Where the renderers' warnings go (MkDocs'); None: printed as progress lines.
    warn: Callable[[str], None] | None = None
    #: Folder of the build caches (see generator/load/cache.py); None: no cache.
    cache_dir: Path | None = None


#: What a combined build whose knowledge base failed says the user can do meanwhile.
ALONE = "the status page can be published without the knowledge base: statuspress build --public"


def renderers() -> dict[str, Renderer]:
    """The sites a build can produce, by output folder name."""
    return {"public": _public, "internal": _internal}


def _public(site: Site, dest: Path, context: RenderContext) -> None:
    from .public import render_public

    render_public(site, dest, context)


def _internal(site: Site, dest: Path, context: RenderContext) -> None:
    """Imported only when the knowledge base is built: it brings MkDocs, Material and
    matplotlib (a second and more of imports that `build --public` does not need)."""
    from .kb import render_internal

    render_internal(site, dest, context)


def render_site(renderer: Renderer, name: str, site: Site, dest: Path, context: RenderContext) -> None:
    """Run one renderer; any failure but the file system's becomes a `ContentError` at the file
    and line of the record being rendered (else at the content folder), so the CLI reports it
    like bad content, with no traceback, and nothing is published."""
    prefix = str(context.content / "_")[:-1]
    try:
        renderer(site, dest, context)
    except (ContentError, OSError):
        raise
    except RenderFailure as failure:
        raise ContentError([problem(failure, site, prefix, name)]) from failure
    except Exception as error:
        where = Problem(str(context.content), 1, f"cannot render the {name} site: {describe(error)}")
        raise ContentError([where]) from error


def build(request: BuildRequest) -> Loaded:
    """Validate, render the requested sites, and publish them together, or raise.

    The lock is taken first, so a second build started meanwhile is refused at once rather
    than after it has loaded everything.
    """
    with build_lock(request.out):
        request.progress(f"Loading {request.content}")
        cache = LoadCache(request.cache_dir) if request.cache_dir is not None else None
        # A site built alone, with the cache, gets its incidents pickled until read (load/lazy.py):
        # the public site takes unchanged incidents' projections from its cache, the knowledge
        # base keys its pages by the incidents' file keys and keeps their summaries under them
        # (kb/overview.py), reading the records of changed incidents only.
        lazy = request.targets in (("public",), ("internal",))
        loaded = load_or_raise(request.content, request.now, request.strict, request.max_bytes, cache, lazy)
        available = renderers()

        def render(staging: Staging) -> None:
            for name in request.targets:
                request.progress(f"Rendering the {name} site")
                keep = request.cache_dir is not None
                context = RenderContext(
                    now=request.now, content=request.content, published=request.out / name,
                    cache_dir=request.cache_dir, strict=request.strict, progress=request.progress,
                    warn=request.warn, mirror=functools.partial(staging.mirror, name) if keep else None,
                )
                # With caches, the staging folder is the generation before the published one,
                # which the renderer updates in place (publish.py).
                folder = staging.folder(name, keep=keep)
                try:
                    render_site(available[name], name, loaded.site, folder, context)
                except ContentError as error:
                    if name != "internal" or "public" not in request.targets:
                        raise
                    # On the worst day the status page must not wait for a broken mkdocs.yml.
                    raise ContentError(error.problems, hint=ALONE) from error
            request.progress(f"Publishing into {request.out}")

        try:
            stage_and_publish(request.out, render)
        finally:
            incidents: Sequence[Incident] = loaded.site.incidents
            if isinstance(incidents, LazyIncidents):
                incidents.close()
    return loaded
