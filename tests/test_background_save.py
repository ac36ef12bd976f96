"""After a cold load, a lazy build's load cache is written by a forked process while the build
goes on (LoadCache.save with `background`, generator/workers.py `in_background`): once the build
is done the cache is whole, reads back as what one process saves, and later builds make the
same bytes as a clean one."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import BuildRequest, build
from generator.load import cache as cache_module
from generator.load import load_site, reading
from generator.load.cache import LoadCache
from tests.sitekit import EXAMPLE, now
from tests.treediff import differences, snapshot


def _build(content: Path, out: Path, cache: Path | None, minutes: int = 0) -> dict[str, str]:
    from datetime import timedelta

    build(BuildRequest(content=content, out=out, now=now() + timedelta(minutes=minutes), targets=("public",),
                       progress=lambda _: None, cache_dir=cache))
    return snapshot(out / "public")


@pytest.fixture
def saved_aside(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The load cache saves made by a process of their own."""
    made: list[int] = []
    real = cache_module.in_background

    def spy(run: Callable[[], None]) -> Callable[[], None]:
        made.append(1)
        return real(run)

    monkeypatch.setattr(cache_module, "in_background", spy)
    return made


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files each load parses."""
    files: list[str] = []
    real = reading._parse_all

    def spy(folder: object, reader: object, todo: list[tuple[object, ...]], *args: object) -> list[object]:
        files.extend(str(task[0].rel) for task in todo)  # type: ignore[attr-defined]
        return real(folder, reader, todo, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(reading, "_parse_all", spy)
    return files


def test_a_cold_build_leaves_a_whole_load_cache_written_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saved_aside: list[int], parsed: list[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")  # as on a machine with two cores, for a small site
    cold = _build(content, tmp_path / "out", tmp_path / "cache")
    assert saved_aside, "the cold build's load cache was written by a process of its own"
    assert parsed
    parsed.clear()
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    warm = load_site(content, now(), cache=LoadCache(tmp_path / "cache"))
    assert parsed == [], "every file came from the cache the build left"
    alone = load_site(content, now())
    assert warm.site == alone.site and warm.problems.sorted() == alone.problems.sorted()
    assert not differences(cold, _build(content, tmp_path / "clean", None))


def test_builds_after_many_changes_saved_aside_make_a_clean_builds_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saved_aside: list[int]
) -> None:
    # Most incidents changed since the last build: parsed again, saved aside, while the others'
    # records are read from the chunks that save removes.
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    _build(content, tmp_path / "out", tmp_path / "cache")
    changed = sorted((content / "incidents").glob("*.yaml"))[1:]
    for path in changed:
        path.write_text(path.read_text() + "# edited\n")
    saved_aside.clear()
    later = _build(content, tmp_path / "out", tmp_path / "cache", minutes=1)
    assert saved_aside and len(changed) >= 2
    assert not differences(later, _build(content, tmp_path / "clean", None, minutes=1))
    again = _build(content, tmp_path / "out", tmp_path / "cache", minutes=2)
    assert not differences(again, _build(content, tmp_path / "clean", None, minutes=2))
