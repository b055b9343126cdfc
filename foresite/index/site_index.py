"""The index stage: what needs every article at once.

Tags, the same row seen again across articles, orderings and the checks that
compare articles with each other (duplicate ids, dangling Closest links).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from foresite.core.errors import Problem, error, warning
from foresite.core.model import Article, Entry, Kind, Tag, TagKind
from foresite.core.text import fold, key_slug
from foresite.core.urls import article_token, long_token


@dataclass(frozen=True)
class ArticleTags:
    keywords: tuple[Tag, ...]
    themes: tuple[Tag, ...]
    categories: tuple[Tag, ...]
    types: tuple[Tag, ...]


@dataclass(frozen=True)
class Placed:
    """A row with the article it belongs to, as listings show it."""

    entry: Entry
    article: Article
    # Out of equality, so that a row added or removed elsewhere, which moves
    # the rank of every row below it, does not make pages that merely list
    # those rows differ from the previous build's (the preview re-renders
    # pages that differ). Safe because no template shows a rank: pages whose
    # output follows rank order (listings, tag pages, the home page) hold
    # their rows in that order, and a tuple in a new order compares unequal.
    rank: int = field(compare=False)
    """Position among all rows of its kind by relevancy, then date: sorting
    any subset by rank orders it the way the listings do, cheaply."""


@dataclass(frozen=True)
class SiteIndex:
    articles: tuple[Article, ...]
    """Newest first; undated last."""
    by_id: Mapping[str, Article]
    tags: Mapping[TagKind, tuple[Tag, ...]]
    """Each kind's tags, A–Z."""
    tag_articles: Mapping[Tag, tuple[Article, ...]]
    """Each tag's articles, newest first."""
    tags_of: Mapping[str, ArticleTags]
    """An article's tags, by article id."""
    entries: Mapping[Kind, tuple[Placed, ...]]
    """Each kind's rows, by relevancy, then newest first."""
    same_name: Mapping[tuple[Kind, str], tuple[Placed, ...]]
    """Rows of one kind sharing a folded name, oldest first."""
    rows_of: Mapping[str, Mapping[Kind, tuple[Placed, ...]]]
    """An article's rows by kind, each by rank, by article id."""
    problems: tuple[Problem, ...]


class ArticleLinks(Protocol):
    """What an article's own pages read from the index (pages.article_pages):
    a SiteIndex, or the preview's index of the articles just saved
    (corpus.Corpus.index_for), which holds these for those articles only."""

    @property
    def by_id(self) -> Mapping[str, Article]:
        """At least the articles their Closest sections link to."""
        ...

    @property
    def tags_of(self) -> Mapping[str, ArticleTags]: ...

    @property
    def same_name(self) -> Mapping[tuple[Kind, str], tuple[Placed, ...]]:
        """At least the groups their rows belong to."""
        ...


def date_ordinal(article: Article) -> int:
    return article.date.toordinal() if article.date else 0


def newest_first(article: Article) -> tuple[int, str]:
    return (-date_ordinal(article), article.id)


def by_relevancy(entry: Entry, article: Article) -> tuple[int, int, str, str]:
    return (-(entry.relevancy or 0), -date_ordinal(article), article.id, entry.slug)


def oldest_first(placed: Placed) -> tuple[int, str, str]:
    return (*article_oldest_first(placed.article), placed.entry.slug)


def article_oldest_first(article: Article) -> tuple[int, str]:
    """The leading part of `oldest_first`: an article's rows are adjacent in that order."""
    return (date_ordinal(article) or datetime.date.max.toordinal(), article.id)


def name_key(entry: Entry) -> str:
    return entry.key


def claim_order(article: Article) -> tuple[bool, str, str]:
    """Of articles claiming one permalink, the first in this order is kept:
    the one whose id is its address exactly, so that a file named with
    another's id in upper case never takes its page by sorting first."""
    return (article.slug != article.id, article.path, article.id)


def build_index(candidates: Sequence[Article]) -> SiteIndex:
    articles, problems = _unique_articles(candidates)
    articles, shared = _distinct_tokens(articles)
    problems.extend(shared)
    by_id = {a.id: a for a in articles}
    problems.extend(_dangling_closest(articles, by_id))
    tags, tag_articles, tags_of = _tags(articles)
    entries, same_name, rows_of = _entries(articles)
    return SiteIndex(
        articles=tuple(sorted(articles, key=newest_first)),
        by_id=by_id,
        tags=tags,
        tag_articles=tag_articles,
        tags_of=tags_of,
        entries=entries,
        same_name=same_name,
        rows_of=rows_of,
        problems=tuple(problems),
    )


def _unique_articles(candidates: Sequence[Article]) -> tuple[list[Article], list[Problem]]:
    """Drop articles whose permalink another file already has: two files
    must never write one page, even on a case-insensitive file system."""
    kept: dict[str, Article] = {}
    problems: list[Problem] = []
    for article in sorted(candidates, key=claim_order):
        first = kept.get(article.slug)
        if first is None:
            kept[article.slug] = article
        else:
            problems.append(error(
                article.path, 1,
                f"article id '{article.id}' gives the same address as {first.path} "
                f"(articles/{article.slug}/); rename one file; left out",
            ))
    return list(kept.values()), problems


