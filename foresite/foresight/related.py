"""Related items: up to `count` other articles for each article, and other
rows of the same kind for each row, in the spirit of Hugo's weighted related
content.

An item's features are its keywords, its themes (a row has its article's)
and the words of its name and description (an article's title and summary).
Two items score the sum of their shared features' weights, each weight
being the setting for its kind times how rare the feature is (inverse
document frequency, 0–1), plus `time_weight` times their closeness in time
(1 on the same day, ½ at `time_scale_days` apart). Features shared by more
than `max_postings` items say little and are left out, of the score and of
the reason alike, so the reason shown names exactly what was counted.

Candidates come from an inverted index (feature → items), probed with each
item's rarest features only; the few best candidates are then scored in
full. The cost grows with the number of items, not with its square.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from foresite.core.config import RelatedSettings
from foresite.core.model import Article, Kind
from foresite.foresight.trends import FRAMING_WORDS, STOP_WORDS, Trends, quick_fold, row_key, singular
from foresite.index.site_index import ArticleTags, Placed, SiteIndex

PROBES = 4
"""Rarest features of an item looked up to find its candidates."""
SHORTLIST = 2
"""Candidates scored in full, per related item wanted."""

_TEXT_STOP = """
about across after again against all also among any around because been before being between both
but can could did do does doing due each even ever every few had has have having he her here his
how however if including its just less like many may might more most much must no nor not now
off once only other others our out over own same she should so some still such them then there
these they those through thus too very was we were when where which while who whom why will
would you your one two use used using make makes making made way ways well being become becomes
themselves itself himself herself ourselves yourself them their theirs
est sont qui que plus ne pas se son sa ses ou mais leur ils elles nous vous il elle on
plusieurs reste tout tous toute toutes aussi entre comme dont sans sous chez cette cet etre avoir
fait font peut peuvent selon depuis encore deja tres ainsi alors donc lors leurs notre votre
meme autre autres avant apres
"""
TEXT_STOP_WORDS = STOP_WORDS | FRAMING_WORDS | frozenset(_TEXT_STOP.split())
"""Words of descriptions too common to relate two items."""
_WORD = re.compile(r"[a-z0-9]+")

KEYWORD, THEME, WORD = "keyword", "theme", "word"


@dataclass(frozen=True)
class Relation:
    """Why two items are related: what they share, and how far apart they are."""

    keywords: tuple[str, ...]
    themes: tuple[str, ...]
    words: tuple[str, ...]
    """Shared words of the names and descriptions, most telling first."""
    days_apart: int | None
    score: float

    @property
    def shares(self) -> tuple[str, ...]:
        """Everything shared, tags first, for the one-line reason."""
        return (*self.keywords, *self.themes, *self.words)

    @property
    def reason(self) -> str:
        """The one-line reason a page shows: 'shares: a, b; words: c · 3 months apart'."""
        parts = []
        if self.keywords or self.themes:
            parts.append("shares: " + ", ".join((*self.keywords, *self.themes)))
        if self.words:
            parts.append("words: " + ", ".join(self.words))
        reason = "; ".join(parts)
        if self.days_apart is not None:
            reason += " · " + apart(self.days_apart)
        return reason


def apart(days: int) -> str:
    """How far apart two dates are, in the unit a reader would use."""
    if days == 0:
        return "same day"
    if days < 60:
        return f"{days} day{'' if days == 1 else 's'} apart"
    # Halves round up, as a reader rounds (Python's round() goes to even).
    if days < 730:
        return f"{math.floor(days / 30.4 + 0.5)} months apart"
    return f"{math.floor(days / 365.25 * 10 + 0.5) / 10} years apart"


@dataclass(frozen=True)
class RelatedArticle:
    article: Article
    why: Relation


@dataclass(frozen=True)
class RelatedRow:
    placed: Placed
    why: Relation


@dataclass(frozen=True)
class Related:
    articles: Mapping[str, tuple[RelatedArticle, ...]]
    """By article id."""
    rows: Mapping[tuple[str, Kind, str], tuple[RelatedRow, ...]]
    """By trends.row_key."""


@dataclass(frozen=True)
class _Item:
    features: frozenset[int]
    day: int
    """Date ordinal; 0 when undated."""
    article: str
    trend: str
    """The row's trend ('' if none): rows of one trend are listed on its page,
    so related rows point elsewhere."""


def text_words(text: str) -> frozenset[str]:
    """The telling words of a name or description, folded and singular."""
    return frozenset(t for w in _WORD.findall(quick_fold(text)) if (t := _term(w)))


def _term(word: str) -> str:
    """A word as a feature, or '' for words too short or too common to tell."""
    return "" if len(word) <= 2 or word.isdigit() or word in TEXT_STOP_WORDS else singular(word)


class _Features:
    """Feature ids and labels: keyword and theme tags, and words."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], int] = {}
        self.kinds: list[str] = []
        self.labels: list[str] = []
        self._tags: dict[str, frozenset[int]] = {}
        self._words: dict[str, frozenset[int]] = {}
        self._word_ids: dict[str, int] = {}

    def id(self, kind: str, key: str, label: str) -> int:
        found = self.ids.get((kind, key))
        if found is None:
            found = self.ids[(kind, key)] = len(self.kinds)
            self.kinds.append(kind)
            self.labels.append(label)
        return found

    def of_tags(self, article_id: str, tags: ArticleTags) -> frozenset[int]:
        """An article's keyword and theme features, shared by all its rows."""
        found = self._tags.get(article_id)
        if found is None:
            found = self._tags[article_id] = frozenset(
                [*(self.id(KEYWORD, t.key, t.label) for t in tags.keywords),
                 *(self.id(THEME, t.key, t.label) for t in tags.themes)]
            )
        return found

    def of_text(self, text: str) -> frozenset[int]:
        found = self._words.get(text)
        if found is None:
            ids = self._word_ids
            known = []
            for word in _WORD.findall(quick_fold(text)):
                i = ids.get(word)
                if i is None:
                    i = self._word_id(word)
                if i >= 0:
                    known.append(i)
            found = self._words[text] = frozenset(known)
        return found

    def _word_id(self, word: str) -> int:
        """The feature id of a raw word, -1 for words that are no feature; cached,
        since the same few thousand words fill every description."""
        term = _term(word)
        found = self._word_ids[word] = self.id(WORD, term, term) if term else -1
        return found


