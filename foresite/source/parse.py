"""Text of one file → one Article, for every variant of FORMAT.md.

Pure: no disk, no other articles. Whatever is odd becomes a located Problem;
only a file that cannot be an article at all (no title, not text, bad front
matter) yields no Article.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field, replace

import yaml

from foresite.core.errors import Problem, error, suggest, warning
from foresite.core.language import detect_language, known_language
from foresite.core.model import ROW_COLUMNS, TEXT_COLUMNS, Article, ClosestLink, Column, Entry, Kind
from foresite.core.text import article_slug, fold, is_markdown_affordable, safe_slug
from foresite.source.read import MAX_FILE_BYTES

MAX_FRONT_MATTER_BYTES = 64 * 1024

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HEADER = re.compile(r"^#\s*__(?P<title>.+)__\s*,?(?P<rest>.*)$")
# No part may run across a '[' or ']': each search stops at the next one, so
# a line of thousands of brackets takes linear time, not quadratic.
_ORIGIN = re.compile(r"\[(?P<origin>[^\[\]]*)\]\((?P<url>[^)\[]*)\)")
_SOURCE = re.compile(r"^__\[(?P<text>[^\]]*)\]\((?P<url>.*)\)__\s*$")
_DATE_PREFIX = re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)")
_BULLET = re.compile(r"^[*\-+] ")
_LINK_BULLET = re.compile(r"^[*\-+]\s+\[(?P<title>.*)\]\((?P<target>[^()\[\]]*)\)\s*$")
_ALIGNMENT_CELL = re.compile(r"^:?-+:?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_RELEVANCY = re.compile(r"^[1-5](?:\.0)?$")
_SURROGATE = re.compile("[\ud800-\udfff]")

SECTIONS = (
    "Keywords",
    "Themes",
    "Other",
    "Summary",
    *(kind.section for kind in Kind),
    "Closest",
)
_SECTION_BY_KEY = {name.lower(): name for name in SECTIONS}
_KIND_BY_SECTION = {kind.section: kind for kind in Kind}

# Column headers, as folded by text.fold, and the columns they name.
COLUMNS = {fold(spelling): column for column in ROW_COLUMNS for spelling in (column.header, *column.spellings)}
_CANONICAL_COLUMNS = tuple(column.header for column in ROW_COLUMNS)

FRONT_MATTER_KEYS = ("title", "date", "source", "language", "category", "type", "draft")

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
"""Dates outside these are typos or tricks (year 1, year 9999): the article
is left undated, so that no time axis spans millennia and no date
arithmetic overflows."""


@dataclass(frozen=True)
class ParseResult:
    article: Article | None
    problems: tuple[Problem, ...]


@dataclass
class _Section:
    name: str
    line: int
    body: list[tuple[int, str]] = field(default_factory=list)


class _Report:
    """Problems of one file, collected in order."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def warn(self, line: int, message: str) -> None:
        self.problems.append(warning(self.path, line, message))

    def fail(self, line: int, message: str) -> None:
        self.problems.append(error(self.path, line, message))


