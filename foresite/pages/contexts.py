"""The context of every page kind: a frozen value holding exactly what its
template shows, and `PageContext`, the closed union of them all.

A page kind is its context's class. Code that treats kinds differently (the
renderer, the sitemap, the JSON-LD) matches on `PageContext` and ends with
`assert_never`, so that mypy names every such place when a kind is added.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TypeAlias

from foresite.core.model import Article, ClosestLink, Column, Entry, HandwrittenPage, Kind, Tag, TagKind
from foresite.foresight.charts import BarChart, DotPlot, Heatmap
from foresite.foresight.insights import Insights
from foresite.foresight.related import RelatedArticle, RelatedRow
from foresite.foresight.results import Trajectory
from foresite.foresight.trends import Trend, TrendLink
from foresite.index.site_index import ArticleTags, Placed


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    links: tuple[tuple[int, str], ...]
    """(page number, URL) of every page of the listing."""

    @property
    def previous(self) -> str | None:
        return self.links[self.number - 2][1] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.links[self.number][1] if self.number < self.count else None


@dataclass(frozen=True)
class Counts:
    articles: int
    kinds: tuple[tuple[Kind, int], ...]
    tags: tuple[tuple[TagKind, int], ...]


@dataclass(frozen=True)
class HomeContext:
    counts: Counts
    latest: tuple[Article, ...]
    top_signals: tuple[Placed, ...]
    themes: tuple[tuple[Tag, int], ...]


@dataclass(frozen=True)
class Table:
    kind: Kind
    columns: tuple[Column, ...]
    """The columns of FIELDS that some row of the table fills."""
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class ArticleContext:
    article: Article
    tags: ArticleTags
    tables: tuple[Table, ...]
    closest: tuple[tuple[ClosestLink, Article | None], ...]
    related: tuple[RelatedArticle, ...] = ()
    """Up to five other articles, best first, each with why (foresite/related.py)."""


@dataclass(frozen=True)
class EntryContext:
    entry: Entry
    article: Article
    tags: ArticleTags
    """The article's tags: its search document files the row under its themes,
    category and type. The page lists the article's keywords, themes and other
    rows from the article's rows file (RowsFileContext), in the browser."""
    seen_again: tuple[Placed, ...]
    """The same row in other articles, oldest first: those nearest in time,
    at most SEEN_AGAIN_ROWS when the row's trend page lists every one."""
    seen_again_count: int = 0
    """In how many rows of other articles the row is seen again in all."""
    seen_again_first: int = 1
    """The place of the first of `seen_again` among all of them, from 1."""
    trend: TrendLink | None = None
    """The trend the row belongs to, if any (foresite/trends.py)."""
    related: tuple[RelatedRow, ...] = ()


@dataclass(frozen=True)
class RowsFileContext:
    """An article's rows file (foresite/rowlists.py): what its row pages and
    the tag pages that list it show of it in the browser."""

    article: Article
    tags: ArticleTags


@dataclass(frozen=True)
class ListingContext:
    kind: Kind | None
    entries: tuple[Placed, ...]
    articles: tuple[Article, ...]
    pager: Pager
    total: int


@dataclass(frozen=True)
class TagIndexContext:
    kind: TagKind
    count: int
    groups: tuple[tuple[str, tuple[tuple[Tag, int], ...]], ...]
    """(initial letter, (tag, article count)…), A–Z."""


@dataclass(frozen=True)
class TagContext:
    tag: Tag
    articles: tuple[Article, ...]
    row_counts: tuple[tuple[Kind, int], ...]
    """How many rows of each kind these articles hold, for the kinds they
    have: the rows themselves are listed in the browser from each article's
    rows file (foresite/rowlists.py), not written into every tag page."""
    pager: Pager
    total: int
    trajectory: Trajectory | None = None
    """Mentions per quarter and momentum badge, for keywords and themes."""


@dataclass(frozen=True)
class TimelineContext:
    years: tuple[tuple[int, tuple[tuple[int, tuple[Article, ...]], ...]], ...]
    undated: tuple[Article, ...]


@dataclass(frozen=True)
class DataFile:
    name: str
    url: str
    description: str


@dataclass(frozen=True)
class DataContext:
    """The "About the data" page: the open data files and their fields."""

    files: tuple[DataFile, ...]
    article_fields: tuple[tuple[str, str, str], ...]
    """(name, type, meaning) of each field of an article record."""
    row_fields: tuple[tuple[str, str, str], ...]
    csv_columns: tuple[tuple[str, str, str], ...]
    site_feed: str
    feed_example: str
    """A theme or category feed's URL, to show the pattern; '' when none."""


@dataclass(frozen=True)
class SearchContext:
    """The search page: its content is all in the template."""


@dataclass(frozen=True)
class NotFoundContext:
    """The 404 page: its content is all in the template."""


@dataclass(frozen=True)
class TrendLine:
    """One trend as /trends/ lists it."""

    link: TrendLink
    trajectory: Trajectory
    first_seen: datetime.date | None
    last_seen: datetime.date | None


@dataclass(frozen=True)
class TrendsContext:
    lines: tuple[TrendLine, ...]
    pager: Pager
    total: int
    badges: tuple[tuple[str, int], ...]
    """(badge, how many trends carry it)."""
    similarity: float
    min_articles: int
    window: int


@dataclass(frozen=True)
class RelevancySpread:
    low: int
    high: int
    mean: float
    rated: int
    """Rows with a relevancy."""


@dataclass(frozen=True)
class TrendContext:
    trend: Trend
    trajectory: Trajectory
    spread: RelevancySpread | None
    dots: DotPlot | None
    driving_forces: tuple[tuple[str, Placed], ...]
    """Distinct driving forces named by the trend's signals, with the first row naming each."""
    similarity: float


@dataclass(frozen=True)
class InsightsContext:
    insights: Insights
    heatmap: Heatmap
    relevancy: BarChart
    months: BarChart
    trends: int
    """How many trends the scan holds, for the link to /trends/."""


@dataclass(frozen=True)
class HandwrittenContext:
    """A page an editor wrote (`pages:` in site.yml)."""

    page: HandwrittenPage


@dataclass(frozen=True)
class RedirectContext:
    """An old address, answered with a page that sends the reader on."""

    target: str
    """The site URL the reader is sent to."""
    title: str
    """The title of the page there."""


PageContext: TypeAlias = (
    HomeContext
    | HandwrittenContext
    | RedirectContext
    | ArticleContext
    | EntryContext
    | RowsFileContext
    | ListingContext
    | TagIndexContext
    | TagContext
    | TimelineContext
    | DataContext
    | SearchContext
    | NotFoundContext
    | TrendsContext
    | TrendContext
    | InsightsContext
)
"""Every page kind. A new kind joins this union, and mypy then lists each
`match` on it that must say what the kind does."""
