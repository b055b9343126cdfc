"""A row's columns are declared once (model.ROW_COLUMNS): the parser, the
pages, the open data and `new` follow that table, so that adding a column is
one line there. The last test adds that line to a copy of the package and
looks for the column everywhere it must show."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from foresite.cli.scaffold import article_text
from foresite.core.model import ROW_COLUMNS, TEXT_COLUMNS, Column, Entry, Kind
from foresite.core.text import fold
from foresite.output.opendata import CSV_COLUMNS, ROW_FIELDS
from foresite.pages.plan import FIELDS
from foresite.source.parse import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
DRIVING_FORCE_LINE = '    Column("driving_force", '
SCALE_LINE = """    Column("scale", "scale", "Scale", "Signals: how far the change reaches; '' when absent.", new_in=(Kind.SIGNAL,)),\n"""

ARTICLE = """# __Tidal kites__, (from page [20240101](https://example.org/20240101).)

__[External link](https://example.org/kites)__

## Keywords

* tides

## Themes

* energy

## Other

* Category: technology
* Type: news

## Summary

Kites fly under water.

## Signals

| name | description | change | 10-year | driving-force | scale | relevancy |
|:---|:---|:---|:---|:---|:---|---:|
| Tidal kites | Kites in the tide. | From dams to kites | Common on coasts | Cheap power | Regional grids | 4 |

## Behaviors

| name | description | relevancy |
|:---|:---|---:|
| Coastal tinkering | People build kites. | 3 |
"""


def test_the_parser_reads_every_header_and_spelling_of_the_table() -> None:
    expected = {fold(s): c for c in ROW_COLUMNS for s in (c.header, *c.spellings)}
    assert COLUMNS == expected
    assert COLUMNS["10y horizon"].key == "outlook" and COLUMNS["signal"].key == "name"


def test_a_row_keeps_its_text_cells_in_table_order() -> None:
    cells = tuple(f"cell {n}" for n in range(len(TEXT_COLUMNS)))
    entry = Entry(Kind.SIGNAL, "a", "s", "S", True, cells=cells, relevancy=2)
    assert [entry.value(c) for c in TEXT_COLUMNS] == list(cells)
    assert (entry.description, entry.driving_force) == (entry.text("description"), entry.text("driving_force"))
    short = Entry(Kind.ISSUE, "a", "s", "S", True, cells=("only the first",))
    assert [short.value(c) for c in TEXT_COLUMNS] == ["only the first", *[""] * (len(TEXT_COLUMNS) - 1)]


def test_pages_open_data_and_new_take_their_columns_from_the_table() -> None:
    kept = [c for c in ROW_COLUMNS if c.role != "dropped"]
    assert [f.name for f in ROW_FIELDS if f.name in {c.key for c in ROW_COLUMNS}] == [c.key for c in kept]
    assert {c.key for c in kept} <= {f.name for f in CSV_COLUMNS}
    assert FIELDS == tuple(c for c in ROW_COLUMNS if c.role in ("text", "relevancy"))
    text = article_text("T", datetime.date(2026, 1, 1), None, None)
    for kind in Kind:
        header = text.split(f"## {kind.section}\n\n", 1)[1].splitlines()[0]
        assert header == "| " + " | ".join(c.header for c in ROW_COLUMNS if kind in c.new_in) + " |"


def test_the_column_table_has_no_key_or_spelling_twice() -> None:
    keys = [c.key for c in ROW_COLUMNS]
    spellings = [fold(s) for c in ROW_COLUMNS for s in (c.header, *c.spellings)]
    assert len(set(keys)) == len(keys) and len(set(spellings)) == len(spellings)
    assert [c.role for c in ROW_COLUMNS].count("name") == 1 and [c.role for c in ROW_COLUMNS].count("relevancy") == 1
    assert all(isinstance(c, Column) and c.label for c in ROW_COLUMNS)


def project_with_a_new_column(tmp_path: Path) -> Path:
    """A copy of the project whose model.py has one more line in ROW_COLUMNS, and nothing else changed."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "foresite", project / "foresite", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("templates", "static"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "build.py", project / "build.py")
    model = project / "foresite" / "core" / "model.py"
    lines = model.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith(DRIVING_FORCE_LINE))
    model.write_text("".join([*lines[: at + 1], SCALE_LINE, *lines[at + 1 :]]), encoding="utf-8")
    (project / "content").mkdir()
    (project / "content" / "tidal-kites.md").write_text(ARTICLE, encoding="utf-8")
    return project


def run(project: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The copy comes first on the path: it, not the installed package, is what runs.
    command = [sys.executable, str(project / "build.py"), *args]
    return subprocess.run(command, check=False, cwd=cwd, capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin"})


def test_a_column_added_to_the_table_shows_everywhere(tmp_path: Path) -> None:
    project = project_with_a_new_column(tmp_path)
    built = run(project, "--root", str(project), "--output", str(project / "site"), "--no-search", "--workers", "1", "--strict", cwd=project)
    # --strict: an 'unknown column' warning from a parser that ignored the table fails the build.
    assert built.returncode == 0, built.stdout + built.stderr
    site = project / "site"

    rows = list(csv.reader(io.StringIO((site / "data" / "signals.csv").read_text(encoding="utf-8-sig"))))
    header = rows[0]
    assert header.index("driving_force") < header.index("scale") < header.index("relevancy")
    assert rows[1][header.index("scale")] == "Regional grids"
    assert rows[1][header.index("extra")] == ""  # the column was read as a column, not as an unknown one

    schema = json.loads((site / "data" / "schema.json").read_text(encoding="utf-8"))
    row_schema = schema["$defs"]["row"]
    assert row_schema["properties"]["scale"] == {"type": "string", "description": "Signals: how far the change reaches; '' when absent."}
    assert "scale" in row_schema["required"]
    articles = json.loads((site / "data" / "articles.json").read_text(encoding="utf-8"))["articles"]
    signal = next(r for r in articles[0]["rows"] if r["kind"] == "signal")
    assert list(signal).index("scale") == list(signal).index("driving_force") + 1 and signal["scale"] == "Regional grids"

    about = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert about.count("<code>scale</code>") == 2  # fields of a row, and columns of the CSV files

    (entry_page,) = (site / "signals").glob("tidal-kites-*/index.html")
    page = entry_page.read_text(encoding="utf-8")
    assert re.search(r"<dt>Driving force<dd>Cheap power\n<dt>Scale<dd>Regional grids\n<dt>Relevancy<dd>4 of 5\n", page)
    article_page = (site / "articles" / "tidal-kites" / "index.html").read_text(encoding="utf-8")
    assert "<th scope=col>Driving force</th><th scope=col>Scale</th><th scope=col>Relevancy</th>" in article_page
    assert '<td data-label="Driving force">Cheap power<td data-label="Scale">Regional grids<td data-label="Relevancy">' in article_page
    assert "<th scope=col>Scale</th>" not in article_page.split('id="behaviors"')[1]  # no behavior fills it

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    made = run(project, "new", "Sea farms", cwd=elsewhere)
    assert made.returncode == 0, made.stderr
    text = (elsewhere / "content" / "sea-farms.md").read_text(encoding="utf-8")
    assert "| name | description | change | 10-year | driving-force | scale | relevancy |\n|:---|:---|:---|:---|:---|:---|---:|" in text
    assert text.count("scale") == 1  # signals only, as the line says
