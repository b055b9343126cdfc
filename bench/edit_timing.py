"""The time from a save in the preview to its page and to its search results:
the benchmark's edit figures (bench/run.py runs it in a process of its own)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from foresite.build.pipeline import Project
from foresite.core.config import SETTINGS_FILE, load_settings
from foresite.preview.rebuild import SAVED_SEARCH_WAIT, IncrementalBuilder, PreviewSearch
from foresite.source.read import list_sources


@dataclass(frozen=True)
class EditTimes:
    shown: float
    """Seconds from the save to the saved article's own pages written."""
    searchable: float
    """Seconds to the saved article's own pages in the search index."""
    whole: float
    """Seconds to every page up to date."""
    search: float
    """Seconds to the whole search index current."""


def measure_one_edit(content_dir: Path, output_dir: Path, root: Path = Path("."), *, workers: int = 2) -> EditTimes:
    """Times of a one-word edit to one article's summary, the preview built
    and indexed beforehand, then updated the way `serve` does it. The edited
    file is put back afterwards. The watcher's delay in seeing a save
    (serve.POLL_SECONDS at most) and the browser's reload come on top."""
    project = Project(content_dir, root / "templates", root / "static", output_dir)
    builder = IncrementalBuilder(project, root / SETTINGS_FILE, lambda: load_settings(root), workers=workers)
    search = PreviewSearch(output_dir, say=lambda _text: None, workers=workers)
    path = _article_with_summary(content_dir)
    original = path.read_bytes()
    try:
        search.request(builder.rebuild())
        search.wait()
        path.write_bytes(original.replace(b"## Summary\n", b"## Summary\nEdited: ", 1))
        start = time.perf_counter()
        saved = builder.show_saved([path])  # as `serve` does: its watcher says which files changed
        shown = time.perf_counter() - start
        assert saved is not None
        # As in `serve`: the saved article is indexed before the rest of the site is rebuilt.
        search.request_saved(saved)
        search.wait_saved(SAVED_SEARCH_WAIT)
        searchable = time.perf_counter() - start
        report = builder.rebuild()
        whole = time.perf_counter() - start
        search.request(report)
        search.wait()
        return EditTimes(shown, searchable, whole, time.perf_counter() - start)
    finally:
        path.write_bytes(original)
        search.close()


def time_one_edit(content_dir: Path, output_dir: Path, root: Path = Path(".")) -> tuple[float, float]:
    """(seconds to the edited article's HTML written, seconds to it in the
    search index): see `measure_one_edit`."""
    times = measure_one_edit(content_dir, output_dir, root)
    return times.shown, times.searchable


def _article_with_summary(content: Path) -> Path:
    for path in list_sources(content):
        if b"\n## Summary\n" in path.read_bytes():
            return path
    raise ValueError(f"no article in {content} has a Summary section to edit")
