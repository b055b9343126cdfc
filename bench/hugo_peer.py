"""The peer to beat: the same corpus built as a Hugo site and indexed by Pagefind.

    python -m bench.hugo_peer CORPUS WORKDIR

One content page per article and one per table row, taxonomies for keywords, themes,
categories and types, paginated lists, a timeline and a search page. The pages carry the same
information and cross-links as foresite's (see "Hugo input" below); what they leave out is
foresite's own extras: related articles/rows, trends, citations, social/JSON-LD metadata. The figures of `hugo` and of `pagefind --site public`
are measured separately; converting the corpus to Hugo's input is not part of either.
The reader below is deliberately small: it is good enough for make_corpus.py's output and the
common variants, not a second implementation of foresite's parser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

try:
    from bench.measure import Measurement, dir_size, run_measured
except ModuleNotFoundError:  # run from inside bench/, as `python hugo_peer.py`
    from measure import Measurement, dir_size, run_measured  # type: ignore[no-redef]

HEADER = re.compile(r"^# __(?P<title>.*)__, (?:\(from page |from \()\[(?P<origin>[^\]]*)\]"
                    r"(?:\((?P<origin_url>[^)\s]*)\))?")
SOURCE = re.compile(r"^__\[External link\]\((?P<url>.*)\)__\s*$")
SECTION = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
CLOSEST = re.compile(r"^\* \[(?P<title>.*)\]\((?P<id>[^)]*)\)\s*$")
TABLE_SECTIONS = ("Signals", "Concerns", "Behaviors", "Technologies", "Issues")
ROW_KINDS = {"Signals": "signal", "Concerns": "concern", "Behaviors": "behavior",
             "Technologies": "technology", "Issues": "issue"}
PAGER_SIZE = 200
"""Listings: foresite's page size."""
TERM_PAGER_SIZE = 20
"""Taxonomy term pages: articles per page, each with its rows."""


# ---- a small reader ----------------------------------------------------------------------

@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    origin: str
    origin_url: str
    date: str | None
    """ISO date from the origin, when the origin starts with one."""
    source_url: str
    keywords: tuple[str, ...]
    themes: tuple[str, ...]
    category: str
    type: str
    summary: str
    tables: dict[str, list[dict[str, str]]]
    """Section name → rows, each row a header → cell mapping."""
    closest: tuple[tuple[str, str], ...]
    """(title, target id) pairs."""
    language: str
    """'fr' or 'en', guessed from the summary: Pagefind indexes each language apart."""


def read_bullets(body: str) -> list[str]:
    raw = [line[2:] for line in body.splitlines() if line.startswith("* ")]
    if len(raw) > 3 and all(len(item) <= 1 for item in raw):
        # The letter-split defect: rejoin the characters, then split on commas.
        raw = "".join(raw).split(",")
    return [item.strip() for item in raw if item.strip()]


def read_table(body: str) -> list[dict[str, str]]:
    lines = [line.strip() for line in body.splitlines() if line.strip().startswith("|")]
    if len(lines) < 2:
        return []
    split = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    headers = split[0]
    return [dict(zip(headers, cells)) for cells in split[2:]]


def read_other(body: str) -> dict[str, str]:
    pairs = (line[2:].split(":", 1) for line in body.splitlines() if line.startswith("* "))
    return {key.strip().lower(): value.strip() for key, value in pairs}


def origin_date(origin: str) -> str | None:
    match = re.match(r"(\d{4})(\d{2})(\d{2})", origin.strip())
    if not match or not 1 <= int(match[2]) <= 12 or not 1 <= int(match[3]) <= 31:
        return None
    return "-".join(match.groups())


FRENCH_WORDS = frozenset(["le", "la", "les", "des", "du", "et", "est", "une", "pour", "dans", "sur", "avec", "qui", "que"])
ENGLISH_WORDS = frozenset(["the", "and", "of", "to", "is", "are", "for", "in", "on", "with", "that", "this"])


def guess_language(text: str) -> str:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    french = sum(w in FRENCH_WORDS for w in words)
    return "fr" if french > sum(w in ENGLISH_WORDS for w in words) else "en"


def split_sections(text: str) -> dict[str, str]:
    parts = SECTION.split(text)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2])}


