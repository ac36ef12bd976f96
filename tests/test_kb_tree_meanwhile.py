"""The docs tree written by a process of its own while MkDocs builds (tree.sync_tree_meanwhile):
MkDocs lists the files given as its own walk of the folder lists them (mkdocs_run.listed_files),
and the tree is complete, as the cache keeps it, when the build is done."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File, get_files

from generator.kb import mkdocs_run, tree
from generator.kb.tree import generate
from generator.load import load_site
from tests.sitekit import REPO
from tests.test_kb_incremental import START, Builds, Edits, clean_build
from tests.treediff import differences

#: Folders in and out of order, index and README pages (a README beside an index is left out),
#: a hidden file (excluded), assets.
PATHS = ["index.md", "z.md", "a.md", "b/index.md", "b/a.md", "b/c/d.md", "b/c/index.md", "a/x.md", "a/README.md",
         "a/index.md", "c/README.md", "c/y/z.md", ".hidden.md", "assets/kb.css", "img/p.png", "b/b/a.md", "b/1.md"]


def _shape(files: list[File]) -> list[tuple[str, str, str, str]]:
    return [(f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files]


@pytest.mark.parametrize("directory_urls", [False, True])
def test_listed_files_are_the_files_get_files_finds(tmp_path: Path, directory_urls: bool) -> None:
    docs = tmp_path / "docs"
    for path in PATHS:
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(f"# {path}\n")
    config = load_config(config_file=str(REPO / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(tmp_path / "site"),
                         use_directory_urls=directory_urls)
    walked = _shape(list(get_files(config)))
    for seed in range(5):
        paths = list(PATHS)
        random.Random(seed).shuffle(paths)
        assert _shape(list(mkdocs_run.listed_files(config, paths))) == walked


def test_the_tree_written_meanwhile_is_complete_when_the_build_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forced into a process of its own, and slow there: the build's bytes are a clean build's,
    and the kept tree holds every generated file once the build is done; a rebuild after a
    change (which trusts the kept tree's files) is a clean build's too."""
    edits = Edits(tmp_path / "content", seed=5)
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    sync = tree.sync_tree

    def slow(*args: object, **kwargs: object) -> int:
        time.sleep(4)  # longer than the rest of the build
        return sync(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tree, "sync_tree", slow)
    builds = Builds(tmp_path, monkeypatch)
    cold = builds.run(edits.root, START)
    kept = next(builds.cache.glob("render/internal-*-docs"))
    expected = {o.path: o.content for o in generate(load_site(edits.root, START).site, START)}
    on_disk = {p.relative_to(kept).as_posix(): p.read_bytes() for p in kept.rglob("*") if p.is_file()}
    assert on_disk.keys() == expected.keys()
    assert all(on_disk[p] == (c.encode() if isinstance(c, str) else c) for p, c in expected.items())
    assert differences(clean_build(edits.root, START, tmp_path / "clean"), cold) == []
    monkeypatch.setattr(tree, "sync_tree", sync)
    edits.change_incident()
    again = builds.run(edits.root, START)
    assert builds.last.reused
    assert differences(clean_build(edits.root, START, tmp_path / "clean2"), again) == []
