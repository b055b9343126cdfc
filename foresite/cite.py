"""Citations of article and row pages: plain text, BibTeX and schema.org JSON-LD.

Everything here is text built from content, so each format is escaped for
where it goes: BibTeX specials are backslashed, and the JSON-LD, which lands
inside a <script> element where HTML escaping does not apply, has every <, >
and & written as a JSON \\u escape, so no content can close the element.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass

from markupsafe import Markup

from .config import Settings
from .pages import ArticleContext, EntryContext, Page
from .urls import absolute, article_url, safe_external_url

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_BIBTEX_PATTERN = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))
_JSON_IN_SCRIPT = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class Citation:
    text: str
    bibtex: str


def citation(page: Page, settings: Settings) -> Citation | None:
    """How to cite an article or row page; None for other pages."""
    context = page.context
    if isinstance(context, ArticleContext):
        article, title, key = context.article, context.article.title, context.article.slug
        container = ""
    elif isinstance(context, EntryContext):
        article, title = context.article, f"{context.entry.kind.label}: {context.entry.name}"
        key = f"{context.article.slug[:8]}-{context.entry.slug}"
        container = context.article.title
    else:
        return None
    author = settings.author or settings.title
    url = absolute(settings.base_url, page.url)
    when = article.date.isoformat() if article.date else "n.d."
    inside = f", in “{container}”" if container else ""
    text = f"{author} ({when}). “{title}”{inside}. {settings.title}. {url}"
    return Citation(text, _bibtex(key, author, title, container, article.date, url, settings.title))


def _bibtex(
    key: str, author: str, title: str, container: str, date: datetime.date | None, url: str, site: str
) -> str:
    fields = [("author", f"{{{_bib(author)}}}"), ("title", f"{{{_bib(title)}}}")]
    if container:
        fields.append(("booktitle", f"{{{_bib(container)}}}"))
    if date:
        fields += [("year", str(date.year)), ("month", _MONTHS[date.month - 1])]
    fields.append(("howpublished", f"{{\\url{{{_bib_url(url)}}}}}"))
    if site != author:
        fields.append(("note", f"{{{_bib(site)}}}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{_bib_key(key)},\n{body}\n}}"


def _bib(text: str) -> str:
    return _BIBTEX_PATTERN.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], " ".join(text.split()))


def _bib_url(url: str) -> str:
    # Inside \url{} only braces, backslashes and spaces can break out.
    return "".join(f"%{ord(c):02X}" if c in "{}\\ " else c for c in url)


def _bib_key(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_:-]+", "-", key).strip("-") or "foresite"


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
    context = page.context
    if isinstance(context, ArticleContext):
        data = _article_schema(context, page.description)
    elif isinstance(context, EntryContext):
        data = _row_schema(context, settings)
    else:
        return None
    data["@context"] = "https://schema.org"
    data["publisher"] = {"@type": "Organization", "name": settings.title}
    if settings.author:
        data["author"] = {"@type": "Person", "name": settings.author}
    if settings.base_url:
        data["url"] = absolute(settings.base_url, page.url)
    return data


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


def _row_schema(context: EntryContext, settings: Settings) -> dict[str, object]:
    entry, article = context.entry, context.article
    part_of: dict[str, object] = {"@type": "Article", "headline": article.title}
    if settings.base_url:
        part_of["url"] = absolute(settings.base_url, article_url(article))
    # Kept short: there are tens of thousands of row pages, the article's
    # own JSON-LD carries its keywords and themes, and the page's meta
    # description (read by the same crawlers) its description.
    data: dict[str, object] = {
        "@type": "CreativeWork",
        "name": entry.name,
        "genre": entry.kind.label,
        "isPartOf": part_of,
    }
    if article.date:
        data["datePublished"] = article.date.isoformat()
    return data
