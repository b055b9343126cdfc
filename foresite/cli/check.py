"""`check`: every problem of the content, found the way a build finds them,
with nothing written.

The parser and the index own the messages; this module runs them over every
file, drafts included, and reports them in one list ordered by file and line.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from foresite.build.pipeline import move_in, parse_all, parse_path, plan_site
from foresite.core.config import Settings
from foresite.core.errors import Problem, error, errors_in, warnings_in
from foresite.source.read import Selection, content_relpath, display_path, list_content, read_source


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
    """Parse every file of `content`, index the published ones, plan their
    pages, hand-written pages and redirects."""
    files = list_content(content, Selection.of(settings), settings.max_file_mb * 1_000_000)
    paths = files.articles
    articles, _drafts, problems = parse_all([parse_path(path, today) for path in paths])
    pages, unread = [], []
    for path in files.pages:
        try:
            pages.append((content_relpath(content, path), read_source(path)))
        except OSError as exc:
            unread.append(error(display_path(path), 1, f"cannot read the file: {exc.strerror or exc}"))
    moved, articles, found = move_in(content, files, pages, articles, settings)
    across = plan_site(articles, settings, moved=moved).problems
    ordered = sorted({*problems, *unread, *found, *across}, key=lambda p: (p.path, p.line, p.message))
    return CheckReport(files=len(paths) + len(files.pages), problems=tuple(ordered))
