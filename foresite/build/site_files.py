"""Files a published site needs beside its pages: GitHub Pages details, the
sitemap, feeds, open data and bitmap icons.

Without a base URL there is no sitemap (the protocol wants full addresses)
and robots.txt names none; feeds then link relatively (see feeds.py).
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence

from foresite.core.config import Settings
from foresite.core.urls import absolute
from foresite.index.site_index import SiteIndex
from foresite.output.feeds import plan_feeds, render_feed
from foresite.output.icons import icon_ico, icon_png
from foresite.output.opendata import data_files
from foresite.pages.plan import ArticleContext, EntryContext, ListingContext, Page, RedirectContext, TagContext

SITEMAP = "sitemap.xml"
SITEMAP_LIMIT = 50_000
"""URLs one sitemap file may hold (sitemaps.org); a larger site gets a sitemap index."""
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NOT_FOUND_PAGE = "404.html"
TOUCH_ICON = "apple-touch-icon.png"
"""At the root, where iOS looks for it when a page names none."""
FAVICON_ICO = "favicon.ico"
"""At the root, where browsers ask for it when a page names no icon (a site at a domain's root)."""


def site_files(index: SiteIndex, pages: Sequence[Page], settings: Settings) -> Iterator[tuple[str, bytes]]:
    """(output path, bytes) of every non-page file of the site."""
    # GitHub Pages would otherwise run Jekyll, which drops folders such as _x.
    yield ".nojekyll", b""
    if settings.domain:
        yield "CNAME", f"{settings.domain}\n".encode("ascii")
    yield "robots.txt", robots_txt(settings)
    if settings.base_url:
        yield from sitemap_files(pages, index, settings)
    for feed in plan_feeds(index, settings):
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
    return [
        page for page in pages
        if page.is_html and page.url != NOT_FOUND_PAGE and not isinstance(page.context, RedirectContext)
    ]


GENERATED_FOLDERS = ("static/", "data/", "pagefind/", "sitemaps/")
"""Folders of the output that the build fills itself."""


def is_generated_path(relpath: str) -> bool:
    """Whether the build writes `relpath` itself (beside the pages), so that
    no file from the content folder may take it."""
    folded = relpath.casefold()
    root_files = (".nojekyll", "cname", "robots.txt", SITEMAP, TOUCH_ICON, FAVICON_ICO, "feed.xml")
    return folded in root_files or folded.startswith(GENERATED_FOLDERS)


def last_modified(page: Page, newest: datetime.date | None) -> datetime.date | None:
    """The newest article date the page shows; `newest` for site-wide pages."""
    context = page.context
    if isinstance(context, (ArticleContext, EntryContext)):
        return context.article.date
    if isinstance(context, TagContext):
        return _newest(a.date for a in context.articles)
    if isinstance(context, ListingContext):
        return _newest([*(a.date for a in context.articles), *(p.article.date for p in context.entries)])
    return newest


def _newest(dates: Iterable[datetime.date | None]) -> datetime.date | None:
    return max((d for d in dates if d), default=None)


def sitemap_files(pages: Sequence[Page], index: SiteIndex, settings: Settings) -> Iterator[tuple[str, bytes]]:
    """sitemap.xml, or, past SITEMAP_LIMIT pages, a sitemap index and its parts."""
    newest = _newest(a.date for a in index.articles)
    entries = [
        (absolute(settings.base_url, page.url), last_modified(page, newest)) for page in sitemap_pages(pages)
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
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=SITEMAP_NS) + b"\n"
