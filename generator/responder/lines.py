"""Problems in a change, told by the lines of the file the responder has on disk.

A refused change is validated as the text it would write, so its problems carry that text's
line numbers: a field below an added line would be reported one line off, pointing at an
unrelated line of the file on disk. Lines the change keeps are given their line on disk; lines
the change would write are quoted, so the responder sees what the command tried to write (but
never a secret: the line a secret was found in is not quoted, and shapes of secrets as written
are masked in any other).
"""

from __future__ import annotations

import difflib

from ..load.secrets import is_about_a_secret, masked
from ..problems import Problem


def on_disk(problem: Problem, old: str | None, new: str) -> str:
    """`problem` (found in `new`) as `path:line: message` for the file as it is (`old`; None
    when the change creates it)."""
    new_lines = new.splitlines()
    if not 1 <= problem.line <= len(new_lines):
        return str(problem)
    written = masked(new_lines[problem.line - 1].strip())  # a secret is never shown again
    if is_about_a_secret(problem.message):
        written = "not shown, it holds the secret"
    if old is None:
        return f"{problem} (in the line this command would write: {written})"
    index = problem.line - 1
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new_lines, autojunk=False)
    for tag, old_start, _old_end, new_start, new_end in matcher.get_opcodes():
        if new_start <= index < new_end:
            if tag == "equal":
                return str(_at(problem, old_start + index - new_start + 1))
            return f"{_at(problem, old_start + 1)} (in the line this command would write: {written})"
    return str(problem)


def _at(problem: Problem, line: int) -> Problem:
    return Problem(problem.path, line, problem.message, problem.level)
