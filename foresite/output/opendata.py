"""Open data: the whole scan as JSON, one CSV per kind of row, and a JSON Schema.

One table of fields below feeds the JSON, the CSV, the schema and the
"About the data" page, so the documentation cannot drift from the files.
Ids match the pages: an article's id is its file name (its page is
articles/<slug>/), a row's id is the last part of its page's URL.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from foresite.core.config import Settings
from foresite.core.model import ROW_COLUMNS, Article, Column, Entry, Kind
from foresite.core.urls import absolute, article_url, data_file_url, entry_key, entry_url
from foresite.index.site_index import SiteIndex

ARTICLES_FILE = "articles.json"
SCHEMA_FILE = "schema.json"


Subject = TypeVar("Subject", Article, Entry)


@dataclass(frozen=True)
class Field(Generic[Subject]):
    """One field of the open data: its name, how it looks, what it means and
    where its value comes from, declared once for the JSON, the CSV, the
    schema and the "About the data" page."""

    name: str
    type: str
    """A key of _TYPES: how the value looks."""
    description: str
    value: Callable[[Subject, Settings], object]
    """Its value in the record of an article or a row."""


# (JSON Schema, label on the About page) of each field type.
_TYPES: dict[str, tuple[dict[str, object], str]] = {
    "text": ({"type": "string"}, "text"),
    "url": ({"type": ["string", "null"]}, "URL or null"),
    "date": ({"type": ["string", "null"], "format": "date"}, "date (YYYY-MM-DD) or null"),
    "relevancy": ({"type": ["integer", "null"], "minimum": 1, "maximum": 5}, "whole number 1–5 or null"),
    "texts": ({"type": "array", "items": {"type": "string"}}, "list of text"),
    "boolean": ({"type": "boolean"}, "true or false"),
    "kind": ({"enum": [k.value for k in Kind]}, " · ".join(k.value for k in Kind)),
    "extra": ({"type": "object", "additionalProperties": {"type": "string"}}, "object of text"),
    "closest": (
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "title": {"type": "string"}},
                "required": ["id", "title"],
                "additionalProperties": False,
            },
        },
        "list of {id, title}",
    ),
    "rows": ({"type": "array", "items": {"$ref": "#/$defs/row"}}, "list of rows (below)"),
}

ARTICLE_FIELDS: tuple[Field[Article], ...] = (
    Field("id", "text", "The article's id: its file name in content/ without '.md'. Stable.", lambda a, s: a.id),
    Field("path", "text", "Its page, relative to the site's root (articles/<slug>/).", lambda a, s: article_url(a)),
    Field("url", "url", "Its page's full address; null when the site was built without a base URL.", lambda a, s: _full(s, article_url(a))),
    Field("title", "text", "The title, as written.", lambda a, s: a.title),
    Field("date", "date", "The date of the newsletter issue it was scanned for; null when the origin holds no date.", lambda a, s: _date(a)),
    Field("origin", "text", "That issue, as written (normally YYYYMMDD).", lambda a, s: a.origin),
    Field("origin_url", "text", "The issue's address, as written; '' when absent.", lambda a, s: a.origin_url),
    Field("source_url", "text", "The scanned article's address, as written; '' when absent.", lambda a, s: a.source_url),
    Field("language", "text", "Language code of the article's text (en, fr, …).", lambda a, s: a.language),
    Field("category", "text", "Its category (technology, science, …); '' when absent.", lambda a, s: a.category),
    Field("type", "text", "Its type (blog post, news, research article); '' when absent.", lambda a, s: a.type),
    Field("keywords", "texts", "Keywords, in the article's order.", lambda a, s: list(a.keywords)),
    Field("themes", "texts", "Themes, in the article's order.", lambda a, s: list(a.themes)),
    Field("summary", "text", "The summary, as written (markdown).", lambda a, s: a.summary),
    Field("closest", "closest", "Its 'Closest' links as written: ids may repeat, be its own, or name no article here.", lambda a, s: [{"id": link.target, "title": link.title} for link in a.closest]),
    Field("rows", "rows", "Its table rows: signals, behaviors, issues, technologies and concerns.", lambda a, s: [row_record(e, s) for e in a.entries]),
)


def _column_fields(column: Column) -> tuple[Field[Entry], ...]:
    """What a column of model.ROW_COLUMNS gives a row record."""
    if column.role == "dropped":
        return ()
    field = Field[Entry](column.key, "relevancy" if column.role == "relevancy" else "text", column.meaning, lambda e, s: e.value(column))
    if column.role != "name":
        return (field,)
    return field, Field("has_name", "boolean", "False when the table had no name column and 'name' was made from the description.", lambda e, s: e.has_name)


ROW_FIELDS: tuple[Field[Entry], ...] = (
    Field("kind", "kind", "Which table the row comes from.", lambda e, s: e.kind.value),
    # No "path": it is <kind plural>/<id>/, written out 66,000 times at 3,000 articles.
    Field("id", "text", "Unique among rows of its kind; its page is <kind plural>/<id>/ from the site's root. Stable.", lambda e, s: entry_key(e)),
    Field("url", "url", "Its page's full address; null when the site was built without a base URL.", lambda e, s: _full(s, entry_url(e))),
    *(field for column in ROW_COLUMNS for field in _column_fields(column)),
    Field("extra", "extra", "Cells of columns the format does not define, by column header.", lambda e, s: dict(e.extra)),
)

ARTICLE_COLUMNS: tuple[Field[Article], ...] = (
    Field("article_id", "text", "The id of the row's article (see articles.json).", lambda a, s: a.id),
    Field("article_title", "text", "That article's title.", lambda a, s: a.title),
    Field("article_date", "date", "That article's date, YYYY-MM-DD; empty when undated.", lambda a, s: _date(a) or ""),
)
"""The CSV's columns about a row's article."""
CSV_EXTRA = Field[Entry]("extra", "text", "Other columns, as a JSON object; empty when none.", lambda e, s: _extra_json(e))
CSV_COLUMNS: tuple[Field[Any], ...] = (
    *(f for f in ROW_FIELDS if f.name not in ("kind", "extra")),
    *ARTICLE_COLUMNS,
    CSV_EXTRA,
)

# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def type_label(field: Field[Any]) -> str:
    return _TYPES[field.type][1]


def csv_name(kind: Kind) -> str:
    return f"{kind.plural}.csv"


def data_files(index: SiteIndex, settings: Settings) -> Iterator[tuple[str, bytes]]:
    """(output path, bytes) of every open data file."""
    yield data_file_url(ARTICLES_FILE), articles_json(index, settings)
    yield data_file_url(SCHEMA_FILE), schema_json(settings)
    for kind in Kind:
        yield data_file_url(csv_name(kind)), kind_csv(kind, index, settings)


def articles_json(index: SiteIndex, settings: Settings) -> bytes:
    """The whole scan, one article per line, made one article at a time:
    as one document it held 200 MB at 3,000 articles, while the render
    workers were forked beside it."""
    head: dict[str, object] = {"title": settings.title, "description": settings.description, "base_url": settings.base_url or None, "articles": []}
    text = _json_text(head)
    assert text.endswith("[]}")
    records = [_json_text(article_record(a, settings)).encode("utf-8") for a in index.articles]
    if not records:
        return (text + "\n").encode("utf-8")
    return text[:-2].encode("utf-8") + b"\n" + b",\n".join(records) + b"]}\n"


def article_record(article: Article, settings: Settings) -> dict[str, object]:
    return {field.name: field.value(article, settings) for field in ARTICLE_FIELDS}


def row_record(entry: Entry, settings: Settings) -> dict[str, object]:
    return {field.name: field.value(entry, settings) for field in ROW_FIELDS}


def _date(article: Article) -> str | None:
    return article.date.isoformat() if article.date else None


def _extra_json(entry: Entry) -> str:
    return json.dumps(dict(entry.extra), ensure_ascii=False, sort_keys=True) if entry.extra else ""


def _full(settings: Settings, path: str) -> str | None:
    return absolute(settings.base_url, path) if settings.base_url else None


def kind_csv(kind: Kind, index: SiteIndex, settings: Settings) -> bytes:
    """Every row of `kind`, in the order of articles.json."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in CSV_COLUMNS])
    for article in index.articles:
        for entry in article.entries_of(kind):
            writer.writerow([_cell(v) for v in _csv_row(entry, article, settings)])
    # A byte-order mark makes spreadsheets read the file as UTF-8.
    return out.getvalue().encode("utf-8-sig")