def decode(data: bytes, path: str, size: int = 0) -> tuple[str | None, tuple[Problem, ...]]:
    """Bytes of a file → text, or None with an error saying why. `size` is
    the file's own size where known: reading stops past the limit."""
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1024 // 1024
        # A special file's size says nothing; a regular one's says how far over.
        over = f"{max(size, len(data)) / 1024 / 1024:.1f} MB, over" if size > MAX_FILE_BYTES else "over"
        return None, (error(path, 1, f"file is {over} the {limit} MB limit; left out"),)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, (error(path, 1, "UTF-16 text, not UTF-8; save the file as UTF-8; left out"),)
    if b"\x00" in data[:65536]:
        return None, (error(path, 1, "binary file (it holds NUL bytes); left out"),)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, (error(path, line, f"not UTF-8 (byte 0x{data[exc.start]:02x}); left out"),)
    # Every leading byte-order mark: an editor that adds one to a file that
    # has one already leaves two.
    return text.lstrip("\ufeff"), ()


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them, whatever the line endings."""
    return _LINE_BREAK.split(text)


def parse_article(
    text: str, path: str, article_id: str, today: datetime.date, site_language: str = "en"
) -> ParseResult:
    report = _Report(path)
    lines = split_lines(text)
    meta, body_start = _front_matter(lines, report)
    if meta is None:
        return ParseResult(None, tuple(report.problems))
    title, origin, origin_url, cursor = _header(lines, body_start, meta, report)
    if not title:
        report.fail(cursor or 1, "no title: the file should start with '# __Title__, (from page [YYYYMMDD](url).)' or front matter with 'title:'")
        return ParseResult(None, tuple(report.problems))
    source_url, sections = _body(lines, cursor, report)
    if "language" in meta and meta["language"] is None:
        meta["language"] = site_language  # unknown: warned about above
    article = _assemble(
        article_id, path, title, origin, origin_url, source_url, sections, meta, today, report
    )
    return ParseResult(article, tuple(report.problems))


# ---------------------------------------------------------------- front matter


def _front_matter(lines: list[str], report: _Report) -> tuple[dict[str, object] | None, int]:
    """The validated front matter and the index of the first body line."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        report.fail(1, "front matter opened with '---' is never closed with a '---' line")
        return None, 0
    source = "\n".join(lines[1:end])
    if len(source) > MAX_FRONT_MATTER_BYTES:
        report.fail(1, "front matter is over 64 KB; left out")
        return None, 0
    try:
        data = yaml.load(source, Loader=_LOADER)
        node = yaml.compose(source, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 1
        problem = str(exc.problem or exc).replace("'<stream end>'", "the end of the front matter")
        report.fail(line, f"front matter is not valid YAML: {problem}")
        return None, 0
    except (yaml.YAMLError, RecursionError, MemoryError):
        report.fail(1, "front matter could not be read (too deeply nested or too large)")
        return None, 0
    if data is None:
        return {}, end + 1
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        report.fail(2, f"front matter must be 'key: value' lines, not a {type(data).__name__}")
        return None, 0
    key_lines = {
        key.value: key.start_mark.line + 2
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }
    return _check_front_matter(data, key_lines, report), end + 1


def _check_front_matter(data: dict[object, object], key_lines: dict[str, int], report: _Report) -> dict[str, object]:
    meta: dict[str, object] = {}
    for key, value in data.items():
        name = str(key)
        line = key_lines.get(name, 2)
        if name not in FRONT_MATTER_KEYS:
            report.warn(line, f"unknown front-matter key {_quote(name)}{suggest(name, FRONT_MATTER_KEYS)}; ignored")
            continue
        surrogate = _SURROGATE.search(value) if isinstance(value, str) else None
        if surrogate:
            # Text decoded from UTF-8 has none; YAML's escapes make them, and no page can hold one.
            report.warn(line, f"front-matter key '{name}' holds a lone surrogate (\\u{ord(surrogate[0]):04x}), which is not text; ignored")
            continue
        if name == "language":
            meta[name] = _language(value, line, report)
            continue
        checked = _front_matter_value(name, value)
        if checked is None:
            report.warn(line, f"front-matter key '{name}' has an unusable value {_quote(value)}; ignored")
            continue
        meta[name] = checked
    return meta


def _front_matter_value(name: str, value: object) -> object | None:
    if name == "draft":
        return value if isinstance(value, bool) else None
    if name == "date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                return None
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value).strip()
    return text or None


def _language(value: object, line: int, report: _Report) -> str | None:
    """A known language's code, or None (then the site's language) with a warning."""
    code = known_language(value) if isinstance(value, str) else None
    if code is None:
        report.warn(line, f"language {_quote(value)} is not a known language code (ISO 639-1, such as 'en' or 'fr'); the site's language is used")
    return code


def _quote(value: object) -> str:
    if isinstance(value, (list, dict, set, tuple)):
        return f"(a {type(value).__name__})"  # never repr: it may nest a thousand deep
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------- header


def _header(
    lines: list[str], start: int, meta: dict[str, object], report: _Report
) -> tuple[str, str, str, int]:
    """Title, origin and origin URL from the first line; the next line index."""
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index >= len(lines) or not lines[index].startswith("#") or lines[index].startswith("##"):
        return str(meta.get("title", "")), "", "", index
    line_no = index + 1
    raw = lines[index].strip()
    match = _HEADER.match(raw)
    title, origin, origin_url = "", "", ""
    if match:
        title = match["title"].strip()
        found = _ORIGIN.search(match["rest"])
        if found:
            origin, origin_url = found["origin"].strip(), found["url"].strip()
        elif "title" not in meta:
            report.warn(line_no, "header names no origin such as '(from page [20231111](url).)'")
    else:
        title = raw.lstrip("#").strip().strip("_").strip()
        if "title" not in meta:
            report.warn(line_no, f"header {_quote(raw)} is not in the form '# __Title__, (from page [YYYYMMDD](url).)'")
    title = str(meta.get("title", title))
    return title, origin, origin_url, index + 1


