"""`python build.py serve`: the preview server, observed over HTTP as a browser
(or an attacker) sees it, while files of a temporary project are edited."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from foresite.build.pipeline import Project
from foresite.build.stages import build_today
from foresite.cli import commands
from foresite.core.config import load_settings
from foresite.preview.rebuild import IncrementalBuilder
from foresite.preview.serve import PreviewServer, ServeError, inject, is_loopback, livereload_tag, resolve_request
from foresite.source.parse import parse_article

from .conftest import ROOT

ARTICLES = 6
WAIT = 20.0
"""Seconds an edit may take to show: generous, for a loaded CI machine."""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name in ("templates", "static"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site.yml", root / "site.yml")
    (root / "content").mkdir()
    for path in sorted((ROOT / "content").glob("*.md"))[:ARTICLES]:
        shutil.copy(path, root / "content" / path.name)
    return root


@contextmanager
def running(root: Path, output: Path) -> Iterator[PreviewServer]:
    """The preview as `serve` wires it, on a free port, in a thread."""
    project = Project(root / "content", root / "templates", root / "static", output)
    builder = IncrementalBuilder(project, root / "site.yml", lambda: load_settings(root), workers=1)
    preview = commands.Preview(builder, None, quiet=False)
    server = PreviewServer(output, preview.on_save, commands.watched_paths(project, root), port=0, poll_seconds=0.05)
    preview.start(server)
    thread = server.start_in_background()
    try:
        yield server
    finally:
        server.stop()
        thread.join(10)
        preview.close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {WAIT} s: {what}")


def raw_request(port: int, target: str) -> tuple[int, bytes]:
    """Status and whole answer to a request sent byte for byte, as no client
    library would send it (they normalise `..` away)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return (int(status[1]) if status else 0), answer


def first_article(root: Path) -> Path:
    return min((root / "content").glob("*.md"))


# ---------------------------------------------------------------- serving


def test_serves_the_site_with_the_livereload_script(project: Path, tmp_path: Path) -> None:
    with running(project, tmp_path / "preview") as server:
        status, home = get(server.url)
        assert status == 200
        tag = f'<script src="/livereload.js?port={server.port}" defer></script>'
        assert f"{tag}</head>" in home
        assert home.count("livereload.js") == 1
        status, script = get(server.url + "livereload.js")
        assert status == 200 and "LiveReload" in script
        article_id = first_article(project).stem
        status, page = get(f"{server.url}articles/{article_id}")  # no trailing slash: redirected
        assert status == 200 and tag in page
        status, missing = get(server.url + "no/such/page/")
        assert status == 404 and tag in missing


