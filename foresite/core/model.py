"""The content model: frozen, typed values that every later stage trusts."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from typing import Literal

from foresite.core.text import fold


class _Labelled:
    """A kind named on pages: 'Signal', 'Signals' (from `value` and `plural`)."""

    value: str

    @property
    def plural(self) -> str:
        return self.value + "s"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def label_plural(self) -> str:
        return self.plural.capitalize()


class Kind(_Labelled, enum.Enum):
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


class TagKind(_Labelled, enum.Enum):
    KEYWORD = "keyword"
    THEME = "theme"
    CATEGORY = "category"
    TYPE = "type"

    @property
    def plural(self) -> str:
        return "categories" if self is TagKind.CATEGORY else self.value + "s"


ColumnRole = Literal["name", "text", "relevancy", "dropped"]
"""What a column's cells become: the row's name, a text cell, its relevancy
(a whole number 1–5), or nothing (read so that it is not an unknown column)."""


@dataclass(frozen=True)
class Column:
    """One column of the scan's tables. ROW_COLUMNS below is the one list of
    them: the parser, the pages, the open data and `new` all follow it."""

    key: str
    """Its name in code and in the open data: 'driving_force'."""
    header: str
    """Its header as `new` writes it and a "did you mean" suggests it: 'driving-force'."""
    label: str
    """Its header on pages: 'Driving force'."""
    meaning: str
    """What it holds, for the open data's schema and its "About the data" page."""
    role: ColumnRole = "text"
    spellings: tuple[str, ...] = ()
    """Other headers read as this column, as text.fold folds them."""
    new_in: tuple[Kind, ...] = tuple(Kind)
    """The tables `new` writes it in."""


ROW_COLUMNS = (
    Column("name", "name", "Name", "The row's name; for rows of a table without names, the start of the description.", role="name", spellings=("signal",)),
    Column("description", "description", "Description", "Description; '' when absent."),
    Column("change", "change", "Change", "Signals: the change it points to; '' when absent.", new_in=(Kind.SIGNAL,)),
    Column("outlook", "10-year", "10-year outlook", "Signals: the 10-year horizon; '' when absent.", spellings=("10y horizon", "10 year horizon", "10 year outlook"), new_in=(Kind.SIGNAL,)),
    Column("driving_force", "driving-force", "Driving force", "Signals: the driving force; '' when absent.", new_in=(Kind.SIGNAL,)),
    Column("relevancy", "relevancy", "Relevancy", "Relevancy from 1 to 5; null when the table has none.", role="relevancy"),
    Column("src", "src", "Source", "Technology tables without names: the article's own id; read, not kept.", role="dropped", new_in=()),
)
"""Every column the tables of FORMAT.md hold, in the order pages, the open
data and `new` give them. A new column is one more line here; only a value
that is not plain text needs parsing of its own (source/parse.py)."""

TEXT_COLUMNS = tuple(c for c in ROW_COLUMNS if c.role == "text")
"""The columns whose cells a row holds as text (Entry.cells), in order."""
_TEXT_PLACE = {c.key: n for n, c in enumerate(TEXT_COLUMNS)}


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
    cells: tuple[str, ...] = ()
    """Its cells of TEXT_COLUMNS, in their order, without the empty ones at
    the end (most rows fill only the first: one tuple, not a field each)."""
    relevancy: int | None = None
    extra: tuple[tuple[str, str], ...] = ()
    """Cells of columns the format does not define, as (header, value)."""
    line: int = 0
    token: str = ""
    """Set by the index only when another article's id gives the same short
    token (urls.article_token): the longer one that keeps this row's
    address its own."""
    key: str = ""
    """The folded name (text.fold) under which rows of one kind are the same
    row seen again. Folded once, where the row is made (on the parse
    workers): folding on every look-up overflowed any cache at 10,000
    articles, and 222,000 rows."""
    language: str = ""
    """The row's own language where its words are in another than its
    article's (an English row of a French article); '' where they are not."""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", fold(self.name))

    def text(self, key: str) -> str:
        """Its cell of the text column `key`; '' when empty."""
        place = _TEXT_PLACE[key]
        return self.cells[place] if place < len(self.cells) else ""

    def value(self, column: Column) -> str | int | None:
        """Its value in `column`, whatever the column's role."""
        if column.role == "text":
            return self.text(column.key)
        if column.role == "name":
            return self.name
        if column.role == "relevancy":
            return self.relevancy
        return ""

    @property
    def description(self) -> str:
        return self.text("description")

    @property
    def change(self) -> str:
        return self.text("change")

    @property
    def outlook(self) -> str:
        """The signal's 10-year horizon."""
        return self.text("outlook")

    @property
    def driving_force(self) -> str:
        return self.text("driving_force")


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
