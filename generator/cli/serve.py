"""`statuspress serve`: build, serve on 127.0.0.1, rebuild when content changes.

Changes are found by polling file modification times (no watcher dependency). A rebuild that
fails prints its problems and keeps serving the last good site, since builds are atomic.
"""

from __future__ import annotations

import functools
import os
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click

from ..build import BuildRequest, build
from ..clock import resolve_now
from ..problems import ContentError
from ..publish import BuildLocked
from .common import check_content_folder, content_option

Fingerprint = tuple[tuple[str, int, int], ...]


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

    def __init__(self, content: Path, out: Path, target: str, say: Callable[[str], None]) -> None:
        self.content = content
        self.out = out
        self.target = target
        self.say = say
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
        request = BuildRequest(
            content=self.content, out=self.out, now=resolve_now(None), targets=(self.target,), progress=lambda _: None
        )
        try:
            loaded = build(request)
        except ContentError as error:
            for problem in error.problems:
                self.say(str(problem))
            self.say(f"{len(error.problems)} problem(s); still serving the last good build")
            return False
        except BuildLocked as error:
            self.say(str(error))
            return False
        for warning in loaded.problems.warnings:
            self.say(str(warning))
        self.say(f"Built the {self.target} site")
        return True


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Keep the terminal for build messages."""


def make_server(directory: Path, port: int) -> ThreadingHTTPServer:
    """An HTTP server for `directory` on 127.0.0.1 only (never the network)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(content: Path, out: Path, target: str, port: int, interval: float = 1.0) -> None:
    """Build, serve, and poll for changes until interrupted."""
    rebuilder = Rebuilder(content, out, target, lambda message: click.echo(message, err=True))
    rebuilder.poll()
    server = make_server(out / target, port)
    host, bound = server.server_address[:2]
    click.echo(f"Serving the {target} site at http://{host!s}:{bound}/ (Ctrl+C to stop)", err=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        while True:
            time.sleep(interval)
            rebuilder.poll()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.shutdown()
        server.server_close()


@click.command("serve")
@content_option
@click.option("--internal", is_flag=True, help="Preview the knowledge base instead of the public site.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where to build (default: a temporary folder).")
def serve_command(content: Path, internal: bool, port: int, out: Path | None) -> None:
    """Build and preview the public site (or the knowledge base) locally; rebuild on changes."""
    check_content_folder(content)
    if internal:
        from ..kb.serve import serve_internal  # MkDocs' own live-reload server

        serve_internal(content, port)
        return
    with tempfile.TemporaryDirectory(prefix="statuspress-serve-") as tmp:
        serve(content, out or Path(tmp), "public", port)
