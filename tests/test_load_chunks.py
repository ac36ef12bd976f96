"""The load cache's chunk files (generator/load/chunks.py): a save after one changed file writes
one small chunk file and the index, leaves the others as they are, removes what no index names,
and a chunk file that is not the one the index names, or is gone, is a miss, never a wrong record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cachefile import CacheFile
from generator.load import cache as cache_module
from generator.load import load_site
from generator.load.cache import LoadCache
from tests.sitekit import now
from tests.test_load_cache import loaded_with, same, twelve_incidents_in_chunks_of_four


def chunk_files(cache_dir: Path) -> dict[str, tuple[int, int]]:
    """Each chunk file's name, with its inode and modification time (ns)."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(cache_dir.glob("load-*-*.pickle"))}


def on_disk(cache_dir: Path) -> tuple[dict[str, tuple[object, ...]], list[str]]:
    """The index on disk: each file's entry, and the names of the chunks it names, in order."""
    file = CacheFile.open(next(cache_dir.glob("load-????????????????.pickle")))
    assert file is not None
    header = file.unpickle(0)
    file.close()
    return header[2], header[3]


def named(cache_dir: Path) -> list[str]:
    return on_disk(cache_dir)[1]


def edit(root: Path, name: str, title: str) -> None:
    path = root / "incidents" / name
    path.write_text(path.read_text().replace("title: Broken", f"title: {title}"))


def test_one_changed_file_writes_one_chunk_file_and_keeps_the_others_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    loaded_with(root, cache_dir)
    first = chunk_files(cache_dir)
    assert len(first) == 3, "twelve files in chunks of four"
    edit(root, "i05.yaml", "Changed")
    after = loaded_with(root, cache_dir)
    second = chunk_files(cache_dir)
    # Three of the four files of i05's chunk are unchanged: that chunk file stays, as it was
    # (same inode, never rewritten), and one new chunk file holds i05 alone.
    assert {k: v for k, v in second.items() if k in first} == first
    (new,) = set(second) - set(first)
    assert len(second) == 4
    index, names = on_disk(cache_dir)
    chunk = names.index(new.removesuffix(".pickle").rsplit("-", 1)[1])
    assert sorted(rel for rel, entry in index.items() if entry[2] == chunk) == ["incidents/i05.yaml"]
    same(after, loaded_with(root, None))
    # A second file of that chunk changed: only two of its four are used (i04, i07), so they are
    # written again, with i06, into a new chunk, and the old chunk file, which no index names any
    # more, is removed; i05's chunk of one is kept as it is.
    edit(root, "i06.yaml", "Changed too")
    after = loaded_with(root, cache_dir)
    third = chunk_files(cache_dir)
    assert sorted(named(cache_dir)) == sorted(n.removesuffix(".pickle").rsplit("-", 1)[1] for n in third)
    (gone,) = set(second) - set(third)
    (newer,) = set(third) - set(second)
    assert gone in first and new in third
    index, names = on_disk(cache_dir)
    chunk = names.index(newer.removesuffix(".pickle").rsplit("-", 1)[1])
    assert sorted(rel for rel, entry in index.items() if entry[2] == chunk) == [
        "incidents/i04.yaml", "incidents/i06.yaml", "incidents/i07.yaml"]
    same(after, loaded_with(root, None))
    same(loaded_with(root, cache_dir), after)


def test_a_chunk_file_replaced_by_another_signed_chunk_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk is the file the index names by its nonce, not any file signed by us under that
    name: the chunk of an older version of a file, put where the new one is, is never read."""
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    loaded_with(root, cache_dir)
    old = set(chunk_files(cache_dir))
    older = {name: (cache_dir / name).read_bytes() for name in old}
    edit(root, "i05.yaml", "Changed")
    loaded_with(root, cache_dir)
    (new,) = set(chunk_files(cache_dir)) - old
    # The old chunk holding i05's first version, signed by this user, put in place of the new one.
    holder = next(name for name, data in older.items() if b"i05.yaml" in data)
    (cache_dir / new).write_bytes(older[holder])
    again = loaded_with(root, cache_dir)
    assert next(i.title for i in again.site.incidents if i.id == "INC-5") == "Changed"
    same(again, loaded_with(root, None))


def test_a_missing_chunk_file_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    loaded_with(root, cache_dir)
    victim = sorted(chunk_files(cache_dir))[1]
    (cache_dir / victim).unlink()
    same(loaded_with(root, cache_dir), loaded_with(root, None))
    assert len(chunk_files(cache_dir)) == len(named(cache_dir)) == 3, "its files were cached again"


def test_a_save_never_names_a_chunk_another_save_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes with the same cache: the first loads, the second changes two files of one
    chunk and saves (that chunk file is rewritten and removed); when the first saves, it writes
    that chunk's entries again from the file it still holds open instead of naming it."""
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    loaded_with(root, cache_dir)
    edit(root, "i09.yaml", "First process")
    slow = LoadCache(cache_dir)
    with monkeypatch.context() as patched:
        patched.setattr(LoadCache, "save", lambda self, keep_open=False: None)
        load_site(root, now(), cache=slow)  # read every chunk, not saved yet
    edit(root, "i04.yaml", "Second process")
    edit(root, "i05.yaml", "Second process")
    loaded_with(root, cache_dir)  # the other process: i04-i07's chunk is written again, the old one removed
    slow.save()
    names = named(cache_dir)
    assert sorted(names) == sorted(n.removesuffix(".pickle").rsplit("-", 1)[1] for n in chunk_files(cache_dir))
    reader = LoadCache(cache_dir)
    load_site(root, now(), cache=reader)
    parsed = [rel for rel, entry in reader.new.items() if entry[2] < 0]
    # i04 and i05 changed since the slow process read them; nothing else is parsed again.
    assert sorted(parsed) == ["incidents/i04.yaml", "incidents/i05.yaml"]
    same(loaded_with(root, cache_dir), loaded_with(root, None))


def test_small_chunks_are_merged_once_there_are_many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each save after one changed file leaves a chunk of one file; past `_SMALL_CHUNKS` of them
    they are merged, so editing file after file does not leave a chunk file per edit."""
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    monkeypatch.setattr(cache_module, "_CHUNK", 12)  # one chunk of all twelve; small: under 3 files
    monkeypatch.setattr(cache_module, "_SMALL_CHUNKS", 1)
    loaded_with(root, cache_dir)
    counts = []
    for n in (0, 1, 2):
        edit(root, f"i{n:02}.yaml", f"Edit {n}")
        loaded_with(root, cache_dir)
        counts.append(len(chunk_files(cache_dir)))
    # The big chunk stays (11, 10, then 9 of its 12 files used: at least three quarters). The
    # first edit leaves one chunk of one file, the second a second one; at the third, two small
    # chunks are more than one: they are merged with the new entry into one chunk of three.
    assert counts == [2, 3, 2]
    same(loaded_with(root, cache_dir), loaded_with(root, None))


def test_a_cache_folder_copied_elsewhere_still_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks are named relative to their index, so a kept CI cache folder restored at another
    path works (the index names files, not paths)."""
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    loaded_with(root, cache_dir)
    moved = tmp_path / "restored"
    shutil.copytree(cache_dir, moved)
    reader = LoadCache(moved)
    load_site(root, now(), cache=reader)
    assert not [rel for rel, entry in reader.new.items() if entry[2] < 0], "nothing parsed again"
