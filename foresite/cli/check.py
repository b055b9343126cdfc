"""`check`: every problem of the content, found the way a build finds them,
with nothing written.

The parser and the index own the messages; this module runs them over every
file, drafts included, and reports them in one list ordered by file and line.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from foresite.build.pipeline import parse_all, parse_path, plan
from foresite.core.config import Settings
from foresite.core.errors import Problem, errors_in, warnings_in
from foresite.source.read import linked_folder_problem, walk_content


@dataclass(frozen=True)
class CheckReport:
    files: int
    problems: tuple[Problem, ...]
    """Ordered by file, line and message."""

    @property
    def errors(self) -> tuple[Problem, ...]:
        return errors_in(self.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return warnings_in(self.problems)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def summary(self) -> str:
        problem_files = len({p.path for p in self.problems})
        return (
            f"checked {self.files} files: {len(self.errors)} errors, {len(self.warnings)} warnings"
            f" in {problem_files} files"
        )


def check_content(content: Path, settings: Settings, today: datetime.date) -> CheckReport:
    """Parse every file of `content`, index the published ones, plan their pages."""
    paths, linked = walk_content(content)
    articles, _drafts, problems = parse_all([parse_path(path, today, settings.language) for path in paths])
    problems.extend(map(linked_folder_problem, linked))
    _index, _pages, across = plan(articles, settings)
    ordered = sorted({*problems, *across}, key=lambda p: (p.path, p.line, p.message))
    return CheckReport(files=len(paths), problems=tuple(ordered))
