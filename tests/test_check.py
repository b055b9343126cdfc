"""`python build.py check`: one small input per problem, the exact line a user reads."""

from __future__ import annotations

import datetime
import errno
from pathlib import Path

import pytest

from foresite.build import stages
from foresite.cli import commands
from foresite.cli.check import check_content
from foresite.core.config import Settings

TODAY = datetime.date(2026, 11, 24)

GOOD = """# __A Title__, (from page [20231111](https://x.example/p/20231111).)

__[External link](https://example.org/a)__

## Keywords

* alpha
* beta

## Themes

* gamma

## Other

* Category: technology
* Type: news

## Summary

A summary.

## Signals

| name | description | change | 10-year | driving-force | relevancy |
|:---|:---|:---|:---|:---|---:|
| Rise | Things rise. | Few to many. | Everywhere. | Cheap parts. | 4 |"""

SIGNAL_ROW = "| Rise | Things rise. | Few to many. | Everywhere. | Cheap parts. | 4 |"
SIGNAL_HEADER = "| name | description | change | 10-year | driving-force | relevancy |"

OLDER = """# __Older__, from ([20220711](https://x.example/p/20220711).)

__[External link](https://example.org/b)__

## Summary

Older summary.

## Keywords

* delta

## Themes

* epsilon

## Signals

| Signal | Change | 10y horizon | Driving force |
|:---|:---|:---|:---|
| Old one | Social | Broader | Curiosity |

## Closest

* [A Title](good)
* [Gone](deadbeef)"""


def run_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str | bytes]) -> list[str]:
    """The problems `check` reports for `files` under content/, as printed."""
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    report = check_content(Path("content"), Settings(), TODAY)
    return [str(problem) for problem in report.problems]


def test_a_good_article_has_no_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_check(tmp_path, monkeypatch, {"good.md": GOOD, "older.md": OLDER.replace("* [Gone](deadbeef)", "")}) == []


