"""What the scan shows over time, computed once per build from the index:
trends, momentum, related items and blind spots.

Each part needs every article, so this runs right after indexing and before
pages are planned; page builders only look results up.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from foresite.core.config import Settings
from foresite.core.model import Entry, Kind, Tag
from foresite.foresight.charts import Sparkline, sparkline
from foresite.foresight.insights import Insights, build_insights
from foresite.foresight.momentum import Momentum, Timeline, build_timeline, momentum_of, tag_momentum
from foresite.foresight.related import Related, RelatedArticle, RelatedRow, build_related
from foresite.foresight.trends import Trend, TrendLink, Trends, build_trends
from foresite.index.site_index import SiteIndex


@dataclass(frozen=True)
class Foresight:
    timeline: Timeline
    trends: Trends
    trend_trajectories: Mapping[tuple[Kind, str], Trajectory]
    """By (kind, trend slug)."""
    tag_momentum: Mapping[Tag, Momentum]
    """Keywords and themes only."""
    related: Related
    insights: Insights
    today: datetime.date = datetime.date.max
    """The build's day: later dates lead no list and stretch no time axis."""

    def trend_of(self, article_id: str, entry: Entry) -> TrendLink | None:
        trend = self.trends.of_row.get((article_id, entry.kind, entry.slug))
        return TrendLink(trend.kind, trend.slug, trend.label, trend.article_count) if trend else None

    def related_rows(self, article_id: str, entry: Entry) -> tuple[RelatedRow, ...]:
        return self.related.rows.get((article_id, entry.kind, entry.slug), ())

    def related_articles(self, article_id: str) -> tuple[RelatedArticle, ...]:
        return self.related.articles.get(article_id, ())

    def of_trend(self, trend: Trend) -> Trajectory:
        return self.trend_trajectories[(trend.kind, trend.slug)]

    def of_tag(self, tag: Tag) -> Trajectory | None:
        return tag_trajectory(self.tag_momentum, self.timeline, tag)


@dataclass(frozen=True)
class Trajectory:
    """Momentum with its sparkline, as a page shows it."""

    momentum: Momentum
    spark: Sparkline
    window: int
    """Quarters that count as recent."""


def trajectory(momentum: Momentum, timeline: Timeline) -> Trajectory:
    spark = sparkline(momentum.counts, timeline.labels, timeline.recent_start)
    return Trajectory(momentum, spark, timeline.window)


def tag_trajectory(momenta: Mapping[Tag, Momentum], timeline: Timeline, tag: Tag) -> Trajectory | None:
    """A keyword's or theme's momentum as its page shows it; None for other tags."""
    found = momenta.get(tag)
    return trajectory(found, timeline) if found else None


TagTrajectories = Callable[[Tag], Trajectory | None]
"""A tag's momentum as its page shows it, looked up."""


@dataclass(frozen=True)
class TagForesight:
    """The scan's time axis and the momentum of its keywords and themes:
    all that tag pages show of foresight, known before trends are found."""

    timeline: Timeline
    momenta: Mapping[Tag, Momentum]

    def of_tag(self, tag: Tag) -> Trajectory | None:
        return tag_trajectory(self.momenta, self.timeline, tag)


def build_tag_foresight(index: SiteIndex, settings: Settings, today: datetime.date = datetime.date.max) -> TagForesight:
    """Articles dated after `today` are left out of the quarters (they would
    stretch the timeline and shift what counts as recent)."""
    timeline = build_timeline(index.articles, settings.momentum, today)
    return TagForesight(timeline, tag_momentum(index.tag_articles, timeline, settings.momentum))


def foresight_but_related(
    index: SiteIndex, settings: Settings, tags: TagForesight, today: datetime.date = datetime.date.max
) -> Foresight:
    """Everything computed across articles but related items, which take
    longest and which no page but an article's or a row's shows."""
    timeline = tags.timeline
    trends = build_trends(index, settings.trends)
    trend_trajectories = {
        (t.kind, t.slug): trajectory(momentum_of(_article_dates(t), timeline, settings.momentum), timeline)
        for t in trends.trends
    }
    return Foresight(
        timeline=timeline,
        trends=trends,
        trend_trajectories=trend_trajectories,
        tag_momentum=tags.momenta,
        related=Related({}, {}),
        insights=build_insights(index, settings.insights, today),
        today=today,
    )


def build_foresight(index: SiteIndex, settings: Settings, today: datetime.date = datetime.date.max) -> Foresight:
    """Everything computed across articles, one part after another (the
    build schedules the same parts side by side: build.pipeline). This
    makes about a million small objects: callers pause the cyclic collector."""
    known = foresight_but_related(index, settings, build_tag_foresight(index, settings, today), today)
    return replace(known, related=build_related(index, known.trends, settings.related))


def _article_dates(trend: Trend) -> list[datetime.date | None]:
    """One date per article the trend is seen in: mentions count articles, not rows."""
    dates = {e.placed.article.id: e.placed.article.date for e in trend.evidence}
    return [dates[key] for key in sorted(dates)]
