"""Trends: rows of one kind whose names say the same thing, across articles.

"Rise of Digital Clones", "The rise of digital clones" and "Digital clone
rise" are one trend. A name is reduced to its key terms (folded words, minus
stop words and words that only frame a change such as "rise" or "growing",
plurals made singular); two names are the same trend when their key terms
overlap by at least `TrendSettings.similarity` (Jaccard: shared terms over all
terms). Rows are grouped around anchors, so every row's page can say which
name it was matched to and how closely, and the grouping never chains A to C
through B.

Candidates come from an inverted index over the rarest terms of each name
(prefix filtering), so grouping costs about one lookup per row, never a
comparison of every pair.
"""

from __future__ import annotations

import datetime
import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from foresite.core.config import TrendSettings
from foresite.core.model import Kind
from foresite.core.text import fold, key_slug
from foresite.core.urls import trend_url
from foresite.index.site_index import Placed, SiteIndex, oldest_first

_STOP = """
a an and are as at be by for from in into is it its of on or over than that the their this to
towards toward under up upon via vs versus what with within without
au aux avec ce ces dans de des du en et la le les leur leurs par pour sur un une
el los las del con por para y
"""
STOP_WORDS = frozenset(_STOP.split())
"""English, French and Spanish words that name nothing."""

_FRAMING = """
rise rising growth growing grow increase increased increasing surge surging
emergence emerging emergent shift shifting transition trend accelerating acceleration
expansion expanding boom new more greater rapid rapidly ongoing continued
essor hausse croissance montee nouveau nouvelle nouveaux
concern risk issue problem challenge effect
"""
FRAMING_WORDS = frozenset(_FRAMING.split())
"""Words that frame a change rather than name what changes ("Rise of X",
"Growing X" and "X surge" are all about X), and words that only restate the
row's kind ("Data privacy concerns" and "Data privacy risks" are both the
concern of data privacy). Compared after plurals are made singular."""

_COUNTER = """
decline declining fall falling drop dropping decrease decreasing collapse backlash slowdown
demise reversal baisse declin recul
"""
COUNTER_WORDS = frozenset(_COUNTER.split())
"""Words that turn a change around: "Decline of X" is not the trend "Rise of
X", so names are one trend only if they hold the same of these."""
PHRASES = (
    # Spellings of one idea that share no word; kept short and explicit.
    ("artificial intelligence", "ai"),
    ("intelligence artificielle", "ai"),
    ("inteligencia artificial", "ai"),
    ("large language models", "llm"),
    ("large language model", "llm"),
    ("electric vehicles", "ev"),
    ("electric vehicle", "ev"),
    ("ia", "ai"),
)
_INITIALISM = re.compile(r"\b(?:[a-z]\.){2,}")
_WORD = re.compile(r"[a-z0-9]+")
_COMBINING = re.compile("[\u0300-\u036f]")


def key_terms(name: str) -> frozenset[str]:
    """The words of a name that decide its trend; never empty for a non-empty name."""
    folded = quick_fold(name)
    text = " " + " ".join(_WORD.findall(_INITIALISM.sub(lambda m: m.group(0).replace(".", ""), folded))) + " "
    for phrase, short in PHRASES:
        text = text.replace(f" {phrase} ", f" {short} ")
    words = [singular(w) for w in text.split() if (len(w) > 1 or w.isdigit()) and w not in STOP_WORDS]
    terms = frozenset(w for w in words if w not in FRAMING_WORDS)
    if terms:
        return terms
    # A name made only of framing or stop words, or of no Latin letters, is its own trend.
    if words:
        return frozenset(words)
    whole = " ".join(folded.split())
    return frozenset([whole]) if whole else frozenset()


def quick_fold(text: str) -> str:
    """Lower case without accents, for matching words: text.fold's result
    where it matters, in a fraction of its time (this runs on every row)."""
    low = text.casefold()
    return low if low.isascii() else _COMBINING.sub("", unicodedata.normalize("NFKD", low))


def singular(word: str) -> str:
    """A plural's singular by its ending; rough, and the same for every name."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")) or not word.endswith("s"):
        return word
    return word[:-1]


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard: shared terms over all terms of the two names; 0 when one says
    something falls and the other does not."""
    if (a & COUNTER_WORDS) != (b & COUNTER_WORDS):
        return 0.0
    return len(a & b) / len(a | b) if a or b else 0.0


def is_same_trend(a: str, b: str, threshold: float) -> bool:
    """Whether two names group together on their own (what the labelled pairs test)."""
    return similarity(key_terms(a), key_terms(b)) >= threshold


@dataclass(frozen=True)
class Evidence:
    """One row of a trend, with why it belongs."""

    placed: Placed
    terms: tuple[str, ...]
    """The row name's key terms, A–Z."""
    similarity: float
    """Jaccard of its key terms with the trend's anchor name."""


