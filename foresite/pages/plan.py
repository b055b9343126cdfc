"""Every page of the site as (URL, template, context): one builder per kind.

A context (foresite/pages/contexts.py) is a frozen value holding exactly
what its template shows. Two builds that give a page an equal context give
it the same bytes, which is what lets the preview server re-render only the
pages an edit touched.
"""

from __future__ import annotations

import datetime
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from foresite.core.config import Settings
from foresite.core.model import ROW_COLUMNS, Article, Kind, Tag, TagKind
from foresite.core.urls import (
    DATA_URL,
    article_url,
    data_file_url,
    entry_url,
    feed_url,
    listing_url,
    rows_file_url,
    tag_index_url,
    tag_url,
)
from foresite.foresight.results import Foresight, TagTrajectories
from foresite.index.site_index import ArticleLinks, Placed, SiteIndex, article_oldest_first, name_key
from foresite.output.feeds import has_feed
from foresite.output.opendata import (
    ARTICLE_FIELDS,
    ARTICLES_FILE,
    CSV_COLUMNS,
    ROW_FIELDS,
    SCHEMA_FILE,
    Field,
    csv_name,
    type_label,
)
from foresite.pages.contexts import (
    ArticleContext,
    Counts,
    DataContext,
    DataFile,
    EntryContext,
    HomeContext,
    ListingContext,
    NotFoundContext,
    PageContext,
    Pager,
    RowsFileContext,
    SearchContext,
    Table,
    TagContext,
    TagIndexContext,
    TimelineContext,
)


@dataclass(frozen=True)
class Page:
    url: str
    template: str
    title: str
    description: str
    language: str
    context: PageContext
    source: str
    """What made the page, for messages about two pages on one path."""
    search_group: str = ""
    """The id of the article whose search shard takes the page; empty for
    pages the search index leaves out. An article and its rows share one."""
    feed: str = ""
    """Site URL of the Atom feed that follows this page, if any."""

    @property
    def indexed(self) -> bool:
        """Whether the search index takes the page."""
        return bool(self.search_group)

    @property
    def is_html(self) -> bool:
        """Whether the page is a web page (not a rows file, say)."""
        return self.template.endswith(".html")


FIELDS = tuple(c for c in ROW_COLUMNS if c.role in ("text", "relevancy"))
"""The columns a row's page and its article's table show beside its name."""


def leading_pages(
    index: SiteIndex, settings: Settings, foresight: Foresight | None = None, today: datetime.date = datetime.date.max
) -> Iterator[Page]:
    """The home page, then each article's page and its rows' pages; without
    `foresight`, pages show no related items or momentum. The site's pages
    are these, `index_pages`, then pages_trends.foresight_pages."""
    yield home_page(index, settings, today)
    for article in index.articles:
        yield from article_pages(article, index, foresight)


def index_pages(
    index: SiteIndex, settings: Settings, of_tag: TagTrajectories | None = None, today: datetime.date = datetime.date.max
) -> Iterator[Page]:
    """The pages after the articles': listings, tags, timeline, data, search
    and 404. None shows related items or trends, only the momentum of tags
    (`of_tag`), so the build renders these while it finds the rest. Feeds
    are linked as `today` has them (feeds.has_feed)."""
    yield from listing_pages(None, index, settings)
    for kind in Kind:
        yield from listing_pages(kind, index, settings)
    for tag_kind in TagKind:
        yield tag_index_page(tag_kind, index, settings)
        for tag in index.tags[tag_kind]:
            yield from tag_pages(tag, index, settings, of_tag, today)
    yield timeline_page(index, settings)
    yield data_page(index, settings, today)
    yield Page("search/", "search.html", "Search", "Search every article and row of the scan.", settings.language, SearchContext(), "search page")
    yield Page("404.html", "404.html", "Page not found", "This page does not exist.", settings.language, NotFoundContext(), "404 page")


def home_page(index: SiteIndex, settings: Settings, today: datetime.date = datetime.date.max) -> Page:
    """Its latest scans are those dated up to `today`: an article dated later
    (a typo, warned about) would otherwise head the list for years."""
    counts = Counts(
        articles=len(index.articles),
        kinds=tuple((kind, len(index.entries[kind])) for kind in Kind),
        tags=tuple((kind, len(index.tags[kind])) for kind in TagKind),
    )
    themes = sorted(
        ((tag, len(index.tag_articles[tag])) for tag in index.tags[TagKind.THEME]),
        key=lambda pair: (-pair[1], pair[0].key),
    )
    context = HomeContext(
        counts=counts,
        latest=tuple(islice((a for a in index.articles if not (a.date and a.date > today)), settings.home.latest)),
        top_signals=index.entries[Kind.SIGNAL][: settings.home.top_signals],
        themes=tuple(themes[: settings.home.themes]),
    )
    return Page("", "home.html", settings.title, settings.description, settings.language, context, "home page", feed=feed_url())


