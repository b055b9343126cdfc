"""Publishing is atomic and content/ is read-only to every command.

`python build.py` is killed with SIGKILL at moments spread over a whole
build, again and again; after each kill the output folder must be exactly
one of the two whole sites (the one before, or the new one), never a
mixture, never missing. Then each command (build, check, serve, new) runs
over a content folder whose every byte is hashed before and after.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from foresite.output.write import new_staging, publish, sweep_stale
from tests.hostile.make_hostile import benign_article, make_hostile_corpus

from .conftest import ROOT, file_hashes

ARTICLES = 40
KILLS = 8
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1900000000"}


def write_content(folder: Path, version: int) -> None:
    folder.mkdir(parents=True)
    for seed in range(ARTICLES):
        text = benign_article(seed, rows=4)
        if version == 2:  # every article's title changes: its pages and every listing differ
            text = text.replace("# __", "# __Revised ", 1)
        (folder / f"article-{seed:03d}.md").write_text(text, encoding="utf-8")


def build_command(content: Path, output: Path) -> list[str]:
    return [sys.executable, "build.py", "--content", str(content), "--output", str(output), "--no-search", "-q"]


def run_build(content: Path, output: Path) -> None:
    completed = subprocess.run(build_command(content, output), cwd=ROOT, env=ENV, capture_output=True, check=False)
    assert completed.returncode == 0, completed.stderr.decode()


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[dict[str, str]], float]:
    """Two contents, the whole site each builds, and how long a build takes."""
    root = tmp_path_factory.mktemp("atomic")
    contents, sites = [], []
    for version in (1, 2):
        write_content(root / f"content-{version}", version)
        start = time.monotonic()
        run_build(root / f"content-{version}", root / f"site-{version}")
        seconds = time.monotonic() - start
        contents.append(root / f"content-{version}")
        sites.append(file_hashes(root / f"site-{version}"))
    assert sites[0] != sites[1]
    changed = {path for path in sites[0] if sites[0][path] != sites[1].get(path)}
    assert len(changed) > len(sites[0]) // 3, "the two versions should differ in many files"
    return contents, sites, seconds


def test_a_killed_build_leaves_the_previous_site_or_the_new_one_whole(
    versions: tuple[list[Path], list[dict[str, str]], float], tmp_path: Path
) -> None:
    contents, sites, seconds = versions
    output = tmp_path / "site"
    run_build(contents[0], output)
    current = 0
    randomness = random.Random(20240607)
    outcomes = []
    for attempt in range(KILLS):
        target = 1 - current
        # Spread over the whole run, interpreter start to the final swap.
        delay = seconds * (attempt + randomness.random()) / KILLS * 1.1
        process = subprocess.Popen(
            build_command(contents[target], output), cwd=ROOT, env=ENV,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        time.sleep(delay)
        finished = process.poll() is not None
        if not finished:
            os.killpg(process.pid, signal.SIGKILL)  # the build and any worker it forked
        process.wait()
        found = file_hashes(output)
        assert found in (sites[current], sites[target]), (
            f"after a kill at {delay:.2f} s the output is neither whole site: "
            f"{len(found)} files, {sum(found.get(p) == h for p, h in sites[current].items())} from the old, "
            f"{sum(found.get(p) == h for p, h in sites[target].items())} from the new"
        )
        outcomes.append("new" if found == sites[target] else "old")
        current = target if found == sites[target] else current
    assert "old" in outcomes, outcomes  # some kills did land before the swap
    # Leftovers of killed builds are swept by the next one.
    run_build(contents[1 - current], output)
    assert file_hashes(output) == sites[1 - current]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_build_killed_between_two_renames_is_undone_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where there is no atomic exchange, publish renames twice; a kill in
    between leaves no output folder, and the next build puts the old one back."""
    output = tmp_path / "site"
    output.mkdir()
    (output / "index.html").write_text("old", encoding="utf-8")
    staging = new_staging(output)
    (staging / "index.html").write_text("new", encoding="utf-8")

    def killed(source: Path, target: Path) -> None:
        if Path(target).name.startswith(".site.old-"):
            real_rename(source, target)
            raise KeyboardInterrupt  # the moment a SIGKILL could land
        real_rename(source, target)

    real_rename = os.rename
    monkeypatch.setattr("foresite.output.write._exchange", lambda first, second: False)
    monkeypatch.setattr("foresite.output.write.os.rename", killed)
    with pytest.raises(KeyboardInterrupt):
        publish(staging, output)
    monkeypatch.undo()
    assert not output.exists()
    sweep_stale(output)
    assert (output / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# ---------------------------------------------------------------- content/ is read-only


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    """Hostile and broken files, as content/ for a command to read."""
    folder = tmp_path / "content"
    make_hostile_corpus(folder, include_large=False)
    return folder


def run(args: list[str], tmp_path: Path, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "build.py", *args], cwd=ROOT, env=ENV, capture_output=True,
                          timeout=300, check=False, **kwargs)  # type: ignore[call-overload]