@dataclass(frozen=True)
class Trend:
    kind: Kind
    slug: str
    label: str
    """The most frequent spelling among the rows."""
    anchor: str
    """The name every row was compared with."""
    terms: tuple[str, ...]
    """The anchor's key terms, A–Z."""
    evidence: tuple[Evidence, ...]
    """Oldest first."""
    article_count: int
    first_seen: datetime.date | None
    last_seen: datetime.date | None

    @property
    def url(self) -> str:
        return trend_url(self.kind, self.slug)


@dataclass(frozen=True)
class TrendLink:
    """What a row page shows of the trend its row belongs to."""

    kind: Kind
    slug: str
    label: str
    article_count: int

    @property
    def url(self) -> str:
        return trend_url(self.kind, self.slug)


@dataclass(frozen=True)
class Trends:
    trends: tuple[Trend, ...]
    """By evidence: most articles first."""
    of_row: Mapping[tuple[str, Kind, str], Trend]
    """Each grouped row's trend, by (article id, kind, row slug)."""


def row_key(placed: Placed) -> tuple[str, Kind, str]:
    return (placed.article.id, placed.entry.kind, placed.entry.slug)


def build_trends(index: SiteIndex, settings: TrendSettings) -> Trends:
    """Every trend of the scan: groups of rows from at least `min_articles` articles."""
    terms_cache: dict[str, frozenset[str]] = {}
    trends: list[Trend] = []
    for kind in Kind:
        by_terms: dict[frozenset[str], list[Placed]] = defaultdict(list)
        for placed in index.entries[kind]:
            if placed.entry.has_name:
                name = placed.entry.name
                terms = terms_cache.get(name)
                if terms is None:
                    terms = terms_cache[name] = key_terms(name)
                if terms:
                    by_terms[terms].append(placed)
        trends.extend(_kind_trends(kind, by_terms, settings))
    trends.sort(key=lambda t: (-t.article_count, -len(t.evidence), t.kind.value, t.slug))
    of_row = {row_key(e.placed): trend for trend in trends for e in trend.evidence}
    return Trends(tuple(trends), of_row)


def _kind_trends(
    kind: Kind, by_terms: Mapping[frozenset[str], list[Placed]], settings: TrendSettings
) -> Iterable[Trend]:
    members = _group(by_terms, settings.similarity)
    for anchor, grouped in members.items():
        rows = [p for terms in grouped for p in by_terms[terms]]
        if len({p.article.id for p in rows}) >= settings.min_articles:
            yield _trend(kind, anchor, grouped, by_terms)


def _group(
    by_terms: Mapping[frozenset[str], Sequence[Placed]], threshold: float
) -> dict[frozenset[str], list[frozenset[str]]]:
    """Anchor → the term sets grouped with it, by leader clustering.

    Term sets are visited most-seen first, so the common spelling anchors a
    trend; each joins the most similar anchor at or above `threshold` (of
    equals, the one made first), or becomes an anchor itself.
    """
    frequency = Counter(term for terms in by_terms for term in terms)
    seen_in = {terms: len({p.article.id for p in rows}) for terms, rows in by_terms.items()}
    order = sorted(by_terms, key=lambda terms: (-seen_in[terms], -len(terms), sorted(terms)))
    anchors = _Anchors(threshold)
    groups: dict[frozenset[str], list[frozenset[str]]] = {}
    for terms in order:
        rarest = sorted(terms, key=lambda t: (frequency[t], t))
        best = anchors.best(terms, rarest)
        if best is None:
            groups[terms] = [terms]
            anchors.add(terms, rarest)
        else:
            groups[best].append(terms)
    return groups


_SUBSETS_LIMIT = 64
"""Most subsets of one set the grouping lists or looks up (see _Anchors)."""


