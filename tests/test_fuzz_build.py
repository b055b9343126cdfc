"""A whole-build fuzz: generated articles beside real ones, built end to end.

Generated files hold arbitrary text and unicode (lone surrogates, bidi
controls, NUL), dates from year 1 to 9999, made-up and real language codes,
huge and empty values in every front-matter key and cell, and ids that
imitate a real article's (in upper case, or alike in their first digits).
The build must never raise; each generated file either has its page or is
named in a located error; every real article is published whole: its page
and a page for each of its rows. Derandomized (the same examples in every
run, in CI too) and bounded in examples and time, so it runs in well under
a minute. It can fail: the same property, run against parses broken on
purpose (one that overflows on far dates as issue 21 found, one that trips
on a bidi control, one that loses rows), finds each of them.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from foresite.build import stages
from foresite.core.text import article_slug
from foresite.core.urls import article_token, long_token
from foresite.source.parse import ParseResult, parse_article
from tests.hostile.make_hostile import yaml_quote

from .conftest import SHARED, build_project

REAL_IDS = ("18df8a96fab62c7792d6643a6e9646f1", "001b195bbddec8fb0193b668a70aa883")
UNENCODABLE = re.compile("[\ud800-\udfff\x00]")
LOCATED = re.compile(r"^(?P<path>.+):[1-9][0-9]*: (?:warning|error): ")
FRONT_KEYS = ("title", "date", "source", "language", "category", "type", "draft", "unknown")
SECTIONS = ("Signals", "Behaviors", "Technologies", "Concerns", "Issues")

NASTY = st.sampled_from([
    "", " ", "\ud800", "a\udfffb", "\x00", "\u202e\u2066evil\u2069", "\u2028", "|", "\\|", "<script>alert(1)</script>",
    "javascript:alert(1)", "x" * 100_000, "word " * 20_000, "é" * 5000, "[" * 3000, "# __T__", "## Signals", "---",
])
TEXT = st.one_of(NASTY, st.text(st.characters(blacklist_categories=()), max_size=60))
"""For front matter, where YAML's escapes carry lone surrogates and NUL."""
BODY = st.one_of(NASTY.filter(lambda s: not UNENCODABLE.search(s)), st.text(max_size=60).map(lambda s: s.replace("\x00", "")))
"""For the body: a lone surrogate or a NUL there leaves the whole file out (added now and then below)."""
DATES = st.one_of(
    st.sampled_from([datetime.date(1, 1, 1), datetime.date(9999, 12, 15), datetime.date(9999, 12, 31), datetime.date(2024, 2, 29)]),
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
)
LANGUAGES = st.one_of(st.sampled_from(["en", "fr", "pt-BR", "xx", "EN", "q" * 300, "en-" + "a" * 200, "zz-ZZ"]), TEXT)


@st.composite
def front_values(draw: st.DrawFn) -> dict[str, str]:
    values: dict[str, str] = {}
    for key in draw(st.lists(st.sampled_from(FRONT_KEYS), unique=True, max_size=len(FRONT_KEYS))):
        if key == "date":
            values[key] = draw(st.one_of(DATES.map(datetime.date.isoformat), TEXT))
        elif key == "language":
            values[key] = draw(LANGUAGES)
        elif key == "draft":
            values[key] = draw(st.sampled_from(["false", "no", "", "\ud800"]))  # quoted: text, never true
        else:
            values[key] = draw(TEXT)
    return values


