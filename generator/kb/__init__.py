"""The internal knowledge base: a tree of Markdown pages built by MkDocs + Material.

`render_internal` generates the pages (see `registry.py` for the table of page producers)
into a temporary docs folder, then runs MkDocs with the repository's `mkdocs.yml` (or the
packaged default, see `engine.py`) into `dest`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..context import RenderContext
from ..model import Site
from .engine import load, run_build
from .tree import generate, sync_tree


def render_internal(site: Site, dest: Path, context: RenderContext) -> None:
    """Generate the Markdown tree and build it with MkDocs into `dest`."""
    outputs = generate(site, context.now)
    with tempfile.TemporaryDirectory(prefix="statuspress-kb-") as tmp:
        docs = Path(tmp) / "docs"
        sync_tree(outputs, docs)
        context.progress(f"Building the knowledge base ({len(outputs)} files) with MkDocs")
        config = load(site, context.content, docs, dest)
        for warning in run_build(config, context.now, strict=context.strict):
            if context.warn is not None:
                context.warn(warning)
            else:
                context.progress(f"knowledge base: warning: {warning}")