class _Anchors:
    """The anchors made so far, filed so that a set finds its most similar
    one without comparing itself with every anchor that shares a term.

    Two sets at least `threshold` similar share at least `need` terms, by
    their sizes. Mostly that is all of the smaller one: it is a subset of the
    larger, and a dictionary finds it (an anchor is filed under each of its
    subsets that a smaller set could be). Otherwise they share one of the
    smaller set's rarest terms (the prefix filter of All-Pairs and PPJoin),
    and the anchors of that size filed under those terms are compared. (Every
    anchor sharing a term was compared before: at 10,000 articles, 8 million
    comparisons, 99 % in vain, and a time that grew with the square of the
    scan.)"""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.made: list[frozenset[str]] = []
        self.index: dict[frozenset[str], int] = {}
        self.supersets: dict[tuple[frozenset[str], int], list[int]] = defaultdict(list)
        self.postings: dict[tuple[frozenset[str], int, str], list[int]] = defaultdict(list)
        self.sizes_made: set[int] = set()
        """The sizes of the anchors made: a set of 64,000 terms could match
        sets of 32,000 to 128,000, and only those that exist are looked at."""

    def need(self, size: int, other: int) -> int:
        """Terms two sets of these sizes share at the least to be similar enough."""
        return max(1, math.ceil(self.threshold * (size + other) / (1 + self.threshold) - 1e-9))

    def sizes(self, size: int) -> range:
        """Sizes a set similar enough to one of `size` can have."""
        return range(max(1, math.ceil(self.threshold * size - 1e-9)), math.floor(size / self.threshold + 1e-9) + 1)

    def sizes_to_compare(self, size: int) -> list[int]:
        """The sizes of the anchors made that a set of `size` may match, ascending."""
        possible = self.sizes(size)
        if len(possible) <= len(self.sizes_made):
            return [other for other in possible if other in self.sizes_made]
        return sorted(other for other in self.sizes_made if other in possible)

    def by_subsets(self, smaller: int, larger: int) -> bool:
        """Whether sets of these sizes match only when the smaller is a subset
        of the larger, and few enough subsets to list: then `add` files the
        larger under them, and `best` finds it by them."""
        # comb(n, k) >= n for 0 < k < n: a larger set over the limit has too
        # many subsets, and the binomial of a name of 64,000 words is never computed.
        return (
            smaller < larger <= _SUBSETS_LIMIT
            and self.need(smaller, larger) == smaller
            and math.comb(larger, smaller) <= _SUBSETS_LIMIT
        )

    def add(self, terms: frozenset[str], rarest: Sequence[str]) -> None:
        i, size = len(self.made), len(terms)
        self.made.append(terms)
        self.index[terms] = i
        self.sizes_made.add(size)
        for smaller in self.sizes(size) if size <= _SUBSETS_LIMIT else ():
            if self.by_subsets(smaller, size):
                for subset in itertools.combinations(rarest, smaller):
                    self.supersets[(frozenset(subset), size)].append(i)
        falls = terms & COUNTER_WORDS
        for term in rarest[: _prefix_length(size, self.threshold)]:
            self.postings[(falls, size, term)].append(i)

    def best(self, terms: frozenset[str], rarest: Sequence[str]) -> frozenset[str] | None:
        """The most similar anchor at or above the threshold, or None."""
        size, made = len(terms), self.made
        falls = terms & COUNTER_WORDS
        best, best_score = -1, self.threshold
        for other in self.sizes_to_compare(size):
            need = self.need(size, other)
            if other == size and need >= size:
                continue  # only the same set would do, and sets are met once
            if self.by_subsets(other, size):
                found: Iterable[int] = (
                    i for subset in itertools.combinations(rarest, other)
                    if (i := self.index.get(frozenset(subset), -1)) >= 0
                )
            elif self.by_subsets(size, other):
                found = self.supersets.get((terms, other), ())
            else:
                found = {i for term in rarest[: size - need + 1] for i in self.postings.get((falls, other, term), ())}
            for i in found:
                anchor = made[i]
                shared = len(terms & anchor)
                # similarity(), inlined: this loop is the grouping's hot spot.
                score = shared / (size + other - shared)
                if (score > best_score or (score == best_score and (best < 0 or i < best))) and (
                    anchor & COUNTER_WORDS == falls
                ):
                    best, best_score = i, score
        return made[best] if best >= 0 else None


def _prefix_length(size: int, threshold: float) -> int:
    """How many of a set's rarest terms any set at least `threshold`-similar
    must share one of (the prefix filter of All-Pairs and PPJoin)."""
    return size - math.ceil(threshold * size - 1e-9) + 1


def _trend(
    kind: Kind,
    anchor: frozenset[str],
    grouped: Sequence[frozenset[str]],
    by_terms: Mapping[frozenset[str], Sequence[Placed]],
) -> Trend:
    evidence = sorted(
        (
            Evidence(placed, tuple(sorted(terms)), round(similarity(terms, anchor), 2))
            for terms in grouped
            for placed in by_terms[terms]
        ),
        key=lambda e: oldest_first(e.placed),
    )
    label = most_common_name([e.placed.entry.name for e in evidence])
    dates = [e.placed.article.date for e in evidence if e.placed.article.date]
    return Trend(
        kind=kind,
        slug=key_slug(fold(label)),
        label=label,
        anchor=most_common_name([p.entry.name for p in by_terms[anchor]]),
        terms=tuple(sorted(anchor)),
        evidence=tuple(evidence),
        article_count=len({e.placed.article.id for e in evidence}),
        first_seen=min(dates, default=None),
        last_seen=max(dates, default=None),
    )


def most_common_name(names: Sequence[str]) -> str:
    """The spelling seen most, counting case and accent variants together;
    ties go to the shorter, plainer name, so the label is deterministic."""
    folded = Counter(fold(n) for n in names)
    best = min(folded, key=lambda f: (-folded[f], len(f), f))
    spellings = Counter(n for n in names if fold(n) == best)
    return min(spellings, key=lambda s: (-spellings[s], s))
