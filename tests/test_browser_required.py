"""Browser tests skip without Chromium in a developer's clone, and fail when `CI` is set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sitekit import REPO


def _run_browser_test(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    """One public browser test in a child pytest whose PATH holds no Chromium."""
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["PATH"] = str(tmp_path)  # an empty folder: `chromium` is not found
    if ci:
        env["CI"] = "true"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
               "tests/test_public_browser.py", "-k", "readable_without_javascript"]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("ci", [False, True], ids=["user clone", "CI"])
def test_missing_chromium_skips_in_a_clone_and_fails_in_ci(tmp_path: Path, ci: bool) -> None:
    result = _run_browser_test(tmp_path, ci)
    summary = result.stdout.strip().splitlines()[-1]
    assert "chromium is not installed" in result.stdout
    assert "apt-get install chromium chromium-driver" in result.stdout
    if ci:
        assert result.returncode == 1, result.stdout
        assert "1 error" in summary and "skipped" not in summary, summary
    else:
        assert result.returncode == 0, result.stdout
        assert "1 skipped" in summary, summary
