"""`statuspress serve`: the preview server serves the built site on 127.0.0.1 and rebuilds when
content changes (driven poll by poll, no timing)."""

from __future__ import annotations

import re
import socket
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.cli import main
from generator.cli.serve import Rebuilder, fingerprint, make_server
from tests.headerskit import headers_for, parse_headers
from tests.sitekit import make_content

INCIDENT = """\
id: INC-1
title: {title}
type: external
severity: minor
started_at: 2026-11-28T09:00:00Z
impact:
  - component: api
    level: partial_outage
"""


def fetch(port: int, path: str = "/") -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return str(response.read().decode("utf-8"))


def test_serves_the_public_site_and_rebuilds_on_change(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(title="Slow API")})
    messages: list[str] = []
    rebuilder = Rebuilder(content, tmp_path / "out", "public", messages.append)
    assert rebuilder.poll() is True
    assert rebuilder.poll() is False  # nothing changed: no rebuild
    server = make_server(tmp_path / "out" / "public", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        assert "Slow API" in BeautifulSoup(fetch(port), "html.parser").get_text()

        (content / "incidents/a.yaml").write_text(INCIDENT.format(title="API errors everywhere"))
        assert rebuilder.poll() is True
        text = BeautifulSoup(fetch(port), "html.parser").get_text()
        assert "API errors everywhere" in text and "Slow API" not in text

        # a broken edit keeps the last good site and says why
        (content / "incidents/a.yaml").write_text(INCIDENT.format(title="Broken").replace("minor", "sev5"))
        assert rebuilder.poll() is False
        assert any("severity: expected one of major, medium, minor; got 'sev5'" in m for m in messages)
        assert "API errors everywhere" in BeautifulSoup(fetch(port), "html.parser").get_text()
    finally:
        server.shutdown()
        server.server_close()


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_the_preview_sends_each_paths_security_headers_and_the_404_page(tmp_path: Path) -> None:
    """As Netlify and Cloudflare Pages serve the site: a policy problem shows before publishing."""
    content = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(title="Slow API")})
    assert Rebuilder(content, tmp_path / "out", "public", print).poll() is True
    public = tmp_path / "out" / "public"
    rules = parse_headers((public / "_headers").read_text(encoding="utf-8"))
    asset = ["/assets/" + path.name for path in (public / "assets").iterdir()][:1]
    assert asset
    server = make_server(public, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        for path in ("/", "/index.html", "/incidents/INC-1.html", "/api/v2/summary.json", "/embed/index.html",
                     "/feeds/all.rss", "/maintenance.ics", *asset):
            status, headers, _ = _get(port, path)
            assert status == 200, path
            wanted = headers_for(rules, path)
            assert wanted.pop("cache-control").startswith("public, max-age=")
            assert {name: headers[name] for name in wanted} == wanted, path
            assert headers["cache-control"] == "no-store", path  # never a page from before a rebuild
        assert "x-frame-options" not in _get(port, "/embed/index.html")[1]
        for path in ("/nope.html", "/incidents/INC-404.html", "/_headers", "/assets/"):
            status, headers, body = _get(port, path)
            assert status == 404, path
            assert "There is no page at this address" in BeautifulSoup(body, "html.parser").get_text(), path
            assert headers["x-content-type-options"] == "nosniff"
    finally:
        server.shutdown()
        server.server_close()


def test_fingerprint_ignores_hidden_files_and_sees_new_ones(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    first = fingerprint(content)
    (content / ".services.yaml.swp").write_text("editor scratch")
    assert fingerprint(content) == first
    (content / "incidents").mkdir()
    (content / "incidents/b.yaml").write_text(INCIDENT.format(title="x"))
    assert fingerprint(content) != first


def test_serve_refuses_a_missing_content_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--content", str(tmp_path / "nope"), "--port", "0"])
    assert result.exit_code == 2 and "content folder not found" in result.output


@pytest.mark.parametrize("internal", [False, True])
def test_a_port_in_use_is_a_clear_error_before_anything_is_built(tmp_path: Path, internal: bool) -> None:
    """Another preview still running on the port: before, a traceback after the whole first build."""
    content = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(title="x")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--content", str(content), "--port", str(port),
                                           "--out", str(tmp_path / "out"), *(["--internal"] if internal else [])])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == (
        f"Error: cannot serve on 127.0.0.1:{port}: Address already in use; is another `statuspress serve` "
        "running there? Stop it or choose another --port")
    assert not (tmp_path / "out").exists()