def test_an_edit_shows_and_a_deleted_article_disappears(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running(project, tmp_path / "preview") as server:
        path = first_article(project)
        url = f"{server.url}articles/{path.stem}/"
        assert "Zebra-striped preview words" not in get(url)[1]
        path.write_text(path.read_text(encoding="utf-8").replace("## Summary\n", "## Summary\n\nZebra-striped preview words. ", 1), encoding="utf-8")
        wait_for(lambda: "Zebra-striped preview words" in get(url)[1], "the edit on the article page")

        other = sorted((project / "content").glob("*.md"))[1]
        other_url = f"{server.url}articles/{other.stem}/"
        assert get(other_url)[0] == 200
        other.unlink()
        wait_for(lambda: get(other_url)[0] == 404, "the deleted article's page gone")
        wait_for(lambda: f"articles/{other.stem}/" not in get(server.url + "articles/")[1], "the listing without it")
    assert "site up to date in" in capsys.readouterr().out


def test_a_broken_edit_keeps_the_old_page_and_says_where(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running(project, tmp_path / "preview") as server:
        path = first_article(project)
        url = f"{server.url}articles/{path.stem}/"
        good = path.read_text(encoding="utf-8")
        before = get(url)[1]
        capsys.readouterr()
        broken = "---\ntitle: [unclosed\n---\n" + good.replace("## Summary\n", "## Summary\n\nUnseen words. ", 1)
        path.write_text(broken, encoding="utf-8")
        said: list[str] = []

        def told() -> bool:
            said.append(capsys.readouterr().err)
            return "keeps showing its last good version" in "".join(said)

        wait_for(told, "the located message")
        errors = "".join(said)
        (problem,) = parse_article(broken, str(path), path.stem, build_today()).problems
        assert f"{path}:2: error: front matter is not valid YAML: " in errors
        assert f"{problem}\n" in errors
        assert get(url)[1] == before

        path.write_text(good.replace("## Summary\n", "## Summary\n\nFixed words. ", 1), encoding="utf-8")
        wait_for(lambda: "Fixed words" in get(url)[1], "the fixed article")


def test_a_broken_template_does_not_stop_the_server(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running(project, tmp_path / "preview") as server:
        base = project / "templates" / "base.html"
        good = base.read_text(encoding="utf-8")
        base.write_text(good.replace("</footer>", "{% if %}</footer>", 1), encoding="utf-8")
        said: list[str] = []

        def told() -> bool:
            said.append(capsys.readouterr().err)
            return "still serving the last good site" in "".join(said)

        wait_for(told, "the template error")
        # Located as a build locates it, with no traceback.
        assert "/templates/base.html:" in "".join(said) and "error: syntax error:" in "".join(said)
        assert "Traceback" not in "".join(said)
        assert get(server.url)[0] == 200
        base.write_text(good.replace("</footer>", "<p>Template fixed.</p></footer>", 1), encoding="utf-8")
        wait_for(lambda: "Template fixed." in get(server.url)[1], "the fixed template")


# ---------------------------------------------------------------- safety


SECRET = "top secret, outside the site"


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/articles/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/secret.txt%00.html",
        "/%252e%252e/secret.txt",
        "../secret.txt",
        "//etc/passwd",
    ],
)
def test_refuses_every_path_outside_the_site(project: Path, tmp_path: Path, target: str) -> None:
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    with running(project, tmp_path / "preview") as server:
        status, answer = raw_request(server.port, target)
    assert status in (400, 403, 404)
    assert SECRET.encode() not in answer
    assert b"root:x:0:0" not in answer


def test_a_folder_without_its_slash_redirects_inside_the_site(project: Path, tmp_path: Path) -> None:
    with running(project, tmp_path / "preview") as server:
        status, answer = raw_request(server.port, "//articles")
    assert status == 302
    assert re.search(rb"\r\nLocation: /articles/\r\n", answer)


def test_a_symbolic_link_out_of_the_site_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (site / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert resolve_request(site, "/link.txt") is None
    assert resolve_request(site, "/") == site.resolve()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.1.2.3", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("example.org", False)],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_taken_port_is_said_clearly(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match=f"port {port} on 127.0.0.1 is already in use"):
            PreviewServer(tmp_path, lambda _changed: False, (), port=port)
        code = commands.run("serve", ["--root", str(project), "--port", str(port), "--output", str(tmp_path / "p")])
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: port {port} on 127.0.0.1 is already in use (another preview?); stop it or pick another port with --port\n"
    )


def test_injection_goes_at_the_end_of_the_head() -> None:
    tag = livereload_tag(8000)
    assert inject(b"<html><head><title>x</title></head><body></body></html>", tag) == (
        b'<html><head><title>x</title><script src="/livereload.js?port=8000" defer></script></head><body></body></html>'
    )
    assert inject(b"<p>no head</p>", tag) == b"<p>no head</p>" + tag


# ---------------------------------------------------------------- the command itself


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_serve_command_warns_when_listening_beyond_this_machine(project: Path, tmp_path: Path) -> None:
    port = free_port()
    output = tmp_path / "preview"
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--root", str(project), "--output", str(output),
               "--host", "0.0.0.0", "--port", str(port), "--no-search", "--workers", "1"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        wait_for(lambda: get(f"http://127.0.0.1:{port}/")[0] == 200 if _listening(port) else False, "the server")
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert "warning: listening on 0.0.0.0: anyone who can reach this machine can read the preview" in err
    assert f"at http://0.0.0.0:{port}/" in out


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


# ---------------------------------------------------------------- in a browser


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_open_page_reloads_by_itself_under_the_sites_policy(
    project: Path, tmp_path: Path, browser: object, width: int
) -> None:
    with running(project, tmp_path / "preview") as server:
        page = browser.new_page(viewport={"width": width, "height": 900})
        refused: list[str] = []
        page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
        try:
            path = first_article(project)
            page.goto(f"{server.url}articles/{path.stem}/")
            wait_for(lambda: len(server.waiters) == 1, "livereload.js connected over its WebSocket")
            path.write_text(path.read_text(encoding="utf-8").replace("## Summary\n", "## Summary\n\nReloaded by itself. ", 1), encoding="utf-8")
            # A selector, not a JavaScript predicate: the site's policy forbids eval.
            page.wait_for_selector("text=Reloaded by itself", timeout=WAIT * 1000)
        finally:
            page.close()
    assert refused == []
