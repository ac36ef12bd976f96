"""The internal knowledge base: a tree of Markdown pages built by MkDocs + Material."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Site

if TYPE_CHECKING:
    from ..build import BuildRequest


def render_internal(site: Site, now: datetime, dest: Path, request: BuildRequest) -> None:
    """Not built yet: the knowledge base issue fills this in."""
    raise NotImplementedError("the knowledge base is not implemented yet")
