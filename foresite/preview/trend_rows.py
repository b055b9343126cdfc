"""The trends a save changes, as row pages show them, without grouping every
row of the scan again.

A full build groups the rows of each kind into trends around anchors
(foresight.trends.build_trends): seconds at a few thousand articles. A row's
page shows its trend's label and number of articles, so a save that adds a
row to a trend, or takes one out, changes the page of every row of that
trend. After a save the preview patches the last trends (`TrendMatcher.patch`):
the rows of the changed articles leave their trends, and each named row of a
saved article joins the trend of a row with the same key terms, else the
trend whose anchor is the most similar at the settings' similarity or more
(with the same counter-words), as build_trends would group it; a trend left
with rows from fewer than `min_articles` articles is no more.

Left to the whole rebuild that follows (seconds later): trends that rows
matching none would form, and the label, address and anchor of a trend,
which follow its most frequent names and so may change with the counts.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from foresite.core.config import TrendSettings
from foresite.core.model import Article, Kind
from foresite.core.text import fold, key_slug
from foresite.foresight.trends import Evidence, Trend, Trends, key_terms, most_common_name, row_key, similarity
from foresite.index.site_index import Placed, name_key, oldest_first

RowKey = tuple[str, Kind, str]
"""(article id, kind, row slug): trends.row_key."""
TrendKey = tuple[Kind, str]
"""(kind, trend slug)."""


@dataclass(frozen=True)
class PatchedTrends:
    trends: Trends
    rows: tuple[Placed, ...]
    """The rows, of articles not changed, whose trend was patched or is gone:
    their pages show another number of articles, or no trend."""


class TrendMatcher:
    """Finds the trend of a row's name among a plan's trends, in a few
    lookups: by its key terms, then among the anchors sharing one of them."""

    def __init__(self, trends: Trends) -> None:
        self._by_terms: dict[tuple[Kind, frozenset[str]], TrendKey] = {}
        self._anchors: dict[TrendKey, frozenset[str]] = {}
        self._sharing: dict[tuple[Kind, str], list[TrendKey]] = defaultdict(list)
        for trend in trends.trends:
            key = (trend.kind, trend.slug)
            anchor = frozenset(trend.terms)
            self._anchors[key] = anchor
            for term in anchor:
                self._sharing[(trend.kind, term)].append(key)
            for evidence in trend.evidence:
                self._by_terms.setdefault((trend.kind, frozenset(evidence.terms)), key)

    def match(self, kind: Kind, terms: frozenset[str], threshold: float) -> tuple[TrendKey, float] | None:
        """The trend a row of these key terms joins, and its similarity with the anchor."""
        if (found := self._by_terms.get((kind, terms))) is not None:
            return found, similarity(terms, self._anchors[found])
        best: tuple[TrendKey, float] | None = None
        candidates = dict.fromkeys(key for term in sorted(terms) for key in self._sharing.get((kind, term), ()))
        for key in candidates:
            score = similarity(terms, self._anchors[key])  # 0 unless both say, or neither, that something falls
            if score >= threshold and (best is None or score > best[1]):
                best = (key, score)
        return best

    def patch(
        self, trends: Trends, before: Iterable[Article], saved: Sequence[Article],
        same_name: Mapping[tuple[Kind, str], Sequence[Placed]], settings: TrendSettings,
    ) -> PatchedTrends:
        """`trends` without the rows of the articles as they were (`before`),
        with the named rows of `saved` in the trends they join; a saved row
        that joins none forms one with the rows of its name in other
        articles (`same_name`, its groups), when none of those has a trend
        and they come from `min_articles` articles at least."""
        by_key = {(t.kind, t.slug): t for t in trends.trends}
        evidence: dict[TrendKey, list[Evidence]] = {}
        leaving: set[RowKey] = set()
        for article in before:
            for entry in article.entries:
                trend = trends.of_row.get((article.id, entry.kind, entry.slug))
                if trend is not None:
                    leaving.add((article.id, entry.kind, entry.slug))
                    evidence.setdefault((trend.kind, trend.slug), list(trend.evidence))
        for key, rows in evidence.items():
            rows[:] = [e for e in rows if row_key(e.placed) not in leaving]
        for article in saved:
            for entry in article.entries:
                terms = key_terms(entry.name) if entry.has_name else frozenset()
                if not terms:
                    continue
                group = same_name.get((entry.kind, name_key(entry)), ())
                # A row of the same name in a trend (one a save formed, too) has the same key terms.
                named = next((t for p in group if (t := trends.of_row.get(row_key(p))) and row_key(p) not in leaving), None)
                found = ((named.kind, named.slug), similarity(terms, frozenset(named.terms))) if named else None
                found = found or self.match(entry.kind, terms, settings.similarity)
                if found is not None and found[0] in by_key:
                    key, score = found
                    rows = evidence.setdefault(key, list(by_key[key].evidence))
                    rows.append(Evidence(Placed(entry, article, 0), tuple(sorted(terms)), round(score, 2)))
                elif group and (formed := _formed(entry.kind, group, settings)) and (formed.kind, formed.slug) not in by_key:
                    by_key[(formed.kind, formed.slug)] = formed
                    evidence[(formed.kind, formed.slug)] = list(formed.evidence)
        return _patched(trends, by_key, evidence, {a.id for a in saved} | {a.id for a in before}, settings)


def _formed(kind: Kind, group: Sequence[Placed], settings: TrendSettings) -> Trend | None:
    """The trend the rows of one name, none in a trend, form when they come
    from enough articles."""
    if len({p.article.id for p in group}) < settings.min_articles:
        return None
    label = most_common_name([p.entry.name for p in group])
    terms = tuple(sorted(key_terms(label)))
    evidence = tuple(sorted((Evidence(p, terms, 1.0) for p in group), key=lambda e: oldest_first(e.placed)))
    # An empty trend: _patched counts its articles and dates as it does every trend's.
    return Trend(kind, key_slug(fold(label)), label, label, terms, evidence, 0, None, None)


def _patched(
    trends: Trends, by_key: dict[TrendKey, Trend], evidence: dict[TrendKey, list[Evidence]], changed: Collection[str],
    settings: TrendSettings,
) -> PatchedTrends:
    of_row = dict(trends.of_row)
    shown: list[Placed] = []
    for key, rows in evidence.items():
        old = by_key[key]
        for e in old.evidence:
            if of_row.get(row_key(e.placed)) is old:
                del of_row[row_key(e.placed)]
        articles = {e.placed.article.id for e in rows}
        if len(articles) < settings.min_articles:
            del by_key[key]
            shown.extend(e.placed for e in old.evidence if e.placed.article.id not in changed)
            continue
        rows.sort(key=lambda e: oldest_first(e.placed))
        dates = [e.placed.article.date for e in rows if e.placed.article.date]
        new = dataclasses.replace(
            old, evidence=tuple(rows), article_count=len(articles),
            first_seen=min(dates, default=None), last_seen=max(dates, default=None),
        )
        by_key[key] = new
        of_row.update((row_key(e.placed), new) for e in rows)
        if new.article_count != old.article_count:
            shown.extend(e.placed for e in rows if e.placed.article.id not in changed)
    return PatchedTrends(Trends(tuple(by_key.values()), of_row), tuple(shown))
