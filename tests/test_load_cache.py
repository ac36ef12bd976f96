"""The per-file load cache gives the same site and the same messages as a load without it."""

from __future__ import annotations

import dataclasses
import enum
import io
import os
import pickle
import pickletools
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import progress
from generator.cli import main
from generator.load import Loaded, load_site, reading
from generator.load import cache as cache_module
from generator.load.cache import LoadCache
from generator.load.checks import facts_of
from generator.load.makers import maker_of
from generator.workers import workers
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


# ------------------------------------------------------------------ unchanged files by status


def trust_fresh_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are seconds old, which the cache never trusts by status alone;
    a zero window lets the tests exercise the status path."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)


def validate(root: Path, cache_dir: Path | None, at: str = NOW) -> tuple[int, str]:
    args = ["validate", "--content", str(root), "--now", at]
    args += ["--cache-dir", str(cache_dir)] if cache_dir is not None else ["--no-cache"]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_unchanged_folder_is_validated_without_unpickling_a_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust_fresh_files(monkeypatch)
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    (content / "incidents" / "bad.yaml").write_text(BAD_INCIDENT)
    leaky = BAD_INCIDENT.replace("INC-9", "INC-10").replace("sev5", "minor").replace("Looking.", "See db-1.corp.larkspur.example")
    (content / "incidents" / "leaky.yaml").write_text(leaky)
    cache_dir = tmp_path / "cache"
    assert validate(content, cache_dir)[0] == 1  # fills the cache
    assert "public text matches redaction pattern" in validate(content, cache_dir)[1]

    real_half = LoadCache._half

    def no_records(self: LoadCache, chunk: int, half: int) -> dict[str, object]:
        assert half == 0, "an unchanged folder must not need its records"
        return real_half(self, chunk, half)

    monkeypatch.setattr(LoadCache, "_half", no_records)
    # Later times: more action items and reviews are overdue; the cached checks know when.
    for at in (NOW, "2027-01-15T00:00:00Z", "2028-06-01T12:00:00Z"):
        assert validate(content, cache_dir, at) == validate(content, None, at)
    late, early = validate(content, cache_dir, "2028-06-01T12:00:00Z")[1], validate(content, cache_dir)[1]
    assert late.count("is overdue") > early.count("is overdue")


