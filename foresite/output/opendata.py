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
from collections.abc import Iterator
from dataclasses import dataclass

from foresite.core.config import Settings
from foresite.core.model import Article, Entry, Kind
from foresite.core.urls import absolute, article_url, data_file_url, entry_key, entry_url
from foresite.index.site_index import SiteIndex

ARTICLES_FILE = "articles.json"
SCHEMA_FILE = "schema.json"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    """A key of _TYPES: how the value looks."""
    description: str


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

ARTICLE_FIELDS = (
    Field("id", "text", "The article's id: its file name in content/ without '.md'. Stable."),
    Field("path", "text", "Its page, relative to the site's root (articles/<slug>/)."),
    Field("url", "url", "Its page's full address; null when the site was built without a base URL."),
    Field("title", "text", "The title, as written."),
    Field("date", "date", "The date of the newsletter issue it was scanned for; null when the origin holds no date."),
    Field("origin", "text", "That issue, as written (normally YYYYMMDD)."),
    Field("origin_url", "text", "The issue's address, as written; '' when absent."),
    Field("source_url", "text", "The scanned article's address, as written; '' when absent."),
    Field("language", "text", "Language code of the article's text (en, fr, …)."),
    Field("category", "text", "Its category (technology, science, …); '' when absent."),
    Field("type", "text", "Its type (blog post, news, research article); '' when absent."),
    Field("keywords", "texts", "Keywords, in the article's order."),
    Field("themes", "texts", "Themes, in the article's order."),
    Field("summary", "text", "The summary, as written (markdown)."),
    Field("closest", "closest", "Its 'Closest' links as written: ids may repeat, be its own, or name no article here."),
    Field("rows", "rows", "Its table rows: signals, behaviors, issues, technologies and concerns."),
)

ROW_FIELDS = (
    Field("kind", "kind", "Which table the row comes from."),
    # No "path": it is <kind plural>/<id>/, written out 66,000 times at 3,000 articles.
    Field("id", "text", "Unique among rows of its kind; its page is <kind plural>/<id>/ from the site's root. Stable."),
    Field("url", "url", "Its page's full address; null when the site was built without a base URL."),
    Field("name", "text", "The row's name; for rows of a table without names, the start of the description."),
    Field("has_name", "boolean", "False when the table had no name column and 'name' was made from the description."),
    Field("description", "text", "Description; '' when absent."),
    Field("change", "text", "Signals: the change it points to; '' when absent."),
    Field("outlook", "text", "Signals: the 10-year horizon; '' when absent."),
    Field("driving_force", "text", "Signals: the driving force; '' when absent."),
    Field("relevancy", "relevancy", "Relevancy from 1 to 5; null when the table has none."),
    Field("extra", "extra", "Cells of columns the format does not define, by column header."),
)

ARTICLE_COLUMNS = (
    Field("article_id", "text", "The id of the row's article (see articles.json)."),
    Field("article_title", "text", "That article's title."),
    Field("article_date", "date", "That article's date, YYYY-MM-DD; empty when undated."),
)
CSV_COLUMNS = (
    *(f for f in ROW_FIELDS if f.name not in ("kind", "extra")),
    *ARTICLE_COLUMNS,
    Field("extra", "text", "Other columns, as a JSON object; empty when none."),
)

# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def type_label(field: Field) -> str:
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
    path = article_url(article)
    return {
        "id": article.id,
        "path": path,
        "url": _full(settings, path),
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "origin": article.origin,
        "origin_url": article.origin_url,
        "source_url": article.source_url,
        "language": article.language,
        "category": article.category,
        "type": article.type,
        "keywords": list(article.keywords),
        "themes": list(article.themes),
        "summary": article.summary,
        "closest": [{"id": link.target, "title": link.title} for link in article.closest],
        "rows": [row_record(e, settings) for e in article.entries],
    }


def row_record(entry: Entry, settings: Settings) -> dict[str, object]:
    return {
        "kind": entry.kind.value,
        "id": entry_key(entry),
        "url": _full(settings, entry_url(entry)),
        "name": entry.name,
        "has_name": entry.has_name,
        "description": entry.description,
        "change": entry.change,
        "outlook": entry.outlook,
        "driving_force": entry.driving_force,
        "relevancy": entry.relevancy,
        "extra": dict(entry.extra),
    }


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
    record.update(
        article_id=article.id,
        article_title=article.title,
        article_date=article.date.isoformat() if article.date else "",
        extra=json.dumps(record["extra"], ensure_ascii=False, sort_keys=True) if entry.extra else "",
    )
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


def _object_schema(fields: tuple[Field, ...]) -> dict[str, object]:
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
