"""`foresite init [--content DIR]`: a commented site.yml and a GitHub Pages
workflow in an existing repository, never overwriting a file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from foresite import __version__
from foresite.cli import commands
from foresite.cli.init import REPOSITORY, WORKFLOW_FILE
from foresite.cli.main import main
from foresite.core.config import load_settings
from tests.conftest import ROOT


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository of articles in articles/, the working directory."""
    root = tmp_path / "my-horizon_scan"
    (root / "articles").mkdir(parents=True)
    for path in sorted((ROOT / "content").glob("[0-9a-f]*.md"))[:3]:
        shutil.copy(path, root / "articles" / path.name)
    monkeypatch.chdir(root)
    return root


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_init_writes_settings_and_a_workflow_that_builds_the_content_folder(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert commands.run("init", ["--content", "articles"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["wrote site.yml", f"wrote {WORKFLOW_FILE}"]
    settings = load_settings(repository)
    assert (settings.title, settings.content) == ("My horizon scan", "articles")
    assert (repository / "site.yml").read_text(encoding="utf-8").startswith("# Settings of this horizon scan")
    workflow = yaml.safe_load((repository / WORKFLOW_FILE).read_text(encoding="utf-8"))
    uses = [step["uses"].split("@")[0] for step in steps(workflow) if "uses" in step]
    assert uses == [
        "actions/checkout", "actions/setup-python", "actions/configure-pages",
        "actions/upload-pages-artifact", "actions/deploy-pages",
    ]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads a bare 'on' as true
    runs = [step["run"] for step in steps(workflow) if "run" in step]
    assert runs == [
        f'pip install "foresite @ git+{REPOSITORY}@v{__version__}"',
        "foresite check --content articles",
        'foresite build --content articles --base-url "$BASE_URL"',
    ]
    build = next(step for step in steps(workflow) if step.get("run", "").startswith("foresite build"))
    assert build["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    upload = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site/"


def test_the_site_init_set_up_builds_from_its_content_folder(repository: Path) -> None:
    assert commands.run("init", ["--content", "articles"]) == 0
    assert main(["--no-search", "--workers", "1", "-q"]) == 0
    assert len(list((repository / "site" / "articles").iterdir())) == 3 + 1  # three articles and the index


def test_the_readme_shows_init_and_links_the_guide() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "foresite init --content articles" in text
    assert "(docs/own-repository.md)" in text


def test_the_workflows_commands_are_the_ones_the_guide_shows(repository: Path) -> None:
    assert commands.run("init", ["--content", "articles"]) == 0
    text = (ROOT / "docs" / "own-repository.md").read_text(encoding="utf-8")
    assert "foresite init --content articles" in text
    workflow = yaml.safe_load((repository / WORKFLOW_FILE).read_text(encoding="utf-8"))
    for step in steps(workflow):
        if "run" in step:
            # "$BASE_URL" stands for whatever address the documentation shows.
            pattern = re.escape(step["run"]).replace(re.escape('"$BASE_URL"'), r'"\S+"')
            assert re.search(pattern, text), step["run"]


def test_init_never_overwrites_a_file_and_exits_1_when_it_skipped_one(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repository / "site.yml").write_text("title: Mine\n", encoding="utf-8")
    assert commands.run("init", []) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        f"wrote {WORKFLOW_FILE}",
        "site.yml exists already: left as it is (remove it and run init again to get foresite's)",
    ]
    assert "content/ does not exist yet" in out[2]
    assert (repository / "site.yml").read_text(encoding="utf-8") == "title: Mine\n"
    workflow = (repository / WORKFLOW_FILE).read_bytes()
    assert commands.run("init", ["--content", "articles"]) == 1
    assert (repository / WORKFLOW_FILE).read_bytes() == workflow
    assert "--content content" in workflow.decode()


@pytest.mark.parametrize("content", ["../elsewhere", "/abs", "-rf", "a b", ".", "x/../.."])
def test_a_content_folder_outside_the_project_or_unsafe_to_name_is_refused(
    repository: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    assert commands.run("init", [f"--content={content}"]) == 2
    assert "must be a folder inside the project" in capsys.readouterr().err
    assert sorted(p.name for p in repository.iterdir()) == ["articles"]


def test_the_workflow_publishes_on_a_push_to_the_branch_checked_out(repository: Path) -> None:
    (repository / ".git").mkdir()
    (repository / ".git" / "HEAD").write_text("ref: refs/heads/master\n", encoding="utf-8")
    assert commands.run("init", []) == 0
    workflow = yaml.safe_load((repository / WORKFLOW_FILE).read_text(encoding="utf-8"))
    assert workflow[True]["push"]["branches"] == ["master"]
