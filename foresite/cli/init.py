"""`init`: an existing repository made a foresite project, with a commented
`site.yml` and a GitHub Pages workflow. Never overwrites a file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from foresite import __version__
from foresite.core.config import SETTINGS_FILE

REPOSITORY = "https://github.com/foresite-scan/foresite"
"""Where the workflow installs foresite from, at the tag of the version that wrote it."""

WORKFLOW_FILE = ".github/workflows/pages.yml"

_BRANCH = re.compile(r"^[A-Za-z0-9._/-]{1,100}$")
_CONTENT = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9._-]*(/[A-Za-z0-9_.][A-Za-z0-9._-]*)*$")
"""A folder the workflow can name unquoted: no space, no shell character, no leading dash."""


class InitError(ValueError):
    """`init` cannot write the project's files as asked."""


@dataclass(frozen=True)
class InitReport:
    written: tuple[str, ...]
    skipped: tuple[str, ...]
    """Files that existed already, left as they were."""
    content: str
    content_exists: bool

    @property
    def exit_code(self) -> int:
        return 1 if self.skipped else 0

    def lines(self) -> list[str]:
        said = [f"wrote {name}" for name in self.written]
        said += [f"{name} exists already: left as it is (remove it and run init again to get foresite's)" for name in self.skipped]
        if not self.content_exists:
            said.append(f"{self.content}/ does not exist yet: put articles there, or start one with 'foresite new \"Title\"'")
        said.append("next: 'foresite serve' previews the site; commit and push, then in the repository's Settings → "
                    "Pages set Source to 'GitHub Actions'")
        return said


def install_requirement(version: str = __version__) -> str:
    """What the workflow gives pip: foresite at this version's tag."""
    return f"foresite @ git+{REPOSITORY}@v{version}"


def init_project(root: Path, content: str) -> InitReport:
    """Write site.yml and the Pages workflow in `root`, each unless it exists."""
    content = content.strip().rstrip("/")
    if not _CONTENT.match(content) or {".", ".."} & set(content.split("/")):
        raise InitError(f"--content '{content}' must be a folder inside the project, such as articles")
    if not root.is_dir():
        raise InitError(f"project folder {root} does not exist")
    files = {
        SETTINGS_FILE: settings_text(title_of(root), content),
        WORKFLOW_FILE: workflow_text(content, branch_of(root)),
    }
    written, skipped = [], []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8") as file:  # "x": fail rather than overwrite
                file.write(text)
        except FileExistsError:
            skipped.append(name)
            continue
        written.append(name)
    return InitReport(tuple(written), tuple(skipped), content, (root / content).is_dir())


def title_of(root: Path) -> str:
    """The site's first title: the folder's name, its dashes and underscores spaces."""
    name = re.sub(r"[-_]+", " ", root.resolve().name).strip()
    return name[:1].upper() + name[1:] if name else "foresite"


def branch_of(root: Path) -> str:
    """The branch checked out in `root` (the workflow publishes on a push to
    it), or main."""
    try:
        head = (root / ".git" / "HEAD").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return "main"
    branch = head.removeprefix("ref: refs/heads/")
    return branch if branch != head and _BRANCH.match(branch) else "main"


def settings_text(title: str, content: str) -> str:
    # JSON's strings are YAML's double-quoted ones: any title is safe.
    return f"""\
# Settings of this horizon scan, read by foresite {__version__}. Every key is
# optional: a key left out (or left empty) keeps its default. A misspelt key
# or a value of the wrong type stops the build with 'site.yml:<line>: <what
# is wrong>'. Command-line options win over this file. Every setting is in
# foresite's README ("site.yml").

# The site's name: page titles, the header, feeds.
title: {json.dumps(title, ensure_ascii=False)}

# One sentence for the home page, search engines, link previews and feeds.
description: "A horizon scan: signals of change, read from the news."

# The folder of articles, inside this project: foresite reads it and never
# writes there. `--content DIR` on the command line replaces it.
content: {json.dumps(content)}

# The site's language (a code such as en, fr, pt-BR), and the fallback for
# articles whose language cannot be told from their text.
language: en

# Who publishes the scan: shown in the footer and as the feeds' author.
author:

# The full address the site is published at. Leave it empty: the GitHub Pages
# workflow (.github/workflows/pages.yml) passes the right one with --base-url.
base_url:

# A custom domain such as scan.example.org (no https://, no path), written to
# the CNAME file GitHub Pages reads.
domain:

# The theme: files in templates/ and static/ here replace foresite's of the
# same name, one file at a time (see foresite's docs/theme.md). Run
# 'foresite check' after each upgrade of foresite.
"""


def workflow_text(content: str, branch: str = "main") -> str:
    return f"""\
# Build the scan with foresite and publish it on GitHub Pages, on every push
# to {branch} and on demand (Actions tab → "Publish on GitHub Pages" → Run workflow).
# One-time setup: Settings → Pages → Build and deployment → Source: "GitHub Actions".
# Written by `foresite init` (foresite {__version__}).
name: Publish on GitHub Pages

on:
  push:
    branches: [{branch}]
  workflow_dispatch:

# The build job only reads the repository; only the deploy job may publish.
permissions:
  contents: read

# One deployment at a time; a newer push waits instead of cancelling a
# deployment halfway.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Check out the repository
        uses: actions/checkout@v5

      - name: Set up Python
        uses: actions/setup-python@v6
        with:
          python-version: "3.12"

      # foresite, pinned to the version that wrote this file. To upgrade, read
      # its CHANGELOG, change the version (the tag after '@'), and run
      # 'foresite check' on your machine with the new version first.
      - name: Install foresite
        run: pip install "{install_requirement()}"

      # Exits 1 on errors in the articles or in the templates/ that override
      # foresite's; warnings are printed and the build goes on.
      - name: Check the content
        run: foresite check --content {content}

      # Tells the address Pages serves the site at: https://<user>.github.io/<repo>
      # for a project site, or the custom domain set in Settings → Pages.
      - name: Configure GitHub Pages
        id: pages
        uses: actions/configure-pages@v6

      - name: Build the site
        env:
          BASE_URL: ${{{{ steps.pages.outputs.base_url }}}}
        run: foresite build --content {content} --base-url "$BASE_URL"

      - name: Upload the site
        uses: actions/upload-pages-artifact@v5
        with:
          path: site/

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write     # to publish the uploaded site
      id-token: write  # to prove the deployment comes from this workflow
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v5
"""
