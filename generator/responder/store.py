"""Finding records and writing changes safely: validated first, then atomic, or not at all.

A change set is checked by loading the content folder with the changes laid over it. Only
errors the change introduces refuse it, so an unrelated broken file elsewhere does not stop a
responder from posting an update. Each file is then replaced atomically (temp file + rename).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path

from ..load import DEFAULT_MAX_BYTES, check_folder
from ..load.cache import LoadCache
from ..load.catalogue import read_services
from ..load.files import ContentFolder, read_regular_bytes
from ..load.reading import context_bytes
from ..load.yamlsafe import YamlError, parse
from ..model import Service
from ..problems import Problem, Problems
from .lines import on_disk
from .textfile import read_spelled


class Refused(Exception):
    """A change that would make the content invalid; `problems` say why, as path:line: message."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


#: The id of a file's record as a cache knows it without reading the file; None: read it.
KnownId = Callable[[str], "str | None"]


def record_ids(folder: Path, containing: str | None = None, known: KnownId | None = None) -> dict[str, Path]:
    """The `id` of every YAML record in `folder`, to find incidents and avoid duplicates; with
    `containing`, only of the files whose text contains it (any case), to find one record.

    Most files state their id on a top-level `id:` line, which is read alone: parsing every
    whole file took half a minute at 20,000 incidents, in the middle of an outage. A file whose
    id line is missing or unusual (a flow mapping, a block scalar) is parsed whole. `known`
    (file name -> id, from the load cache: `_known`) spares reading the files it knows.
    """
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    wanted = containing.casefold() if containing is not None else None
    for name in sorted(os.listdir(folder)):
        if name.startswith(".") or not name.endswith((".yaml", ".yml")):
            continue
        path = folder / name
        cached = known(name) if known is not None else None
        if cached:
            found.setdefault(cached, path)
            continue
        text = _text(path)
        if text is None or (wanted is not None and wanted not in text.casefold()):
            continue
        record_id = _id_line(text) or _id_of_document(text)
        if record_id is not None:
            found.setdefault(record_id, path)
    return found


