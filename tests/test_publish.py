"""publish.py on its own: staging folders, the swap (atomic exchange and the two-rename fallback),
repair of what a killed build left, permissions and the build lock. Expected trees by hand."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

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
