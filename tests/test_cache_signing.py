"""The build cache cannot run code from a file someone else wrote.

The caches are pickles, and unpickling runs code. Every cache file is signed with a key kept in
the user's cache directory (never in a repository); a file that does not verify is never
unpickled, a cache folder that git tracks is refused with a warning, and the key itself is
refused when others could read or replace it. The crafted pickle below creates a marker file
when it is unpickled: it must never appear, whatever the build, validate or responder command.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sitekit import REPO, make_content

NOW = "2026-11-28T12:00:00Z"
INCIDENT = """\
id: INC-1
title: Checkout errors
type: external
severity: minor
started_at: 2026-11-28T10:00:00Z
impact:
  - component: api
    level: partial_outage
updates:
  - at: 2026-11-28T10:05:00Z
    status: investigating
    body: Looking into it.
"""


class Payload:
    """Unpickling this creates `marker`: what an attacker's pickle would do, harmlessly."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


def crafted(marker: Path) -> bytes:
    return pickle.dumps(Payload(marker))


def wrongly_signed(marker: Path) -> bytes:
    """The crafted pickle in the signed layout (magic, nonce, length, tag, payload) with a tag
    made under a key that is not the user's."""
    payload, nonce = crafted(marker), b"n" * 16
    tag = hmac.new(b"k" * 32, nonce + (0).to_bytes(8, "little") + payload, hashlib.sha256).digest()
    return b"SPCACHE\x01" + nonce + len(payload).to_bytes(8, "little") + tag + payload


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.pickle") if p.is_file())


def kinds(found: list[Path]) -> list[str]:
    """What each cache file is, by its prefix: `load-<hash>.pickle` is the load cache's index,
    `load-<hash>-<name>.pickle` one of its chunk files; so for the kept views' `project-`."""
    return [p.name.split("-")[0] + (" chunk" if p.name.count("-") == 2 else "") for p in found]


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own user cache directory ($XDG_CACHE_HOME)."""
    folder = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A content repository: content/ with one open incident; the commands run from here."""
    make_content(tmp_path / "repo" / "content", {"incidents/2026-11-28-checkout.yaml": INCIDENT})
    return tmp_path / "repo"


