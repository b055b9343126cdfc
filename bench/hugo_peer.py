"""The peer to beat: the same corpus built as a Hugo site and indexed by Pagefind.

    python -m bench.hugo_peer CORPUS WORKDIR

One content page per article and one per table row, taxonomies for keywords, themes,
categories and types, paginated lists. The figures of `hugo` and of `pagefind --site public`
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
from dataclasses import dataclass
from pathlib import Path

try:
    from bench.measure import Measurement, dir_size, run_measured
except ModuleNotFoundError:  # run from inside bench/, as `python hugo_peer.py`
    from measure import Measurement, dir_size, run_measured  # type: ignore[no-redef]

HEADER = re.compile(r"^# __(?P<title>.*)__, (?:\(from page |from \()\[(?P<origin>[^\]]*)\]")
SOURCE = re.compile(r"^__\[External link\]\((?P<url>.*)\)__\s*$")
SECTION = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
CLOSEST = re.compile(r"^\* \[(?P<title>.*)\]\((?P<id>[^)]*)\)\s*$")
TABLE_SECTIONS = ("Signals", "Concerns", "Behaviors", "Technologies", "Issues")
ROW_KINDS = {"Signals": "signal", "Concerns": "concern", "Behaviors": "behavior",
             "Technologies": "technology", "Issues": "issue"}
PAGER_SIZE = 100


# ---- a small reader ----------------------------------------------------------------------

@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    origin: str
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

CONFIG = f"""baseURL = "https://scan.example.org/"
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
</head>
<body>
<header><nav><a href="/">{{ .Site.Title }}</a>
{{ range slice "articles" "signals" "behaviors" "issues" "technologies" "concerns" }}
 · <a href="/{{ . }}/">{{ . }}</a>{{ end }}
{{ range slice "keywords" "themes" "categories" "types" }} · <a href="/{{ . }}/">{{ . }}</a>{{ end }}
</nav></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

ARTICLE_SINGLE = """{{ define "main" }}
<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<p class="meta">{{ with .Params.origin }}Issue {{ . }}{{ end }}
{{ with .Params.source }} · <a href="{{ . }}">External link</a>{{ end }}</p>
{{ range $taxonomy := slice "keywords" "themes" "categories" "types" }}
{{ with $.GetTerms $taxonomy }}<p class="{{ $taxonomy }}">{{ $taxonomy }}:
{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>{{ end }}
{{ end }}
{{ .Content }}
{{ with .Params.closest }}<h2>Closest</h2><ul>
{{ range . }}<li><a href="/articles/{{ index . 1 }}/">{{ index . 0 }}</a></li>{{ end }}
</ul>{{ end }}
</article>
{{ end }}
"""

ROW_SINGLE = """{{ define "main" }}
<article data-pagefind-body>
<p class="kind">{{ .Params.kind }}</p>
<h1>{{ .Title }}</h1>
<dl>
{{ range $key := slice "description" "change" "horizon" "driving_force" "relevancy" }}
{{ with index $.Params $key }}<dt>{{ $key }}</dt><dd>{{ . }}</dd>{{ end }}
{{ end }}
</dl>
<p>From <a href="/articles/{{ .Params.article }}/">{{ .Params.article_title }}</a></p>
</article>
{{ end }}
"""

LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
<ul>{{ range $pager.Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ with .Date }} {{ .Format "2006-01-02" }}{{ end }}</li>{{ end }}
</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
"""

TAXONOMY = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}
</ul>
{{ end }}
"""

HOME = """{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<p>{{ len (where .Site.RegularPages "Section" "articles") }} articles</p>
<ul>{{ range first 20 (where .Site.RegularPages "Section" "articles").ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul>
{{ end }}
"""

LAYOUTS = {
    "_default/baseof.html": BASEOF,
    "_default/single.html": ARTICLE_SINGLE,
    "row/single.html": ROW_SINGLE,
    "_default/list.html": LIST,
    "_default/term.html": LIST,
    "_default/taxonomy.html": TAXONOMY,
    "index.html": HOME,
}

# Which row cells go to which front-matter key; both signal column sets map here.
CELL_KEYS = {
    "description": "description", "change": "change", "Change": "change",
    "10-year": "horizon", "10y horizon": "horizon", "driving-force": "driving_force",
    "Driving force": "driving_force", "relevancy": "relevancy",
}


def front_matter(params: dict[str, object], body: str) -> str:
    # JSON front matter needs no escaping rules of its own, unlike YAML or TOML.
    return json.dumps(params, ensure_ascii=False, indent=1) + "\n" + body + "\n"


def row_name(row: dict[str, str]) -> str:
    name = row.get("name") or row.get("Signal") or row.get("description", "")
    return name if len(name) <= 70 else name[:67] + "…"


def markdown_table(rows: list[dict[str, str]], links: list[str]) -> str:
    """The article's own copy of a table, the name cell linking to the row's page."""
    headers = [h for h in rows[0] if h != "src"]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row, link in zip(rows, links):
        cells = [row.get(h, "") for h in headers]
        cells[0] = f"[{cells[0]}]({link})"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def article_page(doc: Doc) -> str:
    params: dict[str, object] = {
        "title": doc.title, "lang": doc.language, "origin": doc.origin, "source": doc.source_url,
        "keywords": list(doc.keywords), "themes": list(doc.themes),
        "categories": [doc.category] if doc.category else [],
        "types": [doc.type] if doc.type else [],
        "closest": [list(pair) for pair in doc.closest],
    }
    if doc.date:
        params["date"] = doc.date
    body = [doc.summary]
    for section, rows in doc.tables.items():
        if rows:
            links = [f"/{section.lower()}/{doc.id}-{i}/" for i in range(1, len(rows) + 1)]
            body += [f"## {section}", markdown_table(rows, links)]
    return front_matter(params, "\n\n".join(body))


def row_page(doc: Doc, section: str, row: dict[str, str]) -> str:
    params: dict[str, object] = {
        "title": row_name(row), "type": "row", "kind": ROW_KINDS[section],
        "article": doc.id, "article_title": doc.title, "lang": doc.language,
    }
    for header, cell in row.items():
        if header in CELL_KEYS and cell:
            params[CELL_KEYS[header]] = cell
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
    for section in ("articles",) + tuple(s.lower() for s in TABLE_SECTIONS):
        (content / section).mkdir(parents=True, exist_ok=True)
        (content / section / "_index.md").write_text(
            front_matter({"title": section.capitalize()}, ""), encoding="utf-8")
    pages = 0
    for doc in docs:
        (content / "articles" / f"{doc.id}.md").write_text(article_page(doc), encoding="utf-8")
        pages += 1
        for section, rows in doc.tables.items():
            for i, row in enumerate(rows, start=1):
                path = content / section.lower() / f"{doc.id}-{i}.md"
                path.write_text(row_page(doc, section, row), encoding="utf-8")
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
