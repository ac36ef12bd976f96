"""Hostile content is rejected quickly with clear messages, and never runs or hangs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.sitekit import load, make_content

BOMB = "\n".join(
    [f'{chr(97 + i)}: &{chr(97 + i)} [{",".join([f"*{chr(96 + i)}"] * 9) if i else ",".join(["lol"] * 9)}]' for i in range(9)]
)


def run_validate(root: Path) -> subprocess.CompletedProcess[str]:
    """`statuspress validate` in a subprocess; the timeout only guards against a hang."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--content", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


def test_hostile_folder_is_rejected_with_every_problem(tmp_path: Path) -> None:
    root = make_content(
        tmp_path / "content",
        {
            "incidents/bomb.yaml": BOMB,
            "incidents/pyobj.yaml": 'id: !!python/object/apply:os.system ["touch PWNED"]\n',
            "incidents/traversal.yaml": (
                "id: ../../../etc/cron.d/x\ntitle: t\ntype: internal\nseverity: minor\n"
                "started_at: 2026-11-20T14:02:00Z\n"
            ),
        },
    )
    with open(root / "incidents" / "huge.yaml", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: secret\nservices: [api]\n---\nroot password\n")
    (root / "runbooks" / "api").mkdir(parents=True)
    os.symlink(outside, root / "runbooks" / "api" / "leak.md")
    os.symlink(tmp_path, root / "runbooks" / "escape")

    result = run_validate(root)

    assert result.returncode == 1
    lines = result.stderr.replace(str(root), "content").splitlines()
    assert "content/incidents/bomb.yaml:1: too many values after expanding aliases (alias bomb?)" in lines
    assert "content/incidents/huge.yaml:1: file is 52,428,800 bytes; the limit is 1,048,576 (max_file_bytes)" in lines
    assert "content/incidents/pyobj.yaml:1: unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'" in lines
    assert (
        "content/incidents/traversal.yaml:1: id: '../../../etc/cron.d/x' is not a safe id "
        "(use letters, digits, '-' and '_' only)"
    ) in lines
    assert "content/runbooks/api/leak.md:1: symlink leaves the content folder; refusing to read it" in lines
    assert "content/runbooks/escape:1: symlink leaves the content folder: runbooks/escape" in lines
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


def test_file_size_limit_is_configurable(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": "# " + "x" * 5000 + "\n"})
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--content", str(root), "--max-file-bytes", "2048"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "a.yaml:1: file is 5,003 bytes; the limit is 2,048 (max_file_bytes)" in result.stderr


def test_text_encoding_problems_name_the_line(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content")
    (root / "incidents").mkdir()
    (root / "incidents" / "latin1.yaml").write_bytes(b"id: INC-1\ntitle: caf\xe9\n")
    (root / "incidents" / "nul.yaml").write_bytes(b"id: INC-2\n\ntitle: a\x00b\n")
    result = run_validate(root)
    lines = result.stderr.replace(str(root), "content").splitlines()
    assert "content/incidents/latin1.yaml:2: not valid UTF-8 (byte 0xe9)" in lines
    assert "content/incidents/nul.yaml:3: control character U+0000 in text" in lines


def test_bom_and_crlf_files_are_read(tmp_path: Path) -> None:
    incident = (
        "id: INC-1\r\ntitle: t\r\ntype: internal\r\nseverity: minor\r\nstarted_at: 2026-11-20T14:02:00Z\r\n"
        "detected_at: 2026-11-20T14:03:00Z\r\n"
    )
    root = make_content(tmp_path / "content")
    (root / "incidents").mkdir()
    (root / "incidents" / "a.yaml").write_bytes(b"\xef\xbb\xbf" + incident.encode())
    result = run_validate(root)
    assert result.returncode == 0, result.stderr
    assert "1 incident, 0 maintenance windows, 0 post-mortems, 0 runbooks, 3 services: 0 errors, 0 warnings" in (
        result.stdout + result.stderr
    )
    # Read as written: the BOM is not part of the first key, CR is not part of any value.
    [read] = load(root).site.incidents
    assert (read.id, read.title, read.severity.value) == ("INC-1", "t", "minor")
    assert read.detected_at is not None and read.detected_at.isoformat() == "2026-11-20T14:03:00+00:00"
