"""Benchmark the build at several sizes and print a table of times, memory and output.

    python benchmarks/run.py                      # N = 1,000 and 5,000
    python benchmarks/run.py --with-20k           # also N = 20,000
    python benchmarks/run.py --sizes 200 1000 --keep /tmp/bench --json /tmp/bench.json

For each N the synthetic corpus (benchmarks/make_corpus.py) is written first, then a fresh
Python process runs every stage in turn, so peak memory is per N and caches never carry over:

* load + validate (`load_site`), derive (`project`), each registered public format,
  the knowledge base (Markdown tree and MkDocs build when generator.kb offers them separately,
  else `render_internal` as one stage), `statuspress build --public` end to end with an empty
  cache folder, `load + validate` again with the now warm load cache, and a rebuild a minute later
  after one incident changed, incremental (with the cache) and without the cache;
* a floor: reading and YAML-composing the same files, and writing as many files and bytes as
  the public build wrote. build/floor says how far we are from plain I/O. The cold
  `build --public` and the floor each run `COLD_RUNS` times, alternating, and their medians are
  compared (each run's figures are kept in the row's note and `runs`).

`statuspress validate` is timed as its own process, without and with the (warm) cache. A stage
whose renderer is not there yet is printed as n/a. Wall time is `time.perf_counter`, CPU time
`resource.getrusage` (self + reaped children), memory the process's high-water mark (`ru_maxrss`) after the stage.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NOW = "2026-11-28T12:00:00Z"
Row = dict[str, Any]


# ---------------------------------------------------------------------------- measuring


def cpu_seconds() -> float:
    self_, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_.ru_utime + self_.ru_stime + children.ru_utime + children.ru_stime


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def tree_size(root: Path) -> tuple[int, int]:
    """(files, bytes) under `root`."""
    files = size = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            files += 1
            size += os.stat(os.path.join(dirpath, name)).st_size
    return files, size


#: Output folders whose old generations builds remove in the background (publish.remove_tree).
OUTPUTS: list[Path] = []


def settle() -> None:
    """Let what earlier stages left finish before the next one is timed: old generations being
    removed in the background, then the dirty pages the kernel writes back later. A stage that
    ran while the last one's files (or a removed tree) were being flushed was charged for them
    (the floor's write of the same files at 20,000 took 3.0 s in one run and 10.2 s in another)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and any(_trash(out) for out in OUTPUTS):
        time.sleep(0.2)
    os.sync()


def _trash(out: Path) -> list[Path]:
    return [*out.glob(".statuspress-trash-*"), *out.glob("*/.statuspress-trash-*")]


class Stages:
    """Runs and records the stages of one N in this process."""

    def __init__(self) -> None:
        self.rows: list[Row] = []

    @contextmanager
    def stage(self, name: str, output: Path | None = None) -> Iterator[Row]:
        """Time the block; `output` is a folder whose growth counts as this stage's output."""
        before = tree_size(output) if output is not None and output.exists() else (0, 0)
        row: Row = {"stage": name}
        settle()
        wall, cpu = time.perf_counter(), cpu_seconds()
        try:
            yield row
        except NotImplementedError as exc:
            row.update(na=True, note=str(exc) or "not implemented")
        else:
            row.update(wall=time.perf_counter() - wall, cpu=cpu_seconds() - cpu, peak=peak_mib())
            if output is not None and output.exists() and "files" not in row:
                after = tree_size(output)
                row.update(files=after[0] - before[0], bytes=after[1] - before[1])
        self.rows.append(row)

    def na(self, name: str, note: str) -> None:
        self.rows.append({"stage": name, "na": True, "note": note})


# ---------------------------------------------------------------------------- the worker


def work(content: Path, out: Path, now_text: str, with_kb: bool = True) -> list[Row]:
    """Every in-process stage for one corpus; runs in a fresh interpreter per N."""
    from generator.build import BuildRequest, build
    from generator.load import load_site
    from generator.load.cache import LoadCache
    from generator.load.fields import parse_time
    from generator.public import frozen_heap, projected
    from generator.public.formats import FORMATS

    now = parse_time(now_text)
    stages = Stages()
    OUTPUTS.append(out)
    with stages.stage("load + validate") as row:
        loaded = load_site(content, now)
        row.update(errors=len(loaded.problems.errors), warnings=len(loaded.problems.warnings))
    site = loaded.site
    with stages.stage("derive (project)"):
        page = projected(site, now)  # as render_public does it
    public = out / "formats"
    public.mkdir(parents=True)
    if not FORMATS:
        stages.na("public: (no formats)", "generator.public.formats.FORMATS is empty")
    with frozen_heap():
        for output_format in FORMATS:
            with stages.stage(f"public: {output_format.name}", public):
                output_format.render(page, public)
    stages.rows.append(total("public: all formats", [r for r in stages.rows if r["stage"].startswith("public: ")]))
    if with_kb:
        kb_stages(stages, site, now, content, out)
    else:
        stages.na("kb: (all stages)", "skipped: N is above --kb-max")

    cache = out / "cache"

    def request(target: Path, cache_dir: Path | None, later: int = 0) -> BuildRequest:
        return BuildRequest(content=content, out=target, now=now + timedelta(minutes=later), targets=("public",),
                            progress=lambda _: None, cache_dir=cache_dir)

    # The cold `build --public` ran before this process, from the small driver (see measure()).
    with stages.stage("load + validate (warm cache)") as row:
        loaded = load_site(content, now, cache=LoadCache(cache))
        row.update(errors=len(loaded.problems.errors), warnings=len(loaded.problems.warnings))
    newest = max((content / "incidents").iterdir())
    original = newest.read_bytes()
    # A rebuild of the unchanged folder a minute after the cold build: what every later rebuild
    # finds, the generation before the published one kept as the reserve (publish.py).
    with stages.stage("rebuild, nothing changed (incremental, first)") as row:
        build(request(out / "site", cache, later=1))
    try:
        newest.write_bytes(add_update(original))
        # Two minutes later, as a real rebuild during an outage: pages that show the build time change.
        with stages.stage("rebuild, 1 incident changed (incremental)") as row:
            build(request(out / "site", cache, later=2))
            row.update(dict(zip(("files", "bytes"), tree_size(out / "site" / "public"), strict=True)))
        with stages.stage("rebuild, 1 incident changed (no cache)") as row:
            build(request(out / "full", None, later=2))
            row.update(dict(zip(("files", "bytes"), tree_size(out / "full" / "public"), strict=True)))
        same = snapshot(out / "site" / "public") == snapshot(out / "full" / "public")
        row.update(note="output identical to the incremental one" if same else "OUTPUT DIFFERS from incremental")
    finally:
        newest.write_bytes(original)
    return stages.rows


def snapshot(root: Path) -> dict[str, bytes]:
    """Relative path -> SHA-256 of every file under `root`, to compare two builds."""
    import hashlib

    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).digest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def add_update(text: bytes, body: bytes = b"Benchmark: one more update.") -> bytes:
    """The incident with one more public update, as `statuspress update` would add during an outage."""
    extra = b'  - at: 2026-11-28T11:59:00Z\n    status: identified\n    body: "' + body + b'"\n'
    head, sep, tail = text.partition(b"\ntimeline:")
    return head + b"\n" + extra.rstrip(b"\n") + sep + tail if sep else text


