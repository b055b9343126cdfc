"""The output folder is foresite's alone: one build at a time writes it, a
folder foresite did not write is never emptied, the content is never in it,
Pagefind dies with a killed build, and everything published is readable by
a web server running as another user."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from foresite.output.write import MARKER, MARKER_TEXT, claimed_output, lock_path, remove_files
from tests.hostile.make_hostile import benign_article

from .conftest import ROOT

ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1900000000"}


def write_content(folder: Path, articles: int = 3) -> Path:
    folder.mkdir(parents=True)
    for seed in range(articles):
        (folder / f"article-{seed:03d}.md").write_text(benign_article(seed, rows=3), encoding="utf-8")
    return folder


def run_build(content: Path, output: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build.py", "--content", str(content), "--output", str(output), "--no-search", "-q", *more],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300, check=False,
    )


def refusal(output: Path, names: str) -> str:
    return (f"error: {output} holds files foresite did not write ({names}), and a build replaces everything "
            f"in its output folder; choose a new or empty folder with --output, or empty this one yourself\n")


# ---------------------------------------------------------------- one build at a time


def test_a_build_is_refused_while_another_writes_the_same_output(tmp_path: Path) -> None:
    content, output = write_content(tmp_path / "content"), tmp_path / "site"
    with claimed_output(output, content):
        assert lock_path(output).read_text(encoding="ascii") == f"{os.getpid()}\n"
        completed = run_build(content, output)
    assert completed.returncode == 2
    assert completed.stderr == (
        f"error: another foresite build (pid {os.getpid()}) is writing {output}; wait until it ends, "
        f"or give this one another --output\n"
    )
    assert not output.exists()
    assert not lock_path(output).exists(), "the lock file goes with its holder"
    assert run_build(content, output).returncode == 0  # and the next build may go


def test_two_builds_started_together_leave_one_whole_site(tmp_path: Path) -> None:
    """The second build started while the first runs says which build holds
    the folder; the first publishes a whole site."""
    content, output = write_content(tmp_path / "content", articles=60), tmp_path / "site"
    command = [sys.executable, "build.py", "--content", str(content), "--output", str(output), "--no-search", "-q"]
    first = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not lock_path(output).is_file() or not lock_path(output).read_text(encoding="ascii").strip():
        assert time.monotonic() < deadline and first.poll() is None, "the first build never took the lock"
        time.sleep(0.005)
    second = run_build(content, output)
    _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    assert second.returncode == 2
    assert f"error: another foresite build (pid {first.pid}) is writing {output};" in second.stderr
    assert (output / "index.html").is_file() and (output / "static" / "site.js").is_file()
    assert (output / "data" / "articles.json").is_file() and (output / "feed.xml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]


def test_a_lock_file_left_by_a_killed_build_does_not_block_the_next(tmp_path: Path) -> None:
    content, output = write_content(tmp_path / "content"), tmp_path / "site"
    lock_path(output).write_text("999999999\n", encoding="ascii")  # nobody holds it
    assert run_build(content, output).returncode == 0
    assert (output / "index.html").is_file()
    assert not lock_path(output).exists()


# ---------------------------------------------------------------- folders foresite did not write


def test_a_folder_of_other_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    content, output = write_content(tmp_path / "content"), tmp_path / "mine"
    (output / "photos").mkdir(parents=True)
    (output / "photos" / "cat.jpg").write_bytes(b"\xff\xd8")
    (output / "README.md").write_text("mine", encoding="utf-8")
    (output / "notes.txt").write_text("mine", encoding="utf-8")
    (output / "zebra.txt").write_text("mine", encoding="utf-8")
    completed = run_build(content, output)
    assert completed.returncode == 2
    assert completed.stderr == refusal(output, "README.md, notes.txt, photos, …")
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")) == [
        "README.md", "notes.txt", "photos", "photos/cat.jpg", "zebra.txt"]


def test_a_site_foresite_wrote_is_replaced(tmp_path: Path) -> None:
    content, output = write_content(tmp_path / "content"), tmp_path / "site"
    assert run_build(content, output).returncode == 0
    assert (output / MARKER).read_bytes() == MARKER_TEXT
    (output / "stale.html").write_text("from an earlier build", encoding="utf-8")
    assert run_build(content, output).returncode == 0
    assert not (output / "stale.html").exists()


def test_the_site_of_an_older_foresite_is_accepted_once_and_marked(tmp_path: Path) -> None:
    """Sites built before the marker existed hold index.html and static/site.js."""
    content, output = write_content(tmp_path / "content"), tmp_path / "site"
    assert run_build(content, output).returncode == 0
    (output / MARKER).unlink()
    (output / "old-page.html").write_text("old", encoding="utf-8")
    assert run_build(content, output).returncode == 0
    assert (output / MARKER).read_bytes() == MARKER_TEXT
    assert not (output / "old-page.html").exists()
    # Without static/site.js, it is not a site foresite wrote.
    (output / MARKER).unlink()
    (output / "static" / "site.js").unlink()
    names = sorted(os.listdir(output))
    completed = run_build(content, output)
    assert completed.returncode == 2
    assert completed.stderr == refusal(output, ", ".join(names[:3]) + ", …")


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    content, output = write_content(tmp_path / "content"), tmp_path / "empty"
    output.mkdir()
    assert run_build(content, output).returncode == 0
    assert (output / "index.html").is_file()


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("content", ("error: the output folder {output} is the content folder: a build replaces its output whole; "
                     "choose another --output\n")),
        ("content/site", ("error: the output folder {output} is inside the content folder {content}; "
                          "choose an --output outside it\n")),
        (".", ("error: the content folder {content} is inside the output folder {output}, which a build replaces "
               "whole; choose another --output\n")),
    ],
)
def test_an_output_that_is_holds_or_lies_in_the_content_is_refused(tmp_path: Path, output: str, message: str) -> None:
    content = write_content(tmp_path / "content")
    before = sorted(p.name for p in content.iterdir())
    completed = run_build(content, tmp_path / output)
    assert completed.returncode == 2
    assert completed.stderr == message.format(output=tmp_path / output, content=content)
    assert sorted(p.name for p in content.iterdir()) == before


def test_an_output_that_is_a_link_is_refused(tmp_path: Path) -> None:
    content = write_content(tmp_path / "content")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "site").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    completed = run_build(content, tmp_path / "site")
    assert completed.returncode == 2
    assert completed.stderr == (
        f"error: the output folder {tmp_path / 'site'} is a symbolic link (to {tmp_path / 'elsewhere'}); a build "
        f"replaces the link, not what it points to: give the folder itself as --output\n"
    )


# ---------------------------------------------------------------- modes and Pagefind


def test_every_published_file_is_world_readable(tmp_path: Path) -> None:
    """The search bundles were published with mkdtemp's 0700: a web server
    running as another user answered 404 for pagefind/*."""
    content = write_content(tmp_path / "content", articles=4)
    output = tmp_path / "site"
    completed = subprocess.run(
        [sys.executable, "build.py", "--content", str(content), "--output", str(output), "-q"],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300, check=False, umask=0o022,
    )
    assert completed.returncode == 0, completed.stderr
    assert list((output / "pagefind").glob("*/pagefind-entry.json"))
    modes = {p.relative_to(output).as_posix(): stat.S_IMODE(p.lstat().st_mode) for p in output.rglob("*")}
    assert {path: oct(mode) for path, mode in modes.items() if (output / path).is_dir() and mode != 0o755} == {}
    assert {path: oct(mode) for path, mode in modes.items() if (output / path).is_file() and mode != 0o644} == {}
    assert stat.S_IMODE(output.stat().st_mode) == 0o755


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_pagefind_dies_with_a_killed_build(tmp_path: Path) -> None:
    """A stand-in for the Pagefind binary that says its pid and then waits:
    the process running it is killed outright, and the stand-in must die too."""
    stand_in = tmp_path / "pagefind"
    stand_in.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'pid'}\nexec sleep 60\n", encoding="utf-8")
    stand_in.chmod(0o755)
    (tmp_path / "docs").mkdir()
    script = textwrap.dedent(f"""
        from pathlib import Path
        from foresite.search import pagefind
        pagefind.get_executable = lambda: Path({str(stand_in)!r})
        pagefind.run_pagefind(Path({str(tmp_path / 'docs')!r}), Path({str(tmp_path / 'site' / 'pagefind' / 'en-0')!r}))
    """)
    build = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=ENV)
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "pid").is_file() or not (tmp_path / "pid").read_text().strip():
            assert time.monotonic() < deadline and build.poll() is None, "the stand-in never started"
            time.sleep(0.01)
        pagefind_pid = int((tmp_path / "pid").read_text())
        assert is_running(pagefind_pid)
        build.send_signal(signal.SIGKILL)
        build.wait(10)
        deadline = time.monotonic() + 5
        while is_running(pagefind_pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not is_running(pagefind_pid), "Pagefind outlived the build that started it"
    finally:
        if build.poll() is None:
            build.kill()
        if (tmp_path / "pid").is_file() and is_running(pid := int((tmp_path / "pid").read_text())):
            os.kill(pid, signal.SIGKILL)
    shutil.rmtree(tmp_path / "site", ignore_errors=True)


def is_running(pid: int) -> bool:
    """Whether `pid` lives and is no zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def test_a_pagefind_run_takes_the_priority_it_is_given() -> None:
    """The preview lowers its Pagefind runs' priority; a build does not."""
    from foresite.search.pagefind import _child_setup

    own = os.nice(0)
    for niceness, expected in ((0, own), (7, min(19, own + 7))):
        run = subprocess.run([sys.executable, "-c", "import os; print(os.nice(0))"], capture_output=True, text=True,
                             preexec_fn=_child_setup(niceness), check=True)
        assert int(run.stdout) == expected


def test_removing_pages_removes_the_folders_they_leave_empty_and_no_other(tmp_path: Path) -> None:
    root = tmp_path / "site"
    for relpath in ("signals/a-1/index.html", "signals/b-2/index.html", "articles/x/index.html", "articles/x/rows.json"):
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text("page", encoding="utf-8")
    remove_files(root, ["signals/a-1/index.html", "articles/x/index.html", "not/there/index.html"])
    assert not (root / "signals" / "a-1").exists()
    assert (root / "signals" / "b-2" / "index.html").is_file()
    assert (root / "articles" / "x" / "rows.json").is_file()
    remove_files(root, ["signals/b-2/index.html", "articles/x/rows.json"])
    assert root.is_dir() and not any(root.iterdir())
