"""`new`: a fresh article file with every section of the newer layout to fill in."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from foresite.core.language import known_language
from foresite.core.model import ROW_COLUMNS, Column, Kind
from foresite.core.text import slugify
from foresite.core.urls import safe_external_url
from foresite.source.read import display_path, list_sources

ID_LENGTH = 60
FALLBACK_ID = "article"
"""The id of an article whose title has no letter a slug can keep (CJK, emoji)."""

_NEWER_LAYOUT_TABLES = (Kind.SIGNAL, Kind.CONCERN, Kind.BEHAVIOR, Kind.TECHNOLOGY, Kind.ISSUE)


class ScaffoldError(ValueError):
    """The article cannot be created as asked (empty title, bad URL or language)."""


@dataclass(frozen=True)
class NewArticle:
    path: Path
    wanted: Path
    """The file the title asked for; differs from `path` when that was taken."""


def clean_title(title: str) -> str:
    """The title on one line, with no run of spaces."""
    cleaned = " ".join(title.split())
    if not cleaned:
        raise ScaffoldError("the title is empty")
    return cleaned


def free_id(title: str, taken: Iterable[str]) -> tuple[str, str]:
    """(wanted id, free id): the title's slug, numbered when a file has it."""
    wanted = slugify(title, ID_LENGTH) or FALLBACK_ID
    used = {name.casefold() for name in taken}
    candidate, number = wanted, 1
    while candidate.casefold() in used:
        number += 1
        candidate = f"{wanted}-{number}"
    return wanted, candidate


def article_text(title: str, date: datetime.date, url: str | None, language: str | None) -> str:
    """The new file: header with today's date as origin, then every section."""
    lines: list[str] = []
    if language:
        lines += ["---", f"language: {language}", "---"]
    lines += [f"# __{title}__, (from page [{date:%Y%m%d}]().)", ""]
    lines += [f"__[External link]({url or ''})__", ""]
    lines += ["## Keywords", "", "* ", "", "## Themes", "", "* ", ""]
    lines += ["## Other", "", "* Category: ", "* Type: ", ""]
    lines += ["## Summary", "", ""]
    for kind in _NEWER_LAYOUT_TABLES:
        columns = [c for c in ROW_COLUMNS if kind in c.new_in]
        lines += [f"## {kind.section}", "", _row(c.header for c in columns), _alignment(columns), ""]
    return "\n".join(lines)


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _alignment(columns: Iterable[Column]) -> str:
    # Relevancy is a number: right-aligned, as in the scan's own tables.
    return "|" + "|".join("---:" if c.role == "relevancy" else ":---" for c in columns) + "|"


def check_options(url: str | None, language: str | None) -> None:
    if url is not None and safe_external_url(url) != url.strip():
        raise ScaffoldError(f"--url '{url}' is not an http(s) address")
    if language is not None and known_language(language) is None:
        raise ScaffoldError(f"--lang '{language}' is not a language code such as 'fr'")


def create_article(
    content: Path, title: str, date: datetime.date, url: str | None = None, language: str | None = None
) -> NewArticle:
    """Write content/<id>.md for `title`; never overwrites a file."""
    title = clean_title(title)
    check_options(url, language)
    content.mkdir(parents=True, exist_ok=True)
    taken = [p.stem for p in list_sources(content)] + [p.stem for p in content.iterdir()]
    wanted, article_id = free_id(title, taken)
    text = article_text(title, date, url.strip() if url else None, language)
    while True:
        path = content / f"{article_id}.md"
        try:
            with path.open("x", encoding="utf-8") as file:  # "x": fail rather than overwrite
                file.write(text)
            return NewArticle(path, content / f"{wanted}.md")
        except FileExistsError:  # created since we looked
            _, article_id = free_id(title, [*taken, article_id])
            taken.append(article_id)


def describe(article: NewArticle, date: datetime.date) -> str:
    """What `new` did, in a sentence."""
    note = ""
    if article.path != article.wanted:
        note = f" ({display_path(article.wanted)} exists already)"
    return f"created {display_path(article.path)}{note}: every section of the newer layout to fill in, origin {date:%Y%m%d}"
