"""The search stage: a Pagefind index of the written site, in one request.

Pagefind's Python service answers about ten requests a second, so pages are
never sent one by one: the written folder is indexed with one `add_directory`
call, and what a result shows comes from `data-pagefind-*` attributes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

BUNDLE = "pagefind"


@dataclass(frozen=True)
class SearchStats:
    pages: int
    bytes: int


def build_search_index(site: Path) -> SearchStats:
    """Index every page of `site` that marks a `data-pagefind-body`."""
    return asyncio.run(_index(site))


async def _index(site: Path) -> SearchStats:
    config = IndexConfig(output_path=str(site / BUNDLE))
    async with PagefindIndex(config=config) as index:
        result = await index.add_directory(str(site))
    bundle = site / BUNDLE
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    return SearchStats(pages=int(result["page_count"]), bytes=size)
