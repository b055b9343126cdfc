"""The preview's rebuild: a full build's stages, redoing only what an edit touched.

A full build reads, parses, indexes, plans, renders and writes everything.
Here each step is kept from one rebuild to the next and redone only where
its input changed:

- parse results are cached by (path, stamp): only saved files are re-read;
- the index and the page plan are rebuilt whole (they need every article),
  but unchanged articles keep their identity, so comparing a page with the
  previous build's page at the same URL is cheap; only pages that differ are
  rendered, since a page's bytes are a pure function of (template, page);
- a change to templates/, static/ or the settings file re-renders everything;
- only files whose bytes changed are written, and files of pages that are
  gone are deleted.

The result (`rebuild`) is the site a full build of the same content writes,
the search bundle aside, which `PreviewSearch` keeps current after it.

Planning the whole site takes seconds at a few thousand articles (trends and
related items compare every article with the others), so a save is shown in
two steps: `show_saved` renders the saved articles' own pages at once (and
the article pages whose Closest sections link to them), from the previous
plan's trends and related items and an index of those articles only, which
`corpus.Corpus` finds without going through the others, with the listings,
tag pages, home and timeline that list them, from the last index patched
(`listings.patched_index`), and the pages of the rows of the trends they
join or leave, from the last trends patched (`trend_rows.TrendMatcher`);
the pages of a
deleted or renamed article, or hand-written page, are removed at once, and a
saved hand-written page or file published beside the pages is written.
`rebuild` then brings every page up to date: the listings, tags, home and
timeline that a save only shifted as soon as they are planned, the rest
after. It plans without holding the lock and renders on every worker, which
stop taking pages as soon as a save waits (`stages.render_changed`): the save
is shown, then the rendering goes on, so that a save is never queued behind
background work; a plan a save made stale is redone, and pages already
written are not rendered again.
A save to templates, static files or settings changes every page: the pages
open in a browser are written first (`show_setup`).

An edit that breaks a file does not break the preview: the file keeps
showing its last good version (see `is_acceptable`) until a save fixes it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import assert_never

from foresite.build.pipeline import Project
from foresite.build.processes import SERIAL, StopFlag, Workers, freeze_heap, stop_flag
from foresite.build.site_files import site_files
from foresite.build.stages import (
    Moved,
    Rendered,
    SearchDocs,
    SitePlan,
    build_today,
    move_in,
    parse_path,
    plan_site,
    read_sources,
    render_changed,
    render_pages,
    search_pages,
)
from foresite.core.config import Settings
from foresite.core.errors import Problem, SettingsError
from foresite.core.model import Article, Kind
from foresite.core.urls import article_url, entry_url, output_path, rows_file_url
from foresite.foresight.results import Foresight
from foresite.foresight.trends import Trends
from foresite.index.links import resolve_closest
from foresite.index.site_index import ArticleTags, Placed, SiteIndex
from foresite.output.write import MARKER, MARKER_TEXT, copy_files, remove_files, write_file
from foresite.pages.contexts import (
    ArticleContext,
    DataContext,
    EntryContext,
    HandwrittenContext,
    HomeContext,
    InsightsContext,
    ListingContext,
    NotFoundContext,
    RedirectContext,
    RowsFileContext,
    SearchContext,
    TagContext,
    TagIndexContext,
    TimelineContext,
    TrendContext,
    TrendsContext,
)
from foresite.pages.handwritten import handwritten_pages
from foresite.pages.plan import Page, article_page, article_pages, entry_pages
from foresite.preview.corpus import Change, Corpus
from foresite.preview.listings import listed_pages, patched_index, shows_any
from foresite.preview.serve import BackgroundJob
from foresite.preview.trend_rows import TrendMatcher
from foresite.render.renderer import Renderer, asset_versions
from foresite.render.theme import TemplateFailure, static_files
from foresite.search.pagefind import BUNDLE, IndexedPage, Shard, doc_name, remove_docs, update_search_index
from foresite.source.handwritten import parse_page
from foresite.source.parse import ParseResult
from foresite.source.read import (
    PUBLISHED_SUFFIXES,
    Selection,
    content_relpath,
    display_path,
    is_source,
    list_content,
    read_bounded,
    read_source,
    stamp_of,
)

Stamp = tuple[int, int]
Setup = tuple[tuple[str, Stamp], ...]


@dataclass(frozen=True)
class CachedFile:
    """What the preview knows of one content file."""

    stamp: Stamp
    latest: ParseResult
    """The parse of the file as it is now, for its messages."""
    shown: ParseResult | None
    """The parse the site shows: the latest acceptable one, if any."""


@dataclass(frozen=True)
class RebuildReport:
    reparsed: tuple[str, ...]
    """Content files read again (changed, added) or dropped (deleted)."""
    kept: tuple[str, ...]
    """Files whose edit was refused: the site shows their last good version."""
    problems: tuple[Problem, ...]
    """Problems of the files reparsed, and problems across articles that are new."""
    articles: int
    rendered: int
    """Pages rendered because they differ from the pages last written."""
    written: int
    """Files whose bytes changed."""
    removed: int
    indexed_changed: tuple[str, ...]
    """Output paths of search-indexed pages written or removed since the last whole rebuild."""
    indexed: tuple[IndexedPage, ...]
    """Every page the search index takes, in the order it takes them."""
    seconds: float
    whole: bool = True
    """Whether every page is now up to date (`rebuild`), or only the saved articles' own (`show_saved`)."""
    saved_indexed: tuple[str, ...] = ()
    """Output paths of the saved articles' own pages that `show_saved` wrote and search takes."""
    saves: tuple[tuple[str, str], ...] = ()
    """(content file, 'added', 'edited' or 'deleted') of each file `show_saved` took in."""

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def is_acceptable(new: ParseResult, shown: ParseResult | None) -> bool:
    """Whether the preview shows a file's new parse.

    Not when it has no article (bad YAML, not text, unreadable), nor when
    the edit added a problem the shown version did not have, such as a row
    with the wrong number of cells: an editor saving half-typed work keeps
    seeing the last good page, and the terminal says what to fix."""
    if new.article is None:
        return False
    if shown is None:
        return True
    return not (_messages(new) - _messages(shown))


