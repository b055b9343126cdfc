"""The one place that decides every URL and output path.

URLs here are site-relative folders without a leading slash ("signals/x/"),
and the empty string is the home page. A page links to another with a path
relative to itself, so the site works under any sub-path; the base URL is
only used where a link must be absolute (canonical, feeds, sitemap).
"""

from __future__ import annotations

import functools
import posixpath
from urllib.parse import urlsplit

from foresite.core.model import Article, Entry, Kind, Tag, TagKind
from foresite.core.text import short_hash

_HEX32 = frozenset("0123456789abcdef")


def article_token(article_id: str) -> str:
    """8 characters that tie a row's URL to its article: the id's own start
    for the scan's md5 ids, a hash of the id otherwise."""
    if len(article_id) == 32 and set(article_id) <= _HEX32:
        return article_id[:8]
    return short_hash(article_id)


def long_token(article_id: str) -> str:
    """The token of an article whose short one another article's id shares:
    the whole md5 id (ids are unique), else 40 hex digits of a hash. Never
    8 long, so never another's short token; no dash, so a row key ends with
    exactly one token."""
    if len(article_id) == 32 and set(article_id) <= _HEX32:
        return article_id
    return short_hash(article_id, 40)


def article_url(article: Article) -> str:
    return f"articles/{article.slug}/"


def rows_file_url(article: Article) -> str:
    """The article's keywords, themes and rows as JSON (foresite/rowlists.py),
    in its page's folder: static/site.js finds it beside each article a tag
    page links to."""
    return f"{article_url(article)}rows.json"


def entry_key(entry: Entry) -> str:
    """The row's id among its kind: the last part of its URL, also its id in the open data."""
    # Derived from the row's own name and its article's id only, so that
    # adding or removing other articles never moves it.
    # A longer token only where two articles' short ones are the same.
    return _row_key(entry.slug, entry.token or article_token(entry.article_id))


def _row_key(slug: str, token: str) -> str:
    return f"{slug}-{token}"


def entry_url(entry: Entry) -> str:
    return _entry_url(entry.kind, entry.slug, entry.article_id, entry.token)


@functools.lru_cache(maxsize=1 << 18)
def _entry_url(kind: Kind, slug: str, article_id: str, token: str) -> str:
    # Cached: tag pages and listings ask for every row's URL, a million times in a build.
    return f"{kind.plural}/{_row_key(slug, token or article_token(article_id))}/"


def tag_url(tag: Tag, page: int = 1) -> str:
    return paged(f"{tag.kind.plural}/{tag.slug}/", page)


def tag_index_url(kind: TagKind) -> str:
    return f"{kind.plural}/"


def listing_url(kind: Kind | None, page: int = 1) -> str:
    """Listing of every row of `kind`, or of every article for None."""
    return paged(f"{kind.plural if kind else 'articles'}/", page)


def feed_url(tag: Tag | None = None) -> str:
    """The Atom feed of the whole site, or of one tag (beside its pages)."""
    return f"{tag.kind.plural}/{tag.slug}/feed.xml" if tag else "feed.xml"


DATA_URL = "data/"
"""The "About the data" page; the open data files sit beside it."""


def data_file_url(name: str) -> str:
    return f"{DATA_URL}{name}"


def trend_url(kind: Kind, slug: str) -> str:
    # The kind leads: one name can be a trend of signals and of concerns.
    return f"trends/{kind.value}-{slug}/"


def trends_url(page: int = 1) -> str:
    return paged("trends/", page)


INSIGHTS_URL = "insights/"


def paged(url: str, page: int) -> str:
    return url if page == 1 else f"{url}page/{page}/"


def output_path(url: str) -> str:
    """The file a page URL is written to, relative to the output folder."""
    if url.endswith((".html", ".xml")) or "." in url.rsplit("/", 1)[-1]:
        return url
    return f"{url}index.html"


def url_of(target: Article | Entry | Tag) -> str:
    if isinstance(target, Article):
        return article_url(target)
    if isinstance(target, Entry):
        return entry_url(target)
    return tag_url(target)


def relative(from_url: str, to_url: str) -> str:
    """Link from the page at `from_url` to `to_url`, both site-relative."""
    from_parts = _folder_parts(from_url)
    to_parts = to_url.split("/")
    common = 0
    while (
        common < len(from_parts)
        and common < len(to_parts) - 1
        and from_parts[common] == to_parts[common]
    ):
        common += 1
    link = "../" * (len(from_parts) - common) + "/".join(to_parts[common:])
    return link or "./"


@functools.lru_cache(maxsize=1024)
def _folder_parts(url: str) -> tuple[str, ...]:
    """The folders of the page at `url`: a page links to dozens of others."""
    folder = url if url.endswith("/") or not url else posixpath.dirname(url) + "/"
    return tuple(p for p in folder.split("/") if p)


def link_scope(url: str) -> str:
    """Pages of one scope link alike to every page outside their own folders:
    a page at depth one is its own scope; deeper, it shares its parent's
    folder with its siblings ('signals/a/' and 'signals/b/' both link
    '../../keywords/k/' and '../c/'). What a cached fragment may reuse."""
    parts = [p for p in url.split("/") if p]
    return "/".join(parts[:-1]) + "/*" if len(parts) > 1 else url


def absolute(base_url: str, url: str) -> str:
    """`url` under the site's base URL, for canonical links, feeds and sitemaps."""
    return base_url.rstrip("/") + "/" + url if base_url else "/" + url


def base_path(base_url: str) -> str:
    """The path part of the base URL, '/' at a domain root: for pages served
    from any depth, such as 404.html."""
    path = urlsplit(base_url).path if base_url else "/"
    return path if path.endswith("/") else path + "/"


SAFE_SCHEMES = ("http", "https", "mailto")


def safe_external_url(url: str) -> str | None:
    """`url` if it is an http(s) or mailto link, else None: nothing from
    content may become a javascript:, data: or other active link."""
    candidate = "".join(ch for ch in url.strip() if ch >= " " and ch != "\x7f")
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return candidate
