"""Helpers for the browser tests: find Chromium and Playwright, serve a built folder on 127.0.0.1.

Without Chromium (or Playwright) the browser tests skip in a developer's clone, but fail when the
environment variable `CI` is set: a CI machine that lost its browser must not pass in silence.
"""

from __future__ import annotations

import functools
import http.server
import importlib
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

INSTALL_HINT = "Debian/Ubuntu: apt-get install chromium chromium-driver; pip install -e '.[test]'"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def unavailable(reason: str) -> None:
    """Skip the test, or fail it when `CI` is set."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} ({INSTALL_HINT}); CI is set, so the browser tests must run", pytrace=False)
    pytest.skip(f"{reason} ({INSTALL_HINT})")


def chromium() -> str:
    """The path of the Chromium executable."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        unavailable("chromium is not installed")
    assert found is not None
    return found


def sync_api() -> Any:
    """playwright.sync_api, which the test extras install."""
    try:
        return importlib.import_module("playwright.sync_api")
    except ImportError:
        unavailable("playwright is not installed")


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium, driven by Playwright."""
    api = sync_api()
    executable = chromium()
    with api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    #: Response headers for a request path (None: none added), as a host's configuration would.
    extra_headers: Callable[[str], dict[str, str]] | None = None

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        if self.extra_headers is not None:
            for name, value in self.extra_headers(self.path.split("?", 1)[0]).items():
                self.send_header(name, value)
        super().end_headers()


@contextmanager
def serving(folder: Path, headers: Callable[[str], dict[str, str]] | None = None) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port); yields the base URL, ending in '/'.

    `headers` gives the extra response headers of a request path (for example the rules of the
    site's `_headers`, as Netlify or Cloudflare Pages would send them)."""
    handler_class = type("_Handler", (_Quiet,), {"extra_headers": staticmethod(headers) if headers else None})
    handler = functools.partial(handler_class, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()


def serious_violations(axe_result: Any, label: str) -> list[str]:
    """axe-core's serious and critical violations, one line each with up to three targets."""
    found = []
    for violation in axe_result.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in violation["nodes"]][:3]
            found.append(f"{label}: {violation['id']} {violation['help']} {targets}")
    return found
