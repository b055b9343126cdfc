"""foresite installed the way a user installs it: a wheel built from the
source once per test run, installed (not editable) into a fresh virtual
environment, and its commands run in folders that hold only articles."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from foresite import __version__
from tests.conftest import ROOT, file_hashes
from tests.test_site import parse_page
from tests.test_theme import ENTRY_WITH_UNKNOWN_ATTRIBUTE, UNKNOWN_ATTRIBUTE

SOURCES = ("pyproject.toml", "README.md", "foresite", "templates", "static")
"""What a wheel is built from: nothing else of the repository goes in."""

ARTICLES = sorted((ROOT / "content").glob("[0-9a-f]*.md"))[:5]
VERSION_QUERY = re.compile(r"(static/style\.css)\?v=[0-9a-f]+")


def _run(args: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="session")
def venv_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh virtual environment holding foresite's wheel."""
    work = tmp_path_factory.mktemp("package")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(path, source / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "wheels", source])
    if built.returncode != 0:
        pytest.skip(f"pip could not build foresite's wheel (no setuptools>=77 to be had?): {built.stderr[-500:]}")
    wheel = next((work / "wheels").glob("foresite-*.whl"))
    assert wheel.name == f"foresite-{__version__}-py3-none-any.whl"
    venv = work / "venv"
    assert _run([sys.executable, "-m", "venv", venv]).returncode == 0
    installed = _run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel])
    if installed.returncode != 0:
        pytest.skip(f"pip could not install the wheel's dependencies into a fresh environment: {installed.stderr[-500:]}")
    return venv / "bin"


def articles_only(folder: Path) -> Path:
    """A project folder holding only content/ with a few articles."""
    (folder / "content").mkdir(parents=True)
    for path in ARTICLES:
        shutil.copy(path, folder / "content" / path.name)
    return folder


def foresite(venv_bin: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`foresite ARGS` run in `project` as a user's shell runs it."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["PATH"] = f"{venv_bin}{os.pathsep}{env.get('PATH', '')}"
    return _run(["foresite", *args], cwd=project, env=env)


def broken_links(site: Path) -> list[tuple[str, str]]:
    broken = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":  # links from wherever it is served
            continue
        url = "http://site/" + page.relative_to(site).as_posix()
        for target in parse_page(page).targets:
            parts = urlsplit(urljoin(url, target))
            if parts.netloc != "site":
                continue
            path = site / unquote(parts.path.lstrip("/"))
            if not (path / "index.html" if path.is_dir() else path).is_file():
                broken.append((page.relative_to(site).as_posix(), target))
    return broken


def test_the_installed_command_is_the_wheels_and_says_its_version_and_name(venv_bin: Path, tmp_path: Path) -> None:
    where = _run([venv_bin / "python", "-c", "import foresite; print(foresite.__file__)"], cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv_bin.parent), where.stdout
    assert foresite(venv_bin, tmp_path, "--version").stdout == f"foresite {__version__}\n"
    module = _run([venv_bin / "python", "-m", "foresite", "--version"], cwd=tmp_path)
    assert module.stdout == f"foresite {__version__}\n"
    assert foresite(venv_bin, tmp_path, "--help").stdout.startswith("usage: foresite [build|serve|new|check|init]")
    assert _run([venv_bin / "python", "-m", "foresite", "check", "--help"], cwd=tmp_path).stdout.startswith(
        "usage: python -m foresite check"
    )


def test_a_folder_of_articles_builds_into_a_complete_site(venv_bin: Path, tmp_path: Path) -> None:
    project = articles_only(tmp_path / "scan")
    done = foresite(venv_bin, project, "build")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"built: {len(ARTICLES)} articles"), done.stdout
    site = project / "site"
    assert broken_links(site) == []
    assert len(list(site.rglob("*.html"))) > 50
    for name in ("style.css", "site.js", "search.js", "favicon.svg"):
        assert (site / "static" / name).read_bytes() == (ROOT / "static" / name).read_bytes()
    assert (site / "pagefind" / "shards.json").is_file() and list((site / "pagefind").glob("*/pagefind.js"))
    assert sorted(p.name for p in project.iterdir()) == ["content", "site"]  # nothing else written


