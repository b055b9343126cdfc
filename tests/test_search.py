"""Search: shards planned per language, the Pagefind index built from the
written site, and what a reader does with it in headless Chromium: a query in
the header box, filters with counts, sorting, a French query from an English
page, all under a sub-path and across several merged shards."""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import pytest

from foresite.build.stages import build_today, parse_source
from foresite.cli.main import summary_line
from foresite.core.model import Kind
from foresite.core.urls import entry_url
from foresite.output.write import MARKER
from foresite.search import pagefind as search
from foresite.search.pagefind import IndexedPage, plan_shards
from foresite.source.read import list_sources, read_source
from tests.conftest import ROOT, build_project, serve_folder
from tests.hostile import make_hostile

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from foresite.build.pipeline import BuildReport

CONTENT = ROOT / "content"
SUB_PATH = "/scan/"
SMALL_SHARDS = 150
"""Shard size for the browser site: small enough that content/ makes several
English shards, so that merging and sorting across shards are exercised."""


# ------------------------------------------------------------------ shards

def _pages(languages: str, pages_per_article: int = 1) -> list[IndexedPage]:
    """Pages of articles a0, a1, …, one language letter per article."""
    return [
        IndexedPage(f"a{n}/p{k}/index.html", {"e": "en", "f": "fr", "F": "FR"}[letter], f"a{n}")
        for n, letter in enumerate(languages)
        for k in range(pages_per_article)
    ]


@pytest.mark.parametrize(
    ("languages", "per_article", "size", "side_by_side", "shards"),
    [
        ("e" * 5, 1, 100, 1, {"en": 1}),
        ("e" * 300, 3, 100, 1, {"en": 11}),  # 900 pages at 85 a shard
        ("e" * 300, 3, 100, 2, {"en": 12}),  # two runs at a time: no run left alone at the end
        ("e" * 300, 3, 100, 4, {"en": 12}),
        ("efeFe" * 40, 2, 100, 1, {"en": 3, "fr": 2}),  # 'FR' counts as 'fr'
        ("efeFe" * 40, 2, 100, 2, {"en": 4, "fr": 2}),  # the extra shard goes to the fuller language
        ("eeeef" * 60, 1, 100, 4, {"en": 3, "fr": 1}),  # 240 + 60 pages: 3 + 1 is a multiple already
        ("", 1, 3, 2, {}),
    ],
)
def test_plan_shards_cuts_each_language_into_enough_shards(
    languages: str, per_article: int, size: int, side_by_side: int, shards: dict
) -> None:
    pages = _pages(languages, per_article)
    planned = plan_shards(pages, size, side_by_side)
    found: dict[str, int] = {}
    for shard in planned:
        assert shard.name.startswith(shard.language + "-")
        found[shard.language] = found.get(shard.language, 0) + 1
    assert found == shards
    # Every page in exactly one shard, of its own language.
    placed = [path for shard in planned for path in shard.paths]
    assert sorted(placed) == sorted(p.path for p in pages)
    language_of = {p.path: p.language.lower() for p in pages}
    assert all(language_of[path] == shard.language for shard in planned for path in shard.paths)


def test_an_article_and_its_rows_share_a_shard_and_no_shard_overflows() -> None:
    # The shape of bench/make_corpus.py 3000: about 18 indexed pages an article.
    pages = _pages("e" * 3000, 18)
    planned = plan_shards(pages)
    shard_of = {path: shard.name for shard in planned for path in shard.paths}
    for n in range(3000):
        assert len({shard_of[f"a{n}/p{k}/index.html"] for k in range(18)}) == 1
    assert max(len(shard.paths) for shard in planned) <= search.SHARD_PAGES


