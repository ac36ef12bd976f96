"""Previewing the knowledge base with live reload: `serve_internal(content, port)`.

The Markdown tree is generated into a docs folder that `mkdocs serve` watches. A small
watcher thread polls the content folder; when a post-mortem, runbook or incident changes it
reloads and revalidates the content and rewrites only the pages whose text changed, and MkDocs
rebuilds and reloads the browser. Invalid content is reported as `path:line: message` and the
last good pages stay up. Run it with `statuspress serve --internal` or
`python -m generator.kb.serve [--content DIR] [--port N]`.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from mkdocs.commands.serve import serve as mkdocs_serve

from ..clock import resolve_now
from ..load import load_site
from .engine import config_file, load
from .registry import navigation
from .tree import generate, sync_tree


def snapshot(content: Path) -> tuple[tuple[str, int, int], ...]:
    """What changed-detection compares: every content file's path, mtime and size."""
    files = []
    for path in sorted(content.rglob("*")):
        if path.is_file():
            stat = path.stat()
            files.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(files)


def regenerate(content: Path, docs: Path, now: datetime, say: Callable[[str], None]) -> bool:
    """Reload the content and rewrite the docs tree; False (tree untouched) on content errors."""
    loaded = load_site(content, now)
    if loaded.problems.errors:
        for problem in loaded.problems.errors:
            say(str(problem))
        say("content has errors; the preview keeps the last good pages")
        return False
    written = sync_tree(generate(loaded.site, now), docs)
    if written:
        say(f"knowledge base: {written} page(s) regenerated")
    return True


def _watch(content: Path, docs: Path, stop: threading.Event, say: Callable[[str], None]) -> None:
    seen = snapshot(content)
    while not stop.wait(1.0):
        current = snapshot(content)
        if current != seen:
            seen = current
            regenerate(content, docs, resolve_now(None), say)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _show_mkdocs_log() -> None:
    """MkDocs prints the server address and rebuilds through logging; show them on stderr."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def serve_internal(content: Path, port: int = 8001, host: str = "127.0.0.1") -> None:
    """Generate the knowledge base from `content` and serve it on http://host:port/ until Ctrl-C."""
    _show_mkdocs_log()
    now = resolve_now(None)
    with tempfile.TemporaryDirectory(prefix="statuspress-kb-serve-") as tmp:
        docs = Path(tmp).resolve() / "docs"  # absolute: MkDocs resolves relative paths against mkdocs.yml
        if not regenerate(content, docs, now, _say):
            raise SystemExit(1)
        loaded = load_site(content, now)
        probe = load(loaded.site, content, docs, Path(tmp) / "probe")
        overrides: dict[str, Any] = {"docs_dir": str(docs), "dev_addr": f"{host}:{port}"}
        if probe.site_name == f"{loaded.site.settings.name} knowledge base":
            overrides["site_name"] = probe.site_name
        if probe.nav == navigation():
            overrides["nav"] = probe.nav
        stop = threading.Event()
        watcher = threading.Thread(target=_watch, args=(content, docs, stop, _say), daemon=True)
        watcher.start()
        try:
            mkdocs_serve(config_file=str(config_file(content)), livereload=True, **overrides)
        finally:
            stop.set()
            watcher.join(timeout=5)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Preview the knowledge base with live reload.")
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    parser.add_argument("--port", type=int, default=8001, help="port (default: 8001)")
    args = parser.parse_args(argv)
    serve_internal(args.content, args.port)


if __name__ == "__main__":
    main()
