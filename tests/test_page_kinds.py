"""Page kinds are a closed union (foresite/pages/contexts.py): each kind is
its context's class, code that treats kinds apart matches on them, and no
kind falls through to another's behaviour."""

from __future__ import annotations

import dataclasses
import datetime
import inspect
import re
from typing import get_args

import pytest

from foresite.build.processes import SERIAL
from foresite.build.site_files import last_modified, sitemap_pages
from foresite.build.stages import move_in, parse_sources, plan, read_sources
from foresite.core.config import Settings, load_settings
from foresite.pages import contexts
from foresite.pages.contexts import PageContext
from foresite.pages.plan import Page
from foresite.render.renderer import Renderer, asset_versions

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(GOLDEN)


@pytest.fixture(scope="module")
def pages(settings: Settings) -> list[Page]:
    """Every page of the golden project, planned as a build plans them."""
    content = GOLDEN / "content"
    sources = read_sources(content, settings)
    parsed = parse_sources(sources.articles, datetime.date(2026, 1, 1), settings.language, SERIAL)
    moved, articles, _ = move_in(content, sources, parsed.articles, settings)
    return plan(articles, settings, moved)[1]


@pytest.fixture(scope="module")
def renderer(settings: Settings) -> Renderer:
    return Renderer(ROOT / "templates", settings, asset_versions(ROOT / "static"))


def test_every_context_class_is_a_frozen_member_of_the_union() -> None:
    declared = {cls for name, cls in vars(contexts).items() if inspect.isclass(cls) and name.endswith("Context")}
    members = set(get_args(PageContext))
    assert declared == members
    assert all(dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen for cls in members)


def test_the_golden_site_has_a_page_of_every_kind(pages: list[Page]) -> None:
    assert {type(page.context) for page in pages} == set(get_args(PageContext))


def test_no_template_tests_a_template_name() -> None:
    for path in sorted((ROOT / "templates").glob("*.html")):
        assert not re.search(r"page\.template\b", path.read_text(encoding="utf-8")), f"{path.name}: give the context what it needs"


def kind_of(pages: list[Page], name: str) -> Page:
    return next(page for page in pages if type(page.context).__name__ == name)


@pytest.mark.parametrize(
    ("kind", "og_type", "has_canonical", "compiles_wasm"),
    [
        ("ArticleContext", "article", True, False),
        ("EntryContext", "website", True, False),
        ("HomeContext", "website", True, False),
        ("SearchContext", "website", True, True),
        ("NotFoundContext", "website", False, False),
        ("TrendContext", "website", True, False),
    ],
)
def test_each_kind_heads_its_page_as_its_own(
    pages: list[Page], renderer: Renderer, kind: str, og_type: str, has_canonical: bool, compiles_wasm: bool
) -> None:
    html = renderer.render(kind_of(pages, kind)).decode("utf-8")
    assert f"<meta property=og:type content={og_type}>" in html
    assert ("<link rel=canonical " in html) == has_canonical
    assert ("'wasm-unsafe-eval'" in html) == compiles_wasm


def test_only_articles_and_rows_have_search_documents_and_json_ld(pages: list[Page], renderer: Renderer) -> None:
    row = renderer.render_search(kind_of(pages, "EntryContext")).decode("utf-8")
    article = renderer.render_search(kind_of(pages, "ArticleContext")).decode("utf-8")
    assert '<span data-pagefind-filter="kind">Article</span>' in article
    assert '<span data-pagefind-filter="kind">Article</span>' not in row
    tag = kind_of(pages, "TagContext")
    with pytest.raises(ValueError, match=re.escape(f"{tag.source}: a TagContext page has no search document")):
        renderer.render_search(tag)
    assert "application/ld+json" in renderer.render(kind_of(pages, "EntryContext")).decode("utf-8")
    assert "application/ld+json" not in renderer.render(tag).decode("utf-8")


def test_the_sitemap_leaves_out_rows_files_the_404_page_and_redirects_and_dates_no_such_page(pages: list[Page]) -> None:
    unlisted = {"RowsFileContext", "NotFoundContext", "RedirectContext"}
    listed = {type(page.context).__name__ for page in sitemap_pages(pages)}
    assert listed == {cls.__name__ for cls in get_args(PageContext)} - unlisted
    for kind in unlisted:
        with pytest.raises(ValueError, match="has no place in a sitemap"):
            last_modified(kind_of(pages, kind), None)


def test_a_rows_file_is_rendered_as_json_not_through_a_template(pages: list[Page], renderer: Renderer) -> None:
    rows = kind_of(pages, "RowsFileContext")
    assert renderer.render(rows).startswith(b'{"article":')
