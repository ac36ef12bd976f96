"""Previewing a site: rebuild it whenever the content changes, keeping the last good build.

Changes are found by polling file modification times (no watcher dependency). A rebuild that
fails prints its problems and leaves the last good site in place, since builds are atomic.
Rebuilds go through the build cache, so a preview rebuilds only what an edit touched (the
knowledge base's pages, the public pages) as `statuspress build` does.
"""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .build import BuildRequest, build
from .cachefile import path_name
from .clock import resolve_now
from .problems import ContentError
from .publish import BuildLocked
from .wording import counted

Fingerprint = tuple[tuple[str, int, int], ...]


def port_refused(port: int, error: OSError) -> str:
    """What to say when the preview cannot listen on `port` (most often another preview)."""
    return (f"cannot serve on 127.0.0.1:{port}: {error.strerror or error}; is another `statuspress serve` "
            "running there? Stop it or choose another --port")


@contextmanager
def preview_out(content: Path, out: Path | None, cache_dir: Path | None, target: str) -> Iterator[Path]:
    """Where a preview builds when no `--out` is given: a folder of the build cache
    (`CACHE/serve-TARGET-DIGEST`, DIGEST naming the content folder, since one cache folder may
    serve several: `$STATUSPRESS_CACHE_DIR`), kept from one preview to the next. The previews' pages are kept
    per output folder, so a temporary folder made every start a cold build (a minute or more at
    5,000 incidents for the knowledge base) and left its 70 MB of kept pages in the cache for
    good. Without a cache, a temporary folder, removed at the end."""
    if out is not None:
        yield out
    elif cache_dir is not None:
        named = path_name(content)
        yield cache_dir / f"serve-{target}-{named}"
    else:
        with tempfile.TemporaryDirectory(prefix="statuspress-serve-") as folder:
            yield Path(folder)


def fingerprint(content: Path) -> Fingerprint:
    """(path, mtime, size) of every content file, sorted: changes when any file does."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(content):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(dirpath, name)
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((path.relative_to(content).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))


class Rebuilder:
    """Rebuilds `target` into `out` whenever the content's fingerprint changes."""

    def __init__(self, content: Path, out: Path, target: str, say: Callable[[str], None],
                 cache_dir: Path | None = None) -> None:
        self.content = content
        self.out = out
        self.target = target
        self.say = say
        self.cache_dir = cache_dir
        self.last: Fingerprint | None = None
        (out / target).mkdir(parents=True, exist_ok=True)

    def poll(self) -> bool:
        """Rebuild if anything changed since the last poll; True when a build succeeded."""
        current = fingerprint(self.content)
        if current == self.last:
            return False
        self.last = current
        return self.rebuild()

    def rebuild(self) -> bool:
        """Build once; True when the build succeeded. What the build left behind is collected
        before returning: a build freezes the heap it starts with, garbage included (the
        collector is kept off the loaded site while building: kb/heap.py), so the last build's
        pages, which hold one another in cycles, would otherwise live through the next one."""
        try:
            return self._rebuild()
        finally:
            gc.collect()

    def _rebuild(self) -> bool:
        request = BuildRequest(content=self.content, out=self.out, now=resolve_now(None), targets=(self.target,),
                               progress=self._progress, cache_dir=self.cache_dir)
        try:
            loaded = build(request)
        except ContentError as error:
            for problem in error.problems:
                self.say(str(problem))
            self.say(f"{counted(len(error.problems), 'problem')}; still serving the last good build")
            return False
        except BuildLocked as error:
            self.say(str(error))
            return False
        for warning in loaded.problems.warnings:
            self.say(str(warning))
        self.say(f"Built the {self.target} site")
        return True

    def _progress(self, message: str) -> None:
        """Only what a previewer wants to read: warnings and what was rebuilt."""
        if "warning:" in message or "rendered" in message:
            self.say(message)