_ID_LINE = re.compile(r"^id:[ \t]*(\S.*)$", re.MULTILINE)
#: An id line YAML reads as the plain text written: an allowed id that starts with a letter and
#: is no YAML 1.1 keyword, with an optional comment.
_PLAIN_ID = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*(?:#.*)?")
_KEYWORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n"})


def _id_line(text: str) -> str | None:
    match = _ID_LINE.search(text)
    if match is None or match.group(1).startswith(("|", ">", "&", "*", "!")):
        return None
    plain = _PLAIN_ID.fullmatch(match.group(1))
    if plain is not None and plain.group(1).casefold() not in _KEYWORDS:
        return plain.group(1)
    try:
        node = parse(match.group(0))
    except YamlError:
        return None
    value = node.value.get("id") if isinstance(node.value, dict) else None
    if value is None or not isinstance(value.value, str | int) or isinstance(value.value, bool):
        return None
    return str(value.value)


def _id_of_document(text: str) -> str | None:
    try:
        node = parse(text)
    except YamlError:
        return None
    if isinstance(node.value, dict) and "id" in node.value:
        return str(node.value["id"].value)
    return None


def _open_cache(content: Path, cache_dir: Path | None, cache: LoadCache | None = None) -> LoadCache | None:
    """The load cache of `content` (`cache`, else one of `cache_dir`) with its index read
    (then closed: only the index is used); None without a usable cache."""
    if cache is None:
        if cache_dir is None:
            return None
        cache = LoadCache(cache_dir)
    folder = ContentFolder(content, Problems(), DEFAULT_MAX_BYTES)  # to read site.yaml and services.yaml
    cache.begin(content, context_bytes(folder, ("site.yaml", "services.yaml")))
    cache.close()
    return cache if cache.index else None


def _known(cache: LoadCache, content: Path, kind: str, read: Mapping[str, str] | None = None) -> KnownId:
    """The ids of the records of `content/kind/` that the load cache knows, by file name: only
    files whose status is unchanged since they were cached (as the load trusts them), and those
    of the files in `read` (name -> id), just read for their id."""
    base = os.path.join(content, kind)
    seen = read or {}
    return lambda name: seen.get(name) or cache.record_id(f"{kind}/{name}", os.path.join(base, name))


def _indexed_file(cache: LoadCache, content: Path, incident: str, read: dict[str, str]) -> Path | None:
    """The one file that the cache's index gave the exact id `incident` and that still has it
    (unchanged since, so its status vouches for its id, or read again: a responder's last update
    changed it; `read` gets the id of each file read); None: look through the folder. Files not
    named by the index are not read: one of them with the same id would be a duplicate, which
    validation reports, and looking through the folder would pick one of the two as silently."""
    found = []
    for rel in cache.rels_with_id(incident, "incidents"):
        record_id = cache.record_id(rel, os.path.join(content, rel))
        if not record_id and (record_id := _file_id(content / rel)):
            read[rel.rpartition("/")[2]] = record_id
        if record_id == incident:
            found.append(rel)
    return content / found[0] if len(found) == 1 else None


def _file_id(path: Path) -> str | None:
    """The id of the record in the file at `path`, as `record_ids` reads it; None if unreadable."""
    text = _text(path)
    return None if text is None else _id_line(text) or _id_of_document(text)


def _text(path: Path) -> str | None:
    """The text of a record file, or None when it cannot be read (a FIFO is skipped)."""
    try:
        return read_spelled(read_regular_bytes(path))[0]
    except (OSError, UnicodeDecodeError):
        return None


def find_incident(
    content: Path, incident: str, cache_dir: Path | None = None, cache: LoadCache | None = None
) -> Path:
    """The file of incident `incident` (an id, or a path to the file). With a `cache_dir` (or
    a `cache` of it, which `commit` can then use without reading its index again), the file
    the load cache's index names is checked alone (finding one among 20,000 files by their
    ids took most of a responder's second); otherwise, or when that file changed or the id
    differs in case, the ids of unchanged files come from the index and every other file is
    read."""
    as_path = Path(incident)
    if as_path.suffix in (".yaml", ".yml") and as_path.is_file():
        if as_path.parent.resolve() != (content / "incidents").resolve() or as_path.name.startswith("."):
            # another clone's copy, a maintenance window: never edited as this folder's incident
            raise LookupError(
                f"{incident} is not a file of {content / 'incidents'}; give the incident's id or its file there"
            )
        return as_path
    cache = _open_cache(content, cache_dir, cache)
    read: dict[str, str] = {}
    if cache is not None and (indexed := _indexed_file(cache, content, incident, read)) is not None:
        return indexed
    known = _known(cache, content, "incidents", read) if cache is not None else None
    # Files that spell the id out first, then every file; with the cache every file at once.
    for containing in (incident, None) if known is None else (None,):
        ids = record_ids(content / "incidents", containing, known)
        if incident in ids:
            return ids[incident]
        matches = sorted((key, path) for key, path in ids.items() if key.casefold() == incident.casefold())
        if len(matches) > 1:  # invalid content (validate says so): never pick one of them silently
            listed = ", ".join(f"{key} ({path})" for key, path in matches)
            raise LookupError(
                f"{incident!r} matches incidents whose ids differ only in case: {listed}; give the exact id"
            )
        if matches:
            return matches[0][1]
    raise LookupError(f"no incident with id {incident!r} in {content / 'incidents'}")


def catalogue(content: Path) -> tuple[Service, ...]:
    """The components of `content/services.yaml`; none when it cannot be read (validation then
    says why)."""
    problems = Problems()
    folder = ContentFolder(content, problems, DEFAULT_MAX_BYTES)
    file = folder.file("services.yaml")
    node = folder.read_yaml(file) if file.path.is_file() else None
    return read_services(problems, file, node)[1] if node is not None else ()


def _errors(
    root: Path, now: datetime, cache: LoadCache | None, overrides: Mapping[str, str] | None = None
) -> set[Problem]:
    checked = check_folder(root, now, overrides=overrides, cache=cache, errors_only=True)
    return set(checked.problems.errors)


def _told(problem: Problem, changes: Mapping[Path, str]) -> str:
    """`problem` with the line on disk when it lies in a changed file (see `lines.on_disk`)."""
    where = Path(problem.path).resolve()
    for path, text in changes.items():
        if path.resolve() == where:
            old = path.read_text(encoding="utf-8") if path.is_file() else None
            return on_disk(problem, old, text)
    return str(problem)


def check_changes(
    content: Path, changes: Mapping[Path, str], now: datetime, cache_dir: Path | None = None,
    cache: LoadCache | None = None,
) -> list[str]:
    """Errors the changes would introduce, found by loading the folder with the changes laid
    over it in memory (nothing is copied or written). The folder is loaded a second time, to
    tell old errors from new ones, only when the changed folder has errors at all. With a
    `cache_dir`, unchanged files come from the load cache (at 20,000 incidents, seconds instead
    of a minute during an outage); `cache` is a load cache of it already used (`find_incident`)."""
    root = content.resolve()
    overrides = {path.resolve().relative_to(root).as_posix(): text for path, text in changes.items()}
    if cache is None and cache_dir is not None:
        cache = LoadCache(cache_dir)  # one for both loads, as when `find_incident` gave it
    after = _errors(content, now, cache, overrides)
    if not after:
        return []
    return [_told(p, changes) for p in sorted(after - _errors(content, now, cache))]


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


def commit(
    content: Path,
    changes: Mapping[Path, str],
    now: datetime,
    new: Iterable[Path] = (),
    cache_dir: Path | None = None,
    cache: LoadCache | None = None,
) -> None:
    """Validate `changes` (path -> full new text) together, then write each atomically.

    Paths in `new` must not exist yet (a scaffold never overwrites). Raises `Refused`.
    `cache`: a load cache of `cache_dir` that `find_incident` used (its index is read once).
    """
    existing = [str(p) for p in new if p.exists()]
    if existing:
        raise Refused([f"{p}: already exists; not overwriting it" for p in existing])
    problems = check_changes(content, changes, now, cache_dir, cache)
    if problems:
        raise Refused(problems)
    for path, text in sorted(changes.items()):
        atomic_write(path, text)
