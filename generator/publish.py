"""Atomic publishing: render into a staging folder beside the target, then swap it in.

A build that fails or is killed half way leaves the published folders exactly as they were:
nothing is written into them, ever. On Linux the swap is one `renameat2(RENAME_EXCHANGE)` call,
so readers see either the old site or the new one; elsewhere two renames, and a leftover from a
crash between them is repaired by the next build. A lock file keeps two builds apart.

Two generations. After the swap the staging folder holds the previous site. When the build
keeps caches, that tree is kept as `OUT/.NAME.reserve` and becomes the next build's staging
folder: the next build updates it in place (its caches know which of its files are still right,
see `prune()`), writing only what changed since it was published, instead of writing or linking
every file into an empty folder. The two trees never share a file (nothing is hard-linked
between them), so writing into the reserve can never touch the published site. (The knowledge
base does hard-link unchanged pages between them, and replaces files, never writes into them.)
A renderer whose previous generation is no reserve its caches know (a cold build) may fill a
`mirror()` folder instead, which becomes the reserve in its place. Without caches,
or when a reserve cannot be trusted, the old tree is removed; a large one in the background,
so the command does not wait for deleting thousands of files.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .locking import Busy, acquire

LOCK_NAME = ".statuspress.lock"
#: Trees with more files than this are removed in a background process.
_BACKGROUND_FILES = 1000
#: A trash folder still full this long after a tree was put in it has lost its background
#: removal (killed with its terminal session, or the machine stopped): a build starts another.
_ORPHANED_SECONDS = 600
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class BuildLocked(Exception):
    """Another build holds the lock on the output folder."""


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on `out` for one build; fail at once if another build has it."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        held = acquire(out / LOCK_NAME, wait=0)
    except Busy:
        raise BuildLocked(f"another build is writing to {out}; try again when it has finished") from None
    try:
        yield
    finally:
        held.release()


class Staging:
    """Staging folders for one build, swapped into `out` together by `publish()`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folders: dict[str, Path] = {}
        self.kept: set[str] = set()  # names whose previous generation is kept as the next reserve
        self.reserves: set[str] = set()  # names whose staging folder is their reserve generation
        self.mirrors: dict[str, Path] = {}  # name -> the folder that becomes its reserve (mirror())
        remove_leftovers(out)

    def folder(self, name: str, keep: bool = False) -> Path:
        """The staging folder for the output `out/name`: with `keep`, the reserve generation
        (the site published before the current one) when there is one, to be updated in place,
        and the current one is kept as the next reserve; else a new, empty folder."""
        reserve = self.out / f".{name}.reserve"
        path = Path(tempfile.mkdtemp(prefix=f".{name}.staging-", dir=self.out))
        if keep and reserve.is_dir():
            path.rmdir()
            os.rename(reserve, path)
            self.reserves.add(name)
        else:
            remove_tree(reserve)
            path.chmod(0o777 & ~_umask())
        if keep:
            self.kept.add(name)
        self.folders[name] = path
        return path

    def mirror(self, name: str) -> Path:
        """A new, empty folder that becomes the reserve generation of `name` when the build is
        published, in place of the previous site (which is removed): for a renderer that keeps
        (`folder(name, keep=True)`) and fills it with hard links to the files it staged, so the
        next build finds the reserve holding them, as after every later build, instead of
        linking or writing every file into an empty folder."""
        assert name in self.kept and name not in self.mirrors
        path = Path(tempfile.mkdtemp(prefix=f".{name}.staging-", dir=self.out))  # a leftover is stale
        path.chmod(0o777 & ~_umask())
        self.mirrors[name] = path
        return path

    def publish(self) -> None:
        """Swap every staged folder into place; the previous versions (or the mirrors) become
        the reserves, or are removed."""
        for name, staged in sorted(self.folders.items()):
            swap_in(staged, self.out / name)
        for name, staged in self.folders.items():  # now holds the previous version
            mirror = self.mirrors.pop(name, None)
            if mirror is not None:
                remove_tree(staged)
                os.rename(mirror, self.out / f".{name}.reserve")
            elif name in self.kept and any(staged.iterdir()):
                os.rename(staged, self.out / f".{name}.reserve")
            else:
                remove_tree(staged)
        self.folders.clear()
        self.reserves.clear()

    def discard(self) -> None:
        """After a failure: a reserve goes back (its caches check every file again before
        trusting it), a new folder is removed."""
        for name, staged in self.folders.items():
            if name in self.reserves and not (self.out / f".{name}.reserve").exists():
                os.rename(staged, self.out / f".{name}.reserve")
            else:
                remove_tree(staged)
        for mirror in self.mirrors.values():
            remove_tree(mirror)
        self.folders.clear()
        self.reserves.clear()
        self.mirrors.clear()


def stage_and_publish(out: Path, render: Callable[[Staging], None]) -> None:
    """Let `render` fill staging folders, and publish them only if it returns.

    The caller holds `build_lock(out)`.
    """
    staging = Staging(out)
    try:
        render(staging)
        staging.publish()
    finally:
        staging.discard()


