"""Records parsed in worker processes reach the load cache as the workers pickled them: the
parent pickles none of them again and unpickles only those something reads, and the cache,
the site and every message are what one process makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.load import Loaded, load_site, reading
from generator.load import cache as cache_module
from generator.load.cache import LoadCache, Pickled
from generator.load.checks import IncidentFacts
from generator.load.chunks import open_chunk
from generator.load.lazy import LazyIncidents
from generator.model import Incident, Postmortem
from generator.workers import workers
from tests.sitekit import make_content, now

INCIDENT = """\
id: INC-{n}
title: Slow checkout {n}
type: {kind}
severity: {severity}
started_at: 2026-11-{day:02d}T10:00:00Z
resolved_at: 2026-11-{day:02d}T12:00:00Z
impact:
  - component: api
    level: degraded_performance
updates:
  - at: 2026-11-{day:02d}T10:05:00Z
    status: investigating
    body: Looking at {n}.
"""

POSTMORTEM = """\
---
incident: INC-{n}
status: draft
---
What happened to {n}.
"""


def folder(root: Path) -> Path:
    """24 incidents (every third internal, INC-7 with a bad severity), one file that is not
    YAML, two post-mortems."""
    files = {
        f"incidents/i{n:02d}.yaml": INCIDENT.format(
            n=n, day=1 + n, kind="internal" if n % 3 == 0 else "external", severity="sev5" if n == 7 else "minor")
        for n in range(24)
    }
    files["incidents/broken.yaml"] = "id: [unclosed\n"
    files["postmortems/INC-4.md"] = POSTMORTEM.format(n=4)
    files["postmortems/INC-5.md"] = POSTMORTEM.format(n=5)
    return make_content(root, files)


def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Parse in two worker processes (even for a folder this small); the counts they ran with."""
    counts: list[int] = []

    def counted(tasks: int, minimum: int) -> int:
        counts.append(workers(tasks, minimum))
        return counts[-1]

    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    monkeypatch.setattr(reading, "workers", counted)
    return counts


