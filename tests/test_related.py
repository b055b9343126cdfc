"""Related items, citations and the link preview: related items share what
their reason says, citations are escaped for where they land (the JSON-LD
in the page, the BibTeX that static/site.js makes from it), and the preview
shows a target's title without being needed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from foresite.core.config import Settings
from foresite.foresight.related import Relation, text_words
from foresite.foresight.results import Foresight, build_foresight
from foresite.index.site_index import SiteIndex, build_index

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
        section = re.search(r'<section class="?related"?>.*?</section>', html, re.DOTALL)
        if not section:
            continue
        with_related += 1
        links = re.findall(r'<li><a href="([^"]+)"', section.group(0))
        assert 1 <= len(links) <= COUNT
        for link in links:
            assert (page.parent / link / "index.html").resolve().is_file(), (page, link)
        assert len(re.findall(r'class="?why"?', section.group(0))) == len(links)
    assert with_related >= len(pages) // 2


JSON_LD = re.compile(r'<script type="?application/ld\+json"?>(.*?)</script>', re.DOTALL)


def json_ld_of(html: str) -> dict:
    [block] = JSON_LD.findall(html)
    return json.loads(block)


def test_article_and_row_pages_carry_json_ld(built_site: Path) -> None:
    article = next(iter(sorted((built_site / "articles").glob("*/index.html"))))
    html = article.read_text(encoding="utf-8")
    data = json_ld_of(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    title = re.search(r"<h1(?: lang=\"[a-z-]+\")?>(.*?)</h1>", html).group(1)
    assert data["headline"] == title.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    assert data["identifier"] == article.parent.name and data["publisher"]["name"] == Settings().title
    row = next(iter(sorted((built_site / "signals").glob("*/index.html"))))
    row_data = json_ld_of(row.read_text(encoding="utf-8"))
    assert row_data["@type"] == "CreativeWork" and row_data["isPartOf"]["@type"] == "Article"
    # The citation key: the first eight characters of its article's slug, then its own.
    assert re.fullmatch(r"[a-z0-9_-]{1,8}-[a-z0-9-]+", row_data["identifier"])


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
    site = build_hostile_citations(tmp_path)
    article = site / "articles" / "hostile" / "index.html"
    for page in [article, *(site / "signals").glob("rise-of*/index.html")]:
        html = page.read_text(encoding="utf-8")
        [block] = JSON_LD.findall(html)
        assert "<" not in block and ">" not in block and "&" not in block
        assert "</script>" in json.dumps(json.loads(block), ensure_ascii=False)
        # Every other script is the site's own file: no inline code.
        assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html) if "ld+json" not in tag)


def build_hostile_citations(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    (content / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    shutil.copy(ROOT / "content" / min(p.name for p in (ROOT / "content").glob("*.md")), content)
    report = build_project(content, tmp_path / "site", search=False, base_url="https://example.org/scan/")
    assert report.written
    return tmp_path / "site"


def cite_box(page, url: str) -> tuple[str, str]:
    """(plain text, BibTeX) of the page's "Cite this" box, as a reader opens it."""
    page.goto(url)
    page.locator("details.cite summary").click()
    return page.locator("details.cite pre.cite-text").inner_text(), page.locator("details.cite pre.cite-bib").inner_text()


@pytest.mark.browser
def test_the_cite_box_is_made_from_the_json_ld_and_escaped_for_bibtex(tmp_path: Path, browser) -> None:
    site = build_hostile_citations(tmp_path)
    with serve_folder(site) as base:
        page = browser.new_context().new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        # The canonical address is the one the site was built for, not the one it is served from.
        text, bibtex = cite_box(page, base + "articles/hostile/")
        title = "Breaking </script><script>alert(1)</script> & {braces} 100% #1 ~x^"
        assert text == f"foresite (2024-05-01). “{title}”. foresite. https://example.org/scan/articles/hostile/"
        assert bibtex.startswith("@misc{hostile,\n") and bibtex.endswith("\n}")
        for escaped in ("\\&", "\\{braces\\}", "100\\%", "\\#1", "\\textasciitilde{}x\\textasciicircum{}"):
            assert escaped in bibtex, escaped
        assert "  year = 2024,\n  month = may," in bibtex
        assert "howpublished = {\\url{https://example.org/scan/articles/hostile/}}" in bibtex
        bare = bibtex.replace("\\{", "").replace("\\}", "")
        assert bare.count("{") == bare.count("}")
        row = next((site / "signals").glob("rise-of*/index.html")).parent.name
        text, bibtex = cite_box(page, f"{base}signals/{row}/")
        assert text.startswith("foresite (2024-05-01). “Signal: Rise of </script> tags”, in “Breaking </script>")
        assert f"@misc{{hostile-{row.rsplit('-', 1)[0]}," in bibtex and "  booktitle = {Breaking </script>" in bibtex
        # Not in the page's markup: the box is made of text, so nothing in it became an element.
        assert page.locator("details.cite script").count() == 0 and page.locator("script").count() == 2
        assert problems == []


# ----------------------------------------------------------- the preview

def test_pages_load_the_site_script_deferred_and_it_makes_no_markup(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<script src="static/site\.js\?v=[0-9a-f]+" defer></script>', html)
    script = (built_site / "static" / "site.js").read_text(encoding="utf-8")
    # Text and links made with DOM calls only: nothing it fetches or reads is parsed as HTML here.
    # Style text is never parsed either; the preview card is placed through single CSSOM
    # properties (card.style.left), which the policy's style-src does not govern.
    unsafe_calls = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function(")
    for unsafe in (*unsafe_calls, "cssText", 'setAttribute("style"', "setAttribute('style'"):
        assert unsafe not in script, unsafe
    assert len(script) < 20_000


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