def _distinct_tokens(articles: list[Article]) -> tuple[list[Article], list[Problem]]:
    """The articles, those whose short row token (urls.article_token) another
    id gives too with longer tokens on their rows: a file whose id starts like
    another's must never take the addresses of that article's rows. Rows of
    every other article keep their short, stable addresses."""
    by_token: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_token[article_token(article.id)].append(article)
    shared = {a.id: group for group in by_token.values() if len(group) > 1 for a in group}
    if not shared:
        return articles, []
    problems = [
        warning(a.path, 1, f"rows of this article and of {', '.join(o.path for o in shared[a.id] if o is not a)} "
                f"would share the address token '{article_token(a.id)}'; its rows' addresses use its whole id instead")
        for a in articles if a.id in shared
    ]
    return [with_long_token(a) if a.id in shared else a for a in articles], problems


def with_long_token(article: Article) -> Article:
    """The article, its rows' addresses made with its long token (urls.long_token)."""
    token = long_token(article.id)
    return dataclasses.replace(article, entries=tuple(dataclasses.replace(e, token=token) for e in article.entries))


def _dangling_closest(articles: Iterable[Article], by_id: Mapping[str, Article]) -> list[Problem]:
    return [
        warning(a.path, link.line, f"Closest links to '{link.target}', which is not an article here")
        for a in articles
        for link in a.closest
        if link.target not in by_id
    ]


def _tags(
    articles: Sequence[Article],
) -> tuple[dict[TagKind, tuple[Tag, ...]], dict[Tag, tuple[Article, ...]], dict[str, ArticleTags]]:
    spellings: dict[tuple[TagKind, str], Counter[str]] = defaultdict(Counter)
    for article in articles:
        for kind, terms in tag_terms(article):
            for term in terms:
                spellings[(kind, fold(term))][term] += 1
    tag_of = {(kind, key): make_tag(kind, key, counter) for (kind, key), counter in spellings.items() if key}
    members: dict[Tag, list[Article]] = defaultdict(list)
    tags_of: dict[str, ArticleTags] = {}
    for article in articles:
        tags_of[article.id] = found = article_tags(article, tag_of)
        for tags in (found.keywords, found.themes, found.categories, found.types):
            for tag in tags:
                members[tag].append(article)
    by_kind = {
        kind: tuple(sorted((t for t in tag_of.values() if t.kind is kind), key=lambda t: (fold(t.label), t.slug)))
        for kind in TagKind
    }
    tag_articles = {tag: tuple(sorted(arts, key=newest_first)) for tag, arts in members.items()}
    return by_kind, tag_articles, tags_of


def tag_terms(article: Article) -> tuple[tuple[TagKind, tuple[str, ...]], ...]:
    """The article's tags of each kind, as written; a term whose fold is
    empty names no tag."""
    return (
        (TagKind.KEYWORD, article.keywords),
        (TagKind.THEME, article.themes),
        (TagKind.CATEGORY, (article.category,) if article.category else ()),
        (TagKind.TYPE, (article.type,) if article.type else ()),
    )


def make_tag(kind: TagKind, key: str, spellings: Counter[str]) -> Tag:
    """The tag of a folded key, labelled by its spellings across all articles."""
    return Tag(kind, key, _most_frequent(spellings), key_slug(key))


def article_tags(article: Article, tag_of: Mapping[tuple[TagKind, str], Tag]) -> ArticleTags:
    """The article's tags in the order it lists them, from each (kind, folded
    term)'s tag."""
    found = {kind: tuple(tag_of[(kind, key)] for t in terms if (key := fold(t))) for kind, terms in tag_terms(article)}
    return ArticleTags(found[TagKind.KEYWORD], found[TagKind.THEME], found[TagKind.CATEGORY], found[TagKind.TYPE])


def _most_frequent(counter: Counter[str]) -> str:
    # Ties go to the spelling that sorts first, so the label is deterministic.
    return min(counter, key=lambda s: (-counter[s], s))


def _entries(
    articles: Sequence[Article],
) -> tuple[
    dict[Kind, tuple[Placed, ...]],
    dict[tuple[Kind, str], tuple[Placed, ...]],
    dict[str, dict[Kind, tuple[Placed, ...]]],
]:
    raw: dict[Kind, list[tuple[tuple[int, int, str, str], Entry, Article]]] = {kind: [] for kind in Kind}
    for article in articles:
        for entry in article.entries:
            raw[entry.kind].append((by_relevancy(entry, article), entry, article))
    entries: dict[Kind, tuple[Placed, ...]] = {}
    groups: dict[tuple[Kind, str], list[Placed]] = defaultdict(list)
    buckets: dict[str, dict[Kind, list[Placed]]] = {a.id: {} for a in articles}
    for kind, rows in raw.items():
        rows.sort(key=lambda row: row[0])
        ranked = tuple(Placed(entry, article, rank) for rank, (_, entry, article) in enumerate(rows))
        entries[kind] = ranked
        for placed in ranked:
            buckets[placed.article.id].setdefault(kind, []).append(placed)
            if placed.entry.has_name:
                groups[(kind, name_key(placed.entry))].append(placed)
    same_name = {key: group for key, rows in groups.items() if (group := name_group(rows))}
    rows_of = {
        article_id: {kind: tuple(found[kind]) for kind in Kind if kind in found}
        for article_id, found in buckets.items()
    }
    return entries, same_name, rows_of


def name_group(rows: Sequence[Placed]) -> tuple[Placed, ...]:
    """Rows of one kind sharing a folded name, oldest first; empty for a row
    alone, which is seen nowhere again."""
    return tuple(sorted(rows, key=oldest_first)) if len(rows) > 1 else ()