def article_pages(article: Article, index: ArticleLinks, foresight: Foresight | None = None) -> Iterator[Page]:
    """An article's own pages: its page, its rows file and one page per row
    (the preview writes these first after a save, from an index
    of the saved articles only)."""
    yield article_page(article, index, foresight)
    yield rows_file_page(article, index)
    yield from entry_pages(article, index, foresight)


def _tables(article: Article) -> tuple[Table, ...]:
    return tuple(
        Table(kind, tuple(c for c in FIELDS if any(e.value(c) for e in rows)), rows)
        for kind in Kind
        if (rows := article.entries_of(kind))
    )


def article_page(article: Article, index: ArticleLinks, foresight: Foresight | None = None) -> Page:
    context = ArticleContext(
        article=article,
        tags=index.tags_of[article.id],
        tables=_tables(article),
        closest=tuple((link, index.by_id.get(link.target)) for link in article.closest),
        related=foresight.related_articles(article.id) if foresight else (),
    )
    return Page(
        article_url(article), "article.html", article.title, _describe(article.summary),
        article.language, context, article.path, search_group=article.id,
    )


def rows_file_page(article: Article, index: ArticleLinks) -> Page:
    return Page(
        rows_file_url(article), ROWS_FILE, f"Rows of {article.title}", "", article.language,
        RowsFileContext(article, index.tags_of[article.id]), article.path,
    )


ROWS_FILE = "rows.json"
"""The template name of rows files: made by foresite/rowlists.py, not Jinja."""


def entry_pages(article: Article, index: ArticleLinks, foresight: Foresight | None = None) -> Iterator[Page]:
    tags = index.tags_of[article.id]
    # Rows of one name in one article have the same others: found once
    # (an article of 20,000 rows of one name made 40,000 bisections).
    found: dict[tuple[Kind, str], _Others] = {}
    for entry in article.entries:
        name = (entry.kind, name_key(entry)) if entry.has_name else None
        others = found.get(name) if name else None
        if others is None:
            others = _Others(index.same_name.get(name, ()) if name else (), article)
            if name:
                found[name] = others
        trend = foresight.trend_of(article.id, entry) if foresight else None
        first = _window_start(len(others), others.earlier, SEEN_AGAIN_ROWS) if trend else 0
        context = EntryContext(
            entry=entry,
            article=article,
            tags=tags,
            seen_again=others.window(first, SEEN_AGAIN_ROWS) if trend else others.window(0, len(others)),
            seen_again_count=len(others),
            seen_again_first=first + 1,
            trend=trend,
            related=foresight.related_rows(article.id, entry) if foresight else (),
        )
        yield Page(
            entry_url(entry), "entry.html", f"{entry.kind.label}: {entry.name}",
            _describe(entry.description or entry.change or entry.name), article.language,
            context, f"{article.path}:{entry.line}", search_group=article.id,
        )


SEEN_AGAIN_ROWS = 12
"""Rows of other articles with its name that a row's page lists, when its
trend page lists them all. A name seen in k articles gave each of its k
pages k - 1 lines: bytes grew with the square of how often a name recurs
(880 bytes a row page at 10,000 articles, 300 at 3,000)."""


class _Others:
    """The rows of a same-name group (oldest first) from articles other than
    `article`. That article's rows are adjacent in the group's order, so two
    bisections find them: walking the group for each of its rows made
    planning grow with the square of how often a name recurs (3.7 of the
    7.2 s of planning article and row pages at 10,000 articles)."""

    def __init__(self, group: tuple[Placed, ...], article: Article) -> None:
        own = article_oldest_first(article)
        self._group = group
        self.earlier = bisect_left(group, own, key=_article_part)
        """How many of them come before the article's."""
        self._skip = bisect_right(group, own, lo=self.earlier, key=_article_part) - self.earlier

    def __len__(self) -> int:
        return len(self._group) - self._skip

    def window(self, start: int, size: int) -> tuple[Placed, ...]:
        stop, split = start + size, self.earlier
        before = self._group[start : min(stop, split)]
        after = self._group[max(start, split) + self._skip : stop + self._skip] if stop > split else ()
        return before + after


def _article_part(placed: Placed) -> tuple[int, str]:
    return article_oldest_first(placed.article)


