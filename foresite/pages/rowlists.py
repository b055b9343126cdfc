"""Each article's keywords, themes and rows as one small JSON file, shared by
the pages that list them.

A row's page shows its article's keywords, themes and other rows, and a tag
page every row of its articles, grouped by kind. The same lists were written
into the twenty-odd row pages of each article and the sixteen-odd tag pages
of each of its rows: two fifths of the site, at the real scan's shape. They
are written once instead, beside the article's page (`urls.rows_file_url`),
and static/site.js shows them on the pages that need them.

The file holds site-relative URLs made by foresite/urls.py, so the script
only puts the site's root before them. Each kind's rows are in the order the
listings give one article's rows (relevancy, then slug), each with its place
in the article's own table: a tag page merging several articles' files needs
only the order of its articles, which it shows (listings order rows by
relevancy, then by their article's date and id, as tag pages order their
articles: index.by_relevancy, index.newest_first), and a row page shows its
neighbours in the article's order.
"""

from __future__ import annotations

import json

from foresite.core.model import Article, Kind
from foresite.core.urls import article_url, entry_url, tag_url
from foresite.index.site_index import ArticleTags, by_relevancy


def rows_file(article: Article, tags: ArticleTags) -> bytes:
    """{"article": URL, "keywords"/"themes": [[URL, label], …],
    "rows": {kind's plural: [[URL, name, relevancy or null, place in the table], …]}}"""
    rows = {}
    for kind in Kind:
        table = article.entries_of(kind)
        if table:
            # One article's rows, ordered as the listings order all rows,
            # each with its place in the table.
            ordered = sorted(enumerate(table), key=lambda placed: by_relevancy(placed[1], article))
            rows[kind.plural] = [[entry_url(e), e.name, e.relevancy, place] for place, e in ordered]
    document = {
        "article": article_url(article),
        "keywords": [[tag_url(t), t.label] for t in tags.keywords],
        "themes": [[tag_url(t), t.label] for t in tags.themes],
        "rows": rows,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
