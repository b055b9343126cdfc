"""The render stage: Jinja templates and the one markdown → HTML step.

Content is untrusted. Templates autoescape every value; the summary, the
only markdown we allow, goes through Python-Markdown and then nh3, and that
is the only place where text from content is marked safe.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, assert_never

import jinja2
import markdown as markdown_lib
import nh3
from markupsafe import Markup, escape

from foresite.core.config import Settings
from foresite.core.errors import Problem
from foresite.core.model import Article, Entry, HandwrittenPage, Kind, Tag, TagKind
from foresite.core.text import is_markdown_affordable
from foresite.core.urls import (
    DATA_URL,
    INSIGHTS_URL,
    SiteLinks,
    absolute,
    base_path,
    entry_url,
    feed_url,
    link_scope,
    relative,
    safe_external_url,
    trends_url,
    url_of,
)
from foresite.index.site_index import Placed
from foresite.pages.contexts import (
    ArticleContext,
    DataContext,
    EntryContext,
    HandwrittenContext,
    HomeContext,
    InsightsContext,
    ListingContext,
    NotFoundContext,
    PageContext,
    RedirectContext,
    RowsFileContext,
    SearchContext,
    TagContext,
    TagIndexContext,
    TimelineContext,
    TrendContext,
    TrendsContext,
)
from foresite.pages.plan import FIELDS, Page
from foresite.pages.rowlists import rows_file
from foresite.render.cite import json_ld
from foresite.render.theme import (
    TemplateFailure,
    Theme,
    check_template_files,
    static_files,
    template_loader,
    template_problem,
)
from foresite.search.pagefind import search_anchor

_ALLOWED_TAGS = {
    "p", "br", "em", "strong", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "sup", "sub", "del", "abbr", "q", "cite",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}

_PAGE_TAGS = _ALLOWED_TAGS | {"h1", "h2", "table", "thead", "tbody", "tr", "th", "td", "img", "dl", "dt", "dd"}
"""A hand-written page may hold tables and images too; images come only
from the site itself (the Content-Security-Policy says so to the browser)."""
_PAGE_ATTRIBUTES = {
    **_ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title", "width", "height"}, "th": {"align"}, "td": {"align"},
}
_PAGE_EXTENSIONS = ["tables", "fenced_code"]
_PAGE_EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}

# Pages run only the site's own scripts and show no image but their own;
# styles, fonts and fetches fall under default-src. Only the search page
# compiles WebAssembly (Pagefind). At 90,000 pages, each byte here is 90 KB.
CONTENT_SECURITY_POLICY = "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
SEARCH_PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)

SEARCH_DOCUMENT = "search_doc.html"
PAGE_SEARCH_DOCUMENT = "search_doc_page.html"
"""A hand-written page's search document: its title and text, kind 'Page'."""

MACRO_TEMPLATES = ("_charts.html", "_macros.html", "_foresight.html")
"""Templates of macros, each loaded once and its macros made globals."""

FRAGMENT_CACHE = 50_000
"""Cached fragments a renderer keeps; past this it starts over."""

AGAIN_CACHE = 400_000
"""Lines of "seen again" lists a renderer keeps (about 250 bytes each);
past this it starts over. A 10,000-article build lists some 150,000 rows."""

_T = TypeVar("_T")

_BLANK_LINE = re.compile(r"\n[ \t]*\n")

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


@functools.lru_cache(maxsize=4096)
def markdown_to_html(text: str) -> Markup:
    """Markdown from content → sanitised HTML: no script, no handler, no
    link but http(s), mailto and relative ones."""
    if not is_markdown_affordable(text):
        return plain_paragraphs(text)
    clean = _sanitised_markdown(text, _ALLOWED_TAGS, _ALLOWED_ATTRIBUTES)
    return plain_paragraphs(text) if clean is None else Markup(clean)


