"""The search stage: Pagefind indexes, in shards, of the pages' search documents.

Pagefind does not read the published pages. For each page it indexes, the
render stage writes a *search document* (templates/search_doc.html): the
page's text and filters, and nothing a reader navigates by. Pagefind parses a
sixth of the bytes, and published pages carry no search markup. A document's
file is named after its page (`doc_name`), since Pagefind makes a result's
URL of it; a full build writes them in a folder per shard
(`shard_doc_paths`); the preview keeps them in one folder and links a shard's
into a folder of its own for each run.

Pages are cut into shards, one Pagefind bundle each under `pagefind/`,
listed in `pagefind/shards.json`; static/search.js merges them in the
browser so that one query covers all. Pagefind holds about 86 KB per page
while it indexes, so a shard is kept near `SHARD_PAGES`. A page's shard is
a hash of its article: an article and its rows share one, and a new or
edited article changes that shard alone, until the language outgrows its
shard count. Each shard is one run of the bundled Pagefind binary (its
Python service answers about ten requests a second, and a run on a folder
is what it is built for).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import math
import os
import queue
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict
from urllib.parse import quote

from pagefind.service import get_executable

BUNDLE = "pagefind"
MANIFEST = f"{BUNDLE}/shards.json"

SHARD_PAGES = 6_000
"""Most pages per shard. Pagefind holds 70-86 KB per page while indexing,
and two runs go side by side on two cores: shards of about 5,100 pages keep
the two near 0.75 GB, and the build of `bench/make_corpus.py 3000` near
1.15 GB. Fewer, larger shards would cost readers fewer requests: each query
fetches a piece of index from every shard."""

FILL = 0.85
"""Shards are planned this full on average, so that the hash's uneven cut
leaves every shard under `SHARD_PAGES`."""

MEMORY_FOLDER = Path("/dev/shm")
"""A memory file system on Linux. A full build's search documents wait
there for Pagefind: each is written once, read once and deleted, and on
ext4 creating tens of thousands of small files costs a core's time, while
deleting them makes the next files the build creates slower still (freed
inodes are not reused for minutes)."""

DOC_ROOM = 8 * 1024
"""Bytes of memory file system a search document may need (a page of 4 KB
per file, and room to spare); with less free, documents go on disk."""

PR_SET_PDEATHSIG = 1
"""From linux/prctl.h: the signal a process gets when its parent dies."""

UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
"""Files of each bundle the site does not use, left out of the output."""


@dataclass(frozen=True)
class IndexedPage:
    """A written page the search index takes."""

    path: str
    """Its file, relative to the site folder."""
    language: str
    group: str
    """The article it belongs to: pages of one group share a shard."""


@dataclass(frozen=True)
class Shard:
    name: str
    """Its bundle's folder under pagefind/, e.g. 'en-0'."""
    language: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class SearchStats:
    pages: int
    """Pages in the index, as Pagefind counted them."""
    bytes: int
    """Size of everything under pagefind/."""
    shards: int = 1


def doc_name(path: str) -> str:
    """The search document's file for the page written at `path`:
    'signals/x/index.html' → 'signals/x.html'. Pagefind takes a result's URL
    from its document's path, so the name alone says which page a result is
    (static/search.js turns '.html' back into '/'): no metadata field to carry
    it, whose words Pagefind would index."""
    folder, index = path.rsplit("/", 1)
    if index != "index.html":
        raise ValueError(f"not a page of its own folder: {path}")
    return f"{folder}.html"


def search_anchor(article_url: str, title: str) -> str:
    """A row's article as its search document gives it: the id of an empty
    element, which Pagefind returns with each result among its anchors and
    does not index (metadata would put the article's title among the words of
    each of its rows, costing a fifth of Pagefind's time). Percent-encoded
    JSON, so that nothing in it is whitespace, on which Pagefind splits its
    text, anchors included; static/search.js decodes it."""
    return quote(json.dumps([article_url, title], ensure_ascii=False), safe="")


def plan_shards(pages: Sequence[IndexedPage], size: int | None = None, side_by_side: int = 1) -> tuple[Shard, ...]:
    """Pages cut per language into as many shards as `size` asks for, each
    page in the shard its group's hash picks; paths keep their given order.

    Pagefind runs `side_by_side` shards at a time, largest first; the count
    is rounded up to a multiple of that, the extra shards going where
    shards are fullest, so that the last round's runs end together rather
    than one running alone (11 shards on 2 cores left one core idle for 2 s)."""
    by_language: dict[str, list[IndexedPage]] = {}
    for page in pages:
        by_language.setdefault(page.language.lower(), []).append(page)
    limit = (size or SHARD_PAGES) * FILL
    counts = {language: max(1, math.ceil(len(members) / limit)) for language, members in by_language.items()}
    for _ in range(-sum(counts.values()) % max(1, side_by_side)):
        fullest = max(sorted(counts), key=lambda language: len(by_language[language]) / counts[language])
        counts[fullest] += 1
    shards: list[Shard] = []
    for language, members in sorted(by_language.items()):
        buckets: list[list[str]] = [[] for _ in range(counts[language])]
        for page in members:
            buckets[zlib.crc32(page.group.encode("utf-8")) % len(buckets)].append(page.path)
        shards.extend(Shard(f"{language}-{n}", language, tuple(paths)) for n, paths in enumerate(buckets) if paths)
    return tuple(shards)


