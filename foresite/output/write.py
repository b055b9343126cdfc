"""The write stage: the only code that touches the output folder.

A full build writes into a fresh staging folder beside the output and swaps
it in at once, so a reader (or a killed build) only ever sees a whole site.
The preview writes in place, and only the files whose bytes changed.

An output folder is replaced whole, so foresite must know it is its own:
every site it writes holds `MARKER`, and a folder that is neither new,
empty, marked nor an older version's site is refused (`claimed_output`),
as is an output that holds the content or lies in it. One process at a
time writes an output folder: it holds a lock on a file beside it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import secrets
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TypeVar

if sys.platform != "win32":  # Windows has no advisory locks: builds are not kept apart there
    import fcntl

from foresite.core.errors import Problem, error

T = TypeVar("T")

_RENAME_EXCHANGE = 2  # from linux/fs.h


MARKER = ".foresite"
"""The file that says a folder is foresite's output, which a build may replace whole."""
MARKER_TEXT = b"This folder is a site written by foresite. Each build replaces all of it: keep nothing else here.\n"
OLD_SITE = ("index.html", "static/site.js")
"""Files that show a folder is the site of a foresite older than `MARKER`:
accepted once, and marked by the build that replaces it."""


class UnsafePathError(ValueError):
    """A page path that would land outside the output folder."""


class OutputRefused(Exception):
    """The output folder is not foresite's to write, or another build is writing it."""


def target_path(root: Path, relpath: str) -> Path:
    """`root/relpath`, refusing anything that could escape `root`."""
    pure = PurePosixPath(relpath)
    if (
        not pure.parts  # '' or '.': the folder itself
        or pure.is_absolute()
        or "\\" in relpath
        or "\x00" in relpath
        or ":" in relpath  # a drive ('C:') or a stream ('a:b') on Windows
        or any(part in ("..", ".", "") for part in relpath.split("/")[:-1])
        or ".." in pure.parts
    ):
        raise UnsafePathError(f"refusing to write outside the output folder: {relpath!r}")
    return root.joinpath(*pure.parts)


def write_file(root: Path, relpath: str, data: bytes, *, only_if_changed: bool) -> bool:
    """Write `data` to `root/relpath`; False when the file already held it."""
    path = target_path(root, relpath)
    if only_if_changed:
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return False
        except FileNotFoundError:
            pass
        _make_parent(path)
        # In place, a reader must never see half a file: write aside, rename.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        _write_bytes(os.fspath(temporary), data)
        os.replace(temporary, path)
    else:
        _make_parent(path)
        _write_bytes(os.fspath(path), data)
    return True


def _make_parent(path: Path) -> None:
    # A full build writes each page into a folder of its own: one mkdir, then
    # makedirs only when the folder above is missing too.
    try:
        os.mkdir(path.parent)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(path.parent, exist_ok=True)


def _write_bytes(path: str, data: bytes) -> None:
    # os calls, not Path.write_bytes: a third less time per page at 70,000 pages.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def drop_collisions(items: Iterable[tuple[str, str, T]]) -> tuple[list[T], list[Problem]]:
    """Of (output path, source, item), the items that each have a file to
    themselves, even on a case-insensitive disk, and an error per item left
    out naming the source that has the file already."""
    seen: dict[str, str] = {}
    kept: list[T] = []
    problems = []
    for relpath, source, item in items:
        key = relpath.casefold()
        if key in seen:
            problems.append(error(source.rsplit(":", 1)[0] if ":" in source else source, _line(source),
                                  f"would write {relpath}, which {seen[key]} writes already; left out"))
        else:
            seen[key] = source
            kept.append(item)
    return kept, problems


def _line(source: str) -> int:
    tail = source.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 1


def new_staging(output: Path) -> Path:
    """A fresh, empty folder beside `output`, on the same file system."""
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.parent / f".{output.name}.build-{secrets.token_hex(4)}"
    staging.mkdir()
    return staging


