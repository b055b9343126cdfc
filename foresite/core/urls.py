"""The one place that decides every URL and output path.

URLs here are site-relative folders without a leading slash ("signals/x/"),
and the empty string is the home page. A page links to another with a path
relative to itself, so the site works under any sub-path; the base URL is
only used where a link must be absolute (canonical, feeds, sitemap).
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from markupsafe import escape

from foresite.core.model import Article, Entry, Kind, Tag, TagKind
from foresite.core.text import article_slug, short_hash

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
    if ":" in link.partition("/")[0]:
        # A file of the content folder named 'javascript:x.png', linked from
        # its own folder: a first segment with a colon would read as a scheme.
        return "./" + link
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


# ------------------------------------------------------ hand-written pages

def page_url(relpath: str) -> str:
    """A hand-written page's URL, from its path in the content folder:
    'analyses/topics/x/x.md' → 'analyses/topics/x/x/', 'about/index.md' →
    'about/'. Each folder's name is made a slug, as article ids are."""
    parts = relpath.removesuffix(".md").split("/")
    if parts[-1] == "index":
        parts.pop()
    return "".join(f"{article_slug(part)}/" for part in parts)


_PLAIN_PATH = re.compile(r"^[A-Za-z0-9._~!$&'()+,;=@ -]+(?:/[A-Za-z0-9._~!$&'()+,;=@ -]+)*$")


