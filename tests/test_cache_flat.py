"""Indexes written as flat sections (generator/cachefile.py `SectionWriter.flat`): without
pickle's memo, and read back equal, shared values included."""

from __future__ import annotations

import pickletools
from pathlib import Path

import pytest

from generator.cachefile import CacheFile, write_cache_file


def test_a_flat_section_reads_back_equal_and_holds_no_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))  # the signing key
    shared = (b"k" * 32, 1_234_567_890_123, "2024-05")
    index = {f"incidents/{n}.yaml": (bytes([n]) * 32, (n, 2 * n, None), n % 3, "2024-05", shared)
             for n in range(50)}
    value = (4, b"salt", index, {"2024-05": "0123abcd", "2024-06": None})
    path = tmp_path / "cache" / "index.pickle"
    assert write_cache_file(tmp_path / "cache", path, lambda writer: writer.flat(value))
    file = CacheFile.open(path)
    assert file is not None
    assert file.unpickle(0) == value
    section = file.section(0)
    assert isinstance(section, bytes)
    ops = {op.name for op, _, _ in pickletools.genops(section)}
    assert not ops & {"MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT", "GET", "BINGET", "LONG_BINGET"}


def test_a_flat_section_refuses_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    cyclic: list[object] = []
    cyclic.append(cyclic)
    with pytest.raises(ValueError):
        write_cache_file(tmp_path / "cache", tmp_path / "cache" / "x.pickle", lambda writer: writer.flat(cyclic))
    assert not list((tmp_path / "cache").glob("*.pickle"))
