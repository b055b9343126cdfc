"""Parsing, one variant of FORMAT.md per case; message text is interface."""

from __future__ import annotations

import datetime

import pytest

from foresite.core.model import Kind
from foresite.source.parse import decode, origin_date, parse_article, split_row

TODAY = datetime.date(2026, 11, 24)

NEW_SIGNALS = """| name | description | change | 10-year | driving-force | relevancy |
|:-----|:------------|:-------|:--------|:--------------|----------:|
| Rise of Things | Things rise. | From few to many. | Things everywhere. | Cheap parts. | 4 |
| Fall of Stuff | Stuff falls. | From many to few. | Stuff is rare. | Taste. | 3 |"""

OLD_SIGNALS = """| Signal | Change | 10y horizon | Driving force |
|:-------|:-------|:------------|:--------------|
| Old one | Social | Broader | Curiosity |"""


def article(body: str, header: str = "# __A Title__, (from page [20231111](https://x.example/p/20231111).)") -> str:
    return f"{header}\n\n__[External link](https://example.org/a)__\n\n\n\n{body}"


def parse(text: str, article_id: str = "abc"):
    return parse_article(text, "content/abc.md", article_id, TODAY)


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


@pytest.mark.parametrize(
    ("header", "title", "origin", "date"),
    [
        ("# __A Title__, (from page [20231111](https://x.example/p/20231111).)", "A Title", "20231111", datetime.date(2023, 11, 11)),
        ("# __A Title__, from ([20220711](https://x.example/p/20220711).)", "A Title", "20220711", datetime.date(2022, 7, 11)),
        ("# __lower: ’quoted’ €5 at 30°C__, (from page [20250511d](https://x.example/p/20250511d).)", "lower: ’quoted’ €5 at 30°C", "20250511d", datetime.date(2025, 5, 11)),
        ("# __Review__, (from page [20251231-a-yearly-review](https://x.example/p/20251231-a-yearly-review).)", "Review", "20251231-a-yearly-review", datetime.date(2025, 12, 31)),
        ("# __Spaced__, (from page [20250504 ](https://x.example/p/20250504 ).)", "Spaced", "20250504", datetime.date(2025, 5, 4)),
        ("# __Numbered__, from ([4320.0](https://x.example/p/4320.0).)", "Numbered", "4320.0", None),
    ],
)
def test_header_forms_and_origins(header: str, title: str, origin: str, date: datetime.date | None) -> None:
    result = parse(article("## Summary\n\nText.", header))
    assert result.article is not None
    assert (result.article.title, result.article.origin, result.article.date) == (title, origin, date)


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("20250511d", datetime.date(2025, 5, 11)),
        ("20251231-a-yearly-review", datetime.date(2025, 12, 31)),
        ("4320.0", None),
        ("15526.0", None),
        ("20251341", None),
        (" 20250504 ", datetime.date(2025, 5, 4)),
        ("202505111", None),
    ],
)
def test_origin_date(origin: str, expected: datetime.date | None) -> None:
    assert origin_date(origin) == expected


def test_missing_date_and_future_date_warn() -> None:
    undated = parse(article("## Summary\n\nText.", "# __N__, from ([4320.0](https://x.example/p/4320.0).)"))
    assert messages(undated) == [
        "content/abc.md:1: warning: no date: the origin '4320.0' holds none; add 'date: YYYY-MM-DD' front matter"
    ]
    future = parse(article("## Summary\n\nText.", "# __F__, from ([20290911](https://x.example/p/20290911).)"))
    assert future.article.date == datetime.date(2029, 9, 11)
    assert messages(future) == ["content/abc.md:1: warning: date 2029-09-11 lies in the future"]


def test_source_url_with_parentheses() -> None:
    text = "# __T__, from ([20220711](https://x.example/p/1).)\n\n__[External link](https://en.wikipedia.org/wiki/Echopraxia_(novel))__\n\n## Summary\n\nS."
    assert parse(text).article.source_url == "https://en.wikipedia.org/wiki/Echopraxia_(novel)"


