"""Links between content files: Closest links by address, and a warning for
each link in markdown that should reach an article, page or file of the
site and reaches none (urls.SiteLinks decides where links lead).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence

from foresite.core.errors import Problem, warning
from foresite.core.model import Article, HandwrittenPage
from foresite.core.urls import LINK_TARGET, SiteLinks, Unknown, cell_links, link_target

# Inline links and images, '[text](target "title")' and '[text](<target>)'.
_MARKDOWN_LINK = re.compile(LINK_TARGET)


def resolve_closest(articles: Sequence[Article], links: SiteLinks) -> list[Article]:
    """`articles`, their Closest links by the site's own full address made
    links by id."""
    return [_closest_by_id(article, links) for article in articles]


def _closest_by_id(article: Article, links: SiteLinks) -> Article:
    if not any("://" in link.target for link in article.closest):
        return article
    ids = {url: article_id for article_id, url in links.by_id.items()}
    closest = []
    for link in article.closest:
        found = links.resolve(link.target, "") if "://" in link.target else None
        if isinstance(found, str) and not isinstance(found, Unknown) and found in ids:
            link = dataclasses.replace(link, target=ids[found])
        closest.append(link)
    return dataclasses.replace(article, closest=tuple(closest))


def link_problems(
    articles: Sequence[Article], pages: Sequence[HandwrittenPage], holders: Mapping[str, str], links: SiteLinks,
) -> list[Problem]:
    """A warning per link, in a summary, a table cell or a page, to nothing
    of the site.
    `holders` gives each article's content path, by id."""
    problems = []
    for article in articles:
        holder = holders.get(article.id, f"{article.id}.md")
        for offset, target in markdown_links(article.summary):
            problems.extend(_unknown(links, target, holder, article.path, article.summary_line + offset))
        for entry in article.entries:
            for cell in (*entry.cells, *(value for _, value in entry.extra)):
                for match in cell_links(cell):
                    problems.extend(_unknown(links, link_target(match), holder, article.path, entry.line))
    for page in pages:
        for offset, target in markdown_links(page.body):
            problems.extend(_unknown(links, target, page.relpath, page.path, page.body_line + offset))
    return problems


def markdown_links(text: str) -> Iterator[tuple[int, str]]:
    """(line offset in `text`, target) of each inline link and image."""
    if "](" not in text:
        return
    for match in _MARKDOWN_LINK.finditer(text):
        yield text.count("\n", 0, match.start()), link_target(match)


def _unknown(links: SiteLinks, target: str, holder: str, path: str, line: int) -> list[Problem]:
    if not isinstance(links.resolve(target, holder), Unknown):
        return []
    return [warning(path, line, f"link to '{target}', which is not an article or page here")]
