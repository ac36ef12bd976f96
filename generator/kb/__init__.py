"""The internal knowledge base: a tree of Markdown pages built by MkDocs + Material.

`render_internal` generates the pages (see `registry.py` for the table of page producers)
into a docs folder, then runs MkDocs with the repository's `mkdocs.yml` (or the packaged
default, see `engine.py`) into `dest`: in phases, on every core, reusing every page the previous
build made from the same Markdown when a cache folder is given (`mkdocs_run.py`,
`page_cache.py`). The output is the same bytes as a plain `mkdocs build` of the same tree.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from ..context import RenderContext
from ..model import Site
from ..wording import counted
from . import heap, index, metrics_pages, rows
from .engine import load, run_build
from .page_cache import KbCache
from .pages import Kept
from .tree import generate, sync_tree_meanwhile


def render_internal(site: Site, dest: Path, context: RenderContext) -> None:
    """Generate the Markdown tree and build it with MkDocs into `dest`.

    The collector is kept off the loaded site, and what the build makes that lives through it,
    while building (heap.py): every full collection walked the whole site and the page records again.
    The memos of the latest site (its index, its metrics) are dropped when the build ends: a
    preview builds again and again in one process, and kept the last site until the next build."""
    with heap.frozen():
        try:
            _render(site, dest, context)
        finally:
            index.forget()
            metrics_pages.forget()


def _render(site: Site, dest: Path, context: RenderContext) -> None:
    cache = KbCache(context.cache_dir, context.published) if context.cache_dir is not None else None
    heap.keep()  # the page records
    with rows.remembered(cache.rows) if cache is not None else nullcontext():
        outputs = generate(site, context.now, cache)
    heap.keep()  # the records, the index of the site, the generated Markdown
    with _docs_folder(cache) as docs:
        written = sync_tree_meanwhile(outputs, docs, frozenset(cache.unchanged) if cache is not None else frozenset())
        try:
            context.progress(f"Building the knowledge base ({len(outputs)} files) with MkDocs")
            config = load(site, context.content, docs, dest)
            reuse = None
            if cache is not None:
                cache.prepare(dest)
                reuse = cache.reuse()
            sources = {o.path: o.content for o in outputs if not isinstance(o.content, Kept)}
            unread = {o.path: o.content.sha256 for o in outputs if isinstance(o.content, Kept)}
            templates = cache.templates if cache is not None else None
            warnings, result = run_build(config, context.now, context.strict, sources, reuse, templates, unread,
                                         written)
        finally:
            if written is not None:  # the tree complete before the cache notes its files, or a temporary one goes
                written()
        for warning in warnings:
            if context.warn is not None:
                context.warn(warning)
            else:
                context.progress(f"knowledge base: warning: {warning}")
        if cache is not None and result is not None:
            context.progress(f"knowledge base: {counted(len(result.rendered), 'page')} rendered, "
                             f"{len(result.reused):,} reused")
            cache.finish(result, dest)
            cache.mirror(result, dest, context.mirror)
            cache.save(result, dest)


@contextmanager
def _docs_folder(cache: KbCache | None) -> Iterator[Path]:
    """The cache's kept Markdown tree, else a temporary one."""
    if cache is not None:
        yield cache.docs
        return
    with tempfile.TemporaryDirectory(prefix="statuspress-kb-") as tmp:
        yield Path(tmp) / "docs"
