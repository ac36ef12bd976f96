"""Ids and file names for new records: `INC-2026-007`, `2026-11-20-checkout-errors.yaml`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ..load.fields import is_reserved_name


def slugify(text: str, limit: int = 48) -> str:
    """Lower-case ASCII words joined by '-', for file names and ids."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "untitled"


def service_slug(name: str) -> str:
    """A service id for an imported component's name: its slug, with `-service` added where the
    slug is a Windows device name (`con`, `nul`, ...), which is no id."""
    slug = slugify(name)
    return f"{slug}-service" if is_reserved_name(slug) else slug


def next_id(prefix: str, year: int, existing: Iterable[str]) -> str:
    """`PREFIX-YEAR-NNN`, one past the highest sequence already used that year."""
    pattern = re.compile(rf"{re.escape(prefix)}-{year}-(\d+)", re.IGNORECASE)
    used = [int(m.group(1)) for m in map(pattern.fullmatch, existing) if m]
    return f"{prefix}-{year}-{max(used, default=0) + 1:03d}"


def free_path(folder: Path, stem: str, suffix: str = ".yaml") -> Path:
    """`folder/stem.yaml`, or `stem-2.yaml`, `stem-3.yaml`... when taken."""
    path = folder / f"{stem}{suffix}"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return path