@pytest.mark.parametrize("command", [["--no-search"], ["--strict", "--no-search"], ["check"]])
def test_build_and_check_do_not_touch_content(content: Path, tmp_path: Path, command: list[str]) -> None:
    before = file_hashes(content)
    output = ["--output", str(tmp_path / "site")] if command[0] != "check" else []
    completed = run([*command, "--content", str(content), *output], tmp_path)
    assert completed.returncode in (0, 1), completed.stderr.decode()[-2000:]
    assert file_hashes(content) == before


def raw_get(url: str, target: str) -> tuple[bytes, bytes]:
    """Status line and whole answer to a request sent byte for byte (client
    libraries would normalise the '..' away)."""
    found = re.match(r"http://([^:/]+):(\d+)", url)
    assert found
    with socket.create_connection((found[1], int(found[2])), timeout=60) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: {found[1]}:{found[2]}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0], answer


# The preview's own tests (test_serve.py) try '..' in its plain and %-encoded
# forms; these are the variants they leave out.
TRAVERSALS = ["/%c0%ae%c0%ae/secret.txt", "/%c0%ae%c0%ae%c0%afsecret.txt", "/%u002e%u002e/secret.txt",
              "http://127.0.0.1/../secret.txt", "/;/../secret.txt", "/articles/..%00/secret.txt"]


def test_serve_does_not_touch_content_nor_answer_outside_its_folder(content: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("SECRET beside the preview folder", encoding="utf-8")
    before = file_hashes(content)
    process = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--content", str(content), "--output", str(tmp_path / "preview"),
         "--port", "0", "--no-search", "--workers", "1"],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 120
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline() if process.stdout else ""
            if not line and process.poll() is not None:
                break
            found = re.search(r"at (http://\S+?)/? ", line)
            url = found[1] if found else None
        assert url, "the preview did not start"
        for path in ("/", "/articles/", "/articles/index/", "/nowhere/"):
            try:
                urllib.request.urlopen(url + path, timeout=60).read()
            except OSError:
                pass  # a 404 is fine; the point is what the request does to content/
        for target in TRAVERSALS:
            status, answer = raw_get(url, target)
            assert re.match(rb"HTTP/1\.[01] (400|403|404) ", status), (target, status)
            assert b"SECRET" not in answer, target
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert file_hashes(content) == before


@pytest.mark.parametrize("title", ["A new article", "../../escape", "CON", "Café — 日本語 🚀"])
def test_new_only_creates_one_file_inside_content(content: Path, tmp_path: Path, title: str) -> None:
    before = file_hashes(content)
    completed = run(["new", title, "--content", str(content)], tmp_path)
    assert completed.returncode == 0, completed.stderr.decode()
    after = file_hashes(content)
    assert {path: after[path] for path in before} == before, "new changed an existing file"
    added = set(after) - set(before)
    assert len(added) == 1 and "/" not in next(iter(added)), added
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]