# ---------------------------------------------------------------- body


def _body(lines: list[str], start: int, report: _Report) -> tuple[str, dict[str, _Section]]:
    """The source URL and the sections by name, merging duplicates."""
    source_url = ""
    sections: dict[str, _Section] = {}
    current: _Section | None = None
    for index in range(start, len(lines)):
        line_no, line = index + 1, lines[index]
        if line.startswith("## "):
            current = _open_section(line[3:].strip(), line_no, sections, report)
            continue
        if current is not None:
            current.body.append((line_no, line))
            continue
        stripped = line.strip()
        if not stripped:
            continue
        match = _SOURCE.match(stripped)
        if match and not source_url:
            source_url = match["url"].strip()
        else:
            report.warn(line_no, f"text before the first section is ignored: {_quote(stripped)}")
    return source_url, sections


def _open_section(title: str, line_no: int, sections: dict[str, _Section], report: _Report) -> _Section:
    name = _SECTION_BY_KEY.get(title.lower())
    if name is None:
        report.warn(line_no, f"unknown section {_quote(title)}{suggest(title, SECTIONS)}; its content is left out")
        return _Section(title, line_no)  # collects the left-out lines, stored nowhere
    if name in sections:
        first = sections[name].line
        report.warn(line_no, f"section '{name}' appears again (first at line {first}); its content is added to the first")
        return sections[name]
    sections[name] = _Section(name, line_no)
    return sections[name]


def _assemble(
    article_id: str,
    path: str,
    title: str,
    origin: str,
    origin_url: str,
    source_url: str,
    sections: dict[str, _Section],
    meta: dict[str, object],
    today: datetime.date,
    report: _Report,
) -> Article:
    keywords = _terms(sections.get("Keywords"), report)
    themes = _terms(sections.get("Themes"), report)
    other = _other(sections.get("Other"), report)
    summary = _summary(sections.get("Summary"), report)
    entries = tuple(
        entry
        for kind in Kind
        for entry in _table(sections.get(kind.section), kind, article_id, report)
    )
    closest = _closest(sections.get("Closest"), article_id, report)
    line_of_header = 1
    language = str(meta.get("language") or detect_language(f"{title}. {summary}"))
    entries = tuple(_in_own_language(entry, language) for entry in entries)
    layout = "older" if "Closest" in sections or "Other" not in sections else "newer"
    return Article(
        id=article_id,
        slug=article_slug(article_id),
        path=path,
        title=title,
        date=_date(origin, meta, today, line_of_header, report),
        origin=origin,
        origin_url=origin_url,
        source_url=str(meta.get("source", source_url)),
        language=language,
        category=str(meta.get("category", other.get("category", ""))),
        type=str(meta.get("type", other.get("type", ""))),
        keywords=keywords,
        themes=themes,
        summary=summary,
        entries=entries,
        closest=closest,
        layout=layout,
        draft=bool(meta.get("draft", False)),
        summary_line=_first_body_line(sections.get("Summary")),
    )


def _first_body_line(section: _Section | None) -> int:
    if section is None:
        return 0
    return next((line_no for line_no, text in section.body if text.strip()), section.line)


def _date(
    origin: str, meta: dict[str, object], today: datetime.date, line: int, report: _Report
) -> datetime.date | None:
    date = meta.get("date")
    if not isinstance(date, datetime.date):
        date = origin_date(origin)
    if date is None:
        report.warn(line, f"no date: the origin {_quote(origin)} holds none; add 'date: YYYY-MM-DD' front matter")
    elif not EARLIEST_DATE <= date <= LATEST_DATE:
        report.warn(line, f"date {date.isoformat()} is outside the years {EARLIEST_DATE.year}–{LATEST_DATE.year}; the article is left undated")
        return None
    elif date > today:
        report.warn(line, f"date {date.isoformat()} lies in the future")
    return date


def origin_date(origin: str) -> datetime.date | None:
    """The date an origin such as '20250511d' names, if it names a real one."""
    match = _DATE_PREFIX.match(origin.strip())
    if not match:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


# ---------------------------------------------------------------- lists


