"""Fixtures shared by several test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.public.reuse import PageCache


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths every build in the test rendered (not reused), in order."""
    paths: list[str] = []
    original = PageCache.written

    def spy(self: PageCache, path: str, page_key: bytes | None, dest: Path) -> None:
        paths.append(path)
        original(self, path, page_key, dest)

    monkeypatch.setattr(PageCache, "written", spy)
    return paths