def _messages(result: ParseResult) -> Counter[str]:
    # Without line numbers: lines move when the editor adds text above.
    return Counter(f"{p.level.value}: {p.message}" for p in result.problems)


@dataclass
class _State:
    """Everything a rebuild keeps for the next one."""

    files: dict[str, CachedFile] = field(default_factory=dict)
    """By display path."""
    others: dict[str, Stamp] = field(default_factory=dict)
    """Stamps of the content folder's hand-written pages and files to publish, by display path."""
    corpus: Corpus = field(default_factory=Corpus)
    """The articles `files` show, as a full build would index them."""
    generation: int = 0
    """Counts the changes to what `files` and `others` show: a plan made before the last one is stale."""
    pages: dict[str, Page] = field(default_factory=dict)
    """The pages last written, by URL."""
    outputs: frozenset[str] = frozenset()
    """Every file of the site as last rebuilt whole, relative to the output."""
    plan: SitePlan | None = None
    """The last whole rebuild's plan."""
    listed: SiteIndex | None = None
    """The last plan's index, patched with the saves since (preview.listings):
    what the listings written at a save show."""
    trended: Trends | None = None
    """The last plan's trends, patched with the saves since (preview.trend_rows)."""
    matcher: TrendMatcher | None = None
    """Finds a row's trend among the last plan's; made at the first save after it."""
    moved: Moved = field(default_factory=Moved)
    """The last whole rebuild's pages, published files and links between content files."""
    planned_generation: int = -1
    setup: Setup = ()
    settings: Settings | None = None
    renderer: Renderer | None = None
    index_problems: frozenset[Problem] = frozenset()
    search_changed: set[str] = field(default_factory=set)
    """Indexed pages written or removed since the search index was last told."""


@dataclass(frozen=True)
class _Snapshot:
    """What a whole rebuild plans from, taken under the lock."""

    generation: int
    articles: tuple[Article, ...]
    setup: Setup
    settings: Settings
    reparsed: tuple[str, ...]
    problems: tuple[Problem, ...]
    moved: Moved = field(default_factory=Moved)
    moved_problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class _Refreshed:
    """What re-reading the content files found."""

    reparsed: list[str]
    problems: list[Problem]
    saves: list[tuple[str, str]]
    left: list[Article]
    """Articles no longer shown under their permalink."""
    joined: list[Article]
    """Articles shown now, new or changed."""
    others: list[Path]
    """Hand-written pages and files to publish that were added, changed or removed."""


BACKGROUND_NICENESS = 10
"""The whole rebuild's forked workers, and the preview's Pagefind, run at
this lower priority, so that a save being shown gets the processors."""

SAVE_SWITCH_INTERVAL = 0.0001
"""Seconds between two hand-overs of the interpreter lock while a save is
shown (sys.setswitchinterval; 0.005 otherwise). The whole rebuild plans in
this process, in Python: each time the save's thread gives the lock away
(a file written, a stat), it waited up to 5 ms to get it back, and a save
at 3,000 articles, which writes some fifty pages, took 0.6 to 1.7 s
instead of 0.3 s while a whole rebuild planned."""


