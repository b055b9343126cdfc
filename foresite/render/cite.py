"""Citations of article and row pages: their schema.org JSON-LD.

The JSON-LD holds all a citation needs (title, article, date, author, site,
a key), and static/site.js makes the page's "Cite this" box from it, as
plain text and BibTeX: the box was two thirds of a kilobyte on each of
70,000 pages, and said again what the JSON-LD says.

The JSON-LD is text built from content, and it lands inside a <script>
element where HTML escaping does not apply: every <, > and & is written as
a JSON \\u escape, so no content can close the element.
"""

from __future__ import annotations

import json
from typing import assert_never

from markupsafe import Markup

from foresite.core.config import Settings
from foresite.core.urls import safe_external_url
from foresite.pages.contexts import (
    ArticleContext,
    DataContext,
    EntryContext,
    HandwrittenContext,
    HomeContext,
    InsightsContext,
    ListingContext,
    NotFoundContext,
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

_JSON_IN_SCRIPT = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_ld(page: Page, settings: Settings) -> Markup:
    """The page's schema.org description, safe inside <script type="application/ld+json">."""
    data = _schema(page, settings)
    if data is None:
        return Markup("")
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in _JSON_IN_SCRIPT.items():
        text = text.replace(char, escaped)
    # Safe to mark: after the replacements above the text holds no '<', so it
    # cannot end the script element, and JSON parsers read the escapes back.
    return Markup(text)


def _schema(page: Page, settings: Settings) -> dict[str, object] | None:
    match page.context:
        case ArticleContext() as context:
            data = _article_schema(context, page.description)
            # A row is part of its article, whose JSON-LD names the publisher: on
            # 66,000 row pages that was 3.7 MB of the site's title, said again.
            data["publisher"] = {"@type": "Organization", "name": settings.title}
        case EntryContext() as context:
            data = _row_schema(context)
        case (
            HomeContext() | RowsFileContext() | ListingContext() | TagIndexContext() | TagContext()
            | TimelineContext() | DataContext() | SearchContext() | NotFoundContext() | TrendsContext()
            | TrendContext() | InsightsContext() | HandwrittenContext() | RedirectContext()
        ):
            return None
        case _:
            assert_never(page.context)
    data["@context"] = "https://schema.org"
    # The citation's key (BibTeX), short and stable: the article's slug, or
    # a row's within its article's.
    data["identifier"] = citation_key(context)
    if settings.author:
        data["author"] = {"@type": "Person", "name": settings.author}
    # No "url": the page's canonical link says it, and crawlers read both.
    return data


def citation_key(context: ArticleContext | EntryContext) -> str:
    match context:
        case ArticleContext():
            return context.article.slug
        case EntryContext():
            return f"{context.article.slug[:8]}-{context.entry.slug}"
        case _:
            assert_never(context)


def _article_schema(context: ArticleContext, description: str) -> dict[str, object]:
    article = context.article
    data: dict[str, object] = {
        "@type": "Article",
        "headline": article.title,
        "name": article.title,
        "description": description,
        "inLanguage": article.language,
        "keywords": [t.label for t in context.tags.keywords],
        "about": [{"@type": "Thing", "name": t.label} for t in context.tags.themes],
    }
    if article.date:
        data["datePublished"] = article.date.isoformat()
    if article.category:
        data["articleSection"] = article.category
    if article.type:
        data["genre"] = article.type
    source = safe_external_url(article.source_url) if article.source_url else None
    if source:
        data["isBasedOn"] = source
    return data


def _row_schema(context: EntryContext) -> dict[str, object]:
    entry, article = context.entry, context.article
    # Kept short: there are tens of thousands of row pages, the article's
    # own JSON-LD carries its keywords and themes, and the page's meta
    # description (read by the same crawlers) its description. The article
    # is named by its headline only: the page links it.
    data: dict[str, object] = {
        "@type": "CreativeWork",
        "name": entry.name,
        "genre": entry.kind.label,
        "isPartOf": {"@type": "Article", "headline": article.title},
    }
    if article.date:
        data["datePublished"] = article.date.isoformat()
    return data
