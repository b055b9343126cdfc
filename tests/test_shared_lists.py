"""Lists that many pages share, written once per article (foresite/rowlists.py)
and shown by static/site.js: a row page's article keywords, themes and other
rows, and a tag page's rows by kind. Checked in headless Chromium against
what the site's index says they must be, and in the files themselves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from foresite.build.stages import plan
from foresite.core.config import Settings
from foresite.core.model import Kind
from foresite.core.urls import entry_url, url_of
from foresite.index.site_index import SiteIndex
from foresite.pages.contexts import EntryContext, TagContext
from foresite.pages.plan import Page
from tests.hostile.make_hostile import benign_article

from .conftest import ROOT, build_project, serve_folder
from .test_trends import parse_folder

LONG_TABLE = 30
"""Signals of one generated article: more than a row page lists around a row."""
AROUND = 25


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteIndex, list[Page]]:
    """The project's content and an article with a long table, built, with the plan that made it."""
    root = tmp_path_factory.mktemp("shared-lists")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "long-table.md").write_text(benign_article(7, rows=LONG_TABLE), encoding="utf-8")
    # More articles of one category than a tag page lists: its tag is paged.
    for seed in range(100, 100 + Settings().tag_articles_per_page):
        (content / f"generated-{seed}.md").write_text(benign_article(seed, rows=3), encoding="utf-8")
    report = build_project(content, root / "site", search=False)
    assert report.written and not report.errors
    articles = [a for a in parse_folder(content) if not a.draft]
    index, pages, _ = plan(articles, Settings())
    return root / "site", index, pages


def site_path(url: str, base: str) -> str:
    """A link's target as a site URL ('signals/x/'), from the absolute URL the browser resolved."""
    assert url.startswith(base), url
    return urlsplit(url[len(base) - 1 :]).path.lstrip("/") + ("#" + urlsplit(url).fragment if urlsplit(url).fragment else "")