def _csv_row(entry: Entry, article: Article, settings: Settings) -> list[object]:
    record = row_record(entry, settings)
    record.update({field.name: field.value(article, settings) for field in ARTICLE_COLUMNS})
    record[CSV_EXTRA.name] = CSV_EXTRA.value(entry, settings)
    return [record[c.name] for c in CSV_COLUMNS]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # Text from content must not become a formula in a spreadsheet (CSV injection).
    return "'" + text if text.startswith(_FORMULA_START) else text


def schema(settings: Settings) -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of articles.json."""
    document: dict[str, object] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{settings.title}: articles.json",
        "description": "Every article of the scan, each with its table rows.",
        "type": "object",
        "properties": {
            "title": {"type": "string", "description": "The site's title."},
            "description": {"type": "string", "description": "The site's description."},
            "base_url": {"type": ["string", "null"], "description": "The address the site was built for."},
            "articles": {"type": "array", "items": {"$ref": "#/$defs/article"}},
        },
        "required": ["title", "description", "base_url", "articles"],
        "additionalProperties": False,
        "$defs": {"article": _object_schema(ARTICLE_FIELDS), "row": _object_schema(ROW_FIELDS)},
    }
    if settings.base_url:
        document = {"$id": absolute(settings.base_url, data_file_url(SCHEMA_FILE)), **document}
    return document


def _object_schema(fields: tuple[Field[Any], ...]) -> dict[str, object]:
    return {
        "type": "object",
        "properties": {f.name: {**_TYPES[f.type][0], "description": f.description} for f in fields},
        "required": [f.name for f in fields],
        "additionalProperties": False,
    }


def schema_json(settings: Settings) -> bytes:
    return (json.dumps(schema(settings), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _json_text(document: object) -> str:
    # One record per line: compact (a fifth smaller than indented at 3,000
    # articles), yet a diff or `head` still shows records one by one. (No
    # '{"id":' can occur inside a JSON string: its quotes are escaped.)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace(',{"id":', ',\n{"id":').replace('[{"id":', '[\n{"id":')
