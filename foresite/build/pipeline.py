"""The build, stage by stage; the order is written down here and only here.

    read → parse → index → plan pages → render (and write) → search index → publish

Cross-links need every article, so indexing waits for all parsing. The
index pages (listings, tags, timeline) need nothing of the foresight
stage but the tags' momentum, so a process of their own renders them while
trends and related items are found. While worker processes render the
rest, the main process writes the other files (data, feeds, static files)
instead of waiting. The
search index reads the search documents the render stage writes, so it
comes after rendering, and after everything else that needs the site's
model, which is let go before Pagefind takes its memory; the new site
replaces the old one only once all of it exists.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime
import gc
import multiprocessing
import os
import pickle
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Self

from foresite.build.site_files import is_generated_path, site_files
from foresite.core.config import Settings
from foresite.core.errors import Problem, error, errors_in, warning, warnings_in
from foresite.core.model import Article, HandwrittenPage
from foresite.core.urls import SiteLinks, is_plain_path, output_path, page_url, site_links
from foresite.foresight.results import Foresight, TagTrajectories, build_foresight
from foresite.index.links import link_problems, resolve_closest
from foresite.index.site_index import SiteIndex, build_index
from foresite.output.write import copy_tree, discard, drop_collisions, new_staging, publish, sweep_stale, write_file
from foresite.pages.foresight_pages import foresight_pages
from foresite.pages.handwritten import handwritten_pages, navigation, redirect_pages
from foresite.pages.plan import Page, index_pages, leading_pages
from foresite.render.renderer import Renderer, asset_versions
from foresite.search.pagefind import (
    IndexedPage,
    SearchStats,
    build_search_index,
    documents_folder,
    plan_shards,
    shard_doc_paths,
)
from foresite.source.handwritten import parse_page
from foresite.source.parse import ParseResult, decode, parse_article
from foresite.source.read import (
    ContentFiles,
    Selection,
    SourceFile,
    content_relpath,
    display_path,
    list_content,
    read_source,
)

SEARCH_DOCS = ".search-docs"
"""Folder of the staging site where search documents wait for Pagefind
when the machine has no memory file system with room for them."""

PARALLEL_THRESHOLD = 400
"""Below this many pages, starting worker processes costs more than it saves."""


@dataclass(frozen=True)
class Project:
    """Where a project's parts live."""

    content: Path
    templates: Path
    static: Path
    output: Path


@dataclass(frozen=True)
class BuildOptions:
    project: Project
    settings: Settings
    strict: bool = False
    search: bool = True
    workers: int = 2


