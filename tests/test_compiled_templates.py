"""Compiled public templates kept in a signed cache file (generator/public/compiled.py): a later
build compiles none, makes the same bytes, and code in a file this user did not sign is never
loaded."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from generator.public import html
from tests.sitekit import make_content
from tests.test_projection_cache import T0, incident, run
from tests.treediff import differences, snapshot


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates compiled from source, in a fresh environment (as in a new process)."""
    html.environment.cache_clear()
    made: list[str] = []
    real = jinja2.Environment.compile

    def spy(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kw: object) -> object:
        made.append(name or "?")
        return real(self, source, name, *args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    yield made
    html.environment.cache_clear()


def fresh(made: list[str]) -> None:
    """As if the next build ran in a new process."""
    html.environment.cache_clear()
    made.clear()


def test_a_later_build_compiles_no_template_and_makes_the_same_bytes(tmp_path: Path, compiles: list[str]) -> None:
    content = make_content(tmp_path / "content", {"incidents/inc-1.yaml": incident(1, -5, -4, None, -3)})
    cache = tmp_path / "cache"
    run(content, tmp_path / "out", cache, T0)
    assert "incident.html" in compiles and (cache / "render" / "templates.pickle").is_file()
    fresh(compiles)
    site = run(content, tmp_path / "out", cache, T0.replace(hour=13))
    assert compiles == [], "every template came compiled from the cache file"
    fresh(compiles)
    clean = run(content, tmp_path / "clean", None, T0.replace(hour=13))
    assert "home.html" in compiles
    assert not differences(snapshot(site), snapshot(clean))


def test_compiled_code_in_a_file_not_signed_by_this_user_is_never_loaded(
    tmp_path: Path, compiles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    content = make_content(tmp_path / "content", {"incidents/inc-1.yaml": incident(1, -5, -4, None, -3)})
    cache = tmp_path / "cache"
    run(content, tmp_path / "out", cache, T0)
    stored = cache / "render" / "templates.pickle"
    data = bytearray(stored.read_bytes())
    data[-10] ^= 0xFF  # a byte of the code changed: its signature no longer verifies
    stored.write_bytes(bytes(data))
    loaded: list[bytes] = []
    monkeypatch.setattr(jinja2.bccache.Bucket, "bytecode_from_string", lambda self, code: loaded.append(code))
    fresh(compiles)
    site = run(content, tmp_path / "out", cache, T0.replace(hour=13))
    assert loaded == [] and "home.html" in compiles, "compiled again, nothing loaded"
    assert not differences(snapshot(site), snapshot(run(content, tmp_path / "clean", None, T0.replace(hour=13))))


def test_a_cold_build_rendering_in_workers_keeps_every_template_compiled(
    tmp_path: Path, compiles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pages are rendered in two forked workers: what a worker compiles dies with it, so the
    # templates are compiled before they are forked, where the kept code is saved.
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    content = make_content(tmp_path / "content", {"incidents/inc-1.yaml": incident(1, -5, -4, None, -3)})
    cache = tmp_path / "cache"
    run(content, tmp_path / "out", cache, T0)
    fresh(compiles)
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")  # the next build in this process: its compiles are seen
    site = run(content, tmp_path / "out", cache, T0.replace(hour=13))
    assert compiles == [], "every template came compiled from the cold build's cache file"
    assert not differences(snapshot(site), snapshot(run(content, tmp_path / "clean", None, T0.replace(hour=13))))
