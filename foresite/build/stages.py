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
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from foresite.build.processes import PARALLEL_THRESHOLD, SERIAL, StopFlag, Workers, collection_paused
from foresite.build.site_files import is_generated_path, site_files
from foresite.core.config import Settings
from foresite.core.errors import Problem, warning
from foresite.core.model import Article, HandwrittenPage
from foresite.core.urls import SiteLinks, is_plain_path, output_path, page_url, site_links
from foresite.foresight.related import RELATED_JOBS, combine_related, related_job
from foresite.foresight.results import Foresight, build_tag_foresight, foresight_but_related
from foresite.index.links import link_problems, resolve_closest
from foresite.index.site_index import SiteIndex, build_index
from foresite.output.write import copy_files, drop_collisions, write_file
from foresite.pages.foresight_pages import foresight_pages
from foresite.pages.handwritten import handwritten_pages, navigation, redirect_pages
from foresite.pages.plan import Page, index_pages, leading_pages
from foresite.render.renderer import Renderer
from foresite.render.theme import Theme, static_files
from foresite.search.pagefind import IndexedPage
from foresite.source.handwritten import parse_page
from foresite.source.parse import ParseResult, decode, parse_article
from foresite.source.read import (
    ContentFiles,
    Selection,
    SourceFile,
    content_relpath,
    display_path,
    list_content,
    read_bounded,
    read_problem,
    read_source,
)