def test_file_edited_with_same_size_and_old_mtime_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust_fresh_files(monkeypatch)
    root = make_content(tmp_path / "content", {"incidents/bad.yaml": BAD_INCIDENT})
    path = root / "incidents" / "bad.yaml"
    validate(root, tmp_path / "cache")
    before = path.stat()
    path.write_text(BAD_INCIDENT.replace("sev5", "sev6"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # ...and the old mtime: ctime differs
    code, output = validate(root, tmp_path / "cache")
    assert "sev6" in output and "sev5" not in output
    assert (code, output) == validate(root, None)


def test_recently_modified_files_are_not_trusted_by_status(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/bad.yaml": BAD_INCIDENT})
    load_site(root, now(), cache=LoadCache(tmp_path / "cache"))
    reread = LoadCache(tmp_path / "cache")
    load_site(root, now(), cache=reread)
    assert reread.index, "the cache was written"
    assert all(entry[1] is None for entry in reread.index.values())


def twelve_incidents_in_chunks_of_four(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A content folder of 12 valid incidents, and a cache folder, with chunks of 4 files."""
    trust_fresh_files(monkeypatch)
    monkeypatch.setattr(cache_module, "_CHUNK", 4)
    incidents = {f"incidents/i{n:02}.yaml": BAD_INCIDENT.replace("INC-9", f"INC-{n}").replace("sev5", "minor")
                 for n in range(12)}
    return make_content(tmp_path / "content", incidents), tmp_path / "cache"


def test_one_changed_file_repickles_only_its_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    loaded_with(root, cache_dir)
    pickled: list[list[str]] = []
    real_dumps = cache_module._dumps

    def spy(entries: dict[str, object]) -> bytes:
        pickled.append(sorted(entries))
        return real_dumps(entries)

    monkeypatch.setattr(cache_module, "_dumps", spy)
    path = root / "incidents" / "i05.yaml"
    path.write_text(path.read_text().replace("title: Broken", "title: Changed"))
    after = loaded_with(root, cache_dir)
    assert len(pickled) == 3 and pickled[0] == pickled[1] == pickled[2], "only the chunk of the changed file is pickled again"
    assert "incidents/i05.yaml" in pickled[0] and len(pickled[0]) <= 4  # (its own problems, its records, its facts)
    same(after, loaded_with(root, None))
    same(loaded_with(root, cache_dir), after)  # the copied chunks read back intact


def test_validate_after_one_change_unpickles_only_the_chunk_it_rewrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    validate(root, cache_dir)
    unpickled: list[int] = []
    real_half = LoadCache._half

    def spy(self: LoadCache, chunk: int, half: int) -> dict[str, object]:
        if half == 1:
            unpickled.append(chunk)
        return real_half(self, chunk, half)

    monkeypatch.setattr(LoadCache, "_half", spy)
    path = root / "incidents" / "i05.yaml"
    path.write_text(path.read_text().replace("id: INC-5", "id: INC-4"))  # a duplicate id: a cross-file error
    result = validate(root, cache_dir)
    assert "duplicate incident id 'INC-4'" in result[1]
    assert result == validate(root, None)
    # Three of the four files of its chunk are unchanged: the chunk is copied as it is, with the
    # changed file's old entry unused, so no record is read back at all.
    assert unpickled == [], "no record is unpickled to save the entry of one changed file"
    same(loaded_with(root, cache_dir), loaded_with(root, None))


def test_entries_of_an_unexpected_shape_are_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like a cache written in another layout under this code's name: files are parsed again."""
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    validate(root, cache_dir)
    real_half = LoadCache._half

    def foreign(self: LoadCache, chunk: int, half: int) -> dict[str, object]:
        return {rel: "not an entry" for rel in real_half(self, chunk, half)}

    monkeypatch.setattr(LoadCache, "_half", foreign)
    assert validate(root, cache_dir) == validate(root, None)


def test_files_parsed_in_worker_processes_give_the_same_site_and_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cold loads parse in worker processes (reading.py); the records, every message and the
    cache they write are what one process makes."""
    from generator.load import reading

    good = BAD_INCIDENT.replace("severity: sev5", "severity: minor")
    files = {f"incidents/i{n:02d}.yaml": good.replace("INC-9", f"INC-{n}") for n in range(30)}
    files["incidents/bad.yaml"] = BAD_INCIDENT.replace("INC-9", "INC-99")
    files["incidents/broken.yaml"] = "id: [unclosed\n"
    root = make_content(tmp_path / "content", files)
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    alone = load_site(root, now())
    forks: list[int] = []

    def counted(tasks: int, minimum: int) -> int:
        forks.append(workers(tasks, minimum))
        return forks[-1]

    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    monkeypatch.setattr(reading, "workers", counted)
    forked = load_site(root, now(), cache=LoadCache(tmp_path / "cache"))
    assert 2 in forks
    same(alone, forked)
    assert any("sev5" in str(p) for p in forked.problems.errors) and len(forked.site.incidents) >= 30
    same(load_site(root, now(), cache=LoadCache(tmp_path / "cache")), alone)  # what the workers cached reads back


class _Steps(progress.Meter):
    def __init__(self) -> None:
        self.stages: list[tuple[str, int]] = []
        self.done = 0
        self.steps: list[int] = []

    def stage(self, label: str, total: int) -> None:
        self.stages.append((label, total))

    def advance(self, count: int = 1) -> None:
        self.done += count
        self.steps.append(count)


def test_files_the_cache_knows_are_counted_in_steps_as_they_are_looked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust_fresh_files(monkeypatch)
    monkeypatch.setattr(reading, "_COUNT_EVERY", 4)
    files = {f"incidents/i{n:02d}.yaml": BAD_INCIDENT.replace("INC-9", f"INC-{n}") for n in range(10)}
    root = make_content(tmp_path / "content", files)
    load_site(root, now(), cache=LoadCache(tmp_path / "cache"))
    steps = _Steps()
    with progress.metering(steps):
        load_site(root, now(), cache=LoadCache(tmp_path / "cache"))
    assert steps.stages == [("Reading content files", 10)] and steps.steps == [4, 4, 2]


def test_every_file_read_is_counted_once_with_workers_and_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 30 good incidents, one invalid, one that is not YAML: 32 content files to read.
    good = BAD_INCIDENT.replace("severity: sev5", "severity: minor")
    files = {f"incidents/i{n:02d}.yaml": good.replace("INC-9", f"INC-{n}") for n in range(30)}
    files["incidents/bad.yaml"] = BAD_INCIDENT.replace("INC-9", "INC-99")
    files["incidents/broken.yaml"] = "id: [unclosed\n"
    root = make_content(tmp_path / "content", files)
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")  # parsed in two worker processes
    for cache in (None, LoadCache(tmp_path / "cache"), LoadCache(tmp_path / "cache")):  # none, cold, warm
        steps = _Steps()
        with progress.metering(steps):
            load_site(root, now(), cache=cache)
        assert steps.stages == [("Reading content files", 32)] and steps.done == 32


class _Reference(pickle.Pickler):
    """The rule written out the slow, plain way: every dataclass whose fields are all `init`
    fields as a call of its maker (frozen slotted ones, load/makers.py) or else its class with
    its fields in order, enum members as `getattr(class, name)`, the rest as pickle does it."""

    def reducer_override(self, obj: object) -> object:
        if isinstance(obj, enum.Enum):
            return getattr, (type(obj), obj.name)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            fields = dataclasses.fields(obj)
            if all(f.init for f in fields):
                return maker_of(type(obj)) or type(obj), tuple(getattr(obj, f.name) for f in fields)
        return NotImplemented


def test_records_are_pickled_as_calls_of_their_makers_or_classes(tmp_path: Path) -> None:
    site = load_site(EXAMPLE, now()).site
    values = [site, list(site.incidents), [facts_of(i) for i in site.incidents], (site.postmortems, None, 3)]
    for value in values:
        reference = io.BytesIO()
        _Reference(reference, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        assert cache_module.dumps(value) == reference.getvalue()
        assert pickle.loads(cache_module.dumps(value)) == value
    # Loading calls the makers: never the standard reduction's per-object dataclasses.fields().
    ops = {op.name for op, _, _ in pickletools.genops(cache_module.dumps(site.incidents[0]))}
    assert "REDUCE" in ops and "BUILD" not in ops and "NEWOBJ" not in ops


def lazily(root: Path, cache_dir: Path | None, max_bytes: int | None = None) -> tuple[list[object], list[object]]:
    """The incidents and sorted problems of a public build's load (lazy with a cache)."""
    loaded = load_site(root, now(), max_bytes=max_bytes, cache=LoadCache(cache_dir) if cache_dir else None,
                       lazy=cache_dir is not None)
    incidents = list(loaded.site.incidents)
    if cache_dir is not None:
        loaded.site.incidents.close()  # type: ignore[attr-defined]
    return incidents, loaded.problems.sorted()


def test_a_lazy_load_refuses_a_known_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files a warm build knows by status are still held to the size limit it is given."""
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    lazily(root, cache_dir)
    small = (root / "incidents" / "i03.yaml").stat().st_size - 1
    incidents, problems = lazily(root, cache_dir, max_bytes=small)
    assert any("i03.yaml" in str(problem) for problem in problems)
    assert (incidents, problems) == lazily(root, None, max_bytes=small)


def test_a_lazy_load_refuses_known_files_whose_folder_now_leads_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving the incidents folder out and linking it back keeps every file's status; a warm
    build still refuses the files, as reading them would."""
    root, cache_dir = twelve_incidents_in_chunks_of_four(tmp_path, monkeypatch)
    lazily(root, cache_dir)
    (root / "incidents").rename(tmp_path / "elsewhere")
    (root / "incidents").symlink_to(tmp_path / "elsewhere")
    incidents, problems = lazily(root, cache_dir)
    assert problems and not incidents
    assert (incidents, problems) == lazily(root, None)
