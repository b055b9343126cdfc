"""What every command shares: the name it was called by, the project's folders
and the options that name them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from foresite.build.pipeline import Project
from foresite.core.config import Settings
from foresite.core.errors import SettingsError


def program_name(argv0: str | None = None) -> str:
    """The command as it was called, for help and usage lines: `foresite`,
    `python -m foresite` or `python build.py`."""
    path = Path(sys.argv[0] if argv0 is None else argv0)
    if path.name == "__main__.py":
        return "python -m foresite"
    if path.suffix == ".py":
        return f"python {path.name}"
    return path.name or "foresite"


def project_paths(root: Path, content: str | None, output: str | None, settings: Settings) -> Project:
    """The project's folders: --content, or the settings' content folder in
    `root`; the project's own templates/ and static/ over the shipped theme."""
    return Project(
        content=Path(content) if content else root / settings.content,
        templates=root / "templates",
        static=root / "static",
        output=Path(output) if output else root / "site",
    )


def add_common_options(parser: argparse.ArgumentParser, output_default: str = "site/") -> None:
    parser.add_argument("--content", metavar="DIR", help="folder of articles (default: content/, or site.yml's 'content')")
    parser.add_argument("--output", metavar="DIR", help=f"folder to write the site to (default: {output_default})")
    parser.add_argument("--base-url", metavar="URL", help="absolute URL the site is published at, e.g. https://user.github.io/repo/ (default: relative links that work from any path)")
    parser.add_argument("--root", metavar="DIR", default=".", help="project folder holding site.yml, and templates/ and static/ if it overrides the theme (default: .)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary line")


def check_project(project: Project) -> None:
    if not project.content.is_dir():
        raise SettingsError(
            f"content folder {project.content} does not exist: give the folder of articles with --content DIR "
            "(or 'content:' in site.yml; 'init' writes one)"
        )
