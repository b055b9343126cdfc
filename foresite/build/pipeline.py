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

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from foresite.build.processes import (
    PARALLEL_THRESHOLD,
    SERIAL,
    Aside,
    Workers,
    collection_paused,
)
from foresite.build.stages import (
    Moved,
    Parsed,
    SearchDocs,
    SitePlan,
    build_today,
    move_in,
    parse_sources,
    plan_site,
    read_sources,
    render_pages,
    search_pages,
    write_site_files,
)
from foresite.core.config import Settings
from foresite.core.errors import Problem, Reported, in_report_order
from foresite.output.write import claimed_output, discard, new_staging, publish, sweep_stale
from foresite.pages.plan import Page
from foresite.render.renderer import Renderer, asset_versions
from foresite.render.theme import TemplateFailure, Theme, project_theme
from foresite.search.pagefind import (
    SearchStats,
    Shard,
    build_search_index,
    documents_folder,
    plan_shards,
    shard_doc_paths,
)

SEARCH_DOCS = ".search-docs"
"""Folder of the staging site where search documents wait for Pagefind
when the machine has no memory file system with room for them."""


@dataclass(frozen=True)
class Project:
    """Where a project's parts live."""

    content: Path
    templates: Path
    """The project's own templates, if it has any: each replaces the shipped theme's of its name."""
    static: Path
    """The project's own static files, likewise."""
    output: Path

    @property
    def theme(self) -> Theme:
        """Where templates and static files come from, as the folders are now."""
        return project_theme(self.templates, self.static)


@dataclass(frozen=True)
class BuildOptions:
    project: Project
    settings: Settings
    strict: bool = False
    search: bool = True
    workers: int = 2


@dataclass(frozen=True)
class BuildReport(Reported):
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


@dataclass
class _Stopwatch:
    started: float = field(default_factory=time.perf_counter)
    _seconds: dict[str, float] = field(default_factory=dict)
    """By stage, in the order stages begin."""

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        self._seconds[name] = 0.0
        try:
            yield
        finally:
            self._seconds[name] = time.perf_counter() - start

    @property
    def stages(self) -> tuple[tuple[str, float], ...]:
        return tuple(self._seconds.items())

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def build(options: BuildOptions) -> BuildReport:
    """A full build into a fresh folder, swapped in whole at the end. The output
    folder is claimed first (OutputRefused when it is not foresite's to replace,
    or another build is writing it) and held to the end."""
    project, settings, workers, clock = options.project, options.settings, Workers(options.workers), _Stopwatch()
    with claimed_output(project.output, project.content):
        with clock.stage("read"):
            sources = read_sources(project.content, settings)
        with clock.stage("parse"), collection_paused():
            today = build_today()
            parsed = parse_sources(sources.articles, today, settings.language, workers)
            moved, articles, found = move_in(project.content, sources, parsed.articles, settings)
            parsed = Parsed(articles, parsed.drafts, [*sources.problems, *parsed.problems, *found])
        # The files' bytes are parsed: gone before any worker is forked, since a
        # fork starts with its parent's resident memory.
        del sources
        # Templates that cannot be read stop the build before it writes anything;
        # one that fails on a page stops it before the new site replaces the old.
        theme = project.theme
        renderer = Renderer(
            theme, settings, asset_versions(theme), links=moved.links, holders=moved.holders, navigation=moved.navigation
        )
        if template_problems := renderer.check_template_files():
            raise TemplateFailure(*template_problems)
        with _staged(project.output) as staging, Aside() as aside:
            # Cross-links need every article, so the plan waits for all parsing;
            # index pages need no trends, and a core renders them meanwhile.
            early = _EarlyPages(aside, renderer, staging) if _renders_early(workers, parsed) else None
            with clock.stage("index"):
                site = plan_site(parsed.articles, settings, workers, early.start if early else None, moved, today)
            report = _Report.of(site, parsed, in_report_order([*parsed.problems, *site.problems]), options.strict)
            if options.strict and report.problems:
                return report.done(clock, None, written=False)
            # Search documents are written with the pages, in memory where there is room.
            shards = plan_shards(search_pages(site.pages), side_by_side=options.workers) if options.search else None
            with _documents(staging, shards) as docs:
                with clock.stage("render"):
                    rest = [page for page in site.pages if not (early and early.has(page))]
                    write_rest = partial(_write_the_rest, clock, theme, staging, site, settings, moved)
                    render_pages(rest, renderer, staging, workers, only_if_changed=False, docs=docs, alongside=write_rest)
                    aside.wait()
                # Pagefind needs memory, the model no longer: let it go first.
                del site, rest, renderer, write_rest, parsed, early
                stats = None
                if docs is not None:
                    with clock.stage("search"):
                        stats = build_search_index(staging, docs.folder, shards or (), workers=options.workers)
            with clock.stage("publish"):
                publish(staging, project.output)
        return report.done(clock, stats, written=True)


def _renders_early(workers: Workers, parsed: Parsed) -> bool:
    """Worth a process of its own only where the index pages are many."""
    return workers.parallel and len(parsed.articles) >= PARALLEL_THRESHOLD


class _EarlyPages:
    """The index pages, rendered and written by a process aside while this
    one finds trends and related items and renders the rest."""

    def __init__(self, aside: Aside, renderer: Renderer, root: Path) -> None:
        self._aside, self._renderer, self._root = aside, renderer, root
        self._urls: frozenset[str] = frozenset()

    def start(self, pages: list[Page]) -> None:
        self._urls = frozenset(page.url for page in pages)
        self._aside.start(partial(render_pages, pages, self._renderer, self._root, SERIAL, only_if_changed=False))

    def has(self, page: Page) -> bool:
        return page.url in self._urls


@contextmanager
def _staged(output: Path) -> Iterator[Path]:
    """A fresh folder beside `output`, for `publish` to swap in; gone on any
    failure, so that the old site stays whole."""
    sweep_stale(output)
    staging = new_staging(output)
    try:
        yield staging
    finally:
        discard(staging)  # nothing is left there once published


@contextmanager
def _documents(staging: Path, shards: Sequence[Shard] | None) -> Iterator[SearchDocs | None]:
    if shards is None:
        yield None
        return
    with documents_folder(staging / SEARCH_DOCS, sum(len(s.paths) for s in shards)) as folder:
        yield SearchDocs(folder, shard_doc_paths(shards))


def _write_the_rest(clock: _Stopwatch, theme: Theme, staging: Path, site: SitePlan, settings: Settings, moved: Moved) -> None:
    with clock.stage("write"):
        write_site_files(theme, staging, site, settings, moved)


@dataclass(frozen=True)
class _Report:
    """What the report says of the plan, kept once the plan is let go."""

    articles: int
    drafts: int
    pages: Counter[str]
    problems: tuple[Problem, ...]
    strict: bool

    @classmethod
    def of(cls, site: SitePlan, parsed: Parsed, problems: tuple[Problem, ...], strict: bool) -> _Report:
        counts = Counter(page.template.removesuffix(".html") for page in site.pages if page.is_html)
        return cls(len(site.index.articles), len(parsed.drafts), counts, problems, strict)

    def done(self, clock: _Stopwatch, stats: SearchStats | None, *, written: bool) -> BuildReport:
        return BuildReport(
            articles=self.articles,
            drafts=self.drafts,
            pages=self.pages if written else Counter(),
            problems=self.problems,
            stages=clock.stages,
            seconds=clock.elapsed,
            search=stats,
            written=written,
            strict=self.strict,
        )


