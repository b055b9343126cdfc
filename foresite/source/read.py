"""The reading stage: the only code that touches the content folder.

The content folder holds articles (`*.md`), hand-written pages (the `*.md`
that `pages:` in site.yml matches) and the files beside them that are
published as they are (images, documents); `exclude:` patterns are not
read at all. Patterns are globs relative to the content folder: `*` and `?`
stay within one folder, `**` spans any number of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from foresite.core.config import Settings
from foresite.core.errors import Problem, warning

PUBLISHED_SUFFIXES = frozenset((".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".pdf", ".csv", ".txt"))
"""Files beside articles and pages that are published as they are."""

ACTIVE_SUFFIXES = frozenset((".svg", ".svgz", ".html", ".htm", ".xhtml", ".xml", ".js", ".mjs"))
"""Files that could run scripts on the site's own origin: never published."""


@dataclass(frozen=True)
class Selection:
    """Which files of the content folder are what, from site.yml."""

    pages: tuple[str, ...] = ("pages/**",)
    exclude: tuple[str, ...] = ()

    @classmethod
    def of(cls, settings: Settings) -> Selection:
        return cls(settings.pages, settings.exclude)

    def is_excluded(self, relpath: str) -> bool:
        return any(_glob(p).fullmatch(relpath) for p in self.exclude)

    def is_page(self, relpath: str) -> bool:
        return any(_glob(p).fullmatch(relpath) for p in self.pages)


ARTICLES_ONLY = Selection()


@dataclass(frozen=True)
class ContentFiles:
    """The content folder, sorted out."""

    articles: list[Path]
    pages: list[Path]
    published: list[tuple[str, Path]]
    """(path relative to the content folder, file) of files to publish as they are."""
    problems: list[Problem] = field(default_factory=list)
    """Files left out, each with why."""


@functools.lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """A glob pattern as a regular expression over '/'-separated paths."""
    parts = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    folder = pattern.rstrip("/")
    # A folder's name stands for everything in it: 'pages' is 'pages/**'.
    if folder and not any(mark in folder for mark in "*?"):
        return re.compile(re.escape(folder) + "(?:/.*)?", re.DOTALL)
    return re.compile("".join(parts), re.DOTALL)


@dataclass(frozen=True)
class SourceFile:
    path: str
    """As shown in messages: relative to the working directory where possible."""
    article_id: str
    data: bytes
    stamp: tuple[int, int]
    """(mtime_ns, size): unchanged stamp, unchanged file, for the preview's cache."""


def display_path(path: Path) -> str:
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:  # outside the working directory
        return str(absolute)


def list_sources(content: Path, selection: Selection = ARTICLES_ONLY) -> list[Path]:
    """Every article: each `*.md` below `content` that is neither a page nor
    excluded, in a stable order; hidden files skipped."""
    return list_content(content, selection, max_bytes=0).articles


def list_content(content: Path, selection: Selection, max_bytes: int) -> ContentFiles:
    """Articles, pages and files to publish below `content`, each list in a
    stable order; hidden files skipped. `max_bytes` 0 lists no files to publish."""
    found = ContentFiles([], [], [])
    inside = content.resolve()
    for path in sorted(content.rglob("*"), key=lambda p: p.relative_to(content).as_posix()):
        relpath = path.relative_to(content).as_posix()
        if _is_hidden(path.relative_to(content)) or selection.is_excluded(relpath) or not path.is_file():
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            # The build reads nothing outside the content folder.
            found.problems.append(warning(display_path(path), 1, f"'{path.name}' links to a file outside the content folder; not read"))
            continue
        if path.name.endswith(".md"):
            (found.pages if selection.is_page(relpath) else found.articles).append(path)
        elif max_bytes:
            _sort_file(path, relpath, max_bytes, found)
    return found


def _sort_file(path: Path, relpath: str, max_bytes: int, found: ContentFiles) -> None:
    suffix = path.suffix.lower()
    shown = display_path(path)
    if suffix in ACTIVE_SUFFIXES:
        found.problems.append(warning(
            shown, 1, f"'{path.name}' is not published: a {suffix} file can run scripts on the site's own "
            "pages; convert it to PNG (or PDF) to show it",
        ))
    elif suffix in PUBLISHED_SUFFIXES:
        if path.is_symlink():
            # A link could publish any file the build can read.
            found.problems.append(warning(shown, 1, f"'{path.name}' is a symbolic link; not published"))
        elif (size := path.stat().st_size) > max_bytes:
            found.problems.append(warning(
                shown, 1, f"'{path.name}' is {size / 1e6:.1f} MB, over the {max_bytes // 1_000_000} MB limit "
                "(max_file_mb in site.yml); not published",
            ))
        else:
            found.published.append((relpath, path))


def is_source(content: Path, path: Path, selection: Selection = ARTICLES_ONLY) -> bool:
    """Whether `list_sources(content, selection)` would list `path`, were it a file."""
    try:
        relative = path.absolute().relative_to(content.absolute())
    except ValueError:  # outside the content folder
        return False
    relpath = relative.as_posix()
    return (
        path.name.endswith(".md") and not _is_hidden(relative)
        and not selection.is_excluded(relpath) and not selection.is_page(relpath)
    )


def content_relpath(content: Path, path: Path) -> str:
    """`path` relative to the content folder, '/'-separated."""
    return path.relative_to(content).as_posix()


def relpaths(content: Path, paths: Sequence[Path]) -> list[str]:
    return [content_relpath(content, p) for p in paths]


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def read_source(path: Path) -> SourceFile:
    stat = path.stat()
    return SourceFile(
        path=display_path(path),
        article_id=path.stem,
        data=path.read_bytes(),
        stamp=(stat.st_mtime_ns, stat.st_size),
    )


def stamp_of(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)
