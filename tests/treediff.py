"""Snapshots of output folders, to prove builds identical or untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path


def snapshot(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under `root` (hidden build files excluded)."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """Paths that differ, or exist on one side only."""
    return sorted(p for p in set(a) | set(b) if a.get(p) != b.get(p))