_Found = list[list[tuple[int, Relation]]]
"""For each item of a job, its related items (index, why), best first."""


RelatedJob = Kind | None
"""Related articles (None) or the related rows of one kind."""

RELATED_JOBS: tuple[RelatedJob, ...] = (None, *Kind)
"""Independent of each other: the build may run them side by side."""


def build_related(index: SiteIndex, trends: Trends, settings: RelatedSettings) -> Related:
    """Related articles, and related rows for each kind of row, one job after another."""
    jobs = RELATED_JOBS if settings.count else ()
    return combine_related(index, [related_job(job, index, trends, settings) for job in jobs])


def combine_related(index: SiteIndex, found: Sequence[_Found]) -> Related:
    """What `related_job` found for each of RELATED_JOBS, in order, looked up
    by article and by row; nothing at all when no job ran (`count` is 0)."""
    if not found:
        return Related({}, {})
    by_job = dict(zip(RELATED_JOBS, found, strict=True))
    articles = index.articles
    by_article = {
        articles[i].id: tuple(RelatedArticle(articles[j], why) for j, why in near)
        for i, near in enumerate(by_job[None])
    }
    rows: dict[tuple[str, Kind, str], tuple[RelatedRow, ...]] = {}
    for kind in Kind:
        placed = index.entries[kind]
        for i, near in enumerate(by_job[kind]):
            rows[row_key(placed[i])] = tuple(RelatedRow(placed[j], why) for j, why in near)
    return Related(by_article, rows)


def related_job(job: RelatedJob, index: SiteIndex, trends: Trends, settings: RelatedSettings) -> _Found:
    """Related items of every article (job None) or every row of one kind."""
    features = _Features()
    if job is None:
        items = [
            _Item(features.of_tags(a.id, index.tags_of[a.id]) | features.of_text(f"{a.title} {a.summary}"), _day(a), a.id, "")
            for a in index.articles
        ]
    else:
        items = [_row_item(p, index, trends, features) for p in index.entries[job]]
    return _neighbours(items, features, settings)


def _row_item(placed: Placed, index: SiteIndex, trends: Trends, features: _Features) -> _Item:
    entry, article = placed.entry, placed.article
    trend = trends.of_row.get(row_key(placed))
    return _Item(
        features.of_tags(article.id, index.tags_of[article.id]) | features.of_text(f"{entry.name} {entry.description}"),
        _day(article),
        article.id,
        trend.slug if trend else "",
    )


def _day(article: Article) -> int:
    return article.date.toordinal() if article.date else 0


