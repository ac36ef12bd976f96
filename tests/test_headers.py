"""Cache rules for the outage spike: `_headers` read as Netlify and Cloudflare Pages read it, for
every file of the built example site; fingerprinted assets named by their content hash and
referenced by every page."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.build import BuildRequest, build
from generator.public import urls
from tests.headerskit import Rules, directives, headers_for, parse_headers, policy
from tests.sitekit import EXAMPLE, now

NOW = "2026-11-28T15:00:00Z"
STATIC = Path(__file__).resolve().parent.parent / "generator" / "static" / "public"
YEAR = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("headers")
    build(BuildRequest(EXAMPLE, out, now(NOW), targets=("public",), progress=lambda _: None))
    return out / "public"


@pytest.fixture(scope="module")
def rules(public: Path) -> Rules:
    return parse_headers((public / urls.HEADERS).read_text(encoding="utf-8"))


def files(public: Path) -> list[str]:
    """Every published file as a request path (`_headers` itself is read by the host, not served)."""
    return ["/" + p.relative_to(public).as_posix() for p in sorted(public.rglob("*"))
            if p.is_file() and p.name != urls.HEADERS]


def kind(path: str) -> str:
    """The kind of a file, by hand from its path: what its cache rule must be."""
    if path.startswith("/assets/"):
        return "asset"
    if path.startswith("/embed/"):
        return "embed"
    if path.endswith(".html") or path in ("/", "/robots.txt", "/sitemap.xml"):
        return "page"
    return {".rss": "feed", ".atom": "feed", ".ics": "calendar", ".json": "api", ".svg": "badge"}[Path(path).suffix]


def test_every_kind_of_file_is_present(public: Path) -> None:
    kinds = {kind(path) for path in files(public)}
    assert kinds == {"asset", "page", "feed", "calendar", "api", "badge", "embed"}


def test_every_file_gets_one_cache_rule_for_its_kind(public: Path, rules: Rules) -> None:
    for path in [*files(public), "/"]:
        headers = headers_for(rules, path)  # fails if two rules set one header
        cache = headers["cache-control"]
        if kind(path) == "asset":
            assert cache == YEAR, path
            continue
        found = directives(cache)
        assert "public" in found and "immutable" not in found, path
        assert 0 < int(found["max-age"]) <= 300, path  # short-lived: an update shows within minutes
        assert int(found["stale-while-revalidate"]) > 0, path  # the CDN answers at once while it refetches
        assert int(found["stale-if-error"]) >= 3600, path  # the last good copy while the origin is down


def test_security_headers_reach_every_file(public: Path, rules: Rules) -> None:
    """Only embed/ may be framed, by any site; every other path forbids framing twice over."""
    for path in [*files(public), "/"]:
        headers = headers_for(rules, path)
        csp = policy(headers["content-security-policy"])
        assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'", path
        if path.startswith("/embed/"):
            assert csp["frame-ancestors"] == "*", path
            assert "x-frame-options" not in headers, path
        else:
            assert csp["frame-ancestors"] == "'none'", path
            assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path


def test_only_the_api_may_be_read_from_other_origins(public: Path, rules: Rules) -> None:
    for path in files(public):
        allowed = headers_for(rules, path).get("access-control-allow-origin")
        assert allowed == ("*" if path.startswith("/api/") else None), path


def test_home_page_is_the_same_at_slash_and_index(rules: Rules) -> None:
    assert headers_for(rules, "/") == headers_for(rules, "/index.html")


def test_assets_are_named_by_their_content_hash(public: Path) -> None:
    names = sorted(p.name for p in (public / "assets").iterdir())
    assert len(names) == 3 and not (public / "assets" / "style.css").exists()
    for name in names:
        stem, digest, extension = name.split(".")
        data = (public / "assets" / name).read_bytes()
        assert re.fullmatch("[0-9a-f]{10}", digest), name
        assert digest == hashlib.sha256(data).hexdigest()[:10], name
        assert data == (STATIC / f"{stem}.{extension}").read_bytes(), name  # the shipped file, unchanged


def test_every_page_references_the_fingerprinted_assets(public: Path) -> None:
    pages = sorted(public.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
        targets = [str(node["href"]) for node in soup.select("link[rel=stylesheet]")]
        targets += [str(node["src"]) for node in soup.select("script[src]")]
        expected = 1 if page.parent.name == "embed" else 2  # the embed page has no script
        assert len(targets) == expected, page
        for target in targets:
            assert re.search(r"assets/(style|localtime|embed)\.[0-9a-f]{10}\.(css|js)$", target), (page, target)
            # 404.html is served at any path, so it links from the site root
            resolved = public / target.lstrip("/") if target.startswith("/") else page.parent / target
            assert resolved.resolve().is_file(), (page, target)


def test_readme_recipes_for_other_servers_repeat_the_rules(rules: Rules) -> None:
    """The nginx and Apache recipes in the README send what `_headers` sends (kept in step)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Cache headers\n", 1)[1].split("\n## ", 1)[0]
    values = {value for headers in rules.values() for _, value in headers}
    for language in ("nginx", "apache"):
        block = section.split(f"```{language}\n", 1)[1].split("```", 1)[0]
        missing = [value for value in values if f'"{value}"' not in block]
        assert missing == [], f"{language}: {missing}"
