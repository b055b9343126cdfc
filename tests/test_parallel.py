"""A build large enough to work in parallel renders the index pages aside,
in a process of its own, while the rest is planned: the bytes must be those
of a build in one process, and a failure there, or a kill of the build,
must leave nothing behind."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from foresite.build.processes import PARALLEL_THRESHOLD, StopFlag, Workers, stop_flag
from foresite.render.theme import TemplateFailure

from .conftest import ROOT, build_project, file_hashes

ARTICLES = PARALLEL_THRESHOLD + 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_corpus import make_corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    folder = tmp_path_factory.mktemp("parallel") / "content"
    make_corpus(ARTICLES, folder)
    return folder


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


@pytest.fixture(autouse=True)
def no_child_left() -> None:
    yield
    assert multiprocessing.active_children() == []


def test_pages_rendered_aside_are_the_bytes_of_a_build_in_one_process(corpus: Path, tmp_path: Path) -> None:
    parallel = build_project(corpus, tmp_path / "parallel", search=False, workers=2)
    serial = build_project(corpus, tmp_path / "serial", search=False, workers=1)
    assert parallel.written and serial.written
    assert parallel.pages == serial.pages
    assert parallel.pages["tag"] > 1000, "the index pages are the ones rendered aside"
    first, second = file_hashes(tmp_path / "parallel"), file_hashes(tmp_path / "serial")
    assert first.keys() == second.keys()
    assert [path for path in first if first[path] != second[path]] == []


def test_a_failure_in_the_pages_rendered_aside_is_raised_and_leaves_no_site(corpus: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    # Tag pages are rendered aside; this one fails there, after some are written.
    tag = templates / "tag.html"
    tag.write_text(tag.read_text(encoding="utf-8").replace("{{ ctx.tag.label }}", "{{ ctx.tag.no_such_field }}"), encoding="utf-8")
    output = tmp_path / "site"
    with pytest.raises(TemplateFailure, match="no_such_field"):
        build_project(corpus, output, search=False, templates=templates)
    assert not output.exists()
    assert leftovers(output) == []


def test_a_strict_build_that_fails_stops_the_pages_rendered_aside_and_leaves_no_site(corpus: Path, tmp_path: Path) -> None:
    output = tmp_path / "site"
    report = build_project(corpus, output, search=False, strict=True)
    assert report.problems, "the generated corpus has warnings (dates in the future, dangling links)"
    assert not report.written and report.exit_code == 1
    assert not output.exists()
    assert leftovers(output) == []


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_a_build_killed_outright_takes_its_helper_processes_with_it(corpus: Path, tmp_path: Path) -> None:
    output = tmp_path / "site"
    build_process = subprocess.Popen(
        [sys.executable, "build.py", "--content", str(corpus), "--output", str(output), "--no-search", "-q"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        # Until the tag pages, which only the aside process writes, are being written.
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".site.build-*/keywords/*/index.html")):
            assert build_process.poll() is None and time.monotonic() < deadline, "the build ended first"
            time.sleep(0.005)
        helpers = children_of(build_process.pid)
        assert helpers, "the aside process (and the related items' worker) are children of the build"
    finally:
        build_process.send_signal(signal.SIGKILL)
        build_process.wait()
    # Killed with it, not when done: the rest of its pages would take it longer than this.
    deadline = time.monotonic() + 0.5
    while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in helpers if alive(pid)], "a helper outlived the build"
    assert not output.exists()


def _stopping_at(flag: StopFlag, at: int) -> Callable[[int], int]:
    def square(n: int) -> int:
        if n == at:
            flag.value = True  # as a save waiting would, seen by every process
        return n * n

    return square


@pytest.mark.parametrize("count", [1, 2])
def test_a_map_until_stops_in_every_process_and_returns_what_it_did(count: int) -> None:
    flag = stop_flag()
    items = list(range(20_000))
    done = Workers(count).map_until(_stopping_at(flag, 300), items, flag)
    assert 300 in done and len(done) < len(items) / 2, "every process stopped soon after the flag was set"
    assert all(done[i] == i * i for i in done)
    flag.value = False
    rest = [i for i in items if i not in done]
    again = Workers(count).map_until(_stopping_at(flag, -1), rest, flag)
    assert sorted([*done, *(rest[i] for i in again)]) == items


def _own_niceness(_item: int) -> int:
    time.sleep(0.002)  # long enough for the forked process to take its share
    return os.nice(0)


def test_forked_workers_take_the_niceness_they_are_given() -> None:
    own = os.nice(0)
    found = set(Workers(2, niceness=5).map(_own_niceness, range(400), min_items=2))
    assert found == {own, min(19, own + 5)}, "this process keeps its own; the forked one is lowered"