def test_a_new_article_changes_only_its_own_shard() -> None:
    before = plan_shards(_pages("e" * 200, 3), 100)
    after = plan_shards([*_pages("e" * 200, 3), IndexedPage("new/index.html", "en", "new-article")], 100)
    changed = [b.name for b, a in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    (shard,) = [a for a in after if a.name == changed[0]]
    assert shard.paths[-1] == "new/index.html"


# ------------------------------------------------------------------ the built site

def _indexable_pages(site: Path) -> dict[str, str]:
    """Every article and row page written, by site URL, with its <html lang>."""
    folders = {"articles", *(kind.plural for kind in Kind)}
    found = {}
    for path in sorted(site.rglob("index.html")):
        parts = path.relative_to(site).parts
        if len(parts) == 3 and parts[0] in folders and parts[1] != "page":
            text = path.read_text(encoding="utf-8")
            found[f"{parts[0]}/{parts[1]}/"] = re.search(r'<html lang="([^"]+)"', text).group(1)
    return found


def _records(site: Path) -> dict[str, dict]:
    """What Pagefind stored of each indexed page (its text, metadata, filters
    and anchors) and the language of the shard holding it, by the page's site
    URL: the fragment files are gzip of a signature and JSON, and name their
    search document, 'signals/x.html' for the page 'signals/x/'."""
    manifest = json.loads((site / search.MANIFEST).read_text(encoding="utf-8"))
    records = {}
    for shard in manifest["shards"]:
        for path in (site / search.BUNDLE / shard["bundle"]).glob("fragment/*.pf_fragment"):
            data = gzip.decompress(path.read_bytes())
            record = json.loads(data[len(b"pagefind_dcd") :])
            url = record["url"].removeprefix("/").removesuffix(".html") + "/"
            records[url] = {**record, "language": shard["language"]}
    return records


def _article_of(record: dict) -> tuple[str, str]:
    """A row's article, (site URL, title), from the anchor that carries it."""
    carried = [a for a in record["anchors"] if a["element"] == "i" and not a["text"]]
    assert len(carried) == 1, record["url"]
    url, title = json.loads(unquote(carried[0]["id"]))
    return url, title


def test_every_article_and_row_page_is_indexed_and_nothing_else(built_site: Path) -> None:
    records = _records(built_site)
    pages = _indexable_pages(built_site)
    assert pages and set(records) == set(pages)
    for url, record in records.items():
        assert record["language"] == pages[url].lower()
        # Pagefind indexes the words of every metadata field: none but the title.
        assert list(record["meta"]) == ["title"], url
    # Published pages carry no search markup: Pagefind reads search documents.
    for path in built_site.rglob("*.html"):
        assert "data-pagefind" not in path.read_text(encoding="utf-8"), path


def test_manifest_counts_every_indexed_page_once_per_language(built_site: Path) -> None:
    manifest = json.loads((built_site / search.MANIFEST).read_text(encoding="utf-8"))
    expected: dict[str, int] = {}
    for language in _indexable_pages(built_site).values():
        expected[language.lower()] = expected.get(language.lower(), 0) + 1
    found: dict[str, int] = {}
    for shard in manifest["shards"]:
        entry = json.loads((built_site / search.BUNDLE / shard["bundle"] / "pagefind-entry.json").read_text())
        assert list(entry["languages"]) == [shard["language"]], "one language per bundle"
        found[shard["language"]] = found.get(shard["language"], 0) + shard["pages"]
    assert found == expected
    assert "fr" in found, "content/ holds French articles"


def test_index_holds_each_page_main_content_and_its_facets(built_site: Path) -> None:
    records = _records(built_site)
    rows = {url: r for url, r in records.items() if not url.startswith("articles/")}
    articles = {url: r for url, r in records.items() if url.startswith("articles/")}
    assert rows and articles
    for url, record in records.items():
        text = record["content"]
        # Navigation, sibling lists and "seen again" lists would drown results.
        for left_out in ("Also in this article", "Seen again", "Closest articles", "Skip to content", "Cite this"):
            assert left_out not in text, (url, left_out)
        assert len(record["filters"]["kind"]) == 1 and len(record["filters"]["year"]) == 1
        assert record["meta"]["title"]
        page = (built_site / url / "index.html").read_text(encoding="utf-8")
        # The heading may carry the language of its words (issue 22).
        heading = re.compile(rf'<h1(?: lang="[a-z-]+")?>{re.escape(record["meta"]["title"])}</h1>')
        assert heading.search(html.unescape(page)), "the result's title is the page's"
    for url, record in rows.items():
        assert record["filters"]["kind"][0] != "Article"
        article_url, title = _article_of(record)
        assert article_url in articles, url
        assert articles[article_url]["meta"]["title"] == title
        assert f'href="../../{article_url}"' in (built_site / url / "index.html").read_text(encoding="utf-8")
        assert len(record["filters"].get("relevancy", [])) <= 1
    for url, record in articles.items():
        assert not [a for a in record["anchors"] if a["element"] == "i"], url
    # Field labels are not indexed ("Change" would match every row), and
    # cells stay separate words.
    for url, record in rows.items():
        assert not re.search(r"\b(Change|Description|Driving force|10-year outlook)\b", record["content"]), url
    entries = {entry_url(e): e for a in _content_articles() for e in a.entries}
    checked = 0
    for url, record in rows.items():
        for value in (entries[url].description, entries[url].change, entries[url].driving_force):
            if value and value.isascii() and not set(value) & set("<>&*_`[]"):
                # Pagefind ends each block with a full stop.
                assert re.search(rf"(^|\s){re.escape(value)}\.?(\s|$)", record["content"]), (url, value)
                checked += 1
    assert checked > 100


def test_search_leaves_no_working_files_and_no_unused_interfaces(built_site: Path) -> None:
    assert not [p for p in built_site.rglob(".*") if p.name not in (".nojekyll", MARKER)]
    assert not list(built_site.parent.glob(f".{built_site.name}.*"))
    bundle = built_site / search.BUNDLE
    assert not [p for p in bundle.rglob("pagefind-ui.*")]
    assert list(bundle.glob("*/pagefind.js")), "every bundle keeps the API"


def test_build_report_counts_shards_pages_and_bytes(scan_build: tuple[Path, BuildReport]) -> None:
    site, report = scan_build
    assert report.search is not None
    indexed = _indexable_pages(site)
    assert report.search.pages == len(indexed)
    english = sum(1 for lang in indexed.values() if lang == "en")
    assert report.search.shards >= -(-english // SMALL_SHARDS) + 1
    on_disk = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    assert report.search.bytes == on_disk
    assert f"search: {len(indexed)} pages indexed in {report.search.shards} shards" in summary_line(report)


# ------------------------------------------------------------------ in a browser

def _content_articles() -> list:
    return [r.article for r in (parse_source(read_source(p), build_today()) for p in list_sources(CONTENT)) if r.article]


@pytest.fixture(scope="module")
def french_seed():
    """The French article on AI clones of live-commerce hosts, and its
    most relevant signal, as content/ holds them."""
    for article in _content_articles():
        if article.language == "fr" and "clones" in article.title.lower():
            signals = sorted(article.entries_of(Kind.SIGNAL), key=lambda e: -(e.relevancy or 0))
            return article, signals[0]
    pytest.skip("content/ has no French article on clones")


@pytest.fixture(scope="module")
def scan_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """content/ built for https://example.github.io/scan/ with small shards."""
    output = tmp_path_factory.mktemp("search") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_PAGES", SMALL_SHARDS)
        report = build_project(CONTENT, output, base_url="https://example.github.io/scan/")
    assert report.search is not None and report.search.shards > 2
    return output, report


@pytest.fixture(scope="module")
def scan_url(scan_build: tuple[Path, BuildReport]) -> Iterator[str]:
    """That build served under /scan/, the way GitHub Pages serves a project site."""
    with serve_folder(scan_build[0], SUB_PATH) as url:
        yield url


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield tab
    context.close()
    assert not errors, errors


def _search_from_header(page: Page, url: str, query: str) -> None:
    page.goto(url)
    page.get_by_role("searchbox", name="Search the scan").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/scan/search/\?q="))
    _wait_for_results(page)


def _wait_for_results(page: Page) -> None:
    """Until the results and the facets of the last change are shown."""
    # Functions, not strings: the page's CSP forbids eval.
    page.wait_for_function(
        "() => document.querySelector('#search').getAttribute('aria-busy') === 'false'"
        " && /^(\\d+ results?|No results)/.test(document.querySelector('#search-status').textContent)"
    )


def _hits(page: Page) -> list[dict[str, str]]:
    return page.eval_on_selector_all(
        "#search-results li",
        """items => items.map(li => ({
            kind: li.querySelector('.kind').firstChild.textContent,
            title: li.querySelector('h3').textContent,
            href: li.querySelector('h3 a').getAttribute('href'),
            relevancy: (li.querySelector('b[class^=r]') || {}).textContent || '',
            date: (li.querySelector('time') || {}).textContent || '',
            lang: li.lang,
            from: (li.querySelector('.from a') || {}).textContent || '',
        }))""",
    )


def _total(page: Page) -> int:
    return int(page.text_content("#search-status").split()[0].replace("No", "0"))


def _facet_counts(page: Page, key: str) -> dict[str, int]:
    return {
        box.get_attribute("value"): int(box.evaluate("b => b.labels[0].querySelector('.n').firstChild.textContent").strip("("))
        for box in page.locator(f"#search-facets input[name={key}]").all()
    }


def _show_everything(page: Page) -> list[dict[str, str]]:
    while page.is_visible("#search-more"):
        shown = page.locator("#search-results li").count()
        page.click("#search-more")
        page.wait_for_function("n => document.querySelectorAll('#search-results li').length > n", arg=shown)
    return _hits(page)


@pytest.mark.browser
def test_header_box_query_shows_the_article_and_its_signal_first(page: Page, scan_url: str, french_seed) -> None:
    article, signal = french_seed
    _search_from_header(page, scan_url, "clones live-shopping")
    first_two = _hits(page)[:2]
    assert {hit["title"] for hit in first_two} == {article.title, signal.name}
    signal_hit = next(hit for hit in first_two if hit["kind"] == "Signal")
    assert signal_hit["from"] == article.title and signal_hit["relevancy"] == str(signal.relevancy)
    # Every link stays under the sub-path and leads to the page found.
    page.click(f"#search-results h3 a >> text={signal.name}")
    assert page.url.startswith(scan_url + "signals/")
    assert page.text_content("h1") == signal.name


@pytest.mark.browser
def test_french_query_from_the_english_home_page(page: Page, scan_url: str, french_seed) -> None:
    article, _ = french_seed
    page.goto(scan_url)
    assert page.get_attribute("html", "lang") == "en"
    _search_from_header(page, scan_url, "clones numériques")
    first = _hits(page)[:5]
    found = [hit for hit in first if hit["title"] == article.title]
    assert found, [hit["title"] for hit in first]
    assert found[0]["kind"] == "Article" and found[0]["lang"] == "fr"


@pytest.mark.browser
def test_every_hit_holds_the_query_in_its_own_text(page: Page, scan_url: str, french_seed) -> None:
    """Pagefind indexes the words of metadata fields, and a search document
    has none but its title: a row is not found by its URL ("issues/…"), its
    kind or its article's title, and so every hit's excerpt marks a word."""
    article, _ = french_seed
    for query in ("issues", "concerns", article.title.split()[0]):
        _search_from_header(page, scan_url, query)
        assert _total(page) > 0, query
        hits = _show_everything(page)
        unmarked = page.eval_on_selector_all(
            "#search-results li", "items => items.filter(li => !li.querySelector('.excerpt mark')).map(li => li.querySelector('h3').textContent)"
        )
        assert hits and unmarked == [], (query, unmarked)


@pytest.mark.browser
def test_kind_filter_narrows_results_and_its_counts_add_up(page: Page, scan_url: str) -> None:
    page.goto(f"{scan_url}search/?q=heat")
    _wait_for_results(page)
    total = _total(page)
    kinds = _facet_counts(page, "kind")
    assert len(kinds) > 2 and sum(kinds.values()) == total
    page.get_by_role("checkbox", name=re.compile(r"^Signal")).check()
    page.wait_for_url(re.compile(r"kind=Signal"))
    _wait_for_results(page)
    assert _total(page) == kinds["Signal"]
    hits = _show_everything(page)
    assert len(hits) == kinds["Signal"] < total
    assert {hit["kind"] for hit in hits} == {"Signal"}
    # Counts of the ticked facet still offer the other kinds.
    assert _facet_counts(page, "kind") == kinds
    # Another facet's counts now describe the signals only.
    assert sum(_facet_counts(page, "relevancy").values()) <= kinds["Signal"]


@pytest.mark.browser
@pytest.mark.parametrize(("sort", "field"), [("relevancy", "relevancy"), ("date", "date")])
def test_sorting_orders_every_result_and_keeps_those_lacking_the_field(page: Page, scan_url: str, sort: str, field: str) -> None:
    page.goto(f"{scan_url}search/?q=ai")
    _wait_for_results(page)
    total = _total(page)
    page.get_by_label("Sort by").select_option(sort)
    page.wait_for_url(re.compile(f"sort={sort}"))
    _wait_for_results(page)
    hits = _show_everything(page)
    assert len(hits) == total == _total(page)
    values = [hit[field] for hit in hits]
    present = [v for v in values if v]
    assert present == sorted(present, key=lambda v: (float(v) if field == "relevancy" else v), reverse=True)
    assert len(set(present)) > 1
    # Pages without the field (articles have no relevancy) come last, not never.
    assert values == present + [""] * (len(values) - len(present))
    if field == "relevancy":
        assert "Article" in {hit["kind"] for hit in hits[len(present):]}


@pytest.mark.browser
def test_search_page_works_with_the_keyboard_alone(page: Page, scan_url: str) -> None:
    page.goto(f"{scan_url}search/")
    page.get_by_label(re.compile("^Search every article")).focus()
    page.keyboard.type("energy")
    page.keyboard.press("Enter")
    _wait_for_results(page)
    assert "result" in page.text_content("[role=status]")
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "search-sort"
    page.keyboard.press("Tab")  # the filters' disclosure
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    assert focused[0] == "kind"
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(f"kind={focused[1]}"))
    _wait_for_results(page)
    # Re-rendering the facets keeps the reader's place.
    assert page.evaluate("[document.activeElement.name, document.activeElement.checked]") == ["kind", True]
    for box in page.locator("#search-facets input").all():
        assert box.evaluate("b => b.labels.length") == 1


@pytest.mark.browser
def test_hostile_text_found_by_search_stays_text(browser: Browser, tmp_path: Path) -> None:
    described = make_hostile.make_hostile_corpus(tmp_path / "all", include_large=False)
    content = tmp_path / "content"
    content.mkdir()
    for name, description in described.items():
        if description.startswith(make_hostile.HOSTILE_PREFIX):
            shutil.copy(tmp_path / "all" / name, content / name)
    build_project(content, tmp_path / "site")
    tab = browser.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serve_folder(tmp_path / "site") as url:
        for query in ("alert", "script onerror", "img src", "javascript"):
            tab.goto(f"{url}search/?q={query}")
            _wait_for_results(tab)
            assert _total(tab) > 0, query
            tags = tab.eval_on_selector_all("#search-results *", "els => [...new Set(els.map(e => e.localName))]")
            assert set(tags) <= {"li", "p", "span", "b", "time", "h3", "a", "mark"}, (query, tags)
            hrefs = tab.eval_on_selector_all("#search-results a", "els => els.map(a => a.href)")
            assert all(href.startswith(url) for href in hrefs), hrefs
    assert not dialogs and tab.title() != "PWNED"
    tab.close()


@pytest.mark.browser
def test_phone_fetches_the_filters_only_when_they_are_opened(browser: Browser, scan_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    tab = context.new_page()
    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(request.url))
    tab.goto(f"{scan_url}search/?q=heat")
    _wait_for_results(tab)
    assert _total(tab) > 0 and not tab.locator("#search-facets input").count()
    assert not [url for url in fetched if url.endswith(".pf_filter")]
    tab.get_by_text("Filter results").click()
    tab.locator("#search-facets input[name=kind]").first.wait_for()
    assert [url for url in fetched if url.endswith(".pf_filter")]
    assert sum(_facet_counts(tab, "kind").values()) == _total(tab)
    context.close()