def kb_stages(stages: Stages, site: Any, now: Any, content: Path, out: Path) -> None:
    """The knowledge base: the Markdown, the yardstick (plain `mkdocs build` of the same tree),
    our cold build with worker processes and in one process, and incremental rebuilds after one
    changed incident and one changed post-mortem, each checked against the cold build."""
    from generator.kb.engine import config_file, load
    from generator.kb.tree import generate, sync_tree

    docs, dest = out / "kb-docs", out / "internal"
    with stages.stage("kb: generate Markdown (in memory)") as row:
        outputs = generate(site, now)
        row.update(files=len(outputs))
    with stages.stage("kb: write Markdown tree", docs):
        sync_tree(outputs, docs)
    config = load(site, content, docs, dest)
    # The yardstick: `mkdocs build` as anyone would run it on the same Markdown tree, with the
    # same configuration (theme, plugins, navigation), in its own process.
    plain = out / "kb-plain"
    plain.mkdir()
    settings = {"INHERIT": str(config_file(content)), "docs_dir": str(docs), "site_dir": str(plain / "site"),
                "site_name": config["site_name"], "nav": config["nav"],
                "theme": {"custom_dir": str(theme_folder(config, plain / "theme"))}}
    (plain / "mkdocs.yml").write_text(json.dumps(settings, indent=1))  # JSON is YAML
    with stages.stage("kb: plain mkdocs build (process)", plain / "site"):
        code, *_ = run_child([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(plain / "mkdocs.yml")],
                             plain / "mkdocs.log", {"SOURCE_DATE_EPOCH": str(int(now.timestamp()))})  # as we date it
        if code:
            raise SystemExit("plain mkdocs build failed:\n" + (plain / "mkdocs.log").read_text()[-4000:])

    # Our builds, as `statuspress build --internal` runs them: each its own process (start-up and
    # imports included, as users wait for it), the load cache warm (the cold public build filled
    # it), the knowledge base's own cache empty at first. Snapshots are taken after the timing.
    cache = out / "cache"

    def kb_build(name: str, target: Path, later: int = 0, extra: dict[str, str] | None = None) -> Row:
        when = (now + timedelta(minutes=later)).strftime("%Y-%m-%dT%H:%M:%SZ")
        log = out / "kb-build.log"
        code, wall, cpu, peak = run_child([sys.executable, "-m", "generator", "build", "--internal", "--quiet",
                                           "--content", str(content), "--out", str(target), "--now", when,
                                           "--cache-dir", str(cache)], log, extra)
        if code:
            raise SystemExit(f"{name} failed (exit {code}):\n" + log.read_text()[-4000:])
        row: Row = {"stage": name, "wall": wall, "cpu": cpu, "peak": peak}
        stages.rows.append(row)
        return row

    row = kb_build("kb: cold build (Markdown + MkDocs, workers)", out / "kb-site")
    cold = snapshot(out / "kb-site" / "internal")
    row.update(note="identical to plain mkdocs build" if cold == snapshot(plain / "site")
               else "DIFFERS from plain mkdocs build")
    row = kb_build("kb: cold build, one process (workers off)", out / "kb-one", extra={"STATUSPRESS_WORKERS": "1"})
    row.update(note="identical to the workers' build" if snapshot(out / "kb-one" / "internal") == cold
               else "DIFFERS from the workers' build")

    def review_edit(text: bytes) -> bytes:
        return text + b"\nA typo fixed in the review.\n"

    def write(path: Path, data: bytes) -> None:
        path.write_bytes(data)
        time.sleep(2.1)  # the load cache trusts a file by its status only 2 s after its last change

    edits = [("incident", max((content / "incidents").iterdir()), add_update,
              lambda text: add_update(add_update(text), b"Benchmark: a second update."))]
    reviews = sorted((content / "postmortems").glob("*.md"))
    if reviews:
        edits.append(("post-mortem", reviews[-1], review_edit, lambda text: review_edit(review_edit(text))))
    for label, path, edit, again in edits:
        original = path.read_bytes()
        try:
            write(path, edit(original))
            kb_build(f"kb: rebuild, 1 {label} changed (incremental)", out / "kb-site")
            # As `serve --internal` and CI build it: the clock has moved on (the metrics and
            # service pages show figures as of the build time).
            write(path, again(original))
            kb_build(f"kb: rebuild, 1 {label} changed again, 3 minutes later (incremental)", out / "kb-site", later=3)
        finally:
            write(path, original)
        row = kb_build(f"kb: rebuild, {label} put back (incremental)", out / "kb-site")
        row.update(note="identical to the cold build" if snapshot(out / "kb-site" / "internal") == cold
                   else "DIFFERS from the cold build")


