"""Atom feeds: the latest articles of the whole site, of each theme and of each category.

Titles and summaries come from content, which is untrusted: the XML is built
with ElementTree, which escapes every text and attribute, and the summary goes
out as plain text, never as HTML. Dates are the articles' own, so two builds of
one input give the same bytes.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from foresite.core.config import Settings
from foresite.core.model import Article, Tag, TagKind
from foresite.core.urls import absolute, article_url, feed_url, relative, tag_url
from foresite.index.site_index import SiteIndex

ATOM = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_TAG_KINDS = (TagKind.THEME, TagKind.CATEGORY)
"""The tags that get a feed of their own; keywords and types would add hundreds of feeds few would read."""

# Atom as the default namespace, so that elements are written without a prefix.
ET.register_namespace("", ATOM)

# The site's feed is written even when no article has a date; it still
# needs an <updated>, and a fixed one keeps the bytes stable.
_NO_DATE = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class Feed:
    url: str
    """Site-relative URL of the feed file."""
    title: str
    page_url: str
    """The page the feed follows (home, or the tag's page)."""
    articles: tuple[Article, ...]
    """Newest first, dated articles only: an entry needs a date."""


def has_feed(tag: Tag, index: SiteIndex, today: datetime.date = datetime.date.max) -> bool:
    """Themes and categories with an article dated up to `today` have a feed
    (an entry needs a date, and plan_feeds leaves later ones out)."""
    return tag.kind in FEED_TAG_KINDS and any(a.date and a.date <= today for a in index.tag_articles.get(tag, ()))


def plan_feeds(index: SiteIndex, settings: Settings, today: datetime.date = datetime.date.max) -> Iterator[Feed]:
    """The site's feed, then one per theme and category that has_feed.

    An article dated after `today` (the build's) is in none yet: its date is
    most likely a typo, and a feed reader would put it above every other
    entry for years. It comes in with the first build on or after its date."""
    yield Feed(feed_url(), settings.title, "", _latest(index.articles, settings.feed_items, today))
    for kind in FEED_TAG_KINDS:
        for tag in index.tags[kind]:
            if not has_feed(tag, index, today):
                continue
            yield Feed(
                feed_url(tag),
                f"{settings.title}: {tag.kind.label} {tag.label}",
                tag_url(tag),
                _latest(index.tag_articles.get(tag, ()), settings.feed_items, today),
            )


def _latest(articles: Sequence[Article], count: int, today: datetime.date) -> tuple[Article, ...]:
    # Articles come newest first with the undated last, so the dated ones lead.
    return tuple(a for a in articles if a.date and a.date <= today)[:count]


def atom_timestamp(date: datetime.date | None) -> str:
    return f"{date.isoformat()}T00:00:00Z" if date else _NO_DATE


def render_feed(feed: Feed, settings: Settings) -> bytes:
    """The Atom document of `feed`.

    With a base URL every link is absolute. Without one, links are relative
    to the feed file, which Atom allows and readers resolve against the
    feed's own address; ids then use a 'urn:' form that needs no address.
    """
    root = ET.Element(f"{{{ATOM}}}feed", {_XML_LANG: settings.language})
    _text(root, "title", feed.title)
    if settings.description and not feed.page_url:
        _text(root, "subtitle", settings.description)
    _text(root, "id", _id(settings, feed.url, f"feed:{feed.url}"))
    _text(root, "updated", atom_timestamp(feed.articles[0].date if feed.articles else None))
    _link(root, "self", _href(settings, feed.url, feed.url), "application/atom+xml")
    _link(root, "alternate", _href(settings, feed.url, feed.page_url), "text/html")
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", settings.author or settings.title)
    _text(root, "generator", "foresite")
    for article in feed.articles:
        _entry(root, article, feed.url, settings)
    ET.indent(root)
    # Bytes: tostring gives text only for encoding="unicode".
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _entry(root: ET.Element, article: Article, from_url: str, settings: Settings) -> None:
    entry = ET.SubElement(root, f"{{{ATOM}}}entry", {_XML_LANG: article.language})
    _text(entry, "title", article.title)
    url = article_url(article)
    _link(entry, "alternate", _href(settings, from_url, url), "text/html")
    _text(entry, "id", _id(settings, url, f"article:{article.id}"))
    stamp = atom_timestamp(article.date)
    _text(entry, "published", stamp)
    _text(entry, "updated", stamp)
    for term in (article.category, *article.themes):
        if term:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=_xml_safe(term))
    if article.summary:
        summary = _text(entry, "summary", " ".join(article.summary.split()))
        summary.set("type", "text")


def _href(settings: Settings, from_url: str, to_url: str) -> str:
    return absolute(settings.base_url, to_url) if settings.base_url else relative(from_url, to_url)


def _id(settings: Settings, url: str, name: str) -> str:
    return absolute(settings.base_url, url) if settings.base_url else f"urn:foresite:{name}"


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    child.text = _xml_safe(value)
    return child


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", rel=rel, type=media_type, href=href)


def _xml_safe(text: str) -> str:
    """`text` without the control characters XML 1.0 cannot carry at all
    (ElementTree escapes markup but would write these as they are)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or _is_xml_char(ch))


def _is_xml_char(ch: str) -> bool:
    return "\x20" <= ch < "\ud800" or "\ue000" <= ch < "\ufffe" or ch >= "\U00010000"
