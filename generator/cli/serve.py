"""`statuspress serve`: build, serve on 127.0.0.1, rebuild when content changes (preview.py).

The public site is served by a small static server here; the knowledge base by MkDocs'
live-reloading server (kb/serve.py). Both rebuild through the build cache, incrementally.
"""

from __future__ import annotations

import functools
import io
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import click

from ..preview import Rebuilder, fingerprint, port_refused, preview_out
from ..public import urls
from ..public.headers import preview_headers
from .common import build_cache, cache_options, check_content_folder, content_option

__all__ = ["Rebuilder", "fingerprint", "make_server", "serve", "serve_command"]


class _HostLikeHandler(SimpleHTTPRequestHandler):
    """Serves the public site as Netlify and Cloudflare Pages do: each path's security headers
    from `_headers`' table, the 404 page for a path not on the site (a folder without `index.html`
    too), `_headers` itself never."""

    def send_head(self) -> Any:
        path = unquote(urlsplit(self.path).path)
        found = Path(self.translate_path(self.path))
        if path == "/" + urls.HEADERS or not (found.is_file() or (found / "index.html").is_file()):
            return self._not_found()  # hosts list no folder either
        return super().send_head()

    def _not_found(self) -> io.BytesIO | None:
        try:
            body = (Path(self.directory) / urls.NOT_FOUND).read_bytes()
        except OSError:
            self.send_error(404)
            return None
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        for name, value in preview_headers(unquote(urlsplit(self.path).path)):
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Keep the terminal for build messages."""


def make_server(directory: Path, port: int) -> ThreadingHTTPServer:
    """An HTTP server for `directory` on 127.0.0.1 only (never the network)."""
    handler = functools.partial(_HostLikeHandler, directory=str(directory))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(content: Path, out: Path, target: str, port: int, interval: float = 1.0,
          cache_dir: Path | None = None) -> None:
    """Build, serve, and poll for changes until interrupted."""
    try:  # before the first build, which takes a while in a large organisation
        server = make_server(out / target, port)
    except OSError as error:
        raise click.ClickException(port_refused(port, error)) from None
    rebuilder = Rebuilder(content, out, target, lambda message: click.echo(message, err=True), cache_dir)
    try:
        rebuilder.poll()
    except BaseException:
        server.server_close()
        raise
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
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where to build (default: a folder of the build cache, kept for the next preview; "
              "with --no-cache, a temporary folder).")
@cache_options
def serve_command(content: Path, internal: bool, port: int, out: Path | None, cache_dir: Path | None,
                  no_cache: bool) -> None:
    """Build and preview the public site (or the knowledge base) locally; rebuild on changes."""
    check_content_folder(content)
    cache = build_cache(content, cache_dir, no_cache)
    with preview_out(content, out, cache, "internal" if internal else "public") as folder:
        if internal:
            from ..kb.serve import serve_internal  # MkDocs' live-reloading server

            serve_internal(content, folder, port, cache_dir=cache)
            return
        serve(content, folder, "public", port, cache_dir=cache)