class IncrementalBuilder:
    """Keeps a preview folder equal to a full build of the project.

    Safe to call from two threads: the watcher's (`show_saved`) and a
    background one (`rebuild`). A save comes first: `rebuild`'s rendering
    stops as soon as a `show_saved` waits, lets it in, then goes on."""

    def __init__(
        self,
        project: Project,
        settings_file: Path,
        load_settings: Callable[[], Settings],
        *,
        workers: int = 2,
    ) -> None:
        self.project = project
        self.settings_file = settings_file
        self.load_settings = load_settings
        self.workers = workers
        self.own_pages_shown: Callable[[], None] | None = None
        """Told when a save's own pages are written or removed, before the
        pages listing them are (the server reloads the browsers twice)."""
        self.shown_aside: Callable[[RebuildReport], None] | None = None
        """Told of saves that `rebuild` found and showed at once, before the
        watcher reported them (the watcher then finds them shown)."""
        self.state = _State()
        self._lock = threading.RLock()
        self._saves = threading.Condition()
        self._saves_waiting = 0
        self._save_waits = stop_flag()
        """Set while a save waits: the rendering processes of a whole rebuild
        stop taking pages (within a few dozen), and it lets the save in."""

    # ------------------------------------------------------------ whole site

    def rebuild(self) -> RebuildReport:
        """Bring every file of the output folder up to date with the project."""
        start = time.perf_counter()
        reparsed: tuple[str, ...] = ()
        problems: tuple[Problem, ...] = ()
        while True:
            self._let_saves_in()
            with self._lock:
                # A save made a moment ago, which the watcher has not reported
                # yet, is shown at once as the watcher would, not taken in by
                # this look at every file and shown only with every page.
                shown = self._show_saved(None, time.perf_counter()) if self.shown_aside else None
                if shown is None:  # nothing shown yet, or every page changes
                    reparsed, problems = self._refresh_into(reparsed, problems)
                snapshot = self._snapshot(reparsed, problems)
            if shown is not None and shown.saves and self.shown_aside is not None:
                self.shown_aside(shown)  # said as the watcher's saves are, and not again by this rebuild
            if snapshot is None:
                return self._unchanged(reparsed, problems, start)
            # Outside the lock: planning takes seconds, and a save meanwhile
            # must still be shown at once (then this plan is made again).
            # The listings need no trends: written as soon as they are planned.
            # Related items on every worker, as a build finds them.
            site = plan_site(snapshot.articles, snapshot.settings, workers=Workers(self.workers, BACKGROUND_NICENESS),
                             early=partial(self._write_early, snapshot), moved=snapshot.moved, today=build_today())
            extra = list(site_files(site.index, site.pages, snapshot.settings, site.foresight.today))
            report = self._write_whole(snapshot, site, extra, start)
            if report is not None:
                break
        # Made here, not by the next save, which would wait for it.
        matcher = TrendMatcher(site.foresight.trends)
        with self._lock:
            if self.state.plan is site and self.state.matcher is None:
                self.state.matcher = matcher
        # The site's model lives on until the next rebuild: keep the cyclic
        # collector from scanning it again at every save meanwhile (what
        # the last rebuild froze is let go first, so none of it leaks).
        freeze_heap()
        return report

    def _refresh_into(
        self, reparsed: tuple[str, ...], problems: tuple[Problem, ...]
    ) -> tuple[tuple[str, ...], tuple[Problem, ...]]:
        refreshed = self._refresh_files()
        return (*reparsed, *refreshed.reparsed), (*problems, *refreshed.problems)

    def _snapshot(self, reparsed: tuple[str, ...], problems: tuple[Problem, ...]) -> _Snapshot | None:
        """What to plan from; None when the site shows what the files hold."""
        setup = self._setup_stamps()
        state = self.state
        if setup == state.setup and state.planned_generation == state.generation:
            return None
        settings = self._settings(setup)  # a SettingsError keeps the last good site
        if setup != state.setup:
            self._renderer(setup, settings, Moved())  # so does a template that cannot be read
        articles = self._published()
        # Hand-written pages and the links between content files, as a full build finds them.
        sources = read_sources(self.project.content, settings, articles=False)
        moved, resolved, found = move_in(self.project.content, sources, articles, settings)
        return _Snapshot(state.generation, tuple(resolved), setup, settings, reparsed, problems, moved,
                         (*sources.problems, *found))

    def _write_early(self, snapshot: _Snapshot, pages: list[Page]) -> None:
        """Write the listings, tags, home and timeline that changed, before
        trends and related items are found; not when every page changes."""
        self._let_saves_in()
        with self._lock:
            state = self.state
            if snapshot.generation != state.generation or snapshot.setup != state.setup:
                return
            if snapshot.moved.navigation != state.moved.navigation or state.renderer is None:
                return
            renderer = state.renderer
            changed = [p for p in pages if state.pages.get(p.url) != p]
        self._render_giving_way(changed, renderer, snapshot.generation)

    def _render_giving_way(self, pages: list[Page], renderer: Renderer, generation: int) -> int | None:
        """Render `pages` on every worker, giving way to a save as soon as
        one waits, then going on; None when a save made them stale (those
        written so far are remembered)."""
        written = 0
        while pages:
            self._let_saves_in()
            with self._lock:
                if generation != self.state.generation:
                    return None
                rendered = self._render(pages, renderer, Workers(self.workers, BACKGROUND_NICENESS), self._save_waits)
            written += rendered.written
            done = {id(p) for p in rendered.pages}
            pages = [p for p in pages if id(p) not in done]
        return written

    def _render(self, pages: list[Page], renderer: Renderer, workers: Workers, stop: StopFlag | None = None) -> Rendered:
        """Render and write `pages` (until `stop` is set, if given), and
        remember those rendered; under the lock."""
        state, output = self.state, self.project.output
        rendered = render_changed(pages, renderer, output, workers, _flat_docs(search_docs(output), pages), stop)
        state.pages.update((p.url, p) for p in rendered.pages)
        # So that the next whole rebuild removes them if they are gone by then.
        state.outputs |= {output_path(p.url) for p in rendered.pages}
        # Search is told only of documents that changed: a template or
        # settings save rewrites every page, and often no document.
        state.search_changed.update(rendered.searched)
        return rendered

    def _write_whole(
        self, snapshot: _Snapshot, site: SitePlan, extra: list[tuple[str, bytes]], start: float
    ) -> RebuildReport | None:
        """Every page that changed, in chunks; None when a save made the plan stale."""
        with self._lock:
            state = self.state
            if snapshot.generation != state.generation:
                return None
            renderer = self._renderer(snapshot.setup, snapshot.settings, snapshot.moved)
            everything = snapshot.setup != state.setup or snapshot.moved.navigation != state.moved.navigation
            relinked = _Relinked(_relinked(state.moved, snapshot.moved) if state.plan is not None else frozenset())
            changed_pages = [p for p in site.pages if everything or state.pages.get(p.url) != p or relinked.shows(p)]
        written = self._render_giving_way(changed_pages, renderer, snapshot.generation)
        self._let_saves_in()
        with self._lock:
            if written is None or snapshot.generation != self.state.generation:
                return None
            beside, removed = self._write_beside(snapshot, site, extra, everything)
            return self._finish_whole(snapshot, site, renderer, changed_pages, written + beside, removed, start)

    def _write_beside(
        self, snapshot: _Snapshot, site: SitePlan, extra: list[tuple[str, bytes]], everything: bool
    ) -> tuple[int, int]:
        """The files beside the pages (static files, data, feeds, the content's
        own files), and files of pages gone removed: how many written, removed."""
        state, output = self.state, self.project.output
        outputs = {output_path(p.url) for p in site.pages}
        static = static_files(self.project.theme)
        written = copy_files(static, output, "static/", only_if_changed=True) if everything else 0
        outputs.update(f"static/{name}" for name in static)
        limit = snapshot.settings.max_file_mb * 1_000_000
        published = [(relpath, read_bounded(path, limit)[0]) for relpath, path in snapshot.moved.published]
        for relpath, data in (*published, *extra, (MARKER, MARKER_TEXT)):  # marked as a full build's site is
            written += write_file(output, relpath, data, only_if_changed=True)
            outputs.add(relpath)
        gone = sorted(state.outputs - outputs) if state.plan is not None else _strays(output, outputs)
        remove_files(output, gone)
        gone_indexed = {output_path(p.url) for p in state.pages.values() if p.indexed} & set(gone)
        remove_docs(search_docs(output), gone_indexed)
        state.search_changed |= gone_indexed
        state.outputs = frozenset(outputs)
        return written, len(gone)

    def _finish_whole(
        self, snapshot: _Snapshot, site: SitePlan, renderer: Renderer, changed_pages: list[Page], written: int,
        removed: int, start: float,
    ) -> RebuildReport:
        state = self.state
        index_problems = [*snapshot.moved_problems, *site.problems]
        new_index_problems = [p for p in index_problems if p not in state.index_problems]
        state.pages = {p.url: p for p in site.pages}
        state.plan, state.planned_generation, state.moved = site, snapshot.generation, snapshot.moved
        state.listed, state.trended, state.matcher = None, None, None
        state.setup, state.settings, state.renderer = snapshot.setup, snapshot.settings, renderer
        state.index_problems = frozenset(index_problems)
        search_changed, state.search_changed = state.search_changed, set()
        return RebuildReport(
            reparsed=snapshot.reparsed,
            kept=tuple(path for path in snapshot.reparsed if _is_kept(state.files.get(path))),
            problems=tuple(sorted([*snapshot.problems, *new_index_problems])),
            articles=len(site.index.articles),
            rendered=len(changed_pages),
            written=written,
            removed=removed,
            indexed_changed=tuple(sorted(search_changed)),
            indexed=tuple(search_pages(site.pages)),
            seconds=time.perf_counter() - start,
        )

    def _unchanged(self, reparsed: tuple[str, ...], problems: tuple[Problem, ...], start: float) -> RebuildReport:
        """Saves that changed nothing shown, such as an edit held back."""
        pages = self.state.plan.pages if self.state.plan else []
        articles = len(self.state.plan.index.articles) if self.state.plan else 0
        kept = tuple(path for path in reparsed if _is_kept(self.state.files.get(path)))
        return RebuildReport(
            reparsed, kept, tuple(sorted(problems)), articles, 0, 0, 0, (), tuple(search_pages(pages)),
            time.perf_counter() - start,
        )

    def _let_saves_in(self) -> None:
        """Wait while a save is being shown: it comes before background work."""
        with self._saves:
            self._saves.wait_for(lambda: self._saves_waiting == 0)

    @contextmanager
    def _save_first(self) -> Iterator[None]:
        """The lock, for a save: a whole rebuild rendering stops (the flag
        `_save_waits`), and waits at _let_saves_in until the save is shown."""
        with self._saves:
            self._saves_waiting += 1
            self._save_waits.value = True
        try:
            with self._lock:
                usual = sys.getswitchinterval()
                sys.setswitchinterval(SAVE_SWITCH_INTERVAL)
                try:
                    yield
                finally:
                    sys.setswitchinterval(usual)
        finally:
            with self._saves:
                self._saves_waiting -= 1
                self._save_waits.value = self._saves_waiting > 0
                self._saves.notify_all()

    # ------------------------------------------------------------ saved articles first

    def show_saved(self, changed: Iterable[Path] | None = None) -> RebuildReport | None:
        """Write the pages of the articles saved since the last call, at once,
        and remove those of articles deleted or renamed.

        Their tags, cross-links and rows seen again are those a full build
        gives, and so are the Closest links of other articles to them;
        their trends and related items come from the last whole rebuild's
        plan, until `rebuild` brings them and every other page up to date.
        A saved hand-written page, or file published beside the pages, is
        written (or removed) too. `changed` names the files that changed
        (added, edited or removed) when the caller knows them, as the
        server's watcher does; without it, every file is looked at. None
        when only a whole rebuild will do: nothing built yet, or a change
        to templates, static files or settings."""
        start = time.perf_counter()
        with self._save_first():
            return self._show_saved(changed, start)

    def _show_saved(self, changed: Iterable[Path] | None, start: float) -> RebuildReport | None:
        state = self.state
        if state.plan is None or state.renderer is None or self._setup_stamps() != state.setup:
            return None
        refreshed = self._refresh_files(changed)
        if not refreshed.reparsed and not refreshed.others:
            return RebuildReport((), (), (), len(state.corpus), 0, 0, 0, (), (), 0.0, whole=False)
        # By id: a file whose permalink another file has first shows that one's pages, as a full build does.
        saved: dict[str, Article] = {}
        gone: list[Article] = []
        for article in (*refreshed.left, *refreshed.joined):
            kept = state.corpus.article(article.id)
            if kept is not None:
                saved[kept.id] = kept
            else:
                gone.append(article)
        ids = {*saved, *(a.id for a in gone)}
        linking = {a.id: a for changed_id in ids for a in state.corpus.linking_to(changed_id)}
        linking = {i: a for i, a in linking.items() if i not in saved}
        shown = resolve_closest([*saved.values(), *linking.values()], state.moved.links)
        index = state.corpus.index_for(shown)
        foresight, trend_rows = self._trends(shown[:len(saved)], index.same_name, ids)
        pages = [page for article in shown[:len(saved)] for page in article_pages(article, index, foresight)]
        pages += [article_page(article, index, foresight) for article in shown[len(saved):]]
        pages += self._saved_handwritten(refreshed.others)
        # The saved files' own pages first: written, or removed (a deleted
        # article answers 404), and shown before the pages that list them.
        removed = self._remove_pages({p.url for p in pages}, gone, refreshed.others)
        own = self._render([p for p in pages if state.pages.get(p.url) != p], state.renderer, SERIAL)
        written = own.written + self._copy_published(refreshed.others)
        if self.own_pages_shown is not None and (written or removed):
            self.own_pages_shown()
        listed, unlisted = self._listing(shown[:len(saved)], index.tags_of, ids)
        trended = [p for p in self._trend_rows(trend_rows, foresight, ids) if state.pages.get(p.url) != p]
        rest = self._render([*listed, *trended], state.renderer, SERIAL)
        return RebuildReport(
            reparsed=tuple(refreshed.reparsed),
            kept=tuple(path for path in refreshed.reparsed if _is_kept(state.files.get(path))),
            problems=tuple(sorted(refreshed.problems)),
            articles=len(state.corpus),
            rendered=len(own.pages) + len(rest.pages),
            written=written + rest.written,
            removed=removed + unlisted,
            indexed_changed=(),
            indexed=(),
            seconds=time.perf_counter() - start,
            whole=False,
            saved_indexed=(*own.searched, *rest.searched),
            saves=tuple(refreshed.saves),
        )

    def _trends(
        self, saved: Sequence[Article], same_name: Mapping[tuple[Kind, str], Sequence[Placed]], ids: set[str]
    ) -> tuple[Foresight, tuple[Placed, ...]]:
        """The last plan's foresight, its trends patched with the saves
        since (see preview.trend_rows), and the rows of other articles whose
        trend link this save changed."""
        state = self.state
        assert state.plan is not None and state.settings is not None
        foresight = state.plan.foresight
        if not ids:
            return replace(foresight, trends=state.trended or foresight.trends), ()
        if state.matcher is None:
            state.matcher = TrendMatcher(foresight.trends)
        before = state.listed or state.plan.index
        was = [article for i in ids if (article := before.by_id.get(i)) is not None]
        patched = state.matcher.patch(state.trended or foresight.trends, was, saved, same_name, state.settings.trends)
        state.trended = patched.trends
        return replace(foresight, trends=patched.trends), patched.rows

    def _trend_rows(self, rows: Sequence[Placed], foresight: Foresight, ids: set[str]) -> list[Page]:
        """The pages of these rows of other articles, showing their trend as
        `foresight` has it: the last page with its trend link replaced, or,
        for a row that joins or leaves a trend (which also changes how many
        rows seen again it lists), planned again."""
        state = self.state
        pages: list[Page] = []
        again: dict[str, Article] = {}
        for placed in rows:
            page = state.pages.get(entry_url(placed.entry))
            if page is None or not isinstance(page.context, EntryContext) or page.context.article.id in ids:
                continue
            link = foresight.trend_of(placed.article.id, placed.entry)
            if (link is None) == (page.context.trend is None):
                pages.append(replace(page, context=replace(page.context, trend=link)))
            else:
                again[page.context.article.id] = page.context.article
        if again:
            urls = {entry_url(placed.entry) for placed in rows}
            index = state.corpus.index_for(again.values())
            pages += [p for a in again.values() for p in entry_pages(a, index, foresight) if p.url in urls]
        return pages

    def _listing(
        self, saved: Sequence[Article], tags_of: Mapping[str, ArticleTags], ids: set[str]
    ) -> tuple[list[Page], int]:
        """The listings, tag pages, tag indexes, home and timeline that list
        the articles of `ids` as they were or are and changed (see
        preview.listings), from the index of the last save patched with these
        articles; the listing and tag pages that are no more are removed, and
        how many files went."""
        state = self.state
        assert state.plan is not None and state.settings is not None
        if not ids:  # a hand-written page or a published file
            return [], 0
        before = state.listed or state.plan.index
        state.listed = after = patched_index(before, saved, tags_of, ids, state.corpus.tag)
        foresight = state.plan.foresight
        listed = listed_pages(before, after, state.settings, saved, ids, foresight.of_tag, foresight.today)
        removed = self._forget(listed.gone & state.pages.keys(), [])
        pages = []
        for page in listed.pages:
            old = state.pages.get(page.url)
            # A page the save only shifts (the next page of a listing) follows with the whole rebuild.
            if (shows_any(page, ids) or (old is not None and shows_any(old, ids))) and old != page:
                pages.append(page)
        return pages, removed

    def show_setup(self, open_pages: Sequence[str]) -> RebuildReport | None:
        """After a save to templates, static files or settings, which change
        every page: write the pages an editor has open (paths in the output
        folder) at once, from the last plan, before `rebuild` redoes them all
        with the rest. None when there is nothing to show so soon: nothing
        built yet, no such save, or a save that breaks the site (the whole
        rebuild says where, and keeps the last good site)."""
        start = time.perf_counter()
        with self._save_first():
            return self._show_setup(open_pages, start)

    def _show_setup(self, open_pages: Sequence[str], start: float) -> RebuildReport | None:
        state = self.state
        setup = self._setup_stamps()
        if state.plan is None or setup == state.setup or not open_pages:
            return None
        try:
            renderer = self._renderer(setup, self.load_settings(), state.moved)
        except (SettingsError, TemplateFailure):
            return None
        by_path = {output_path(page.url): page for page in state.pages.values()}
        pages = [page for path in open_pages if (page := by_path.get(path)) is not None]
        try:
            # Not remembered as written: the whole rebuild renders every page again.
            written = render_pages(pages, renderer, self.project.output, SERIAL, only_if_changed=True)
        except TemplateFailure:
            return None
        seconds = time.perf_counter() - start
        return RebuildReport((), (), (), len(state.corpus), len(pages), written, 0, (), (), seconds, whole=False)

    def _saved_handwritten(self, others: list[Path]) -> list[Page]:
        """The saved hand-written pages, as the last whole rebuild's links see them."""
        content, settings = self.project.content, self.state.settings or Settings()
        pages: list[Page] = []
        for path in others:
            if path.suffix != ".md" or not path.is_file():
                continue
            try:
                source = read_source(path)
            except OSError:
                continue  # said by the whole rebuild that follows
            page, _ = parse_page(source.data, source.path, content_relpath(content, path), settings.language)
            if page is not None:
                pages.extend(handwritten_pages([page]))
        # A page whose address another page has waits for the whole rebuild, which decides.
        return [p for p in pages if (known := self.state.pages.get(p.url)) is None or known.source == p.source]

    def _copy_published(self, others: list[Path]) -> int:
        """The saved files published beside the pages, that the last whole rebuild published too."""
        published = {display_path(path): relpath for relpath, path in self.state.moved.published}
        limit = (self.state.settings or Settings()).max_file_mb * 1_000_000
        written = 0
        for path in others:
            relpath = published.get(display_path(path))
            if relpath is not None and path.is_file():
                try:
                    written += write_file(self.project.output, relpath, read_bounded(path, limit)[0], only_if_changed=True)
                except OSError:
                    continue  # said by the whole rebuild that follows
        return written

    def _remove_pages(self, shown: set[str], gone: list[Article], others: list[Path]) -> int:
        """Remove the pages of deleted and renamed articles and hand-written
        pages, and deleted published files, at once; how many files went."""
        state = self.state
        gone_others = {display_path(p) for p in others if not p.exists()}
        sources = {*(a.path for a in gone), *gone_others}
        if not sources:  # an edit: nothing went
            return 0
        before = state.listed or (state.plan.index if state.plan else None)
        candidates: Iterable[str] = state.pages  # a hand-written page's: looked for among all
        if not gone_others and before is not None:
            # An article's own pages are found from it, as the last index holds it (its
            # rows' addresses included): looking at every page took 0.3 s at 10,000 articles.
            olds = [before.by_id.get(a.id) or a for a in gone]
            candidates = [url for a in olds for url in (article_url(a), rows_file_url(a), *map(entry_url, a.entries))]
        urls = [
            url for url in dict.fromkeys(candidates)
            if url not in shown and (page := state.pages.get(url)) is not None
            and _is_own(page) and _source_file(page) in sources
        ]
        published = {display_path(path): relpath for relpath, path in state.moved.published}
        return self._forget(urls, [relpath for source, relpath in published.items() if source in sources])

    def _forget(self, urls: Iterable[str], files: list[str]) -> int:
        """Remove the pages of these URLs, their search documents and these
        other files at once; how many files went."""
        state = self.state
        urls = list(urls)
        files = [*(output_path(url) for url in urls), *files]
        remove_files(self.project.output, files)
        gone_indexed = {output_path(url) for url in urls if state.pages[url].indexed}
        remove_docs(search_docs(self.project.output), gone_indexed)
        state.search_changed |= gone_indexed
        for url in urls:
            del state.pages[url]
        state.outputs -= set(files)
        return len(files)

    # ------------------------------------------------------------ content

    def _published(self) -> list[Article]:
        """The articles to build, in the order a full build reads their files."""
        articles = (_published_article(cached.shown) for _, cached in sorted(self.state.files.items()))
        return [a for a in articles if a is not None]

    def _refresh_files(self, changed: Iterable[Path] | None = None) -> _Refreshed:
        """Re-read and re-parse the files whose stamp changed, of `changed`
        if given, else of all; forget deleted ones."""
        content = self.project.content
        selection = self._selection()
        if changed is None:
            listed = list_content(content, selection, (self.state.settings or Settings()).max_file_mb * 1_000_000)
            present = listed.articles
            absent = self.state.files.keys() - {display_path(p) for p in present}
            others = [*listed.pages, *(path for _, path in listed.published)]
            gone_others = [Path(p) for p in self.state.others.keys() - {display_path(p) for p in others}]
        else:
            present, absent, others, gone_others = [], set(), [], []
            for path in sorted(p for p in changed if is_source(content, p, selection)):
                if path.is_file():
                    present.append(path)
                else:
                    absent.add(display_path(path))
            others = sorted(p for p in changed if _is_other(content, p, selection) and p.is_file())
            gone_others = sorted(p for p in changed if _is_other(content, p, selection) and not p.is_file())
        refreshed = self._reread(present, absent)
        restamped = self._restamp(others, gone_others)
        refreshed.others.extend(restamped)
        refreshed.saves.extend((display_path(p), "saved" if p.is_file() else "deleted") for p in restamped)
        return refreshed

    def _restamp(self, present: list[Path], gone: list[Path]) -> list[Path]:
        """Hand-written pages and published files whose stamp changed, or that are gone."""
        others = self.state.others
        changed = []
        for path in present:
            try:
                stamp = stamp_of(path)
            except OSError:
                continue
            if others.get(display_path(path)) != stamp:
                others[display_path(path)] = stamp
                changed.append(path)
        for path in gone:
            if others.pop(display_path(path), None) is not None:
                changed.append(path)
        if changed:
            self.state.generation += 1
        return changed

    def _reread(self, present: list[Path], absent: set[str]) -> _Refreshed:
        today = build_today()
        files = self.state.files
        found = _Refreshed([], [], [], [], [], [])
        changes: list[Change] = []
        shown_changed = False
        for path in present:
            shown_path = display_path(path)
            cached = files.get(shown_path)
            try:
                stamp = stamp_of(path)
            except OSError:  # deleted between the listing and now
                continue
            if cached is not None and cached.stamp == stamp:
                continue
            latest = parse_path(path, today, self.state.settings.language if self.state.settings else Settings.language)
            shown = cached.shown if cached else None
            now_shown = latest if is_acceptable(latest, shown) else shown
            files[shown_path] = CachedFile(stamp, latest, now_shown)
            found.reparsed.append(shown_path)
            found.saves.append((shown_path, "edited" if cached else "added"))
            found.problems.extend(latest.problems)
            if cached is None or now_shown is not shown:
                shown_changed = True
                changes.append((_published_article(shown), _published_article(now_shown)))
        for gone in sorted(absent & files.keys()):
            changes.append((_published_article(files.pop(gone).shown), None))
            found.reparsed.append(gone)
            found.saves.append((gone, "deleted"))
            shown_changed = True
        left, joined = self.state.corpus.update(changes)
        found.left.extend(left)
        found.joined.extend(joined)
        if shown_changed:
            self.state.generation += 1
        return found

    # ------------------------------------------------------------ setup

    def _setup_stamps(self) -> Setup:
        """Stamps of everything but content that every page depends on."""
        stamps = []
        theme = self.project.theme
        for folder in (*theme.templates, *theme.static):
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                stamps.append((path.as_posix(), stamp_of(path)))
        if self.settings_file.is_file():
            stamps.append((self.settings_file.as_posix(), stamp_of(self.settings_file)))
        return tuple(stamps)

    def _selection(self) -> Selection:
        """Which files are articles: hand-written pages and excluded files are not."""
        try:
            return Selection.of(self.state.settings or self.load_settings())
        except SettingsError:  # reported when the site is planned
            return Selection()

    def _settings(self, setup: Setup) -> Settings:
        if self.state.settings is not None and setup == self.state.setup:
            return self.state.settings
        return self.load_settings()

    def _renderer(self, setup: Setup, settings: Settings, moved: Moved) -> Renderer:
        """The renderer for these templates, settings and links; a template
        that cannot be read raises TemplateFailure before any page is written."""
        state = self.state
        if state.renderer is not None and setup == state.setup and _same_links(state.moved, moved):
            return state.renderer
        theme = self.project.theme
        renderer = Renderer(
            theme, settings, asset_versions(theme), links=moved.links, holders=moved.holders, navigation=moved.navigation
        )
        if setup != state.setup and (problems := renderer.check_template_files()):
            raise TemplateFailure(*problems)
        return renderer



