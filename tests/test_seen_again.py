"""A row seen again in many articles: its page lists the repeats nearest in
time, at most SEEN_AGAIN_ROWS, counts them all, and links the trend page,
which lists every one. Page weight must not grow with the square of how
often a name recurs."""

from __future__ import annotations

import dataclasses
import datetime
import random
import re
from pathlib import Path

import pytest

from foresite.core.config import Settings
from foresite.foresight.results import build_foresight
from foresite.index.site_index import build_index, name_key
from foresite.pages.plan import SEEN_AGAIN_ROWS, _window_start, entry_pages
from tests.hostile.make_hostile import _words, benign_article

from .conftest import build_project
from .test_trends import article

NAME = "Rise of Digital Clones"
REPEATS = SEEN_AGAIN_ROWS + 9
"""Articles that hold a signal of that name."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("seen-again")
    content = root / "content"
    content.mkdir()
    for seed in range(REPEATS + 3):
        text = benign_article(seed, rows=2)
        if seed < REPEATS:  # the first signal of each takes the shared name
            text = text.replace(f"| {_words(seed, 3).title()} ", f"| {NAME} ", 1)
        (content / f"article-{seed:02d}.md").write_text(text, encoding="utf-8")
    report = build_project(content, root / "site", search=False)
    assert report.written and not report.errors
    return root / "site"


def repeats_in_date_order(site: Path) -> list[tuple[str, str]]:
    """(date, row folder) of every row of that name, oldest first."""
    found = []
    for page in (site / "signals").glob("rise-of-digital-clones-*/index.html"):
        date = re.search(r'<p class="?from"?>From <a [^>]*>[^<]*</a>, (\d{4}-\d\d-\d\d)</p>', page.read_text(encoding="utf-8"))
        assert date, page
        found.append((date[1], page.parent.name))
    return sorted(found)


def test_each_page_lists_the_repeats_nearest_in_time_and_counts_them_all(site: Path) -> None:
    order = repeats_in_date_order(site)
    assert len(order) == REPEATS
    for position, (_, folder) in enumerate(order):
        html = (site / "signals" / folder / "index.html").read_text(encoding="utf-8")
        section = re.search(r'<section class="?again"?>(.*?)</section>', html, re.DOTALL)
        assert section, folder
        assert re.search(f'Seen again <span class="?n"?>{REPEATS - 1}</span>', section[1])
        shown = re.findall(r'<li><a href="\.\./([^/]+)/">', section[1])
        assert len(shown) == SEEN_AGAIN_ROWS
        others = [f for _, f in order if f != folder]
        # A run of consecutive repeats, oldest first, around this one.
        start = others.index(shown[0])
        assert shown == others[start : start + SEEN_AGAIN_ROWS]
        numbered = re.search(r'<ol(?: start="?(\d+)"?)?>', section[1])
        assert int(numbered[1] or 1) == start + 1, "the list is numbered by place among all of them"
        neighbours = [order[i][1] for i in (position - 1, position + 1) if 0 <= i < len(order)]
        assert set(neighbours) <= set(shown), (folder, neighbours)
        trend_link = re.search(r'<a href="([^"]+)">the trend’s page</a> lists all (\d+)', section[1])
        assert trend_link and int(trend_link[2]) == REPEATS - 1


def test_the_trend_page_linked_lists_every_repeat(site: Path) -> None:
    order = repeats_in_date_order(site)
    page = site / "signals" / order[0][1] / "index.html"
    href = re.search(r'<a href="([^"]+)">the trend’s page</a>', page.read_text(encoding="utf-8"))[1]
    trend = (page.parent / href / "index.html").resolve().read_text(encoding="utf-8")
    listed = set(re.findall(r'href="\.\./\.\./signals/(rise-of-digital-clones-[^/]+)/"', trend))
    assert listed == {folder for _, folder in order}


def test_a_row_seen_again_less_often_lists_every_repeat(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for seed in range(4):
        text = benign_article(seed, rows=2).replace(f"| {_words(seed, 3).title()} ", f"| {NAME} ", 1)
        (content / f"article-{seed:02d}.md").write_text(text, encoding="utf-8")
    assert build_project(content, tmp_path / "site", search=False).written
    for page in (tmp_path / "site" / "signals").glob("rise-of-digital-clones-*/index.html"):
        section = re.search(r'<section class="?again"?>(.*?)</section>', page.read_text(encoding="utf-8"), re.DOTALL)[1]
        assert len(re.findall("<li>", section)) == 3
        assert "the trend’s page" not in section


def test_the_repeats_of_a_row_skip_its_own_article_wherever_it_stands() -> None:
    """Pages find a row's repeats by bisection; they must be exactly the
    group's rows from other articles, in order, however many rows of its own
    article share the name, and the window must fall where a walk of the
    group puts it."""
    rng = random.Random(7)
    spellings = (NAME, NAME.upper(), NAME.lower())  # one folded name
    for trial in range(40):
        articles = []
        for number in range(rng.randint(2, 40)):
            date = None if rng.random() < 0.1 else f"202{rng.randint(2, 6)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            articles.append(article(number, date, rows=spellings[: rng.choice((1, 1, 1, 2, 3))]))
        index = build_index(articles)
        foresight = build_foresight(index, Settings())
        for one in index.articles:
            for page in entry_pages(one, index, foresight):
                context = page.context
                group = index.same_name.get((context.entry.kind, name_key(context.entry)), ())
                others = [p for p in group if p.article.id != one.id]
                assert context.seen_again_count == len(others), trial
                if context.trend is None:
                    assert context.seen_again == tuple(others), trial
                    continue
                at = group.index(next(p for p in group if p.entry is context.entry))
                earlier = sum(p.article.id != one.id for p in group[:at])
                first = _window_start(len(others), earlier, SEEN_AGAIN_ROWS)
                assert context.seen_again == tuple(others[first : first + SEEN_AGAIN_ROWS]), trial
                assert context.seen_again_first == first + 1


def test_a_renderer_kept_across_models_shows_each_repeat_as_the_model_has_it() -> None:
    """The preview keeps its renderer from save to save, and the renderer
    keeps each repeat's line: a repeat whose article was renamed or
    redated must show as it is now, and a row spelt otherwise must say so."""
    from foresite.render.renderer import Renderer, asset_versions

    from .conftest import ROOT

    def row_page_html(articles: list, renderer: Renderer) -> str:
        index = build_index(articles)
        foresight = build_foresight(index, Settings())
        page = next(p for p in entry_pages(index.by_id["a001"], index, foresight))
        return renderer.render(page).decode("utf-8")

    settings = Settings()
    renderer = Renderer(ROOT / "templates", settings, asset_versions(ROOT / "static"))
    first = [article(1, "2024-01-10", rows=(NAME,)), article(2, "2024-02-10", rows=(NAME,)), article(3, "2024-03-10", rows=(NAME.upper(),))]
    before = row_page_html(first, renderer)
    assert ">Article 2</a>, 2024-02-10<" in before
    assert f">Article 3</a>, 2024-03-10 (as “{NAME.upper()}”)" in before

    # The second article renamed and redated around the same rows: the renderer
    # must not show what it cached for them with the article they had before.
    again = [first[0], dataclasses.replace(first[1], title="Renamed", date=datetime.date(2025, 6, 1)), first[2]]
    after = row_page_html(again, renderer)
    assert ">Renamed</a>, 2025-06-01<" in after
    assert "Article 2<" not in after
    assert f">Article 3</a>, 2024-03-10 (as “{NAME.upper()}”)" in after
    assert after == row_page_html(again, Renderer(ROOT / "templates", settings, asset_versions(ROOT / "static")))