def shard_doc_paths(shards: Sequence[Shard]) -> dict[str, str]:
    """Where a full build writes each page's search document: in a folder
    per shard, so that each folder is one Pagefind run as it stands. Within
    it, documents are in their kind's folder (`doc_name`), six folders a
    shard, which spreads them too: two processes creating files in one folder
    queue on its lock (54,000 files took 5.2 s in one folder, 2 s spread over
    16 when documents had hashed names)."""
    return {path: f"{shard.name}/{doc_name(path)}" for shard in shards for path in shard.paths}


@contextmanager
def documents_folder(fallback: Path, documents: int) -> Iterator[Path]:
    """A fresh folder for `documents` search documents: in memory when the
    machine has room there, else `fallback`; deleted on the way out."""
    folder = fallback
    if _has_room(MEMORY_FOLDER, documents * DOC_ROOM):
        _sweep_orphans(MEMORY_FOLDER)
        folder = Path(tempfile.mkdtemp(prefix=f"foresite-search-{os.getpid()}-", dir=MEMORY_FOLDER))
    with _used_up(folder):
        yield folder


def _has_room(folder: Path, size: int) -> bool:
    try:
        return folder.is_dir() and os.access(folder, os.W_OK) and shutil.disk_usage(folder).free > size
    except OSError:
        return False


