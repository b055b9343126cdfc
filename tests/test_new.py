"""`python build.py new "Title" [--url URL] [--lang fr]`."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from foresite.cli import commands
from foresite.cli.check import check_content
from foresite.cli.scaffold import ScaffoldError, article_text, create_article, free_id
from foresite.core.config import Settings
from foresite.source.parse import parse_article

TODAY = datetime.date(2026, 11, 24)
EPOCH_OF_TODAY = "1795478400"  # 2026-11-24T00:00:00Z


def run_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_OF_TODAY)
    return commands.run("new", list(args))


def test_creates_the_file_and_prints_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_new(tmp_path, monkeypatch, "Heat pumps in cold climates") == 0
    captured = capsys.readouterr()
    assert captured.out == "content/heat-pumps-in-cold-climates.md\n"
    assert captured.err == (
        "created content/heat-pumps-in-cold-climates.md: every section of the newer layout to fill in, origin 20261124\n"
    )
    text = (tmp_path / "content" / "heat-pumps-in-cold-climates.md").read_text(encoding="utf-8")
    assert text.startswith("# __Heat pumps in cold climates__, (from page [20261124]().)\n")


def test_the_new_file_parses_as_a_newer_layout_article_dated_today() -> None:
    text = article_text("Cours d'école « oasis » : __x__", TODAY, "https://example.org/a_(b)", "fr")
    result = parse_article(text, "content/x.md", "x", TODAY)
    article = result.article
    assert article is not None
    assert (article.title, article.date, article.origin) == ("Cours d'école « oasis » : __x__", TODAY, "20261124")
    assert (article.source_url, article.language, article.layout) == ("https://example.org/a_(b)", "fr", "newer")
    assert not any(p.is_error for p in result.problems)


def test_every_section_of_the_newer_layout_is_there_in_order() -> None:
    text = article_text("T", TODAY, None, None)
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "Keywords", "Themes", "Other", "Summary", "Signals", "Concerns", "Behaviors", "Technologies", "Issues",
    ]
    assert "| name | description | change | 10-year | driving-force | relevancy |" in text
    assert text.count("| name | description | relevancy |") == 4


def test_check_lists_what_is_left_to_fill_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    create_article(Path("content"), "Plain", TODAY)
    report = check_content(Path("content"), Settings(), TODAY)
    assert report.exit_code == 0
    assert [str(p) for p in report.problems] == [
        "content/plain.md:15: warning: Other: expected 'Category: …' or 'Type: …', got 'Category:'",
        "content/plain.md:16: warning: Other: expected 'Category: …' or 'Type: …', got 'Type:'",
        "content/plain.md:18: warning: the Summary section is empty",
        "content/plain.md:23: warning: Signals: the table has a header but no rows",
        "content/plain.md:28: warning: Concerns: the table has a header but no rows",
        "content/plain.md:33: warning: Behaviors: the table has a header but no rows",
        "content/plain.md:38: warning: Technologies: the table has a header but no rows",
        "content/plain.md:43: warning: Issues: the table has a header but no rows",
    ]


def test_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "solar.md").write_text("mine", encoding="utf-8")
    (content / "solar-2.md").write_text("mine too", encoding="utf-8")
    assert run_new(tmp_path, monkeypatch, "Solar") == 0
    captured = capsys.readouterr()
    assert captured.out == "content/solar-3.md\n"
    assert captured.err.startswith("created content/solar-3.md (content/solar.md exists already): ")
    assert (content / "solar.md").read_text(encoding="utf-8") == "mine"
    assert (content / "solar-2.md").read_text(encoding="utf-8") == "mine too"


def test_an_id_differing_only_in_case_counts_as_taken() -> None:
    assert free_id("Solar", ["SOLAR"]) == ("solar", "solar-2")


def test_a_title_with_no_latin_letter_gets_a_plain_id() -> None:
    assert free_id("太阳能", []) == ("article", "article")


def test_url_and_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_new(tmp_path, monkeypatch, "Cantines bio", "--url", "https://example.org/x", "--lang", "fr") == 0
    text = (tmp_path / capsys.readouterr().out.strip()).read_text(encoding="utf-8")
    assert text.startswith("---\nlanguage: fr\n---\n# __Cantines bio__")
    assert "__[External link](https://example.org/x)__" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], "error: the title is empty\n"),
        (["T", "--url", "javascript:alert(1)"], "error: --url 'javascript:alert(1)' is not an http(s) address\n"),
        (["T", "--lang", "french!"], "error: --lang 'french!' is not a language code such as 'fr'\n"),
    ],
)
def test_refuses_bad_input_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert run_new(tmp_path, monkeypatch, *args) == 2
    assert capsys.readouterr().err == message
    assert not any((tmp_path / "content").glob("*.md"))


def test_title_on_several_lines_becomes_one(tmp_path: Path) -> None:
    made = create_article(tmp_path, "Two\nlines", TODAY)
    assert made.path.name == "two-lines.md"
    assert made.path.read_text(encoding="utf-8").startswith("# __Two lines__,")


def test_scaffold_error_is_a_value_error() -> None:
    with pytest.raises(ScaffoldError):
        create_article(Path("unused"), "", TODAY)