@dataclass(frozen=True)
class BuildReport:
    articles: int
    drafts: int
    pages: Counter[str]
    """Pages written, by template name."""
    problems: tuple[Problem, ...]
    stages: tuple[tuple[str, float], ...]
    """(stage, seconds), in the order they began; writing the files beside
    the pages runs alongside rendering them."""
    seconds: float
    """From the first stage's start to the last one's end."""
    search: SearchStats | None
    written: bool
    strict: bool = False

    @property
    def errors(self) -> tuple[Problem, ...]:
        return errors_in(self.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return warnings_in(self.problems)

    @property
    def exit_code(self) -> int:
        if self.strict and self.problems:
            return 1
        return 1 if self.errors else 0


@dataclass
class _Stopwatch:
    started: float = field(default_factory=time.perf_counter)
    _stages: list[list] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        timing = [name, 0.0]
        self._stages.append(timing)  # in the order stages begin
        try:
            yield
        finally:
            timing[1] = time.perf_counter() - start

    @property
    def stages(self) -> tuple[tuple[str, float], ...]:
        return tuple((name, seconds) for name, seconds in self._stages)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def build_today() -> datetime.date:
    """Today, or the day SOURCE_DATE_EPOCH names, for reproducible checks."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()


def parse_source(source: SourceFile, today: datetime.date) -> ParseResult:
    text, problems = decode(source.data, source.path)
    if text is None:
        return ParseResult(None, problems)
    return parse_article(text, source.path, source.article_id, today)


def parse_path(path: Path, today: datetime.date) -> ParseResult:
    """The file at `path` parsed, or a located error when it cannot be read
    (check and the preview report it; they must not stop on it)."""
    try:
        source = read_source(path)
    except OSError as exc:
        return ParseResult(None, (error(display_path(path), 1, f"cannot read the file: {exc.strerror or exc}"),))
    return parse_source(source, today)


def parse_all(results: Sequence[ParseResult]) -> tuple[list[Article], list[Article], list[Problem]]:
    """Published articles, drafts and every problem, from parse results."""
    articles, drafts, problems = [], [], []
    for result in results:
        problems.extend(result.problems)
        if result.article is not None:
            (drafts if result.article.draft else articles).append(result.article)
    return articles, drafts, problems


@dataclass(frozen=True)
class Moved:
    """What a scan moved onto foresite brings beside its articles: hand-written
    pages, files published as they are, and where links between its files
    lead. Empty for a content folder of articles only."""

    pages: tuple[HandwrittenPage, ...] = ()
    published: tuple[tuple[str, Path], ...] = ()
    """(path in the content folder and the output, file)."""
    links: SiteLinks = field(default_factory=SiteLinks)
    holders: Mapping[str, str] = field(default_factory=dict)
    """Each article's path in the content folder, by id."""
    navigation: tuple[tuple[str, str], ...] = ()
    """(title, URL) of the pages the header links to."""


def read_content(content: Path, settings: Settings) -> tuple[ContentFiles, list[SourceFile], list[tuple[str, SourceFile]]]:
    """The content folder sorted out, the articles' files read, and the
    pages' files read with their paths in it."""
    files = list_content(content, Selection.of(settings), settings.max_file_mb * 1_000_000)
    pages = [(content_relpath(content, p), read_source(p)) for p in files.pages]
    return files, [read_source(p) for p in files.articles], pages


def move_in(
    content: Path, files: ContentFiles, page_sources: Sequence[tuple[str, SourceFile]],
    articles: Sequence[Article], settings: Settings,
) -> tuple[Moved, list[Article], list[Problem]]:
    """Pages parsed, links between content files found, Closest links by
    address made links by id; and every problem with them."""
    problems = list(files.problems)
    pages = []
    for relpath, source in page_sources:
        page, found = parse_page(source.data, source.path, relpath, settings.language)
        problems.extend(found)
        if page is not None:
            pages.append(page)
    published = []
    for relpath, path in files.published:
        shown = display_path(path)
        if not is_plain_path(relpath):
            problems.append(warning(shown, 1, "not published: its path must be plain ASCII letters, digits and - _ . ( )"))
        elif is_generated_path(relpath):
            problems.append(warning(shown, 1, f"not published: the site writes '{relpath}' itself"))
        else:
            published.append((relpath, path))
    holders = {p.stem: content_relpath(content, p) for p in files.articles}
    published_ids = {a.id for a in articles}
    links = site_links(
        {relpath: article_id for article_id, relpath in holders.items() if article_id in published_ids},
        {page.relpath: page_url(page.relpath) for page in pages},
        frozenset(relpath for relpath, _ in published), settings.base_url, settings.domain,
    )
    articles = resolve_closest(articles, links)
    problems.extend(link_problems(articles, pages, holders, links))
    nav, wrong = navigation(settings, list(handwritten_pages(pages)))
    problems.extend(wrong)
    return Moved(tuple(pages), tuple(published), links, holders, nav), articles, problems


@dataclass(frozen=True)
class SitePlan:
    index: SiteIndex
    foresight: Foresight
    pages: list[Page]
    problems: list[Problem]


def plan(articles: Sequence[Article], settings: Settings, workers: int = 1) -> tuple[SiteIndex, list[Page], list[Problem]]:
    """Index and page plan; pages that would collide on disk are left out."""
    site = plan_site(articles, settings, workers)
    return site.index, site.pages, site.problems


def plan_site(
    articles: Sequence[Article], settings: Settings, workers: int = 1,
    early: Callable[[list[Page]], None] | None = None, moved: Moved = Moved(),
) -> SitePlan:
    """`plan`, keeping what it computed on the way (the preview reuses it,
    planning in one process: it forks nothing from its threads). `early`,
    if given, is handed the index pages (listings, tags, …) as soon as they
    can be planned, before trends and related items are found, so that they
    can be rendered meanwhile; they are in the plan all the same."""
    # Planning makes millions of small objects and no cycles; the cyclic
    # collector would rescan the growing model over and over (seconds at
    # 3,000 articles), so it waits until the plan is made.
    with _collection_paused():
        index = build_index(articles)
        # Trends, momentum, related items and insights need every article,
        # and the pages above show them, so they come between indexing and
        # planning. Related items are six large, independent jobs: worth a
        # process each once there are enough articles to repay the fork.
        spread = workers if len(articles) >= PARALLEL_THRESHOLD else 1
        handed: list[Page] = []
        problems: list[Problem] = []

        def tags_known(of_tag: TagTrajectories) -> None:
            assert early is not None
            # Pages about to be written must not collide among themselves.
            pages, collisions = _without_collisions(index_pages(index, settings, of_tag))
            handed.extend(pages)
            problems.extend(collisions)
            early(pages)

        # The pages that show no related items are planned while those are found.
        later: list[Page] = []

        def plan_later(known: Foresight) -> None:
            if early is None:
                later.extend(index_pages(index, settings, known.of_tag))
            later.extend(foresight_pages(index, settings, known))

        foresight = build_foresight(
            index, settings, lambda job, jobs, alongside: _map(job, jobs, spread, min_items=2, alongside=alongside),
            plan_later, tags_known if early is not None else None,
        )
        leading = list(leading_pages(index, settings, foresight))
        # Pages handed early win any clash (they may be written already);
        # the plan keeps the order it has without them.
        kept, collisions = _without_collisions([*handed, *leading, *later])
        kept_ids = {id(page) for page in kept}
        pages = [page for page in (*leading, *handed, *later) if id(page) in kept_ids]
        # Hand-written pages, then redirects from old addresses, come after
        # every generated page: a clash is theirs to lose.
        pages, moved_problems = _with_moved(pages, index, moved, settings)
    return SitePlan(index, foresight, pages, [*index.problems, *problems, *collisions, *moved_problems])


def _with_moved(pages: list[Page], index: SiteIndex, moved: Moved, settings: Settings) -> tuple[list[Page], list[Problem]]:
    if not moved.pages and not settings.jekyll_urls and not settings.redirects:
        return pages, []
    pages, collisions = _without_collisions([*pages, *handwritten_pages(moved.pages)])
    files = [(moved.holders.get(a.id, f"{a.id}.md"), a) for a in index.articles]
    redirects, problems = redirect_pages(files, pages, settings)
    pages, clashes = _without_collisions([*pages, *redirects])
    return pages, [*collisions, *problems, *clashes]


def _without_collisions(pages: Iterable[Page]) -> tuple[list[Page], list[Problem]]:
    return drop_collisions((output_path(p.url), p.source, p) for p in pages)


@contextmanager
def _collection_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def search_pages(pages: Sequence[Page]) -> list[IndexedPage]:
    """The pages the search index takes, oldest first (plans list articles
    newest first), so that each shard's pages come in a stable order."""
    return [IndexedPage(output_path(p.url), p.language, p.search_group) for p in reversed(pages) if p.indexed]


def build(options: BuildOptions) -> BuildReport:
    """A full build into a fresh folder, swapped in whole at the end."""
    project, settings = options.project, options.settings
    clock = _Stopwatch()
    with clock.stage("read"):
        files, sources, page_sources = read_content(project.content, settings)
    # Parsing makes millions of small objects and no cycles (as planning
    # does, below): a paused collector saves a fifth of the stage at 10,000
    # articles, where its full scans of the growing heap made it grow faster
    # than the scan.
    with clock.stage("parse"), _collection_paused():
        today = build_today()
        results = _map(lambda s: parse_source(s, today), sources, options.workers)
        articles, drafts, problems = parse_all(results)
        moved, articles, found = move_in(project.content, files, page_sources, articles, settings)
        problems.extend(found)
        # The files' bytes are parsed: gone before any worker is forked,
        # so that no process carries them (a fork starts with its parent's
        # resident memory).
        del sources, results, page_sources
        _return_free_memory()
    sweep_stale(project.output)
    staging = new_staging(project.output)
    cleanup = ExitStack()
    try:
        renderer = Renderer(
            project.templates, settings, asset_versions(project.static),
            links=moved.links, holders=moved.holders, navigation=moved.navigation,
        )
        # A core is left idle while trends are found and the leading pages
        # planned: the index pages are rendered on it meanwhile.
        handed = None
        if options.workers > 1 and len(articles) >= PARALLEL_THRESHOLD and _can_fork():
            handed = cleanup.enter_context(_RenderedAside(renderer, staging))
        with clock.stage("index"), _collection_paused():
            site = plan_site(articles, settings, options.workers, handed.start if handed else None, moved)
            index, pages = site.index, site.pages
            # The model and the plan live until the pages are written: frozen
            # before the collector runs again, no collection scans them
            # (render_pages unfreezes them after).
            gc.freeze()
            problems = sorted([*problems, *site.problems], key=_problem_order)
            del site
        if options.strict and problems:
            cleanup.close()  # the process rendering aside stops before its folder goes
            discard(staging)
            return _report(len(index.articles), drafts, Counter(), problems, clock, None, written=False, strict=True)
        shards = plan_shards(search_pages(pages), side_by_side=options.workers) if options.search else ()
        # Search documents are written while the pages are, one folder per
        # shard, in memory where there is room, and gone before publishing.
        docs = None
        if options.search:
            folder = cleanup.enter_context(documents_folder(staging / SEARCH_DOCS, sum(len(s.paths) for s in shards)))
            docs = SearchDocs(folder, shard_doc_paths(shards))
        with clock.stage("render"):
            rest = [page for page in pages if not (handed and handed.has(page))]
            render_pages(rest, renderer, staging, options.workers, only_if_changed=False, docs=docs,
                         alongside=partial(_write_the_rest, clock, project, staging, index, pages, settings, moved))
            if handed:
                handed.wait()
        counts = Counter(page.template.removesuffix(".html") for page in pages if page.is_html)
        report = partial(_report, len(index.articles), drafts, counts, problems, clock, written=True, strict=options.strict)
        # Pagefind needs memory, the model no longer: let it go first, and
        # give the freed heap back to the system.
        del articles, index, pages, rest, renderer
        gc.collect()
        _return_free_memory()
        stats = None
        if docs is not None:
            with clock.stage("search"):
                stats = build_search_index(staging, docs.folder, shards, workers=options.workers)
        with clock.stage("publish"):
            publish(staging, project.output)
    except BaseException:
        cleanup.close()
        discard(staging)
        raise
    finally:
        cleanup.close()
    return report(stats)


def _write_the_rest(
    clock: _Stopwatch, project: Project, staging: Path, index: SiteIndex, pages: Sequence[Page], settings: Settings,
    moved: Moved,
) -> None:
    """The site's files beside its pages: static files, data, feeds, icons,
    and the content's own images and documents."""
    with clock.stage("write"):
        for relpath, path in moved.published:
            write_file(staging, relpath, path.read_bytes(), only_if_changed=False)
        copy_tree(project.static, staging, "static/", only_if_changed=False)
        for relpath, data in site_files(index, pages, settings):
            write_file(staging, relpath, data, only_if_changed=False)


def _report(
    articles: int,
    drafts: list[Article],
    counts: Counter[str],
    problems: list[Problem],
    clock: _Stopwatch,
    stats: SearchStats | None,
    *,
    written: bool,
    strict: bool,
) -> BuildReport:
    return BuildReport(
        articles=articles,
        drafts=len(drafts),
        pages=counts,
        problems=tuple(problems),
        stages=clock.stages,
        seconds=clock.elapsed,
        search=stats,
        written=written,
        strict=strict,
    )


def _problem_order(problem: Problem) -> tuple[str, int, str]:
    return (problem.path, problem.line, problem.message)


# ------------------------------------------------------------ parallel work

@dataclass(frozen=True)
class SearchDocs:
    """Where render_pages writes the search documents of indexed pages."""

    folder: Path
    paths: Mapping[str, str]
    """Document path in `folder`, by the page's output path."""


def render_pages(
    pages: Sequence[Page], renderer: Renderer, root: Path, workers: int, *, only_if_changed: bool,
    docs: SearchDocs | None = None,
    alongside: Callable[[], None] | None = None,
) -> int:
    """Render and write `pages`, and the search documents of those `docs`
    places; returns how many pages changed. `alongside` is work of this
    process's own, done before it takes its share of the pages."""

    def render(page: Page) -> bool:
        path = output_path(page.url)
        changed = write_file(root, path, renderer.render(page), only_if_changed=only_if_changed)
        if docs is not None and path in docs.paths:
            write_file(docs.folder, docs.paths[path], renderer.render_search(page), only_if_changed=only_if_changed)
        return changed

    gc.freeze()  # keep the shared model out of copy-on-write page faults
    try:
        return sum(_map(render, pages, workers, alongside=alongside))
    finally:
        gc.unfreeze()


class _RenderedAside:
    """Pages rendered and written by a forked process of their own while
    this one goes on; `wait` returns once they are written, or raises what
    stopped them. No pool: a pool's threads would be in every later fork."""

    def __init__(self, renderer: Renderer, root: Path) -> None:
        self._renderer, self._root = renderer, root
        self._ids: set[int] = set()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._answer: Connection | None = None

    def start(self, pages: list[Page]) -> None:
        self._ids = {id(page) for page in pages}
        context = multiprocessing.get_context("fork")
        self._answer, reply = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_render_aside, args=(pages, self._renderer, self._root, reply, os.getpid()), daemon=True
        )
        self._process.start()
        reply.close()

    def has(self, page: Page) -> bool:
        return id(page) in self._ids

    def wait(self) -> None:
        if self._process is None or self._answer is None:
            return
        try:
            failure = self._answer.recv()
        except EOFError:
            failure = RuntimeError(f"the process rendering the index pages ended with code {self._process.exitcode}")
        self._process.join()
        self._process = None
        self._answer.close()
        if failure is not None:
            raise failure

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:  # not waited for: the build failed
            self._process.terminate()
            self._process.join()
        if self._answer is not None:
            self._answer.close()


