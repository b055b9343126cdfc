"""The process machinery of the build: forked workers, a process working
alongside, death with the parent, collector pauses and a frozen heap.

The stages never see any of it: the pipeline hands work to a `Workers` value
and gets results back in order. Work is forked, never pickled: a forked
process starts with its parent's memory, so the function and its items
(the whole site's model) reach it for free; only results travel back.
Each trick here is kept for a figure measured at 3,000 articles by
bench/tricks.py (docs/performance.md), written beside it; the ones that
measured no gain (freezing the heap for a build, collecting and
returning freed memory with malloc_trim) were dropped.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from typing import Generic, Protocol, Self, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class StopFlag(Protocol):
    """A boolean in memory shared with forked processes (`stop_flag`)."""

    value: bool

PARALLEL_THRESHOLD = 400
"""Below this many items, starting worker processes costs more than it saves."""

CHUNK = 128
"""Most items a process takes at once: small enough that no process is left
working alone at the end for long (128 pages render in about 60 ms)."""


@dataclass(frozen=True)
class Workers:
    """Up to `count` processes, this one included, for work given to `map`."""

    count: int
    niceness: int = 0
    """Taken by the forked processes: the preview's background work yields
    the processors to a save being shown."""

    @property
    def parallel(self) -> bool:
        return self.count > 1 and can_fork()

    def map(
        self,
        function: Callable[[Item], Result],
        items: Sequence[Item],
        *,
        min_items: int = PARALLEL_THRESHOLD,
        alongside: Callable[[], None] | None = None,
    ) -> list[Result]:
        """`function` over `items`, in order, spread over the processes when
        there are `min_items` at least (a few large jobs are worth it too);
        `alongside` is run once by this process before it takes its share.

        This process is one of the workers: a forked worker starts with its
        parent's resident memory (all of the site's model), so one worker
        fewer is that much less memory."""
        found = self._share(function, items, min_items, alongside, None)
        return [found[i] for i in range(len(items))]

    def map_until(
        self, function: Callable[[Item], Result], items: Sequence[Item], stop: StopFlag, *, min_items: int = 2
    ) -> dict[int, Result]:
        """`function` over `items` as `map` does it, until `stop` is set: the
        results of the items done by then, by index. Every process looks at
        the flag before it takes more items (a few dozen at most), so that
        one large map can give way within a fraction of a second (the
        preview renders every page so, and lets a save in)."""
        return self._share(function, items, min_items, None, stop)

    def _share(
        self, function: Callable[[Item], Result], items: Sequence[Item], min_items: int,
        alongside: Callable[[], None] | None, stop: StopFlag | None,
    ) -> dict[int, Result]:
        if not self.parallel or len(items) < max(2, min_items):
            done = {}
            for i, item in enumerate(items):
                if stop is not None and stop.value:
                    break
                done[i] = function(item)
            if alongside:
                alongside()
            return done
        context = multiprocessing.get_context("fork")
        # Taken in chunks by whoever is free: jobs of unequal size balance.
        size = max(1, min(CHUNK, len(items) // (self.count * 8)))
        job = _Job(function, items, context.Value("i", 0), size, stop)
        helpers = [_Forked.start(partial(_at_niceness, self.niceness, job.share), context) for _ in range(self.count - 1)]
        try:
            if alongside:
                alongside()
            found = dict(job.share())
            for helper in helpers:
                found.update(helper.result())
        finally:
            for helper in helpers:
                helper.stop()
        return found


def _at_niceness(niceness: int, function: Callable[[], Result]) -> Result:
    if niceness > 0:
        os.nice(niceness)
    return function()


def stop_flag() -> StopFlag:
    """A flag that processes forked after it is made all see: set in one, seen in every other."""
    return multiprocessing.RawValue(ctypes.c_bool, False)


SERIAL = Workers(1)
"""This process alone."""


@dataclass(frozen=True)
class _Job(Generic[Item, Result]):
    """One `Workers.map`: every process takes the next chunk until none is left."""

    function: Callable[[Item], Result]
    items: Sequence[Item]
    next_start: Synchronized[int]
    size: int
    stop: StopFlag | None = None

    def share(self) -> list[tuple[int, Result]]:
        """(index, result) of every chunk this process took."""
        done: list[tuple[int, Result]] = []
        while True:
            if self.stop is not None and self.stop.value:
                return done
            with self.next_start.get_lock():
                start = self.next_start.value
                self.next_start.value = start + self.size
            if start >= len(self.items):
                return done
            done.extend((i, self.function(self.items[i])) for i in range(start, min(start + self.size, len(self.items))))


class _Forked(Generic[Result]):
    """A forked process computing one value and sending it back, or what
    stopped it. No pool: a pool's threads would be in every later fork."""

    def __init__(self, process: multiprocessing.process.BaseProcess, answer: Connection) -> None:
        self._process: multiprocessing.process.BaseProcess | None = process
        self._answer = answer

    @classmethod
    def start(cls, function: Callable[[], Result], context: multiprocessing.context.ForkContext) -> _Forked[Result]:
        answer, reply = context.Pipe(duplex=False)
        process = context.Process(target=_run_forked, args=(function, reply, os.getpid()), daemon=True)
        process.start()
        reply.close()
        return cls(process, answer)

    def result(self) -> Result:
        """The value, once the process has sent it; raises what stopped it."""
        assert self._process is not None
        try:
            failed, value = self._answer.recv()
        except EOFError:
            failed, value = True, RuntimeError(f"a worker process ended with code {self._process.exitcode}")
        self._process.join()
        self._process = None
        self._answer.close()
        if failed:
            raise value
        return value  # type: ignore[no-any-return]  # what _run_forked sent: the function's result

    def stop(self) -> None:
        """End the process if its result was not taken (the build failed)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._process = None
            self._answer.close()


def _run_forked(function: Callable[[], object], reply: Connection, parent: int) -> None:
    die_with_parent(parent)
    try:
        outcome: tuple[bool, object] = (False, function())
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which raises it
        outcome = (True, exc)
    try:
        reply.send(outcome)
    except (TypeError, AttributeError, ValueError) as exc:  # an exception that cannot be pickled
        reply.send((True, RuntimeError(f"a worker process failed: {outcome[1]!r} ({exc})")))


class Aside:
    """Work done by a forked process of its own while this one goes on;
    `wait` returns once it is done, or raises what stopped it. The build
    renders its index pages so while trends are found; measured at 3,000
    articles without search, two rounds: 56.7 and 62.5 s with it, 57.8 and
    68.4 s without (a core otherwise idle through the index stage)."""

    def __init__(self) -> None:
        self._forked: _Forked[object] | None = None

    def start(self, work: Callable[[], object]) -> None:
        def run() -> object:
            # Forked while the collector was paused: what exists is frozen,
            # so that the work, which makes cycles, collects only its own garbage.
            gc.freeze()
            gc.enable()
            return work()

        self._forked = _Forked.start(run, multiprocessing.get_context("fork"))

    def wait(self) -> None:
        if self._forked is not None:
            forked, self._forked = self._forked, None
            forked.result()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._forked is not None:  # not waited for: the build failed
            self._forked.stop()


@contextmanager
def collection_paused() -> Iterator[None]:
    """The cyclic collector off for a while. Parsing and planning make
    millions of small objects and no cycles: a running collector would
    rescan the growing model over and over. Measured at 3,000 articles
    (bench/tricks.py and the stage times, 2026-12-06): the index stage takes
    14.1-14.6 s with the pause, 20.5-23.8 s without; parsing 0.3 s less."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze_heap() -> None:
    """What exists now out of the collector's sight for good: the preview
    holds its model for hours, and every full collection would otherwise
    walk all of it. (A build lets its model go within a minute: frozen
    there, it measured no gain, 88.0 s and 825 MB PSS unfrozen against
    89.0 s and 822 MB, so a build does not freeze.)"""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this forked process when `parent` dies
    (PR_SET_PDEATHSIG); elsewhere, nothing. A build killed outright must not
    leave its helpers working, or writing into a staging folder that the
    next build sweeps away. Linux counts the thread that forked as the
    parent: each helper here ends within the call that forked it."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before this process could ask
        os._exit(1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