def rendered_rows(page, base: str) -> dict[str, list[tuple[str, str, str]]]:
    """(target, name, badge) of each row a tag page lists, by kind, once the script is done."""
    page.wait_for_selector("#tag-rows:not([aria-busy])")
    found = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#tag-rows ul.rows')].map((list) =>
            [list.dataset.kind, [...list.children].map((li) => [li.querySelector('a').href,
              li.querySelector('a').textContent, li.querySelector('b') ? li.querySelector('b').textContent : ''])]))"""
    )
    return {kind: [(site_path(href, base), name, badge) for href, name, badge in rows] for kind, rows in found.items()}


@pytest.mark.browser
def test_tag_pages_list_every_row_of_their_articles_in_listing_order(project, browser) -> None:
    site, index, pages = project
    tag_pages = [p for p in pages if isinstance(p.context, TagContext)]
    # Pages of one, a few and many articles, and a second page of a paged tag.
    sample = [p for p in tag_pages if p.context.pager.number > 1][:2]
    by_size = sorted((p for p in tag_pages if p.context.pager.number == 1), key=lambda p: (len(p.context.articles), p.url))
    sample += by_size[:: max(1, len(by_size) // 12)] + by_size[-2:]
    assert any(p.context.pager.number > 1 for p in sample) and len(sample) > 10
    with serve_folder(site) as base:
        tab = browser.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        for page in sample:
            tab.goto(base + page.url)
            shown = rendered_rows(tab, base)
            context = page.context
            expected = {}
            for kind in Kind:
                rows = sorted((p for a in context.articles for p in index.rows_of[a.id].get(kind, ())), key=lambda p: p.rank)
                if rows:
                    expected[kind.plural] = [(entry_url(p.entry), p.entry.name, str(p.entry.relevancy or "")) for p in rows]
            assert shown == expected, page.url
            counts = tab.eval_on_selector_all("#tag-rows h2 .n", "nodes => nodes.map((n) => Number(n.textContent))")
            assert counts == [len(rows) for rows in expected.values()], page.url
        assert errors == []


@pytest.mark.browser
def test_row_pages_show_their_articles_tags_and_the_rows_around_them(project, browser) -> None:
    site, index, pages = project
    rows = [p for p in pages if isinstance(p.context, EntryContext)]
    long_rows = [p for p in rows if p.context.article.id == "long-table" and p.context.entry.kind is Kind.SIGNAL]
    sample = rows[::23] + [long_rows[0], long_rows[LONG_TABLE // 2], long_rows[-1]]
    with serve_folder(site) as base:
        tab = browser.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        for page in sample:
            context: EntryContext = page.context
            article, entry = context.article, context.entry
            tab.goto(base + page.url)
            tab.wait_for_selector("#siblings:not([aria-busy])")
            tags = tab.eval_on_selector_all("#article-tags p.tags", """lines => lines.map((p) => [p.querySelector('.label').textContent,
                [...p.querySelectorAll('a')].map((a) => [a.href, a.textContent])])""")
            tags_of = index.tags_of[article.id]
            expected_tags = [(label, [(url_of(t), t.label) for t in found]) for label, found in (("Keywords", tags_of.keywords), ("Themes", tags_of.themes)) if found]
            assert [(label, [(site_path(h, base), t) for h, t in links]) for label, links in tags] == expected_tags, page.url
            table = article.entries_of(entry.kind)
            at = table.index(entry)
            start = max(0, min(at - AROUND // 2, len(table) - AROUND))
            window = table[start : start + AROUND]
            items = tab.eval_on_selector_all("#siblings ul > li", """items => items.map((li) => {
                const a = li.querySelector('a'), here = li.querySelector('strong[aria-current=page]');
                return [a ? a.href : '', (a || here).textContent, !!here]; })""")
            assert [(site_path(h, base) if h else "", name, here) for h, name, here in items] == [
                ("" if e is entry else entry_url(e), e.name, e is entry) for e in window
            ], page.url
            assert tab.inner_text("#siblings h3") == entry.kind.label_plural
            more = tab.eval_on_selector_all("#siblings p.more a", "links => links.map((a) => [a.href, a.textContent])")
            if len(table) > AROUND:
                assert [(site_path(h, base), t) for h, t in more] == [(f"{url_of(article)}#{entry.kind.plural}", f"All {len(table)} {entry.kind.plural} of this article")]
            else:
                assert more == []
            others = [(k, len(article.entries_of(k))) for k in Kind if k is not entry.kind and article.entries_of(k)]
            links = tab.eval_on_selector_all("#siblings p.other-tables a", "links => links.map((a) => [a.href, a.textContent])")
            assert [(site_path(h, base), t) for h, t in links] == [
                (f"{url_of(article)}#{k.plural}", f"{n} {k.plural if n > 1 else k.value}") for k, n in others
            ], page.url
        assert errors == []


@pytest.mark.browser
def test_a_rows_file_that_cannot_be_loaded_is_said_and_the_page_still_reads(project, browser, tmp_path: Path) -> None:
    site, _, pages = project
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    row = next(p for p in pages if isinstance(p.context, EntryContext))
    (copy / url_of(row.context.article) / "rows.json").unlink()
    tag = next(p for p in pages if isinstance(p.context, TagContext) and row.context.article in p.context.articles)
    with serve_folder(copy) as base:
        tab = browser.new_page()
        tab.goto(base + row.url)
        tab.wait_for_selector("#siblings:not([aria-busy])")
        assert "could not be loaded" in tab.inner_text("#siblings")
        assert tab.inner_text("h1") == row.context.entry.name
        tab.goto(base + tag.url)
        tab.wait_for_selector("#tag-rows:not([aria-busy])")
        assert "The rows of 1 article could not be loaded" in tab.inner_text("#tag-rows")


def test_every_rows_file_links_built_pages_and_holds_its_articles_rows(project) -> None:
    site, index, _ = project
    files = sorted(site.glob("articles/*/rows.json"))
    assert len(files) == len(index.articles)
    for article in index.articles:
        document = json.loads((site / url_of(article) / "rows.json").read_bytes())
        assert document["article"] == url_of(article)
        urls = [document["article"], *(t[0] for t in document["keywords"] + document["themes"])]
        for kind in Kind:
            rows = document["rows"].get(kind.plural, [])
            table = article.entries_of(kind)
            assert sorted(r[3] for r in rows) == list(range(len(table)))
            assert [table[r[3]].name for r in rows] == [r[1] for r in rows]
            relevancies = [-(r[2] or 0) for r in rows]
            assert relevancies == sorted(relevancies), (article.id, kind)
            urls += [r[0] for r in rows]
        for url in urls:
            assert (site / url / "index.html").is_file(), (article.id, url)
