"""Publishing by updating the previous generation in place (generator/publish.py): two trees,
only what changed is written, swapped atomically, byte-identical to a clean build."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from generator.build import BuildRequest, build
from generator.publish import remove_tree
from tests.sitekit import EXAMPLE, make_content, now
from tests.treediff import differences, snapshot

INCIDENT = """\
id: INC-{n}
title: Incident {n}
type: external
severity: minor
started_at: 2026-11-{day:02d}T09:00:00Z
resolved_at: 2026-11-{day:02d}T10:00:00Z
impact:
  - component: api
    level: partial_outage
updates:
  - at: 2026-11-{day:02d}T09:05:00Z
    status: investigating
    body: Looking ({n}).
"""


def inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def public(content: Path, out: Path, minutes: int = 0, cache: Path | None = None) -> dict[str, str]:
    build(BuildRequest(content, out, now() + timedelta(minutes=minutes), targets=("public",), progress=lambda _: None,
                       cache_dir=cache))
    return snapshot(out / "public")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return make_content(tmp_path / "content", {f"incidents/{n}.yaml": INCIDENT.format(n=n, day=n) for n in range(1, 9)})


def test_the_reserve_generation_is_updated_in_place_writing_only_what_changed(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    public(content, out, 0, cache)
    public(content, out, 1, cache)  # the first generation becomes the reserve
    reserve = out / ".public.reserve"
    assert reserve.is_dir()
    before = inodes(reserve)
    (content / "incidents" / "3.yaml").write_text(INCIDENT.format(n=3, day=3).replace("Looking (3)", "Found it"))
    incremental = public(content, out, 2, cache)
    assert differences(public(content, tmp_path / "clean", 2), incremental) == []
    after = inodes(out / "public")  # the reserve, updated and swapped in
    same = {path for path in after if before.get(path) == after[path]}
    assert "incidents/INC-1.html" in same and "incidents/INC-7.html" in same  # untouched: not written again
    assert "incidents/INC-3.html" in after and "Found it" in (out / "public" / "incidents" / "INC-3.html").read_text()
    live, kept = inodes(out / "public"), inodes(reserve)
    assert not set(live.values()) & set(kept.values()), "the two generations share a file"


def test_a_reserve_file_edited_by_hand_is_made_again(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    public(content, out, 0, cache)
    public(content, out, 1, cache)
    (out / ".public.reserve" / "incidents" / "INC-2.html").write_text("tampered")
    (out / ".public.reserve" / "stray.html").write_text("not made by any build")
    incremental = public(content, out, 2, cache)
    assert differences(public(content, tmp_path / "clean", 2), incremental) == []


def test_deleted_records_leave_nothing_behind_in_the_updated_generation(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    public(content, out, 0, cache)
    public(content, out, 1, cache)
    (content / "incidents" / "5.yaml").unlink()
    incremental = public(content, out, 2, cache)
    assert "incidents/INC-5.html" not in incremental
    assert differences(public(content, tmp_path / "clean", 2), incremental) == []


def test_a_failed_build_leaves_the_site_and_a_usable_reserve(content: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import build as build_module
    from generator.public import render_public

    out, cache = tmp_path / "site", tmp_path / "cache"
    public(content, out, 0, cache)
    published = public(content, out, 1, cache)

    def failing(site: object, dest: Path, context: object) -> None:
        render_public(site, dest, context)  # type: ignore[arg-type]  # updates the reserve in place
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build_module, "renderers", lambda: {"public": failing})
    with pytest.raises(OSError):
        public(content, out, 2, cache)
    monkeypatch.undo()
    assert snapshot(out / "public") == published
    assert (out / ".public.reserve").is_dir() and not list(out.glob(".*staging*"))
    assert differences(public(content, tmp_path / "clean", 3), public(content, out, 3, cache)) == []


def test_without_cache_no_reserve_is_kept(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    public(content, out, 0, tmp_path / "cache")
    public(content, out, 1, tmp_path / "cache")
    assert (out / ".public.reserve").is_dir()
    public(content, out, 2)
    assert sorted(p.name for p in out.iterdir()) == [".statuspress.lock", "public"]


def test_the_knowledge_base_generations_too(tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    content = tmp_path / "content"
    import shutil

    shutil.copytree(EXAMPLE, content)

    def kb(minutes: int, target: Path, cached: bool) -> dict[str, str]:
        build(BuildRequest(content, target, now() + timedelta(minutes=minutes), targets=("internal",),
                           progress=lambda _: None, cache_dir=cache if cached else None))
        return snapshot(target / "internal")

    kb(0, out, True)
    kb(0, out, True)
    before = inodes(out / ".internal.reserve")
    review = next((content / "postmortems").glob("*.md"))
    review.write_text(review.read_text() + "\nOne more paragraph, written later.\n")
    incremental = kb(0, out, True)
    assert differences(kb(0, tmp_path / "clean", False), incremental) == []
    after = inodes(out / "internal")
    assert sum(1 for path, inode in after.items() if before.get(path) == inode) > len(after) // 2


def test_a_large_tree_is_removed_in_the_background(tmp_path: Path) -> None:
    tree = tmp_path / "old"
    for n in range(1500):
        folder = tree / f"d{n // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{n}.html").write_text("x")
    remove_tree(tree)
    assert not tree.exists()  # moved aside at once
    deadline = time.monotonic() + 120
    while os.listdir(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert os.listdir(tmp_path) == [], "the background removal removes the tree and its trash folder"


def test_a_mirror_becomes_the_reserve_in_place_of_the_previous_site_or_goes_with_a_failed_build(
    tmp_path: Path,
) -> None:
    """Staging.mirror (the knowledge base's cold build fills one with links to its pages)."""
    from generator.publish import Staging

    out = tmp_path / "out"
    out.mkdir()
    (out / "internal").mkdir()
    (out / "internal" / "old.html").write_text("previous site")
    staging = Staging(out)
    (staging.folder("internal", keep=True) / "new.html").write_text("this build")
    (staging.mirror("internal") / "new.html").write_text("mirrored")
    staging.publish()
    assert [p.name for p in (out / ".internal.reserve").iterdir()] == ["new.html"]
    assert (out / ".internal.reserve" / "new.html").read_text() == "mirrored"
    assert sorted(p.name for p in out.iterdir()) == [".internal.reserve", "internal"]

    failed = Staging(out)
    failed.folder("internal", keep=True)  # the reserve, taken to be updated
    (failed.mirror("internal") / "other.html").write_text("never published")
    failed.discard()
    assert sorted(p.name for p in out.iterdir()) == [".internal.reserve", "internal"]
    assert [p.name for p in (out / ".internal.reserve").iterdir()] == ["new.html"]
