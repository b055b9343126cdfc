"""Momentum: how often the scan mentions something, quarter by quarter.

The time axis is the scan's own: the quarters in which it published at least
one article, so a gap in the scan is not read as a fall in interest. Rates
are mentions per 100 articles of the same quarters, so a busier quarter of
scanning does not look like a rise. The latest `window` quarters are
"recent"; everything before is "earlier".

- new: mentioned recently and never before (and the scan has an earlier period);
- rising: the recent rate is at least `rising` times the earlier one;
- fading: the recent rate is at most `fading` times the earlier one.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from foresite.core.config import MomentumSettings
from foresite.core.model import Article, Tag, TagKind

NEW = "new"
RISING = "rising"
FADING = "fading"
STEADY = ""


def quarter_of(date: datetime.date) -> tuple[int, int]:
    return (date.year, (date.month - 1) // 3 + 1)


def quarter_label(quarter: tuple[int, int]) -> str:
    return f"{quarter[0]} Q{quarter[1]}"


@dataclass(frozen=True)
class Timeline:
    """The scan's quarters and how many articles each holds."""

    quarters: tuple[tuple[int, int], ...]
    """(year, quarter) of every quarter with an article, oldest first."""
    totals: tuple[int, ...]
    window: int
    """How many of the latest quarters count as recent."""
    labels: tuple[str, ...]
    """'2023 Q2' for each quarter."""

    @property
    def recent_start(self) -> int:
        return max(0, len(self.quarters) - self.window)


@dataclass(frozen=True)
class Momentum:
    counts: tuple[int, ...]
    """Mentions (articles) in each quarter of the timeline."""
    first: str
    """The first quarter with a mention, e.g. '2023 Q2'; '' if none."""
    last: str
    recent: int
    """Mentions in the recent quarters."""
    earlier: int
    recent_rate: float
    """Mentions per 100 articles in the recent quarters."""
    earlier_rate: float
    badge: str
    """'new', 'rising', 'fading' or '' (steady)."""

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def change(self) -> float:
        """Recent rate minus earlier rate: what /trends/ sorts by."""
        return round(self.recent_rate - self.earlier_rate, 2)


def build_timeline(articles: Iterable[Article], settings: MomentumSettings, today: datetime.date = datetime.date.max) -> Timeline:
    """The quarters of articles dated up to `today`: a later date is a typo
    or a plan, and must not become the scan's latest quarter."""
    totals = Counter(quarter_of(a.date) for a in articles if a.date and a.date <= today)
    quarters = tuple(sorted(totals))
    return Timeline(quarters, tuple(totals[q] for q in quarters), settings.window, tuple(map(quarter_label, quarters)))


def momentum_of(dates: Iterable[datetime.date | None], timeline: Timeline, settings: MomentumSettings) -> Momentum:
    """Momentum of something mentioned once on each of `dates` (one per article)."""
    seen = Counter(quarter_of(d) for d in dates if d)
    counts = tuple(seen[q] for q in timeline.quarters)
    split = timeline.recent_start
    recent, earlier = sum(counts[split:]), sum(counts[:split])
    recent_rate = _rate(recent, sum(timeline.totals[split:]))
    earlier_rate = _rate(earlier, sum(timeline.totals[:split]))
    mentioned = [i for i, n in enumerate(counts) if n]
    return Momentum(
        counts=counts,
        first=timeline.labels[mentioned[0]] if mentioned else "",
        last=timeline.labels[mentioned[-1]] if mentioned else "",
        recent=recent,
        earlier=earlier,
        recent_rate=recent_rate,
        earlier_rate=earlier_rate,
        badge=_badge(recent, earlier, recent_rate, earlier_rate, split, settings),
    )


def _rate(mentions: int, articles: int) -> float:
    return round(100 * mentions / articles, 2) if articles else 0.0


def _badge(
    recent: int, earlier: int, recent_rate: float, earlier_rate: float, split: int, settings: MomentumSettings
) -> str:
    if split == 0:
        return STEADY  # the whole scan is recent: nothing to compare with
    if earlier == 0:
        return NEW if recent >= settings.min_mentions else STEADY
    if recent >= settings.min_mentions and recent_rate >= settings.rising * earlier_rate:
        return RISING
    if earlier >= settings.min_mentions and recent_rate <= settings.fading * earlier_rate:
        return FADING
    return STEADY


def tag_momentum(
    tag_articles: Mapping[Tag, tuple[Article, ...]], timeline: Timeline, settings: MomentumSettings
) -> dict[Tag, Momentum]:
    """Momentum of every keyword and theme."""
    return {
        tag: momentum_of((a.date for a in articles), timeline, settings)
        for tag, articles in tag_articles.items()
        if tag.kind in (TagKind.KEYWORD, TagKind.THEME)
    }
