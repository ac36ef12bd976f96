"""The internal knowledge base: a tree of Markdown pages built by MkDocs + Material.

`render_internal` generates the pages (see `pages.py` for the registry of page producers)
into a temporary docs folder, then runs MkDocs with the repository's `mkdocs.yml` (or the
packaged default, see `engine.py`) into `dest`.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Site
from .engine import load, run_build
from .tree import generate, sync_tree

if TYPE_CHECKING:
    from ..build import BuildRequest


def render_internal(site: Site, now: datetime, dest: Path, request: BuildRequest) -> None:
    """Generate the Markdown tree and build it with MkDocs into `dest`."""
    outputs = generate(site, now)
    with tempfile.TemporaryDirectory(prefix="statuspress-kb-") as tmp:
        docs = Path(tmp) / "docs"
        sync_tree(outputs, docs)
        request.progress(f"Building the knowledge base ({len(outputs)} files) with MkDocs")
        config = load(site, request.content, docs, dest)
        for warning in run_build(config, now, strict=request.strict):
            request.progress(f"knowledge base: warning: {warning}")
