"""The warm path of validate and the responders: what the cache keeps across commands (the
checks across files, the ids of incidents) is used only while it is still right."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.load import cache as cache_module
from generator.load import check_folder, crosscache
from generator.load.cache import LoadCache
from generator.load.fields import parse_time
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


def errors(content: Path, cache: Path | None, overrides: dict[str, str] | None = None) -> list[str]:
    """The errors `check_folder` finds, as a responder's check asks for them (errors only,
    with the cache) or as `validate` does (every problem, no cache)."""
    checked = check_folder(content, parse_time(NOW), overrides=overrides, cache=LoadCache(cache) if cache else None,
                           errors_only=cache is not None)
    return sorted(str(problem) for problem in checked.problems.errors)


def test_a_responders_check_for_errors_finds_every_error_a_full_check_finds(
    tmp_path: Path, checks_run: list[int]
) -> None:
    """A responder's check skips what the cache's index knows of clean files; it must still see
    the errors of files that have their own, and those across files that a change brings, even
    when the cache lost the facts of the clean files with a damaged chunk."""
    content = make_content(tmp_path / "content", {"incidents/a.yaml": incident("INC-1"),
                                                  "incidents/b.yaml": incident("INC-22"),
                                                  "incidents/c.yaml": incident("INC-333").replace("minor", "sev5")})
    cache = tmp_path / "cache"
    assert validate(content, cache).exit_code == 1  # c.yaml's severity: the cache is warm now
    own = errors(content, None)
    assert [message.split(": ", 1)[0] for message in own] == [f"{content}/incidents/c.yaml:4"]
    assert errors(content, cache) == own
    duplicate = {"incidents/b.yaml": incident("INC-1")}
    both = errors(content, None, duplicate)
    assert any("duplicate incident id 'INC-1'" in message for message in both) and len(both) == 2
    assert errors(content, cache, duplicate) == both
    for chunk in cache.glob("load-*-*.pickle"):  # every chunk damaged: the facts come from the files
        chunk.write_bytes(b"damaged")
    for stored in cache.glob("cross-*.pickle"):  # and the checks across files run again
        stored.unlink()
    assert errors(content, cache, duplicate) == both
    assert validate(content, cache).output == validate(content, None).output


def test_a_change_that_repeats_an_id_is_refused_with_a_warm_cache(tmp_path: Path, checks_run: list[int]) -> None:
    content = make_content(tmp_path / "content", {"incidents/a.yaml": incident("INC-1"),
                                                  "incidents/b.yaml": incident("INC-22")})
    cache = tmp_path / "cache"
    assert validate(content, cache).exit_code == 0
    target = content / "incidents" / "b.yaml"
    with pytest.raises(store.Refused) as refused:
        store.commit(content, {target: incident("INC-1")}, parse_time(NOW), cache_dir=cache)
    assert f"{target}:1: duplicate incident id 'INC-1'" in str(refused.value)
    assert "INC-22" in target.read_text(), "nothing was written"
    store.commit(content, {target: incident("INC-22", "Found it.")}, parse_time(NOW), cache_dir=cache)
    assert "Found it." in target.read_text()


def test_a_cache_begun_again_reads_its_index_again_only_when_another_save_replaced_it(
    tmp_path: Path, checks_run: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`update` finds the incident and checks the change with one LoadCache, whose index is
    read once; an index saved since by another process must be read, never the old one used."""
    content = make_content(tmp_path / "content", {"incidents/a.yaml": incident("INC-1")})
    cache_dir = tmp_path / "cache"
    assert validate(content, cache_dir).exit_code == 0
    reads: list[Path] = []
    real = LoadCache._read

    def counted(self: LoadCache, path: Path) -> None:
        reads.append(path)
        real(self, path)

    monkeypatch.setattr(LoadCache, "_read", counted)
    cache = LoadCache(cache_dir)
    target = content / "incidents" / "a.yaml"
    assert store.find_incident(content, "INC-1", cache_dir, cache) == target
    store.commit(content, {target: incident("INC-1", "Found it.")}, parse_time(NOW), cache_dir=cache_dir, cache=cache)
    assert len(reads) == 1, "the index was read once for finding and checking"
    (content / "incidents" / "b.yaml").write_text(incident("INC-22"))
    assert validate(content, cache_dir).exit_code == 0  # another process saves a new index
    assert store.find_incident(content, "INC-22", cache_dir, cache) == content / "incidents" / "b.yaml"
    fresh = LoadCache(cache_dir)
    assert store.find_incident(content, "INC-22", cache_dir, fresh) == content / "incidents" / "b.yaml"
    assert cache.index == fresh.index and "incidents/b.yaml" in cache.index


def test_validate_reads_the_facts_again_when_the_cache_lost_them(
    tmp_path: Path, checks_run: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`validate` takes the files' facts from the cache only when the checks across files run;
    facts lost then (a damaged section) mean loading again, never checking without them."""
    content = make_content(tmp_path / "content", {"incidents/a.yaml": incident("INC-1"),
                                                  "incidents/b.yaml": incident("INC-22")})
    cache = tmp_path / "cache"
    assert validate(content, cache).exit_code == 0
    (content / "incidents" / "b.yaml").write_text(incident("INC-1"))  # the checks across files run again
    real = LoadCache._half

    def no_facts(self: LoadCache, chunk: int, half: int) -> dict[str, object]:
        return {} if half == 2 else real(self, chunk, half)

    monkeypatch.setattr(LoadCache, "_half", no_facts)
    duplicate = validate(content, cache)
    assert "duplicate incident id 'INC-1'" in duplicate.output
    assert duplicate.output == validate(content, None).output


def postmortem(owner: str = "payments-team", body: str = "What happened.") -> str:
    """A draft review of INC-1 with one open action item overdue since October."""
    return f"""\
---
incident: INC-1
status: draft
action_items:
  - id: AI-1
    title: Add a canary
    owner: {owner}
    priority: P1
    status: open
    due: 2026-10-15
---
{body}
"""


@pytest.mark.parametrize("forked", ["1", "2"])
def test_checks_across_files_are_reused_while_only_a_reviews_body_changed(
    tmp_path: Path, checks_run: list[int], monkeypatch: pytest.MonkeyPatch, forked: str
) -> None:
    """No check reads a review's body (checks.checked_view): a typo fixed there keeps the checks'
    result; a change to what they read (an action item's owner) checks again. `forked`: the
    files parsed in this process, or by two worker processes."""
    monkeypatch.setenv("STATUSPRESS_WORKERS", forked)
    content = make_content(tmp_path / "content", {"incidents/a.yaml": incident("INC-1"),
                                                  "incidents/b.yaml": incident("INC-22"),
                                                  "postmortems/INC-1.md": postmortem()})
    cache = tmp_path / "cache"
    first = validate(content, cache)
    assert first.exit_code == 0 and len(checks_run) == 1
    overdue = "postmortems/INC-1.md:5: warning: action item AI-1 is overdue (due 2026-10-15, owner payments-team)"
    assert overdue in first.output

    (content / "postmortems" / "INC-1.md").write_text(postmortem(body="What happened, with a typo fixed."))
    again = validate(content, cache)
    assert len(checks_run) == 1, "the checks across files were reused"
    assert again.output == first.output == validate(content, None).output

    (content / "postmortems" / "INC-1.md").write_text(postmortem(owner="search-team"))
    owner = validate(content, cache)
    assert len(checks_run) == 3, "checked again (and once more without the cache)"
    assert overdue.replace("payments-team", "search-team") in owner.output
    assert owner.output == validate(content, None).output
