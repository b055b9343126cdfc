"""Run a command and measure its wall time and the peak memory of its whole process tree.

A build may fork workers (Hugo does not, Pagefind and a Python pool may), so the figure that
matters is the sum of resident memory over every live process of the tree at one moment,
sampled every ~20 ms. The kernel's own high-water mark of the top process (from wait4) is
kept too: it catches a spike shorter than the sampling interval in a single-process tool.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_INTERVAL = 0.02

SETTLE_SECONDS = 10.0
"""Quiet time before a measured command, once the files earlier steps wrote
are flushed: each side of the comparison starts on an idle disk."""

AFTER_DELETING_SECONDS = 330.0
"""Wait after deleting earlier outputs. For five minutes after an inode is
freed, ext4 will not hand it out again, and checks every candidate it skips
(`recently_deleted` in fs/ext4/ialloc.c): measured here, a build started
right after deleting the previous 200,000-file site spent 36 s of kernel time
creating files, against 8-10 s on a disk with no recent deletions. The
benchmark deletes nothing between measured steps, and waits this long after
clearing what an earlier run left."""
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measurement:
    seconds: float
    """Wall time from start to exit of the top process."""
    peak_rss_bytes: int
    """The larger of the sampled tree peak and the top process's kernel high-water mark."""
    returncode: int
    """As subprocess reports it: negative for a signal."""
    stdout: str
    stderr: str
    sampled_peak_rss_bytes: int = 0
    """Peak of the summed RSS of the process tree, over the samples."""
    kernel_maxrss_bytes: int = 0
    """ru_maxrss of the top process (and its waited-for children, whichever was largest)."""
    samples: int = 0
    cpu_seconds: float = 0.0
    """User + system CPU time of the tree (as reaped): steadier than wall time on a busy box."""
    sampled_peak_pss_bytes: int = 0
    """Peak of the summed PSS of the tree: a page that forked processes still
    share counts once, so this, unlike RSS, shows what copy-on-write copies."""


def parent_map() -> dict[int, list[int]]:
    """Children of every live process, from the ppid field of /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_bytes()
        except OSError:  # the process exited between the listing and the read
            continue
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        fields = raw[raw.rindex(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def process_tree(root: int) -> list[int]:
    children = parent_map()
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, ()))
    return tree


def rss_bytes(pid: int) -> int:
    try:
        # statm's second field is resident pages; cheaper to read than status.
        return int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_bytes(root: int) -> int:
    return sum(rss_bytes(pid) for pid in process_tree(root))


def pss_bytes(pid: int) -> int:
    """Proportional set size: each shared page divided among its sharers."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


@dataclass(frozen=True)
class Exit:
    status: int
    sampled_peak: int
    usage: resource.struct_rusage
    samples: int
    sampled_peak_pss: int = 0


def wait_sampling(pid: int) -> Exit:
    """Sample the tree's memory until pid exits."""
    peak = peak_pss = samples = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return Exit(status, peak, usage, samples, peak_pss)
        tree = process_tree(pid)
        peak = max(peak, sum(rss_bytes(each) for each in tree))
        peak_pss = max(peak_pss, sum(pss_bytes(each) for each in tree))
        samples += 1
        time.sleep(SAMPLE_INTERVAL)


def settle(seconds: float = SETTLE_SECONDS) -> None:
    """Flush written files to disk, then wait for the disk to finish what
    earlier steps (deleting a site, writing one) left it to do."""
    os.sync()
    time.sleep(seconds)


def run_measured(cmd: Sequence[str], cwd: str | os.PathLike[str] | None = None,
                 env: Mapping[str, str] | None = None) -> Measurement:
    """Run cmd to completion, after `settle`, measuring wall time and peak tree RSS."""
    settle()
    # Temporary files rather than pipes: a chatty tool can never block on a full pipe, and
    # no reader thread competes with the sampler.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=None if env is None else dict(env),
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        end = wait_sampling(proc.pid)
        seconds = time.perf_counter() - start
        # We reaped the child ourselves; tell Popen so it does not wait on it again.
        proc.returncode = os.waitstatus_to_exitcode(end.status)
        kernel = end.usage.ru_maxrss * 1024  # Linux reports kilobytes
        out.seek(0)
        err.seek(0)
        return Measurement(
            seconds=seconds, peak_rss_bytes=max(end.sampled_peak, kernel),
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            sampled_peak_rss_bytes=end.sampled_peak, kernel_maxrss_bytes=kernel,
            samples=end.samples, cpu_seconds=end.usage.ru_utime + end.usage.ru_stime,
            sampled_peak_pss_bytes=end.sampled_peak_pss)


def dir_size(path: str | os.PathLike[str]) -> tuple[int, int]:
    """(apparent bytes, file count) of the regular files under path; links not followed."""
    total = count = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
                count += 1
    return total, count


if __name__ == "__main__":
    import sys

    m = run_measured(sys.argv[1:])
    print(f"{m.seconds:.3f} s, peak RSS {m.peak_rss_bytes / 2**20:.1f} MiB "
          f"(sampled {m.sampled_peak_rss_bytes / 2**20:.1f}, kernel "
          f"{m.kernel_maxrss_bytes / 2**20:.1f}), {m.cpu_seconds:.2f} s CPU, {m.samples} samples, "
          f"rc {m.returncode}")