def search_docs(output: Path) -> Path:
    """Where the preview keeps the search documents of the pages in `output`:
    beside it, so that they are never served."""
    return output.parent / f".{output.name}.search"


def _flat_docs(folder: Path, pages: list[Page]) -> SearchDocs:
    """The preview keeps every search document in one folder (see
    search.update_search_index)."""
    paths = (output_path(p.url) for p in pages if p.indexed)
    return SearchDocs(folder, {path: doc_name(path) for path in paths})


def _article_of(cached: CachedFile | None) -> Article | None:
    return cached.shown.article if cached is not None and cached.shown is not None else None


def _published_article(shown: ParseResult | None) -> Article | None:
    """The article a shown parse publishes: none for a draft."""
    article = shown.article if shown is not None else None
    return article if article is not None and not article.draft else None


def _is_kept(cached: CachedFile | None) -> bool:
    return cached is not None and cached.shown is not None and cached.shown is not cached.latest


def _strays(output: Path, expected: set[str]) -> list[str]:
    """Files a previous session left in the output that this site lacks,
    the search bundle aside."""
    if not output.is_dir():
        return []
    found = (p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file() or p.is_symlink())
    return sorted(
        relpath for relpath in found
        if relpath not in expected and not relpath.startswith(f"{BUNDLE}/") and not _is_hidden(relpath)
    )


