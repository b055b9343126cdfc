"""What every command shares: the project's folders and the options that name them."""

from __future__ import annotations

import argparse
from pathlib import Path

from foresite.build.pipeline import Project
from foresite.core.errors import SettingsError


def project_paths(root: Path, content: str | None, output: str | None) -> Project:
    return Project(
        content=Path(content) if content else root / "content",
        templates=root / "templates",
        static=root / "static",
        output=Path(output) if output else root / "site",
    )


def add_common_options(parser: argparse.ArgumentParser, output_default: str = "site/") -> None:
    parser.add_argument("--content", metavar="DIR", help="folder of articles (default: content/)")
    parser.add_argument("--output", metavar="DIR", help=f"folder to write the site to (default: {output_default})")
    parser.add_argument("--base-url", metavar="URL", help="absolute URL the site is published at, e.g. https://user.github.io/repo/ (default: relative links that work from any path)")
    parser.add_argument("--root", metavar="DIR", default=".", help="project folder holding site.yml, templates/ and static/ (default: .)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary line")


def check_project(project: Project) -> None:
    for name, path in (("content", project.content), ("templates", project.templates), ("static", project.static)):
        if not path.is_dir():
            raise SettingsError(f"{name} folder {path} does not exist")
