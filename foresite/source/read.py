"""The reading stage: the only code that touches the content folder.

Content is untrusted, and so is the folder's shape: no symbolic link is
followed (a link to `../.env` would publish a secret), nothing but a regular
file is read (a FIFO would block, `/proc/self/mem` would fail), and no file is
read past the size limit plus one byte, whatever size it claims.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from foresite.core.errors import Problem, error, warning

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Larger files are left out; reading stops one byte past this."""


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


def list_sources(content: Path) -> list[Path]:
    """Every `*.md` below `content`, in a stable order; hidden files skipped.

    Links and special files named `*.md` are listed too, so that reading
    them says why they are left out; linked folders are not entered."""
    return walk_content(content)[0]


def walk_content(content: Path) -> tuple[list[Path], list[Path]]:
    """`list_sources`, and the links to folders that were not entered."""
    found: list[Path] = []
    linked: list[Path] = []
    pending = [content]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # a folder that vanished or cannot be listed holds nothing to build
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                pending.append(path)
            elif entry.name.endswith(".md"):
                found.append(path)
            elif entry.is_symlink() and entry.is_dir():
                linked.append(path)

    def order(path: Path) -> str:
        return path.relative_to(content).as_posix()

    return sorted(found, key=order), sorted(linked, key=order)


def linked_folder_problem(path: Path) -> Problem:
    return warning(display_path(path), 1, "a link to a folder: links are not followed, so nothing in it is built")


def is_source(content: Path, path: Path) -> bool:
    """Whether `list_sources(content)` would list `path`, were it a file."""
    try:
        relative = path.absolute().relative_to(content.absolute())
    except ValueError:  # outside the content folder
        return False
    return path.name.endswith(".md") and not _is_hidden(relative)


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


class UnreadableSource(OSError):
    """A listed path that is not a regular file of its own: a link or a special file."""


def read_source(path: Path) -> SourceFile:
    """The file's first MAX_FILE_BYTES + 1 bytes; OSError when it cannot be
    read, UnreadableSource when it must not be."""
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
        data = _read_at_most(file, MAX_FILE_BYTES + 1)
    return SourceFile(
        path=display_path(path),
        article_id=path.stem,
        data=data,
        stamp=(status.st_mtime_ns, status.st_size),
    )


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
