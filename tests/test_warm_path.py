"""The warm path of validate and the responders: what the cache keeps across commands (the
checks across files, the ids of incidents) is used only while it is still right."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.load import cache as cache_module
from generator.load import crosscache
from generator.responder import store
from tests.sitekit import make_content

NOW = "2026-11-28T12:00:00Z"


def incident(incident_id: str, body: str = "Looking.") -> str:
    """An external incident resolved in October without a post-mortem: overdue for review."""
    return f"""\
id: {incident_id}
title: Errors
type: external
severity: minor
started_at: 2026-10-01T10:00:00Z
resolved_at: 2026-10-01T11:00:00Z
impact:
  - component: api
    level: partial_outage
updates:
  - at: 2026-10-01T10:05:00Z
    status: investigating
    body: {body}
"""


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def validate(content: Path | str, cache: Path | None) -> Result:
    extra = ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    return cli("validate", "--content", str(content), "--now", NOW, *extra)


@pytest.fixture
def checks_run(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the runs of the checks across files; files written by the test are trusted by
    their status (the cache never trusts a file by status within 2 s of its change)."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    runs: list[int] = []
    real = crosscache.check

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(crosscache, "check", counted)
    return runs


def test_checks_across_files_are_reused_only_while_no_files_facts_changed(
    tmp_path: Path, checks_run: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    content = make_content(tmp_path / "content", {"incidents/a.yaml": incident("INC-1"),
                                                  "incidents/b.yaml": incident("INC-22")})
    cache = tmp_path / "cache"
    first = validate(content, cache)
    assert first.exit_code == 0 and len(checks_run) == 1
    assert first.output.count("resolved more than 14 days ago and no post-mortem") == 2
    assert first.output == validate(content, None).output

    # A new update body: the file changed, its facts (id, type, times, source) did not.
    (content / "incidents" / "b.yaml").write_text(incident("INC-22", "Still looking, with more words."))
    runs = len(checks_run)
    again = validate(content, cache)
    assert len(checks_run) == runs, "the checks across files were reused"
    assert again.output == first.output

    # Its id now repeats the other's: the stored result must not be served.
    (content / "incidents" / "b.yaml").write_text(incident("INC-1"))
    duplicate = validate(content, cache)
    assert duplicate.exit_code == 1
    assert f"{content}/incidents/b.yaml:1: duplicate incident id 'INC-1' (first defined at " in duplicate.output
    assert duplicate.output == validate(content, None).output

    # The same folder named another way: the messages name it as given, not as stored.
    monkeypatch.chdir(tmp_path)
    relative = validate("content", cache)
    assert "content/incidents/b.yaml:1: duplicate incident id 'INC-1' (first defined at content/incidents/a.yaml:1)" \
        in relative.output
    assert relative.output == validate("content", None).output


def test_update_finds_incidents_by_the_cache_index_and_never_by_a_stale_id(
    tmp_path: Path, checks_run: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    content = make_content(tmp_path / "content", {"incidents/a.yaml": incident("INC-1"),
                                                  "incidents/b.yaml": incident("INC-22")})
    cache = tmp_path / "cache"
    assert validate(content, cache).exit_code == 0
    read: list[str] = []
    real = store.read_regular_bytes

    def spied(path: Path) -> bytes:
        read.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(store, "read_regular_bytes", spied)
    common = ["--content", str(content), "--now", NOW, "--cache-dir", str(cache)]
    posted = cli("update", "INC-22", "--internal", "Monitoring the fix.", *common)
    assert posted.exit_code == 0, posted.output
    assert posted.output == f"Updated {content / 'incidents' / 'b.yaml'}\n"
    assert "Monitoring the fix." in (content / "incidents" / "b.yaml").read_text()
    assert read == [], "no incident file was read to find the incident"

    # b.yaml now holds another id (a longer file): its old id must not find it.
    (content / "incidents" / "b.yaml").write_text(incident("INC-333"))
    stale = cli("update", "INC-22", "--internal", "Again.", *common)
    assert stale.exit_code == 2
    assert f"no incident with id 'INC-22' in {content / 'incidents'}" in stale.output
    assert read == ["b.yaml"], "only the changed file was read"
    found = cli("update", "INC-333", "--internal", "Again.", *common)
    assert found.exit_code == 0 and found.output == f"Updated {content / 'incidents' / 'b.yaml'}\n"
    assert "Again." in (content / "incidents" / "b.yaml").read_text()


def test_an_update_with_a_cold_cache_fills_it_for_the_next_one(
    tmp_path: Path, checks_run: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade (or with a new cache folder) the first `update` parses every file; the
    next must not parse them all again (at 20,000 incidents each update took 29 s)."""
    import generator.load as load_module

    content = make_content(tmp_path / "content", {f"incidents/i{n}.yaml": incident(f"INC-{n}") for n in range(1, 6)})
    parsed: list[str] = []
    real = load_module._parse

    def spied(problems, file, text):  # type: ignore[no-untyped-def]
        parsed.append(file.rel)
        return real(problems, file, text)

    monkeypatch.setattr(load_module, "_parse", spied)
    common = ["--content", str(content), "--now", NOW, "--cache-dir", str(tmp_path / "cache")]
    first = cli("update", "INC-2", "--internal", "First.", *common)
    assert first.exit_code == 0, first.output
    assert sorted(set(parsed)) == [f"incidents/i{n}.yaml" for n in range(1, 6)]
    parsed.clear()
    second = cli("update", "INC-3", "--internal", "Second.", *common)
    assert second.exit_code == 0, second.output
    assert set(parsed) == {"incidents/i3.yaml"}, "only the file being changed is parsed"
    assert "First." in (content / "incidents" / "i2.yaml").read_text()
    assert "Second." in (content / "incidents" / "i3.yaml").read_text()
