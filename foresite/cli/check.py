"""`check`: every problem of the content and the templates, found the way a
build finds them, with nothing written.

The parser and the index own the content's messages, the theme the
templates'; this module runs them over every file, drafts included, renders
each template for a page of the content, and reports everything in one list
ordered by file and line.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from foresite.build.processes import SERIAL
from foresite.build.stages import move_in, parse_sources, plan, read_sources
from foresite.core.config import Settings
from foresite.core.errors import Problem, Reported, in_report_order
from foresite.pages.plan import Page
from foresite.render.renderer import Renderer, asset_versions
from foresite.render.theme import TemplateFailure, Theme


@dataclass(frozen=True)
class CheckReport(Reported):
    files: int
    problems: tuple[Problem, ...]
    """Ordered by file, line and message."""

    def summary(self) -> str:
        problem_files = len({p.path for p in self.problems})
        return (
            f"checked {self.files} files: {len(self.errors)} errors, {len(self.warnings)} warnings"
            f" in {problem_files} files"
        )


def check_content(content: Path, settings: Settings, today: datetime.date, theme: Theme | None = None) -> CheckReport:
    """Read and parse every file of `content` as a build would, index the
    published articles, plan their pages, hand-written pages and redirects
    and, given a theme, render each of its templates for one of them."""
    sources = read_sources(content, settings)
    parsed = parse_sources(sources.articles, today, settings.language, SERIAL)
    moved, articles, found = move_in(content, sources, parsed.articles, settings)
    _index, pages, across = plan(articles, settings, moved, today)
    templates = check_templates(theme, settings, pages) if theme is not None else []
    problems = {*sources.problems, *parsed.problems, *found, *across, *templates}
    return CheckReport(files=len(sources.files.articles) + len(sources.files.pages), problems=in_report_order(problems))


def check_templates(theme: Theme, settings: Settings, pages: Sequence[Page]) -> list[Problem]:
    try:
        renderer = Renderer(theme, settings, asset_versions(theme))
    except TemplateFailure as failure:  # a template of macros does not load
        return list(failure.problems)
    return renderer.check_templates(pages)
