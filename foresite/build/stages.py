"""Each stage of the build as a function of values, for the full build
(`pipeline`, which decides their order and schedules them) and the preview
(`preview.rebuild`, which redoes only what a save touched).

Planning is the one stage with a schedule of its own: tag pages need only
the tags' momentum, so they can be handed on (`early`) before trends and
related items are found, and the pages that show no related items are
planned while those are.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from foresite.build.processes import PARALLEL_THRESHOLD, SERIAL, Workers, collection_paused, heap_frozen
from foresite.build.site_files import site_files
from foresite.core.config import Settings
from foresite.core.errors import Problem
from foresite.core.model import Article
from foresite.core.urls import output_path
from foresite.foresight.related import RELATED_JOBS, combine_related, related_job
from foresite.foresight.results import Foresight, build_tag_foresight, foresight_but_related
from foresite.index.site_index import SiteIndex, build_index
from foresite.output.write import copy_files, drop_collisions, write_file
from foresite.pages.foresight_pages import foresight_pages
from foresite.pages.plan import Page, index_pages, leading_pages
from foresite.render.renderer import Renderer
from foresite.render.theme import Theme, static_files
from foresite.search.pagefind import IndexedPage
from foresite.source import read
from foresite.source.parse import ParseResult, decode, parse_article
from foresite.source.read import SourceFile, read_problem, read_source


def build_today() -> datetime.date:
    """Today, or the day SOURCE_DATE_EPOCH names, for reproducible checks."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()


# ------------------------------------------------------------ read and parse


def read_sources(content: Path) -> tuple[list[SourceFile], list[Problem]]:
    """Every source file's bytes, and a located problem for each link to a
    folder and each file that cannot or must not be read."""
    paths, linked = read.walk_content(content)
    sources, problems = read.read_sources(paths)
    return sources, [*map(read.linked_folder_problem, linked), *problems]


def parse_source(source: SourceFile, today: datetime.date, site_language: str = "en") -> ParseResult:
    text, problems = decode(source.data, source.path, source.stamp[1])
    if text is None:
        return ParseResult(None, problems)
    return parse_article(text, source.path, source.article_id, today, site_language)


def parse_path(path: Path, today: datetime.date, site_language: str = "en") -> ParseResult:
    """The file at `path` parsed, or a located error when it cannot be read
    (check and the preview report it; they must not stop on it)."""
    try:
        source = read_source(path)
    except OSError as exc:
        return ParseResult(None, (read_problem(path, exc),))
    return parse_source(source, today, site_language)


@dataclass(frozen=True)
class Parsed:
    articles: list[Article]
    drafts: list[Article]
    problems: list[Problem]


def parse_all(results: Iterable[ParseResult]) -> Parsed:
    """Published articles, drafts and every problem, from parse results."""
    parsed = Parsed([], [], [])
    for result in results:
        parsed.problems.extend(result.problems)
        if result.article is not None:
            (parsed.drafts if result.article.draft else parsed.articles).append(result.article)
    return parsed


def parse_sources(sources: Sequence[SourceFile], today: datetime.date, site_language: str, workers: Workers) -> Parsed:
    return parse_all(workers.map(partial(parse_source, today=today, site_language=site_language), sources))


# ------------------------------------------------------------ index and plan


@dataclass(frozen=True)
class SitePlan:
    index: SiteIndex
    foresight: Foresight
    pages: list[Page]
    problems: list[Problem]


def plan_site(
    articles: Sequence[Article], settings: Settings, workers: Workers = SERIAL,
    early: Callable[[list[Page]], None] | None = None,
) -> SitePlan:
    """Index, foresight and the page plan; pages that would collide on disk
    are left out. `early`, if given, is handed the index pages (listings,
    tags, …) as soon as they can be planned, before trends and related items
    are found, so that they can be rendered meanwhile; they are in the plan
    all the same, and win any clash (they may be written already)."""
    with collection_paused():
        return _plan_site(articles, settings, workers, early)


def _plan_site(
    articles: Sequence[Article], settings: Settings, workers: Workers, early: Callable[[list[Page]], None] | None
) -> SitePlan:
    index = build_index(articles)
    tags = build_tag_foresight(index, settings)
    handed: list[Page] = []
    problems = list(index.problems)
    if early is not None:
        handed, collisions = without_collisions(index_pages(index, settings, tags.of_tag))
        problems.extend(collisions)
        early(handed)
    known = foresight_but_related(index, settings, tags)
    later: list[Page] = []

    def plan_later() -> None:
        if early is None:
            later.extend(index_pages(index, settings, known.of_tag))
        later.extend(foresight_pages(index, settings, known))

    # Related items are six large, independent jobs: worth a process each
    # once there are enough articles to repay the fork; the pages that show
    # none are planned meanwhile.
    spread = workers if len(articles) >= PARALLEL_THRESHOLD else SERIAL
    jobs = RELATED_JOBS if settings.related.count else ()
    job = partial(related_job, index=index, trends=known.trends, settings=settings.related)
    found = spread.map(job, jobs, min_items=2, alongside=plan_later)
    foresight = replace(known, related=combine_related(index, found))
    leading = list(leading_pages(index, settings, foresight))
    pages, collisions = _in_plan_order(leading, handed, later)
    return SitePlan(index, foresight, pages, [*problems, *collisions])


def _in_plan_order(leading: list[Page], handed: list[Page], later: list[Page]) -> tuple[list[Page], list[Problem]]:
    """Leading pages, handed pages, the rest; handed pages win any clash."""
    ranked = [(rank, n, page) for rank, group in ((1, handed), (0, leading), (2, later)) for n, page in enumerate(group)]
    kept, collisions = drop_collisions((output_path(page.url), page.source, (rank, n, page)) for rank, n, page in ranked)
    return [page for _, _, page in sorted(kept, key=lambda item: item[:2])], collisions


def without_collisions(pages: Iterable[Page]) -> tuple[list[Page], list[Problem]]:
    return drop_collisions((output_path(p.url), p.source, p) for p in pages)


def plan(articles: Sequence[Article], settings: Settings) -> tuple[SiteIndex, list[Page], list[Problem]]:
    """Index and page plan, for `check`."""
    site = plan_site(articles, settings)
    return site.index, site.pages, site.problems


# ------------------------------------------------------------ render and write


@dataclass(frozen=True)
class SearchDocs:
    """Where render_pages writes the search documents of indexed pages."""

    folder: Path
    paths: Mapping[str, str]
    """Document path in `folder`, by the page's output path."""


def render_pages(
    pages: Sequence[Page], renderer: Renderer, root: Path, workers: Workers, *, only_if_changed: bool,
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

    with heap_frozen():  # keep the shared model out of copy-on-write page faults
        return sum(workers.map(render, pages, alongside=alongside))


def write_site_files(theme: Theme, root: Path, index: SiteIndex, pages: Sequence[Page], settings: Settings) -> None:
    """The site's files beside its pages: static files, data, feeds, icons."""
    copy_files(static_files(theme), root, "static/", only_if_changed=False)
    for relpath, data in site_files(index, pages, settings):
        write_file(root, relpath, data, only_if_changed=False)


def search_pages(pages: Sequence[Page]) -> list[IndexedPage]:
    """The pages the search index takes, oldest first (plans list articles
    newest first), so that each shard's pages come in a stable order."""
    return [IndexedPage(output_path(p.url), p.language, p.search_group) for p in reversed(pages) if p.indexed]
