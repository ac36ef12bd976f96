"""Finding records and writing changes safely: validated first, then atomic, or not at all.

A change set is checked by loading the content folder with the changes laid over it. Only
errors the change introduces refuse it, so an unrelated broken file elsewhere does not stop a
responder from posting an update. Each file is then replaced atomically (temp file + rename).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

from ..load import load_site
from ..load.yamlsafe import YamlError, parse


class Refused(Exception):
    """A change that would make the content invalid; `problems` say why, as path:line: message."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def record_ids(folder: Path) -> dict[str, Path]:
    """The `id` of every YAML record in `folder`, to find incidents and avoid duplicates."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix not in (".yaml", ".yml"):
            continue
        try:
            node = parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YamlError):
            continue
        if isinstance(node.value, dict) and "id" in node.value:
            found.setdefault(str(node.value["id"].value), path)
    return found


def find_incident(content: Path, incident: str) -> Path:
    """The file of incident `incident` (an id, or a path to the file)."""
    as_path = Path(incident)
    if as_path.suffix in (".yaml", ".yml") and as_path.is_file():
        return as_path
    ids = record_ids(content / "incidents")
    if incident in ids:
        return ids[incident]
    folded = {key.casefold(): path for key, path in ids.items()}
    if incident.casefold() in folded:
        return folded[incident.casefold()]
    raise LookupError(f"no incident with id {incident!r} in {content / 'incidents'}")


def _errors(root: Path, now: datetime, overrides: Mapping[str, str] | None = None) -> set[str]:
    loaded = load_site(root, now, overrides=overrides)
    return {str(p) for p in loaded.problems.errors}


def check_changes(content: Path, changes: Mapping[Path, str], now: datetime) -> list[str]:
    """Errors the changes would introduce, found by loading the folder with the changes laid
    over it in memory (nothing is copied or written). The folder is loaded a second time, to
    tell old errors from new ones, only when the changed folder has errors at all."""
    root = content.resolve()
    overrides = {path.resolve().relative_to(root).as_posix(): text for path, text in changes.items()}
    after = _errors(content, now, overrides)
    if not after:
        return []
    return sorted(after - _errors(content, now))


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` in one step: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def commit(content: Path, changes: Mapping[Path, str], now: datetime, new: Iterable[Path] = ()) -> None:
    """Validate `changes` (path -> full new text) together, then write each atomically.

    Paths in `new` must not exist yet (a scaffold never overwrites). Raises `Refused`.
    """
    existing = [str(p) for p in new if p.exists()]
    if existing:
        raise Refused([f"{p}: already exists; not overwriting it" for p in existing])
    problems = check_changes(content, changes, now)
    if problems:
        raise Refused(problems)
    for path, text in sorted(changes.items()):
        atomic_write(path, text)
