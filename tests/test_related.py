"""Related items, citations and the link preview: related items share what
their reason says, citations are escaped for where they land, and the
preview script shows a target's title without being needed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from foresite.config import Settings
from foresite.foresight import Foresight, build_foresight
from foresite.index import SiteIndex, build_index
from foresite.related import Relation, text_words

from .conftest import ROOT, build_project, serve_folder
from .test_trends import parse_folder

COUNT = Settings().related.count


@pytest.fixture(scope="module")
def scan() -> tuple[SiteIndex, Foresight]:
    articles = [a for a in parse_folder(ROOT / "content") if not a.draft]
    index = build_index(articles)
    return index, build_foresight(index, Settings())


def assert_reason_holds(why: Relation, mine: tuple[set[str], set[str], set[str]], theirs: tuple[set[str], set[str], set[str]]) -> None:
    for shown, a, b in zip((why.keywords, why.themes, why.words), mine, theirs):
        assert set(shown) <= a & b, (shown, a & b)
    assert why.shares, "a related item must share something"


def tag_labels(index: SiteIndex, article_id: str) -> tuple[set[str], set[str]]:
    tags = index.tags_of[article_id]
    return {t.label for t in tags.keywords}, {t.label for t in tags.themes}


def test_related_articles_share_what_the_reason_says(scan: tuple[SiteIndex, Foresight]) -> None:
    index, foresight = scan
    assert any(foresight.related_articles(a.id) for a in index.articles)
    for article in index.articles:
        related = foresight.related_articles(article.id)
        assert len(related) <= COUNT
        assert [r.why.score for r in related] == sorted((r.why.score for r in related), reverse=True)
        mine = (*tag_labels(index, article.id), set(text_words(f"{article.title} {article.summary}")))
        for item in related:
            other = item.article
            assert other.id != article.id
            theirs = (*tag_labels(index, other.id), set(text_words(f"{other.title} {other.summary}")))
            assert_reason_holds(item.why, mine, theirs)
            if article.date and other.date:
                assert item.why.days_apart == abs((article.date - other.date).days)


def test_related_rows_share_what_the_reason_says(scan: tuple[SiteIndex, Foresight]) -> None:
    index, foresight = scan
    checked = 0
    for kind, rows in index.entries.items():
        for placed in rows:
            related = foresight.related_rows(placed.article.id, placed.entry)
            assert len(related) <= COUNT
            trend = foresight.trend_of(placed.article.id, placed.entry)
            entry = placed.entry
            mine = (*tag_labels(index, placed.article.id), set(text_words(f"{entry.name} {entry.description}")))
            for item in related:
                other = item.placed
                assert other.entry.kind is kind and other.article.id != placed.article.id
                assert trend is None or foresight.trend_of(other.article.id, other.entry) != trend
                theirs = (*tag_labels(index, other.article.id), set(text_words(f"{other.entry.name} {other.entry.description}")))
                assert_reason_holds(item.why, mine, theirs)
                checked += 1
    assert checked > 100


# ------------------------------------------------------------- the pages

def test_article_and_row_pages_show_related_items_that_resolve(built_site: Path) -> None:
    pages = sorted((built_site / "articles").glob("*/index.html")) + sorted((built_site / "signals").glob("*/index.html"))
    with_related = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        section = re.search(r'<section class="related".*?</section>', html, re.DOTALL)
        if not section:
            continue
        with_related += 1
        links = re.findall(r'<li><a href="([^"]+)"', section.group(0))
        assert 1 <= len(links) <= COUNT
        for link in links:
            assert (page.parent / link / "index.html").resolve().is_file(), (page, link)
        assert section.group(0).count('class="why"') == len(links)
    assert with_related >= len(pages) // 2


def json_ld_of(html: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return json.loads(block)


def test_article_and_row_pages_carry_citations_and_json_ld(built_site: Path) -> None:
    article = next(iter(sorted((built_site / "articles").glob("*/index.html"))))
    html = article.read_text(encoding="utf-8")
    data = json_ld_of(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    title = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert "Cite this" in html and "@misc{" in html
    assert data["headline"] == title.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    row = next(iter(sorted((built_site / "signals").glob("*/index.html"))))
    row_data = json_ld_of(row.read_text(encoding="utf-8"))
    assert row_data["@type"] == "CreativeWork" and row_data["isPartOf"]["@type"] == "Article"


HOSTILE = """---
title: "Breaking </script><script>alert(1)</script> & {braces} 100% #1 ~x^"
date: 2024-05-01
category: technology
---

## Keywords

* </script>
* safety

## Themes

* ai

## Summary

A summary with </script> in it & <b>markup</b>.

## Signals

| name | description | relevancy |
|:---|:---|---:|
| Rise of </script> tags | Quote " and backslash \\ and {brace} | 4 |
"""


def test_citations_cannot_break_out_of_their_element(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    shutil.copy(ROOT / "content" / min(p.name for p in (ROOT / "content").glob("*.md")), content)
    report = build_project(content, tmp_path / "site", search=False, base_url="https://example.org/scan/")
    assert report.written
    article = tmp_path / "site" / "articles" / "hostile" / "index.html"
    for page in [article, *(tmp_path / "site" / "signals").glob("rise-of*/index.html")]:
        html = page.read_text(encoding="utf-8")
        [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
        assert "<" not in block and ">" not in block and "&" not in block
        assert "</script>" in json.dumps(json.loads(block), ensure_ascii=False)
        # Every other script is the site's own file: no inline code.
        assert all('src="' in tag for tag in re.findall(r"<script\b[^>]*>", html) if "ld+json" not in tag)
        bibtex = re.search(r'<pre class="cite-bib">(.*?)</pre>', html, re.DOTALL).group(1)
        assert "<" not in bibtex
        text = bibtex.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
        bare = text.replace("\\{", "").replace("\\}", "")
        assert bare.count("{") == bare.count("}")
    text = re.search(r'<pre class="cite-bib">(.*?)</pre>', article.read_text(encoding="utf-8"), re.DOTALL).group(1).replace("&amp;", "&")
    for escaped in ("\\&", "\\{braces\\}", "100\\%", "\\#1", "\\textasciitilde{}x\\textasciicircum{}"):
        assert escaped in text, escaped


# ----------------------------------------------------------- the preview

def test_pages_load_the_preview_script_deferred_and_need_it_for_nothing(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<script src="static/preview\.js\?v=[0-9a-f]+" defer></script>', html)
    script = (built_site / "static" / "preview.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "eval(" not in script and ".style" not in script
    assert len(script) < 6000


@pytest.mark.browser
def test_hovering_a_link_previews_its_target(built_site: Path, browser) -> None:
    with serve_folder(built_site) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(base + "trends/")
        link = page.locator("ol.trendlist .trend-name a").first
        expected = link.inner_text()
        link.hover()
        card = page.locator(".preview-card")
        card.wait_for(state="visible", timeout=5000)
        assert expected in card.inner_text()
        page.mouse.move(5, 5)
        card.wait_for(state="hidden", timeout=5000)
        link.focus()
        card.wait_for(state="visible", timeout=5000)
        page.keyboard.press("Escape")
        card.wait_for(state="hidden", timeout=5000)
        assert problems == []
        context.close()
