"""The content model: frozen, typed values that every later stage trusts."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from foresite.core.text import fold


class Kind(enum.Enum):
    """The kinds of table row an article holds, in the order pages show them."""

    SIGNAL = "signal"
    BEHAVIOR = "behavior"
    ISSUE = "issue"
    TECHNOLOGY = "technology"
    CONCERN = "concern"

    @property
    def plural(self) -> str:
        return "technologies" if self is Kind.TECHNOLOGY else self.value + "s"

    @property
    def section(self) -> str:
        """The `## ` heading that holds this kind's table."""
        return self.plural.capitalize()

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def label_plural(self) -> str:
        return self.plural.capitalize()


class TagKind(enum.Enum):
    KEYWORD = "keyword"
    THEME = "theme"
    CATEGORY = "category"
    TYPE = "type"

    @property
    def plural(self) -> str:
        return "categories" if self is TagKind.CATEGORY else self.value + "s"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def label_plural(self) -> str:
        return self.plural.capitalize()


@dataclass(frozen=True)
class Tag:
    """A keyword, theme, category or type; spellings that fold alike are one tag."""

    kind: TagKind
    key: str
    """The folded spelling (text.fold) that identifies the tag."""
    label: str
    """The most frequent spelling."""
    slug: str


@dataclass(frozen=True)
class Entry:
    """One row of one of an article's tables: a signal, behavior, issue, ..."""

    kind: Kind
    article_id: str
    slug: str
    """Unique among the article's rows of this kind; part of the permalink."""
    name: str
    """The row's name; for unnamed technology rows, the start of the description."""
    has_name: bool
    description: str = ""
    change: str = ""
    outlook: str = ""
    """The signal's 10-year horizon."""
    driving_force: str = ""
    relevancy: int | None = None
    extra: tuple[tuple[str, str], ...] = ()
    """Cells of columns the format does not define, as (header, value)."""
    line: int = 0
    key: str = ""
    """The folded name (text.fold) under which rows of one kind are the same
    row seen again. Folded once, where the row is made (on the parse
    workers): folding on every look-up overflowed any cache at 10,000
    articles, and 222,000 rows."""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", fold(self.name))


@dataclass(frozen=True)
class ClosestLink:
    title: str
    target: str
    """The id of the article linked to, as written; it may not exist."""
    line: int = 0


@dataclass(frozen=True)
class Article:
    id: str
    slug: str
    """Permalink segment derived from the id."""
    path: str
    """The source file, as shown in messages."""
    title: str
    date: datetime.date | None
    origin: str
    """The newsletter issue the article was scanned for, as written."""
    origin_url: str
    source_url: str
    language: str
    category: str
    type: str
    keywords: tuple[str, ...]
    themes: tuple[str, ...]
    summary: str
    """Markdown; becomes HTML only in the render stage."""
    entries: tuple[Entry, ...]
    closest: tuple[ClosestLink, ...]
    layout: str
    """'older' or 'newer' section layout (FORMAT.md)."""
    draft: bool = False
    summary_line: int = 0
    """The line the Summary's text starts on, for messages about its links."""

    def entries_of(self, kind: Kind) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind is kind)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


@dataclass(frozen=True)
class HandwrittenPage:
    """A page an editor wrote (`pages:` in site.yml): markdown shown as it is,
    never an article."""

    relpath: str
    """The file, relative to the content folder: 'analyses/topics/x/x.md'."""
    path: str
    """The file, as shown in messages."""
    title: str
    description: str
    language: str
    body: str
    """Markdown; becomes HTML only in the render stage."""
    body_line: int
    """The line of the file the body starts on, for messages."""
    plain: bool = False
    """Whether the body is too costly for markdown and is shown as plain text."""
