"""The preview's incremental rebuild: after any series of edits, the same
bytes as a full build of the same content, with far less rendered."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from foresite.build import stages
from foresite.build.pipeline import Project
from foresite.build.stages import SitePlan
from foresite.core.config import Settings, load_settings
from foresite.core.model import Article, Kind, Tag, TagKind
from foresite.core.text import key_slug
from foresite.core.urls import entry_url, output_path, tag_url
from foresite.foresight.trends import build_trends
from foresite.index.site_index import build_index
from foresite.pages.contexts import ListingContext, TagContext
from foresite.pages.plan import Page, article_pages, home_page, index_pages
from foresite.preview.listings import shows_any
from foresite.preview.rebuild import SEARCH_NICENESS, IncrementalBuilder, PreviewSearch, RebuildReport, is_acceptable
from foresite.search import pagefind
from foresite.search.pagefind import BUNDLE, MANIFEST
from foresite.search.pagefind import run_pagefind as real_run_pagefind
from foresite.source.parse import ParseResult, parse_article
from foresite.source.read import SourceFile, display_path, list_sources, stamp_of

from .conftest import ROOT, build_project

ARTICLES = 8


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project folder of its own: some of content/, the templates, static files and settings."""
    root = tmp_path / "project"
    for name in ("templates", "static"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site.yml", root / "site.yml")
    (root / "content").mkdir()
    for path in sorted((ROOT / "content").glob("*.md"))[:ARTICLES]:
        shutil.copy(path, root / "content" / path.name)
    return root


def builder_for(root: Path, output: Path) -> IncrementalBuilder:
    project = Project(root / "content", root / "templates", root / "static", output)
    return IncrementalBuilder(project, root / "site.yml", lambda: load_settings(root), workers=1)


def save(path: Path, text: str) -> None:
    """Write `text` so that the preview sees a new stamp even within one clock tick."""
    before = stamp_of(path) if path.exists() else None
    path.write_text(text, encoding="utf-8")
    if stamp_of(path) == before:
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a site but the search bundle, by path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(f"{BUNDLE}/")
    }


def assert_same_as_full_build(root: Path, preview: Path, scratch: Path) -> None:
    full = scratch / "full"
    shutil.rmtree(full, ignore_errors=True)
    report = build_project(root / "content", full, search=False, root=root)
    assert report.written
    expected, actual = files_of(full), files_of(preview)
    assert sorted(actual) == sorted(expected), "the preview has other files than a full build"
    differing = [path for path in expected if expected[path] != actual[path]]
    assert differing == [], f"{len(differing)} files differ from a full build, e.g. {differing[:5]}"


