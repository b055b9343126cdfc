"""The watcher: a small process of its own that looks at the watched files
at every poll and tells the preview which ones changed.

Why a process and not a thread: the preview plans a whole rebuild in
Python for tens of seconds at a time. A scan in a thread beside it stats
every file, and each stat gives the interpreter lock away and must wait
for the planning thread's switch interval to get it back: at 3,000
articles a save waited 30 s to be seen. A process of its own has its own
interpreter lock, and the preview waits for one line per batch of
changes, which costs it nothing.

    python -m foresite.preview.watcher POLL_SECONDS PARENT_PID PATH...

prints `ready` once it has looked at every file (a save after that is
seen), then one JSON list of changed paths per poll that found any. It
ends when the parent process is gone or stops reading.

May import: nothing of foresite's: it starts in a process of its own,
and small.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

Stamp = tuple[int, int]
"""(mtime in ns, size) of a file: what tells a save."""


def scan(paths: Sequence[Path]) -> dict[str, Stamp]:
    """(mtime, size) of every visible file under `paths`."""
    stamps: dict[str, Stamp] = {}
    for path in paths:
        if path.is_file():
            stat = path.stat()
            stamps[str(path)] = (stat.st_mtime_ns, stat.st_size)
        elif path.is_dir():
            _scan_folder(str(path), stamps)
    return stamps


def _scan_folder(folder: str, stamps: dict[str, Stamp]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:  # removed while we looked
        return
    for entry in entries:
        # Editors' swap and backup files change on every keystroke.
        if entry.name.startswith(".") or entry.name.endswith("~"):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan_folder(entry.path, stamps)
            elif entry.is_symlink() and entry.is_dir():
                continue  # never walked: two links to their folders would be walked 2^40 times
            else:
                stat = entry.stat()
                stamps[entry.path] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            continue


def look(paths: Sequence[Path], seen: dict[str, Stamp], scan_once: Callable[[Sequence[Path]], dict[str, Stamp]] = scan) -> dict[str, Stamp]:
    """The files now, looked at twice when a file seen before is gone."""
    now = scan_once(paths)
    if seen.keys() - now.keys():
        # A file renamed while its folder was listed can be missing under both
        # names (a listing follows the names' hashes, not their order): the
        # preview then took the rename for a deletion, wrote the pages of the
        # trends it left, and showed the new page a poll later (2.5 s at
        # 10,000 articles). A second look finds the new name, in the same report.
        now = scan_once(paths)
    return now


def changed_between(before: dict[str, Stamp], now: dict[str, Stamp]) -> list[str]:
    """Paths added, removed or changed, sorted."""
    return sorted(path for path in before.keys() | now.keys() if before.get(path) != now.get(path))


class Watcher:
    """The watching process, started at once; `changes` yields what it finds."""

    def __init__(self, paths: Sequence[Path], poll_seconds: float) -> None:
        package_parent = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")])))
        command = [sys.executable, "-m", "foresite.preview.watcher", str(poll_seconds), str(os.getpid()), *map(str, paths)]
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=env)
        assert self._process.stdout is not None
        self._out = self._process.stdout.fileno()
        if self._process.stdout.readline() != b"ready\n":  # the files as they were before the first build
            self.close()
            self._process.stdout.close()
            raise RuntimeError("the file watcher did not start")

    def changes(self) -> Iterator[frozenset[Path]]:
        """The files changed, a batch at a time: all that the watcher reported
        while the last batch was handled come as one. Ends when it is closed."""
        pending = b""
        assert self._process.stdout is not None
        with self._process.stdout:
            while chunk := os.read(self._out, 1 << 16):  # waits with the interpreter lock given away
                *lines, pending = (pending + chunk).split(b"\n")
                paths = {path for line in lines if line for path in json.loads(line)}
                if paths:
                    yield frozenset(Path(path) for path in paths)

    def close(self) -> None:
        """End the watching process; `changes` then ends too."""
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(10)


def watch(paths: Sequence[Path], poll_seconds: float, parent: int) -> None:
    seen = scan(paths)
    print("ready", flush=True)
    while os.getppid() == parent:
        time.sleep(poll_seconds)
        now = look(paths, seen)
        if now != seen:
            changed, seen = changed_between(seen, now), now
            print(json.dumps(changed), flush=True)


if __name__ == "__main__":
    try:
        watch([Path(path) for path in sys.argv[3:]], float(sys.argv[1]), int(sys.argv[2]))
    except (BrokenPipeError, KeyboardInterrupt):  # the preview stopped
        os._exit(0)  # not through the interpreter's exit, which would flush into the closed pipe again