def publish(staging: Path, output: Path) -> None:
    """Make `staging` the output folder in one step, then drop the old one."""
    mark(staging)
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)
        return
    # No atomic exchange on this system: two renames, a moment apart.
    retired = output.parent / f".{output.name}.old-{secrets.token_hex(4)}"
    os.rename(output, retired)
    os.rename(staging, output)
    shutil.rmtree(retired, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2; False elsewhere."""
    library = ctypes.util.find_library("c")
    if not library or not hasattr(os, "fsencode"):
        return False
    libc = ctypes.CDLL(library, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result: int = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def sweep_stale(output: Path) -> None:
    """Remove staging folders that killed builds left beside the output."""
    retired = sorted(output.parent.glob(f".{output.name}.old-*"))
    if retired and not output.exists():
        # Killed between publish's two renames (no atomic exchange here):
        # the retired folder is the last whole site; put it back.
        os.rename(retired[0], output)
    for leftover in output.parent.glob(f".{output.name}.build-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in output.parent.glob(f".{output.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def copy_files(files: Mapping[str, Path], root: Path, prefix: str, *, only_if_changed: bool) -> int:
    """Copy each file to `root/prefix<name>`, by name; returns files written."""
    written = 0
    for name, path in files.items():
        written += write_file(root, f"{prefix}{name}", path.read_bytes(), only_if_changed=only_if_changed)
    return written


def remove_files(root: Path, relpaths: Iterable[str]) -> None:
    """Delete pages that no longer exist, and folders left empty."""
    for relpath in relpaths:
        path = target_path(root, relpath)
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != root:
            # rmdir refuses a folder that is not empty: no listing of one
            # that holds thousands (signals/), which took 10 ms each.
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


# ---------------------------------------------------------------- the output folder's owner


@contextmanager
def claimed_output(output: Path, content: Path) -> Iterator[None]:
    """The output folder, for this process alone until the block ends.

    Refused (OutputRefused, saying why) when it is the content folder, lies
    in it or holds it, when it is a folder foresite did not write, or when
    another foresite process is writing it: each would end with files lost
    or a site mixed from two builds."""
    refuse_overlap(output, content)
    with _output_lock(output):
        refuse_foreign(output)
        yield


def mark(folder: Path) -> None:
    """Say that `folder` is foresite's output (see `refuse_foreign`)."""
    write_file(folder, MARKER, MARKER_TEXT, only_if_changed=True)


def refuse_overlap(output: Path, content: Path) -> None:
    """Refuse an output that would replace or hold the articles."""
    written, read = output.resolve(), content.resolve()
    if written == read:
        raise OutputRefused(f"the output folder {output} is the content folder: a build replaces its output "
                            f"whole; choose another --output")
    if written.is_relative_to(read):
        raise OutputRefused(f"the output folder {output} is inside the content folder {content}; "
                            f"choose an --output outside it")
    if read.is_relative_to(written):
        raise OutputRefused(f"the content folder {content} is inside the output folder {output}, which a build "
                            f"replaces whole; choose another --output")


def refuse_foreign(output: Path) -> None:
    """Refuse an output folder that holds files and is not foresite's: not
    marked, and not the site of an older foresite either (`OLD_SITE`)."""
    if output.is_symlink():
        raise OutputRefused(f"the output folder {output} is a symbolic link (to {os.readlink(output)}); "
                            f"a build replaces the link, not what it points to: give the folder itself as --output")
    if not output.exists():
        return
    if not output.is_dir():
        raise OutputRefused(f"the output {output} is a file, not a folder; choose another --output")
    try:
        names = sorted(os.listdir(output))
    except OSError as exc:
        raise OutputRefused(f"cannot read the output folder {output}: {exc.strerror or exc}") from exc
    if not names or MARKER in names or all((output / name).is_file() for name in OLD_SITE):
        return
    shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    raise OutputRefused(f"{output} holds files foresite did not write ({shown}), and a build replaces "
                        f"everything in its output folder; choose a new or empty folder with --output, "
                        f"or empty this one yourself")


def remove_links(folder: Path) -> list[str]:
    """Delete every symbolic link under `folder` (foresite makes none), so
    that writing in place never follows one out of it; returns their paths."""
    removed = []
    for parent, folders, files in os.walk(folder):  # links to folders are listed, never entered
        for name in sorted([*folders, *files]):
            path = os.path.join(parent, name)
            if os.path.islink(path):
                os.unlink(path)
                removed.append(os.path.relpath(path, folder))
    return removed


def lock_path(output: Path) -> Path:
    return output.parent / f".{output.name}.lock"


@contextmanager
def _output_lock(output: Path) -> Iterator[None]:
    """A lock on a file beside `output`, held until the block ends, with
    this process's id in it for whoever is refused."""
    if sys.platform == "win32":
        yield
        return
    path = lock_path(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd = _locked_file(path, output)
    except OSError as exc:
        raise OutputRefused(f"cannot lock the output folder {output} ({path}): {exc.strerror or exc}") from exc
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield
    finally:
        # Removed while still held: a process waiting on this very file
        # then sees it is gone and locks the next one (`_locked_file`).
        path.unlink(missing_ok=True)
        os.close(fd)


def _locked_file(path: Path, output: Path) -> int:
    """An open, locked descriptor of `path`; OutputRefused naming the
    process that holds it already."""
    if sys.platform == "win32":
        raise OSError("no advisory locks on Windows")
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            who = f"pid {holder}" if holder.isdigit() else "pid not known yet"
            raise OutputRefused(f"another foresite build ({who}) is writing {output}; wait until it ends, "
                                f"or give this one another --output") from None
        except BaseException:
            os.close(fd)
            raise
        try:
            held, named = os.fstat(fd), os.stat(path, follow_symlinks=False)
            if (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the file its last holder removed: lock the one there now