def test_a_project_stylesheet_and_template_each_replace_the_shipped_file_and_nothing_else(
    venv_bin: Path, tmp_path: Path
) -> None:
    project = articles_only(tmp_path / "scan")
    assert foresite(venv_bin, project, "build", "--no-search", "--output", "plain").returncode == 0
    (project / "static").mkdir()
    (project / "static" / "style.css").write_text("body { color: teal }\n", encoding="utf-8")
    (project / "templates").mkdir()
    (project / "templates" / "home.html").write_text(
        '{% extends "theme/home.html" %}\n{% block main %}<p class=mine>Ours</p>{{ super() }}{% endblock %}\n',
        encoding="utf-8",
    )
    done = foresite(venv_bin, project, "build", "--no-search", "--output", "mine")
    assert done.returncode == 0, done.stderr
    plain, mine = project / "plain", project / "mine"
    assert (mine / "static" / "style.css").read_text(encoding="utf-8") == "body { color: teal }\n"
    assert "<p class=mine>Ours</p>" in (mine / "index.html").read_text(encoding="utf-8")
    # Every page links the stylesheet with its version, which changed with it:
    # the same bytes but for that query.
    for page in mine.rglob("*.html"):
        page.write_text(VERSION_QUERY.sub(r"\1", page.read_text(encoding="utf-8")), encoding="utf-8")
    for page in plain.rglob("*.html"):
        page.write_text(VERSION_QUERY.sub(r"\1", page.read_text(encoding="utf-8")), encoding="utf-8")
    before, after = file_hashes(plain), file_hashes(mine)
    assert sorted(before) == sorted(after)
    assert sorted(name for name in before if before[name] != after[name]) == ["index.html", "static/style.css"]


def test_a_template_with_an_unknown_attribute_stops_with_its_line_exit_2_and_no_traceback(
    venv_bin: Path, tmp_path: Path
) -> None:
    project = articles_only(tmp_path / "scan")
    (project / "templates").mkdir()
    (project / "templates" / "entry.html").write_text(ENTRY_WITH_UNKNOWN_ATTRIBUTE, encoding="utf-8")
    done = foresite(venv_bin, project, "build")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        UNKNOWN_ATTRIBUTE, "the build stopped on the template problems above; the site was not written"
    ]
    assert "Traceback" not in done.stdout + done.stderr
    assert sorted(p.name for p in project.iterdir()) == ["content", "templates"]
    checked = foresite(venv_bin, project, "check")
    assert checked.returncode == 1
    assert UNKNOWN_ATTRIBUTE in checked.stdout.splitlines()


def test_init_writes_both_files_refuses_to_overwrite_and_its_workflow_runs_the_guides_commands(
    venv_bin: Path, tmp_path: Path
) -> None:
    project = articles_only(tmp_path / "scan")
    first = foresite(venv_bin, project, "init")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[:2] == ["wrote site.yml", "wrote .github/workflows/pages.yml"]
    written = {name: (project / name).read_bytes() for name in ("site.yml", ".github/workflows/pages.yml")}
    again = foresite(venv_bin, project, "init", "--content", "articles")
    assert again.returncode == 1
    assert {name: (project / name).read_bytes() for name in written} == written
    assert again.stdout.count("exists already: left as it is") == 2
    workflow = yaml.safe_load(written[".github/workflows/pages.yml"])
    runs = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    guide = (ROOT / "docs" / "own-repository.md").read_text(encoding="utf-8")
    for run in runs:
        shown = run.replace("--content content", "--content articles")  # the guide's example folder
        pattern = re.escape(shown).replace(re.escape('"$BASE_URL"'), r'"\S+"')
        assert re.search(pattern, guide), run
    assert foresite(venv_bin, project, "check").returncode == 0
    assert foresite(venv_bin, project, "build", "--no-search").returncode == 0