def _window_start(count: int, at: int, size: int) -> int:
    """Where `size` of `count` items centred on position `at` begin, the
    ends allowing."""
    return max(0, min(at - size // 2, count - size))


def _pager(count: int, url_of_page: Callable[[int], str]) -> Pager:
    return Pager(1, count, tuple((n, url_of_page(n)) for n in range(1, count + 1)))


def _numbered(pager: Pager, number: int) -> Pager:
    return Pager(number, pager.count, pager.links)


def listing_pages(kind: Kind | None, index: SiteIndex, settings: Settings) -> Iterator[Page]:
    # The articles' listing, or one kind of rows': the other stays empty.
    articles = index.articles if kind is None else ()
    entries = index.entries[kind] if kind is not None else ()
    total = len(articles) + len(entries)
    size = settings.per_page
    pager = _pager(max(1, math.ceil(total / size)), lambda n: listing_url(kind, n))
    label = kind.label_plural if kind else "Articles"
    for number in range(1, pager.count + 1):
        start, stop = (number - 1) * size, number * size
        context = ListingContext(
            kind=kind,
            entries=entries[start:stop],
            articles=articles[start:stop],
            pager=_numbered(pager, number),
            total=total,
        )
        suffix = f" (page {number})" if number > 1 else ""
        yield Page(
            listing_url(kind, number), "listing.html", label + suffix,
            f"All {total} {label.lower()} of the scan{suffix}.", settings.language, context,
            f"{label.lower()} listing",
        )


def tag_index_page(kind: TagKind, index: SiteIndex, settings: Settings) -> Page:
    groups: dict[str, list[tuple[Tag, int]]] = defaultdict(list)
    for tag in index.tags[kind]:
        groups[_initial(tag.key)].append((tag, len(index.tag_articles[tag])))
    context = TagIndexContext(kind, len(index.tags[kind]), tuple((letter, tuple(tags)) for letter, tags in sorted(groups.items())))
    return Page(
        tag_index_url(kind), "tag_index.html", kind.label_plural,
        f"Every {kind.value} of the scan, A to Z, with its number of articles.",
        settings.language, context, f"{kind.plural} index",
    )


def _initial(key: str) -> str:
    first = key[:1].upper()
    return first if first.isascii() and first.isalpha() else "#"


def tag_pages(
    tag: Tag, index: SiteIndex, settings: Settings, of_tag: TagTrajectories | None = None,
    today: datetime.date = datetime.date.max,
) -> Iterator[Page]:
    articles = index.tag_articles[tag]
    size = settings.tag_articles_per_page
    pager = _pager(max(1, math.ceil(len(articles) / size)), lambda n: tag_url(tag, n))
    trajectory = of_tag(tag) if of_tag else None
    for number in range(1, pager.count + 1):
        chunk = articles[(number - 1) * size : number * size]
        counts = tuple((kind, n) for kind in Kind if (n := sum(len(index.rows_of[a.id].get(kind, ())) for a in chunk)))
        context = TagContext(tag, chunk, counts, _numbered(pager, number), len(articles), trajectory)
        suffix = f" (page {number})" if number > 1 else ""
        yield Page(
            tag_url(tag, number), "tag.html", f"{tag.kind.label}: {tag.label}{suffix}",
            f"{len(articles)} articles on {tag.label}, with their signals, behaviors, issues, technologies and concerns.",
            settings.language, context, f"{tag.kind.value} '{tag.label}'", feed=feed_url(tag) if has_feed(tag, index, today) else "",
        )


def timeline_page(index: SiteIndex, settings: Settings) -> Page:
    months: dict[int, dict[int, list[Article]]] = defaultdict(lambda: defaultdict(list))
    undated = []
    for article in index.articles:
        if article.date:
            months[article.date.year][article.date.month].append(article)
        else:
            undated.append(article)
    years = tuple(
        (year, tuple((month, tuple(arts)) for month, arts in sorted(months[year].items(), reverse=True)))
        for year in sorted(months, reverse=True)
    )
    return Page(
        "timeline/", "timeline.html", "Timeline", "Every article of the scan by year and month.",
        settings.language, TimelineContext(years, tuple(undated)), "timeline",
    )


def _describe(text: str, limit: int = 200) -> str:
    """A meta description: the text's start, on one line, without markdown marks."""
    plain = " ".join(text.replace("*", "").replace("_", " ").replace("#", "").split())
    return plain if len(plain) <= limit else plain[:limit].rsplit(" ", 1)[0] + "…"


def data_page(index: SiteIndex, settings: Settings, today: datetime.date = datetime.date.max) -> Page:
    files = (
        DataFile(ARTICLES_FILE, data_file_url(ARTICLES_FILE), f"All {len(index.articles)} articles, each with its rows."),
        DataFile(SCHEMA_FILE, data_file_url(SCHEMA_FILE), f"The JSON Schema of {ARTICLES_FILE}."),
        *(
            DataFile(csv_name(kind), data_file_url(csv_name(kind)), f"{len(index.entries[kind])} {kind.plural}, one per line.")
            for kind in Kind
        ),
    )
    examples = [tag for kind in (TagKind.THEME, TagKind.CATEGORY) for tag in index.tags[kind] if has_feed(tag, index, today)]
    context = DataContext(
        files=files,
        article_fields=_documented(ARTICLE_FIELDS),
        row_fields=_documented(ROW_FIELDS),
        csv_columns=_documented(CSV_COLUMNS),
        site_feed=feed_url(),
        feed_example=feed_url(examples[0]) if examples else "",
    )
    return Page(
        DATA_URL, "data.html", "About the data",
        "The whole scan as open data: JSON, CSV per kind of row, a JSON Schema and Atom feeds.",
        settings.language, context, "data page",
    )


def _documented(fields: tuple[Field[Any], ...]) -> tuple[tuple[str, str, str], ...]:
    return tuple((f.name, type_label(f), f.description) for f in fields)
