"""The published articles as the preview holds them, kept current file by
file, with what finds an article's tags, cross-links and rows seen again
without going through every article.

A full build indexes all articles at once (index.build_index): a second or
more at a few thousand. After a save, the preview first shows the saved
articles' own pages, which read three things of the index: their tags,
each labelled by its most frequent spelling across all articles; the
articles their Closest sections link to; and the rows of other articles
with the same kind and name. `Corpus` keeps the spelling counts and the
maps from folded names and ids to articles that these come from, updated as
files change, so that `index_for` takes work in proportion to the saved
articles, not to the scan.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from foresite.core.model import Article, Entry, Kind, Tag, TagKind
from foresite.core.text import fold
from foresite.core.urls import article_token
from foresite.index.site_index import (
    ArticleTags,
    Placed,
    article_tags,
    by_relevancy,
    claim_order,
    make_tag,
    name_group,
    name_key,
    tag_terms,
    with_long_token,
)

Change = tuple[Article | None, Article | None]
"""A file's published article before and after it changed; None for none
(no file, a draft, nothing the preview shows)."""

RowOrder = tuple[int, int, str, str]
"""index.by_relevancy of a row: its place in the listings."""

FEW_ROWS = 256
"""Up to this many rows changed at once, the listing order is updated row
by row (a save); beyond, sorted again whole (the first load)."""


@dataclass(frozen=True)
class PartialIndex:
    """An index exact for the own pages of `articles` (index.ArticleLinks),
    and for nothing else: their pages built from it are a full build's."""

    articles: tuple[Article, ...]
    by_id: Mapping[str, Article]
    """The articles that theirs link to."""
    tags_of: Mapping[str, ArticleTags]
    same_name: Mapping[tuple[Kind, str], tuple[Placed, ...]]
    """The groups their rows belong to."""