@functools.lru_cache(maxsize=256)
def page_markdown_to_html(text: str, plain: bool = False) -> Markup:
    """A hand-written page's markdown → sanitised HTML, as `markdown_to_html`
    but with headings, tables and images; `plain` shows the text as written."""
    clean = None if plain else _sanitised_markdown(text, _PAGE_TAGS, _PAGE_ATTRIBUTES, _PAGE_EXTENSIONS, _PAGE_EXTENSION_CONFIGS)
    if clean is None:
        return plain_paragraphs(text)
    # Wide tables scroll inside the page on a phone, as articles' do.
    return Markup(clean.replace("<table>", "<div class=scroll><table>").replace("</table>", "</table></div>"))


def _sanitised_markdown(
    text: str, tags: set[str], attributes: dict[str, set[str]],
    extensions: Sequence[str] = (), configs: Mapping[str, Mapping[str, object]] | None = None,
) -> str | None:
    """The one markdown → HTML step, then nh3 keeping only `tags` and
    `attributes` and links of safe schemes; None when the text is nested too
    deeply for markdown (a broken file costs only itself)."""
    try:
        html = markdown_lib.markdown(text, extensions=list(extensions), extension_configs=dict(configs or {}), output_format="html")
    except RecursionError:
        return None
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_BADGE = Markup('<b class=r{0}>{0}</b>')
_BADGES = {v: _BADGE.format(v) for v in range(1, 6)}


def relevancy_badge(value: int | None) -> Markup:
    """A row's relevancy as a badge; a function, not a macro: tag pages and
    listings show one per row, tens of thousands of times in a build. Just
    the number: every place that shows one says what it is (a column head,
    "relevancy" before it, a list's legend); a title on each of 600,000
    badges only said it again, at 36 bytes apiece. Its one class holds the
    whole style (a second, shared one cost 2.6 MB at 3,000 articles)."""
    if not value:
        return Markup("")
    return _BADGES.get(value) or _BADGE.format(value)


def plain_paragraphs(text: str) -> Markup:
    """Text shown as it was written, escaped, one <p> per paragraph."""
    paragraphs = (p.strip() for p in _BLANK_LINE.split(text))
    return Markup("\n".join(f"<p>{escape(p)}</p>" for p in paragraphs if p))


def format_date(date: datetime.date | None) -> str:
    return date.isoformat() if date else "undated"


def month_name(month: int) -> str:
    return _MONTHS[month - 1]


def asset_versions(static: Theme | Path) -> dict[str, str]:
    """'static/name?v=hash' for each static file (of a theme, or of one
    folder): readers get new CSS/JS on the first load after a change, and
    cached files otherwise."""
    versions = {}
    for name, path in static_files(static if isinstance(static, Theme) else Theme((), (static,))).items():
        digest = hashlib.sha1(path.read_bytes()).hexdigest()[:10]
        versions[name] = f"static/{name}?v={digest}"
    return versions


class _Environment(jinja2.Environment):
    """Jinja's environment, its templates' globals one plain dict.

    Every render copies its template's globals into a new context. Jinja
    keeps them as a ChainMap over the environment's, whose copy runs key by
    key in Python: 40 µs a page, a quarter of a row page's time. The
    Renderer sets every global before it loads a page template, so a copy
    taken at load time misses nothing."""

    def make_globals(self, d: MutableMapping[str, object] | None) -> MutableMapping[str, object]:
        return {**self.globals, **(d or {})}


