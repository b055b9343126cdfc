"""Shared fixtures: the project's own content built once, a static server,
and a headless Chromium from Debian's package (never a downloaded browser)."""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import http.server
import os
import shutil
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from foresite.build.pipeline import BuildOptions, BuildReport, Project, build
from foresite.core.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


def build_project(
    content: Path,
    output: Path,
    *,
    base_url: str | None = None,
    search: bool = True,
    strict: bool = False,
    root: Path = ROOT,
    templates: Path | None = None,
    workers: int = 2,
) -> BuildReport:
    """Build `content` with the project's templates (or `templates`) and static files."""
    settings = load_settings(root, {"base_url": base_url})
    project = Project(content=content, templates=templates or root / "templates", static=root / "static", output=output)
    options = BuildOptions(project, settings, strict=strict, search=search, workers=workers)
    # Once the session's browser has started, Playwright's event loop runs on
    # this thread, and the search stage's asyncio.run refuses to start beside it.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(build, options).result()


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by relative path."""
    return {
        os.fsdecode(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared/corpus is absent: the real-data tests need the shared test data beside the project")
    return SHARED


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's content/ built once, with search, into a temporary folder."""
    output = tmp_path_factory.mktemp("site") / "site"
    report = build_project(ROOT / "content", output)
    assert report.written and not report.errors, [str(p) for p in report.errors]
    return output


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _PagesHandler(_QuietHandler):
    """Answers a missing path under the site with the site's own 404.html and
    status 404, as GitHub Pages does; subclassed per server with these set."""

    site: Path = Path()
    prefix: str = "/"

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.site / "404.html"
        if code != 404 or not self.path.startswith(self.prefix) or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def list_directory(self, path: str) -> None:  # type: ignore[override]
        # GitHub Pages lists no folder: one without index.html is missing.
        self.send_error(404)


@contextmanager
def serve_folder(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `folder` at http://127.0.0.1:<free port><prefix>; yields that URL.

    With a prefix such as '/scan/', the folder is placed under that sub-path
    the way GitHub Pages serves a project site; other paths answer 404.
    A missing path under the prefix answers with the folder's 404.html (read
    at request time, so the folder may be built after the server starts).
    """
    root = folder
    holder = None
    if prefix != "/":
        holder = folder.parent / f".serve-{folder.name}"
        shutil.rmtree(holder, ignore_errors=True)
        (holder / prefix.strip("/")).parent.mkdir(parents=True, exist_ok=True)
        (holder / prefix.strip("/")).symlink_to(folder.resolve(), target_is_directory=True)
        root = holder
    pages_handler = type("Handler", (_PagesHandler,), {"site": folder, "prefix": prefix})
    handler = functools.partial(pages_handler, directory=str(root))
    socketserver.TCPServer.allow_reuse_address = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        if holder is not None:
            shutil.rmtree(holder, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from Debian's package, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium: run 'apt-get install chromium'")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