class Corpus:
    """The articles a full build of the same files would index, and their
    tags' spellings, named rows and listing order, kept current by `update`."""

    def __init__(self) -> None:
        self._claims: dict[str, dict[tuple[bool, str, str], Article]] = {}
        """The published articles by permalink, by index.claim_order: two files may claim one."""
        self._kept: dict[str, Article] = {}
        """The article of each permalink's first claim: the one index.build_index keeps."""
        self._by_id: dict[str, Article] = {}
        """The same, by id (one id gives one permalink), with the long token
        on its rows when another kept article's id gives its short one, as
        index.build_index gives them."""
        self._tokens: dict[str, tuple[str, ...]] = {}
        """The ids of the kept articles by their short row token (urls.article_token)."""
        self._spellings: dict[tuple[TagKind, str], Counter[str]] = {}
        """How often each spelling of each (kind, folded term) is written."""
        self._named: dict[tuple[Kind, str], tuple[str, ...]] = {}
        """The ids of the articles with rows of each (kind, folded name)."""
        self._order: dict[Kind, list[RowOrder]] = {kind: [] for kind in Kind}
        """Each kind's rows' listing order, sorted: a row's rank is its place."""
        self._links_to: dict[str, tuple[str, ...]] = {}
        """The ids of the articles whose Closest sections link to each id."""

    def __len__(self) -> int:
        return len(self._by_id)

    def article(self, article_id: str) -> Article | None:
        """The article a full build shows under this id, if any."""
        return self._by_id.get(article_id)

    def update(self, changes: Iterable[Change]) -> tuple[list[Article], list[Article]]:
        """Take in files' changes, as one batch; the articles no longer shown
        under their permalink, and those shown now."""
        left, joined = self._settle(self._claim(changes))
        self._reorder(left, joined)
        for article in left:
            self._count_spellings(article, -1)
            self._unname(article)
            self._unlink(article)
        for article in joined:
            self._count_spellings(article, 1)
            self._name(article)
            self._link(article)
        return left, joined

    def tag(self, kind: TagKind, key: str) -> Tag | None:
        """The tag of a folded term as a full build labels it, if any article has it."""
        spellings = self._spellings.get((kind, key))
        return make_tag(kind, key, spellings) if spellings else None

    def linking_to(self, article_id: str) -> tuple[Article, ...]:
        """The articles whose Closest sections link to this id: their pages
        show its title, or that it is not there."""
        return tuple(a for i in self._links_to.get(article_id, ()) if (a := self._by_id.get(i)) is not None)

    def index_for(self, articles: Iterable[Article]) -> PartialIndex:
        """The index of these articles' own pages; each must be one `article` gives."""
        chosen = tuple(articles)
        by_id = {
            link.target: target for a in chosen for link in a.closest if (target := self._by_id.get(link.target))
        }
        tags_of = {a.id: article_tags(a, self._tags_of(a)) for a in chosen}
        keys = {key: None for a in chosen for key in _named_keys(a)}
        same_name = {key: group for key in keys if (group := name_group(self._placed(key)))}
        return PartialIndex(chosen, by_id, tags_of, same_name)

    # ------------------------------------------------------------ internals

    def _claim(self, changes: Iterable[Change]) -> set[str]:
        """Record the changes' claims; the permalinks they touch."""
        touched = set()
        for old, new in changes:
            if old is not None:
                claims = self._claims[old.slug]
                del claims[claim_order(old)]
                if not claims:
                    del self._claims[old.slug]
                touched.add(old.slug)
            if new is not None:
                self._claims.setdefault(new.slug, {})[claim_order(new)] = new
                touched.add(new.slug)
        return touched

    def _settle(self, slugs: Iterable[str]) -> tuple[list[Article], list[Article]]:
        """Keep each permalink's first claim; the articles no longer kept, and those newly kept."""
        left, joined = [], []
        for slug in slugs:
            claims = self._claims.get(slug)
            now = claims[min(claims)] if claims else None
            before = self._kept.get(slug)
            if now is before:
                continue
            if before is not None:
                left.append(before)
                del self._kept[slug], self._by_id[before.id]
            if now is not None:
                joined.append(now)
                self._kept[slug] = self._by_id[now.id] = now
        self._share_tokens(left, joined)
        return left, joined

    def _share_tokens(self, left: list[Article], joined: list[Article]) -> None:
        """Give the rows of kept articles whose ids share a short token their
        long ones, and the short one back to an article left alone with it:
        the addresses of a full build (index.build_index), which an article
        joining or leaving changes for the others of its token."""
        touched = set()
        for article in left:
            token = article_token(article.id)
            if others := tuple(i for i in self._tokens[token] if i != article.id):
                self._tokens[token] = others
            else:
                del self._tokens[token]
            touched.add(token)
        for article in joined:
            token = article_token(article.id)
            self._tokens[token] = (*self._tokens.get(token, ()), article.id)
            touched.add(token)
        for token in touched:
            ids = self._tokens.get(token, ())
            for article_id in ids:
                kept = self._kept[self._by_id[article_id].slug]
                self._by_id[article_id] = with_long_token(kept) if len(ids) > 1 else kept

    def _tags_of(self, article: Article) -> dict[tuple[TagKind, str], Tag]:
        return {
            (kind, key): make_tag(kind, key, self._spellings[(kind, key)])
            for kind, terms in tag_terms(article)
            for term in terms
            if (key := fold(term))
        }

    def _placed(self, key: tuple[Kind, str]) -> list[Placed]:
        order = self._order[key[0]]
        return [
            Placed(entry, article, bisect_left(order, by_relevancy(entry, article)))
            for article_id in self._named.get(key, ())
            for article in (self._by_id[article_id],)
            for entry in article.entries
            if _named_key(entry) == key
        ]

    def _count_spellings(self, article: Article, step: int) -> None:
        for kind, terms in tag_terms(article):
            for term in terms:
                if not (key := fold(term)):
                    continue
                counter = self._spellings.setdefault((kind, key), Counter())
                counter[term] += step
                if not counter[term]:
                    del counter[term]
                    if not counter:
                        del self._spellings[(kind, key)]

    def _name(self, article: Article) -> None:
        # Tuples, not sets or dicts: a scan has tens of thousands of names, most
        # in one article; a name in many costs a copy of its ids, microseconds.
        for key in _named_keys(article):
            self._named[key] = (*self._named.get(key, ()), article.id)

    def _link(self, article: Article) -> None:
        for target in dict.fromkeys(link.target for link in article.closest):
            self._links_to[target] = (*self._links_to.get(target, ()), article.id)

    def _unlink(self, article: Article) -> None:
        for target in dict.fromkeys(link.target for link in article.closest):
            if others := tuple(i for i in self._links_to.get(target, ()) if i != article.id):
                self._links_to[target] = others
            else:
                self._links_to.pop(target, None)

    def _unname(self, article: Article) -> None:
        for key in _named_keys(article):
            if others := tuple(i for i in self._named[key] if i != article.id):
                self._named[key] = others
            else:
                del self._named[key]

    def _reorder(self, left: list[Article], joined: list[Article]) -> None:
        removed: dict[Kind, list[RowOrder]] = defaultdict(list)
        added: dict[Kind, list[RowOrder]] = defaultdict(list)
        for articles, rows in ((left, removed), (joined, added)):
            for article in articles:
                for entry in article.entries:
                    rows[entry.kind].append(by_relevancy(entry, article))
        for kind in removed.keys() | added.keys():
            self._order[kind] = _reordered(self._order[kind], removed[kind], added[kind])


def _named_key(entry: Entry) -> tuple[Kind, str] | None:
    return (entry.kind, name_key(entry)) if entry.has_name else None


def _named_keys(article: Article) -> dict[tuple[Kind, str], None]:
    """The (kind, folded name) of the article's named rows, each once, in order."""
    return dict.fromkeys(key for entry in article.entries if (key := _named_key(entry)))


def _reordered(order: list[RowOrder], removed: list[RowOrder], added: list[RowOrder]) -> list[RowOrder]:
    """`order` without `removed`, with `added`, still sorted."""
    if len(removed) + len(added) <= FEW_ROWS:
        # Each insertion moves the list's tail: microseconds for a save.
        for row in removed:
            del order[bisect_left(order, row)]
        for row in added:
            insort(order, row)
        return order
    # Row by row, thousands of files at once would take quadratic time.
    gone = set(removed)
    kept = [row for row in order if row not in gone] if gone else order
    kept.extend(added)
    kept.sort()
    return kept
