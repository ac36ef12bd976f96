"""Problems found in content: every one names its file and line, then the build stops once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the content, printed as `path:line: message`."""

    path: str
    line: int
    message: str
    level: Level = Level.ERROR

    def __str__(self) -> str:
        prefix = "warning: " if self.level is Level.WARNING else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class Problems:
    """Collects problems while content is read, so one run reports all of them."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def error(self, path: str, line: int, message: str) -> None:
        self._items.append(Problem(path, line, message, Level.ERROR))

    def warning(self, path: str, line: int, message: str) -> None:
        self._items.append(Problem(path, line, message, Level.WARNING))

    def extend(self, problems: Iterable[Problem]) -> None:
        self._items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.level is Level.WARNING]

    def sorted(self) -> list[Problem]:
        """Problems by file, then line: the order an editor walks them in."""
        return sorted(self._items, key=lambda p: (p.path, p.line, p.level, p.message))

    def __len__(self) -> int:
        return len(self._items)


class ContentError(Exception):
    """Raised when content has errors: carries every problem found, and what the user can do
    meanwhile (`hint`, printed after them)."""

    def __init__(self, problems: list[Problem], hint: str = "") -> None:
        self.problems = problems
        self.hint = hint
        super().__init__("\n".join(str(p) for p in problems))
