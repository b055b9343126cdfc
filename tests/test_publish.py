"""Publishing: a build served under a sub-path the way GitHub Pages serves a
project site, crawled over HTTP; feeds, sitemap, open data, head meta, the
404 page, icons and the Pages workflow."""

from __future__ import annotations

import csv
import datetime
import html.parser
import io
import json
import re
import struct
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import yaml

from foresite.build import site_files as publish
from foresite.build.stages import build_today
from foresite.core.config import Settings
from foresite.core.model import Article, Kind
from foresite.index.site_index import build_index
from foresite.output import icons
from foresite.output.feeds import Feed, render_feed
from foresite.output.opendata import kind_csv
from foresite.source.parse import parse_article
from tests.conftest import ROOT, build_project, serve_folder

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Response

feedparser = pytest.importorskip("feedparser", reason="pip install -e '.[test]'")
jsonschema = pytest.importorskip("jsonschema", reason="pip install -e '.[test]'")

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


# ------------------------------------------------------------------ helpers

class _Page(html.parser.HTMLParser):
    """Every URL a page makes a browser fetch or offers to follow, and its head meta."""

    def __init__(self) -> None:
        super().__init__()
        self.base = ""
        self.targets: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "base":
            self.base = values.get("href", "")
            return
        if tag == "meta" and ("property" in values or "name" in values):
            # One element may carry both names (name=description property=og:description).
            for key in ("name", "property"):
                if values.get(key):
                    self.meta[values[key]] = values.get("content", "")
        if tag == "link":
            self.links.append(values)
        for name in ("href", "src"):
            if values.get(name):
                self.targets.append(values[name])
        if tag == "form" and values.get("action"):
            self.targets.append(values["action"])


