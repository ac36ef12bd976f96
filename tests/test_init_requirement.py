"""`statuspress init` writes a requirements.txt CI can install: from `--requirement`, else from how
the running Statuspress was installed (its PEP 610 direct_url.json). Statuspress is not on PyPI, so
a bare `statuspress==VERSION` from a local install would fail the new repository's first pipeline:
that case is warned about, in the output and in the file. The distributions here are fake
`.dist-info` folders, found first on PYTHONPATH by the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from generator.init.requirement import Source, from_direct_url, installed

COMMIT = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def fake_distribution(folder: Path, version: str, direct_url: dict[str, object] | None) -> Path:
    """A `statuspress-VERSION.dist-info` as pip writes it: METADATA, and direct_url.json for a direct install."""
    info = folder / f"statuspress-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: statuspress\nVersion: {version}\n", encoding="utf-8")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url), encoding="utf-8")
    return info


def init(cwd: Path, *args: str, installed_from: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real `statuspress init`, seeing the fake distribution in `installed_from` (if given) first."""
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    if installed_from is not None:
        env["PYTHONPATH"] = str(installed_from)
    return subprocess.run([sys.executable, "-m", "generator", "init", "repo", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


# --------------------------------------------------------------------------- the line, from direct_url.json


@pytest.mark.parametrize(("direct_url", "line", "source"), [
    ({"url": "https://github.com/acme/statuspress", "vcs_info": {"vcs": "git", "commit_id": COMMIT,
                                                                  "requested_revision": "v0.3.0"}},
     f"statuspress @ git+https://github.com/acme/statuspress@{COMMIT}", Source.VCS),
    ({"url": "https://gitlab.acme.test/tools/mono.git", "subdirectory": "statuspress",
      "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
     f"statuspress @ git+https://gitlab.acme.test/tools/mono.git@{COMMIT}#subdirectory=statuspress", Source.VCS),
    ({"url": "https://files.acme.test/statuspress-0.3.0-py3-none-any.whl",
      "archive_info": {"hashes": {"sha256": SHA256}, "hash": f"sha256={SHA256}"}},
     f"statuspress @ https://files.acme.test/statuspress-0.3.0-py3-none-any.whl#sha256={SHA256}", Source.ARCHIVE),
    ({"url": "https://files.acme.test/statuspress-0.3.0.tar.gz", "archive_info": {"hash": f"sha256={SHA256}"}},
     f"statuspress @ https://files.acme.test/statuspress-0.3.0.tar.gz#sha256={SHA256}", Source.ARCHIVE),
    ({"url": "https://files.acme.test/statuspress-0.3.0.tar.gz", "archive_info": {}},
     "statuspress @ https://files.acme.test/statuspress-0.3.0.tar.gz", Source.ARCHIVE),
    (None, "statuspress==0.3.0", Source.INDEX),
])
def test_a_reachable_install_gives_the_line_pip_freeze_would(direct_url: dict[str, object] | None, line: str,
                                                             source: Source) -> None:
    found = from_direct_url("0.3.0", None if direct_url is None else json.dumps(direct_url))
    assert (found.line, found.source, found.reachable) == (line, source, True)


@pytest.mark.parametrize(("direct_url", "origin"), [
    ('{"url": "file:///home/robin/statuspress", "dir_info": {"editable": true}}',
     "a local folder (file:///home/robin/statuspress)"),
    ('{"url": "file:///home/robin/statuspress", "dir_info": {}}', "a local folder (file:///home/robin/statuspress)"),
    (f'{{"url": "file:///home/robin/statuspress", "vcs_info": {{"vcs": "git", "commit_id": "{COMMIT}"}}}}',
     "a local git repository (file:///home/robin/statuspress)"),
    ('{"url": "file:///tmp/statuspress-0.3.0-py3-none-any.whl", "archive_info": {}}',
     "a local file (file:///tmp/statuspress-0.3.0-py3-none-any.whl)"),
    ("{not json", "somewhere its direct_url.json does not say"),
    ('{"dir_info": {}}', "somewhere its direct_url.json does not say"),
])
def test_a_local_install_keeps_the_version_pin_and_says_where_it_came_from(direct_url: str, origin: str) -> None:
    found = from_direct_url("0.3.0", direct_url)
    assert (found.line, found.source, found.reachable, found.origin) == ("statuspress==0.3.0", Source.LOCAL,
                                                                          False, origin)


def test_the_installed_distribution_is_read_through_importlib_metadata(tmp_path: Path) -> None:
    info = fake_distribution(tmp_path, "0.4.1", {"url": "https://github.com/acme/statuspress",
                                                 "vcs_info": {"vcs": "git", "commit_id": COMMIT}})
    found = installed(metadata.PathDistribution(info))
    assert found.line == f"statuspress @ git+https://github.com/acme/statuspress@{COMMIT}"
    assert installed(metadata.PathDistribution(fake_distribution(tmp_path / "index", "0.4.1", None))).line == (
        "statuspress==0.4.1")


# --------------------------------------------------------------------------- what init writes and says


def test_init_pins_a_git_install_to_its_commit(tmp_path: Path) -> None:
    fake_distribution(tmp_path / "site", "0.3.0", {"url": "https://github.com/acme/statuspress",
                                                   "vcs_info": {"vcs": "git", "commit_id": COMMIT}})
    result = init(tmp_path, "--host", "gitlab-pages", installed_from=tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "repo" / "requirements.txt").read_text(encoding="utf-8") == (
        "# Which Statuspress CI installs: the commit `statuspress init` ran, from its repository.\n"
        f"statuspress @ git+https://github.com/acme/statuspress@{COMMIT}\n")
    assert "warning" not in result.stderr and "requirements.txt" not in result.stdout.split("Next:")[1]
    pipeline = yaml.safe_load((tmp_path / "repo" / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert pipeline["default"]["image"] == "python:3.12"  # -slim has no git for pip


def test_init_from_an_index_install_pins_the_version_and_names_the_index_line(tmp_path: Path) -> None:
    fake_distribution(tmp_path / "site", "0.3.0", None)
    result = init(tmp_path, "--host", "gitlab-pages", installed_from=tmp_path / "site")
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    assert (tmp_path / "repo" / "requirements.txt").read_text(encoding="utf-8") == (
        "# Which Statuspress CI installs: the version `statuspress init` ran, from a package index.\n"
        "# Statuspress is not on PyPI: add the line --extra-index-url https://YOUR-INDEX/simple/ above\n"
        "# this one, for the private index it comes from.\n"
        "statuspress==0.3.0\n")
    pipeline = yaml.safe_load((tmp_path / "repo" / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert pipeline["default"]["image"] == "python:3.12-slim"


def test_init_from_a_local_folder_warns_and_marks_the_line_to_edit(tmp_path: Path) -> None:
    fake_distribution(tmp_path / "site", "0.3.0", {"url": "file:///home/robin/statuspress",
                                                   "dir_info": {"editable": True}})
    result = init(tmp_path, installed_from=tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "statuspress init: warning: requirements.txt says statuspress==0.3.0, but this Statuspress was "
        "installed from a local folder (file:///home/robin/statuspress), which CI cannot reach, and "
        "Statuspress is not on PyPI, so the first pipeline would fail to install it. Edit requirements.txt "
        "to say where CI gets Statuspress, or pass --requirement to init, e.g. --requirement "
        "'statuspress @ git+https://github.com/YOUR-ORG/statuspress@v0.3.0'.\n")
    assert "  write in requirements.txt where CI installs Statuspress from (see the warning)\n" in result.stdout
    text = (tmp_path / "repo" / "requirements.txt").read_text(encoding="utf-8")
    assert text == (
        "# EDIT THE LAST LINE before the first push. It says which Statuspress CI installs, but the one\n"
        "# `statuspress init` ran from was installed from a local folder or file, which CI cannot reach,\n"
        "# and Statuspress is not on PyPI. Write where CI can get it, for example\n"
        "#   statuspress @ git+https://github.com/YOUR-ORG/statuspress@v0.3.0\n"
        "statuspress==0.3.0\n")
    assert "/home/robin" not in text  # the user's own paths stay out of the repository


@pytest.mark.parametrize("spec", [
    "statuspress @ git+https://github.com/acme/statuspress@v0.1.0",
    "statuspress[notify]==0.1.0 ; python_version >= '3.11'",
])
def test_init_writes_the_requirement_it_is_given(tmp_path: Path, spec: str) -> None:
    fake_distribution(tmp_path / "site", "0.3.0", {"url": "file:///home/robin/statuspress", "dir_info": {}})
    result = init(tmp_path, "--requirement", f"  {spec} ", installed_from=tmp_path / "site")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert (tmp_path / "repo" / "requirements.txt").read_text(encoding="utf-8") == (
        "# Which Statuspress CI installs (given to `statuspress init --requirement`).\n"
        f"{spec}\n")


@pytest.mark.parametrize(("spec", "message"), [
    ("statuspress==0.1.0\n--index-url https://evil.test/simple/",
     "expected one requirement on one line; got 'statuspress==0.1.0\\n--index-url https://evil.test/simple/'"),
    ("statuspress==0.1.0\r--index-url https://evil.test/simple/", "expected one requirement on one line"),
    ("requests==2.32.0", "expected a requirement of statuspress; got one of 'requests'"),
    ("-e git+https://github.com/acme/statuspress#egg=statuspress",
     "expected a PEP 508 requirement such as 'statuspress @ git+https://github.com/YOUR-ORG/statuspress@v0.1.0' "
     "or 'statuspress==0.1.0'; got '-e git+https://github.com/acme/statuspress#egg=statuspress'"),
    ("statuspress >=", "expected a PEP 508 requirement such as"),
    ("", "expected a PEP 508 requirement such as"),
])
def test_init_refuses_a_bad_requirement_and_writes_nothing(tmp_path: Path, spec: str, message: str) -> None:
    result = init(tmp_path, "--requirement", spec)
    assert result.returncode == 2, result.stderr
    assert f"Error: Invalid value for '--requirement': {message}" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "repo").exists()