def read_doc(path: Path) -> Doc:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    head = HEADER.match(lines[0])
    source = next((m for m in map(SOURCE.match, lines[1:6]) if m), None)
    sections = split_sections(text)
    other = read_other(sections.get("Other", ""))
    closest = tuple((m["title"], m["id"]) for m in map(CLOSEST.match,
                    sections.get("Closest", "").splitlines()) if m)
    origin = head["origin"] if head else ""
    return Doc(
        id=path.stem, title=head["title"] if head else path.stem, origin=origin,
        origin_url=(head["origin_url"] or "") if head else "",
        date=origin_date(origin), source_url=source["url"] if source else "",
        keywords=tuple(read_bullets(sections.get("Keywords", ""))),
        themes=tuple(read_bullets(sections.get("Themes", ""))),
        category=other.get("category", ""), type=other.get("type", ""),
        summary=sections.get("Summary", ""),
        tables={name: read_table(sections[name]) for name in TABLE_SECTIONS if name in sections},
        closest=closest, language=guess_language(sections.get("Summary", "")))


def read_corpus(corpus: Path) -> list[Doc]:
    return [read_doc(path) for path in sorted(corpus.glob("*.md"))]


# ---- Hugo input --------------------------------------------------------------------------
#
# The pages carry what foresite's carry: header (site name, search form, links to every index),
# footer, an article's facts, linked tags, tables whose rows link to their own pages and its
# Closest links; a row's fields, its article, that article's tags, its sibling rows, the
# article's other tables and the same-named rows of other articles; paginated listings and
# taxonomy term pages listing their articles' rows by kind. As a careful Hugo user would, the
# converter precomputes every cross-link into the page's own front matter, so no template
# queries .Site.RegularPages per page (which would make Hugo's work grow as N²).

BASE_URL = "https://scan.example.org/"
"""The address both sides are built for, as a publisher builds them: foresite
then writes what a published site carries (canonical links, sitemap, absolute
feed links and open-data URLs)."""

CONFIG = f"""baseURL = "{BASE_URL}"
title = "Horizon scan (Hugo peer)"
languageCode = "en"
# Hugo 0.111 reads `paginate`; from 0.128 on it is [pagination] pagerSize.
paginate = {PAGER_SIZE}
disableKinds = ["RSS", "sitemap"]
disableHugoGeneratorInject = true
# The scan has an article dated in the future; foresite builds it, so Hugo must too.
buildFuture = true

[taxonomies]
keyword = "keywords"
theme = "themes"
category = "categories"
type = "types"
"""

BASEOF = """<!DOCTYPE html>
<html lang="{{ .Params.lang | default "en" }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
{{ with .Params.description }}<meta name="description" content="{{ . }}">{{ end }}
{{ block "head" . }}{{ end }}
</head>
<body>
<header class="top" data-pagefind-ignore="all">
<a class="brand" href="/">{{ .Site.Title }}</a>
<form class="searchbox" role="search" action="/search/" method="get">
<label for="q">Search the scan</label>
<input id="q" name="q" type="search" placeholder="Search signals, articles…">
<button type="submit">Search</button>
</form>
<nav aria-label="Indexes"><ul>
{{ range slice "articles" "signals" "behaviors" "issues" "technologies" "concerns" "keywords" "themes" "categories" "types" "timeline" }}<li><a href="/{{ . }}/">{{ title . }}</a></li>
{{ end }}</ul></nav>
</header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="bottom" data-pagefind-ignore="all">
<p>{{ .Site.Title }} · built with Hugo · <a href="/search/">Search</a> · <a href="/timeline/">Timeline</a></p>
</footer>
</body>
</html>
"""

