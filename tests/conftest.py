"""Fixtures shared by several test modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.public.reuse import PageCache
from tests.notifykit import HttpReceiver, SmtpReceiver


@pytest.fixture(autouse=True, scope="session")
def user_cache_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The build caches and their signing key go to a temporary user cache directory, never to
    the ~/.cache of whoever runs the tests (nor to a STATUSPRESS_CACHE_DIR set around them)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        patch.delenv("STATUSPRESS_CACHE_DIR", raising=False)
        yield


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


@pytest.fixture
def http() -> Iterator[HttpReceiver]:
    """A webhook receiver on 127.0.0.1 (notifykit.py)."""
    receiver = HttpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    """An SMTP server on 127.0.0.1 (notifykit.py)."""
    receiver = SmtpReceiver().start()
    yield receiver
    receiver.stop()