@st.composite
def generated_file(draw: st.DrawFn) -> bytes:
    """One article file: bytes, since a lone surrogate in it must become invalid UTF-8."""
    front = draw(front_values())
    lines = ["---", *(f"{key}: {yaml_quote(value)}" for key, value in front.items()), "---"] if front else []
    origin = draw(st.one_of(DATES.map(lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}"), BODY))
    lines.append(f"# __{draw(BODY) or 'T'}__, (from page [{origin}](https://x.example/{origin}).)")
    lines += ["", f"__[External link]({draw(BODY)})__", "", "## Keywords", "", *(f"* {t}" for t in draw(st.lists(BODY, max_size=4)))]
    lines += ["", "## Summary", "", draw(BODY)]
    for section in draw(st.lists(st.sampled_from(SECTIONS), unique=True, max_size=2)):
        columns = draw(st.sampled_from(["name | description", "name | description | relevancy", "description | relevancy | src"]))
        width = columns.count("|") + 1
        lines += ["", f"## {section}", "", f"| {columns} |", "|" + "---|" * width]
        for cells in draw(st.lists(st.lists(BODY, min_size=width, max_size=width), max_size=3)):
            lines.append("| " + " | ".join(cells) + " |")
    if draw(st.booleans()):
        lines += ["", "## Closest", "", f"* [{draw(BODY)}]({draw(st.sampled_from([*REAL_IDS, 'nowhere']))})"]
    if draw(st.integers(0, 9)) == 0:
        lines.append(draw(st.sampled_from(["| raw | a\ud800 surrogate |", "| raw | a\x00 NUL |"])))  # not UTF-8, binary
    return "\n".join(lines).encode("utf-8", "surrogatepass")


IDS = st.sampled_from([
    *(f"gen{n}" for n in range(6)), "Gen-2", "g e n", REAL_IDS[0].upper(), REAL_IDS[0][:8] + "f" * 24, REAL_IDS[1][:8] + "0" * 24, "ünï", "CON", "x" * 200,
])


@pytest.fixture(scope="module")
def real_articles() -> dict[str, bytes]:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is absent: the real-data tests need the shared test data beside the project")
    return {article_id: (corpus / f"{article_id}.md").read_bytes() for article_id in REAL_IDS}


def row_page_exists(site: Path, plural: str, slug: str, article_id: str) -> bool:
    return any((site / plural / f"{slug}-{token}" / "index.html").is_file() for token in (article_token(article_id), long_token(article_id)))


FILES = st.lists(st.tuples(IDS, generated_file()), min_size=2, max_size=6, unique_by=lambda file: file[0]).map(dict)

BOUNDS = settings(
    max_examples=12, deadline=datetime.timedelta(seconds=120), derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)
"""The same examples in every run, CI's too, a dozen of them, each given
two minutes of wall time (a build of eight files takes one or two seconds;
a quadratic one, as issue 21 found, took minutes)."""


@BOUNDS
@given(files=FILES)
def test_a_build_of_generated_and_real_articles_never_raises(
    files: dict[str, bytes], real_articles: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    build_keeps_its_promise(files, real_articles, tmp_path_factory.mktemp("fuzz"))


def build_keeps_its_promise(files: dict[str, bytes], real_articles: dict[str, bytes], root: Path) -> None:
    """The property: the build never raises; each generated file has its page
    or a located error; each real article is published whole."""
    content = root / "content"
    content.mkdir()
    for article_id, data in {**real_articles, **files}.items():
        (content / f"{article_id}.md").write_bytes(data)
    report = build_project(content, root / "site", search=False, workers=1)
    assert report.written
    errors = {Path(p.path).name for p in report.errors}
    for problem in report.problems:
        assert LOCATED.match(str(problem)), str(problem)
        str(problem).encode("utf-8")  # printable, whatever the file held
    for article_id in files:
        page = root / "site" / "articles" / article_slug(article_id) / "index.html"
        assert page.is_file() or f"{article_id}.md" in errors, article_id
    for article_id, data in real_articles.items():
        assert f"{article_id}.md" not in errors
        real = parse_article(data.decode("utf-8"), "real.md", article_id, datetime.date(2026, 11, 24)).article
        assert real is not None
        page = (root / "site" / "articles" / article_id / "index.html").read_text(encoding="utf-8")
        assert real.title.split("’")[0][:20] in page.replace("&#39;", "'").replace("&amp;", "&")
        for entry in real.entries:
            assert row_page_exists(root / "site", entry.kind.plural, entry.slug, article_id), (article_id, entry.slug)
    shutil.rmtree(root)


# ---------------------------------------------------------------- the fuzz can fail


def overflows_on_far_dates(text: str, *args: Any, **kwargs: Any) -> ParseResult:
    """The parse as it was before issue 21: a year-9999 date overflowed."""
    if re.search(r"(?<![0-9])9999-?[01][0-9]-?[0-3][0-9]", text):
        raise OverflowError("date value out of range")
    return parse_article(text, *args, **kwargs)


def fails_on_bidi_controls(text: str, *args: Any, **kwargs: Any) -> ParseResult:
    """A parse that trips over a right-to-left override anywhere in a file."""
    if "\u202e" in text:
        raise ValueError("unexpected bidi control")
    return parse_article(text, *args, **kwargs)


def drops_each_tables_last_row(text: str, *args: Any, **kwargs: Any) -> ParseResult:
    """A parse that loses a row of every table: no real article is whole."""
    result = parse_article(text, *args, **kwargs)
    if result.article is None or not result.article.entries:
        return result
    last = {entry.kind: entry for entry in result.article.entries}
    kept = tuple(e for e in result.article.entries if e is not last[e.kind])
    return dataclasses.replace(result, article=dataclasses.replace(result.article, entries=kept))


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@pytest.mark.parametrize(("broken_parse", "found"), [
    (overflows_on_far_dates, "OverflowError('date value out of range')"),
    (fails_on_bidi_controls, "ValueError('unexpected bidi control')"),
    (drops_each_tables_last_row, "AssertionError"),
])
def test_the_fuzz_finds_a_parse_that_breaks_the_promise(
    broken_parse: Callable[..., ParseResult], found: str, real_articles: dict[str, bytes],
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stages, "parse_article", broken_parse)

    # The same examples and bounds as the fuzz above, without shrinking: finding the failure is the point.
    @settings(BOUNDS, phases=[Phase.explicit, Phase.generate])
    @given(files=FILES)
    def the_fuzz(files: dict[str, bytes]) -> None:
        build_keeps_its_promise(files, real_articles, tmp_path_factory.mktemp("fuzz"))

    # Whatever the broken parse raises, or an assertion of the property: checked below.
    with pytest.raises(Exception) as failure:
        the_fuzz()
    assert found in repr(failure.value)