def _neighbours(
    items: Sequence[_Item], features: _Features, settings: RelatedSettings
) -> list[list[tuple[int, Relation]]]:
    """For each item, its best `count` others (index, relation), best first."""
    postings: dict[int, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for f in item.features:
            postings[f].append(i)
    weight = _weights(postings, items, features, settings)
    telling = frozenset(weight)
    # Only features that can relate items matter from here on.
    usable = [item.features & telling for item in items]
    excluded = _exclusions(items)
    rarity = [0] * len(features.kinds)
    for f, holders in postings.items():
        rarity[f] = len(holders)
    scale, time_weight = settings.time_scale_days, settings.time_weight
    weight_of = weight.__getitem__
    found: list[list[tuple[int, Relation]]] = []
    for i, item in enumerate(items):
        mine = usable[i]
        scored = []
        for j in _shortlist(mine, postings, rarity, excluded[i], settings.count * SHORTLIST):
            shared = mine & usable[j]
            other = items[j].day
            near = time_weight * scale / (scale + abs(item.day - other)) if item.day and other else 0.0
            scored.append((-(sum(map(weight_of, shared)) + near), j, shared))
        scored.sort()
        found.append([
            (j, _relation(shared, item.day, items[j].day, -score, weight, features))
            for score, j, shared in _one_per_article(scored, items)[: settings.count]
        ])
    return found


def _one_per_article(scored: list[tuple[float, int, frozenset[int]]], items: Sequence[_Item]) -> list[tuple[float, int, frozenset[int]]]:
    """The best item of each article: five rows of one other article would
    share the same keywords and say the same thing five times."""
    seen: set[str] = set()
    kept = []
    for entry in scored:
        article = items[entry[1]].article
        if article not in seen:
            seen.add(article)
            kept.append(entry)
    return kept


def _weights(
    postings: Mapping[int, list[int]], items: Sequence[_Item], features: _Features, settings: RelatedSettings
) -> dict[int, float]:
    """Weight of every feature that may relate items: its kind's weight × rarity.

    A feature found in one article only (a keyword every row of that article
    inherits) relates nothing, since an article's rows are never related."""
    kind_weight = {KEYWORD: settings.keyword_weight, THEME: settings.theme_weight, WORD: settings.text_weight}
    total = len(items)
    scale = math.log(max(2, total))
    return {
        f: kind_weight[features.kinds[f]] * max(0.05, math.log(total / len(found)) / scale)
        for f, found in postings.items()
        if 2 <= len(found) <= settings.max_postings and _in_two_articles(found, items)
    }


def _in_two_articles(found: list[int], items: Sequence[_Item]) -> bool:
    first = items[found[0]].article
    return any(items[i].article != first for i in found)


def _exclusions(items: Sequence[_Item]) -> list[tuple[frozenset[int], ...]]:
    """Each item's never-related others: itself, its article's, its trend's,
    as groups shared by their members (an article of 20,000 rows has one
    group, not 20,000 copies of it)."""
    together: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        together["a:" + item.article].append(i)
        if item.trend:
            together["t:" + item.trend].append(i)
    groups = {key: frozenset(members) for key, members in together.items()}
    return [
        (groups["a:" + item.article], *((groups["t:" + item.trend],) if item.trend else ()))
        for item in items
    ]


def _shortlist(
    features: frozenset[int], postings: Mapping[int, list[int]], rarity: list[int],
    excluded: tuple[frozenset[int], ...], size: int,
) -> list[int]:
    """The `size` items sharing most of these features' rarest."""
    probes = sorted(sorted(features), key=rarity.__getitem__)[:PROBES]
    votes: Counter[int] = Counter()
    for f in probes:
        votes.update(postings[f])  # counted in C: the hot loop of the related step
    for group in excluded:
        # Whichever is smaller is walked: the cost is bounded by the votes,
        # never by the size of a huge article or trend.
        if len(group) <= len(votes):
            for j in group:
                votes.pop(j, None)
        else:
            for j in [j for j in votes if j in group]:
                del votes[j]
    return [j for j, _ in votes.most_common(size)]


def _relation(
    shared: frozenset[int], day: int, other: int, score: float, weight: Mapping[int, float], features: _Features
) -> Relation:
    found: dict[str, list[str]] = {KEYWORD: [], THEME: [], WORD: []}
    for f in sorted(shared, key=lambda f: (-weight[f], features.labels[f])):
        found[features.kinds[f]].append(features.labels[f])
    days = abs(day - other) if day and other else None
    return Relation(tuple(found[KEYWORD][:4]), tuple(found[THEME][:3]), tuple(found[WORD][:4]), days, round(score, 2))