def _bullets(section: _Section | None, report: _Report) -> list[tuple[int, str]]:
    """(line, text) of each `* ` bullet; other text is reported."""
    if section is None:
        return []
    items: list[tuple[int, str]] = []
    for line_no, line in section.body:
        if _BULLET.match(line):
            items.append((line_no, line[2:]))
        elif line.strip():
            report.warn(line_no, f"{section.name}: expected '* item', got {_quote(line.strip())}; ignored")
    return items


def _terms(section: _Section | None, report: _Report) -> tuple[str, ...]:
    items = _bullets(section, report)
    if section is None or not items:
        return ()
    if _is_letter_split(items):
        # The list was a comma-separated string taken one character per bullet.
        joined = "".join(text.rstrip("\n")[:1] or " " for _, text in items)
        terms = tuple(t.strip() for t in joined.split(",") if t.strip())
        report.warn(items[0][0], f"{section.name} were split one letter per bullet; rejoined as {', '.join(terms)[:120]}")
        return _unique(terms)
    return _unique(tuple(text.strip() for _, text in items if text.strip()))


def _is_letter_split(items: list[tuple[int, str]]) -> bool:
    short = sum(1 for _, text in items if len(text.strip()) <= 1)
    return len(items) >= 4 and short >= 0.8 * len(items)


def _unique(terms: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for term in terms:
        key = fold(term)
        if key and key not in seen:
            seen.add(key)
            kept.append(term)
    return tuple(kept)


def _other(section: _Section | None, report: _Report) -> dict[str, str]:
    found: dict[str, str] = {}
    for line_no, text in _bullets(section, report):
        key, sep, value = text.partition(":")
        name = key.strip().lower()
        if sep and name in ("category", "type") and value.strip():
            found[name] = value.strip()
        else:
            report.warn(line_no, f"Other: expected 'Category: …' or 'Type: …', got {_quote(text.strip())}")
    return found


def _summary(section: _Section | None, report: _Report) -> str:
    if section is None:
        report.warn(1, "no Summary section")
        return ""
    text = "\n".join(line for _, line in section.body).strip()
    if not text:
        report.warn(section.line, "the Summary section is empty")
    elif not is_markdown_affordable(text):
        report.warn(section.line, "the Summary is too long or too full of '[' and '<' for markdown; it is shown as plain text")
    return text


def _closest(section: _Section | None, article_id: str, report: _Report) -> tuple[ClosestLink, ...]:
    links: list[ClosestLink] = []
    seen = {article_id}  # links to the article itself are dropped
    for line_no, text in _bullets(section, report):
        match = _LINK_BULLET.match("* " + text)
        if not match:
            report.warn(line_no, f"Closest: expected '* [Title](id)', got {_quote(text.strip())}")
            continue
        target = closest_target(match["target"])
        if target not in seen:
            seen.add(target)
            links.append(ClosestLink(match["title"].strip(), target, line_no))
    return tuple(links)


def closest_target(written: str) -> str:
    """The article id a Closest link names: '<id>', '<id>.md', '../<id>.md',
    '/<id>' and '<id>.html' all name <id>. A full address stays as written:
    whether it is the site's own is for the index to tell."""
    target = written.strip()
    if "://" in target:
        return target
    while target.startswith(("../", "./")):
        target = target.split("/", 1)[1]
    return target.lstrip("/").removesuffix(".md").removesuffix(".html")


# ---------------------------------------------------------------- tables


def split_row(line: str) -> list[str]:
    """Cells of a pipe-table row; `\\|` is a literal bar."""
    row = line.strip()
    row = row.removeprefix("|")
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(row)]


def _table(section: _Section | None, kind: Kind, article_id: str, report: _Report) -> list[Entry]:
    if section is None:
        return []
    rows = [(n, line) for n, line in section.body if line.strip()]
    for line_no, line in rows:
        if not line.lstrip().startswith("|"):
            report.warn(line_no, f"{section.name}: text outside the table is ignored: {_quote(line.strip())}")
    rows = [(n, line) for n, line in rows if line.lstrip().startswith("|")]
    if not rows:
        report.warn(section.line, f"{section.name}: the table is empty")
        return []
    header_line, header = rows[0][0], split_row(rows[0][1])
    columns = [COLUMNS.get(fold(cell)) for cell in header]
    # Once per spelling: a header of a thousand empty cells is one problem.
    for cell in dict.fromkeys(c for c, column in zip(header, columns) if column is None):
        report.warn(header_line, f"{section.name}: unknown column {_quote(cell)}{suggest(cell, _CANONICAL_COLUMNS)}; shown as is")
    data = rows[1:]
    if data and all(_ALIGNMENT_CELL.match(c.replace(" ", "")) for c in split_row(data[0][1])):
        data = data[1:]
    else:
        report.warn(header_line, f"{section.name}: the table has no alignment row (|:---|---:|) under its header")
    if not data:
        report.warn(header_line, f"{section.name}: the table has a header but no rows")
    entries: list[Entry] = []
    slugs = _Slugs()
    for line_no, line in data:
        cells = _fit(split_row(line), len(header), section.name, line_no, report)
        entry = _entry(kind, article_id, dict(zip(range(len(cells)), cells)), columns, header, line_no, slugs, report)
        if entry is not None:
            entries.append(entry)
    return entries


