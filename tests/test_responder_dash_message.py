"""A message that begins with '-' ("-5% error rate") is read by the command line as an option.
The error says so and gives the command line that works, with the message after `--`; that
line, run as given, posts the update."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import main
from tests.sitekit import REPO
from tests.test_responder_messages import FILE, folder, one

T1 = "2026-11-28T15:00:00Z"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def suggested(output: str) -> list[str]:
    """The command line the error gives (its last line), without the program name."""
    line = output.strip().splitlines()[-1].strip()
    words = shlex.split(line)
    assert words[0] == "statuspress", line
    return words[1:]


def test_a_message_beginning_with_a_dash_gets_the_line_that_works(tmp_path: Path) -> None:
    content = folder(tmp_path)
    before = (content / FILE).read_bytes()
    args = ("update", "INC-2026-007", "--status", "identified", "-5% error rate", "--content", str(content),
            "--now", T1, "--no-cache")
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.output.endswith(
        "Error: '-5% error rate' begins with '-', so it was taken for an option (there is no option -5). "
        "Give the message after --, after which nothing is read as an option:\n"
        f"  statuspress update INC-2026-007 --status identified --content {content} --now {T1} --no-cache "
        "-- '-5% error rate'\n"
    )
    assert (content / FILE).read_bytes() == before
    again = run(*suggested(result.output))
    assert again.exit_code == 0, again.output
    latest = one(content).updates[-1]
    assert (latest.status.value, latest.body) == ("identified", "-5% error rate")


def test_message_given_as_an_option_gets_the_line_that_works(tmp_path: Path) -> None:
    # `new incident --message TEXT` exists; update, resolve and reopen take MESSAGE as an argument.
    content = folder(tmp_path)
    for given in (["--message", "-5% error rate"], ["--message=-5% error rate"]):
        result = run("update", "INC-2026-007", *given, "--content", str(content), "--now", T1, "--no-cache")
        assert result.exit_code == 2, result.output
        assert "Error: update takes its message as the MESSAGE argument, not --message." in result.output
        assert suggested(result.output) == [
            "update", "INC-2026-007", "--content", str(content), "--now", T1, "--no-cache", "--", "-5% error rate",
        ]


def test_resolve_and_reopen_say_the_same(tmp_path: Path) -> None:
    content = folder(tmp_path)
    result = run("resolve", "INC-2026-007", "-1 card type still failing", "--content", str(content), "--now", T1,
                 "--no-cache")
    assert result.exit_code == 2, result.output
    assert "'-1 card type still failing' begins with '-'" in result.output
    assert suggested(result.output) == [
        "resolve", "INC-2026-007", "--content", str(content), "--now", T1, "--no-cache", "--",
        "-1 card type still failing",
    ]
    assert run(*suggested(result.output)).exit_code == 0
    assert one(content).updates[-1].body == "-1 card type still failing"
    result = run("reopen", "INC-2026-007", "--> failing again", "--content", str(content), "--now", T1)
    assert result.exit_code == 2, result.output
    assert "'--> failing again' begins with '-'" in result.output
    assert suggested(result.output)[-2:] == ["--", "--> failing again"]


def test_a_mistyped_option_keeps_clicks_own_error(tmp_path: Path) -> None:
    content = folder(tmp_path)
    for typo, expected in (("--stauts", "Error: No such option '--stauts'. Did you mean '--status'?"),
                           ("-s", "Error: No such option '-s'.")):
        result = run("update", "INC-2026-007", typo, "identified", "x", "--content", str(content), "--now", T1)
        assert result.exit_code == 2, result.output
        assert result.output.strip().endswith(expected), result.output


def test_an_option_value_may_begin_with_a_dash_as_it_is(tmp_path: Path) -> None:
    content = folder(tmp_path)
    result = run("update", "INC-2026-007", "--internal", "-5% error rate", "--content", str(content), "--now", T1,
                 "--no-cache")
    assert result.exit_code == 0, result.output
    assert one(content).timeline[-1].text == "-5% error rate"


def test_the_installed_command_line_says_it_too(tmp_path: Path) -> None:
    # Through a real process and argv, as a responder's shell passes it.
    content = folder(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "generator", "update", "INC-2026-007", "-5% error rate", "--content",
               str(content), "--now", T1, "--no-cache"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.strip().splitlines()[-1] == (
        f"  statuspress update INC-2026-007 --content {content} --now {T1} --no-cache -- '-5% error rate'"
    )
