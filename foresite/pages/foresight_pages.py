"""The pages of foresight: /trends/ (by momentum), one page per trend, and
/insights/ (coverage, relevancy, scans per month).

Like plan.py, one builder per page kind, each returning a Page whose frozen
context holds exactly what its template shows.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

from foresite.core.config import Settings
from foresite.core.urls import INSIGHTS_URL, paged, trends_url
from foresite.foresight.charts import (
    HEATMAP_COLUMN_CHARS,
    HEATMAP_ROW_CHARS,
    bar_chart,
    heatmap,
    month_ticks,
    relevancy_dots,
)
from foresite.foresight.insights import RELEVANCY_LEVELS
from foresite.foresight.momentum import FADING, NEW, RISING
from foresite.foresight.results import Foresight
from foresite.foresight.trends import Trend, TrendLink
from foresite.index.site_index import Placed, SiteIndex
from foresite.pages.contexts import InsightsContext, Pager, RelevancySpread, TrendContext, TrendLine, TrendsContext
from foresite.pages.plan import Page

BADGES = (RISING, NEW, FADING)


def foresight_pages(index: SiteIndex, settings: Settings, foresight: Foresight) -> Iterator[Page]:
    yield from trends_pages(settings, foresight)
    for trend in foresight.trends.trends:
        yield trend_page(trend, settings, foresight)
    yield insights_page(index, settings, foresight)


def by_momentum(foresight: Foresight) -> list[TrendLine]:
    """Trends by how much more the scan mentions them lately, then by evidence."""
    lines = [
        TrendLine(TrendLink(t.kind, t.slug, t.label, t.article_count), foresight.of_trend(t), t.first_seen, t.last_seen)
        for t in foresight.trends.trends
    ]
    lines.sort(
        key=lambda line: (-line.trajectory.momentum.change, -line.link.article_count, line.link.kind.value, line.link.slug)
    )
    return lines


def trends_pages(settings: Settings, foresight: Foresight) -> Iterator[Page]:
    lines = by_momentum(foresight)
    size = settings.per_page
    count = max(1, math.ceil(len(lines) / size))
    links = tuple((n, trends_url(n)) for n in range(1, count + 1))
    badges = Counter(line.trajectory.momentum.badge for line in lines)
    for number in range(1, count + 1):
        context = TrendsContext(
            lines=tuple(lines[(number - 1) * size : number * size]),
            pager=Pager(number, count, links),
            total=len(lines),
            badges=tuple((badge, badges[badge]) for badge in BADGES),
            similarity=settings.trends.similarity,
            min_articles=settings.trends.min_articles,
            window=settings.momentum.window,
        )
        suffix = f" (page {number})" if number > 1 else ""
        yield Page(
            trends_url(number), "trends.html", "Trends" + suffix,
            f"{len(lines)} signals, behaviors, issues, technologies and concerns the scan keeps coming back to, "
            f"by momentum{suffix}.",
            settings.language, context, "trends listing",
        )


def trend_page(trend: Trend, settings: Settings, foresight: Foresight) -> Page:
    rated = [(e.placed.article.date, e.placed.entry.relevancy) for e in trend.evidence if e.placed.entry.relevancy]
    dated = [(d, r) for d, r in rated if d and d <= foresight.today]
    values = [r for _, r in rated]
    spread = RelevancySpread(min(values), max(values), round(sum(values) / len(values), 1), len(values)) if values else None
    context = TrendContext(
        trend=trend,
        trajectory=foresight.of_trend(trend),
        spread=spread,
        dots=relevancy_dots(dated) if dated else None,
        driving_forces=_driving_forces(trend),
        similarity=settings.trends.similarity,
    )
    first = trend.first_seen.isoformat() if trend.first_seen else "undated"
    return Page(
        trend.url, "trend.html", f"Trend: {trend.label}",
        f"{trend.kind.label} seen in {trend.article_count} articles since {first}: every row, its relevancy over time "
        "and the driving forces named.",
        settings.language, context, f"trend '{trend.label}' ({trend.kind.value})",
    )


def _driving_forces(trend: Trend) -> tuple[tuple[str, Placed], ...]:
    seen: dict[str, tuple[str, Placed]] = {}
    for e in trend.evidence:
        force = e.placed.entry.driving_force.strip()
        key = " ".join(force.casefold().split())
        if force and key not in seen:
            seen[key] = (force, e.placed)
    return tuple(seen.values())


def insights_page(index: SiteIndex, settings: Settings, foresight: Foresight) -> Page:
    insights = foresight.insights
    context = InsightsContext(
        insights=insights,
        heatmap=heatmap(
            [t for t, _ in insights.themes], [c for c, _ in insights.categories], insights.counts,
            row_chars=min(HEATMAP_ROW_CHARS, max((len(t.label) for t, _ in insights.themes), default=1)),
            column_chars=min(HEATMAP_COLUMN_CHARS, max((len(c.label) for c, _ in insights.categories), default=1)),
        ),
        relevancy=bar_chart(
            [(str(level), n) for level, n in zip(RELEVANCY_LEVELS, insights.relevancy_totals)], bar_width=40
        ),
        months=bar_chart(
            list(insights.months), height=140, bar_width=10, ticks=month_ticks([m for m, _ in insights.months]), scale=True
        ),
        trends=len(foresight.trends.trends),
    )
    return Page(
        paged(INSIGHTS_URL, 1), "insights.html", "Insights",
        "What the scan covers and what it barely looks at: categories against themes, relevancy, scans per month.",
        settings.language, context, "insights page",
    )
