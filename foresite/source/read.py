"""The reading stage: the only code that touches the content folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
    """Every `*.md` below `content`, in a stable order; hidden files skipped."""
    found = [p for p in content.rglob("*.md") if p.is_file() and not _is_hidden(p.relative_to(content))]
    return sorted(found, key=lambda p: p.relative_to(content).as_posix())


def is_source(content: Path, path: Path) -> bool:
    """Whether `list_sources(content)` would list `path`, were it a file."""
    try:
        relative = path.absolute().relative_to(content.absolute())
    except ValueError:  # outside the content folder
        return False
    return path.name.endswith(".md") and not _is_hidden(relative)


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