_DEVICE_NAMES = frozenset(["con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))])


def is_plain_path(path: str) -> bool:
    """Whether `path` can be written as it is on any disk and served as it
    is: printable ASCII names, no '..', no name ending in a space or dot,
    no device name of Windows."""
    return bool(_PLAIN_PATH.match(path)) and not any(
        name.strip(" .") != name or name.split(".")[0].casefold() in _DEVICE_NAMES for name in path.split("/")
    )


def jekyll_path(relpath: str) -> str | None:
    """The file GitHub Pages' default build made of a markdown file, which
    answers both '/x/y' and '/x/y.html' (an index.md answers its folder);
    None for a path no redirect page can safely be written at."""
    path = relpath.removesuffix(".md") + ".html"
    return path if is_plain_path(path) else None


def redirect_path(old: str) -> str:
    """The file an old address (`redirects:` in site.yml) is answered from on
    GitHub Pages: 'old/' → 'old/index.html', 'old/page' → 'old/page.html'."""
    if old.endswith("/"):
        return old + "index.html"
    return old if old.endswith((".html", ".htm")) else old + ".html"


class Unknown(str):
    """A link target that looks like one of the site's own, but is no article,
    page or published file of it (a str: what the link said)."""


_ATTRIBUTE_URL = re.compile(r'\b(href|src)="([^"]*)"')

LINK_TARGET = r"\]\(\s*(?:<(?P<angled>[^<>\n]*)>|(?P<bare>[^\s()<>\[\]]+))(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
"""The end of a markdown inline link or image, '](target "title")' or
'](<target>)'. No part runs across a '[' or a newline and a title ends at
its first closing quote, so every try stops at the next quote or bracket
and a line of brackets or quotes stays linear."""

_CELL_LINK = re.compile(r"\[(?P<text>[^\[\]\n]*)" + LINK_TARGET)


def cell_links(cell: str) -> list[re.Match[str]]:
    """The markdown links '[text](target)' in a table cell."""
    return list(_CELL_LINK.finditer(cell)) if "](" in cell else []


def link_target(match: re.Match[str]) -> str:
    """The target of a match of LINK_TARGET, as written."""
    return match["angled"] if match["angled"] is not None else match["bare"]


@dataclass(frozen=True)
class SiteLinks:
    """Where links written in content lead. Content links to other content
    by file ('../x.md', 'x.html', 'x'), by article id or by the old site's
    absolute address; each such link becomes a relative link to the page or
    file the site now has for it."""

    by_file: Mapping[str, str] = field(default_factory=dict)
    """Site URL of each article and page, by content path without '.md';
    an index.md also by its folder."""
    by_id: Mapping[str, str] = field(default_factory=dict)
    """Site URL of each article, by id."""
    published: frozenset[str] = frozenset()
    """Content paths of files published as they are (images, documents)."""
    homes: tuple[str, ...] = ()
    """The site's own addresses ('https://scan.example.org/'), lower case."""
    root: str = "/"
    """The path the site is served under ('/repo/')."""
    urls: frozenset[str] = frozenset()
    """Every site URL above, for links written as the new address."""

    def resolve(self, target: str, holder: str) -> str | Unknown | None:
        """The site URL (with its #fragment) a link written in the content
        file `holder` leads to; Unknown when it should be the site's own and
        is not; None when it is not the site's business (another site, a
        fragment, a mail address)."""
        written = target.strip()
        parts = urlsplit(written)
        if parts.scheme or parts.netloc:
            path = self._own_path(written)
            if path is None:
                return None
        elif not parts.path:
            return None
        elif parts.path.startswith("/"):
            path = parts.path.removeprefix(self.root) if parts.path.startswith(self.root) else parts.path[1:]
        else:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(holder), parts.path))
            if parts.path.endswith("/"):
                path += "/"
        found = self._lookup(unquote(path))
        if found is None and not parts.scheme and "/" not in parts.path:
            # A bare id, as Closest sections write them, from any folder.
            found = self.by_id.get(unquote(parts.path).removesuffix(".md").removesuffix(".html"))
        if found is None:
            return Unknown(written)
        return found + (f"#{parts.fragment}" if parts.fragment else "")

    def _own_path(self, url: str) -> str | None:
        lowered = url.lower()
        for home in self.homes:
            if lowered.startswith(home):
                return urlsplit(url[len(home):]).path
            if lowered + "/" == home:
                return ""
        return None

    def _lookup(self, path: str) -> str | None:
        if path.startswith("../") or path == "..":
            return None
        if path in ("", ".", "./", "/"):
            return ""
        key = path.rstrip("/")
        if key in self.published:
            return key
        if (path if path.endswith("/") else path + "/") in self.urls:
            return path if path.endswith("/") else path + "/"
        stem = key.removesuffix(".md").removesuffix(".html").removesuffix("/index")
        return self.by_file.get(stem)

    def link_cell(self, cell: str, holder: str, from_url: str) -> str:
        """A table cell of `holder` as HTML: its text escaped and shown as
        written, but for its markdown links that lead to the site's own pages
        or files, which become links relative to `from_url`. A cell is plain
        text, not markdown: a link elsewhere stays as written, inert."""
        parts: list[str] = []
        end = 0
        for match in cell_links(cell):
            if cell[match.start() - 1:match.start()] == "!":
                continue  # an image: a cell shows no image, and says it as written
            found = self.resolve(link_target(match), holder)
            if found is None or isinstance(found, Unknown):
                continue
            path, hash_mark, fragment = found.partition("#")
            link = quote(relative(from_url, path) + hash_mark + fragment, safe="/#%.-_~:!$&()*+,;=@")
            # markupsafe's escape, as Jinja's for the cells without links: the same bytes.
            parts.append(escape(cell[end:match.start()]))
            parts.append(f'<a href="{escape(link)}">{escape(match["text"])}</a>')
            end = match.end()
        parts.append(escape(cell[end:]))
        return "".join(parts)

    def rewrite(self, markup: str, holder: str, from_url: str) -> str:
        """Sanitised HTML from `holder`'s markdown, with every link that
        leads to the site's own pages or files made relative to `from_url`."""
        if "href=" not in markup and "src=" not in markup:
            return markup

        def replace(match: re.Match[str]) -> str:
            found = self.resolve(html.unescape(match[2]), holder)
            if match[1] == "src" and (found is None or isinstance(found, Unknown)):
                # Images come from the site alone (its Content-Security-Policy
                # says so too): no request leaves it for content's sake.
                return "data-left-out"
            if found is None or isinstance(found, Unknown):
                return match[0]
            path, hash_mark, fragment = found.partition("#")
            link = relative(from_url, path) + hash_mark + fragment
            return f'{match[1]}="{html.escape(quote(link, safe="/#%.-_~:!$&()*+,;=@"), quote=True)}"'

        return _ATTRIBUTE_URL.sub(replace, markup)


def site_links(
    articles: Mapping[str, str], pages: Mapping[str, str], published: frozenset[str], base_url: str, domain: str,
) -> SiteLinks:
    """The links of a site whose article files (content path → id), page
    files (content path → site URL) and published files are given."""
    by_file: dict[str, str] = {}
    by_id: dict[str, str] = {}
    for relpath, article_id in articles.items():
        by_id[article_id] = by_file[relpath.removesuffix(".md")] = f"articles/{article_slug(article_id)}/"
    for relpath, url in pages.items():
        stem = relpath.removesuffix(".md")
        by_file[stem] = url
        if stem == "index" or stem.endswith("/index"):
            by_file[stem.removesuffix("index").rstrip("/")] = url
    homes = {base_url.lower()} if base_url else set()
    if domain:
        homes |= {f"https://{domain}/", f"http://{domain}/", f"https://www.{domain}/", f"http://www.{domain}/"}
    return SiteLinks(
        by_file=by_file, by_id=by_id, published=published, homes=tuple(sorted(homes)),
        root=base_path(base_url), urls=frozenset(by_file.values()),
    )