def theme_folder(config: Any, folder: Path) -> Path:
    """One `custom_dir` holding the template folders Statuspress puts before Material's (the
    user's `custom_dir`, then its own overrides: engine.add_overrides), the earlier ones winning
    as in MkDocs' search order, so plain MkDocs renders with the same templates."""
    from importlib import resources

    ours = str(resources.files("generator.kb") / "overrides")
    dirs = config.theme.dirs
    for source in reversed(dirs[: dirs.index(ours) + 1]):
        shutil.copytree(source, folder, dirs_exist_ok=True)
    return folder


def total(name: str, rows: list[Row]) -> Row:
    done = [r for r in rows if not r.get("na")]
    if not done:
        return {"stage": name, "na": True, "note": "no public format"}
    summed: Row = {"stage": name, "peak": max(r["peak"] for r in done)}
    for key in ("wall", "cpu", "files", "bytes"):
        summed[key] = sum(r.get(key, 0) for r in done)
    return summed


def floor(stages: Stages, content: Path, target: Path, written: tuple[int, int]) -> None:
    """Plain I/O of the same size: read + compose the YAML, write as many files and bytes into
    the new folder `target`."""
    import yaml

    paths = sorted(p for p in content.rglob("*") if p.is_file() and not p.name.startswith("."))
    with stages.stage("floor: read + compose YAML") as row:
        for path in paths:
            text = path.read_bytes().decode("utf-8")
            if path.suffix == ".md":
                text = text[4 : text.find("\n---", 3) + 1]
            yaml.compose(text, Loader=yaml.CSafeLoader)
        row.update(files=len(paths))
    files, size = written
    with stages.stage("floor: write same files+bytes", target):
        chunk = b"x" * (size // max(files, 1))
        folder = target
        for index in range(files):
            if index % 500 == 0:
                folder = target / f"d{index // 500}"
                folder.mkdir(parents=True)
            data = chunk if index else chunk + b"x" * (size - len(chunk) * files)
            with open(folder / f"f{index}.html", "wb") as handle:
                handle.write(data)


def median_row(name: str, rows: list[Row], note: str = "") -> Row:
    """One row for the runs `rows` of a stage: the median wall and CPU seconds, the highest
    peak, the first run's output, and every run's figures (`runs`, and in the note)."""
    walls, cpus = [r["wall"] for r in rows], [r["cpu"] for r in rows]
    each = " / ".join(f"{wall:.2f}" for wall in walls)
    row: Row = {**{k: rows[0][k] for k in ("files", "bytes") if k in rows[0]}, "stage": name,
                "wall": statistics.median(walls), "cpu": statistics.median(cpus), "peak": max(r["peak"] for r in rows),
                "runs": [{"wall": r["wall"], "cpu": r["cpu"]} for r in rows],
                "note": f"median of {len(rows)}: {each} s wall, " + " / ".join(f"{c:.2f}" for c in cpus) + " s CPU"
                        + (f"; {note}" if note else "")}
    return row


# ---------------------------------------------------------------------------- the driver

#: How many times the cold `build --public` and the floor each run, one after the other: the disk
#: and the page cache move between stages on a shared machine (the floor's writing at 5,000 took
#: 0.27 s in one run and 0.77 s in another), so one run of each gave a ratio between 2.9 and 4.0
#: for the same code. Their medians are compared.
COLD_RUNS = 3


def run_child(args: list[str], log: Path, extra: dict[str, str] | None = None) -> tuple[int, float, float, float]:
    """Run a process; (exit code, wall s, CPU s, peak MiB) from its own rusage."""
    settle()
    with open(log, "wb") as handle:
        start = time.perf_counter()
        # This checkout's generator, not whichever one `pip install -e` pointed at.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH")))),
               **(extra or {})}
        process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(n: int, seed: int, keep: Path | None, now: str, kb_max: int) -> tuple[list[Row], dict[str, Any]]:
    base = keep if keep is not None else Path(tempfile.mkdtemp(prefix="statuspress-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    content, out = base / f"corpus-{n}", base / f"out-{n}"
    info: dict[str, Any] = {"n": n}
    try:
        marker = content / ".corpus"
        if not (marker.exists() and marker.read_text() == f"{n} {seed}\n"):
            start = time.perf_counter()
            code, *_ = run_child([sys.executable, str(HERE / "make_corpus.py"), str(n), str(content),
                                  "--seed", str(seed), "--force"], base / f"corpus-{n}.log")
            if code:
                raise SystemExit((base / f"corpus-{n}.log").read_text())
            marker.write_text(f"{n} {seed}\n")
            info["corpus_seconds"] = time.perf_counter() - start
        info["corpus_files"], info["corpus_bytes"] = tree_size(content)
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        OUTPUTS.append(out)
        built, floors = cold_and_floor(n, content, out, now, base)
        # The same in one process (no worker for loading or rendering), into its own folders.
        code, wall, cpu, peak = run_child([sys.executable, "-m", "generator", "build", "--public", "--quiet",
                                           "--content", str(content), "--out", str(out / "site-one"), "--now", now,
                                           "--cache-dir", str(out / "cache-one")], base / f"build-one-{n}.log",
                                          {"STATUSPRESS_WORKERS": "1"})
        alone: Row = {"stage": "build --public cold, workers off (process)", "wall": wall, "cpu": cpu, "peak": peak}
        same = snapshot(out / "site-one" / "public") == snapshot(out / "site" / "public")
        alone.update(note="identical to the workers' build" if same else "DIFFERS from the workers' build")
        result = base / f"rows-{n}.json"
        worker = [sys.executable, __file__, "--worker", str(content), str(out), now, str(result), str(int(n <= kb_max))]
        code, wall, cpu, peak = run_child(worker, base / f"worker-{n}.log")
        if code:
            raise SystemExit(f"worker for N={n} failed:\n" + (base / f"worker-{n}.log").read_text()[-4000:])
        rows: list[Row] = json.loads(result.read_text())
        at = next(i for i, r in enumerate(rows) if r["stage"].startswith("load + validate (warm"))
        rows[at:at] = [built, alone]
        rows += floors
        info.update(worker_wall=wall, worker_peak=peak)
        at = next(i for i, r in enumerate(rows) if r["stage"] == "rebuild, 1 incident changed (incremental)")
        rows.insert(at + 1, rebuild_process(content, out, now, base))
        one: dict[str, str] = {"STATUSPRESS_WORKERS": "1"}
        variants: tuple[tuple[str, list[str], dict[str, str]], ...] = (
            ("no cache", ["--no-cache"], {}), ("no cache, workers off", ["--no-cache"], one),
            ("warm cache", ["--cache-dir", str(out / "cache")], {}),
        )
        for position, (label, cache, extra) in enumerate(variants, start=1):
            log = base / f"validate-{n}.log"
            code, wall, cpu, peak = run_child(
                [sys.executable, "-m", "generator", "validate", "--content", str(content), "--now", now, *cache], log,
                extra,
            )
            summary = log.read_text().strip().rsplit("\n", 1)[-1]
            row: Row = {"stage": f"statuspress validate (process, {label})", "wall": wall, "cpu": cpu, "peak": peak}
            row.update(note=summary.split(": ")[-1] if code in (0, 1) else f"failed (exit {code}): {summary}")
            rows.insert(position, row if code in (0, 1) else {**row, "na": True})
        rows[4:4] = responder_rows(content, out / "cache", now, base)
        return rows, info
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)
        else:
            shutil.rmtree(out, ignore_errors=True)


def cold_and_floor(n: int, content: Path, out: Path, now: str, base: Path) -> tuple[Row, list[Row]]:
    """`build --public` with an empty cache folder as users run it, then the floor of the same
    size, `COLD_RUNS` times in turn: (the build's row, the floor's rows), medians of the runs.
    The first build goes into `out/site` and `out/cache`, which the later stages start from;
    each other one into folders of its own, compared with the first and removed. The build is
    started from this small process: Linux gives a child the high-water mark of the process it
    was started from, so started from the worker it would report the worker's memory."""
    builds: list[Row] = []
    stages = Stages()
    same = True
    for run in range(COLD_RUNS):
        folder = out if run == 0 else out / f"cold-{run}"
        log = base / f"build-{n}.log"
        code, wall, cpu, peak = run_child([sys.executable, "-m", "generator", "build", "--public", "--quiet",
                                           "--content", str(content), "--out", str(folder / "site"), "--now", now,
                                           "--cache-dir", str(folder / "cache")], log)
        if code:
            raise SystemExit(f"build --public for N={n} failed:\n" + log.read_text()[-4000:])
        files, size = tree_size(folder / "site" / "public")
        builds.append({"wall": wall, "cpu": cpu, "peak": peak, "files": files, "bytes": size})
        if run:
            same = same and snapshot(folder / "site" / "public") == snapshot(out / "site" / "public")
            shutil.rmtree(folder)
        floor(stages, content, out / f"floor-{run}", (builds[0]["files"], builds[0]["bytes"]))
        shutil.rmtree(out / f"floor-{run}")
    note = "own process (worker processes included)" + ("" if same else "; the runs' outputs DIFFER")
    floors = [median_row(name, [r for r in stages.rows if r["stage"] == name])
              for name in ("floor: read + compose YAML", "floor: write same files+bytes")]
    return median_row("build --public (end to end, cold cache)", builds, note), floors


#: How many times the rebuild after one changed incident runs as its own process (each with one
#: more update, a minute later than the one before): a single run moved between 1.2 and 1.7 s at
#: 20,000 incidents with the disk, for the same code. The median is what the target counts.
REBUILD_RUNS = 3


def rebuild_process(content: Path, out: Path, now: str, base: Path) -> Row:
    """`statuspress build --public` as its own process, as a responder's CI runs it: one more
    update on the newest incident (other bytes than the worker's edit, so it is parsed), with
    the warm cache the worker's builds left, three minutes after the cold build, and again with
    another update a minute later, `REBUILD_RUNS` times (the median); then the same without a
    cache into another folder, to compare with the last. The file is put back afterwards."""
    newest = max((content / "incidents").iterdir())
    original = newest.read_bytes()
    start = datetime.fromisoformat(now.replace("Z", "+00:00"))
    runs: list[Row] = []
    try:
        text = original
        for run in range(REBUILD_RUNS):
            later = (start + timedelta(minutes=3 + run)).strftime("%Y-%m-%dT%H:%M:%SZ")
            command = [sys.executable, "-m", "generator", "build", "--public", "--quiet", "--content", str(content),
                       "--now", later]
            text = add_update(text, b"Benchmark: another update, %d." % run)
            newest.write_bytes(text)
            time.sleep(2.1)  # the load cache trusts a file by its status only 2 s after its last change
            code, wall, cpu, peak = run_child(
                [*command, "--out", str(out / "site"), "--cache-dir", str(out / "cache")], base / "rebuild-process.log")
            if code:
                return {"stage": "rebuild, 1 incident changed (process)", "wall": wall, "cpu": cpu, "peak": peak,
                        "na": True, "note": f"failed (exit {code})"}
            runs.append({"wall": wall, "cpu": cpu, "peak": peak})
        code, *_ = run_child([*command, "--out", str(out / "full-process"), "--no-cache"], base / "rebuild-full.log")
        same = not code and snapshot(out / "site" / "public") == snapshot(out / "full-process" / "public")
        return median_row("rebuild, 1 incident changed (process)", runs,
                          "own process; the last identical to a clean build" if same
                          else "own process; the last DIFFERS from a clean build")
    finally:
        newest.write_bytes(original)


def responder_rows(content: Path, cache: Path, now: str, base: Path) -> list[Row]:
    """What a responder waits for during an outage, each as its own process with the warm cache:
    `validate` after one incident file changed, and `statuspress update` posting to the newest
    incident (find it, validate the change against the folder, write it). The file is restored."""
    newest = max((content / "incidents").iterdir())
    original = newest.read_bytes()
    incident_id = next(line.split(":", 1)[1].strip() for line in original.decode().splitlines()
                       if line.startswith("id:"))
    commands = {
        "validate, 1 file changed (process, warm)":
            ["validate", "--content", str(content), "--now", now, "--cache-dir", str(cache)],
        "statuspress update (process, warm cache)":
            ["update", incident_id, "Benchmark: we are still investigating.", "--content", str(content),
             "--now", now, "--cache-dir", str(cache)],
    }
    rows = []
    try:
        newest.write_bytes(add_update(original))
        for stage, args in commands.items():
            log = base / "responder.log"
            code, wall, cpu, peak = run_child([sys.executable, "-m", "generator", *args], log)
            last = log.read_text().strip().rsplit("\n", 1)[-1]
            row: Row = {"stage": stage, "wall": wall, "cpu": cpu, "peak": peak}
            note = last.rsplit(": ", 1)[-1][-50:]
            rows.append({**row, "note": note} if code in (0, 1) else {**row, "na": True, "note": note})
    finally:
        newest.write_bytes(original)
    return rows


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(results: list[tuple[list[Row], dict[str, Any]]]) -> None:
    for _, info in results:
        made = f", made in {info['corpus_seconds']:.1f} s" if "corpus_seconds" in info else " (reused)"
        print(f"N={info['n']:,}: corpus {info['corpus_files']:,} files, {info['corpus_bytes'] / 1e6:.1f} MB{made}; "
              f"worker process peak {info['worker_peak']:.0f} MiB")
    columns = ("N", 7), ("wall s", 8), ("cpu s", 8), ("peak MiB", 9), ("files", 8), ("MB", 8), ("xprev", 6), ("lin", 5)
    header = f"{'stage':40} " + " ".join(f"{name:>{width}}" for name, width in columns)
    print()
    print(header)
    print("-" * len(header))
    names = list(dict.fromkeys(r["stage"] for rows, _ in results for r in rows))
    for name in names:
        previous: tuple[int, float] | None = None
        for index, (rows, info) in enumerate(results):
            row: Row = next((r for r in rows if r["stage"] == name), {"na": True, "note": "not run"})
            label = name if index == 0 else ""
            n = info["n"]
            if row.get("na"):
                print(f"{label:40} {n:>7,} {'n/a':>8}   {row.get('note', '')[:60]}")
                previous = None
                continue
            ratio = lin = ""
            if previous is not None and previous[1] > 0:
                growth = row["wall"] / previous[1]
                ratio, lin = f"{growth:.2f}", f"{growth / (n / previous[0]):.2f}"
            files = f"{row['files']:,}" if "files" in row else "-"
            size = fmt(row["bytes"] / 1e6, 1) if "bytes" in row else "-"
            note = f"  {row['note']}" if row.get("note") else ""
            if "errors" in row:
                note = f"  {row['errors']} errors, {row['warnings']} warnings"
            print(f"{label:40} {n:>7,} {row['wall']:>8.2f} {row['cpu']:>8.2f} {row['peak']:>9.0f} "
                  f"{files:>8} {size:>8} {ratio:>6} {lin:>5}{note}")
            previous = (n, row["wall"])
    print()
    print("xprev: wall time / the previous N's; lin: xprev / (N / previous N), 1.00 = linear growth.")
    for rows, info in results:
        by = {r["stage"]: r for r in rows if not r.get("na")}
        parts = []
        read = by.get("floor: read + compose YAML")
        write = by.get("floor: write same files+bytes")
        if read and "load + validate" in by:
            parts.append(f"load+validate / read+compose = {by['load + validate']['wall'] / read['wall']:.1f}")
        if read and write and "build --public (end to end, cold cache)" in by:
            parts.append(floor_ratio(by["build --public (end to end, cold cache)"], read, write))
        plain = by.get("kb: plain mkdocs build (process)")
        cold = by.get("kb: cold build (Markdown + MkDocs, workers)")
        alone = by.get("kb: cold build, one process (workers off)")
        if plain and cold:
            parts.append(f"kb cold build / plain mkdocs build = {cold['wall'] / plain['wall']:.2f} (target 0.60)")
        if cold and alone:
            parts.append(f"kb workers off / on = {alone['wall'] / cold['wall']:.2f}")
        for label in ("incident", "post-mortem"):
            rebuild = by.get(f"kb: rebuild, 1 {label} changed (incremental)")
            later = by.get(f"kb: rebuild, 1 {label} changed again, 3 minutes later (incremental)")
            if cold and rebuild:
                parts.append(f"kb rebuild after 1 {label} / cold = {100 * rebuild['wall'] / cold['wall']:.1f}% "
                             "(target 5%)")
            if cold and later:
                parts.append(f"the same 3 minutes later / cold = {100 * later['wall'] / cold['wall']:.1f}%")
        public_alone = by.get("build --public cold, workers off (process)")
        if public_alone and "build --public (end to end, cold cache)" in by:
            ratio = public_alone["wall"] / by["build --public (end to end, cold cache)"]["wall"]
            parts.append(f"build --public workers off / on = {ratio:.2f}")
        print(f"N={info['n']:,}: " + ("; ".join(parts) or "no floor ratio"))


def floor_ratio(built: Row, read: Row, write: Row) -> str:
    """The cold build's median wall time over the floor's (reading and writing of each run added),
    and each run's own ratio."""
    floors = [r["wall"] + w["wall"] for r, w in zip(read["runs"], write["runs"], strict=True)]
    each = " / ".join(f"{b['wall'] / f:.1f}" for b, f in zip(built["runs"], floors, strict=True))
    return (f"build --public / floor = {built['wall'] / statistics.median(floors):.1f} "
            f"(medians of {len(floors)} runs each; each run's own: {each})")


def byte_compile_generator() -> None:
    """Write the package's bytecode files before any stage starts, as installing a package does:
    with PYTHONDONTWRITEBYTECODE set (or an editable install never run), every command timed
    as its own process would otherwise compile `generator/` from source (about 0.1 s each)."""
    import compileall

    import generator

    compileall.compile_dir(Path(generator.__file__).parent, quiet=2)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--worker"]:
        content, out, now, result, with_kb = args[1:6]
        Path(result).write_text(json.dumps(work(Path(content), Path(out), now, with_kb == "1")))
        return 0
    byte_compile_generator()
    parser = argparse.ArgumentParser(description="Benchmark statuspress builds at several sizes.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], help="incident counts (1000 5000)")
    parser.add_argument("--with-20k", action="store_true", help="also N = 20,000 (slow)")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the corpora in this folder")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--now", default=NOW, help=f"build time (default {NOW})")
    parser.add_argument("--kb-max", type=int, default=5000, help="skip the knowledge base above this N (5000)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    options = parser.parse_args(args)
    sizes = sorted(set(options.sizes) | ({20000} if options.with_20k else set()))
    results = []
    for n in sizes:
        print(f"measuring N={n:,} ...", file=sys.stderr, flush=True)
        results.append(measure(n, options.seed, options.keep, options.now, options.kb_max))
    print_table(results)
    if options.json:
        options.json.write_text(json.dumps([{"info": info, "rows": rows} for rows, info in results], indent=1))
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