def test_a_port_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--content", str(tmp_path), "--port", "99999"])
    assert result.exit_code == 2 and "--port" in result.output and "Traceback" not in result.output


REVIEW = """\
---
incident: INC-1
authors: [Dana Ruiz]
status: draft
---
## Summary

{text}
"""


def test_serve_internal_rebuilds_the_edited_review_incrementally(tmp_path: Path) -> None:
    """`serve --internal`: MkDocs' live-reloading server on 127.0.0.1, and after a post-mortem
    edit the same incremental build as `statuspress build`: the review's page is rendered
    again, the other incident pages are reused (driven rebuild by rebuild, no watching)."""
    from generator.kb.serve import live_server

    files = {"incidents/a.yaml": INCIDENT.format(title="Slow API"), "postmortems/INC-1.md": REVIEW.format(text="First")}
    files.update({f"incidents/{n}.yaml": INCIDENT.format(title=f"Other {n}").replace("INC-1", f"INC-{n}")
                  for n in range(2, 5)})
    content = make_content(tmp_path / "content", files)
    server, rebuilder = live_server(content, tmp_path / "out", 0, cache_dir=tmp_path / "cache", watch=False)
    said: list[str] = []
    rebuilder.say = said.append
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        while not server.serve_thread.is_alive():
            thread.join(0.05)
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        page = fetch(port, "/postmortems/INC-1.html")
        assert "First" in BeautifulSoup(page, "html.parser").get_text()

        (content / "postmortems/INC-1.md").write_text(REVIEW.format(text="Second thoughts"))
        assert rebuilder.rebuild() is True
        assert "Second thoughts" in BeautifulSoup(fetch(port, "/postmortems/INC-1.html"), "html.parser").get_text()
        counts = next(m for m in said if " rendered, " in m)
        rendered, reused = (int(word) for word in re.findall(r"(\d+) (?:pages? rendered|reused)", counts))
        assert reused > rendered > 0  # the other incidents' pages came from the previous build
    finally:
        server.shutdown()
        thread.join(10)


def test_a_second_preview_starts_from_the_pages_of_the_first(tmp_path: Path) -> None:
    """Without --out, a preview built into a new temporary folder every start, and the kept
    pages are per output folder: every `serve --internal` started cold (a minute and more at
    5,000 incidents) and left its kept pages in the cache for good. Now the folder is the
    cache's, one per content folder and target, and a second start reuses the first's pages."""
    from generator.preview import preview_out

    files = {f"incidents/{n}.yaml": INCIDENT.format(title=f"Other {n}").replace("INC-1", f"INC-{n}")
             for n in range(1, 5)}
    content = make_content(tmp_path / "content", files)
    cache = tmp_path / "cache"
    said: list[str] = []
    folders = []
    for _ in range(2):
        with preview_out(content, None, cache, "internal") as out:
            folders.append(out)
            assert Rebuilder(content, out, "internal", said.append, cache).rebuild() is True
    assert folders[0] == folders[1] and folders[0].parent == cache
    first, second = ([int(n) for n in re.findall(r"(\d+) (?:pages? rendered|reused)", m)]
                     for m in said if " rendered, " in m)
    assert first[1] == 0 and second[1] > second[0]  # cold, then mostly the first start's pages
    with preview_out(content, None, cache, "public") as public:
        assert public != folders[0] and public.parent == cache  # two previews at once never share
    other = make_content(tmp_path / "other", files)
    with preview_out(other, None, cache, "internal") as elsewhere:
        assert elsewhere != folders[0]  # nor two content folders sharing STATUSPRESS_CACHE_DIR
    with preview_out(content, None, None, "internal") as temporary:
        assert temporary.is_dir() and cache not in temporary.parents
    assert not temporary.exists()  # --no-cache: a temporary folder, removed after
    with preview_out(content, tmp_path / "mine", cache, "internal") as given:
        assert given == tmp_path / "mine"