CASES = {
    "misspelt section": (
        GOOD.replace("## Summary", "## Sumary"),
        [
            "content/a.md:1: warning: no Summary section",
            "content/a.md:19: warning: unknown section 'Sumary'; did you mean 'Summary'?; its content is left out",
        ],
    ),
    "unknown section": (
        GOOD + "\n\n## Zebras\n\n* z",
        ["content/a.md:29: warning: unknown section 'Zebras'; its content is left out"],
    ),
    "misspelt column": (
        GOOD.replace("| relevancy |", "| relevence |"),
        ["content/a.md:25: warning: Signals: unknown column 'relevence'; did you mean 'relevancy'?; shown as is"],
    ),
    "too few cells": (
        GOOD.replace(SIGNAL_ROW, "| Rise | Things rise. | Few to many. | Everywhere. | 4 |"),
        ["content/a.md:27: warning: Signals: row has 5 cells, the header has 6"],
    ),
    "too many cells": (
        GOOD.replace(SIGNAL_ROW, SIGNAL_ROW + " extra |"),
        [
            # Surplus cells join the last one, so nothing typed is lost; here that is relevancy.
            "content/a.md:27: warning: Signals: relevancy '4 | extra' is not a number from 1 to 5; left blank",
            "content/a.md:27: warning: Signals: row has 7 cells, the header has 6",
        ],
    ),
    "relevancy above 5": (
        GOOD.replace("Cheap parts. | 4 |", "Cheap parts. | 7 |"),
        ["content/a.md:27: warning: Signals: relevancy '7' is outside 1–5; left blank"],
    ),
    "relevancy 0": (
        GOOD.replace("Cheap parts. | 4 |", "Cheap parts. | 0 |"),
        ["content/a.md:27: warning: Signals: relevancy '0' is outside 1–5; left blank"],
    ),
    "relevancy not a number": (
        GOOD.replace("Cheap parts. | 4 |", "Cheap parts. | high |"),
        ["content/a.md:27: warning: Signals: relevancy 'high' is not a number from 1 to 5; left blank"],
    ),
    "empty table": (
        GOOD.split("| name |")[0],
        ["content/a.md:23: warning: Signals: the table is empty"],
    ),
    "table without rows": (
        GOOD.replace("\n" + SIGNAL_ROW, ""),
        ["content/a.md:25: warning: Signals: the table has a header but no rows"],
    ),
    "missing summary": (
        GOOD.replace("## Summary\n\nA summary.\n\n", ""),
        ["content/a.md:1: warning: no Summary section"],
    ),
    "empty summary": (
        GOOD.replace("A summary.", ""),
        ["content/a.md:19: warning: the Summary section is empty"],
    ),
    "missing title": (
        GOOD.split("\n", 1)[1],
        [
            (
                "content/a.md:1: error: no title: the file should start with "
                "'# __Title__, (from page [YYYYMMDD](url).)' or front matter with 'title:'"
            )
        ],
    ),
    "origin that holds no date": (
        GOOD.replace("[20231111](https://x.example/p/20231111)", "[4320.0](https://x.example/p/4320.0)"),
        ["content/a.md:1: warning: no date: the origin '4320.0' holds none; add 'date: YYYY-MM-DD' front matter"],
    ),
    "date in the future": (
        GOOD.replace("[20231111]", "[20291111]"),
        ["content/a.md:1: warning: date 2029-11-11 lies in the future"],
    ),
    "front-matter date that is no date": (
        "---\ndate: 2024-13-45\n---\n" + GOOD,
        ["content/a.md:2: warning: front-matter key 'date' has an unusable value '2024-13-45'; ignored"],
    ),
    "unknown front-matter key": (
        "---\ntitel: Better\n---\n" + GOOD,
        ["content/a.md:2: warning: unknown front-matter key 'titel'; did you mean 'title'?; ignored"],
    ),
    "bad front matter": (
        "---\ntitle: [unclosed\n---\n" + GOOD,
        ["content/a.md:2: error: front matter is not valid YAML: expected ',' or ']', but got the end of the front matter"],
    ),
    "not UTF-8": (
        GOOD.encode("utf-8").replace(b"A summary.", b"A summ\xe9ry."),
        ["content/a.md:21: error: not UTF-8 (byte 0xe9); left out"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_problem_is_one_located_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    text, expected = CASES[case]
    assert run_check(tmp_path, monkeypatch, {"a.md": text}) == expected


def test_closest_link_to_a_missing_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = run_check(tmp_path, monkeypatch, {"good.md": GOOD, "older.md": OLDER})
    assert found == ["content/older.md:26: warning: Closest links to 'deadbeef', which is not an article here"]


def test_duplicate_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = run_check(tmp_path, monkeypatch, {"2024/x.md": GOOD, "2025/x.md": GOOD})
    assert found == [
        (
            "content/2025/x.md:1: error: article id 'x' gives the same address as content/2024/x.md "
            "(articles/x/); rename one file; left out"
        )
    ]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root in CI, where chmod cannot make a file unreadable.
    def refuse(path: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(stages, "read_source", refuse)
    assert run_check(tmp_path, monkeypatch, {"a.md": GOOD}) == [
        "content/a.md:1: error: cannot read the file: Permission denied"
    ]


def test_command_prints_every_problem_and_exits_1_on_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run_check(tmp_path, monkeypatch, {"a.md": GOOD.split("\n", 1)[1], "b.md": GOOD.replace("A summary.", "")})
    code = commands.run("check", ["--root", str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("content/a.md:1: error: no title:")
    assert out[1] == "content/b.md:19: warning: the Summary section is empty"
    assert out[2] == "checked 2 files: 1 errors, 1 warnings in 2 files"


def test_command_exits_0_with_warnings_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run_check(tmp_path, monkeypatch, {"b.md": GOOD.replace("A summary.", "")})
    assert commands.run("check", ["--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "checked 1 files: 0 errors, 1 warnings in 1 files"


def test_command_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_check(tmp_path, monkeypatch, {"good.md": GOOD})
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert commands.run("check", ["--root", str(tmp_path), "-q"]) == 0
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_real_corpus_has_no_error(shared_dir: Path) -> None:
    report = check_content(shared_dir / "corpus", Settings(), TODAY)
    assert report.files == len(list((shared_dir / "corpus").glob("*.md")))
    assert report.errors == ()
