"""Finding and reading content files safely: inside the folder, under the size limit, UTF-8."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..problems import Problems
from ..published import FORBIDDEN_CHARACTERS as FORBIDDEN_CHARACTERS  # re-exported: tests import it from here
from ..published import find_forbidden
from .yamlsafe import Node, YamlError, parse


class NotRegularFile(OSError):
    """A path that is a FIFO, socket, device or folder: opening or reading one can block forever."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"{path}: not a regular file ({kind})")
        self.kind = kind


_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"),
)
#: Opening never waits for a FIFO's writer; it changes nothing for regular files.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _check_regular(path: str, mode: int) -> None:
    for test, kind in _SPECIAL:
        if test(mode):
            raise NotRegularFile(path, kind)
    if not stat.S_ISREG(mode):  # pragma: no cover - doors, whiteouts and other rarities
        raise NotRegularFile(path, "an unusual kind of file")


def open_regular(path: str) -> tuple[int, os.stat_result]:
    """A read-only descriptor of `path` (a symlink is followed) and its status, or
    `NotRegularFile`. The type is checked before opening, so a FIFO is never opened, and again
    on the open file, so a swap in between is caught too."""
    _check_regular(path, os.stat(path).st_mode)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(fd)
        _check_regular(path, status.st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd, status


def read_regular_bytes(path: str | Path) -> bytes:
    """The bytes of the regular file `path`; OSError (`NotRegularFile` for a FIFO, device...)."""
    fd, _ = open_regular(str(path))
    with open(fd, "rb") as handle:
        return handle.read()


@dataclass(frozen=True, slots=True)
class ContentFile:
    """A content file: `shown` is the path as printed in messages, `rel` is relative to content/."""

    rel: str
    shown: str

    @property
    def path(self) -> Path:
        return Path(self.shown)


class ContentFolder:
    """The content folder: lists files and reads them, reporting problems instead of raising."""

    def __init__(
        self, root: Path, problems: Problems, max_bytes: int, overrides: Mapping[str, str] | None = None
    ) -> None:
        self.root = root
        self.overrides = dict(overrides or {})
        self.real_root = root.resolve()
        self.problems = problems
        self.max_bytes = max_bytes
        self.real_dirs: dict[str, str] = {}
        self.inside_dirs: set[str] = set()  # those of `real_dirs` that resolve inside the folder
        self.real_prefix = str(self.real_root).rstrip("/") + "/"  # what `inside` compares with
        #: What `shown` paths start with: `str(root / rel)` is this + rel ("" for the folder ".").
        #: Plain strings, because making 20,000 Path objects was a fifth of a warm load.
        self.prefix = str(root / "_")[:-1]

    def file(self, rel: str) -> ContentFile:
        return ContentFile(rel, self.prefix + rel)

    def find(self, folder: str, suffixes: tuple[str, ...], recursive: bool = False) -> list[ContentFile]:
        """Files in `folder` with one of `suffixes`, sorted by path so output order is stable."""
        base = self.root / folder
        found: list[ContentFile] = []
        # os.walk yields nothing for a missing folder; the overrides are still listed, so the
        # first incident written into a new content folder is validated like any other.
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            dirnames.sort()
            if not recursive:
                dirnames.clear()
            for dirname in list(dirnames):
                full = Path(dirpath, dirname)
                if full.is_symlink() and not self.inside(full):
                    rel = full.relative_to(self.root).as_posix()
                    self.problems.error(str(full), 1, f"symlink leaves the content folder: {rel}")
                    dirnames.remove(dirname)
            prefix = Path(dirpath).relative_to(self.root).as_posix()
            for name in sorted(filenames):
                if name.startswith(".") or not name.endswith(suffixes):
                    continue
                found.append(self.file(f"{prefix}/{name}"))
        known = {f.rel for f in found}
        for rel in self.overrides:
            parent, _, name = rel.rpartition("/")
            inside = parent == folder or (recursive and parent.startswith(folder + "/"))
            if inside and name.endswith(suffixes) and rel not in known:
                found.append(self.file(rel))
        return sorted(found, key=lambda f: f.rel)

    def inside(self, path: Path | str) -> bool:
        try:
            if not os.path.islink(path):
                return self.folder_inside(str(path))
            return Path(path).resolve().is_relative_to(self.real_root)
        except (OSError, RuntimeError):  # symlink loops
            return False

    def folder_inside(self, path: str) -> bool:
        """Whether `path`, known not to be a symlink itself, is inside: it resolves like its
        folder, and each folder is resolved once."""
        if path.rpartition("/")[0] in self.inside_dirs:  # a folder inside: so is every name in it
            return True  # (os.path.split gives the same folder for these paths, at a third the cost)
        parent, name = os.path.split(path)
        if parent in self.inside_dirs:  # (no "/" in a name)
            return True
        folder = self.real_dirs.get(parent)
        if folder is None:
            folder = self.real_dirs[parent] = os.path.realpath(parent)
            if (folder + "/").startswith(self.real_prefix):
                self.inside_dirs.add(parent)
        real = os.path.join(folder, name)
        return real == self.real_prefix[:-1] or real.startswith(self.real_prefix)

    def read_text(self, file: ContentFile) -> str | None:
        """The file's text, or None after reporting why it cannot be used."""
        data = self.read_bytes(file)
        return None if data is None else self.decode(file, data)

    def read_bytes(self, file: ContentFile) -> bytes | None:
        """The file's bytes (inside the folder, under the size limit), or None after reporting why."""
        read = self.read_bytes_and_stat(file)
        return None if read is None else read[0]

    def read_bytes_and_stat(self, file: ContentFile) -> tuple[bytes, os.stat_result | None] | None:
        """`read_bytes`, with the file's status taken before reading (None for an override).

        Status first: if the file changes while being read, the status kept is the older one,
        so a cache that trusts unchanged status (cache.py) reads it again next time.
        """
        if file.rel in self.overrides:
            return self.overrides[file.rel].encode("utf-8", "surrogatepass"), None
        if not self.inside(file.shown):
            self.problems.error(file.shown, 1, "symlink leaves the content folder; refusing to read it")
            return None
        try:
            fd, status = open_regular(file.shown)  # one stat, open and fstat: this runs per file
            with open(fd, "rb") as handle:
                if status.st_size > self.max_bytes:
                    self.problems.error(
                        file.shown,
                        1,
                        f"file is {status.st_size:,} bytes; the limit is {self.max_bytes:,} (max_file_bytes)",
                    )
                    return None
                return handle.read(), status
        except NotRegularFile as exc:
            self.problems.error(file.shown, 1, f"not a regular file ({exc.kind}); refusing to read it")
            return None
        except OSError as exc:
            self.problems.error(file.shown, 1, f"cannot read file: {exc.strerror or exc}")
            return None

    def decode(self, file: ContentFile, data: bytes) -> str | None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.problems.error(file.shown, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})")
            return None
        text = text.removeprefix("\ufeff").replace("\r\n", "\n")
        bad = find_forbidden(text)
        if bad is not None:
            line = text.count("\n", 0, bad.start()) + 1
            self.problems.error(file.shown, line, f"control character U+{ord(bad.group()):04X} in text")
            return None
        return text

    def read_yaml(self, file: ContentFile) -> Node | None:
        text = self.read_text(file)
        if text is None:
            return None
        try:
            return parse(text)
        except YamlError as exc:
            self.problems.error(file.shown, exc.line, exc.message)
            return None