def _sweep_orphans(folder: Path) -> None:
    """Documents folders of builds that were killed: their process is gone."""
    for leftover in folder.glob("foresite-search-*-*"):
        pid = leftover.name.split("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def build_search_index(site: Path, docs: Path, shards: Sequence[Shard], *, workers: int = 1) -> SearchStats:
    """Index each shard's documents, docs/<shard>/ (see `shard_doc_paths`),
    into site/pagefind/<shard>/, `workers` shards at a time; `docs` is
    deleted as it is used up."""
    bundles = _index_shards(site, shards, lambda shard: _used_up(docs / shard.name), workers)
    shutil.rmtree(docs, ignore_errors=True)
    entries = _write_manifest(site, shards)
    size_on_disk = sum(bundles) + (site / MANIFEST).stat().st_size
    return SearchStats(pages=sum(e["pages"] for e in entries), bytes=size_on_disk, shards=len(shards))


def update_search_index(
    site: Path,
    docs: Path,
    pages: Sequence[IndexedPage],
    changed: Collection[str],
    previous: Sequence[Shard],
    size: int | None = None,
    workers: int = 1,
    niceness: int = 0,
) -> tuple[tuple[Shard, ...], SearchStats]:
    """The preview's update: re-index only the shards whose pages differ from
    `previous` or include a page of `changed`, and drop the bundles of shards
    that are gone. Documents are in one folder, named by `doc_name` (shards
    change as pages come and go). Returns the shards, for the next update.
    Pagefind runs at `niceness` (see `run_pagefind`)."""
    shards = plan_shards(pages, size, workers)
    before = {shard.name: shard for shard in previous}
    touched = set(changed)
    stale = [
        shard for shard in shards
        if before.get(shard.name) != shard
        or not touched.isdisjoint(shard.paths)
        or not (site / BUNDLE / shard.name / "pagefind-entry.json").is_file()
    ]
    _index_shards(site, stale, lambda shard: _shard_folder(docs, shard.paths), workers, niceness)
    entries = _write_manifest(site, shards)
    # Only once the manifest no longer names them, so no reader asks for them.
    for name in sorted(set(before) - {shard.name for shard in shards}):
        shutil.rmtree(site / BUNDLE / name, ignore_errors=True)
    return shards, SearchStats(pages=sum(e["pages"] for e in entries), bytes=0, shards=len(shards))


def remove_docs(docs: Path, paths: Iterable[str]) -> None:
    """Forget the search documents of pages that are gone."""
    for path in paths:
        (docs / doc_name(path)).unlink(missing_ok=True)


def _index_shards(
    site: Path, shards: Sequence[Shard], folder_of: Callable[[Shard], AbstractContextManager[Path]], workers: int,
    niceness: int = 0,
) -> list[int]:
    """Pagefind on each shard, `workers` runs at a time, each on a processor
    of its own. Pinned, a run is faster alone too: unpinned, Pagefind's
    threads create the bundle's thousands of files at once and queue on the
    folder's lock (measured on 4,900 pages: 4.5 s unpinned, 3.2 s pinned to
    one core, and two pinned runs side by side in 3.3 s). Returns the bytes
    of each bundle, counted beside the other runs (walking 180,000 files at
    the end took 2.3 s with one core idle)."""
    if not shards:
        return []
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    workers = max(1, min(workers, len(shards)))
    processors: queue.Queue[int | None] = queue.Queue()
    for n in range(workers):
        processors.put(cpus[n % len(cpus)] if cpus and shutil.which("taskset") else None)

    def index(shard: Shard) -> int:
        cpu = processors.get()
        try:
            with folder_of(shard) as folder:
                run_pagefind(folder, site / BUNDLE / shard.name, cpu, niceness)
        finally:
            processors.put(cpu)
        return _tree_bytes(site / BUNDLE / shard.name)

    with ThreadPoolExecutor(workers) as pool:
        # Largest first, so that the last runs, alone on their cores, are short.
        return [done.result() for done in [pool.submit(index, shard) for shard in sorted(shards, key=lambda s: -len(s.paths))]]


def _tree_bytes(folder: Path) -> int:
    """Bytes of the files under `folder` (os.scandir: a third of rglob's time)."""
    total, pending = 0, [os.fspath(folder)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    return total


def run_pagefind(folder: Path, bundle: Path, cpu: int | None = None, niceness: int = 0) -> None:
    """One run of the Pagefind binary, on processor `cpu` if given: the
    pages of `folder` into `bundle`, which is replaced only once the new one
    is whole (the preview's readers keep searching the old one meanwhile).
    A positive `niceness` lowers its priority: the preview's index yields
    the processors to a save being shown."""
    executable = get_executable()
    if executable is None:
        raise RuntimeError("the Pagefind binary is missing: pip install 'pagefind[bin]'")
    bundle.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{bundle.name}.", dir=bundle.parent))
    command = [str(executable), "--site", str(folder.resolve()), "--output-path", str(fresh.resolve()), "--quiet"]
    if cpu is not None:
        command = ["taskset", "--cpu-list", str(cpu), *command]
    try:
        # No PAGEFIND_* settings from the environment, and no configuration
        # file from the working folder: the index is the build's alone.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
        run = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False,
                             preexec_fn=_child_setup(niceness))
        if run.returncode != 0 or not (fresh / "pagefind-entry.json").is_file():
            raise RuntimeError(f"Pagefind failed on {folder} ({run.returncode}): {(run.stderr or run.stdout)[-2000:]}")
        _drop_unused(fresh)
        # mkdtemp made it 0700: published so, a web server running as another
        # user could not read the bundle. It gets the mode its parent got.
        os.chmod(fresh, stat.S_IMODE(bundle.parent.stat().st_mode))
        retired = bundle.with_name(f".{bundle.name}.old")
        shutil.rmtree(retired, ignore_errors=True)
        if bundle.exists():
            os.rename(bundle, retired)
        os.rename(fresh, bundle)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _child_setup(niceness: int) -> Callable[[], None] | None:
    """For subprocess's preexec_fn: the child takes `niceness` and, on
    Linux, asks to be killed when this process dies (PR_SET_PDEATHSIG), be
    it killed outright, so that no Pagefind run outlives a killed build
    writing into its staging folder. Linux counts the thread that started
    the child as its parent: each run here ends within the call that starts it."""
    prctl: Callable[..., int] | None = None
    if sys.platform.startswith("linux"):
        try:
            prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
        except (OSError, AttributeError):
            prctl = None
    if prctl is None and niceness <= 0:
        return None
    parent = os.getpid()

    def arm() -> None:
        if niceness > 0:
            os.nice(niceness)
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # it died before the child could ask
                os._exit(1)

    return arm


@contextmanager
def _used_up(folder: Path) -> Iterator[Path]:
    """`folder`, deleted once used (while other shards are still indexed)."""
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _shard_folder(docs: Path, paths: Sequence[str]) -> Iterator[Path]:
    """A folder holding hard links to the documents of `paths` alone."""
    folder = Path(tempfile.mkdtemp(prefix=".shard-", dir=docs.parent))
    try:
        made = set()
        for path in paths:
            name = doc_name(path)
            parent = (folder / name).parent
            if parent not in made:
                parent.mkdir(parents=True, exist_ok=True)
                made.add(parent)
            _link_or_copy(docs / name, folder / name)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def _drop_unused(bundle: Path) -> None:
    """Pagefind's ready-made interfaces: static/search.js is the site's own."""
    for pattern in UNUSED:
        for path in bundle.glob(pattern):
            path.unlink()


class ManifestEntry(TypedDict):
    """What the browser needs to merge a shard: its folder, language, size."""

    bundle: str
    language: str
    pages: int


def _write_manifest(site: Path, shards: Sequence[Shard]) -> list[ManifestEntry]:
    entries = [_manifest_entry(site, shard) for shard in shards]
    (site / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (site / MANIFEST).write_text(json.dumps({"shards": entries}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return entries


def _manifest_entry(site: Path, shard: Shard) -> ManifestEntry:
    entry = json.loads((site / BUNDLE / shard.name / "pagefind-entry.json").read_text(encoding="utf-8"))
    languages = entry["languages"]
    return {
        "bundle": f"{shard.name}/",
        "language": shard.language,
        "pages": sum(int(language["page_count"]) for language in languages.values()),
    }
