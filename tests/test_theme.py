"""The theme: the shipped templates and static files, a project's overrides one
file at a time, and templates that no longer fit stopping the build with a
located message. (tests/test_package.py does the same through an installed wheel.)"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tomllib
from pathlib import Path
from typing import get_args

import pytest

from foresite import __version__
from foresite.build.pipeline import Project, build_today
from foresite.cli import commands
from foresite.cli.check import check_content
from foresite.cli.main import main
from foresite.cli.options import program_name
from foresite.core.config import load_settings
from foresite.render.theme import TemplateFailure, project_theme, shipped_theme, static_files
from tests.conftest import ROOT, build_project, file_hashes

ARTICLES = sorted((ROOT / "content").glob("[0-9a-f]*.md"))[:4]

UNKNOWN_ATTRIBUTE = (
    "templates/entry.html:3: error: unknown variable or attribute: 'EntryContext object' has no attribute "
    "'siblings'; it overrides the shipped theme's entry.html, whose context may have changed since it was "
    "copied: see docs/theme.md and the CHANGELOG, and run 'foresite check' after each upgrade"
)

ENTRY_WITH_UNKNOWN_ATTRIBUTE = """{% extends "theme/entry.html" %}
{% block main %}
<p>{{ ctx.siblings }}</p>
{{ super() }}
{% endblock %}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding only articles, the working directory."""
    root = tmp_path / "scan"
    (root / "content").mkdir(parents=True)
    for path in ARTICLES:
        shutil.copy(path, root / "content" / path.name)
    monkeypatch.chdir(root)
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- where files come from


def test_the_shipped_theme_is_the_repositorys_templates_and_static_files() -> None:
    theme = shipped_theme()
    names = lambda folder: sorted(p.name for p in folder.iterdir())
    assert names(theme.templates[0]) == names(ROOT / "templates")
    assert names(theme.static[0]) == names(ROOT / "static")


def test_a_project_static_file_replaces_the_shipped_one_of_its_name_and_adds_its_own(project: Path) -> None:
    style = write(project / "static" / "style.css", "body { color: teal }\n")
    logo = write(project / "static" / "img" / "logo.svg", "<svg/>")
    files = static_files(project_theme(project / "templates", project / "static"))
    shipped = shipped_theme().static[0]
    assert files["style.css"] == style.absolute()
    assert files["img/logo.svg"] == logo.absolute()
    assert files["site.js"] == shipped / "site.js"
    assert sorted(files) == sorted({*(p.name for p in shipped.iterdir()), "img/logo.svg"})


def test_a_project_without_templates_or_static_folders_uses_the_shipped_theme(project: Path) -> None:
    assert project_theme(project / "templates", project / "static") == shipped_theme()


def test_a_project_template_replaces_the_shipped_one_and_can_extend_it(project: Path, tmp_path: Path) -> None:
    plain = build_project(project / "content", tmp_path / "plain", root=project, search=False, workers=1)
    assert plain.written and not plain.errors
    write(project / "templates" / "home.html",
          '{% extends "theme/home.html" %}\n{% block main %}<p class=mine>Ours</p>{{ super() }}{% endblock %}\n')
    report = build_project(project / "content", tmp_path / "mine", root=project, search=False, workers=1)
    assert report.written and not report.errors
    before, after = file_hashes(tmp_path / "plain"), file_hashes(tmp_path / "mine")
    assert sorted(name for name in before if before[name] != after[name]) == ["index.html"]
    home = (tmp_path / "mine" / "index.html").read_text(encoding="utf-8")
    assert home.count("<p class=mine>Ours</p>") == 1
    assert "<h1" in home  # the shipped home page's own content follows


# ---------------------------------------------------------------- templates that do not fit


def test_an_unknown_attribute_stops_the_build_with_the_template_line_exit_2_and_no_traceback(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project / "templates" / "entry.html", ENTRY_WITH_UNKNOWN_ATTRIBUTE)
    assert main(["--no-search", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        UNKNOWN_ATTRIBUTE, "the build stopped on the template problems above; the site was not written"
    ]
    assert "Traceback" not in err
    assert not (project / "site").exists()
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_a_template_failing_in_a_worker_process_is_reported_the_same_and_the_old_site_is_kept(
    project: Path, tmp_path: Path
) -> None:
    output = tmp_path / "site"
    assert build_project(ROOT / "content", output, root=project, search=False, workers=2).written
    before = file_hashes(output)
    write(project / "templates" / "entry.html", ENTRY_WITH_UNKNOWN_ATTRIBUTE)
    with pytest.raises(TemplateFailure) as failure:
        build_project(ROOT / "content", output, root=project, search=False, workers=2)
    assert [str(p) for p in failure.value.problems] == [UNKNOWN_ATTRIBUTE]
    assert file_hashes(output) == before


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("home.html", "{% if x %}\n{{ oops }\n",
         "templates/home.html:2: error: syntax error: unexpected '}'"),
        ("entry.html", '{% extends "base.html" %}\n{% block mian %}x{% endblock %}\n',
         ("templates/entry.html:2: error: block 'mian' is not in base.html, which this template extends: "
         "its content would not show")),
        ("entry.html", '{% extends "theme/entry.html" %}\n{% block main %}\n{% include "gone.html" %}{% endblock %}\n',
         "templates/entry.html:3: error: no template 'gone.html' in the project's templates/ or the shipped theme"),
        ("notes.html", "{% for %}\n",
         "templates/notes.html:1: error: syntax error: Expected an expression, got 'end of statement block'"),
    ],
)
def test_each_kind_of_template_problem_is_located(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, message: str
) -> None:
    write(project / "templates" / name, text)
    assert main(["--no-search", "--workers", "1"]) == 2
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith(message + "; "), first
    assert not (project / "site").exists()


def test_a_shipped_template_broken_by_an_override_names_the_override(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project / "templates" / "_macros.html", "{% macro nothing() %}{% endmacro %}\n")
    assert main(["--no-search", "--workers", "1"]) == 2
    first = capsys.readouterr().err.splitlines()[0]
    assert first.endswith(
        "error: unknown variable or attribute: 'article_list' is undefined; in the shipped theme's home.html, "
        "which may not fit the project's overrides (templates/_macros.html): see docs/theme.md and the "
        "CHANGELOG, and run 'foresite check' after each upgrade"
    ), first


def test_check_renders_the_templates_and_finds_an_unknown_attribute(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project / "templates" / "entry.html", ENTRY_WITH_UNKNOWN_ATTRIBUTE)
    theme = Project(project / "content", project / "templates", project / "static", project / "site").theme
    report = check_content(project / "content", load_settings(project), build_today(), theme)
    assert [str(p) for p in report.errors] == [UNKNOWN_ATTRIBUTE]
    assert commands.run("check", ["-q"]) == 1
    assert UNKNOWN_ATTRIBUTE in capsys.readouterr().out.splitlines()


def test_check_passes_the_shipped_templates(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.run("check", []) == 0
    assert "0 errors" in capsys.readouterr().out


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    ("argv0", "name"),
    [
        ("/home/me/.venv/bin/foresite", "foresite"),
        ("/usr/lib/python3/site-packages/foresite/__main__.py", "python -m foresite"),
        ("build.py", "python build.py"),
    ],
)
def test_help_names_the_command_as_it_was_called(argv0: str, name: str) -> None:
    assert program_name(argv0) == name


def test_version_prints_the_one_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"foresite {__version__}\n"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "foresite.__version__"}
    assert f"## [{__version__}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_build_is_also_a_command(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--no-search", "--workers", "1", "-q"]) == 0
    assert (project / "site" / "index.html").is_file()
    assert capsys.readouterr().out.startswith("built: 4 articles")


def test_every_subpackage_is_in_the_wheel() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "foresite").rglob("__init__.py")}
    assert found <= listed
    assert listed - found == {"foresite.theme.templates", "foresite.theme.static"}
    assert pyproject["tool"]["setuptools"]["package-dir"] == {
        "foresite.theme.templates": "templates", "foresite.theme.static": "static"
    }


def test_the_theme_documentation_lists_every_field_of_every_page_context() -> None:
    from foresite.pages.contexts import PageContext, RowsFileContext

    text = (ROOT / "docs" / "theme.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### `(\w+)`\n(.*?)(?=^##)", text + "\n##", flags=re.MULTILINE | re.DOTALL))
    # Every kind of page a template renders (a rows file is JSON made in Python).
    contexts = [c for c in get_args(PageContext) if c is not RowsFileContext]
    assert len(contexts) >= 12
    templates = set(re.findall(r"\| `(\w+\.html)` \| `(\w+)` \|", text))
    for context in contexts:
        assert context.__name__ in sections, context.__name__
        documented = set(re.findall(r"^\| `(\w+)`", sections[context.__name__], flags=re.MULTILINE))
        documented |= {name for line in re.findall(r"^\| (`\w+`(?:, `\w+`)+) \|", sections[context.__name__], flags=re.MULTILINE)
                       for name in re.findall(r"`(\w+)`", line)}
        assert documented == {f.name for f in dataclasses.fields(context)}, context.__name__
        assert any(name == context.__name__ for _, name in templates), context.__name__
