"""The page cache reads its records with the collector paused (page_cache.KbCache): they all
live through the build, and collecting while thousands piled up was half of reading them;
inside the build's frozen heap (kb/heap.py) they stay off the collector once read."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from generator.kb import page_cache
from generator.kb.heap import frozen
from generator.kb.mkdocs_run import PageRecord
from generator.kb.page_cache import KbCache
from tests.test_kb_incremental import START, Builds, Edits


def test_the_records_are_read_with_the_collector_paused_and_stay_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = Builds(tmp_path, monkeypatch)
    builds.run(Edits(tmp_path / "content", seed=2).root, START)
    collecting: list[bool] = []

    class Noted(PageRecord):
        def __init__(self, *args: Any) -> None:
            collecting.append(gc.isenabled())
            super().__init__(*args)

    monkeypatch.setattr(page_cache, "PageRecord", Noted)
    with frozen():
        cache = KbCache(builds.cache, builds.out / "internal")
        tracked = {id(o) for o in gc.get_objects()}  # the frozen heap is in no generation
        assert gc.isenabled()
    assert len(cache.records) > 10 and len(collecting) == len(cache.records)
    assert not any(collecting)
    assert not any(id(record) in tracked or id(record.lookups) in tracked for record in cache.records.values())


def test_kept_lookups_are_decoded_when_first_read_and_equal_those_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record's file lookups are kept as their own marshal text (page_cache.Packed), decoded
    only when a rebuild reads them; then they are the lookups its page made."""
    builds = Builds(tmp_path, monkeypatch)
    builds.run(Edits(tmp_path / "content", seed=2).root, START)
    made = {uri: record for uri, record in builds.last.records.items() if record is not None}
    cache = KbCache(builds.cache, builds.out / "internal")
    assert cache.records.keys() == made.keys()
    linking = [uri for uri, record in made.items() if record.lookups]
    assert len(linking) > 10
    for uri in linking:
        kept = cache.records[uri].lookups
        assert isinstance(kept, page_cache.Packed) and kept._items is None
        assert list(kept) == list(made[uri].lookups) and len(kept) == len(made[uri].lookups)
        assert kept[0] == made[uri].lookups[0]
    assert page_cache.page_key("s", cache.records[linking[0]]) == page_cache.page_key("s", made[linking[0]])