class Renderer:
    """Renders pages with one Jinja environment; pure given its inputs.

    Links are relative to the page being rendered, which the renderer holds
    while it renders (`_from`) rather than each template's context, so that
    macros need no page context: the macros of MACRO_TEMPLATES are loaded
    once and are globals. An `{% import %}` in each page would cost Jinja a
    check of every global per import (34 µs, a tenth of a row page)."""

    def __init__(
        self, templates: Theme | Path, settings: Settings, assets: Mapping[str, str], *,
        links: SiteLinks | None = None, holders: Mapping[str, str] | None = None,
        navigation: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """`links` and `holders` (each article's content path, by id) make
        links between content files work; `navigation` is (title, URL) of
        hand-written pages the header links to."""
        self.settings = settings
        self.theme = templates if isinstance(templates, Theme) else Theme((templates,), ())
        self._links = links or SiteLinks()
        self._holders = holders or {}
        self.env = _Environment(
            loader=template_loader(self.theme),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.globals.update(
            site=settings,
            Kind=Kind,
            TagKind=TagKind,
            href=self._href,
            asset=self._asset,
            cached=self._cached,
            row_items=self._row_items_of,
            again_items=self._again_items_of,
            search_anchor=lambda article: search_anchor(url_of(article), article.title),
            url_of=url_of,
            relevancy=relevancy_badge,
            fields=FIELDS,
            base_path=base_path(settings.base_url),
            nav=_navigation() + navigation,
            data_url=DATA_URL,
            site_feed=feed_url(),
            json_ld=lambda page: json_ld(page, settings),
            page_markdown=self._page_markdown,
            cell=self._cell,
        )
        self.env.filters.update(
            markdown=self._markdown,
            date=format_date,
            month=month_name,
            external=safe_external_url,
            absolute=lambda url: absolute(settings.base_url, url),
        )
        self._assets = assets
        for name in MACRO_TEMPLATES:
            module = self._located(functools.partial(self._module_of, name))
            self.env.globals.update({k: v for k, v in vars(module).items() if isinstance(v, jinja2.runtime.Macro)})
        self._fragments: dict[tuple[object, ...], str] = {}
        self._again_lines: dict[tuple[str, str, str, datetime.date | None], str] = {}
        self._from = self._scope = self._holder = ""
        """URL of the page being rendered, its link scope (urls.link_scope)
        and the content file whose markdown it shows."""

    def _markdown(self, text: str) -> Markup:
        """An article's markdown as HTML, its links to other content made
        links to their pages from the page being rendered."""
        html = markdown_to_html(text)
        holder = self._holder
        return Markup(self._links.rewrite(html, holder, self._from)) if holder else html

    def _cell(self, value: str | int | None) -> Markup | str | int | None:
        """A table cell (a value of Entry.value) as the page shows it: text
        as written, its links to other content made links to their pages."""
        if not isinstance(value, str) or "](" not in value or not self._holder:
            return value
        return Markup(self._links.link_cell(value, self._holder, self._from))

    def _page_markdown(self, page: HandwrittenPage) -> Markup:
        return Markup(self._links.rewrite(page_markdown_to_html(page.body, page.plain), page.relpath, self._from))

    def _holder_of(self, context: PageContext) -> str:
        """The content file whose markdown the page shows, for its relative links."""
        match context:
            case ArticleContext() | EntryContext():
                return self._holders.get(context.article.id, "")
            case HandwrittenContext():
                return context.page.relpath
            case (
                HomeContext() | RowsFileContext() | ListingContext() | TagIndexContext() | TagContext()
                | TimelineContext() | DataContext() | SearchContext() | NotFoundContext() | TrendsContext()
                | TrendContext() | InsightsContext() | RedirectContext()
            ):
                return ""
            case _:
                assert_never(context)

    def _href(self, target: Article | Entry | Tag | str) -> str:
        """Link from the page being rendered to `target` (an object or a site URL)."""
        return relative(self._from, target if isinstance(target, str) else url_of(target))

    def _asset(self, name: str) -> str:
        return relative(self._from, self._assets[name])

    def _cached(self, *key: object, caller: jinja2.runtime.Macro) -> str:
        """`{% call cached(name, *inputs) %}…{% endcall %}`: the block rendered
        once per link scope (urls.link_scope) and inputs, then reused. For
        what thousands of pages repeat: head, header, footer, tag lists. A
        cached block must depend on nothing but its inputs and the page's
        scope, and must not link to the page itself."""
        full = (self._scope, *key)
        fragment = self._fragments.get(full)
        if fragment is None:
            if len(self._fragments) >= FRAGMENT_CACHE:
                self._fragments.clear()
            fragment = self._fragments[full] = caller()
        return fragment

    def _row_items_of(self, items: Iterable[Placed], show_article: bool) -> Markup:
        """The <li> of each row in a list of rows, one per line: relevancy,
        link and, if asked, the row's article. Python, not a macro: tag
        pages list each row a dozen times or more (1.2 million items at
        3,000 articles), and one call per list costs Jinja a call, not one
        per row. (Caching the items saved a second of CPU and cost 70 MB a
        worker.)"""
        href = self._href
        site_language = self.settings.language
        lines = []
        for placed in items:
            entry = placed.entry
            source = ""
            if show_article:
                article = placed.article
                lang = f' lang="{escape(article.language)}"' if article.language != site_language else ""
                source = f' <span class=from>— <a href="{escape(href(article))}"{lang}>{escape(article.title)}</a>, {format_date(article.date)}</span>'
            # No </li>: the next <li> or the list's end closes it.
            lines.append(f'<li>{relevancy_badge(entry.relevancy)}<a href="{escape(href(entry))}">{escape(entry.name)}</a>{source}\n')
        return Markup("".join(lines))

    def _again_items_of(self, items: Iterable[Placed], name: str) -> Markup:
        """The <li> of each repeat of a row named `name`: a link to it named by
        its article, the article's date, and the repeat's name where it is
        spelt otherwise. Python for the reason of `_row_items_of`. Each line
        is made once per link scope: a row is listed on the page of every
        other row of its name, up to twelve, and the more the scan recurs
        the more of them (about a million lines at 10,000 articles, where
        making each anew took 11 µs, a fifth of such a row page's time)."""
        lines = []
        for placed in items:
            entry = placed.entry
            line = self._again_line(entry, placed.article)
            lines.append(line if entry.name == name else f"{line} (as “{escape(entry.name)}”)")
        return Markup("".join(lines))

    def _again_line(self, entry: Entry, article: Article) -> str:
        # Keyed on all the line is made of, not on objects: the preview's
        # renderer outlives its models, and a saved article comes back as new
        # objects, maybe renamed or redated.
        url = entry_url(entry)
        key = (self._scope, url, article.title, article.date)
        line = self._again_lines.get(key)
        if line is None:
            if len(self._again_lines) >= AGAIN_CACHE:
                self._again_lines.clear()
            line = f'<li><a href="{escape(relative(self._from, url))}">{escape(article.title)}</a>, {escape(format_date(article.date))}'
            self._again_lines[key] = line
        return line

    def render(self, page: Page) -> bytes:
        match page.context:
            case RowsFileContext() as context:
                return rows_file(context.article, context.tags)
            case (
                EntryContext() | ArticleContext() | TagContext() | ListingContext() | HomeContext()
                | TagIndexContext() | TimelineContext() | DataContext() | SearchContext() | NotFoundContext()
                | TrendsContext() | TrendContext() | InsightsContext() | HandwrittenContext() | RedirectContext()
            ):
                return self._render(page.template, page)
            case _:
                assert_never(page.context)

    def render_search(self, page: Page) -> bytes:
        """The page's search document (see foresite/search/pagefind.py): an
        article's, or a row's, which also shows the row."""
        match page.context:
            case ArticleContext():
                return self._render(SEARCH_DOCUMENT, page, entry=None)
            case EntryContext() as context:
                return self._render(SEARCH_DOCUMENT, page, entry=context.entry)
            case HandwrittenContext():
                return self._render(PAGE_SEARCH_DOCUMENT, page)
            case (
                RowsFileContext() | TagContext() | ListingContext() | HomeContext() | TagIndexContext()
                | TimelineContext() | DataContext() | SearchContext() | NotFoundContext() | TrendsContext()
                | TrendContext() | InsightsContext() | RedirectContext()
            ):
                raise ValueError(f"{page.source}: a {type(page.context).__name__} page has no search document")
            case _:
                assert_never(page.context)

    def _render(self, template: str, page: Page, **extra: object) -> bytes:
        self._from, self._scope = page.url, link_scope(page.url)
        self._holder = self._holder_of(page.context)
        try:
            context = {"page": page, "ctx": page.context, "head": head_of(page.context), **extra}
            return self._located(lambda: self.env.get_template(template).render(context)).encode("utf-8")
        finally:
            self._from = self._scope = self._holder = ""

    def _module_of(self, name: str) -> object:
        return self.env.get_template(name).module

    def _located(self, work: Callable[[], _T]) -> _T:
        """`work`'s result; a template that fails in it raises a TemplateFailure
        naming the template's file and line (Jinja's own error is a traceback)."""
        try:
            return work()
        except (jinja2.TemplateError, TypeError) as exc:
            problem = template_problem(exc, self.theme)
            if problem is None:  # not a template's fault
                raise
            raise TemplateFailure(problem) from None

    def check_template_files(self) -> list[Problem]:
        """Every template read and its blocks checked (theme.check_template_files)."""
        return check_template_files(self.env, self.theme)

    def check_templates(self, pages: Iterable[Page]) -> list[Problem]:
        """Problems of the templates: each read and its blocks checked, then
        each rendered for the first page that uses it (and the search
        document for the first indexed page), as a build would."""
        problems = self.check_template_files()
        samples: dict[str, Page] = {}
        for page in pages:
            samples.setdefault(page.template, page)
            if page.indexed:
                samples.setdefault(SEARCH_DOCUMENT, page)
        for template, page in samples.items():
            try:
                self.render_search(page) if template == SEARCH_DOCUMENT else self.render(page)
            except TemplateFailure as failure:
                problems.extend(failure.problems)
        return sorted(set(problems))


@dataclass(frozen=True)
class Head:
    """What a page's <head> says of its kind."""

    policy: Markup
    """Its Content-Security-Policy."""
    og_type: str
    """Its kind for link previews (Open Graph): 'article' or 'website'."""
    is_canonical: bool = True
    """Whether it has a canonical address: not the 404 page, served at any."""


_PAGE_HEAD = Head(Markup(CONTENT_SECURITY_POLICY), "website")
_ARTICLE_HEAD = Head(Markup(CONTENT_SECURITY_POLICY), "article")
_SEARCH_HEAD = Head(Markup(SEARCH_PAGE_POLICY), "website")
_NOT_FOUND_HEAD = Head(Markup(CONTENT_SECURITY_POLICY), "website", is_canonical=False)


def head_of(context: PageContext) -> Head:
    match context:
        case ArticleContext():
            return _ARTICLE_HEAD
        case SearchContext():
            return _SEARCH_HEAD
        case NotFoundContext():
            return _NOT_FOUND_HEAD
        case (
            EntryContext() | TagContext() | ListingContext() | HomeContext() | TagIndexContext()
            | TimelineContext() | DataContext() | TrendsContext() | TrendContext() | InsightsContext()
            | HandwrittenContext() | RedirectContext()
        ):
            return _PAGE_HEAD
        case RowsFileContext():
            raise ValueError("a rows file is JSON: it has no <head>")
        case _:
            assert_never(context)


def _navigation() -> tuple[tuple[str, str], ...]:
    """(label, site URL) of every index, in header order."""
    return (
        ("Articles", "articles/"),
        *((kind.label_plural, f"{kind.plural}/") for kind in Kind),
        *((kind.label_plural, f"{kind.plural}/") for kind in TagKind),
        ("Timeline", "timeline/"),
        ("Trends", trends_url()),
        ("Insights", INSIGHTS_URL),
    )
