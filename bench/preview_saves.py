"""The live preview as an editor meets it: the time from a save to its page, over HTTP.

    python bench/preview_saves.py 3000 --repeat 3
    python bench/preview_saves.py 300 3000 10000 --repeat 3 --markdown

For each N it generates a corpus of the real scan's shape (bench/make_corpus.py)
into a project folder of its own, starts the real `python build.py serve` on it,
saves files the way an editor does, and polls the served page until it shows
the save. It prints, for each kind of save, the median seconds from the save to
the page (edit, add, delete, rename, an edit in the first minute while the first
search index runs, a site.yml change, a template change), from the save to the
timeline listing an added, deleted or renamed article as it now is (the
listings are written with the saved article's pages), and from the save to
the terminal saying the background work is current (every page, then search).
The watcher's poll (serve.POLL_SECONDS) is part of every figure; a browser's
reload is not.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus

OUT = HERE / "out"
PAGE_TIMEOUT = 600.0
"""Seconds a page may take to show a save before the run gives up on it."""
CURRENT_TIMEOUT = 1800.0
"""Seconds the background work may take to be current."""
KINDS = ("edit", "add", "delete", "rename", "first minute", "site.yml", "template")


@dataclass
class Terminal:
    """The serve process's output lines, each with when it came."""

    log: Path
    """Where each line is also written as it comes, so that a run stopped midway keeps it."""
    started: float = field(default_factory=time.monotonic)
    lines: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def follow(self, stream: object) -> None:
        with self.log.open("w", encoding="utf-8") as log:
            for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
                now = time.monotonic()
                with self.lock:
                    self.lines.append((now, line.rstrip("\n")))
                log.write(f"{now - self.started:9.2f}  {line}")
                log.flush()

    def since(self, start: float) -> list[tuple[float, str]]:
        with self.lock:
            return [(at, line) for at, line in self.lines if at >= start]

    def current_after(self, start: float, search: bool) -> float | None:
        """When the background work was said to be current after `start`:
        every page ("site up to date"), then, with search, the search index."""
        up_to_date = next((at for at, line in self.since(start) if line.startswith("site up to date")), None)
        if up_to_date is None or not search:
            return up_to_date
        return next((at for at, line in self.since(up_to_date) if line.startswith("search: current")), None)


