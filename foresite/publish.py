"""Files a published site needs beside its pages (GitHub Pages details)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .config import Settings
from .index import SiteIndex
from .pages import Page


def site_files(index: SiteIndex, pages: Sequence[Page], settings: Settings) -> Iterator[tuple[str, bytes]]:
    """(output path, bytes) of every non-page file of the site."""
    # GitHub Pages would otherwise run Jekyll, which drops folders such as _x.
    yield ".nojekyll", b""
