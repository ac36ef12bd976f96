"""publish.py on its own: staging folders, the swap (atomic exchange and the two-rename fallback),
repair of what a killed build left, permissions and the build lock. Expected trees by hand."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator import publish
from generator.publish import BuildLocked, Staging, build_lock, remove_leftovers, stage_and_publish, swap_in


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) -> its text."""
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def write(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture(params=["exchange", "renames"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test of the swap runs with renameat2 and with the fallback of systems without it."""
    if request.param == "renames":
        monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    return str(request.param)


def test_first_publish_into_an_empty_folder(tmp_path: Path, way: str, umask_022: None) -> None:
    out = tmp_path / "site"
    out.mkdir()

    def render(staging: Staging) -> None:
        write(staging.folder("public"), {"index.html": "new", "incidents/INC-1.html": "one"})
        write(staging.folder("internal"), {"index.html": "kb"})

    stage_and_publish(out, render)
    assert names(out) == ["internal", "public"]
    assert tree(out / "public") == {"incidents/INC-1.html": "one", "index.html": "new"}
    assert tree(out / "internal") == {"index.html": "kb"}
    # mkdtemp makes 0700 folders; a web server (another user) must read the published one.
    assert stat.S_IMODE((out / "public").stat().st_mode) == 0o755
    assert os.umask(0o022) == 0o022, "the umask must be put back after reading it"


def test_staged_folders_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        folder = Staging(tmp_path).folder("public")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o750
        assert folder.parent == tmp_path and folder.name.startswith(".public.staging-")
    finally:
        os.umask(old)


def test_rebuild_replaces_the_whole_folder_and_leaves_nothing_behind(tmp_path: Path, way: str) -> None:
    out = write(tmp_path / "site", {"public/index.html": "old", "public/gone.html": "removed since",
                                    "internal/index.html": "old kb", ".statuspress.lock": ""})
    stage_and_publish(out, lambda staging: write(staging.folder("public"), {"index.html": "new"}) and None)
    assert tree(out / "public") == {"index.html": "new"}
    assert tree(out / "internal") == {"index.html": "old kb"}  # not staged: untouched
    assert names(out) == [".statuspress.lock", "internal", "public"]


def test_failing_render_changes_nothing(tmp_path: Path, way: str) -> None:
    out = write(tmp_path / "site", {"public/index.html": "old"})

    def render(staging: Staging) -> None:
        write(staging.folder("public"), {"index.html": "half written"})
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        stage_and_publish(out, render)
    assert tree(out / "public") == {"index.html": "old"}
    assert names(out) == ["public"]


def test_swap_in_leaves_the_previous_version_in_the_staged_folder(tmp_path: Path, way: str) -> None:
    staged = write(tmp_path / "staged", {"index.html": "new"})
    target = write(tmp_path / "public", {"index.html": "old", "old.html": "x"})
    swap_in(staged, target)
    assert tree(target) == {"index.html": "new"}
    assert tree(staged) == {"index.html": "old", "old.html": "x"}
    assert names(tmp_path) == ["public", "staged"]


def test_swap_in_without_a_target_leaves_an_empty_staged_folder(tmp_path: Path) -> None:
    staged = write(tmp_path / "staged", {"index.html": "new"})
    swap_in(staged, tmp_path / "public")
    assert tree(tmp_path / "public") == {"index.html": "new"}
    assert staged.is_dir() and names(staged) == []


def test_fallback_replaces_a_stale_parked_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    staged = write(tmp_path / "staged", {"index.html": "new"})
    target = write(tmp_path / "public", {"index.html": "old"})
    write(tmp_path / ".public.previous", {"index.html": "stale"})
    swap_in(staged, target)
    assert tree(target) == {"index.html": "new"}
    assert tree(staged) == {"index.html": "old"}
    assert names(tmp_path) == ["public", "staged"]


def test_leftovers_of_a_killed_build_are_repaired(tmp_path: Path) -> None:
    # Killed between the two renames of the fallback: public is parked and missing; internal was
    # parked too but is in place again; a staging folder of each kind was never cleaned up.
    out = write(tmp_path / "site", {
        ".public.previous/index.html": "the previous site",
        ".internal.previous/index.html": "stale",
        "internal/index.html": "current kb",
        ".public.staging-abc123/index.html": "half",
        ".internal.staging-x/index.html": "half",
        ".statuspress.lock": "",
        ".hidden-by-someone/keep.txt": "theirs",
    })
    remove_leftovers(out)
    assert tree(out) == {
        ".hidden-by-someone/keep.txt": "theirs",
        ".statuspress.lock": "",
        "internal/index.html": "current kb",
        "public/index.html": "the previous site",
    }


def test_next_build_repairs_before_it_stages(tmp_path: Path) -> None:
    out = write(tmp_path / "site", {".public.previous/index.html": "old", ".public.staging-1/x.html": "half"})
    seen: list[list[str]] = []

    def render(staging: Staging) -> None:
        seen.append([n for n in names(out) if not n.startswith(".public.staging-")])

    stage_and_publish(out, render)
    assert seen == [["public"]]
    assert tree(out) == {"public/index.html": "old"}


def test_exchange_swaps_two_folders_atomically(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {"f": "A"})
    b = write(tmp_path / "b", {"f": "B"})
    assert publish._exchange(a, b) is True
    assert tree(a) == {"f": "B"} and tree(b) == {"f": "A"}


def test_exchange_reports_a_real_error(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {"f": "A"})
    with pytest.raises(OSError) as raised:
        publish._exchange(a, tmp_path / "missing")
    assert raised.value.errno == errno.ENOENT
    assert raised.value.filename == str(tmp_path / "missing")
    assert tree(a) == {"f": "A"}


class _Libc:
    """A C library whose renameat2 fails with one errno (a kernel or file system without it)."""

    def __init__(self, code: int) -> None:
        self.code = code

    def renameat2(self, *args: object) -> int:
        return -1


@pytest.mark.parametrize("code", [errno.ENOSYS, errno.EINVAL, errno.ENOTSUP])
def test_exchange_unsupported_means_fall_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: _Libc(code))
    monkeypatch.setattr(ctypes, "get_errno", lambda: code)
    assert publish._exchange(tmp_path, tmp_path) is False
    staged = write(tmp_path / "staged", {"index.html": "new"})
    target = write(tmp_path / "public", {"index.html": "old"})
    swap_in(staged, target)
    assert tree(target) == {"index.html": "new"} and tree(staged) == {"index.html": "old"}


def test_exchange_other_errors_are_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: _Libc(errno.EACCES))
    monkeypatch.setattr(ctypes, "get_errno", lambda: errno.EACCES)
    with pytest.raises(PermissionError):
        publish._exchange(tmp_path / "a", tmp_path / "b")


def test_exchange_without_libc_or_renameat2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: object())
    assert publish._exchange(tmp_path, tmp_path) is False
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert publish._exchange(tmp_path, tmp_path) is False


def test_build_lock_refuses_a_second_build_and_is_released(tmp_path: Path) -> None:
    out = tmp_path / "not" / "yet" / "made"
    with build_lock(out):
        assert names(out) == [".statuspress.lock"]
        with pytest.raises(BuildLocked) as raised, build_lock(out):
            pass
        assert str(raised.value) == f"another build is writing to {out}; try again when it has finished"
        assert raised.value.__cause__ is None and raised.value.__suppress_context__
    with build_lock(out):  # released: the next build gets it
        pass
    with build_lock(out):
        pass


def test_exchange_with_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `--out site` gives relative paths: renameat2 reads them from the working folder (AT_FDCWD).
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a", {"f": "A"})
    write(tmp_path / "b", {"f": "B"})
    assert publish._exchange(Path("a"), Path("b")) is True
    assert tree(tmp_path / "a") == {"f": "B"}


def test_a_second_build_is_refused_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.locking as locking

    def no_waiting(seconds: float) -> None:
        raise AssertionError("the build lock must not wait for the other build")

    with build_lock(tmp_path):
        monkeypatch.setattr(locking.time, "sleep", no_waiting)
        with pytest.raises(BuildLocked), build_lock(tmp_path):
            pass


def test_cleanup_errors_never_fail_a_published_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Once swapped in, the new site is live: a staging folder that cannot be removed (a file
    # system error) is left for the next build's repair instead of failing this one.
    out = write(tmp_path / "site", {"public/index.html": "old"})
    real = publish.shutil.rmtree

    def failing(path: Path, ignore_errors: bool = False) -> None:
        if not ignore_errors:
            raise OSError("cannot remove")
        real(path, ignore_errors=True)

    monkeypatch.setattr(publish.shutil, "rmtree", failing)
    stage_and_publish(out, lambda staging: write(staging.folder("public"), {"index.html": "new"}) and None)
    assert tree(out / "public") == {"index.html": "new"}

    def crash(staging: Staging) -> None:
        write(staging.folder("public"), {"index.html": "half"})
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):  # not the OSError of the cleanup
        stage_and_publish(out, crash)
    assert tree(out / "public") == {"index.html": "new"}


# --- The reserve generation pruned, trees removed (issue 18's mutation target) ---------------


def folders(folder: Path) -> list[str]:
    """Every folder under `folder`, relative, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())


def recorded(path: Path) -> tuple[int, int, int]:
    """A file's status as a cache records it: (inode, size, mtime in ns), read here by hand."""
    info = os.stat(path)
    return info.st_ino, info.st_size, info.st_mtime_ns


def test_prune_keeps_exactly_the_files_whose_status_is_vouched_for(tmp_path: Path) -> None:
    folder = write(tmp_path / "reserve", {
        "index.html": "same", "a/b/deep.html": "same deep", "a/gone.html": "x", "stale.html": "edited",
        "extra.html": "not in the cache", "d/e/f.html": "a whole branch to go",
    })
    stale = recorded(folder / "stale.html")
    keep = {
        "index.html": recorded(folder / "index.html"),
        "a/b/deep.html": recorded(folder / "a/b/deep.html"),  # two levels down: its path is "a/b/deep.html"
        "stale.html": (stale[0], stale[1] + 1, stale[2]),  # the cache saw another size
        "never/written.html": (1, 2, 3),
    }
    assert publish.prune(folder, keep) == {"index.html", "a/b/deep.html"}
    assert tree(folder) == {"index.html": "same", "a/b/deep.html": "same deep"}
    assert folders(folder) == ["a", "a/b"]  # d/e and d, left empty, are gone; the reserve itself stays
    assert names(tmp_path) == ["reserve"]


def test_prune_with_nothing_matching_empties_the_folder_but_keeps_it(tmp_path: Path) -> None:
    folder = write(tmp_path / "reserve", {"index.html": "x", "a/b/c.html": "y"})
    assert publish.prune(folder, {"other.html": (1, 2, 3)}) == set()
    assert names(tmp_path) == ["reserve"]
    assert names(folder) == []


def test_prune_with_an_empty_cache_clears_the_whole_tree(tmp_path: Path) -> None:
    folder = write(tmp_path / "reserve", {"index.html": "x", "a/b/c.html": "y", ".hidden": "z"})
    kept = publish.prune(folder, {})
    assert kept == set() and isinstance(kept, set)
    assert names(folder) == []
    assert names(tmp_path) == ["reserve"]  # no trash folder left beside it (a small tree goes at once)


def test_clear_of_an_empty_folder_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "reserve").mkdir()
    publish.clear(tmp_path / "reserve")
    assert names(tmp_path) == ["reserve"] and names(tmp_path / "reserve") == []


def test_a_clear_killed_half_way_leaves_its_files_in_a_hidden_trash_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Killed after moving the contents aside, before removing them: what is left beside the
    # reserve is hidden trash (never a visible folder of the output), and the reserve is empty.
    folder = write(tmp_path / "reserve", {"index.html": "x", "a/c.html": "y"})

    def killed(path: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(publish, "remove_tree", killed)
    with pytest.raises(KeyboardInterrupt):
        publish.clear(folder)
    assert names(folder) == []
    [trash] = [name for name in names(tmp_path) if name != "reserve"]
    assert trash.startswith(".statuspress-trash-")
    assert tree(tmp_path / trash) == {"index.html": "x", "a/c.html": "y"}


def test_remove_files_removes_the_folders_it_leaves_empty(tmp_path: Path) -> None:
    folder = write(tmp_path / "site", {
        "index.html": "stays", "a/b/c/x.html": "goes", "a/y.html": "goes", "k/keep.html": "stays",
        "k/z.html": "goes",
    })
    publish.remove_files(folder, {"a/b/c/x.html", "a/y.html", "k/z.html", "not/there.html"})
    assert tree(folder) == {"index.html": "stays", "k/keep.html": "stays"}
    assert folders(folder) == ["k"]
    assert names(tmp_path) == ["site"]


def files_tree(root: Path, top: int, below: int) -> Path:
    """A tree of `top` files in its root and `below` files in a subfolder (walked after the root)."""
    root.mkdir()
    for n in range(top):
        (root / f"f{n}.html").write_text("x")
    if below:
        (root / "sub").mkdir()
        for n in range(below):
            (root / "sub" / f"g{n}.html").write_text("x")
    return root


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """Background removals are recorded instead of started; the test runs them itself, and
    whatever it did not run is run at the end (nothing is left in tmp_path)."""
    commands: list[list[str]] = []

    def record(args: list[str], **options: object) -> None:
        assert options.get("start_new_session") is True  # outlives the build, never waited for
        commands.append(list(args))

    # Only publish.py's view of subprocess: the test's own subprocess.run is the real one.
    monkeypatch.setattr(publish, "subprocess", SimpleNamespace(Popen=record, DEVNULL=subprocess.DEVNULL))
    yield commands
    for args in commands:
        subprocess.run(args, check=True)  # noqa: S603 - the command remove_tree made


def test_a_tree_of_exactly_the_threshold_is_removed_at_once(tmp_path: Path, started: list[list[str]]) -> None:
    publish.remove_tree(files_tree(tmp_path / "old", 999, 1))  # 1,000 files
    assert started == []
    assert names(tmp_path) == []


def test_a_tree_over_the_threshold_is_moved_aside_and_removed_in_the_background(
        tmp_path: Path, started: list[list[str]]) -> None:
    publish.remove_tree(files_tree(tmp_path / "old", 1000, 1))  # 1,001 files, the last one below the root
    assert not (tmp_path / "old").exists()  # out of the way at once
    [trash] = names(tmp_path)
    assert trash.startswith(".statuspress-trash-")
    assert len(list((tmp_path / trash).rglob("*.html"))) == 1001  # not deleted by the command itself
    [command] = started
    assert command[0] == sys.executable and command[-1] == str(tmp_path / trash)
    subprocess.run(command, check=True)  # noqa: S603 - what the background process runs
    started.clear()
    assert names(tmp_path) == []  # nothing behind, not even the trash folder


def test_the_background_removal_really_runs_and_leaves_nothing(tmp_path: Path) -> None:
    publish.remove_tree(files_tree(tmp_path / "old", 1200, 300))
    assert not (tmp_path / "old").exists()
    deadline = time.monotonic() + 300  # a deadline for a loaded machine, not a timing assertion
    while names(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert names(tmp_path) == [], "the background removal did not finish"


def test_discard_never_overwrites_a_reserve_that_is_there(tmp_path: Path) -> None:
    # publish() failed after the previous site had become the reserve: discarding the staging
    # folder (once the reserve) must leave that reserve as it is, and the staged copy goes.
    out = write(tmp_path / "site", {"public/index.html": "live", ".public.reserve/index.html": "reserve"})
    staging = Staging(out)
    staged = staging.folder("public", keep=True)
    assert tree(staged) == {"index.html": "reserve"} and not (out / ".public.reserve").exists()
    write(staged, {"index.html": "half updated"})
    write(out / ".public.reserve", {"index.html": "the site before"})
    staging.discard()
    assert tree(out / ".public.reserve") == {"index.html": "the site before"}
    assert names(out) == [".public.reserve", "public"]


def test_leftovers_of_every_kind_go_and_the_site_and_its_reserve_stay(tmp_path: Path) -> None:
    out = write(tmp_path / "site", {
        "public/index.html": "live",
        ".public.reserve/index.html": "the site before",
        ".public.previous/index.html": "parked while public was swapped back in",  # half-swapped
        ".public.staging-q1/index.html": "half rendered",
        ".statuspress-trash-running/tree/x.html": "a background removal still at work",
    })
    (out / ".statuspress-trash-done").mkdir()  # its background removal has finished
    remove_leftovers(out)
    assert tree(out) == {
        "public/index.html": "live",
        ".public.reserve/index.html": "the site before",
        ".statuspress-trash-running/tree/x.html": "a background removal still at work",
    }
    assert names(out) == [".public.reserve", ".statuspress-trash-running", "public"]


def test_trash_whose_background_removal_was_killed_is_removed_by_a_later_build(tmp_path: Path) -> None:
    """A full trash folder a tree was put in long ago lost its removal (killed with its
    session): the next build removes it in the background. A recent one is left to its own."""
    out = write(tmp_path / "site", {
        "public/index.html": "live",
        ".statuspress-trash-orphaned/tree/a/x.html": "its removal was killed an hour ago",
        ".statuspress-trash-running/tree/y.html": "a background removal still at work",
    })
    hour_ago = time.time() - 3600
    os.utime(out / ".statuspress-trash-orphaned", (hour_ago, hour_ago))
    remove_leftovers(out)
    deadline = time.monotonic() + 120
    while (out / ".statuspress-trash-orphaned").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert names(out) == [".statuspress-trash-running", "public"]
    assert tree(out) == {"public/index.html": "live",
                         ".statuspress-trash-running/tree/y.html": "a background removal still at work"}