def _render_aside(pages: list[Page], renderer: Renderer, root: Path, reply: Connection, parent: int) -> None:
    _die_with_parent(parent)
    # Forked while planning paused the collector: what exists is frozen, so
    # that rendering, which makes cycles, collects only its own garbage.
    gc.freeze()
    gc.enable()
    failure: BaseException | None = None
    try:
        render_pages(pages, renderer, root, 1, only_if_changed=False)
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which raises it
        failure = exc
    try:
        reply.send(failure)
    except (pickle.PicklingError, TypeError, AttributeError):
        reply.send(RuntimeError(f"rendering the index pages failed: {failure!r}"))


# Worker processes are forked with the job in this global, so that nothing
# big is pickled: the function, the items and the counter of the next chunk.
_MAP_JOB: tuple[object, Sequence[object], object, int] | None = None

CHUNK = 128
"""Most items a process takes at once: small enough that no process is left
working alone at the end for long (128 pages render in about 60 ms)."""


def _map(
    function, items: Sequence[object], workers: int, *, min_items: int = PARALLEL_THRESHOLD,
    alongside: Callable[[], None] | None = None,
) -> list:
    """`function` over `items`, in order, on up to `workers` processes when
    there are `min_items` at least (a few large jobs are worth it too);
    `alongside` is run once by this process, before it takes items.

    This process is one of the workers: a forked worker starts with its
    parent's resident memory (all of the site's model), so one worker fewer
    is that much less memory."""
    global _MAP_JOB
    if workers <= 1 or len(items) < max(2, min_items) or not _can_fork():
        done = [function(item) for item in items]
        if alongside:
            alongside()
        return done
    context = multiprocessing.get_context("fork")
    # Taken in chunks by whoever is free: jobs of unequal size balance.
    _MAP_JOB = (function, items, context.Value("i", 0), max(1, min(CHUNK, len(items) // (workers * 8))))
    try:
        with context.Pool(workers - 1, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            helpers = pool.map_async(_map_share, range(workers - 1))
            if alongside:
                alongside()
            found = dict(_map_share(0))
            for share in helpers.get():
                found.update(share)
        return [found[i] for i in range(len(items))]
    finally:
        _MAP_JOB = None


def _map_share(_: int) -> list[tuple[int, object]]:
    """(index, result) of every chunk of the job this process took."""
    assert _MAP_JOB is not None
    function, items, next_start, size = _MAP_JOB
    done = []
    while True:
        with next_start.get_lock():  # type: ignore[attr-defined]
            start = next_start.value  # type: ignore[attr-defined]
            next_start.value = start + size  # type: ignore[attr-defined]
        if start >= len(items):
            return done
        done.extend((i, function(items[i])) for i in range(start, min(start + size, len(items))))  # type: ignore[operator]


def _die_with_parent(parent: int) -> None:
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


def _return_free_memory() -> None:
    """glibc keeps freed memory for reuse; malloc_trim hands it back."""
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