def build_today() -> datetime.date:
    """Today, or the day SOURCE_DATE_EPOCH names, for reproducible checks."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()


# ------------------------------------------------------------ read and parse


@dataclass(frozen=True)
class Sources:
    """The content folder as read: its files sorted out, the articles' and
    the hand-written pages' bytes, and a located problem for each file that
    could not or must not be read (a file that vanishes after listing costs
    only itself)."""

    files: ContentFiles
    articles: list[SourceFile]
    pages: list[tuple[str, SourceFile]]
    """(path in the content folder, file) of each hand-written page."""
    problems: list[Problem]


def read_sources(content: Path, settings: Settings, *, articles: bool = True) -> Sources:
    """The content folder read; without the articles' bytes when not `articles`
    (the preview, which keeps its own parse of each article)."""
    files = list_content(content, Selection.of(settings), settings.max_file_mb * 1_000_000)
    problems = list(files.problems)
    read = [source for path in (files.articles if articles else []) if (source := _read(path, problems))]
    pages = [(content_relpath(content, path), source) for path in files.pages if (source := _read(path, problems))]
    return Sources(files, read, pages, problems)


def _read(path: Path, problems: list[Problem]) -> SourceFile | None:
    try:
        return read_source(path)
    except OSError as exc:
        problems.append(read_problem(path, exc))
        return None


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


# ------------------------------------------------------------ move in


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


def move_in(content: Path, sources: Sources, articles: Sequence[Article], settings: Settings) -> tuple[Moved, list[Article], list[Problem]]:
    """Pages parsed, links between content files found, Closest links by
    address made links by id; and every problem with them."""
    problems: list[Problem] = []
    pages = []
    for relpath, source in sources.pages:
        page, found = parse_page(source.data, source.path, relpath, settings.language)
        problems.extend(found)
        if page is not None:
            pages.append(page)
    published = []
    for relpath, path in sources.files.published:
        shown = display_path(path)
        if not is_plain_path(relpath):
            problems.append(warning(shown, 1, "not published: its path must be plain ASCII letters, digits and - _ . ( )"))
        elif is_generated_path(relpath):
            problems.append(warning(shown, 1, f"not published: the site writes '{relpath}' itself"))
        else:
            published.append((relpath, path))
    holders = {p.stem: content_relpath(content, p) for p in sources.files.articles}
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


# ------------------------------------------------------------ index and plan


@dataclass(frozen=True)
class SitePlan:
    index: SiteIndex
    foresight: Foresight
    pages: list[Page]
    problems: list[Problem]


def plan_site(
    articles: Sequence[Article], settings: Settings, workers: Workers = SERIAL,
    early: Callable[[list[Page]], None] | None = None, moved: Moved = Moved(), today: datetime.date = datetime.date.max,
) -> SitePlan:
    """Index, foresight and the page plan; pages that would collide on disk
    are left out. `early`, if given, is handed the index pages (listings,
    tags, …) as soon as they can be planned, before trends and related items
    are found, so that they can be rendered meanwhile; they are in the plan
    all the same, and win any clash (they may be written already).
    Hand-written pages, then redirects from old addresses, come after every
    generated page: a clash is theirs to lose. An article dated after `today`
    (the build's, build_today) leads no list of the latest and stretches no
    time axis; the default counts no date as in the future."""
    with collection_paused():
        site = _plan_site(articles, settings, workers, early, today)
        pages, problems = _with_moved(site.pages, site.index, moved, settings)
        return replace(site, pages=pages, problems=[*site.problems, *problems])


def _with_moved(pages: list[Page], index: SiteIndex, moved: Moved, settings: Settings) -> tuple[list[Page], list[Problem]]:
    if not moved.pages and not settings.jekyll_urls and not settings.redirects:
        return pages, []
    pages, collisions = without_collisions([*pages, *handwritten_pages(moved.pages)])
    files = [(moved.holders.get(a.id, f"{a.id}.md"), a) for a in index.articles]
    redirects, problems = redirect_pages(files, pages, settings)
    pages, clashes = without_collisions([*pages, *redirects])
    return pages, [*collisions, *problems, *clashes]


def _plan_site(
    articles: Sequence[Article], settings: Settings, workers: Workers, early: Callable[[list[Page]], None] | None,
    today: datetime.date,
) -> SitePlan:
    index = build_index(articles)
    tags = build_tag_foresight(index, settings, today)
    handed: list[Page] = []
    problems = list(index.problems)
    if early is not None:
        handed, collisions = without_collisions(index_pages(index, settings, tags.of_tag, today))
        problems.extend(collisions)
        early(handed)
    known = foresight_but_related(index, settings, tags, today)
    later: list[Page] = []

    def plan_later() -> None:
        if early is None:
            later.extend(index_pages(index, settings, known.of_tag, today))
        later.extend(foresight_pages(index, settings, known))

    # Related items are six large, independent jobs: worth a process each
    # once there are enough articles to repay the fork; the pages that show
    # none are planned meanwhile.
    spread = workers if len(articles) >= PARALLEL_THRESHOLD else SERIAL
    jobs = RELATED_JOBS if settings.related.count else ()
    job = partial(related_job, index=index, trends=known.trends, settings=settings.related)
    found = spread.map(job, jobs, min_items=2, alongside=plan_later)
    foresight = replace(known, related=combine_related(index, found))
    leading = list(leading_pages(index, settings, foresight, today))
    pages, collisions = _in_plan_order(leading, handed, later)
    return SitePlan(index, foresight, pages, [*problems, *collisions])


def _in_plan_order(leading: list[Page], handed: list[Page], later: list[Page]) -> tuple[list[Page], list[Problem]]:
    """Leading pages, handed pages, the rest; handed pages win any clash."""
    ranked = [(rank, n, page) for rank, group in ((1, handed), (0, leading), (2, later)) for n, page in enumerate(group)]
    kept, collisions = drop_collisions((output_path(page.url), page.source, (rank, n, page)) for rank, n, page in ranked)
    return [page for _, _, page in sorted(kept, key=lambda item: item[:2])], collisions


def without_collisions(pages: Iterable[Page]) -> tuple[list[Page], list[Problem]]:
    return drop_collisions((output_path(p.url), p.source, p) for p in pages)


def plan(
    articles: Sequence[Article], settings: Settings, moved: Moved = Moved(), today: datetime.date = datetime.date.max
) -> tuple[SiteIndex, list[Page], list[Problem]]:
    """Index and page plan, for `check`."""
    site = plan_site(articles, settings, moved=moved, today=today)
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
    render = partial(_write_page, renderer, root, only_if_changed, docs)
    return sum(page for page, _ in workers.map(render, pages, alongside=alongside))


@dataclass(frozen=True)
class Rendered:
    pages: list[Page]
    """The pages rendered: all, or those done when `stop` was set."""
    written: int
    """How many of them changed."""
    searched: list[str]
    """Output paths of those whose search document changed (or is new)."""


def render_changed(
    pages: Sequence[Page], renderer: Renderer, root: Path, workers: Workers, docs: SearchDocs,
    stop: StopFlag | None = None,
) -> Rendered:
    """Render `pages` and their search documents, writing only bytes that
    changed; until `stop` is set, if given (the preview's whole rebuild so
    gives way to a save)."""
    render = partial(_write_page, renderer, root, True, docs)
    done = workers.map_until(render, pages, stop) if stop is not None else dict(enumerate(workers.map(render, pages)))
    rendered = [pages[i] for i in sorted(done)]
    searched = [output_path(pages[i].url) for i, (_, document) in done.items() if document]
    return Rendered(rendered, sum(page for page, _ in done.values()), searched)


def _write_page(
    renderer: Renderer, root: Path, only_if_changed: bool, docs: SearchDocs | None, page: Page
) -> tuple[bool, bool]:
    """Whether the page's bytes changed, and its search document's."""
    path = output_path(page.url)
    changed = write_file(root, path, renderer.render(page), only_if_changed=only_if_changed)
    if docs is not None and path in docs.paths:
        return changed, write_file(docs.folder, docs.paths[path], renderer.render_search(page), only_if_changed=only_if_changed)
    return changed, False


def write_site_files(theme: Theme, root: Path, site: SitePlan, settings: Settings, moved: Moved = Moved()) -> None:
    """The site's files beside its pages: static files, data, feeds, icons,
    and the content's own images and documents."""
    for relpath, path in moved.published:
        data, _ = read_bounded(path, settings.max_file_mb * 1_000_000)  # never through a link swapped in since
        write_file(root, relpath, data, only_if_changed=False)
    copy_files(static_files(theme), root, "static/", only_if_changed=False)
    for relpath, data in site_files(site.index, site.pages, settings, site.foresight.today):
        write_file(root, relpath, data, only_if_changed=False)


def search_pages(pages: Sequence[Page]) -> list[IndexedPage]:
    """The pages the search index takes, oldest first (plans list articles
    newest first), so that each shard's pages come in a stable order."""
    return [IndexedPage(output_path(p.url), p.language, p.search_group) for p in reversed(pages) if p.indexed]