@pytest.mark.parametrize("forge", [crafted, wrongly_signed], ids=["unsigned pickle", "wrong signature"])
def test_a_crafted_pickle_where_the_cache_is_never_runs(
    repo: Path, user_cache: Path, tmp_path: Path, forge: object
) -> None:
    marker = tmp_path / "PWNED"
    first = run(repo, "build", "--content", "content", "--out", "site", "--now", NOW, "--public")
    assert first.returncode == 0, first.stderr
    found = cache_files(user_cache)
    # the checks across files, the load cache, the kept incident views and the page cache
    assert kinds(found) == ["cross", "load chunk", "load", "project chunk", "project", "public", "templates.pickle"], found
    reference = (repo / "site" / "public" / "incidents" / "INC-1.html").read_bytes()
    for path in found:
        path.write_bytes(forge(marker))  # type: ignore[operator]
    for args in (["validate", "--content", "content", "--now", NOW],
                 ["update", "INC-1", "--internal", "Still looking.", "--content", "content", "--now", NOW],
                 ["build", "--content", "content", "--out", "site", "--now", NOW, "--public"]):
        for path in found:
            path.write_bytes(forge(marker))  # type: ignore[operator]
        result = run(repo, *args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert not marker.exists(), f"{args[0]} unpickled a file it had not signed"
    assert (repo / "site" / "public" / "incidents" / "INC-1.html").read_bytes() == reference
    for path in cache_files(user_cache):  # the build replaced the forged files with its own
        assert path.read_bytes().startswith(b"SPCACHE\x01") and path.read_bytes() != forge(marker)  # type: ignore[operator]


def test_the_old_cache_folder_in_the_repository_is_not_read(repo: Path, user_cache: Path, tmp_path: Path) -> None:
    """Where the cache used to be by default (.statuspress-cache in the working directory, the
    content repository): a pickle committed there is never even opened."""
    marker = tmp_path / "PWNED"
    run(repo, "validate", "--content", "content", "--now", NOW)
    old = repo / ".statuspress-cache"
    old.mkdir(exist_ok=True)  # (where the code before signing kept it)
    digest = hashlib.sha256(str((repo / "content").resolve()).encode()).hexdigest()[:16]
    (old / f"load-{digest}.pickle").write_bytes(crafted(marker))
    (old / "render").mkdir(exist_ok=True)
    digest = hashlib.sha256(str((repo / "site" / "public").resolve()).encode()).hexdigest()[:16]
    (old / "render" / f"public-{digest}.pickle").write_bytes(crafted(marker))
    result = run(repo, "build", "--content", "content", "--out", "site", "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()


def test_the_cache_lives_in_the_user_cache_directory_or_statuspress_cache_dir(
    repo: Path, user_cache: Path, tmp_path: Path
) -> None:
    before = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*"))
    result = run(repo, "build", "--content", "content", "--out", "../site", "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*")) == before  # nothing in the repository
    (folder,) = [p for p in (user_cache / "statuspress").iterdir() if p.is_dir()]
    assert folder.name.startswith("content-")  # named after the content folder
    assert kinds(cache_files(folder)) == ["cross", "load chunk", "load", "public", "templates.pickle"]
    assert (folder / ".gitignore").read_text() == "# Statuspress cache: safe to delete\n*\n"

    kept = tmp_path / "ci-cache"
    result = run(repo, "build", "--content", "content", "--out", "../site", "--now", NOW,
                 env={"STATUSPRESS_CACHE_DIR": str(kept)})
    assert result.returncode == 0, result.stderr
    assert kinds(cache_files(kept)) == ["cross", "load chunk", "load", "public", "templates.pickle"]
    assert sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*")) == before


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo,
                   check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_cache_folder_that_git_tracks_is_refused_with_a_warning(repo: Path, user_cache: Path, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    cache = repo / ".statuspress-cache"
    cache.mkdir()
    (cache / "load-0123456789abcdef.pickle").write_bytes(crafted(marker))
    git(repo, "init", "-q")
    git(repo, "add", "-f", ".")
    git(repo, "commit", "-q", "-m", "content and a cache")
    before = sorted(cache.rglob("*"))
    warning = (
        "warning: not using the build cache: .statuspress-cache holds files tracked by git (such as "
        "load-0123456789abcdef.pickle); a cache must never come from a repository: remove it from git or "
        "choose another --cache-dir. Continuing without it.\n"
    )
    for args in (["validate", "--content", "content", "--now", NOW],
                 ["build", "--content", "content", "--out", "site", "--now", NOW, "--public"],
                 ["update", "INC-1", "Still looking.", "--content", "content", "--now", NOW]):
        result = run(repo, *args, "--cache-dir", ".statuspress-cache")
        assert result.returncode == 0, result.stderr
        assert result.stderr.startswith(warning), result.stderr
        assert not marker.exists()
        assert sorted(cache.rglob("*")) == before, "nothing was written into the tracked folder"
    assert (repo / "site" / "public" / "incidents" / "INC-1.html").is_file()


def test_the_key_is_made_0600_and_a_key_others_could_touch_is_refused(repo: Path, user_cache: Path) -> None:
    assert run(repo, "validate", "--content", "content", "--now", NOW).returncode == 0
    key = user_cache / "statuspress" / "key"
    info = key.lstat()
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_uid == os.geteuid() and info.st_size == 32
    (folder,) = [p for p in (user_cache / "statuspress").iterdir() if p.is_dir()]

    key.chmod(0o644)
    shutil.rmtree(folder)
    result = run(repo, "validate", "--content", "content", "--now", NOW)
    assert result.returncode == 0
    assert result.stderr.startswith(
        f"warning: not using the build cache: cache key {key} has mode 0644: others could read or replace it; "
        "delete it to make a new one. Continuing without it.\n"
    ), result.stderr
    assert not folder.exists(), "no cache was written under a refused key"

    key.chmod(0o600)
    real = key.with_name("elsewhere")
    key.rename(real)
    key.symlink_to(real)
    result = run(repo, "validate", "--content", "content", "--now", NOW)
    assert "warning: not using the build cache: cache key" in result.stderr and not folder.exists()

    if os.geteuid() == 0:  # only root can give the key to someone else
        key.unlink()
        real.rename(key)
        os.chown(key, 12345, 12345)
        result = run(repo, "validate", "--content", "content", "--now", NOW)
        assert f"cache key {key} belongs to user id 12345, not to you" in result.stderr
        assert not folder.exists()