#: (inode, size, mtime in ns) of a file as its cache recorded it.
Status = tuple[int, int, int]


def status(path: str | Path) -> Status | None:
    """The status of a file, or None when it is not there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def prune(folder: Path, keep: Mapping[str, Status]) -> set[str]:
    """Make a reserve generation hold only files its caches vouch for: every file is removed
    unless its path (relative, POSIX) is in `keep` with the status it has; returns the paths kept.
    What a renderer writes every build anyway goes too, and is written again. With nothing to
    keep, the whole tree goes at once (in the background when large)."""
    if not keep:
        clear(folder)
        return set()
    kept: set[str] = set()
    _prune_into(str(folder), "", keep, kept)
    return kept


def _prune_into(folder: str, rel_dir: str, keep: Mapping[str, Status], kept: set[str]) -> bool:
    """`prune()` of one folder (`rel_dir` under the tree), depth first, with one `scandir` and
    one stat per file (the reserve holds every page of the site: 14,800 files at 20,000
    incidents, where walking them with a path joined and a `stat` call each took 0.2 s);
    empty folders are removed; whether anything is left in `folder`."""
    left = False
    with os.scandir(folder) as entries:
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_dir():
                if entry.is_symlink() or _prune_into(entry.path, rel, keep, kept):
                    left = True  # as os.walk, a link to a folder is neither followed nor removed
                else:
                    os.rmdir(entry.path)
                continue
            wanted = keep.get(rel)
            if wanted is not None:
                try:
                    info = entry.stat()
                except OSError:
                    info = None
                if info is not None and (info.st_ino, info.st_size, info.st_mtime_ns) == wanted:
                    kept.add(rel)
                    left = True
                    continue
            os.unlink(entry.path)
    return left


def clear(folder: Path) -> None:
    """Empty `folder`: its contents are moved aside and removed like a tree (remove_tree)."""
    children = list(folder.iterdir())
    if not children:
        return
    aside = Path(tempfile.mkdtemp(prefix=".statuspress-trash-", dir=folder.parent))
    for child in children:
        os.rename(child, aside / child.name)
    remove_tree(aside)


def remove_files(folder: Path, paths: set[str]) -> None:
    """Remove `paths` (relative) from `folder`, and the folders they leave empty."""
    parents: set[str] = set()
    for rel in paths:
        try:
            os.unlink(os.path.join(folder, rel))
        except FileNotFoundError:
            continue
        parents.add(os.path.dirname(rel))
    for parent in sorted(parents, key=len, reverse=True):
        while parent:
            try:
                os.rmdir(os.path.join(folder, parent))
            except OSError:
                break
            parent = os.path.dirname(parent)


def remove_tree(path: Path) -> None:
    """Remove a folder: at once when small, else renamed aside and removed by a background
    process (deleting an old 20,000-incident site took 14-27 s here)."""
    if not path.exists():
        return
    count = 0
    for _, _, files in os.walk(path):
        count += len(files)
        if count > _BACKGROUND_FILES:
            break
    if count <= _BACKGROUND_FILES:
        shutil.rmtree(path, ignore_errors=True)
        return
    trash = Path(tempfile.mkdtemp(prefix=".statuspress-trash-", dir=path.parent))
    os.rename(path, trash / "tree")
    _remove_in_background(trash)


def _remove_in_background(trash: Path) -> None:
    """Remove the folder `trash` in a process of its own, which outlives this one. Two removals
    of the same folder at once are harmless: each skips what the other removed."""
    subprocess.Popen(  # noqa: S603 - our own interpreter, a path we made
        [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(trash)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def swap_in(staged: Path, target: Path) -> None:
    """Put `staged` at `target`; afterwards `staged` holds the previous target (if any)."""
    if not target.exists():
        os.rename(staged, target)
        staged.mkdir()
        return
    if _exchange(staged, target):
        return
    parked = target.with_name(f".{target.name}.previous")
    shutil.rmtree(parked, ignore_errors=True)
    os.rename(target, parked)
    os.rename(staged, target)
    os.rename(parked, staged)


def remove_leftovers(out: Path) -> None:
    """Repair what a killed build left: a parked previous site, stale staging folders (a
    reserve that was being updated stays a reserve: its caches check it file by file), and
    trash whose background removal was killed (else its disk space was never given back)."""
    for parked in out.glob(".*.previous"):
        target = out / parked.name[1 : -len(".previous")]
        if not target.exists():
            os.rename(parked, target)
        else:
            remove_tree(parked)
    for stale in out.glob(".*.staging-*"):
        remove_tree(stale)
    for trash in out.glob(".statuspress-trash-*"):
        try:
            if not any(trash.iterdir()):  # its background removal has finished
                trash.rmdir()
            elif time.time() - trash.stat().st_mtime > _ORPHANED_SECONDS:  # "tree" was put in it then
                os.utime(trash)  # the next build leaves this removal the same time to finish
                _remove_in_background(trash)
        except OSError:  # removed meanwhile by its background removal
            continue


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2; False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
