"""The search stage: Pagefind indexes of the written site, in shards.

Pagefind's Python service answers about ten requests a second, so pages are
never sent one by one: each shard is one `add_directory` call, and what a
result shows comes from `data-pagefind-*` attributes in the templates.

Pagefind holds every page of a run in memory (4.4 GB for the 54,000 indexed
pages of `bench/make_corpus.py 3000`), so pages are indexed in shards of at
most `SHARD_PAGES`, one language per shard, each into its own bundle under
`pagefind/`. `pagefind/shards.json` lists them; static/search.js merges them
in the browser so one query covers all.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pagefind.index import IndexConfig
from pagefind.service import PagefindService

BUNDLE = "pagefind"
MANIFEST = f"{BUNDLE}/shards.json"

SHARD_PAGES = 10_000
"""Pages per Pagefind run. Pagefind holds about 92 KB per page of this site
while indexing (a 12,000-page run peaked at 1.1 GB, the whole build of
`bench/make_corpus.py 3000` at 1.5 GB); 10,000 keeps a run near 0.9 GB and
the build well under 2 GB. Fewer, larger shards cost readers fewer bytes:
each query fetches a piece of index from every shard."""

UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
"""Files of each bundle the site does not use, left out of the output."""

_MIRROR = ".search-shard"
"""Folder inside the site where a shard's pages are linked for one run."""


@dataclass(frozen=True)
class IndexedPage:
    """A written page the search index takes."""

    path: str
    """Its file, relative to the site folder."""
    language: str


@dataclass(frozen=True)
class Shard:
    name: str
    """Its bundle's folder under pagefind/, e.g. 'en-0'."""
    language: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class SearchStats:
    pages: int
    """Pages in the index, as Pagefind counted them."""
    bytes: int
    """Size of everything under pagefind/."""
    shards: int = 1


def plan_shards(pages: Sequence[IndexedPage], size: int = SHARD_PAGES) -> tuple[Shard, ...]:
    """Pages, oldest first, cut per language into runs of at most `size`.

    Cutting from the oldest end means a new article changes only the newest
    shard of its language; the older bundles keep their bytes and their
    place in readers' caches."""
    by_language: dict[str, list[str]] = {}
    for page in pages:
        by_language.setdefault(page.language.lower(), []).append(page.path)
    return tuple(
        Shard(f"{language}-{number}", language, tuple(paths[start : start + size]))
        for language, paths in sorted(by_language.items())
        for number, start in enumerate(range(0, len(paths), size))
    )


def build_search_index(site: Path, pages: Sequence[IndexedPage], size: int | None = None) -> SearchStats:
    """Index `pages` of `site` into pagefind/<shard>/ and list the shards."""
    shards = plan_shards(pages, size or SHARD_PAGES)
    entries = []
    for shard in shards:
        with _mirror(site, shard.paths) as folder:
            asyncio.run(_index(folder, site / BUNDLE / shard.name))
        _drop_unused(site / BUNDLE / shard.name)
        entries.append(_manifest_entry(site, shard))
    manifest = {"shards": entries}
    (site / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (site / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    bundle = site / BUNDLE
    size_on_disk = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    return SearchStats(pages=sum(e["pages"] for e in entries), bytes=size_on_disk, shards=len(shards))


WRITE_TIMEOUT = 30.0
"""Seconds to wait for Pagefind to finish writing a bundle it said was written."""


async def _index(folder: Path, output: Path) -> None:
    # One service per shard: its memory goes back to the system when it exits.
    # Not `async with PagefindIndex(...)`: leaving that block writes the
    # bundle and stops Pagefind at once, but Pagefind answers before its
    # writes are done, and pagefind-entry.json was left empty for good in
    # about one run in ten on a busy machine. So write, wait until the
    # bundle is whole, then stop.
    service = await PagefindService().launch()
    try:
        index = await service.create_index(IndexConfig(output_path=str(output.resolve())))
        await index.add_directory(str(folder))
        old_entry = _stamp(output / "pagefind-entry.json")
        await index.write_files()
        await _written(output, old_entry)
    finally:
        await service.close()


async def _written(output: Path, old_entry: tuple[int, int] | None) -> None:
    """Return once pagefind-entry.json is a new one that parses, and no file
    of the bundle has changed for two looks in a row."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WRITE_TIMEOUT
    before: dict[str, int] | None = None
    while loop.time() < deadline:
        now = {p.as_posix(): p.stat().st_size for p in output.rglob("*") if p.is_file()}
        entry = output / "pagefind-entry.json"
        if now == before and _stamp(entry) != old_entry and _entry_parses(output):
            return
        before = now
        await asyncio.sleep(0.05)
    raise RuntimeError(f"Pagefind did not finish writing {output} within {WRITE_TIMEOUT:.0f} s")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _entry_parses(output: Path) -> bool:
    try:
        json.loads((output / "pagefind-entry.json").read_bytes())
    except (OSError, ValueError):
        return False
    return True


@contextmanager
def _mirror(site: Path, paths: Sequence[str]) -> Iterator[Path]:
    """A folder of hard links to `paths` of `site`, at the same relative
    places, so that Pagefind's result URLs are the site's own."""
    folder = site / _MIRROR
    shutil.rmtree(folder, ignore_errors=True)
    try:
        for relpath in paths:
            target = folder / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(site / relpath, target)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _drop_unused(bundle: Path) -> None:
    """Pagefind's ready-made interfaces: static/search.js is the site's own."""
    for pattern in UNUSED:
        for path in bundle.glob(pattern):
            path.unlink()


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def _manifest_entry(site: Path, shard: Shard) -> dict[str, object]:
    """What the browser needs to merge a shard: its folder, language, size."""
    entry = json.loads((site / BUNDLE / shard.name / "pagefind-entry.json").read_text(encoding="utf-8"))
    languages = entry["languages"]
    return {
        "bundle": f"{shard.name}/",
        "language": shard.language,
        "pages": sum(int(language["page_count"]) for language in languages.values()),
    }



def update_search_index(
    site: Path,
    pages: Sequence[IndexedPage],
    changed: Collection[str],
    previous: Sequence[Shard],
    size: int = SHARD_PAGES,
) -> tuple[tuple[Shard, ...], SearchStats]:
    """The preview's update: re-index only the shards whose pages differ from
    `previous` or include a page of `changed`, and drop the bundles of shards
    that are gone. Returns the shards, for the next update."""
    shards = plan_shards(pages, size)
    before = {shard.name: shard for shard in previous}
    touched = set(changed)
    for shard in shards:
        bundle = site / BUNDLE / shard.name
        if before.get(shard.name) == shard and touched.isdisjoint(shard.paths) and (bundle / "pagefind-entry.json").is_file():
            continue
        with _mirror(site, shard.paths) as folder:
            asyncio.run(_index(folder, bundle))
    entries = [_manifest_entry(site, shard) for shard in shards]
    (site / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (site / MANIFEST).write_text(json.dumps({"shards": entries}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    # Only once the manifest no longer names them, so no reader asks for them.
    for name in sorted(set(before) - {shard.name for shard in shards}):
        shutil.rmtree(site / BUNDLE / name, ignore_errors=True)
    stats = SearchStats(pages=sum(int(e["pages"]) for e in entries), bytes=0, shards=len(shards))
    return shards, stats