def test_newer_layout_all_tables() -> None:
    body = f"""## Keywords

* alpha
* Beta

## Themes

* gamma

## Other

* Category: technology
* Type: blog post

## Summary

One paragraph.

## Signals

{NEW_SIGNALS}

## Concerns

| name | description | relevancy |
|:-----|:------------|----------:|
| Worry | A worry. | 5 |

## Behaviors

| name | description | relevancy |
|:-----|:------------|----------:|
| Habit | A habit. | 2 |

## Technologies

| description | relevancy | src |
|:------------|----------:|:----|
| A tool that does a thing for people who need it. | 4 | abc |

## Issues

| name | description | relevancy |
|:-----|:------------|----------:|
| Problem | A problem. | 3 |"""
    result = parse(article(body))
    a = result.article
    assert messages(result) == []
    assert (a.keywords, a.themes, a.category, a.type, a.layout) == (("alpha", "Beta"), ("gamma",), "technology", "blog post", "newer")
    assert [len(a.entries_of(k)) for k in Kind] == [2, 1, 1, 1, 1]
    signal = a.entries_of(Kind.SIGNAL)[0]
    assert (signal.name, signal.change, signal.outlook, signal.driving_force, signal.relevancy) == (
        "Rise of Things", "From few to many.", "Things everywhere.", "Cheap parts.", 4)
    technology = a.entries_of(Kind.TECHNOLOGY)[0]
    assert not technology.has_name and technology.name == "A tool that does a thing for people who need it"
    assert technology.relevancy == 4


def test_older_layout_with_closest_self_links_and_duplicates() -> None:
    body = f"""## Summary

Old text.

## Keywords

* k

## Themes

* t

## Signals

{OLD_SIGNALS}

## Closest

* [Me](abc)
* [Other](def456)
* [Me again](abc)
* [Other again](def456)"""
    a = parse(article(body)).article
    assert a.layout == "older"
    signal = a.entries[0]
    assert (signal.name, signal.description, signal.change, signal.outlook, signal.relevancy) == ("Old one", "", "Social", "Broader", None)
    assert [(c.title, c.target) for c in a.closest] == [("Other", "def456")]


@pytest.mark.parametrize(
    ("columns", "row", "field", "value"),
    [
        ("| name | description |", "| N | D |", "description", "D"),
        ("| name | description | relevancy |", "| N | D | 5 |", "relevancy", 5),
        ("| description | relevancy | src |", "| Described | 3 | abc |", "name", "Described"),
    ],
)
def test_column_sets(columns: str, row: str, field: str, value: object) -> None:
    width = columns.count("|") - 1
    table = f"{columns}\n|{'---|' * width}\n{row}"
    result = parse(article(f"## Summary\n\nS.\n\n## Technologies\n\n{table}"))
    assert getattr(result.article.entries[0], field) == value
    assert messages(result) == []


def test_letter_split_keywords_are_rejoined_with_a_warning() -> None:
    letters = "".join(f"* {ch}\n" for ch in "silk dress,cryptogram")
    result = parse(article(f"## Summary\n\nS.\n\n## Keywords\n\n{letters}\n## Themes\n\n* t"))
    assert result.article.keywords == ("silk dress", "cryptogram")
    assert messages(result) == [
        "content/abc.md:13: warning: Keywords were split one letter per bullet; rejoined as silk dress, cryptogram"
    ]


def test_front_matter_sets_and_overrides() -> None:
    text = """---
title: "Hand: written"
date: 2024-02-03
source: https://example.org/hand
language: fr
category: health
type: news
draft: true
---
# __Ignored title__, (from page [20231111](https://x.example/p/20231111).)

## Summary

Texte.

## Other

* Category: technology"""
    result = parse(text, "hand-written")
    a = result.article
    assert messages(result) == []
    assert (a.title, a.date, a.source_url, a.language, a.category, a.type, a.draft) == (
        "Hand: written", datetime.date(2024, 2, 3), "https://example.org/hand", "fr", "health", "news", True)
    assert a.slug == "hand-written"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("titel: x\ntitle: T", "content/abc.md:2: warning: unknown front-matter key 'titel'; did you mean 'title'?; ignored"),
        ("title: T\ndate: 2023-13-45", "content/abc.md:3: warning: front-matter key 'date' has an unusable value '2023-13-45'; ignored"),
        ("title: T\ndraft: maybe", "content/abc.md:3: warning: front-matter key 'draft' has an unusable value 'maybe'; ignored"),
    ],
)
def test_front_matter_warnings(front: str, expected: str) -> None:
    result = parse(f"---\n{front}\n---\n## Summary\n\nS.")
    assert expected in messages(result)
    assert result.article is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: [unclosed\n---\n## Summary\n\nS.", "content/abc.md:2: error: front matter is not valid YAML"),
        ("---\n- a\n- b\n---\n## Summary\n\nS.", "content/abc.md:2: error: front matter must be 'key: value' lines, not a list"),
        ("---\ntitle: T\n## Summary\n\nS.", "content/abc.md:1: error: front matter opened with '---' is never closed with a '---' line"),
        ("## Summary\n\nNo title here.", "content/abc.md:1: error: no title"),
        ("", "content/abc.md:1: error: no title"),
    ],
)
def test_files_that_are_not_articles(text: str, expected: str) -> None:
    result = parse(text)
    assert result.article is None
    assert any(m.startswith(expected) for m in messages(result)), messages(result)