# Pagefind filters and metadata, as foresite's pages carry them.
FILTERS = """<div hidden data-pagefind-ignore>
<span data-pagefind-filter="kind" data-pagefind-meta="kind">{{ .Params.kind | default "Article" }}</span>
<span data-pagefind-meta="language">{{ .Params.lang }}</span>
{{ if not .Date.IsZero }}<span data-pagefind-filter="year">{{ .Date.Format "2006" }}</span>
<span data-pagefind-filter="date" data-pagefind-meta="date">{{ .Date.Format "2006-01-02" }}</span>{{ end }}
{{ with .Params.category }}<span data-pagefind-filter="category">{{ . }}</span>{{ end }}
{{ with .Params.doctype }}<span data-pagefind-filter="type">{{ . }}</span>{{ end }}
{{ range .Params.row_themes | default .Params.themes }}<span data-pagefind-filter="theme">{{ . }}</span>{{ end }}
{{ with .Params.article }}<a href="{{ .url }}" data-pagefind-meta="article, article_url[href]">{{ .title }}</a>{{ end }}
{{ with .Params.rel }}<span data-pagefind-filter="relevancy" data-pagefind-meta="relevancy">{{ . }}</span>{{ end }}
</div>
"""

ARTICLE_SINGLE = """{{ define "main" }}
<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<dl class="facts">
{{ if not .Date.IsZero }}<dt>Date</dt> <dd>{{ .Date.Format "2006-01-02" }}</dd>{{ end }}
{{ with .Params.origin }}<dt>Origin</dt> <dd>{{ with $.Params.origin_url }}<a href="{{ . }}" rel="noopener noreferrer">{{ $.Params.origin }}</a>{{ else }}{{ . }}{{ end }}</dd>{{ end }}
{{ with .Params.source }}<dt>Source</dt> <dd><a href="{{ . }}" rel="noopener noreferrer nofollow">{{ . }}</a></dd>{{ end }}
{{ range $taxonomy, $label := dict "categories" "Category" "types" "Type" }}{{ with $.GetTerms $taxonomy }}<dt>{{ $label }}</dt> <dd>{{ range . }}<a class="tag" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>{{ end }}{{ end }}
<dt>Language</dt> <dd>{{ .Params.lang }}</dd>
</dl>
{{ range $taxonomy := slice "keywords" "themes" }}{{ with $.GetTerms $taxonomy }}<p class="tags"><span class="label">{{ title $taxonomy }}</span>
{{ range . }} <a class="tag" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>{{ end }}{{ end }}
<section class="summary"><h2>Summary</h2>
{{ .Content }}
</section>
{{ range .Params.tables }}<section class="table">
<h2 id="{{ .anchor }}">{{ .title }} <span class="n">{{ len .rows }}</span></h2>
<table>
<thead><tr>{{ range .headers }}<th scope="col">{{ . }}</th>{{ end }}</tr></thead>
<tbody>
{{ range .rows }}<tr><th scope="row"><a href="{{ .url }}">{{ .name }}</a></th>{{ range .cells }}<td>{{ . }}</td>{{ end }}</tr>
{{ end }}</tbody></table>
</section>
{{ end }}
{{ with .Params.closest }}<section class="closest" data-pagefind-ignore><h2>Closest articles</h2><ul>
{{ range . }}<li>{{ if .url }}<a href="{{ .url }}">{{ .title }}</a> <span class="meta">{{ .date }}</span>{{ else }}<span class="unavailable">{{ .title }}</span> <span class="meta">(not available)</span>{{ end }}</li>
{{ end }}</ul></section>{{ end }}
</article>
""" + FILTERS + """{{ end }}
"""
ROW_SINGLE = """{{ define "main" }}
<article data-pagefind-body>
<p class="kind" data-pagefind-ignore>{{ .Params.kind }}{{ with .Params.rel }} · relevancy {{ . }}{{ end }}</p>
<h1>{{ .Title }}</h1>
{{ with .Params.article }}<p class="from" data-pagefind-weight="0.2">From <a href="{{ .url }}">{{ .title }}</a>{{ with .date }}, {{ . }}{{ end }}</p>{{ end }}
<dl class="fields">
{{ range .Params.fields }}<dt>{{ index . 0 }}</dt> <dd>{{ index . 1 }}</dd>
{{ end }}</dl>
{{ range $taxonomy := slice "keywords" "themes" }}{{ with index $.Params (print "row_" $taxonomy) }}<p class="tags" data-pagefind-weight="0.2"><span class="label">{{ title $taxonomy }}</span>
{{ range . }} <a class="tag" href="/{{ $taxonomy }}/{{ . | urlize }}/">{{ . }}</a>{{ end }}</p>{{ end }}{{ end }}
</article>
""" + FILTERS + """
{{ with .Params.again }}<section class="again" data-pagefind-ignore>
<h2>Seen again <span class="n">{{ len . }}</span></h2>
<ol>{{ range . }}<li><a href="{{ .url }}">{{ .name }}</a> — <a href="{{ .article_url }}">{{ .article_title }}</a>{{ with .date }}, {{ . }}{{ end }}</li>
{{ end }}</ol></section>{{ end }}
<section class="siblings" data-pagefind-ignore>
<h2>Also in this article</h2>
<h3>{{ .Params.plural }}</h3>
<ul>{{ range .Params.siblings }}{{ if eq .url $.RelPermalink }}<li><strong aria-current="page">{{ .name }}</strong></li>{{ else }}<li><a href="{{ .url }}">{{ .name }}</a></li>{{ end }}{{ end }}</ul>
{{ with .Params.other_tables }}<p class="other-tables">{{ range $i, $t := . }}{{ if $i }} · {{ end }}<a href="{{ $t.url }}">{{ $t.label }}</a>{{ end }}</p>{{ end }}
</section>
{{ end }}
"""

