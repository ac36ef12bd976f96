"""Incident views kept between public builds (generator/public/projcache.py): an incremental
build equals a clean one byte for byte through any sequence of edits and of build times, and a
kept view is used exactly while no time of its incident lies between the two builds' `now`."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from generator.build import BuildRequest, build
from generator.load import cache as cache_module
from generator.public import projcache
from generator.public.projcache import holds, micros, window
from tests.sitekit import make_content
from tests.treediff import differences, snapshot

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def at(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def incident(number: int, start: float, update: float, end: float | None, resolved: float | None,
             title: str = "Errors", kind: str = "external") -> str:
    """An incident whose times are hours from T0 (a second update at `update`; its impact ends
    at `end`, it is resolved at `resolved`, either may be after the builds' `now`)."""
    lines = [f"id: INC-{number}", f"title: {title} {number}", f"type: {kind}", "severity: minor",
             f"started_at: {at(start)}"]
    if resolved is not None:
        lines.append(f"resolved_at: {at(resolved)}")
    lines += ["impact:", "  - component: api", "    level: partial_outage"]
    if end is not None:
        lines.append(f"    to: {at(end)}")
    lines += ["  - component: vpn", "    level: major_outage", "updates:",
              f"  - at: {at(start)}", "    status: investigating", "    body: Looking.",
              f"  - at: {at(update)}", "    status: identified", "    body: Found it."]
    return "\n".join(lines) + "\n"


def postmortem(number: int, status: str, summary: str) -> str:
    return (f"---\nincident: INC-{number}\nstatus: {status}\nreview_date: 2026-11-27\n"
            f"public_summary: {summary}\n---\n\nWhat happened.\n")


def run(content: Path, out: Path, cache: Path | None, when: datetime) -> Path:
    build(BuildRequest(content=content, out=out, now=when, targets=("public",), progress=lambda _: None,
                       cache_dir=cache))
    return out / "public"


@pytest.fixture
def projected(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The incidents projected from their records (not taken from the kept views); files are
    trusted by status at once (the load cache otherwise waits 2 s)."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    made: list[str] = []
    real = projcache.public_incident

    def spy(record, *args):  # type: ignore[no-untyped-def]
        made.append(record.id)
        return real(record, *args)

    monkeypatch.setattr(projcache, "public_incident", spy)
    return made


def test_the_window_of_a_kept_view() -> None:
    times = [T0, T0 + timedelta(hours=1), T0 + timedelta(hours=1), T0 + timedelta(hours=3)]
    assert window(times, T0 - timedelta(seconds=1)) == (None, T0)
    assert window(times, T0) == (T0, T0 + timedelta(hours=1))
    assert window(times, T0 + timedelta(hours=2)) == (T0 + timedelta(hours=1), T0 + timedelta(hours=3))
    assert window(times, T0 + timedelta(days=9)) == (T0 + timedelta(hours=3), None)
    lo, hi = T0, T0 + timedelta(hours=1)
    assert holds(lo, hi, T0) and holds(lo, hi, hi - timedelta(microseconds=1))
    assert not holds(lo, hi, hi) and not holds(lo, hi, T0 - timedelta(microseconds=1))
    assert holds(None, None, T0) and holds(None, hi, datetime(1970, 1, 1, tzinfo=UTC))


def test_the_index_keeps_windows_as_exact_microseconds() -> None:
    """The index keeps a window's ends as integers (`micros`): the same order as the datetimes,
    to the microsecond, whatever the time zone they were written in."""
    later = T0 + timedelta(microseconds=1)
    assert micros(later) - micros(T0) == 1 and micros(T0 - timedelta(microseconds=1)) < micros(T0)
    assert micros(T0.astimezone(timezone(timedelta(hours=-5)))) == micros(T0)
    assert micros(datetime(1970, 1, 1, tzinfo=UTC)) == 0 and micros(T0) == int(T0.timestamp()) * 10**6


def test_a_kept_view_is_used_exactly_while_no_time_of_its_incident_passes(
    tmp_path: Path, projected: list[str]
) -> None:
    content = make_content(tmp_path / "content", {
        "incidents/a.yaml": incident(1, -30, -29, -29.5, -28),  # all in the past
        "incidents/b.yaml": incident(2, -3, 1, 2, 3),  # a second update in 1 h, impact over in 2, resolved in 3
        "incidents/c.yaml": incident(3, -5, -4, None, None, kind="internal"),
    })
    cache, out = tmp_path / "cache", tmp_path / "out"
    run(content, out, cache, T0)
    assert sorted(projected) == ["INC-1", "INC-2", "INC-3"]  # nothing kept yet
    for hours, again in ((0.5, []), (0.99, []), (1, ["INC-2"]), (1.5, []), (2.5, ["INC-2"]), (2.75, []),
                         (3, ["INC-2"]), (48, []), (0.5, ["INC-2"]), (0.75, []), (-3.5, ["INC-2"])):
        projected.clear()
        when = T0 + timedelta(hours=hours)
        public = run(content, out, cache, when)
        assert projected == again, hours
        assert differences(snapshot(public), snapshot(run(content, tmp_path / f"clean-{hours}", None, when))) == []
    projected.clear()
    (content / "incidents" / "a.yaml").write_text(incident(1, -30, -29, -29.5, -28, title="Renamed 1"))
    when = T0 - timedelta(hours=3.5)  # as the last build
    public = run(content, out, cache, when)
    assert projected == ["INC-1"], "only the changed incident is projected again"
    assert "Renamed 1" in (public / "incidents" / "INC-1.html").read_text()
    assert differences(snapshot(public), snapshot(run(content, tmp_path / "clean", None, when))) == []

    # A post-mortem published, then back to draft: its summary is shown, then gone, though the
    # incident's file never changed.
    for status, shown in (("published", True), ("draft", False)):
        (content / "postmortems").mkdir(exist_ok=True)
        (content / "postmortems" / "INC-1.md").write_text(postmortem(1, status, "We fixed the pool."))
        projected.clear()
        public = run(content, out, cache, when)
        assert projected == ["INC-1"], status
        assert ("We fixed the pool." in (public / "incidents" / "INC-1.html").read_text()) is shown
        assert differences(snapshot(public), snapshot(run(content, tmp_path / f"clean-{status}", None, when))) == []


EDITS = ("update", "title", "resolve", "add", "delete", "publish", "draft", "public", "nothing")


def edit(rng: random.Random, content: Path, kind: str, serial: list[int]) -> None:
    """One random edit of the content folder, as people make them."""
    files = sorted((content / "incidents").glob("*.yaml"))
    path = rng.choice(files) if files else None
    if kind == "update" and path is not None:
        text = path.read_text()
        path.write_text(text + f"  - at: {at(rng.uniform(-4, 4))}\n    status: monitoring\n    body: More {rng.random()}.\n")
    elif kind == "title" and path is not None:
        path.write_text(path.read_text().replace("title: ", f"title: T{rng.randint(0, 9)} ", 1))
    elif kind == "resolve" and path is not None and "resolved_at" not in path.read_text():
        path.write_text(path.read_text().replace("impact:\n", f"resolved_at: {at(rng.uniform(0, 5))}\nimpact:\n", 1))
    elif kind == "add":
        serial[0] += 1
        start = rng.uniform(-48, 2)
        end = rng.choice([None, start + rng.uniform(0.1, 6)])
        resolved = rng.choice([None, start + rng.uniform(0.2, 7)])
        text = incident(serial[0], start, start + rng.uniform(0, 5), end, resolved,
                        kind=rng.choice(["external", "external", "internal"]))
        (content / "incidents" / f"n{serial[0]}.yaml").write_text(text)
    elif kind == "delete" and path is not None and len(files) > 1:
        path.unlink()
        (content / "postmortems" / f"{path.stem}.md").unlink(missing_ok=True)
    elif kind in ("publish", "draft") and path is not None:
        number = int(path.read_text().split("\n", 1)[0].removeprefix("id: INC-"))
        status = "published" if kind == "publish" else "draft"
        (content / "postmortems").mkdir(exist_ok=True)
        for old in (content / "postmortems").glob("*.md"):
            if f"incident: INC-{number}\n" in old.read_text():
                old.unlink()
        (content / "postmortems" / f"{path.stem}.md").write_text(postmortem(number, status, f"Summary {rng.random()}."))
    elif kind == "public":
        services = content / "services.yaml"
        text = services.read_text()
        flipped = text.replace("    public: false\n", "") if "public: false" in text else text.replace(
            "  - id: vpn\n", "  - id: vpn\n    public: false\n")
        services.write_text(flipped)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_builds_equal_clean_ones_through_random_edits_and_times(
    tmp_path: Path, projected: list[str], seed: int
) -> None:
    rng = random.Random(seed)
    content = make_content(tmp_path / "content", {
        "incidents/a.yaml": incident(1, -30, -29, -29.5, -28),
        "incidents/b.yaml": incident(2, -3, 1, 2, 3),
        "incidents/c.yaml": incident(3, -1, 0.5, None, None),
    })
    cache, out = tmp_path / "cache", tmp_path / "out"
    serial = [3]
    when = T0
    kept = 0
    for step in range(8):
        edit(rng, content, rng.choice(EDITS), serial)
        # Mostly forward, across the incidents' times; sometimes back (a build with an earlier --now).
        when += timedelta(hours=rng.choice([0, 0.25, 0.5, 1, 2, 5]) * rng.choice([1, 1, 1, -1]))
        projected.clear()
        public = run(content, out, cache, when)
        count = len(list((content / "incidents").glob("*.yaml")))
        kept += count - len(projected)
        clean = run(content, tmp_path / f"clean-{step}", None, when)
        assert differences(snapshot(public), snapshot(clean)) == [], (seed, step, when)
    assert kept > 0, "some views were kept (else this test proves nothing about them)"


# The kept views' files: one per month, named by its nonce (projcache.py).


def month_files(cache: Path) -> dict[str, int]:
    """Each month file of the kept views, with its inode."""
    return {p.name: p.stat().st_ino for p in sorted((cache / "render").glob("project-*-*.pickle"))}


@pytest.fixture
def three_months(tmp_path: Path) -> Path:
    """Incidents in September, October and November 2026, all resolved before T0."""
    files = {f"incidents/inc-{n}.yaml": incident(n, -24 * days, -24 * days + 1, None, -24 * days + 2)
             for n, days in ((1, 70), (2, 40), (3, 10), (4, 9))}
    return make_content(tmp_path / "content", files)


def retitle(content: Path, number: int, title: str) -> None:
    path = content / "incidents" / f"inc-{number}.yaml"
    path.write_text(path.read_text().replace(f"title: Errors {number}", f"title: {title}"))


def test_one_changed_incident_writes_only_its_months_file(
    three_months: Path, tmp_path: Path, projected: list[str]
) -> None:
    cache = tmp_path / "cache"
    run(three_months, tmp_path / "out", cache, T0)
    first = month_files(cache)
    assert len(first) == 3, "one file per month"
    retitle(three_months, 3, "Changed")
    projected.clear()
    site = run(three_months, tmp_path / "out", cache, T0)
    assert projected == ["INC-3"]
    second = month_files(cache)
    # November's file is written again (new name) and the old one removed; the others stay.
    assert len(second) == 3 and len(set(first) & set(second)) == 2
    assert all(second[name] == first[name] for name in set(first) & set(second))
    assert not differences(snapshot(site), snapshot(run(three_months, tmp_path / "clean", None, T0)))
    projected.clear()
    run(three_months, tmp_path / "out", cache, T0)
    assert projected == [] and month_files(cache) == second, "nothing changed: nothing written"


def test_a_month_file_replaced_by_an_older_signed_one_is_a_miss(
    three_months: Path, tmp_path: Path, projected: list[str]
) -> None:
    cache = tmp_path / "cache"
    run(three_months, tmp_path / "out", cache, T0)
    older = {name: (cache / "render" / name).read_bytes() for name in month_files(cache)}
    retitle(three_months, 3, "Changed")
    run(three_months, tmp_path / "out", cache, T0)
    (new,) = set(month_files(cache)) - set(older)
    november = next(data for data in older.values() if b"INC-3" in data)
    (cache / "render" / new).write_bytes(november)  # signed by this user, but not the file named
    projected.clear()
    site = run(three_months, tmp_path / "out", cache, T0)
    assert sorted(projected) == ["INC-3", "INC-4"], "November's views are made again"
    assert "Changed" in (site / "incidents" / "INC-3.html").read_text()
    assert not differences(snapshot(site), snapshot(run(three_months, tmp_path / "clean", None, T0)))
