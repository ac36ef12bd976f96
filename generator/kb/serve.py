"""Previewing the knowledge base with live reload: `serve_internal(content, out, port)`.

The knowledge base is built as `statuspress build --internal` builds it, through the build
cache, into `out/internal`, and served by MkDocs' live-reloading server (bound to 127.0.0.1).
When a file under the content folder (or the repository's `mkdocs.yml`) changes, it is built
again incrementally, so after editing one post-mortem only the pages that show it are rendered
and the open browser tab reloads within seconds. Invalid content is reported as
`path:line: message` and the last good pages stay up. Run it with `statuspress serve --internal`
or `python -m generator.kb.serve [--content DIR] [--port N]`.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from ..cachefile import default_cache_dir
from ..preview import Rebuilder, port_refused, preview_out
from .engine import config_file


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _show_mkdocs_log() -> None:
    """MkDocs' server prints its address and reloads through logging; show them on stderr."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def live_server(
    content: Path, out: Path, port: int, host: str = "127.0.0.1", cache_dir: Path | None = None, watch: bool = True,
) -> tuple[LiveReloadServer, Rebuilder]:
    """Build the knowledge base once (SystemExit 1 on content errors) and a live-reloading
    server for it that builds again when the content changes (when `watch`)."""
    rebuilder = Rebuilder(content, out, "internal", _say, cache_dir)
    if not rebuilder.rebuild():
        raise SystemExit(1)
    site = out / "internal"

    def rebuild() -> None:
        rebuilder.rebuild()

    def error_page(code: int) -> bytes | None:
        try:
            return (site / "404.html").read_bytes() if code == 404 else None
        except OSError:
            return None

    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site))
    server.error_handler = error_page
    if watch:
        server.watch(str(content))
        settings = config_file(content)
        if settings.parent == content.resolve().parent:  # the repository's own mkdocs.yml
            server.watch(str(settings), recursive=False)
    return server, rebuilder


def serve_internal(content: Path, out: Path, port: int = 8001, host: str = "127.0.0.1",
                   cache_dir: Path | None = None) -> None:
    """Build the knowledge base from `content` and serve it on http://host:port/ until Ctrl-C."""
    _show_mkdocs_log()
    try:  # before the first build, which takes a minute in a large organisation (MkDocs' server
        # binds only when it starts serving, after it)
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
            probe.bind((host, port))
    except OSError as error:
        _say(f"Error: {port_refused(port, error)}")
        raise SystemExit(1) from None
    server, _ = live_server(content, out, port, host, cache_dir)
    try:
        server.serve()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:
        _say("Stopped.")
    finally:
        server.shutdown()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Preview the knowledge base with live reload.")
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    parser.add_argument("--port", type=int, default=8001, help="port (default: 8001)")
    args = parser.parse_args(argv)
    cache = default_cache_dir(args.content)
    with preview_out(args.content, None, cache, "internal") as out:
        serve_internal(args.content, out, args.port, cache_dir=cache)


if __name__ == "__main__":
    main()