def record_halves(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the cache pickles as each chunk's records, as the save hands them over."""
    seen: list[dict[str, Any]] = []
    real = cache_module._dumps

    def spy(entries: Any) -> bytes:
        if isinstance(entries, dict) and any(rel.startswith("incidents/") for rel in entries):
            values = list(entries.values())
            if not any(isinstance(v, list | IncidentFacts) for v in values):  # the records, not problems or facts
                seen.append(dict(entries))
        return real(entries)

    monkeypatch.setattr(cache_module, "_dumps", spy)
    return seen


def loads_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the incident records this process unpickles, one entry each time."""
    done: list[str] = []
    real = cache_module.pickle.loads

    def loads(data: bytes) -> Any:
        value = real(data)
        if isinstance(value, Incident):
            done.append(value.id)
        return value

    monkeypatch.setattr(cache_module.pickle, "loads", loads)
    return done


def test_the_parent_never_pickles_worker_records_again_and_unpickles_each_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = folder(tmp_path / "content")
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    alone = load_site(root, now())
    counts = forked(monkeypatch)
    halves = record_halves(monkeypatch)
    loaded = loads_counted(monkeypatch)
    # The save a cold lazy load leaves to a process of its own runs here, where the spies see it.
    monkeypatch.setattr(cache_module, "in_background", lambda run: (run(), lambda: None)[1])
    cache = LoadCache(tmp_path / "cache")
    lazy = load_site(root, now(), cache=cache, lazy=True)
    assert 2 in counts
    # Saved, the cache lets go of the bytes of records it has unpickled (memory at 20,000).
    assert not any(isinstance(record, Pickled) for record, _ in cache.fresh.values())
    incidents = lazy.site.incidents
    assert isinstance(incidents, LazyIncidents)
    # 24 incidents gave a record (INC-7 too, with its error; the broken file none): each went
    # into the cache as the bytes a worker made, none was pickled here again to save it. Each
    # was unpickled once, as it came back (a lazy load's fresh records are read soon).
    records = {rel: value for half in halves for rel, value in half.items()
               if rel.startswith("incidents/") and value is not None}
    assert len(records) == 24
    assert all(isinstance(value, Pickled) for value in records.values())
    assert len(loaded) == 24
    # Reading the incidents unpickles none again; they are the records of one process.
    assert tuple(incidents) == alone.site.incidents
    assert tuple(incidents) == alone.site.incidents
    assert len(loaded) == 24
    assert lazy.problems.sorted() == alone.problems.sorted()
    assert any("sev5" in p.message for p in lazy.problems.errors)
    incidents.close()


def test_what_the_workers_cached_reads_back_as_one_process_made_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = folder(tmp_path / "content")
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    alone = load_site(root, now())
    cached_alone = load_site(root, now(), cache=LoadCache(tmp_path / "cache-one"))
    forked(monkeypatch)
    cold = load_site(root, now(), cache=LoadCache(tmp_path / "cache"))  # records read at once
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    warm = load_site(root, now(), cache=LoadCache(tmp_path / "cache"))  # from the workers' cache
    warm_lazy = load_site(root, now(), cache=LoadCache(tmp_path / "cache"), lazy=True)
    for other in (cached_alone, cold, warm):
        same(other, alone)
    assert tuple(warm_lazy.site.incidents) == alone.site.incidents
    assert all(isinstance(i, Incident) for i in warm.site.incidents)
    # The chunks of records unpickle to the records themselves, not to wrapped bytes.
    path = next(p for p in (tmp_path / "cache").glob("load-*.pickle") if p.name.count("-") == 1)  # the index
    index = cache_module.CacheFile.open(path)
    assert index is not None
    names = index.unpickle(0)[3]  # the names of the chunk files (load/chunks.py)
    index.close()
    file = open_chunk(path, names[0])
    assert file is not None
    try:
        half, facts = file.unpickle(1), file.unpickle(2)  # chunk 0's records and facts
    finally:
        file.close()
    # Every file read, with a record or not, but the post-mortems: their record is their facts,
    # kept once, with the facts.
    assert isinstance(half, dict) and len(half) == 25
    reviews = {rel: value for rel, value in facts.items() if rel.startswith("postmortems/")}
    assert len(reviews) == 2 and all(isinstance(v, Postmortem) for v in reviews.values())
    assert not reviews.keys() & half.keys()
    assert sum(isinstance(v, Incident) for v in half.values()) == 24
    assert not any(isinstance(v, (Pickled, bytes)) for v in half.values())
    assert half["incidents/i01.yaml"] == next(i for i in alone.site.incidents if i.id == "INC-1")
    warm_lazy.site.incidents.close()  # type: ignore[attr-defined]


def test_validate_with_a_cache_unpickles_no_worker_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.load import check_folder

    root = folder(tmp_path / "content")
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    alone = check_folder(root, now())
    forked(monkeypatch)
    loaded = loads_counted(monkeypatch)
    checked = check_folder(root, now(), cache=LoadCache(tmp_path / "cache"))
    assert loaded == []
    assert checked.counts == alone.counts and checked.problems.sorted() == alone.problems.sorted()


def test_post_mortems_kept_once_come_back_when_their_chunk_is_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post-mortem's record is kept only as its facts: when a changed file makes the save
    write its chunk again, the unchanged post-mortems are carried over from those facts."""
    root = folder(tmp_path / "content")
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    load_site(root, now(), cache=LoadCache(tmp_path / "cache"))
    review = root / "postmortems" / "INC-4.md"
    review.write_text(review.read_text().replace("What happened", "What really happened"))
    load_site(root, now(), cache=LoadCache(tmp_path / "cache"))  # chunk 0 written again
    cache = LoadCache(tmp_path / "cache")
    warm = load_site(root, now(), cache=cache)
    same(warm, load_site(root, now()))
    assert [p.incident for p in warm.site.postmortems] == ["INC-4", "INC-5"]
    assert not cache.fresh  # nothing parsed again: every entry was carried over


def same(a: Loaded, b: Loaded) -> None:
    assert a.site == b.site
    assert a.problems.sorted() == b.problems.sorted()