def _is_hidden(relpath: str) -> bool:
    return any(part.startswith(".") and part != ".nojekyll" for part in relpath.split("/"))


def _is_other(content: Path, path: Path, selection: Selection) -> bool:
    """Whether `path` is a hand-written page or a file a build may publish."""
    try:
        relpath = path.absolute().relative_to(content.absolute()).as_posix()
    except ValueError:  # outside the content folder
        return False
    if any(part.startswith(".") for part in relpath.split("/")) or selection.is_excluded(relpath):
        return False
    if path.suffix == ".md":
        return selection.is_page(relpath)
    return path.suffix.lower() in PUBLISHED_SUFFIXES


def _is_own(page: Page) -> bool:
    """Whether the page is one content file's own: an article's, one of its
    rows', or a hand-written page."""
    context = page.context
    match context:
        case ArticleContext() | EntryContext() | RowsFileContext() | HandwrittenContext():
            return True
        case (
            HomeContext() | ListingContext() | TagIndexContext() | TagContext() | TimelineContext() | DataContext()
            | SearchContext() | NotFoundContext() | TrendsContext() | TrendContext() | InsightsContext()
            | RedirectContext()
        ):
            return False
        case _:
            assert_never(context)


def _source_file(page: Page) -> str:
    """The content file an own page comes from (a row's source names its line too)."""
    if isinstance(page.context, EntryContext):
        return page.context.article.path
    return page.source