def parse_html(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def fetch(url: str) -> tuple[int, bytes, str]:
    """(status, body, final URL) of a GET, without raising on 4xx."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.url
    except urllib.error.HTTPError as error:
        return error.code, error.read(), url


def html_pages(site: Path) -> Iterator[tuple[str, Path]]:
    """(site URL, file) of every built HTML page but 404.html."""
    for path in sorted(site.rglob("index.html")):
        relative = path.relative_to(site).as_posix()
        if not relative.startswith("pagefind/"):
            yield relative.removesuffix("index.html"), path


def feed_files(site: Path) -> list[Path]:
    return sorted(site.rglob("feed.xml"))


def in_site(site: Path, base_url: str, url: str) -> Path:
    """The file a full URL of the site is served from."""
    assert url.startswith(base_url), url
    path = site / urldefrag(url)[0][len(base_url):]
    return path / "index.html" if path.is_dir() else path


# ----------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The project's content built for http://127.0.0.1:<port>/scan/ and
    served there: the server starts first, since the port is in the base URL."""
    site = tmp_path_factory.mktemp("published") / "site"
    with serve_folder(site, "/scan/") as base_url:
        report = build_project(ROOT / "content", site, base_url=base_url)
        assert report.written and not report.errors, [str(p) for p in report.errors]
        yield base_url, site


# ------------------------------------------------------------------- proof

def test_crawl_from_the_sub_path_finds_every_link_asset_feed_and_sitemap_entry(served: tuple[str, Path]) -> None:
    base_url, site = served
    origin = f"{urlsplit(base_url).scheme}://{urlsplit(base_url).netloc}"
    seen: set[str] = set()
    failures: list[tuple[str, int, str]] = []
    frontier = {base_url: "start", base_url + "sitemap.xml": "start", base_url + "robots.txt": "start"}
    with ThreadPoolExecutor(max_workers=8) as pool:
        while frontier:
            batch = sorted(frontier.items())
            seen.update(frontier)
            frontier = {}
            for (url, referrer), (status, body, _) in zip(batch, pool.map(fetch, [u for u, _ in batch])):
                if status != 200:
                    failures.append((url, status, referrer))
                    continue
                for target in _targets_of(url, body):
                    absolute = urldefrag(urljoin(url, target))[0]
                    if absolute.startswith(origin) and absolute not in seen and absolute not in frontier:
                        frontier[absolute] = url
    assert failures == []
    # Every page was reached, and nothing outside the sub-path was linked.
    pages = {base_url + url for url, _ in html_pages(site)}
    assert pages <= seen
    assert all(url.startswith(base_url) for url in seen)
    assert any("/static/style.css" in url for url in seen)
    assert any(url.endswith("/feed.xml") and "/themes/" in url for url in seen)
    assert base_url + "data/articles.json" in seen


def _targets_of(url: str, body: bytes) -> list[str]:
    """What a crawler follows: page links and assets, sitemap and feed entries, robots' sitemap."""
    path = urlsplit(url).path.split("?")[0]
    if path.endswith(("/", ".html")):
        page = parse_html(body.decode("utf-8"))
        return [urljoin(page.base, t) if page.base else t for t in page.targets]
    if path.endswith(".xml"):
        root = ET.fromstring(body)
        locs = [e.text or "" for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        hrefs = [e.get("href", "") for e in root.iter("{http://www.w3.org/2005/Atom}link")]
        return locs + hrefs
    if path.endswith("robots.txt"):
        return [line.split(":", 1)[1].strip() for line in body.decode().splitlines() if line.startswith("Sitemap:")]
    return []


def test_a_missing_path_at_any_depth_gets_the_404_page_whose_links_work(served: tuple[str, Path]) -> None:
    base_url, _ = served
    for missing in ("nothing-here", "a/b/c/missing", "articles/none/", "signals/x/y/z/"):
        status, body, _ = fetch(base_url + missing)
        assert status == 404, missing
        page = parse_html(body.decode("utf-8"))
        assert "Page not found" in body.decode("utf-8")
        assert page.base == urlsplit(base_url).path
        resolved = {urljoin(base_url + missing, urljoin(page.base, t)) for t in page.targets}
        assert base_url in resolved
        for target in sorted(resolved):
            assert fetch(target)[0] == 200, (missing, target)


@pytest.mark.browser
def test_404_page_in_a_browser_is_styled_and_leads_home(served: tuple[str, Path], browser: Browser, tmp_path: Path) -> None:
    base_url, _ = served
    for width in (390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})
        failed: list[str] = []
        page.on("response", lambda r, failed=failed: _note_failure(r, failed))
        response = page.goto(base_url + "a/b/c/missing")
        assert response is not None and response.status == 404
        assert page.title().startswith("Page not found")
        # The stylesheet applied at this depth: the header has its bottom border.
        assert page.eval_on_selector("header.top", "e => getComputedStyle(e).borderBottomStyle") == "solid"
        assert failed == []
        page.screenshot(path=str(tmp_path / f"404-{width}.png"), full_page=True)
        page.get_by_role("link", name="articles").last.click()
        page.wait_for_load_state()
        assert page.url == base_url + "articles/"
        assert page.locator("h1").inner_text() == "Articles"
        page.go_back()
        page.get_by_role("link", name="home page").click()
        page.wait_for_load_state()
        assert page.url == base_url
        page.close()


def _note_failure(response: Response, failed: list[str]) -> None:
    """Note a stylesheet, script, image or icon the page could not load (the page itself is meant to 404)."""
    if response.status >= 400 and response.request.resource_type != "document":
        failed.append(response.url)


# ------------------------------------------------------------------- feeds

def test_feeds_parse_as_atom_and_their_entries_are_built_pages(served: tuple[str, Path]) -> None:
    base_url, site = served
    data = json.loads((site / "data" / "articles.json").read_bytes())
    # An article dated after the build (content/ has one) is in no feed yet.
    dated = [a for a in data["articles"] if a["date"] and a["date"] <= build_today().isoformat()]
    assert len(dated) < sum(1 for a in data["articles"] if a["date"])
    feeds = feed_files(site)
    assert len(feeds) > 10
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        assert parsed.feed.link.startswith(base_url)
        assert in_site(site, base_url, parsed.feed.link).is_file()
        self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
        assert in_site(site, base_url, self_link) == path
        entries = parsed.entries
        assert 0 < len(entries) <= Settings().feed_items, path
        for entry in entries:
            assert in_site(site, base_url, entry.link).is_file(), entry.link
        stamps = [entry.updated for entry in entries]
        assert stamps == sorted(stamps, reverse=True)
        assert parsed.feed.updated == stamps[0]
    site_feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert len(site_feed.entries) == min(len(dated), Settings().feed_items)
    assert [e.link for e in site_feed.entries] == [a["url"] for a in dated[: len(site_feed.entries)]]


def test_home_theme_and_category_pages_link_their_feed(served: tuple[str, Path]) -> None:
    base_url, site = served

    def feed_link(relative: str) -> str | None:
        page = parse_html((site / relative / "index.html").read_text(encoding="utf-8"))
        hrefs = [link["href"] for link in page.links if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"]
        return urljoin(base_url + relative, hrefs[0]) if hrefs else None

    assert feed_link("") == base_url + "feed.xml"
    for kind in ("themes", "categories"):
        tag = min(p.name for p in (site / kind).iterdir() if p.is_dir())
        assert feed_link(f"{kind}/{tag}/") == f"{base_url}{kind}/{tag}/feed.xml"
        assert (site / kind / tag / "feed.xml").is_file()
    keyword = min(p.name for p in (site / "keywords").iterdir() if p.is_dir())
    assert feed_link(f"keywords/{keyword}/") is None


def test_hostile_text_cannot_break_feeds_or_data(tmp_path: Path) -> None:
    make = pytest.importorskip("tests.hostile.make_hostile")
    described = make.make_hostile_corpus(tmp_path / "all", include_large=False)
    # The valid articles full of payloads; the broken files test the parser, not publishing.
    (tmp_path / "content").mkdir()
    for name, description in described.items():
        if description.startswith(make.HOSTILE_PREFIX):
            (tmp_path / "content" / name).write_bytes((tmp_path / "all" / name).read_bytes())
    site = tmp_path / "site"
    report = build_project(tmp_path / "content", site, base_url="https://example.org/scan/", search=False)
    assert report.written
    assert len(feed_files(site)) > 1
    for path in feed_files(site):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        ET.fromstring(path.read_bytes())  # well-formed for a strict parser too
        for entry in parsed.entries:
            assert entry.link.startswith("https://example.org/scan/articles/")
    ET.fromstring((site / "sitemap.xml").read_bytes())
    _validate(site)


def test_feed_escapes_markup_and_drops_characters_xml_cannot_hold() -> None:
    text = "# __A <b>bold</b> & ]]> \x01title__, (from page [20240102](https://example.org/p).)\n\n## Summary\nx </summary><script>alert(1)</script>\n"
    article = parse_article(text, "content/x.md", "x", datetime.date(2030, 1, 1)).article
    assert article is not None
    settings = Settings(base_url="https://example.org/")
    document = render_feed(Feed("feed.xml", "T <&>", "", (article,)), settings)
    root = ET.fromstring(document)
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.findtext(f"{atom}title") == "T <&>"
    entry = root.find(f"{atom}entry")
    assert entry is not None
    assert entry.findtext(f"{atom}title") == "A <b>bold</b> & ]]> title"
    assert entry.findtext(f"{atom}summary") == "x </summary><script>alert(1)</script>"
    assert entry.find(f"{atom}summary").get("type") == "text"  # type: ignore[union-attr]
    assert b"<script>" not in document


def test_without_a_base_url_there_is_no_sitemap_and_feeds_link_relatively(built_site: Path) -> None:
    assert not (built_site / "sitemap.xml").exists()
    assert "Sitemap:" not in (built_site / "robots.txt").read_text()
    home = parse_html((built_site / "index.html").read_text(encoding="utf-8"))
    assert not any(link.get("rel") == "canonical" for link in home.links)
    assert "og:url" not in home.meta
    for path in [built_site / "feed.xml", *feed_files(built_site)[:5]]:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo
        for entry in parsed.entries:
            assert not urlsplit(entry.link).scheme
            assert (path.parent / entry.link / "index.html").resolve().is_file()
    records = json.loads((built_site / "data" / "articles.json").read_bytes())["articles"]
    assert records and all(r["url"] is None for r in records)


# ----------------------------------------------------------------- sitemap

def test_sitemap_lists_exactly_the_built_pages_with_article_dates(served: tuple[str, Path]) -> None:
    base_url, site = served
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    entries = {
        url.findtext("s:loc", namespaces=SITEMAP_NS): url.findtext("s:lastmod", namespaces=SITEMAP_NS)
        for url in root.findall("s:url", SITEMAP_NS)
    }
    assert len(entries) == len(root.findall("s:url", SITEMAP_NS))  # no URL twice
    assert set(entries) == {base_url + url for url, _ in html_pages(site)}
    assert base_url + "404.html" not in entries
    articles = json.loads((site / "data" / "articles.json").read_bytes())["articles"]
    # A date after the build's (content/ has one, a typo for 2019) dates no page.
    today = build_today().isoformat()
    assert any(a["date"] and a["date"] > today for a in articles)
    for article in articles:
        expected = article["date"] if article["date"] and article["date"] <= today else None
        assert entries[article["url"]] == expected
        for row in article["rows"]:
            assert entries[row["url"]] == expected
    newest = max(a["date"] for a in articles if a["date"] and a["date"] <= today)
    assert entries[base_url] == newest
    robots = (site / "robots.txt").read_text()
    assert f"Sitemap: {base_url}sitemap.xml" in robots.splitlines()


def test_a_sitemap_past_the_limit_becomes_an_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from foresite.build.stages import plan

    articles = list(_articles_of(ROOT / "content"))
    settings = Settings(base_url="https://example.org/")
    index, pages, _ = plan(articles, settings)
    monkeypatch.setattr(publish, "SITEMAP_LIMIT", 100)
    files = dict(publish.sitemap_files(pages, index, settings))
    listed = len(publish.sitemap_pages(pages))
    assert len(files) == 1 + -(-listed // 100)
    sitemap_index = ET.fromstring(files["sitemap.xml"])
    assert sitemap_index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [loc.text for loc in sitemap_index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert parts == [f"https://example.org/sitemaps/{n}.xml" for n in range(1, len(files))]
    total = sum(len(ET.fromstring(files[f"sitemaps/{n}.xml"])) for n in range(1, len(files)))
    assert total == listed


def test_an_article_dated_after_the_build_leads_no_feed_and_dates_no_sitemap_entry() -> None:
    from foresite.build.stages import plan

    articles = list(_articles_of(ROOT / "content"))
    dates = sorted({a.date for a in articles if a.date})
    today = dates[-2]  # the newest article now lies in the future
    settings = Settings(base_url="https://example.org/")
    index, pages, _ = plan(articles, settings, today=today)
    files = dict(publish.site_files(index, pages, settings, today))
    atom = "{http://www.w3.org/2005/Atom}"
    site_feed = ET.fromstring(files["feed.xml"])
    stamps = [e.findtext(f"{atom}updated") for e in site_feed.iter(f"{atom}entry")]
    assert stamps and max(stamps) == f"{today.isoformat()}T00:00:00Z"
    assert site_feed.findtext(f"{atom}updated") == f"{today.isoformat()}T00:00:00Z"
    later = [a for a in articles if a.date and a.date > today]
    assert later
    for path, data in files.items():
        if path.endswith(".xml") and b"<feed" in data[:300]:
            for stamp in ET.fromstring(data).iter(f"{atom}updated"):
                assert (stamp.text or "") <= f"{today.isoformat()}T99", (path, stamp.text)
    lastmods = [m.text or "" for m in ET.fromstring(files["sitemap.xml"]).iter(f"{{{publish.SITEMAP_NS}}}lastmod")]
    assert lastmods and max(lastmods) == today.isoformat()
    # The same build a day after the newest date lists it again.
    files = dict(publish.site_files(index, pages, settings, dates[-1]))
    assert max(m.text or "" for m in ET.fromstring(files["sitemap.xml"]).iter(f"{{{publish.SITEMAP_NS}}}lastmod")) == (
        dates[-1].isoformat()
    )


def _articles_of(content: Path) -> Iterator[Article]:
    for path in sorted(content.glob("*.md")):
        result = parse_article(path.read_text(encoding="utf-8"), str(path), path.stem, datetime.date(2100, 1, 1))
        if result.article and not result.article.draft:
            yield result.article


# --------------------------------------------------------------- open data

def _validate(site: Path) -> dict:
    document = json.loads((site / "data" / "articles.json").read_bytes())
    schema = json.loads((site / "data" / "schema.json").read_bytes())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.check_schema(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert errors == [], errors[0].message if errors else ""
    return document


def test_json_validates_against_its_schema_and_ids_match_the_pages(served: tuple[str, Path]) -> None:
    base_url, site = served
    document = _validate(site)
    assert document["base_url"] == base_url
    articles = document["articles"]
    assert len(articles) == len(list((site / "articles").glob("*/index.html")))
    assert len({a["id"] for a in articles}) == len(articles)
    for article in articles:
        assert (site / article["path"] / "index.html").is_file()
        assert article["url"] == base_url + article["path"]
        assert (ROOT / "content" / f"{article['id']}.md").is_file()
        for row in article["rows"]:
            kind = Kind(row["kind"])
            # A row's page is <kind plural>/<id>/: its record says so once, in the id.
            assert "path" not in row and row["url"] == f"{base_url}{kind.plural}/{row['id']}/"
            assert (site / kind.plural / row["id"] / "index.html").is_file()
    # The schema rejects what it should: it is not a schema that accepts anything.
    broken = json.loads(json.dumps(document))
    broken["articles"][0]["rows"][0]["relevancy"] = 9
    broken["articles"][0]["surprise"] = 1
    schema = json.loads((site / "data" / "schema.json").read_bytes())
    assert len(list(jsonschema.Draft202012Validator(schema).iter_errors(broken))) == 2


def test_csv_row_counts_equal_the_row_pages(served: tuple[str, Path]) -> None:
    _, site = served
    document = json.loads((site / "data" / "articles.json").read_bytes())
    for kind in Kind:
        raw = (site / "data" / f"{kind.plural}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        pages = {p.name for p in (site / kind.plural).iterdir() if p.is_dir() and p.name != "page"}
        assert len(rows) == len(pages), kind
        assert {r["id"] for r in rows} == pages
        in_json = [r["id"] for a in document["articles"] for r in a["rows"] if r["kind"] == kind.value]
        assert [r["id"] for r in rows] == in_json


def test_csv_cells_cannot_become_spreadsheet_formulas() -> None:
    text = (
        "# __Formulas__, (from page [20240102](https://example.org/p).)\n\n## Signals\n"
        "| name | description | change | 10-year | driving-force | relevancy |\n|---|---|---|---|---|---:|\n"
        '| =HYPERLINK("http://evil") | +1 | -2 | @SUM(A1) | plain | 3 |\n'
    )
    article = parse_article(text, "content/f.md", "f", datetime.date(2030, 1, 1)).article
    assert article is not None and article.entries
    data = kind_csv(Kind.SIGNAL, build_index([article]), Settings()).decode("utf-8-sig")
    row = next(iter(csv.DictReader(io.StringIO(data))))
    assert row["name"] == "'=HYPERLINK(\"http://evil\")"
    assert (row["description"], row["change"], row["outlook"], row["driving_force"]) == ("'+1", "'-2", "'@SUM(A1)", "plain")
    assert row["relevancy"] == "3"


def test_about_the_data_page_documents_every_field_and_links_every_file(served: tuple[str, Path]) -> None:
    base_url, site = served
    text = (site / "data" / "index.html").read_text(encoding="utf-8")
    page = parse_html(text)
    linked = {urljoin(base_url + "data/", t) for t in page.targets}
    for name in ("articles.json", "schema.json", *(f"{k.plural}.csv" for k in Kind)):
        assert base_url + "data/" + name in linked
    schema = json.loads((site / "data" / "schema.json").read_bytes())
    for definition in ("article", "row"):
        for field in schema["$defs"][definition]["properties"]:
            assert f"<code>{field}</code>" in text, field
    header = (site / "data" / "signals.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    for column in header:
        assert f"<code>{column}</code>" in text, column
    for relative in ("", "articles/"):
        footer = parse_html((site / relative / "index.html").read_text(encoding="utf-8"))
        assert base_url + "data/" in {urljoin(base_url + relative, t) for t in footer.targets}


# --------------------------------------------------------- head and icons

def test_every_page_has_canonical_open_graph_twitter_and_icons(served: tuple[str, Path]) -> None:
    base_url, site = served
    for url, path in html_pages(site):
        page = parse_html(path.read_text(encoding="utf-8"))
        canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
        assert canonical == [base_url + url], url
        meta = page.meta
        # Link previews take the address from the canonical link (no og:url), and
        # og:description is the description itself: each text once per page.
        assert "og:url" not in meta
        assert meta["og:title"] and meta["og:description"] == meta["description"] != ""
        assert "twitter:description" not in meta and "twitter:title" not in meta  # Twitter reads og:
        assert meta["og:type"] == ("article" if url.startswith("articles/") and url.count("/") == 2 else "website")
        assert meta["twitter:card"] == "summary"
        assert meta["og:image"] == base_url + "apple-touch-icon.png"
        icons_linked = [link["href"] for link in page.links if "icon" in link.get("rel", "")]
        assert [urljoin(base_url + url, href) for href in icons_linked] == [base_url + "favicon.ico"], url


def test_the_404_page_has_meta_but_no_canonical_address(served: tuple[str, Path]) -> None:
    _, site = served
    page = parse_html((site / "404.html").read_text(encoding="utf-8"))
    assert not any(link.get("rel") == "canonical" for link in page.links)
    assert "og:url" not in page.meta and page.meta["og:title"] == "Page not found"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and zlib.crc32(data[12 : 16 + length]) == struct.unpack(">I", data[16 + length : 20 + length])[0]
    return struct.unpack(">II", data[16:24])


def test_bitmap_icons_are_valid_and_drawn_from_the_svg(served: tuple[str, Path]) -> None:
    _, site = served
    assert _png_size((site / "apple-touch-icon.png").read_bytes()) == (180, 180)
    ico = (site / "favicon.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    assert _png_size(ico[22:]) == (32, 32)
    # The shapes drawn are the ones static/favicon.svg holds.
    svg = ET.parse(ROOT / "static" / "favicon.svg").getroot()
    assert svg.get("viewBox") == f"0 0 {icons.VIEWBOX} {icons.VIEWBOX}"
    discs = [s for s in icons.SHAPES if isinstance(s, icons.Disc)]
    circles = svg.findall("{http://www.w3.org/2000/svg}circle")
    assert [(float(c.get("cx")), float(c.get("cy")), float(c.get("r")), c.get("fill").lower()) for c in circles] == [  # type: ignore[arg-type,union-attr]
        (d.cx, d.cy, d.r, "#{:02x}{:02x}{:02x}".format(*d.colour)) for d in discs
    ]
    arch = next(s for s in icons.SHAPES if isinstance(s, icons.Arch))
    path = svg.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    assert path.get("d") == f"M{arch.x0:g} {arch.y:g} Q{(arch.x0 + arch.x1) / 2:g} {arch.yc:g} {arch.x1:g} {arch.y:g}"
    assert float(path.get("stroke-width", 0)) == arch.width


# ---------------------------------------------------------------- settings

def test_domain_writes_cname_and_sets_the_base_url(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "site.yml").write_text("title: Mine\ndomain: Scan.Example.org\n", encoding="utf-8")
    for folder in ("templates", "static"):
        (root / folder).symlink_to(ROOT / folder)
    content = tmp_path / "content"
    content.mkdir()
    for path in sorted((ROOT / "content").glob("*.md"))[:3]:
        (content / path.name).write_bytes(path.read_bytes())
    site = tmp_path / "site"
    assert build_project(content, site, root=root, search=False).written
    assert (site / "CNAME").read_text() == "scan.example.org\n"
    assert (site / ".nojekyll").is_file()
    home = parse_html((site / "index.html").read_text(encoding="utf-8"))
    assert [link["href"] for link in home.links if link.get("rel") == "canonical"] == ["https://scan.example.org/"]
    assert (site / "sitemap.xml").read_text().count("<loc>https://scan.example.org/") > 3


# ---------------------------------------------------------------- workflow

def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_workflow_is_valid_yaml_using_githubs_official_pages_actions() -> None:
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare 'on' as true
    assert "push" in triggers and "workflow_dispatch" in triggers
    uses = [step["uses"].split("@")[0] for step in _steps(workflow) if "uses" in step]
    assert uses == [
        "actions/checkout", "actions/setup-python", "actions/configure-pages",
        "actions/upload-pages-artifact", "actions/deploy-pages",
    ]
    assert workflow["permissions"] == {"contents": "read"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["needs"] == "build"
    assert workflow["concurrency"]["cancel-in-progress"] is False
    steps = _steps(workflow)
    configure = next(s for s in steps if s.get("uses", "").startswith("actions/configure-pages"))
    build = next(s for s in steps if "--base-url" in s.get("run", ""))
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert build["env"]["BASE_URL"] == "${{ steps." + configure["id"] + ".outputs.base_url }}"
    assert upload["with"]["path"].rstrip("/") == "site"
    runs = [s["run"] for s in steps if "run" in s]
    assert runs.index("python build.py check") < runs.index(build["run"])


def test_workflow_runs_the_commands_the_readme_gives() -> None:
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("README.md is not written yet")
    text = readme.read_text(encoding="utf-8")
    for step in _steps(_workflow()):
        if "run" not in step:
            continue
        # "$BASE_URL" stands for whatever address the README shows.
        pattern = re.escape(step["run"]).replace(re.escape('"$BASE_URL"'), r"\S+")
        assert re.search(pattern, text), step["run"]