def _fit(cells: list[str], width: int, section: str, line_no: int, report: _Report) -> list[str]:
    if len(cells) == width:
        return cells
    report.warn(line_no, f"{section}: row has {len(cells)} cells, the header has {width}")
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    # Nothing is lost: surplus cells join the last column.
    return cells[: width - 1] + [" | ".join(cells[width - 1 :])]


def _entry(
    kind: Kind,
    article_id: str,
    cells: dict[int, str],
    columns: list[Column | None],
    header: list[str],
    line_no: int,
    slugs: _Slugs,
    report: _Report,
) -> Entry | None:
    values: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    for index, column in enumerate(columns):
        value = cells.get(index, "")
        if column is None:
            if value:
                extra.append((header[index], value))
        elif column.role != "dropped":
            values[column.key] = value
    if not any(values.values()) and not extra:
        report.warn(line_no, f"{kind.section}: empty row; ignored")
        return None
    name = values.get("name", "")
    has_name = bool(name)
    if not has_name:
        name = _shorten(values.get("description") or next((v for _, v in extra), "") or "Untitled")
    slug = slugs.claim(safe_slug(name))
    return Entry(
        kind=kind,
        article_id=article_id,
        slug=slug,
        name=name,
        has_name=has_name,
        cells=_text_cells(values),
        relevancy=_relevancy(values.get("relevancy", ""), kind, line_no, report),
        extra=tuple(extra),
        line=line_no,
    )


def _in_own_language(entry: Entry, article_language: str) -> Entry:
    """The row, marked with its language where its own words say another than
    its article's; a row too short to tell keeps its article's."""
    found = detect_language(" ".join((entry.name, *entry.cells)), default=article_language)
    return entry if found == article_language else replace(entry, language=found)


def _text_cells(values: dict[str, str]) -> tuple[str, ...]:
    """The row's cells of model.TEXT_COLUMNS, in order, the empty ones at the end left out."""
    cells = [values.get(column.key, "") for column in TEXT_COLUMNS]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


class _Slugs:
    """The row slugs of one table: `base`, or `base-2`, `base-3`…, so that rows
    named 'Row' and 'Row 2' do not share a page either."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.tried: dict[str, int] = {}
        """The last number tried for each base: every smaller one is taken, so
        20,000 rows of one name cost 20,000 tries, not 200 million."""

    def claim(self, base: str) -> str:
        slug, number = base, self.tried.get(base, 1)
        if number > 1:
            slug = f"{base}-{number}"
        while slug in self.taken:
            number += 1
            slug = f"{base}-{number}"
        self.tried[base] = number
        self.taken.add(slug)
        return slug


def _relevancy(text: str, kind: Kind, line_no: int, report: _Report) -> int | None:
    if not text:
        return None
    if _RELEVANCY.match(text.strip()):
        return int(text.strip()[0])
    try:
        number = float(text) if text.isascii() else math.nan  # float() reads '٣' too
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        report.warn(line_no, f"{kind.section}: relevancy {_quote(text)} is outside 1–5; left blank")
    else:
        report.warn(line_no, f"{kind.section}: relevancy {_quote(text)} is not a number from 1 to 5; left blank")
    return None


def _shorten(text: str, limit: int = 70) -> str:
    """A name for a row that has none: the description's first words."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text.rstrip(".")
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


class _Loader(yaml.SafeLoader):
    """Safe YAML in which dates stay text: an impossible date such as
    2023-13-45 becomes a located warning instead of failing the whole block.

    Pure Python on purpose: libyaml's CSafeLoader overflows the C stack (the
    whole build dies) on a few thousand nested '[', where this one raises
    RecursionError, which costs only the file."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LOADER = _Loader