def test_yaml_bomb_and_deep_nesting_are_located_errors_or_ignored() -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: *c\n---\n## Summary\n\nS."
    result = parse(bomb)
    assert result.article is None  # no usable title: left out, not exploded
    deep = "---\ntitle: " + "[" * 2000 + "]" * 2000 + "\n---\n## Summary\n\nS."
    assert parse(deep).article is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "content/abc.md:1: error: binary file (it holds NUL bytes); left out"),
        (b"# __T__\nline two\n\xff\xfe bad", "content/abc.md:3: error: not UTF-8 (byte 0xff); left out"),
    ],
)
def test_decode_rejects_binary_and_invalid_utf8(data: bytes, expected: str) -> None:
    text, problems = decode(data, "content/abc.md")
    assert text is None and [str(p) for p in problems] == [expected]


def test_bom_and_line_endings() -> None:
    body = article("## Summary\n\nS.\n\n## Keywords\n\n* one\n* two")
    for encoded in (body.encode(), ("\ufeff" + body).encode(), body.replace("\n", "\r\n").encode(), body.replace("\n", "\r").encode()):
        text, problems = decode(encoded, "content/abc.md")
        result = parse(text)
        assert problems == () and result.article.keywords == ("one", "two")
        assert result.article.title == "A Title"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("| name | relevence |\n|---|---|\n| N | 3 |", "content/abc.md:13: warning: Signals: unknown column 'relevence'; did you mean 'relevancy'?; shown as is"),
        ("| name | description |\n|---|---|\n| N | D | extra |", "content/abc.md:15: warning: Signals: row has 3 cells, the header has 2"),
        ("| name | description |\n| N | D |", "content/abc.md:13: warning: Signals: the table has no alignment row (|:---|---:|) under its header"),
        ("| name | relevancy |\n|---|---:|\n| N | 9 |", "content/abc.md:15: warning: Signals: relevancy '9' is outside 1–5; left blank"),
        ("| name | relevancy |\n|---|---:|\n| N | abc |", "content/abc.md:15: warning: Signals: relevancy 'abc' is not a number from 1 to 5; left blank"),
        ("| name | description |\n|---|---|", "content/abc.md:13: warning: Signals: the table has a header but no rows"),
    ],
)
def test_table_problems(table: str, expected: str) -> None:
    result = parse(article(f"## Summary\n\nS.\n\n## Signals\n\n{table}"))
    assert expected in messages(result), messages(result)
    assert result.article is not None


def test_unknown_and_duplicate_sections() -> None:
    result = parse(article("## Summary\n\nS.\n\n## Signal\n\nx\n\n## Keywords\n\n* a\n\n## Keywords\n\n* b"))
    assert messages(result) == [
        "content/abc.md:11: warning: unknown section 'Signal'; did you mean 'Signals'?; its content is left out",
        "content/abc.md:19: warning: section 'Keywords' appears again (first at line 15); its content is added to the first",
    ]
    assert result.article.keywords == ("a", "b")


def test_rows_with_the_same_name_get_distinct_slugs() -> None:
    table = "| name | description |\n|---|---|\n| Same | one |\n| Same | two |\n| same! | three |"
    entries = parse(article(f"## Summary\n\nS.\n\n## Issues\n\n{table}")).article.entries
    assert [e.slug for e in entries] == ["same", "same-2", "same-3"]


def test_split_row_keeps_escaped_bars() -> None:
    assert split_row("| a \\| b | c |") == ["a | b", "c"]


@pytest.mark.parametrize(
    ("title", "summary", "language"),
    [
        ("L'essor des clones numériques chez les influenceurs", "Les entreprises se tournent vers ces clones.", "fr"),
        ("The rise of digital clones", "Brands turn to clones for their live shows.", "en"),
    ],
)
def test_language_is_detected(title: str, summary: str, language: str) -> None:
    text = f"# __{title}__, (from page [20231111](https://x.example/p/1).)\n\n## Summary\n\n{summary}"
    assert parse(text).article.language == language


def test_a_row_in_another_language_than_its_article_is_marked_with_its_own() -> None:
    text = (
        "# __Les fermes d'algues changent d'échelle__, (from page [20240612](https://x.example/p/20240612).)\n\n"
        "## Summary\n\nLes fermes d'algues en mer se multiplient le long des côtes, portées par la demande.\n\n"
        "## Signals\n\n| name | description | relevancy |\n|---|---|---|\n"
        "| Algae as Food | Seaweed enters the dishes of the coast and is a staple of the region | 5 |\n"
        "| Algues au menu | Les algues entrent dans les plats de la côte | 4 |\n"
        "| Kelp | Tidal | 3 |\n"
    )
    result = parse(text)
    assert result.article.language == "fr"
    # English words get their own language; French ones and rows too short to tell keep the article's.
    assert [e.language for e in result.article.entries] == ["en", "", ""]