def status_and_text(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll `condition`; the monotonic time it first held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(0.02)
    raise TimeoutError(f"not within {timeout:.0f} s: {what}")


Times = tuple[float, float | None, float | None]
"""Seconds from a save to its page; to the background work current (None
when not waited for); to the timeline listing the change (None when not
looked at)."""


def shows(url: str, text: str) -> Callable[[], bool]:
    return lambda: text in status_and_text(url)[1]


def is_gone(url: str) -> Callable[[], bool]:
    return lambda: status_and_text(url)[0] == 404


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_project(n: int) -> Path:
    """A project folder: a corpus of N articles, the repository's site.yml, and
    a template of its own (the shipped base.html, to be edited)."""
    corpus = OUT / f"corpus-{n}"
    if not (corpus / ".complete").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        make_corpus(n, corpus)
        (corpus / ".complete").write_text("", encoding="utf-8")
    root = OUT / f"saves-{n}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(corpus, root / "content", ignore=shutil.ignore_patterns(".complete"))
    shutil.copy(ROOT / "site.yml", root / "site.yml")
    (root / "templates").mkdir()
    shutil.copy(ROOT / "templates" / "base.html", root / "templates" / "base.html")
    return root


def articles_with_summary(content: Path) -> list[Path]:
    return [p for p in sorted(content.glob("*.md")) if "\n## Summary\n" in p.read_text(encoding="utf-8")]


class Session:
    """One `serve` process on a project, and the saves made to it."""

    def __init__(self, root: Path, search: bool) -> None:
        self.root = root
        self.search = search
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.terminal = Terminal(OUT / f"{root.name}.log")
        command = [sys.executable, str(ROOT / "build.py"), "serve", "--root", str(root), "--port", str(self.port)]
        if not search:
            command.append("--no-search")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        threading.Thread(target=self.terminal.follow, args=(self.process.stdout,), daemon=True).start()
        self.answered = wait_until(lambda: status_and_text(self.url)[0] == 200, CURRENT_TIMEOUT, "the first answer")
        self.counter = 0

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def article_url(self, path: Path) -> str:
        return f"{self.url}articles/{path.stem}/"

    def marker(self) -> str:
        self.counter += 1
        return f"Benchmarkmarker{self.counter}x"

    def timed(
        self, save: Callable[[], None], seen: Callable[[], bool], what: str, *, settle: bool = True,
        listed: Callable[[], bool] | None = None,
    ) -> Times:
        """Seconds from the save to the page, to the background work current
        (if `settle`), and to the timeline listing the change (if `listed`)."""
        start = time.monotonic()
        save()
        page = wait_until(seen, PAGE_TIMEOUT, what) - start
        in_list = wait_until(listed, PAGE_TIMEOUT, f"the timeline after: {what}") - start if listed else None
        if not settle:
            return page, None, in_list
        done = wait_until(lambda: self.terminal.current_after(start, self.search) is not None, CURRENT_TIMEOUT,
                          f"the background work after: {what}")
        current = self.terminal.current_after(start, self.search)
        assert current is not None and done
        return page, current - start, in_list

    def timeline_lists(self, path: Path, listed: bool = True) -> Callable[[], bool]:
        """Whether the timeline page links to the article of `path` (or, with `listed` false, not)."""
        link = f"articles/{path.stem}/"

        def check() -> bool:
            status, text = status_and_text(f"{self.url}timeline/")
            return status == 200 and (link in text) == listed

        return check

    # ------------------------------------------------------------ the kinds of save

    def edit(self, path: Path, settle: bool = True) -> Times:
        marker = self.marker()
        text = path.read_text(encoding="utf-8").replace("## Summary\n", f"## Summary\n\n{marker}. ", 1)
        return self.timed(lambda: path.write_text(text, encoding="utf-8"), shows(self.article_url(path), marker),
                          f"the edit of {path.name}", settle=settle)

    def add(self, like: Path) -> Times:
        marker = self.marker()
        new = like.with_name(f"added-{marker.lower()}.md")
        text = like.read_text(encoding="utf-8").replace("## Summary\n", f"## Summary\n\n{marker}. ", 1)
        return self.timed(lambda: new.write_text(text, encoding="utf-8"), shows(self.article_url(new), marker),
                          f"the new {new.name}", listed=self.timeline_lists(new))

    def delete(self, path: Path) -> Times:
        return self.timed(path.unlink, is_gone(self.article_url(path)), f"{path.name} deleted",
                          listed=self.timeline_lists(path, listed=False))

    def rename(self, path: Path) -> Times:
        new = path.with_name(f"{path.stem}-renamed.md")
        old_url, new_url = self.article_url(path), self.article_url(new)

        def both() -> bool:
            return status_and_text(old_url)[0] == 404 and status_and_text(new_url)[0] == 200

        def relisted() -> bool:
            return self.timeline_lists(new)() and self.timeline_lists(path, listed=False)()

        return self.timed(lambda: path.rename(new), both, f"{path.name} renamed", listed=relisted)

    def settings(self) -> Times:
        marker = self.marker()
        path = self.root / "site.yml"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        text = "".join(f"title: {marker}\n" if line.startswith("title:") else line for line in lines)
        status_and_text(self.url)  # the page the editor has open
        return self.timed(lambda: path.write_text(text, encoding="utf-8"), shows(self.url, marker), "the new title")

    def template(self, article: Path) -> Times:
        marker = self.marker()
        path = self.root / "templates" / "base.html"
        text = path.read_text(encoding="utf-8")
        head, sep, tail = text.partition("</footer>")
        text = f"{head}<p>{marker}</p>{sep}{tail}" if sep else text + marker
        # Seen on an article's page the editor has open.
        status_and_text(self.article_url(article))
        return self.timed(lambda: path.write_text(text, encoding="utf-8"), shows(self.article_url(article), marker),
                          "the edited template")


def measure(n: int, repeat: int, search: bool) -> dict[str, list[Times]]:
    root = make_project(n)
    content = root / "content"
    candidates = articles_with_summary(content)
    times: dict[str, list[Times]] = {kind: [] for kind in KINDS}
    session = Session(root, search)
    try:
        print(f"N={n}: the server answered {session.answered - session.started:.1f} s after start", flush=True)
        # While the first search index runs: edits in a row, at once.
        for number in range(repeat):
            times["first minute"].append(session.edit(candidates[number], settle=False))
        first_current = wait_until(lambda: session.terminal.current_after(session.answered, search) is not None,
                                   CURRENT_TIMEOUT, "the first background work")
        print(f"N={n}: background work current {first_current - session.started:.1f} s after start", flush=True)
        picks = iter(candidates[repeat:])
        for _ in range(repeat):
            times["edit"].append(session.edit(next(picks)))
            times["add"].append(session.add(next(picks)))
            times["delete"].append(session.delete(next(picks)))
            times["rename"].append(session.rename(next(picks)))
            times["site.yml"].append(session.settings())
            times["template"].append(session.template(next(picks)))
            print(f"N={n}: page (current) " + ", ".join(
                f"{k} {v[-1][0]:.2f} s ({v[-1][1] or 0:.0f} s)" for k, v in times.items() if v), flush=True)
            print(f"N={n}: timeline " + ", ".join(f"{k} {v[-1][2]:.2f} s" for k, v in times.items() if v and v[-1][2] is not None), flush=True)
    finally:
        session.close()
        print(f"N={n}: the serve session's terminal is in {session.terminal.log}", flush=True)
    return times


def median(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.median(known):.2f}" if known else "–"


def print_table(results: dict[int, dict[str, list[Times]]], markdown: bool) -> None:
    sizes = sorted(results)
    header = (["save"] + [f"N={n}: page s" for n in sizes] + [f"N={n}: timeline s" for n in sizes]
              + [f"N={n}: current s" for n in sizes])
    rows = [
        [kind] + [median([t[0] for t in results[n][kind]]) for n in sizes]
        + [median([t[2] for t in results[n][kind]]) for n in sizes]
        + [median([t[1] for t in results[n][kind]]) for n in sizes]
        for kind in KINDS
    ]
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+", help="numbers of articles")
    parser.add_argument("--repeat", type=int, default=3, help="saves of each kind (default: 3); the median is shown")
    parser.add_argument("--no-search", action="store_true", help="serve without the search index")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    options = parser.parse_args(argv)
    results = {n: measure(n, options.repeat, not options.no_search) for n in options.sizes}
    print_table(results, options.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