def _same_links(old: Moved, new: Moved) -> bool:
    return old.links == new.links and old.holders == new.holders and old.navigation == new.navigation


def _relinked(old: Moved, new: Moved) -> frozenset[str]:
    """What content may link to whose page or file changed: ids, content
    paths and published files, each also by its last part (links are
    written relative to their file)."""
    keys: set[str] = set()
    pairs = ((old.links.by_file, new.links.by_file), (old.links.by_id, new.links.by_id), (old.holders, new.holders))
    for before, after in pairs:
        keys.update(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    keys.update(old.links.published ^ new.links.published)
    return frozenset({*keys, *(key.rsplit("/", 1)[-1] for key in keys)} - {""})


class _Relinked:
    """Which pages show markdown that may link to what `_relinked` found:
    their bytes change although their page did not."""

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys = keys
        self._articles: dict[int, bool] = {}

    def shows(self, page: Page) -> bool:
        if not self.keys:
            return False
        context = page.context
        match context:
            case ArticleContext() | EntryContext():
                return self._mentions(context.article)
            case HandwrittenContext():
                return any(key in context.page.body for key in self.keys)
            case (
                HomeContext() | RowsFileContext() | ListingContext() | TagIndexContext() | TagContext()
                | TimelineContext() | DataContext() | SearchContext() | NotFoundContext() | TrendsContext()
                | TrendContext() | InsightsContext() | RedirectContext()
            ):
                return False
            case _:
                assert_never(context)

    def _mentions(self, article: Article) -> bool:
        found = self._articles.get(id(article))
        if found is None:
            text = repr(article)
            found = self._articles[id(article)] = any(key in text for key in self.keys)
        return found


# ---------------------------------------------------------------- search

SAVED_SEARCH_WAIT = 10.0
"""Seconds the whole rebuild after a save waits for the saved article to be
searchable: both need the processor, and the edit itself comes first."""

SEARCH_NICENESS = BACKGROUND_NICENESS
"""The preview's Pagefind runs at this lower priority: on a machine of two
cores the first search index takes both for minutes, and a save shown
meanwhile must not wait for them."""

PREVIEW_SHARD_PAGES = 2_000
"""Pages per search shard in the preview: an edit re-indexes only the shards
holding a page it changed, and a shard this size takes Pagefind a few
seconds. (A full build uses larger shards, which cost readers fewer files.)"""

Say = Callable[[str], None]


class PreviewSearch:
    """Keeps the preview's search index current in a thread of its own, so
    that pages are served without waiting for Pagefind.

    After a save, the shards holding the saved articles' own pages are
    indexed first (`request_saved`), while the rest of the site is rebuilt;
    after each whole rebuild, every shard holding a changed page (`request`)."""

    def __init__(
        self, site: Path, *, say: Say = print, shard_pages: int = PREVIEW_SHARD_PAGES, workers: int = 1
    ) -> None:
        self.site = site
        self.say = say
        self.shard_pages = shard_pages
        self.workers = workers
        """Pagefind runs at a time: a change to every page re-indexes every shard."""
        self._lock = threading.Condition()
        self._pages: tuple[IndexedPage, ...] = ()
        self._changed: set[str] = set()
        self._shards: tuple[Shard, ...] = ()
        self._whole_pending = False
        self._saved_requested = 0
        self._saved_done = 0
        self._job = BackgroundJob("search", self._update, say=say)

    def request(self, report: RebuildReport) -> None:
        """Index what a whole rebuild wrote."""
        with self._lock:
            self._pages = report.indexed
            self._changed.update(report.indexed_changed)
            self._whole_pending = False
        self._job.request()

    def request_saved(self, report: RebuildReport) -> None:
        """Index the saved articles' own pages now, in the last known shards."""
        with self._lock:
            if not report.saved_indexed or not self._shards:
                return
            self._changed.update(report.saved_indexed)
            self._whole_pending = True
            self._saved_requested += 1
        self._job.request()

    def wait(self, timeout: float | None = None) -> bool:
        return self._job.wait(timeout)

    def wait_saved(self, timeout: float) -> bool:
        """Whether the saved articles' pages are indexed, waiting up to `timeout`."""
        with self._lock:
            return self._lock.wait_for(lambda: self._saved_done >= self._saved_requested, timeout)

    def close(self, timeout: float = 60) -> None:
        self._job.close(timeout)

    def _update(self) -> None:
        with self._lock:
            pages, changed, self._changed = self._pages, self._changed, set()
            whole_pending, saved = self._whole_pending, self._saved_requested
        start = time.perf_counter()
        docs = search_docs(self.site)
        # A save removes a deleted article's pages (and their documents) at
        # once, before the whole rebuild says which pages there are.
        pages = tuple(page for page in pages if (docs / doc_name(page.path)).is_file())
        try:
            self._shards, stats = update_search_index(
                self.site, docs, pages, changed, self._shards, self.shard_pages, self.workers, SEARCH_NICENESS
            )
        except BaseException:
            # Such as a page removed by a rebuild while it was being indexed:
            # the next update does these pages again.
            with self._lock:
                self._changed |= changed
            raise
        finally:
            with self._lock:  # done, or failed: either way, no one waits longer
                self._saved_done = saved
                self._lock.notify_all()
        seconds = time.perf_counter() - start
        if whole_pending:
            self.say(f"search: the saved articles can be found ({seconds:.1f} s); the rest follows the rebuild")
        else:
            state = "updated; catching up with the latest save" if self._job.is_behind else "current"
            self.say(f"search: {state} ({stats.pages} pages in {stats.shards} shards; {seconds:.1f} s)")


# ---------------------------------------------------------------- benchmark
