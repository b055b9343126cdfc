"""The listings a save changes, found without indexing every article again.

A full build's index pages (listings, tag pages, tag indexes, home, the
timeline) read the whole index. After a save, the preview patches the last
index with the saved articles (`patched_index`): the articles that changed
leave each list and their new versions take their places in its order, a
few lookups each, so the listings are planned in milliseconds instead of
the seconds of indexing the scan. `listed_pages` then plans the index pages
that can show the saved articles, and `shows_any` picks those that do.

A patched index is a full build's for every page `listed_pages` plans,
with two exceptions, both set right by the whole rebuild that follows
(a few seconds later): a row's rank (`Placed.rank`, outside equality and
shown by no page) is its place at the save; and an article whose id shares
its short row token with the saved article's keeps the token it had.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from foresite.core.config import Settings
from foresite.core.model import Article, Kind, Tag, TagKind
from foresite.core.text import fold
from foresite.foresight.results import TagTrajectories
from foresite.index.site_index import ArticleTags, Placed, SiteIndex, by_relevancy, newest_first
from foresite.pages.contexts import HomeContext, ListingContext, TagContext, TagIndexContext, TimelineContext
from foresite.pages.plan import (
    Page,
    home_page,
    listing_pages,
    tag_index_page,
    tag_pages,
    timeline_page,
)

TagOf = Callable[[TagKind, str], Tag | None]
"""A tag by (kind, folded term), labelled as every article now spells it;
None when no article has it any more."""


def patched_index(
    index: SiteIndex, saved: Sequence[Article], saved_tags: Mapping[str, ArticleTags], changed: Collection[str],
    tag_of: TagOf,
) -> SiteIndex:
    """`index` with the articles of the `changed` ids replaced by `saved`
    (those of them still published, as a full build indexes them, with
    their tags), the others gone."""
    kept = [a for a in index.articles if a.id not in changed]
    tags, tag_articles = _patched_tags(index, saved, saved_tags, changed, tag_of)
    entries, rows_of = _patched_rows(index, saved, changed)
    by_id = {i: a for i, a in index.by_id.items() if i not in changed}
    by_id.update((a.id, a) for a in saved)
    tags_of = {i: t for i, t in index.tags_of.items() if i not in changed}
    tags_of.update((a.id, saved_tags[a.id]) for a in saved)
    return SiteIndex(
        articles=tuple(sorted([*kept, *saved], key=newest_first)),
        by_id=by_id,
        tags=tags,
        tag_articles=tag_articles,
        tags_of=tags_of,
        entries=entries,
        same_name=index.same_name,  # read by articles' own pages only, not by any page planned here
        rows_of=rows_of,
        problems=index.problems,
    )


def _all_tags(tags: ArticleTags | None) -> tuple[Tag, ...]:
    return (*tags.keywords, *tags.themes, *tags.categories, *tags.types) if tags else ()


def _patched_tags(
    index: SiteIndex, saved: Sequence[Article], saved_tags: Mapping[str, ArticleTags], changed: Collection[str],
    tag_of: TagOf,
) -> tuple[dict[TagKind, tuple[Tag, ...]], dict[Tag, tuple[Article, ...]]]:
    joining: dict[tuple[TagKind, str], list[Article]] = {}
    for article in saved:
        for tag in dict.fromkeys(_all_tags(saved_tags[article.id])):
            joining.setdefault((tag.kind, tag.key), []).append(article)
    keys = {(t.kind, t.key) for i in changed for t in _all_tags(index.tags_of.get(i))} | joining.keys()
    before = _tags_by_key(index, keys)
    tag_articles = dict(index.tag_articles)
    now: dict[tuple[TagKind, str], Tag] = {}
    for key in keys:
        old = before.get(key)
        members = [a for a in tag_articles.pop(old, ()) if a.id not in changed] if old else []
        members.extend(joining.get(key, ()))
        if (new := tag_of(*key)) is not None and members:
            now[key] = new
            tag_articles[new] = tuple(sorted(members, key=newest_first))
    tags = dict(index.tags)
    # A kind's tags, A-Z, are sorted again only when one came, went or was spelt otherwise.
    for kind in {kind for kind, key in keys if before.get((kind, key)) != now.get((kind, key))}:
        others = (t for t in index.tags[kind] if (kind, t.key) not in keys)
        mine = (t for (k, _), t in now.items() if k is kind)
        tags[kind] = tuple(sorted([*others, *mine], key=lambda t: (fold(t.label), t.slug)))
    return tags, tag_articles


def _tags_by_key(index: SiteIndex, keys: Collection[tuple[TagKind, str]]) -> dict[tuple[TagKind, str], Tag]:
    """The index's tags of these (kind, folded term), those it has: one look
    through the tags of each kind."""
    wanted = set(keys)
    return {(kind, t.key): t for kind in {k for k, _ in wanted} for t in index.tags[kind] if (kind, t.key) in wanted}


def _patched_rows(
    index: SiteIndex, saved: Sequence[Article], changed: Collection[str]
) -> tuple[dict[Kind, tuple[Placed, ...]], dict[str, Mapping[Kind, tuple[Placed, ...]]]]:
    kinds = {e.kind for a in saved for e in a.entries}
    kinds.update(kind for i in changed for kind in index.rows_of.get(i, {}))
    entries = dict(index.entries)
    rows_of: dict[str, Mapping[Kind, tuple[Placed, ...]]] = {
        i: rows for i, rows in index.rows_of.items() if i not in changed
    }
    joined: dict[str, dict[Kind, list[Placed]]] = {a.id: {} for a in saved}
    for kind in kinds:
        rows = [p for p in index.entries[kind] if p.article.id not in changed]
        new = sorted(
            ((by_relevancy(e, a), e, a) for a in saved for e in a.entries if e.kind is kind), key=lambda r: r[0]
        )
        for order, entry, article in new:
            at = bisect_left(rows, order, key=lambda p: by_relevancy(p.entry, p.article))
            placed = Placed(entry, article, at)
            rows.insert(at, placed)
            joined[article.id].setdefault(kind, []).append(placed)
        entries[kind] = tuple(rows)
    for article_id, found in joined.items():
        rows_of[article_id] = {kind: tuple(found[kind]) for kind in Kind if kind in found}
    return entries, rows_of


@dataclass(frozen=True)
class Listed:
    pages: list[Page]
    """Home, the timeline, the tag indexes, and the listings and tag pages
    that may list the changed articles as they are."""
    gone: set[str]
    """URLs of such listing and tag pages that are no more (a tag no article
    has now, a listing one page shorter)."""


def listed_pages(
    before: SiteIndex, after: SiteIndex, settings: Settings, saved: Sequence[Article], changed: Collection[str],
    of_tag: TagTrajectories | None, today: datetime.date,
) -> Listed:
    """The index pages of `after`, `before` patched (`patched_index`), that
    may list the `changed` articles as they were or are: home, the timeline,
    the articles' listing, the listings of their rows' kinds, the tag
    indexes and the pages of their tags."""
    kinds = {e.kind for a in saved for e in a.entries}
    kinds.update(kind for i in changed for kind in before.rows_of.get(i, {}))
    keys = {(t.kind, t.key): None for i in changed for t in _all_tags(before.tags_of.get(i))}
    keys.update({(t.kind, t.key): None for a in saved for t in _all_tags(after.tags_of.get(a.id))})
    tags_before, tags_after = _tags_by_key(before, keys), _tags_by_key(after, keys)
    series = list(_series(after, settings, kinds, tags_after.values(), of_tag, today))
    was = {page.url for page in _series(before, settings, kinds, tags_before.values(), None, today)}
    pages = [home_page(after, settings, today), timeline_page(after, settings)]
    # A tag index shows each tag's label and number of articles.
    recounted = {
        kind for kind, key in keys
        if _counted(before, tags_before.get((kind, key))) != _counted(after, tags_after.get((kind, key)))
    }
    pages += [tag_index_page(kind, after, settings) for kind in TagKind if kind in recounted]
    return Listed([*pages, *series], was - {page.url for page in series})


def _counted(index: SiteIndex, tag: Tag | None) -> tuple[str, int] | None:
    return (tag.label, len(index.tag_articles[tag])) if tag is not None else None


def _series(
    index: SiteIndex, settings: Settings, kinds: Collection[Kind], tags: Iterable[Tag],
    of_tag: TagTrajectories | None, today: datetime.date,
) -> Iterator[Page]:
    """The articles' listing, the listings of `kinds` and the pages of `tags`."""
    yield from listing_pages(None, index, settings)
    for kind in Kind:
        if kind in kinds:
            yield from listing_pages(kind, index, settings)
    for tag in tags:
        yield from tag_pages(tag, index, settings, of_tag, today)


def shows_any(page: Page, ids: Collection[str]) -> bool:
    """Whether the page lists an article of `ids`, or one of its rows; the
    home page, the timeline and tag indexes count as listing every article
    (their counts and order move with any of them)."""
    context = page.context
    if isinstance(context, ListingContext):
        return _any_of(context.articles, ids) or _any_of((p.article for p in context.entries), ids)
    if isinstance(context, TagContext):
        return _any_of(context.articles, ids)
    return isinstance(context, HomeContext | TimelineContext | TagIndexContext)


def _any_of(articles: Iterable[Article], ids: Collection[str]) -> bool:
    return not {a.id for a in articles}.isdisjoint(ids)
