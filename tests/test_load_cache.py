"""The per-file load cache gives the same site and the same messages as a load without it."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.load import Loaded, load_site
from generator.load.cache import LoadCache
from tests.sitekit import EXAMPLE, NOW, make_content, now

BAD_INCIDENT = """\
id: INC-9
title: Broken
type: external
severity: sev5
started_at: 2026-11-01T10:00:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-01T10:00:00Z
    status: investigating
    body: Looking.
"""


def loaded_with(root: Path, cache_dir: Path | None) -> Loaded:
    return load_site(root, now(), cache=LoadCache(cache_dir) if cache_dir is not None else None)


def same(a: Loaded, b: Loaded) -> None:
    assert a.site == b.site
    assert a.problems.sorted() == b.problems.sorted()


def test_cold_and_warm_loads_equal_an_uncached_load(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    (content / "incidents" / "bad.yaml").write_text(BAD_INCIDENT)
    plain = loaded_with(content, None)
    assert plain.problems.errors, "the bad incident must produce an error"
    cold = loaded_with(content, tmp_path / "cache")
    assert list((tmp_path / "cache").glob("load-*.pickle"))
    warm = loaded_with(content, tmp_path / "cache")
    same(plain, cold)
    same(plain, warm)


def test_changed_file_is_read_again(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/bad.yaml": BAD_INCIDENT})
    first = loaded_with(root, tmp_path / "cache")
    assert any("sev5" in p.message for p in first.problems.errors)
    fixed = BAD_INCIDENT.replace("sev5", "major").replace("title: Broken", "title: Fixed")
    (root / "incidents" / "bad.yaml").write_text(fixed)
    second = loaded_with(root, tmp_path / "cache")
    same(second, loaded_with(root, None))
    assert [i.title for i in second.site.incidents if i.id == "INC-9"] == ["Fixed"]
    assert not second.problems.errors


def test_services_change_invalidates_entries(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/bad.yaml": BAD_INCIDENT.replace("sev5", "major")})
    assert not loaded_with(root, tmp_path / "cache").problems.errors
    services = root / "services.yaml"
    services.write_text(services.read_text().replace("id: api", "id: gateway"))
    after = loaded_with(root, tmp_path / "cache")
    same(after, loaded_with(root, None))
    assert any("api" in p.message for p in after.problems.errors)


def test_corrupted_cache_is_ignored(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/bad.yaml": BAD_INCIDENT})
    loaded_with(root, tmp_path / "cache")
    for stored in (tmp_path / "cache").glob("load-*.pickle"):
        data = stored.read_bytes()
        stored.write_bytes(data[: len(data) // 2] + b"garbage")
    same(loaded_with(root, tmp_path / "cache"), loaded_with(root, None))
    for stored in (tmp_path / "cache").glob("load-*.pickle"):
        stored.write_bytes(b"not a pickle at all")
    same(loaded_with(root, tmp_path / "cache"), loaded_with(root, None))


def test_same_cache_for_a_renamed_path_gives_paths_of_the_new_name(tmp_path: Path) -> None:
    root = make_content(tmp_path / "a", {"incidents/bad.yaml": BAD_INCIDENT})
    loaded_with(root, tmp_path / "cache")
    moved = root.rename(tmp_path / "b")
    same(loaded_with(moved, tmp_path / "cache"), loaded_with(moved, None))


def test_validate_messages_identical_with_and_without_cache(tmp_path: Path, monkeypatch: object) -> None:
    root = make_content(tmp_path / "content", {"incidents/bad.yaml": BAD_INCIDENT})
    runner = CliRunner()
    args = ["validate", "--content", str(root), "--now", NOW, "--cache-dir", str(tmp_path / "cache")]
    outputs = [runner.invoke(main, args) for _ in range(2)]
    uncached = runner.invoke(main, [*args, "--no-cache"])
    assert (tmp_path / "cache").is_dir()
    assert outputs[0].exit_code == outputs[1].exit_code == uncached.exit_code == 1
    assert outputs[0].output == outputs[1].output == uncached.output
    assert "sev5" in uncached.output