def test_identical_to_a_full_build_after_a_series_of_edits(project: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    first = builder.rebuild()
    assert first.written and not first.kept
    content = project / "content"
    articles = sorted(content.glob("*.md"))

    # Edit a summary, and add an article that shares another's tags.
    edited = articles[0]
    save(edited, edited.read_text(encoding="utf-8").replace("## Summary\n", "## Summary\n\nEdited first. ", 1))
    save(content / "added-by-hand.md", articles[1].read_text(encoding="utf-8").replace("# __", "# __Added: ", 1))
    report = builder.rebuild()
    assert sorted(report.reparsed) == sorted(str(p) for p in (edited, content / "added-by-hand.md"))
    assert 0 < report.rendered < len(builder.state.pages) / 2
    assert_same_as_full_build(project, preview, tmp_path)

    # Rename one article, delete another, and drop a keyword from a third.
    renamed = articles[2].rename(content / "renamed.md")
    os.utime(renamed)
    deleted_id = articles[3].stem
    articles[3].unlink()
    third = articles[4].read_text(encoding="utf-8")
    keyword = next(line for line in third.splitlines() if line.startswith("* "))
    save(articles[4], third.replace(keyword + "\n", "", 1))
    report = builder.rebuild()
    assert report.removed > 0
    assert not (preview / "articles" / articles[2].stem).exists()
    assert not (preview / "articles" / deleted_id).exists()
    assert not any(f"articles/{deleted_id}/" in p.read_text(encoding="utf-8") for p in preview.rglob("*.html"))
    assert_same_as_full_build(project, preview, tmp_path)

    # Templates, static files and settings change every page.
    base = project / "templates" / "base.html"
    save(base, base.read_text(encoding="utf-8").replace("</footer>", "<p>Preview test.</p>\n</footer>", 1))
    style = project / "static" / "style.css"
    save(style, style.read_text(encoding="utf-8") + "\n/* edited */\n")
    settings = project / "site.yml"
    text = settings.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    save(settings, text.replace(title, "title: Edited in a test", 1))
    report = builder.rebuild()
    assert report.rendered == len(builder.state.pages)
    assert_same_as_full_build(project, preview, tmp_path)


def test_a_rebuild_with_nothing_saved_does_nothing(project: Path, tmp_path: Path) -> None:
    builder = builder_for(project, tmp_path / "preview")
    builder.rebuild()
    report = builder.rebuild()
    assert (report.reparsed, report.rendered, report.written, report.removed) == ((), 0, 0, 0)
    assert not report.changed


def test_a_broken_edit_keeps_the_last_good_version(project: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    path = min((project / "content").glob("*.md"))
    page = preview / "articles" / path.stem / "index.html"
    good_text, good_page = path.read_text(encoding="utf-8"), page.read_bytes()

    broken = "---\ntitle: [unclosed\n---\n" + good_text.replace("## Summary\n", "## Summary\n\nNew words. ", 1)
    save(path, broken)
    report = builder.rebuild()
    assert report.kept == (str(path),)
    # The parser's own located message (its exact text is tested in test_parse and test_check).
    expected = parse_article(broken, str(path), path.stem, stages.build_today()).problems
    assert report.problems == expected
    assert [(p.level.value, p.line) for p in expected] == [("error", 2)]
    assert page.read_bytes() == good_page

    fixed = good_text.replace("## Summary\n", "## Summary\n\nNew words. ", 1)
    save(path, fixed)
    report = builder.rebuild()
    assert report.kept == ()
    assert b"New words." in page.read_bytes()


def test_a_row_with_the_wrong_number_of_cells_keeps_the_last_good_version(project: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    path = min((project / "content").glob("*.md"))
    page = preview / "articles" / path.stem / "index.html"
    before = page.read_bytes()
    lines = path.read_text(encoding="utf-8").split("\n")
    row = next(i for i, line in enumerate(lines) if line.startswith("|") and lines[i - 1].startswith("|:--"))
    lines[row] = lines[row].rsplit("|", 2)[0] + "|"  # one cell fewer
    save(path, "\n".join(lines))
    report = builder.rebuild()
    assert report.kept == (str(path),)
    assert any(p.line == row + 1 and "cells, the header has" in p.message for p in report.problems)
    assert page.read_bytes() == before


def test_an_unreadable_file_keeps_the_last_good_version(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    path = min((project / "content").glob("*.md"))
    read = stages.read_source

    def refuse(source: Path) -> object:
        if source == path:
            raise PermissionError(13, "Permission denied")
        return read(source)

    monkeypatch.setattr(stages, "read_source", refuse)
    save(path, path.read_text(encoding="utf-8") + "\n")
    report = builder.rebuild()
    assert [str(p) for p in report.problems] == [f"{path}:1: error: cannot read the file: Permission denied"]
    assert report.kept == (str(path),)
    assert (preview / "articles" / path.stem / "index.html").exists()


def test_a_file_broken_from_the_start_is_left_out_as_in_a_full_build(project: Path, tmp_path: Path) -> None:
    builder = builder_for(project, tmp_path / "preview")
    builder.rebuild()
    save(project / "content" / "broken.md", "no title here\n\n## Summary\n\nText.")
    report = builder.rebuild()
    assert report.kept == ()
    assert [p.level.value for p in report.problems] == ["error"]
    assert_same_as_full_build(project, tmp_path / "preview", tmp_path)


@pytest.mark.parametrize(
    ("new_messages", "shown_messages", "acceptable"),
    [
        (["warning: a"], ["warning: a"], True),
        ([], ["warning: a"], True),
        (["warning: a", "warning: b"], ["warning: a"], False),
        (["warning: a", "warning: a"], ["warning: a"], False),
    ],
)
def test_an_edit_is_shown_unless_it_adds_a_problem(
    new_messages: list[str], shown_messages: list[str], acceptable: bool
) -> None:
    from foresite.core.errors import warning

    article = stages.parse_source(
        stages.read_source(min((ROOT / "content").glob("*.md"))), stages.build_today()
    ).article

    def result(messages: list[str], line: int) -> ParseResult:
        return ParseResult(article, tuple(warning("x.md", line, m.removeprefix("warning: ")) for m in messages))

    assert is_acceptable(result(new_messages, 9), result(shown_messages, 3)) is acceptable
    assert is_acceptable(ParseResult(None, ()), result(shown_messages, 3)) is False


def test_files_left_by_an_earlier_session_are_removed(project: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    (preview / "articles" / "gone").mkdir(parents=True)
    (preview / "articles" / "gone" / "index.html").write_text("old", encoding="utf-8")
    (preview / BUNDLE).mkdir()
    (preview / BUNDLE / "kept.txt").write_text("the search bundle stays until re-indexed", encoding="utf-8")
    builder_for(project, preview).rebuild()
    assert not (preview / "articles" / "gone").exists()
    assert (preview / BUNDLE / "kept.txt").exists()


def test_search_follows_the_edits(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    said: list[str] = []
    search = PreviewSearch(preview, say=said.append, shard_pages=100, workers=2)
    priorities: list[int] = []
    running = [0, 0]  # now, at most
    lock = threading.Lock()

    def run_pagefind(folder: Path, bundle: Path, cpu: int | None = None, niceness: int = 0) -> None:
        priorities.append(niceness)
        with lock:
            running[0] += 1
            running[1] = max(running)
        time.sleep(0.3)  # long enough for the other run to start beside it
        real_run_pagefind(folder, bundle, cpu, niceness)
        with lock:
            running[0] -= 1

    monkeypatch.setattr(pagefind, "run_pagefind", run_pagefind)
    try:
        first = builder.rebuild()
        search.request(first)
        assert search.wait(120)
        # Behind the saves: the preview's Pagefind never takes a core from one being shown.
        assert priorities and set(priorities) == {SEARCH_NICENESS} and SEARCH_NICENESS > 0
        # Two at a time, as a full build runs them: a change to every page re-indexes every shard.
        assert running[1] == 2
        manifest = json.loads((preview / MANIFEST).read_text(encoding="utf-8"))
        assert sum(shard["pages"] for shard in manifest["shards"]) == len(first.indexed)
        assert said[-1].startswith("search: current (")

        min((project / "content").glob("*.md")).unlink()
        report = builder.rebuild()
        search.request(report)
        assert search.wait(120)
        manifest = json.loads((preview / MANIFEST).read_text(encoding="utf-8"))
        assert sum(shard["pages"] for shard in manifest["shards"]) == len(report.indexed) < len(first.indexed)
    finally:
        search.close()


def test_time_one_edit(project: Path, tmp_path: Path) -> None:
    path = min((project / "content").glob("*.md"))
    before = path.read_bytes()
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from edit_timing import time_one_edit  # benchmark code lives in bench/
    finally:
        sys.path.remove(str(ROOT / "bench"))
    html_seconds, search_seconds = time_one_edit(project / "content", tmp_path / "preview", project)
    assert 0 < html_seconds <= search_seconds
    assert path.read_bytes() == before


def test_a_save_shows_its_own_pages_at_once_then_every_page(project: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    path = min((project / "content").glob("*.md"))
    save(path, path.read_text(encoding="utf-8").replace("## Summary\n", "## Summary\n\nShown at once. ", 1))
    added = project / "content" / "added-at-once.md"
    save(added, path.read_text(encoding="utf-8").replace("# __", "# __Added at once: ", 1))

    shown = builder.show_saved()
    assert shown is not None and not shown.whole
    assert sorted(shown.reparsed) == sorted([str(path), str(added)])
    assert b"Shown at once." in (preview / "articles" / path.stem / "index.html").read_bytes()
    assert b"Added at once: " in (preview / "articles" / "added-at-once" / "index.html").read_bytes()
    assert 2 <= shown.rendered < len(builder.state.pages) / 4
    assert b"added-at-once" in (preview / "articles" / "index.html").read_bytes()  # the listing that lists it, at once

    whole = builder.rebuild()
    assert whole.whole and whole.reparsed == () and whole.rendered > 0
    assert f"articles/{path.stem}/index.html" in whole.indexed_changed
    assert b"added-at-once" in (preview / "articles" / "index.html").read_bytes()
    assert_same_as_full_build(project, preview, tmp_path)


def test_a_save_the_rebuild_finds_first_is_shown_at_once_and_said(project: Path, tmp_path: Path) -> None:
    """A save made just as a whole rebuild starts, before the watcher reports
    it: the rebuild's look at every file finds it first. It is shown and said
    at once, as the watcher's saves are, not only with every page; the
    watcher then finds nothing left to show."""
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    told: list[tuple[tuple[str, str], ...]] = []
    written_when_told: list[bytes] = []
    page = preview / "articles" / min((project / "content").glob("*.md")).stem / "index.html"

    def shown_aside(report: RebuildReport) -> None:
        told.append(report.saves)
        written_when_told.append(page.read_bytes())  # before the rebuild plans or renders anything else

    builder.shown_aside = shown_aside
    path = min((project / "content").glob("*.md"))
    save(path, path.read_text(encoding="utf-8").replace("## Summary\n", "## Summary\n\nFound by the rebuild. ", 1))
    whole = builder.rebuild()
    assert told == [((display_path(path), "edited"),)]
    assert b"Found by the rebuild." in written_when_told[0]
    assert whole.reparsed == ()  # said once, aside
    assert builder.show_saved({path}).saves == ()  # the watcher's report of it: nothing left to show
    assert_same_as_full_build(project, preview, tmp_path)


def test_templates_settings_and_static_files_wait_for_the_whole_rebuild(project: Path, tmp_path: Path) -> None:
    builder = builder_for(project, tmp_path / "preview")
    builder.rebuild()
    style = project / "static" / "style.css"
    save(style, style.read_text(encoding="utf-8") + "\n/* edited */\n")
    assert builder.show_saved() is None


def test_a_save_during_a_whole_rebuild_is_shown_and_the_rebuild_redone(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foresite.preview import rebuild as incremental

    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    path = min((project / "content").glob("*.md"))
    plans = []
    real_plan = incremental.plan_site

    def plan_while_saving(articles: tuple[Article, ...], settings: Settings, **options: Any) -> SitePlan:
        plans.append(len(articles))
        if len(plans) == 1:  # an editor saves while the first plan is made
            save(path, path.read_text(encoding="utf-8").replace("## Summary\n", "## Summary\n\nSaved meanwhile. ", 1))
            assert builder.show_saved() is not None
        return real_plan(articles, settings, **options)

    monkeypatch.setattr(incremental, "plan_site", plan_while_saving)
    save(project / "content" / "new.md", path.read_text(encoding="utf-8").replace("# __", "# __New: ", 1))
    report = builder.rebuild()
    assert len(plans) == 2, "the stale plan is made again"
    assert report.reparsed == (str(project / "content" / "new.md"),)
    assert_same_as_full_build(project, preview, tmp_path)


def test_an_article_shown_then_deleted_before_the_whole_rebuild_leaves_nothing(project: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    short_lived = project / "content" / "short-lived.md"
    save(short_lived, min((project / "content").glob("*.md")).read_text(encoding="utf-8"))
    assert builder.show_saved() is not None
    assert (preview / "articles" / "short-lived" / "index.html").exists()
    short_lived.unlink()
    builder.rebuild()
    assert not (preview / "articles" / "short-lived").exists()
    assert_same_as_full_build(project, preview, tmp_path)


# ---------------------------------------------------------------- the saved articles' own pages


def published(content: Path, last_good: Mapping[Path, str] | None = None) -> list[Article]:
    """The articles a full build of `content` publishes; a file in
    `last_good` as it was then (the preview keeps showing a refused edit's
    last good version)."""
    today, found = stages.build_today(), []
    for path in list_sources(content):
        if last_good and path in last_good:
            source = SourceFile(display_path(path), path.stem, last_good[path].encode("utf-8"), (0, 0))
            result = stages.parse_source(source, today)
        else:
            result = stages.parse_path(path, today)
        if result.article is not None and not result.article.draft:
            found.append(result.article)
    return found


def assert_saved_pages_exact(
    builder: IncrementalBuilder, saved: list[Path], last_good: Mapping[Path, str] | None = None
) -> None:
    """The saved articles' pages the preview holds and wrote are those a full
    build of the same content plans for them, their trends included, related
    items (the last whole plan's, in both) aside: equal contexts, ranks of
    the rows seen again included, and the bytes they render to."""
    state = builder.state
    assert state.plan is not None and state.renderer is not None and state.settings is not None
    full = build_index(published(builder.project.content, last_good))
    foresight = dataclasses.replace(state.plan.foresight, trends=build_trends(full, state.settings.trends))
    for path in saved:
        for page in article_pages(full.by_id[path.stem], full, foresight):
            shown = state.pages[page.url]
            assert shown == page, f"{page.url} differs from a full build's in {_differing(shown, page)}"
            assert _ranks(shown) == _ranks(page), f"{page.url}: ranks differ from a full build's"
            written = (builder.project.output / output_path(page.url)).read_bytes()
            assert written == state.renderer.render(page), f"{page.url}: other bytes than a full build's"


def _differing(shown: Page, expected: Page) -> list[str]:
    """The names of the fields of the page and its context that differ."""
    pairs = [(shown, expected, ""), (shown.context, expected.context, "context.")]
    return [
        prefix + f.name for a, b, prefix in pairs for f in dataclasses.fields(b)  # type: ignore[arg-type]
        if getattr(a, f.name) != getattr(b, f.name)
    ]


def _ranks(page: Page) -> list[tuple[str, str, int]]:
    seen_again = getattr(page.context, "seen_again", ())
    return [(p.article.id, p.entry.slug, p.rank) for p in seen_again]


def edited(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    return text.replace(old, new, 1)


def first_row_renamed(text: str, section: str, name: str) -> str:
    """`text` with the first row of the table under `## section` named `name`."""
    lines = text.split("\n")
    start = lines.index(f"## {section}")
    row = next(i for i in range(start, len(lines)) if lines[i].startswith("|") and lines[i - 1].startswith("|:"))
    lines[row] = re.sub(r"^\|[^|]*\|", f"| {name} |", lines[row])
    return "\n".join(lines)


def with_front_matter(text: str, line: str) -> str:
    if text.startswith("---\n"):
        return f"---\n{line}\n{text[4:]}"
    return f"---\n{line}\n---\n{text}"


def seen_again_of(builder: IncrementalBuilder, path: Path, kind: Kind, index: int) -> tuple[str, ...]:
    """Ids of the articles whose rows the page of `path`'s row lists as seen again."""
    article = builder.state.corpus.article(path.stem)
    assert article is not None
    entry = article.entries_of(kind)[index]
    return tuple(p.article.id for p in builder.state.pages[entry_url(entry)].context.seen_again)  # type: ignore[attr-defined]


def test_the_saved_articles_pages_are_a_full_builds_after_a_series_of_saves(project: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    content = project / "content"
    a, b, c = sorted(content.glob("*.md"))[:3]
    start = build_index(published(content))

    # Copies of b that spell a's first keyword otherwise, more often than it
    # is spelt now: a's tag takes that label, though a itself is unchanged.
    keyword = start.by_id[a.stem].keywords[0]
    respelt = keyword.swapcase()
    copies = [content / f"copy-{i}.md" for i in range(len(start.tag_articles[start.tags_of[a.stem].keywords[0]]) + 1)]
    for copy in copies:
        save(copy, edited(b, "## Keywords\n\n", f"## Keywords\n\n* {respelt}\n"))
    assert builder.show_saved(copies) is not None
    assert_saved_pages_exact(builder, copies)
    save(a, edited(a, "## Summary\n", "## Summary\n\nSaved once. "))
    builder.show_saved([a])
    assert_saved_pages_exact(builder, [a])
    assert builder.state.pages[f"articles/{a.stem}/"].context.tags.keywords[0].label == respelt  # type: ignore[attr-defined]

    # a's first signal takes b's first signal's name, in capitals: it joins
    # the row seen again in b and its copies (every file looked at, this once).
    name = start.by_id[b.stem].entries_of(Kind.SIGNAL)[0].name
    save(a, first_row_renamed(a.read_text(encoding="utf-8"), "Signals", name.upper()))
    builder.show_saved()
    assert_saved_pages_exact(builder, [a])
    assert set(seen_again_of(builder, a, Kind.SIGNAL, 0)) == {b.stem, *(p.stem for p in copies)}

    # b's row leaves the group, a copy is deleted, another becomes a draft.
    save(b, first_row_renamed(b.read_text(encoding="utf-8"), "Signals", "A name of its own"))
    copies[0].unlink()
    save(copies[1], with_front_matter(copies[1].read_text(encoding="utf-8"), "draft: true"))
    builder.show_saved([b, copies[0], copies[1]])
    save(a, edited(a, "Saved once. ", "Saved twice. "))
    builder.show_saved([a])
    assert_saved_pages_exact(builder, [a, b])
    assert set(seen_again_of(builder, a, Kind.SIGNAL, 0)) == {p.stem for p in copies[2:]}

    # a links to an article that does not exist yet, then does.
    target = content / "closest-target.md"
    link = "* [The target](closest-target)\n"
    text = a.read_text(encoding="utf-8")
    save(a, text.replace("## Closest\n\n", f"## Closest\n\n{link}", 1) if "## Closest\n" in text else f"{text}\n## Closest\n\n{link}")
    builder.show_saved([a])
    assert_saved_pages_exact(builder, [a])
    save(target, edited(c, "# __", "# __Target: "))
    builder.show_saved([target])
    assert_saved_pages_exact(builder, [target])
    save(a, edited(a, "Saved twice. ", "Saved three times. "))
    builder.show_saved([a])
    assert_saved_pages_exact(builder, [a])
    assert b"\"../closest-target/\"" in (preview / "articles" / a.stem / "index.html").read_bytes()

    # An edit refused (a row loses a cell) keeps b's last good version: its
    # row, named as a's in the refused text, stays out of a's group.
    good_b = b.read_text(encoding="utf-8")
    broken = first_row_renamed(good_b, "Signals", name).split("\n")
    row = next(i for i, line in enumerate(broken) if line.startswith("|") and broken[i - 1].startswith("|:"))
    broken[row + 1] = broken[row + 1].rsplit("|", 2)[0] + "|"
    save(b, "\n".join(broken))
    assert builder.show_saved([b]).kept == (str(b),)  # type: ignore[union-attr]
    save(a, edited(a, "Saved three times. ", "Saved four times. "))
    builder.show_saved([a])
    assert_saved_pages_exact(builder, [a], {b: good_b})
    assert b.stem not in seen_again_of(builder, a, Kind.SIGNAL, 0)
    save(b, good_b)

    # A second file with a's id claims a's permalink: a full build keeps
    # the first by path, and the second once the first is gone.
    second = content / "zz" / a.name
    second.parent.mkdir()
    save(second, edited(a, "## Keywords\n\n", "## Keywords\n\n* only in the second file\n"))
    builder.show_saved([b, second])
    assert_saved_pages_exact(builder, [a, b])
    a.unlink()
    builder.show_saved([a])
    save(second, edited(second, "Saved four times. ", "Saved by the second file. "))
    builder.show_saved([second])
    assert_saved_pages_exact(builder, [second])

    builder.rebuild()
    assert_same_as_full_build(project, preview, tmp_path)


def test_a_save_shows_the_files_the_watcher_names(project: Path, tmp_path: Path) -> None:
    builder = builder_for(project, tmp_path / "preview")
    builder.rebuild()
    path = min((project / "content").glob("*.md"))
    save(path, edited(path, "## Summary\n", "## Summary\n\nOne word. "))
    report = builder.show_saved([path])
    assert report is not None and report.reparsed == (str(path),)
    assert report.written == 1  # the article page; its rows' pages show no summary
    # Files the watcher names that are not content are left to the whole rebuild.
    assert builder.show_saved([project / "site.yml.orig", project / "content" / ".hidden.md"]).reparsed == ()  # type: ignore[union-attr]


def test_rows_of_ids_alike_in_their_first_digits_get_a_full_builds_addresses(project: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    content = project / "content"
    a, b = sorted(content.glob("*.md"))[:2]
    # A file whose id starts like a's, holding a row of a's first signal's name: in a full
    # build both articles' rows take their whole ids as tokens, and neither has the other's.
    twin = content / f"{a.stem[:8]}{'0' * 24}.md"
    twin.write_text(edited(a, "# __", "# __Twin: "), encoding="utf-8")
    builder = builder_for(project, preview)
    builder.rebuild()
    assert_same_as_full_build(project, preview, tmp_path)
    row = build_index(published(content)).by_id[a.stem].entries[0]
    assert row.token == a.stem

    # Each twin saved in turn: its own pages at once, at a full build's addresses.
    for saved in (twin, a):
        save(saved, edited(saved, "## Summary\n", "## Summary\n\nSaved. "))
        assert builder.show_saved([saved]) is not None
        assert_saved_pages_exact(builder, [saved])
    builder.rebuild()
    assert_same_as_full_build(project, preview, tmp_path)

    # A third file alike in its first digits, added; then the twin deleted: b is untouched.
    third = content / f"{a.stem[:8]}{'f' * 24}.md"
    save(third, edited(b, "# __", "# __Third: "))
    assert builder.show_saved([third]) is not None
    assert_saved_pages_exact(builder, [third])
    twin.unlink()
    save(a, edited(a, "Saved. ", "Saved again. "))
    builder.show_saved([twin, a])
    assert_saved_pages_exact(builder, [a])
    builder.rebuild()
    assert_same_as_full_build(project, preview, tmp_path)
    twin_rows = {entry_url(e) for e in build_index(published(content)).by_id[a.stem].entries}
    assert all(a.stem in url for url in twin_rows)


# ---------------------------------------------------------------- hand-written pages, deletions and renames


@pytest.fixture()
def old_scan(tmp_path: Path) -> Path:
    """The moved scan of tests/fixtures/old-scan (hand-written pages, images
    beside them, old addresses), with the shipped theme."""
    root = tmp_path / "old-scan"
    shutil.copytree(ROOT / "tests" / "fixtures" / "old-scan", root)
    for name in ("templates", "static"):
        shutil.copytree(ROOT / name, root / name)
    return root


def scan_builder(root: Path, output: Path) -> IncrementalBuilder:
    project = Project(root / "docs", root / "templates", root / "static", output)
    return IncrementalBuilder(project, root / "site.yml", lambda: load_settings(root), workers=1)


def assert_scan_same_as_full_build(root: Path, preview: Path, scratch: Path) -> None:
    full = scratch / "full"
    shutil.rmtree(full, ignore_errors=True)
    assert build_project(root / "docs", full, search=False, root=root).written
    expected, actual = files_of(full), files_of(preview)
    assert sorted(actual) == sorted(expected), "the preview has other files than a full build"
    differing = [path for path in expected if expected[path] != actual[path]]
    assert differing == [], f"{len(differing)} files differ from a full build, e.g. {differing[:5]}"


def test_hand_written_pages_and_their_files_are_shown_and_kept_current(old_scan: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    builder = scan_builder(old_scan, preview)
    builder.rebuild()
    docs = old_scan / "docs"
    assert_scan_same_as_full_build(old_scan, preview, tmp_path)
    about = docs / "about.md"
    assert (preview / "about" / "index.html").is_file()

    # A page edited, a page added, an image replaced, another deleted: at once.
    save(about, about.read_text(encoding="utf-8") + "\nWords added to the about page.\n")
    save(docs / "analyses" / "method.md", "# Method\n\nHow the scan is read, in a new page.\n")
    png = docs / "analyses" / "topics" / "heat-pumps" / "Concern.png"
    png.write_bytes(png.read_bytes() + b"\0")
    (docs / "analyses" / "topics" / "water" / "Signals.png").unlink()
    report = builder.show_saved([about, docs / "analyses" / "method.md", png, docs / "analyses" / "topics" / "water" / "Signals.png"])
    assert report is not None and not report.whole
    assert "Words added to the about page." in (preview / "about" / "index.html").read_text(encoding="utf-8")
    assert "How the scan is read" in (preview / "analyses" / "method" / "index.html").read_text(encoding="utf-8")
    assert (preview / "analyses" / "topics" / "heat-pumps" / "Concern.png").read_bytes() == png.read_bytes()
    assert not (preview / "analyses" / "topics" / "water" / "Signals.png").exists()
    assert dict(report.saves)[display_path(docs / "analyses" / "method.md")] == "saved"
    builder.rebuild()
    assert_scan_same_as_full_build(old_scan, preview, tmp_path)

    # A page deleted: gone at once, and its old address with it after the rebuild.
    (docs / "analyses" / "method.md").unlink()
    report = builder.show_saved([docs / "analyses" / "method.md"])
    assert report is not None and report.removed >= 1
    assert not (preview / "analyses" / "method").exists()
    builder.rebuild()
    assert_scan_same_as_full_build(old_scan, preview, tmp_path)


def test_deleted_and_renamed_articles_go_at_once_and_the_site_ends_as_a_full_build(
    old_scan: Path, tmp_path: Path
) -> None:
    preview = tmp_path / "preview"
    builder = scan_builder(old_scan, preview)
    builder.rebuild()
    docs = old_scan / "docs"
    articles = [p for p in sorted(docs.glob("*.md")) if p.name not in ("index.md", "about.md")]
    deleted, renamed = articles[0], articles[1]
    linking = [p for p in articles if deleted.stem in p.read_text(encoding="utf-8") and p != deleted]
    assert linking, "the fixture has an article whose Closest section links to another"
    deleted.unlink()
    new_name = renamed.rename(docs / "renamed-by-hand.md")
    report = builder.show_saved([deleted, renamed, new_name])
    assert report is not None
    assert dict(report.saves) == {
        display_path(deleted): "deleted", display_path(renamed): "deleted", display_path(new_name): "added"
    }
    # Before any whole rebuild: the old pages are gone, the new one is there.
    assert not (preview / "articles" / deleted.stem).exists()
    assert not (preview / "articles" / renamed.stem).exists()
    assert (preview / "articles" / "renamed-by-hand" / "index.html").is_file()
    # The Closest links of other articles to the deleted one no longer lead to it.
    for path in linking:
        page = (preview / "articles" / path.stem / "index.html").read_text(encoding="utf-8")
        assert f"articles/{deleted.stem}/" not in page
    builder.rebuild()
    assert_scan_same_as_full_build(old_scan, preview, tmp_path)


def test_a_save_is_shown_while_a_long_whole_rebuild_renders_then_the_rebuild_resumes(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    real_write = stages._write_page
    slow = threading.Event()

    def write_slowly(*args: Any) -> tuple[bool, bool]:
        if slow.is_set() and threading.current_thread().name == "whole":
            time.sleep(0.3)  # a page of a site ten thousand times larger
        return real_write(*args)

    monkeypatch.setattr(stages, "_write_page", write_slowly)
    # An article deleted: its listings, tags and the pages linking to it change.
    articles = sorted((project / "content").glob("*.md"))
    articles[-1].unlink()
    slow.set()
    whole = threading.Thread(target=builder.rebuild, name="whole")
    whole.start()
    time.sleep(1.0)
    path = articles[0]
    save(path, path.read_text(encoding="utf-8").replace("## Summary\n", "## Summary\n\nSaved during the rebuild. ", 1))
    start = time.monotonic()
    report = builder.show_saved([path])
    waited = time.monotonic() - start
    assert whole.is_alive(), "the whole rebuild was still rendering"
    assert waited < 2.0, f"the save waited {waited:.1f} s behind the whole rebuild"
    assert report is not None and report.written
    assert "Saved during the rebuild." in (preview / "articles" / path.stem / "index.html").read_text(encoding="utf-8")
    whole.join(120)
    slow.clear()
    builder.rebuild()
    assert_same_as_full_build(project, preview, tmp_path)


def assert_listings_exact(builder: IncrementalBuilder, ids: set[str]) -> int:
    """The index pages that list the articles of `ids`, as they are now
    (home, the timeline, tag indexes, listings, tag pages), are held and
    written as a full build of the same content plans them (the last whole
    plan's trends, in both), and no listing or tag page lists an article no
    longer published; how many pages were compared."""
    state = builder.state
    assert state.plan is not None and state.renderer is not None and state.settings is not None
    full = build_index(published(builder.project.content))
    foresight = state.plan.foresight
    planned = [home_page(full, state.settings, foresight.today), *index_pages(full, state.settings, foresight.of_tag, foresight.today)]
    compared = 0
    for page in planned:
        if shows_any(page, ids):
            assert state.pages.get(page.url) == page, f"{page.url} differs from a full build's"
            written = (builder.project.output / output_path(page.url)).read_bytes()
            assert written == state.renderer.render(page), f"{page.url}: other bytes than a full build's"
            compared += 1
    unpublished = ids - full.by_id.keys()
    for url, page in state.pages.items():
        if isinstance(page.context, ListingContext | TagContext):
            assert not shows_any(page, unpublished), f"{url} still lists an article no longer published"
    return compared


def test_a_save_writes_the_listings_that_list_it_at_once(project: Path, tmp_path: Path) -> None:
    # Small pages, so that saves move articles and rows from page to page.
    settings_file = project / "site.yml"
    text = re.sub(r"(?m)^(per_page|tag_articles_per_page):.*$", "", settings_file.read_text(encoding="utf-8"))
    settings_file.write_text(text + "\nper_page: 4\ntag_articles_per_page: 2\n", encoding="utf-8")
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    content = project / "content"
    a, b, c = sorted(content.glob("*.md"))[:3]

    def shown(paths: list[Path], ids: set[str]) -> None:
        report = builder.show_saved(paths)
        assert report is not None and report.written
        assert assert_listings_exact(builder, ids) >= 3  # home, the timeline and the articles' listing at least

    shown_keyword = "a keyword only this article has"
    save(a, edited(a, "## Keywords\n\n", f"## Keywords\n\n* {shown_keyword}\n"))
    shown([a], {a.stem})
    tag_page = preview / output_path(tag_url(Tag(TagKind.KEYWORD, shown_keyword, shown_keyword, key_slug(shown_keyword))))
    assert tag_page.is_file() and a.stem.encode() in tag_page.read_bytes()
    # Dated long ago: it moves to the end of the listings and the timeline.
    save(a, with_front_matter(a.read_text(encoding="utf-8"), "date: 1999-01-02"))
    shown([a], {a.stem})
    assert b"1999" in (preview / "timeline" / "index.html").read_bytes()
    # Its keyword goes: the tag, which no other article has, goes at once.
    save(a, edited(a, f"* {shown_keyword}\n", ""))
    shown([a], {a.stem})
    assert not tag_page.exists()
    # Its first signal becomes the most relevant row of the scan.
    text = a.read_text(encoding="utf-8")
    save(a, first_row_renamed(text, "Signals", "The most relevant signal of all"))
    shown([a], {a.stem})
    # An article added, then one deleted, one renamed (two saves in a row
    # before each check: the second patches what the first patched).
    added = content / "added-article.md"
    save(added, edited(b, "## Keywords\n\n", "## Keywords\n\n* added keyword\n"))
    shown([added], {added.stem})
    c.unlink()
    shown([c], {c.stem})
    renamed = content / f"{b.stem}-renamed.md"
    b.rename(renamed)
    shown([b, renamed], {b.stem, renamed.stem})
    save(a, edited(a, "## Summary\n", "## Summary\n\nOnce more. "))
    builder.show_saved([a])
    save(renamed, edited(renamed, "## Summary\n", "## Summary\n\nRenamed and edited. "))
    shown([renamed], {a.stem, renamed.stem})

    builder.rebuild()
    assert_same_as_full_build(project, preview, tmp_path)


def test_search_is_told_only_of_the_documents_that_changed(project: Path, tmp_path: Path) -> None:
    # A template save rewrites every page and, here, no search document:
    # every shard would otherwise be indexed again, minutes at 3,000 articles.
    builder = builder_for(project, tmp_path / "preview")
    first = builder.rebuild()
    assert len(first.indexed_changed) == len(first.indexed) > 0
    base = project / "templates" / "base.html"
    save(base, base.read_text(encoding="utf-8").replace("</body>", "<!-- a theme's edit --></body>", 1))
    report = builder.rebuild()
    assert report.written >= len(first.indexed)
    assert report.indexed_changed == ()
    path = min((project / "content").glob("*.md"))
    save(path, edited(path, "## Summary\n", "## Summary\n\nFound again. "))
    shown = builder.show_saved([path])
    assert shown is not None and shown.saved_indexed == (f"articles/{path.stem}/index.html",)
    assert f"articles/{path.stem}/index.html" in builder.rebuild().indexed_changed


def assert_trend_links_exact(builder: IncrementalBuilder, rows: list[tuple[Path, Kind, int]]) -> list[int]:
    """The pages of these rows (file, kind, place among the article's rows
    of that kind) show the trend a full build of the same content finds for
    them, held and written; the numbers of articles they show (0: none)."""
    state = builder.state
    assert state.settings is not None and state.renderer is not None
    full = build_index(published(builder.project.content))
    trends = build_trends(full, state.settings.trends)
    counts = []
    for path, kind, place in rows:
        entry = full.by_id[path.stem].entries_of(kind)[place]
        trend = trends.of_row.get((path.stem, kind, entry.slug))
        page = state.pages[entry_url(entry)]
        link = page.context.trend  # type: ignore[attr-defined]
        assert (link is None) == (trend is None) and (link is None or link.article_count == trend.article_count), page.url
        assert (builder.project.output / output_path(page.url)).read_bytes() == state.renderer.render(page)
        counts.append(link.article_count if link else 0)
    return counts


def test_a_save_writes_the_rows_of_the_trends_it_joins_or_leaves_at_once(project: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    content = project / "content"
    a, b, c = sorted(content.glob("*.md"))[:3]
    for path in (b, c):
        save(path, first_row_renamed(path.read_text(encoding="utf-8"), "Signals", "Quantum composting networks"))
    builder.rebuild()
    rows = [(a, Kind.SIGNAL, 0), (b, Kind.SIGNAL, 0), (c, Kind.SIGNAL, 0)]
    assert assert_trend_links_exact(builder, rows[1:]) == [2, 2]

    # a's first signal joins the trend by similarity (three of its four key
    # terms are the anchor's): a's row page and those of b and c say 3 at once.
    save(a, first_row_renamed(a.read_text(encoding="utf-8"), "Signals", "Quantum composting networks in cities"))
    builder.show_saved([a])
    assert assert_trend_links_exact(builder, rows) == [3, 3, 3]
    # c deleted: 2.
    c.unlink()
    builder.show_saved([c])
    assert assert_trend_links_exact(builder, rows[:2]) == [2, 2]
    # b's signal leaves: a's alone is no trend.
    save(b, first_row_renamed(b.read_text(encoding="utf-8"), "Signals", "A signal of its own"))
    builder.show_saved([b])
    assert assert_trend_links_exact(builder, rows[:2]) == [0, 0]
    assert b"Part of the trend" not in (preview / output_path(builder.state.pages[
        entry_url(builder.state.corpus.article(a.stem).entries_of(Kind.SIGNAL)[0])].url)).read_bytes()  # type: ignore[union-attr]

    builder.rebuild()
    assert_same_as_full_build(project, preview, tmp_path)


def test_a_save_is_shown_with_the_interpreter_lock_handed_over_often(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A whole rebuild planning in Python in another thread otherwise made each
    # file the save writes wait up to 5 ms for the lock (see SAVE_SWITCH_INTERVAL).
    from foresite.preview import rebuild as incremental

    builder = builder_for(project, tmp_path / "preview")
    builder.rebuild()
    usual = sys.getswitchinterval()
    seen: list[float] = []
    real_render = incremental.render_changed

    def render(*args: Any, **options: Any) -> Any:
        seen.append(sys.getswitchinterval())
        return real_render(*args, **options)

    monkeypatch.setattr(incremental, "render_changed", render)
    path = min((project / "content").glob("*.md"))
    save(path, edited(path, "## Summary\n", "## Summary\n\nQuickly. "))
    assert builder.show_saved([path]) is not None
    assert seen and seen == [pytest.approx(incremental.SAVE_SWITCH_INTERVAL)] * len(seen)
    assert incremental.SAVE_SWITCH_INTERVAL < usual
    assert sys.getswitchinterval() == usual


def test_a_saves_own_pages_are_shown_before_the_pages_that_list_it(project: Path, tmp_path: Path) -> None:
    # The server reloads the browsers when the saved article's pages are
    # written (or removed), then again once the listings are.
    preview = tmp_path / "preview"
    builder = builder_for(project, preview)
    builder.rebuild()
    content = project / "content"
    timeline = preview / "timeline" / "index.html"
    seen: list[tuple[bool, bool]] = []

    def own_pages_shown() -> None:
        page = preview / "articles" / "shown-first" / "index.html"
        seen.append((page.is_file(), b"articles/shown-first/" in timeline.read_bytes()))

    builder.own_pages_shown = own_pages_shown
    added = content / "shown-first.md"
    save(added, edited(min(content.glob("*.md")), "# __", "# __Shown first: "))
    assert builder.show_saved([added]) is not None
    assert seen == [(True, False)] and b"articles/shown-first/" in timeline.read_bytes()
    added.unlink()
    assert builder.show_saved([added]) is not None
    assert seen[1] == (False, True) and b"articles/shown-first/" not in timeline.read_bytes()
