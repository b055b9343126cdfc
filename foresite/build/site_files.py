"""Files a published site needs beside its pages: GitHub Pages details, the
sitemap, feeds, open data and bitmap icons.

Without a base URL there is no sitemap (the protocol wants full addresses)
and robots.txt names none; feeds then link relatively (see feeds.py).
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from typing import assert_never

from foresite.core.config import Settings
from foresite.core.urls import absolute
from foresite.index.site_index import SiteIndex
from foresite.output.feeds import plan_feeds, render_feed
from foresite.output.icons import icon_ico, icon_png
from foresite.output.opendata import data_files
from foresite.pages.contexts import (
    ArticleContext,
    DataContext,
    EntryContext,
    HandwrittenContext,
    HomeContext,
    InsightsContext,
    ListingContext,
    NotFoundContext,
    PageContext,
    RedirectContext,
    RowsFileContext,
    SearchContext,
    TagContext,
    TagIndexContext,
    TimelineContext,
    TrendContext,
    TrendsContext,
)
from foresite.pages.plan import Page

SITEMAP = "sitemap.xml"
SITEMAP_LIMIT = 50_000
"""URLs one sitemap file may hold (sitemaps.org); a larger site gets a sitemap index."""
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
TOUCH_ICON = "apple-touch-icon.png"
"""At the root, where iOS looks for it when a page names none."""
FAVICON_ICO = "favicon.ico"
"""At the root, where browsers ask for it when a page names no icon (a site at a domain's root)."""


def site_files(
    index: SiteIndex, pages: Sequence[Page], settings: Settings, today: datetime.date = datetime.date.max
) -> Iterator[tuple[str, bytes]]:
    """(output path, bytes) of every non-page file of the site; no feed or
    sitemap date is later than `today`, the build's (see plan_feeds)."""
    # GitHub Pages would otherwise run Jekyll, which drops folders such as _x.
    yield ".nojekyll", b""
    if settings.domain:
        yield "CNAME", f"{settings.domain}\n".encode("ascii")
    yield "robots.txt", robots_txt(settings)
    if settings.base_url:
        yield from sitemap_files(pages, index, settings, today)
    for feed in plan_feeds(index, settings, today):
        yield feed.url, render_feed(feed, settings)
    yield from data_files(index, settings)
    yield TOUCH_ICON, icon_png(180)
    yield FAVICON_ICO, icon_ico()


def robots_txt(settings: Settings) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if settings.base_url:
        lines.append(f"Sitemap: {absolute(settings.base_url, SITEMAP)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_pages(pages: Iterable[Page]) -> list[Page]:
    """The pages a sitemap lists: every HTML page but the 404 page and the
    redirects from old addresses."""
    return [page for page in pages if is_in_sitemap(page.context)]


def is_in_sitemap(context: PageContext) -> bool:
    match context:
        case RowsFileContext() | NotFoundContext() | RedirectContext():
            return False
        case (
            HomeContext() | ArticleContext() | EntryContext() | ListingContext() | TagIndexContext() | TagContext()
            | TimelineContext() | DataContext() | SearchContext() | TrendsContext() | TrendContext()
            | InsightsContext() | HandwrittenContext()
        ):
            return True
        case _:
            assert_never(context)


GENERATED_FOLDERS = ("static/", "data/", "pagefind/", "sitemaps/")
"""Folders of the output that the build fills itself."""


def is_generated_path(relpath: str) -> bool:
    """Whether the build writes `relpath` itself (beside the pages), so that
    no file from the content folder may take it."""
    folded = relpath.casefold()
    root_files = (".nojekyll", "cname", "robots.txt", SITEMAP, TOUCH_ICON, FAVICON_ICO, "feed.xml")
    return folded in root_files or folded.startswith(GENERATED_FOLDERS)


def last_modified(
    page: Page, newest: datetime.date | None, today: datetime.date = datetime.date.max
) -> datetime.date | None:
    """The newest article date the page shows, up to `today` (a later one is
    a typo, and search engines distrust a sitemap that dates pages in the
    future); `newest` for site-wide pages."""
    match page.context:
        case ArticleContext() | EntryContext() as context:
            return _newest([context.article.date], today)
        case TagContext() as context:
            return _newest((a.date for a in context.articles), today)
        case ListingContext() as context:
            return _newest([*(a.date for a in context.articles), *(p.article.date for p in context.entries)], today)
        case (
            HomeContext() | TagIndexContext() | TimelineContext() | DataContext() | SearchContext()
            | TrendsContext() | TrendContext() | InsightsContext() | HandwrittenContext()
        ):
            return newest
        case RowsFileContext() | NotFoundContext() | RedirectContext():
            raise ValueError(f"{page.source}: a {type(page.context).__name__} page has no place in a sitemap")
        case _:
            assert_never(page.context)


def _newest(dates: Iterable[datetime.date | None], today: datetime.date = datetime.date.max) -> datetime.date | None:
    return max((d for d in dates if d and d <= today), default=None)


def sitemap_files(
    pages: Sequence[Page], index: SiteIndex, settings: Settings, today: datetime.date = datetime.date.max
) -> Iterator[tuple[str, bytes]]:
    """sitemap.xml, or, past SITEMAP_LIMIT pages, a sitemap index and its parts."""
    newest = _newest((a.date for a in index.articles), today)
    entries = [
        (absolute(settings.base_url, page.url), last_modified(page, newest, today)) for page in sitemap_pages(pages)
    ]
    if len(entries) <= SITEMAP_LIMIT:
        yield SITEMAP, _sitemap(entries)
        return
    parts = []
    for number, start in enumerate(range(0, len(entries), SITEMAP_LIMIT), start=1):
        chunk = entries[start : start + SITEMAP_LIMIT]
        path = f"sitemaps/{number}.xml"
        parts.append((absolute(settings.base_url, path), _newest(d for _, d in chunk)))
        yield path, _sitemap(chunk)
    yield SITEMAP, _sitemap(parts, "sitemapindex", "sitemap")


def _sitemap(
    entries: Sequence[tuple[str, datetime.date | None]], root_name: str = "urlset", item_name: str = "url"
) -> bytes:
    root = ET.Element(f"{{{SITEMAP_NS}}}{root_name}")
    for loc, modified in entries:
        item = ET.SubElement(root, f"{{{SITEMAP_NS}}}{item_name}")
        ET.SubElement(item, f"{{{SITEMAP_NS}}}loc").text = loc
        if modified:
            ET.SubElement(item, f"{{{SITEMAP_NS}}}lastmod").text = modified.isoformat()
    ET.indent(root, space="")
    # Bytes: tostring gives text only for encoding="unicode".
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=SITEMAP_NS)
    return document + b"\n"
