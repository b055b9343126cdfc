"""Pages for moving a scan onto foresite: the hand-written pages, and a
redirect page at each old address (`jekyll_urls:` and `redirects:` in
site.yml) that sends a reader to where its page is now.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from foresite.core.config import Settings
from foresite.core.errors import Problem, error, warning
from foresite.core.model import Article, HandwrittenPage
from foresite.core.urls import article_url, jekyll_path, output_path, page_url, redirect_path
from foresite.pages.contexts import HandwrittenContext, RedirectContext
from foresite.pages.plan import Page, _describe

REDIRECT_TEMPLATE = "redirect.html"


def handwritten_pages(pages: Iterable[HandwrittenPage]) -> Iterator[Page]:
    for page in pages:
        yield Page(
            page_url(page.relpath), "page.html", page.title, page.description or _describe(page.body),
            page.language, HandwrittenContext(page), page.path, search_group=f"page:{page.relpath}",
        )


def redirect_pages(
    articles: Sequence[tuple[str, Article]], pages: Sequence[Page], settings: Settings,
) -> tuple[list[Page], list[Problem]]:
    """A redirect page for each old address: with `jekyll_urls`, each
    article's (given with its content path) and each hand-written page's;
    then each of `redirects:`, whose target must be one of `pages`."""
    titles = {page.url: page.title for page in pages if page.is_html}
    found: list[Page] = []
    problems: list[Problem] = []
    if settings.jekyll_urls:
        moved = [(relpath, article_url(a), a.title, a.language, a.path) for relpath, a in articles]
        moved += [
            (p.context.page.relpath, p.url, p.title, p.language, p.source)
            for p in pages if isinstance(p.context, HandwrittenContext)
        ]
        for relpath, url, title, language, source in moved:
            old = jekyll_path(relpath)
            if old is None:
                problems.append(warning(source, 1, f"no redirect from the old address of '{relpath}': its name is not plain ASCII"))
            elif old.casefold() != output_path(url).casefold():
                found.append(_redirect(old, url, title, language, source))
    for redirect in settings.redirects:
        target = _site_url(redirect.target, titles)
        path, line = redirect.where.rsplit(":", 1)
        if target is None:
            problems.append(error(path, int(line), f"redirect from '{redirect.old}' to '{redirect.target}', which is no page of the site"))
        else:
            found.append(_redirect(redirect_path(redirect.old), target, titles[target], settings.language, redirect.where))
    return found, problems


def _site_url(written: str, titles: Mapping[str, str]) -> str | None:
    url = written.strip().lstrip("/")
    for candidate in (url, url + "/", url.removesuffix("index.html")):
        if candidate in titles:
            return candidate
    return None


def _redirect(old: str, url: str, title: str, language: str, source: str) -> Page:
    return Page(old, REDIRECT_TEMPLATE, title, "", language, RedirectContext(url, title), source)


def navigation(settings: Settings, pages: Sequence[Page]) -> tuple[tuple[tuple[str, str], ...], list[Problem]]:
    """(title, URL) of the pages `navigation:` in site.yml puts in the header."""
    by_file = {p.context.page.relpath: p for p in pages if isinstance(p.context, HandwrittenContext)}
    links, problems = [], []
    path, line = settings.location("navigation")
    for relpath in settings.navigation:
        page = by_file.get(relpath) or by_file.get(relpath + ".md")
        if page is None:
            problems.append(error(path, line, f"navigation: '{relpath}' is not a page (pages: in site.yml lists which files are)"))
        else:
            links.append((page.title, page.url))
    return tuple(links), problems
