"""Located problems: every message a user sees names `path:line`."""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Level(str, enum.Enum):
    WARNING = "warning"
    ERROR = "error"


# Messages quote what files hold; a newline there could forge another
# 'path:line:' message, and a control character could drive the terminal.
# A lone surrogate (YAML's "\ud800" makes one) cannot be printed at all.
_INVISIBLE = [*range(0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
              *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xD800, 0xE000)]
_VISIBLE = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _INVISIBLE}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located in a file."""

    path: str
    line: int
    level: Level
    message: str

    def __str__(self) -> str:
        return visible(f"{self.path}:{self.line}: {self.level.value}: {self.message}")

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


def warning(path: str, line: int, message: str) -> Problem:
    return Problem(path, line, Level.WARNING, message)


def error(path: str, line: int, message: str) -> Problem:
    return Problem(path, line, Level.ERROR, message)


def visible(text: str) -> str:
    """`text` on one line, with every control or bidirectional character escaped."""
    return text.translate(_VISIBLE)


class SettingsError(Exception):
    """Bad usage or settings: the build cannot start (exit code 2)."""


def suggest(word: str, choices: tuple[str, ...]) -> str:
    """'; did you mean 'x'?' when a choice is close to `word`, else ''."""
    lowered = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean '{lowered[match[0]]}'?" if match else ""


def in_report_order(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """By file, line and message: the order a person reads them in."""
    return tuple(sorted(problems, key=lambda p: (p.path, p.line, p.message)))


class Reported:
    """What a run that reports problems (a build, a check) answers: its errors,
    its warnings, and its exit code. `strict` makes any problem fail it."""

    problems: tuple[Problem, ...]
    strict: bool = False

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors or (self.strict and self.problems) else 0
