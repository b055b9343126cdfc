"""The reading stage: the only code that touches the content folder.

The content folder holds articles (`*.md`), hand-written pages (the `*.md`
that `pages:` in site.yml matches) and the files beside them that are
published as they are (images, documents); `exclude:` patterns are not
read at all. Patterns are globs relative to the content folder: `*` and `?`
stay within one folder, `**` spans any number of them.

Content is untrusted, and so is the folder's shape: no symbolic link is
followed (a link to `../.env` would publish a secret), nothing but a regular
file is read (a FIFO would block, `/proc/self/mem` would fail), and no file is
read past its size limit plus one byte, whatever size it claims.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from foresite.core.config import Settings
from foresite.core.errors import Problem, error, warning

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Larger articles and pages are left out; reading stops one byte past this."""

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
    """Files left out, each with why, and links to folders, which are not entered."""


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
    stable order; hidden files skipped. `max_bytes` 0 lists no files to publish.

    Links and special files named `*.md` are listed too, so that reading
    them says why they are left out; links to folders are not entered."""
    found = ContentFiles([], [], [])
    pending = [content]
    entries: list[tuple[str, os.DirEntry[str]]] = []
    while pending:
        folder = pending.pop()
        try:
            listed = list(os.scandir(folder))
        except OSError:
            continue  # a folder that vanished or cannot be listed holds nothing to build
        for entry in listed:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            else:
                entries.append((Path(entry.path).relative_to(content).as_posix(), entry))
    for relpath, entry in sorted(entries, key=lambda item: item[0]):
        if selection.is_excluded(relpath):
            continue
        path = Path(entry.path)
        if entry.name.endswith(".md"):
            (found.pages if selection.is_page(relpath) else found.articles).append(path)
        elif entry.is_symlink() and entry.is_dir():
            found.problems.append(linked_folder_problem(path))
        elif max_bytes:
            _sort_file(path, relpath, max_bytes, found)
    return found


def linked_folder_problem(path: Path) -> Problem:
    return warning(display_path(path), 1, "a link to a folder: links are not followed, so nothing in it is built")


def _sort_file(path: Path, relpath: str, max_bytes: int, found: ContentFiles) -> None:
    suffix = path.suffix.lower()
    shown = display_path(path)
    if suffix in ACTIVE_SUFFIXES:
        found.problems.append(warning(
            shown, 1, f"'{path.name}' is not published: a {suffix} file can run scripts on the site's own "
            "pages; convert it to PNG (or PDF) to show it",
        ))
    elif suffix in PUBLISHED_SUFFIXES:
        status = path.lstat()
        if stat.S_ISLNK(status.st_mode):
            # A link could publish any file the build can read.
            found.problems.append(warning(shown, 1, f"'{path.name}' is a symbolic link; not published"))
        elif not stat.S_ISREG(status.st_mode):
            found.problems.append(warning(shown, 1, f"'{path.name}' is {_file_type(status.st_mode)}; not published"))
        elif status.st_size > max_bytes:
            found.problems.append(warning(
                shown, 1, f"'{path.name}' is {status.st_size / 1e6:.1f} MB, over the {max_bytes // 1_000_000} MB limit "
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


class UnreadableSource(OSError):
    """A listed path that is not a regular file of its own: a link or a special file."""


def read_source(path: Path) -> SourceFile:
    """The file's first MAX_FILE_BYTES + 1 bytes; OSError when it cannot be
    read, UnreadableSource when it must not be."""
    data, status = read_bounded(path, MAX_FILE_BYTES + 1)
    return SourceFile(
        path=display_path(path),
        article_id=path.stem,
        data=data,
        stamp=(status.st_mtime_ns, status.st_size),
    )


def read_bounded(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
    """At most `limit` bytes of the regular file at `path` itself (never
    through a link), and its status; UnreadableSource when it is not one."""
    # O_NOFOLLOW: a link swapped in after listing is refused all the same;
    # O_NONBLOCK: opening a FIFO does not wait for a writer.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if path.is_symlink():
        raise UnreadableSource("a symbolic link: links are not followed, so that no file outside the content folder is read")
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb", buffering=0) as file:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableSource(f"not a regular file ({_file_type(status.st_mode)})")
        return _read_at_most(file, limit), status


def _read_at_most(file: object, limit: int) -> bytes:
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = file.read(min(left, 1 << 20))  # type: ignore[attr-defined]
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def read_problem(path: Path, exc: OSError) -> Problem:
    """The located error of a file that could not be read: it alone is left out."""
    if isinstance(exc, UnreadableSource):
        return error(display_path(path), 1, f"{exc}; left out")
    return error(display_path(path), 1, f"cannot read the file: {exc.strerror or exc}")


def read_sources(paths: list[Path]) -> tuple[list[SourceFile], list[Problem]]:
    """Every file that can be read, and a located error for each other one:
    a file that vanishes or turns unreadable after listing costs only itself."""
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            sources.append(read_source(path))
        except OSError as exc:
            problems.append(read_problem(path, exc))
    return sources, problems


def stamp_of(path: Path) -> tuple[int, int]:
    status = path.lstat()
    return (status.st_mtime_ns, status.st_size)