ROW_LINE = """<li>{{ with .Params.rel }}<span class="rel">{{ . }}</span>{{ end }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ with .Params.article }}<span class="from">— <a href="{{ .url }}">{{ .title }}</a>{{ with .date }}, {{ . }}{{ end }}</span>{{ end }}</li>
"""

ARTICLE_LINE = """<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="meta">{{ if not .Date.IsZero }}{{ .Date.Format "2006-01-02" }}{{ end }}{{ with .Params.categories }} · {{ index . 0 }}{{ end }}</span></li>
"""

# Row sections: their pages' weight is 6 − relevancy, so Hugo's default order (weight,
# then newest first) is foresite's: by relevancy, then newest first.
ROW_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="lede">{{ len .Pages }} in all, by relevancy, then newest first.</p>
{{ $pager := .Paginate .Pages }}
<ul class="rows">{{ range $pager.Pages }}""" + ROW_LINE + """{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
"""

ARTICLE_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="lede">{{ len .Pages }} in all, newest first.</p>
{{ $pager := .Paginate .Pages }}
<ul class="articles">{{ range $pager.Pages }}""" + ARTICLE_LINE + """{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
"""

# A term page: its articles, TERM_PAGER_SIZE a page, then those articles' rows by kind.
TERM = """{{ define "main" }}
<p class="kind"><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></p>
<h1>{{ .Title }}</h1>
<p class="lede">{{ len .Pages }} article{{ if ne (len .Pages) 1 }}s{{ end }}.</p>
{{ $pager := .Paginate .Pages """ + str(TERM_PAGER_SIZE) + """ }}
<h2>Articles</h2>
<ul class="articles">{{ range $pager.Pages }}""" + ARTICLE_LINE + """{{ end }}</ul>
{{ range $kind := slice "signals" "behaviors" "issues" "technologies" "concerns" }}
{{ $rows := slice }}
{{ range $pager.Pages }}{{ range .Params.tables }}{{ if eq .anchor $kind }}{{ $rows = $rows | append .rows }}{{ end }}{{ end }}{{ end }}
{{ with $rows }}<section><h2>{{ title $kind }} <span class="n">{{ len . }}</span></h2>
<ul class="rows">{{ range sort . "rel" "desc" }}<li>{{ with .rel }}<span class="rel">{{ . }}</span>{{ end }}<a href="{{ .url }}">{{ .name }}</a></li>
{{ end }}</ul></section>{{ end }}
{{ end }}
{{ template "_internal/pagination.html" . }}
{{ end }}
"""

TAXONOMY = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="lede">{{ len .Data.Terms }} in all.</p>
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> <span class="n">{{ .Count }}</span></li>{{ end }}
</ul>
{{ end }}
"""

TIMELINE = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $articles := where .Site.RegularPages "Section" "articles" }}
{{ $years := $articles.GroupByDate "2006" }}
<nav class="letters" aria-label="Years">{{ range $years }}<a href="#y{{ .Key }}">{{ .Key }}</a> {{ end }}</nav>
{{ range $years }}<section><h2 id="y{{ .Key }}">{{ .Key }}</h2>
{{ range .Pages.GroupByDate "January 2006" }}<h3>{{ .Key }} <span class="n">{{ len .Pages }}</span></h3>
<ul class="articles">{{ range .Pages }}""" + ARTICLE_LINE + """{{ end }}</ul>
{{ end }}</section>
{{ end }}
{{ end }}
"""

SEARCH = """{{ define "head" }}<link href="/pagefind/pagefind-ui.css" rel="stylesheet">
<script src="/pagefind/pagefind-ui.js"></script>{{ end }}
{{ define "main" }}
<h1>Search</h1>
<div id="search"></div>
<script>window.addEventListener("DOMContentLoaded", () => new PagefindUI({ element: "#search" }));</script>
{{ end }}
"""

HOME = """{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ $articles := where .Site.RegularPages "Section" "articles" }}
<p>{{ len $articles }} articles</p>
<ul class="articles">{{ range first 20 $articles }}""" + ARTICLE_LINE + """{{ end }}</ul>
{{ end }}
"""

LAYOUTS = {
    "_default/baseof.html": BASEOF,
    "_default/single.html": ARTICLE_SINGLE,
    "row/single.html": ROW_SINGLE,
    "_default/list.html": ROW_LIST,
    "articles/list.html": ARTICLE_LIST,
    "timeline/list.html": TIMELINE,
    "search/list.html": SEARCH,
    "_default/term.html": TERM,
    "_default/taxonomy.html": TAXONOMY,
    "index.html": HOME,
}

# Which row cells go to which field; both signal column sets map here. Order is display order.
CELL_FIELDS = {
    "description": "Description", "change": "Change", "Change": "Change",
    "10-year": "10-year outlook", "10y horizon": "10-year outlook",
    "driving-force": "Driving force", "Driving force": "Driving force",
}
FIELD_ORDER = ("Description", "Change", "10-year outlook", "Driving force")
SINGULAR = {"Signals": "Signal", "Concerns": "Concern", "Behaviors": "Behavior",
            "Technologies": "Technology", "Issues": "Issue"}
NAME_LIMIT = 70


def front_matter(params: dict[str, object], body: str) -> str:
    # JSON front matter needs no escaping rules of its own, unlike YAML or TOML.
    return json.dumps(params, ensure_ascii=False, indent=1) + "\n" + body + "\n"


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug.strip("-") or "row"


def row_name(row: dict[str, str]) -> str:
    name = row.get("name") or row.get("Signal") or row.get("description", "")
    return name if len(name) <= NAME_LIMIT else name[:NAME_LIMIT].rsplit(" ", 1)[0] + "…"


def relevancy(row: dict[str, str]) -> int:
    """1–5, or 0 when the cell is missing or not a number."""
    cell = row.get("relevancy", "").strip()
    return int(cell) if cell.isdigit() and 1 <= int(cell) <= 5 else 0


def row_fields(row: dict[str, str]) -> list[tuple[str, str]]:
    found = {CELL_FIELDS[h]: cell for h, cell in row.items() if h in CELL_FIELDS and cell}
    return [(label, found[label]) for label in FIELD_ORDER if label in found]


@dataclass(frozen=True)
class Row:
    doc: Doc
    section: str
    name: str
    url: str
    rel: int
    fields: tuple[tuple[str, str], ...]


def article_url(doc: Doc) -> str:
    return f"/articles/{doc.id}/"


def doc_rows(doc: Doc) -> dict[str, list[Row]]:
    """Each table's rows with their URLs: slug of the name + the article id's first 8 characters,
    as foresite's; a repeated name in one table gets -2, -3…"""
    tables: dict[str, list[Row]] = {}
    for section, cells in doc.tables.items():
        seen: dict[str, int] = {}
        rows = []
        for row in cells:
            name = row_name(row)
            slug = slugify(name.rstrip("…"))
            seen[slug] = seen.get(slug, 0) + 1
            key = f"{slug}-{seen[slug]}" if seen[slug] > 1 else slug
            rows.append(Row(doc, section, name, f"/{section.lower()}/{key}-{doc.id[:8]}/",
                            relevancy(row), tuple(row_fields(row))))
        if rows:
            tables[section] = rows
    return tables


def same_named(all_rows: dict[str, dict[str, list[Row]]]) -> dict[tuple[str, str], list[Row]]:
    """(section, lower-cased name) → its rows across the scan, oldest first."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for tables in all_rows.values():
        for section, rows in tables.items():
            for row in rows:
                groups.setdefault((section, row.name.casefold()), []).append(row)
    for rows in groups.values():
        rows.sort(key=lambda r: (r.doc.date or "9999", r.doc.id))
    return groups


def table_param(section: str, rows: list[Row]) -> dict[str, object]:
    labels = [label for label in FIELD_ORDER if any(label in dict(r.fields) for r in rows)]
    return {
        "title": section, "anchor": section.lower(),
        "headers": [SINGULAR[section], *labels, "Relevancy"],
        "rows": [{"name": r.name, "url": r.url, "rel": r.rel,
                  "cells": [dict(r.fields).get(label, "") for label in labels]
                  + [str(r.rel) if r.rel else ""]} for r in rows],
    }


def article_page(doc: Doc, tables: dict[str, list[Row]], docs_by_id: dict[str, Doc]) -> str:
    closest, seen = [], {doc.id}
    for title, target_id in doc.closest:
        target_id = target_id.strip().strip("/").removesuffix(".md")
        if target_id in seen:  # foresite drops links to the article itself and repeats
            continue
        seen.add(target_id)
        target = docs_by_id.get(target_id)
        closest.append({"title": target.title, "url": article_url(target), "date": target.date or ""}
                       if target else {"title": title, "url": "", "date": ""})
    params: dict[str, object] = {
        "title": doc.title, "lang": doc.language, "origin": doc.origin,
        "origin_url": doc.origin_url, "source": doc.source_url,
        "description": doc.summary[:160],
        "keywords": list(doc.keywords), "themes": list(doc.themes),
        "categories": [doc.category] if doc.category else [],
        "types": [doc.type] if doc.type else [],
        "category": doc.category, "doctype": doc.type,
        "closest": closest,
        "tables": [table_param(section, rows) for section, rows in tables.items()],
    }
    if doc.date:
        params["date"] = doc.date
    return front_matter(params, doc.summary)


def row_page(row: Row, tables: dict[str, list[Row]], again: list[Row]) -> str:
    doc = row.doc
    fields = [list(f) for f in row.fields]
    if row.rel:
        fields.append(["Relevancy", f"{row.rel} of 5"])
    params: dict[str, object] = {
        "title": row.name, "type": "row", "kind": SINGULAR[row.section],
        "plural": row.section, "lang": doc.language, "rel": row.rel,
        # Hugo's default order is by weight, then newest first: this makes it relevancy first.
        "weight": 6 - row.rel if row.rel else 6,
        "fields": fields,
        "article": {"title": doc.title, "url": article_url(doc), "date": doc.date or ""},
        # Not `keywords`/`themes`: those would put the row in the taxonomies, beside articles.
        "row_keywords": list(doc.keywords), "row_themes": list(doc.themes),
        "category": doc.category, "doctype": doc.type,
        "siblings": [{"name": r.name, "url": r.url} for r in tables[row.section]],
        "other_tables": [{"label": f"{len(rows)} {section.lower()}",
                          "url": f"{article_url(doc)}#{section.lower()}"}
                         for section, rows in tables.items() if section != row.section],
        "again": [{"name": r.name, "url": r.url, "article_title": r.doc.title,
                   "article_url": article_url(r.doc), "date": r.doc.date or ""}
                  for r in again if r.doc.id != doc.id],
    }
    if doc.date:
        params["date"] = doc.date
    return front_matter(params, "")


def write_site(docs: list[Doc], site: Path) -> int:
    """Write Hugo's input under site/; return the number of content pages written."""
    for name, text in LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    content = site / "content"
    for section in ("articles", "timeline", "search") + tuple(s.lower() for s in TABLE_SECTIONS):
        (content / section).mkdir(parents=True, exist_ok=True)
        (content / section / "_index.md").write_text(
            front_matter({"title": section.capitalize()}, ""), encoding="utf-8")
    all_rows = {doc.id: doc_rows(doc) for doc in docs}
    groups = same_named(all_rows)
    docs_by_id = {doc.id: doc for doc in docs}
    pages = 0
    for doc in docs:
        tables = all_rows[doc.id]
        (content / "articles" / f"{doc.id}.md").write_text(
            article_page(doc, tables, docs_by_id), encoding="utf-8")
        pages += 1
        for rows in tables.values():
            for row in rows:
                path = content / row.section.lower() / f"{row.url.rstrip('/').rsplit('/', 1)[1]}.md"
                path.write_text(row_page(row, tables, groups[(row.section, row.name.casefold())]),
                                encoding="utf-8")
                pages += 1
    return pages


# ---- running and measuring ---------------------------------------------------------------

def pagefind_binary() -> Path:
    """The Pagefind executable shipped inside the pagefind_bin wheel."""
    import pagefind_bin

    folder = Path(pagefind_bin.__file__).parent
    for candidate in sorted(folder.iterdir()):
        if candidate.name.startswith("pagefind") and candidate.is_file() \
                and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError(f"no pagefind executable in {folder}")


def html_size(public: Path) -> tuple[int, int]:
    """(bytes, files) of the HTML pages only, outside Pagefind's own folder."""
    total = count = 0
    for path in public.rglob("*.html"):
        if "pagefind" not in path.relative_to(public).parts:
            total += path.stat().st_size
            count += 1
    return total, count


def pages_indexed(output: str) -> int | None:
    match = re.search(r"Indexed (\d+) pages?", output)
    return int(match[1]) if match else None


def hugo_counts(output: str) -> dict[str, int]:
    """Hugo's own summary table: pages, paginator pages, aliases (redirect pages)."""
    counts = {}
    for label, key in (("Pages", "hugo_pages"), ("Paginator pages", "hugo_paginator_pages"),
                       ("Aliases", "hugo_aliases")):
        match = re.search(rf"^\s*{label}\s*\|\s*(\d+)", output, re.MULTILINE)
        if match:
            counts[key] = int(match[1])
    return counts


def check(step: str, m: Measurement) -> None:
    if m.returncode != 0:
        raise RuntimeError(f"{step} failed ({m.returncode}):\n{m.stdout[-2000:]}"
                           f"\n{m.stderr[-4000:]}")


def measure_hugo(site: Path, work: Path) -> dict[str, object]:
    env = dict(os.environ, HUGO_CACHEDIR=str(work / "hugo-cache"))
    hugo = run_measured(["hugo", "--source", str(site), "--destination", "public"],
                        cwd=site, env=env)
    check("hugo", hugo)
    html_bytes, html_files = html_size(site / "public")
    return {
        "hugo_seconds": round(hugo.seconds, 3), "hugo_cpu_seconds": round(hugo.cpu_seconds, 3),
        "hugo_peak_rss_bytes": hugo.peak_rss_bytes,
        "hugo_html_pages": html_files, "hugo_html_bytes": html_bytes,
        **hugo_counts(hugo.stdout),
    }


def measure_pagefind(site: Path) -> dict[str, object]:
    pagefind = run_measured([str(pagefind_binary()), "--site", "public"], cwd=site)
    check("pagefind", pagefind)
    index_bytes, index_files = dir_size(site / "public" / "pagefind")
    return {
        "pagefind_seconds": round(pagefind.seconds, 3),
        "pagefind_cpu_seconds": round(pagefind.cpu_seconds, 3),
        "pagefind_peak_rss_bytes": pagefind.peak_rss_bytes,
        "pagefind_index_bytes": index_bytes, "pagefind_index_files": index_files,
        "pagefind_pages_indexed": pages_indexed(pagefind.stdout + pagefind.stderr),
    }


def run_hugo_peer(corpus: Path, work: Path) -> dict[str, object]:
    """Build corpus with Hugo, index it with Pagefind, and return the measured figures.

    work/hugo-site is replaced on every call; the figures' keys are stable for reports.
    """
    site = work / "hugo-site"
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    docs = read_corpus(corpus)
    content_pages = write_site(docs, site)
    # Pagefind indexes Hugo's output, so the order is fixed: Hugo first.
    hugo = measure_hugo(site, work)
    return {"articles": len(docs), "content_pages": content_pages, **hugo,
            **measure_pagefind(site)}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    figures = run_hugo_peer(Path(argv[0]), Path(argv[1]))
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
