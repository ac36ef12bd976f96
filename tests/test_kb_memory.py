"""A long-running preview (`statuspress serve --internal`) builds the knowledge base in one
process again and again: nothing of a finished build may stay alive until the next one, else
every rebuild held the last build's MkDocs pages, plugins and loaded site besides its own."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

from mkdocs.structure.pages import Page

from generator.model import Site
from generator.preview import Rebuilder
from tests.sitekit import EXAMPLE

NAME = "Memory Check Status"


def left(under: Path) -> tuple[int, int]:
    """MkDocs pages whose Markdown was under `under`, and sites named NAME, in the heap as it is:
    not collected first, so garbage the collector has not freed yet counts too (a build freezes
    the heap it starts with, garbage included)."""
    prefix = str(under)
    objects = gc.get_objects()
    pages = sum(1 for o in objects if isinstance(o, Page) and str(o.file.abs_src_path or "").startswith(prefix))
    sites = sum(1 for o in objects if type(o) is Site and o.settings.name == NAME)
    return pages, sites


def test_nothing_of_a_finished_knowledge_base_build_stays_in_the_preview(tmp_path: Path) -> None:
    """Three builds by the preview's Rebuilder (as `serve --internal` makes them: through the
    build cache, one incident edited between them): after each, none of the MkDocs pages it
    made and not its site are in the heap, not even as garbage."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    settings = content / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("name: Larkspur Status", f"name: {NAME}", 1),
                        encoding="utf-8")
    incident = sorted((content / "incidents").glob("*.yaml"))[0]
    said: list[str] = []
    rebuilder = Rebuilder(content, tmp_path / "out", "internal", said.append, tmp_path / "cache")
    for number in range(3):
        if number:
            text = incident.read_text(encoding="utf-8")
            incident.write_text(text.replace("title: ", f"title: Edit {number} ", 1), encoding="utf-8")
        assert rebuilder.rebuild(), said
        assert NAME in (tmp_path / "out" / "internal" / "index.html").read_text(encoding="utf-8")
        assert left(tmp_path) == (0, 0), f"build {number + 1}"
