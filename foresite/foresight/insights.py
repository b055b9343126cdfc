"""Blind spots: what the scan covers, what it barely looks at, and when it looked.

A category × theme cell is thin when it holds fewer than half the articles
one would expect if each theme spread over the categories in proportion to
their sizes (expected = theme's articles × category's articles ÷ all
articles). The thinnest cells against that expectation are the blind spots
called out.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from foresite.core.config import InsightSettings
from foresite.core.model import Kind, Tag, TagKind
from foresite.index.site_index import SiteIndex

RELEVANCY_LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class BlindSpot:
    theme: Tag
    category: Tag
    seen: int
    expected: float


@dataclass(frozen=True)
class Insights:
    articles: int
    categories: tuple[tuple[Tag, int], ...]
    """Every category with its number of articles, largest first."""
    themes: tuple[tuple[Tag, int], ...]
    """The most-used themes with their number of articles, largest first."""
    counts: tuple[tuple[int, ...], ...]
    """Articles per cell: counts[theme][category], in the orders above."""
    empty: int
    thin: int
    """Cells with some articles, but fewer than half the expected number."""
    blind_spots: tuple[BlindSpot, ...]
    relevancy: tuple[tuple[Kind, tuple[int, ...], int], ...]
    """Per kind: rows at relevancy 1–5, and rows without one."""
    months: tuple[tuple[str, int], ...]
    """('YYYY-MM', articles) for every month from the first scan to the last
    one not after the build's day."""
    undated: int
    future: int = 0
    """Articles dated after the build's day: not in `months`, whose axis they
    would stretch to a year nobody has scanned yet."""

    @property
    def relevancy_totals(self) -> tuple[int, ...]:
        return tuple(sum(counts[i] for _, counts, _ in self.relevancy) for i in range(len(RELEVANCY_LEVELS)))


def build_insights(index: SiteIndex, settings: InsightSettings, today: datetime.date = datetime.date.max) -> Insights:
    categories = _by_size(index, TagKind.CATEGORY, None)
    # A theme none of whose articles has a category would be an empty row.
    categorised = {t for a in index.articles if index.tags_of[a.id].categories for t in index.tags_of[a.id].themes}
    themes = _by_size(index, TagKind.THEME, settings.heatmap_themes, categorised)
    counts = _cells(index, themes, categories)
    total = len(index.articles)
    expected = [[t * c / total if total else 0.0 for _, c in categories] for _, t in themes]
    short = [
        (r, c)
        for r, row in enumerate(counts)
        for c, seen in enumerate(row)
        if seen < expected[r][c] / 2
    ]
    ranked = sorted(short, key=lambda rc: (counts[rc[0]][rc[1]] - expected[rc[0]][rc[1]], rc))
    return Insights(
        articles=total,
        categories=categories,
        themes=themes,
        counts=counts,
        empty=sum(1 for row in counts for n in row if n == 0),
        thin=sum(1 for r, c in short if counts[r][c]),
        blind_spots=tuple(
            BlindSpot(themes[r][0], categories[c][0], counts[r][c], round(expected[r][c], 1))
            for r, c in ranked[: settings.blind_spots]
        ),
        relevancy=_relevancy(index),
        months=_months(index, today),
        undated=sum(1 for a in index.articles if a.date is None),
        future=sum(1 for a in index.articles if a.date and a.date > today),
    )


def _by_size(
    index: SiteIndex, kind: TagKind, limit: int | None, among: Collection[Tag] | None = None
) -> tuple[tuple[Tag, int], ...]:
    tags = index.tags[kind] if among is None else [t for t in index.tags[kind] if t in among]
    sized = sorted(((t, len(index.tag_articles[t])) for t in tags), key=lambda p: (-p[1], p[0].key))
    return tuple(sized[:limit] if limit is not None else sized)


def _cells(
    index: SiteIndex, themes: tuple[tuple[Tag, int], ...], categories: tuple[tuple[Tag, int], ...]
) -> tuple[tuple[int, ...], ...]:
    row_of = {tag: r for r, (tag, _) in enumerate(themes)}
    column_of = {tag: c for c, (tag, _) in enumerate(categories)}
    seen: Counter[tuple[int, int]] = Counter()
    for article in index.articles:
        tags = index.tags_of[article.id]
        columns = {column_of[t] for t in tags.categories if t in column_of}
        rows = {row_of[t] for t in tags.themes if t in row_of}
        seen.update((r, c) for r in rows for c in columns)
    return tuple(tuple(seen[(r, c)] for c in range(len(categories))) for r in range(len(themes)))


def _relevancy(index: SiteIndex) -> tuple[tuple[Kind, tuple[int, ...], int], ...]:
    result = []
    for kind in Kind:
        levels = Counter(p.entry.relevancy for p in index.entries[kind])
        result.append((kind, tuple(levels[n] for n in RELEVANCY_LEVELS), levels[None]))
    return tuple(result)


def _months(index: SiteIndex, today: datetime.date) -> tuple[tuple[str, int], ...]:
    dates = [a.date for a in index.articles if a.date and a.date <= today]
    if not dates:
        return ()
    seen = Counter((d.year, d.month) for d in dates)
    first, last = min(dates), max(dates)
    months = []
    month = datetime.date(first.year, first.month, 1)
    while month <= last:
        months.append((f"{month.year}-{month.month:02d}", seen[(month.year, month.month)]))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return tuple(months)
