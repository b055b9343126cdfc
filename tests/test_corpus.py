"""The preview's corpus (foresite/corpus.py): after any series of changes,
the index it gives of a few articles holds, for those articles, what a full
index of every article holds: tags and their labels, Closest targets, and
the groups of rows seen again, ranks included."""

from __future__ import annotations

import dataclasses
import datetime
import random

import pytest

from foresite.build.stages import build_today, parse_path
from foresite.core.model import Article, ClosestLink
from foresite.core.text import fold
from foresite.index.site_index import SiteIndex, build_index, name_key
from foresite.preview.corpus import FEW_ROWS, Corpus
from foresite.source.read import list_sources

from .conftest import ROOT

SPELLINGS = ("Climate", "climate", "CLIMATE", "Clïmate", "energy", "Energy")
NAMES = ("Urban heat islands", "urban heat islands", "Night trains", "NIGHT TRAINS", "Four-day week", "Solar co-ops")


def sample_articles() -> list[Article]:
    results = (parse_path(p, build_today()) for p in list_sources(ROOT / "content"))
    return [r.article for r in results if r.article is not None and not r.article.draft]


def assert_exact(corpus: Corpus, published: list[Article]) -> None:
    """For each article a full index keeps, the corpus's index of it alone
    holds what the full index holds for its pages."""
    full = build_index(published)
    assert len(corpus) == len(full.articles)
    for article in full.articles:
        assert corpus.article(article.id) is article
        partial = corpus.index_for([article])
        assert partial.tags_of[article.id] == full.tags_of[article.id]
        assert [t.label for t in _tags(partial, article.id)] == [t.label for t in _tags(full, article.id)]
        for link in article.closest:
            assert partial.by_id.get(link.target) is full.by_id.get(link.target)
        for entry in article.entries:
            if entry.has_name:
                key = (entry.kind, name_key(entry))
                assert _ranked(partial.same_name.get(key, ())) == _ranked(full.same_name.get(key, ()))
    for gone in {a.id for a in published} - set(full.by_id):
        assert corpus.article(gone) is None


def _tags(index: object, article_id: str) -> tuple:
    tags = index.tags_of[article_id]  # type: ignore[attr-defined]
    return (*tags.keywords, *tags.themes, *tags.categories, *tags.types)


def _ranked(group: tuple) -> list[tuple[str, str, str, int]]:
    # Rank is left out of equality (see index.Placed): compared here on its own.
    return [(p.article.path, p.entry.kind.value, p.entry.slug, p.rank) for p in group]


def mutated(article: Article, rng: random.Random, ids: list[str]) -> Article:
    """The article after an editor's save: respelt tags, renamed rows,
    another relevancy or date, other Closest links."""
    respelt = (rng.choice(SPELLINGS) if rng.random() < 0.5 else k for k in article.keywords)
    keywords = tuple({fold(k): k for k in respelt}.values())  # the parser keeps one of each folded term
    entries = tuple(
        dataclasses.replace(
            e,
            name=rng.choice(NAMES) if rng.random() < 0.4 else e.name,
            relevancy=rng.choice((None, 1, 3, 5)) if rng.random() < 0.3 else e.relevancy,
        )
        for e in article.entries
    )
    date = article.date
    if rng.random() < 0.3:
        date = rng.choice((None, datetime.date(2021, 5, 1), datetime.date(2024, 1, 9)))
    closest = article.closest
    if rng.random() < 0.3:
        closest = (*closest, ClosestLink("Added", rng.choice([*ids, "no-such-article"])))
    return dataclasses.replace(article, keywords=keywords, entries=entries, date=date, closest=closest)


@pytest.mark.parametrize("seed", range(6))
def test_the_corpus_agrees_with_a_full_index_after_any_series_of_changes(seed: int) -> None:
    rng = random.Random(seed)
    originals = sample_articles()
    ids = [a.id for a in originals]
    files: dict[str, Article] = {}
    corpus = Corpus()
    corpus.update((None, a) for a in originals)
    files.update((a.path, a) for a in originals)
    assert_exact(corpus, list(files.values()))
    for _ in range(25):
        changes = []
        for _ in range(rng.choice((1, 1, 2, 4))):
            path = rng.choice(sorted(files))
            old = files[path]
            roll = rng.random()
            if roll < 0.15:  # deleted, or made a draft
                new = None
            elif roll < 0.3:  # a copy in another folder: the same id, so the same permalink
                copy = dataclasses.replace(mutated(old, rng, ids), path=f"{rng.choice(('a', 'z'))}/{old.path}")
                if copy.path not in files:
                    changes.append((None, copy))
                    files[copy.path] = copy
                continue
            else:
                new = mutated(old, rng, ids)
            changes.append((old, new))
            if new is None:
                del files[path]
            else:
                files[path] = new
        if len(files) < 3:  # keep enough to compare
            restored = [a for a in originals if a.path not in files]
            changes.extend((None, a) for a in restored)
            files.update((a.path, a) for a in restored)
        corpus.update(changes)
        assert_exact(corpus, list(files.values()))


def test_many_rows_at_once_are_ordered_as_one_by_one() -> None:
    """The listing order is updated row by row for a save, and sorted whole
    for a first load: both give the full index's ranks."""
    articles = sample_articles()
    assert sum(len(a.entries) for a in articles) > FEW_ROWS, "the sample takes the bulk path"
    at_once, one_by_one = Corpus(), Corpus()
    at_once.update((None, a) for a in articles)
    for article in articles:
        one_by_one.update([(None, article)])
    assert_exact(at_once, articles)
    assert_exact(one_by_one, articles)
    rng = random.Random(1)
    edited = [mutated(a, rng, []) for a in articles]
    at_once.update(zip(articles, edited, strict=True))
    assert_exact(at_once, edited)


def test_a_permalink_claimed_twice_shows_the_first_claim_until_it_goes() -> None:
    first = sample_articles()[0]
    second = dataclasses.replace(first, path="zz/" + first.path, keywords=("Only in the copy",))
    corpus = Corpus()
    corpus.update([(None, second), (None, first)])
    assert corpus.article(first.id) is first
    assert_exact(corpus, [first, second])
    corpus.update([(first, None)])
    assert corpus.article(first.id) is second
    assert_exact(corpus, [second])
    assert [t.label for t in corpus.index_for([second]).tags_of[second.id].keywords] == ["Only in the copy"]


def test_a_tag_is_labelled_by_its_spellings_in_every_article() -> None:
    articles = sample_articles()
    full: SiteIndex = build_index(articles)
    tagged = next(a for a in articles if a.keywords)
    respelt = dataclasses.replace(tagged, keywords=(tagged.keywords[0].upper(),))
    copies = [dataclasses.replace(respelt, id=f"copy-{i}", slug=f"copy-{i}", path=f"copy-{i}.md") for i in range(5)]
    corpus = Corpus()
    corpus.update((None, a) for a in [*articles, *copies])
    label = corpus.index_for([tagged]).tags_of[tagged.id].keywords[0].label
    assert label == tagged.keywords[0].upper() != full.tags_of[tagged.id].keywords[0].label
