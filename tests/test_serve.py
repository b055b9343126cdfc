"""`python build.py serve`: the preview server, observed over HTTP as a browser
(or an attacker) sees it, while files of a temporary project are edited."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import tornado.httpclient
import tornado.websocket

from foresite.build.pipeline import Project
from foresite.build.stages import build_today
from foresite.cli import commands
from foresite.core.config import load_settings
from foresite.output.write import remove_links
from foresite.preview.rebuild import IncrementalBuilder
from foresite.preview.serve import (
    PROTOCOL,
    HostGuard,
    PreviewServer,
    ServeError,
    inject,
    is_loopback,
    livereload_tag,
    resolve_request,
)
from foresite.preview.watcher import Watcher, changed_between, look, scan
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


def raw_request(port: int, target: str, host: str | None = None, headers: str = "") -> tuple[int, bytes]:
    """Status and whole answer to a request sent byte for byte, as no client
    library would send it (they normalise `..` away); `host` is its Host
    header (127.0.0.1 and the port unless given), `headers` more lines."""
    host = f"127.0.0.1:{port}" if host is None else host
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n"
        connection.sendall(request.encode("latin-1"))
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


def test_a_page_removed_between_the_look_and_the_read_answers_404(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A save removes a deleted article's pages while a reader asks for one:
    # the file is there when looked at and gone when read.
    with running(project, tmp_path / "preview") as server:
        page = f"articles/{first_article(project).stem}/index.html"
        open_file = Path.open

        def vanishing(path: Path, *args: Any, **kwargs: Any) -> Any:
            if path.as_posix().endswith(page):
                raise FileNotFoundError(path)
            return open_file(path, *args, **kwargs)

        monkeypatch.setattr(Path, "open", vanishing)
        status, answer = get(f"{server.url}{page.removesuffix('index.html')}")
        assert status == 404 and "not found" in answer.lower()


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


def told_to_reload(port: int, url: str) -> bool:
    """Whether a page at `url` that opens its livereload socket now is told to reload."""
    # In a thread of its own: the browser tests' Playwright keeps an event loop
    # running in this one, where asyncio.run refuses to start.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _told_to_reload(port, url)).result(WAIT)


async def _told_to_reload(port: int, url: str) -> bool:
    request = tornado.httpclient.HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers={"Origin": f"http://127.0.0.1:{port}"})
    connection = await tornado.websocket.websocket_connect(request)
    try:
        await connection.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL]}))
        assert json.loads(await connection.read_message() or "{}")["command"] == "hello"
        await connection.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}))
        try:
            message = await asyncio.wait_for(connection.read_message(), 3)
        except TimeoutError:
            return False
        return json.loads(message or "{}").get("command") == "reload"
    finally:
        connection.close()


def test_a_page_saved_before_its_socket_opened_is_told_to_reload(project: Path, tmp_path: Path) -> None:
    """A page served just before a save, whose livereload socket opened after
    the save's reload was sent, showed the old version until the next save."""
    with running(project, tmp_path / "preview") as server:
        path = first_article(project)
        url = f"{server.url}articles/{path.stem}/"
        assert get(url)[0] == 200
        assert not told_to_reload(server.port, url)  # as served: nothing to reload
        page = tmp_path / "preview" / "articles" / path.stem / "index.html"
        path.write_text(path.read_text(encoding="utf-8").replace("## Summary\n", "## Summary\n\nSaved meanwhile. ", 1), encoding="utf-8")
        wait_for(lambda: "Saved meanwhile." in page.read_text(encoding="utf-8"), "the saved page written")
        assert told_to_reload(server.port, url)


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


# ---------------------------------------------------------------- who may read the preview


def test_the_preview_answers_only_to_its_own_names(project: Path, tmp_path: Path) -> None:
    """A DNS-rebinding page reaches the preview under its own domain name:
    the Host header says so, and the preview refuses it."""
    with running(project, tmp_path / "preview") as server:
        port = server.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
            assert raw_request(port, "/", host)[0] == 200, host
            assert raw_request(port, "/livereload.js", host)[0] == 200, host
        for host in (f"evil.example:{port}", f"localhost.evil.example:{port}", f"127.0.0.1:{port + 1}",
                     "127.0.0.1", "", f"evil@127.0.0.1:{port}", f"127.0.0.1:{port}/x", f"[::1:{port}"):
            for target in ("/", "/articles/", "/livereload.js", "/livereload", "/nowhere/"):
                status, answer = raw_request(port, target, host)
                # tornado answers a malformed Host with 400 before the preview sees it
                assert status == 403 or (status == 400 and ("@" in host or "/" in host or "[" in host)), (host, target, status)
                assert b"<html" not in answer.lower(), (host, target)
        status, answer = raw_request(port, "/", f"evil.example:{port}")
    assert answer.endswith(
        f"refused: this preview answers only to 127.0.0.1, [::1], localhost on port {port}, "
        f"not to Host 'evil.example:{port}' (a page of another site may be trying to read it)\n".encode()
    )


def websocket_status(port: int, origin: str) -> tuple[int, bytes]:
    """Status and head of the answer to a WebSocket handshake from `origin`."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
            .encode("latin-1")
        )
        answer = b""
        while b"\r\n\r\n" not in answer or (answer.startswith(b"HTTP/1.1 403") and not answer.endswith(b"\n")):
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    status = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return (int(status[1]) if status else 0), answer


def test_the_live_reload_socket_takes_only_the_previews_own_pages(project: Path, tmp_path: Path) -> None:
    with running(project, tmp_path / "preview") as server:
        port = server.port
        for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}", f"http://[::1]:{port}"):
            assert websocket_status(port, origin)[0] == 101, origin
        for origin in (f"http://evil.example:{port}", "null", f"https://127.0.0.1:{port}",
                       f"http://127.0.0.1:{port + 1}", "http://127.0.0.1", f"http://localhost.evil.example:{port}"):
            assert websocket_status(port, origin)[0] == 403, origin
        status, answer = websocket_status(port, f"http://evil.example:{port}")
    assert status == 403
    assert answer.endswith(
        f"refused: this preview answers only to 127.0.0.1, [::1], localhost on port {port}, "
        f"not to Origin 'http://evil.example:{port}' (a page of another site may be trying to read it)\n".encode()
    )


@pytest.mark.parametrize(
    ("listening", "host", "allowed"),
    [("127.0.0.1", "127.0.0.1:8000", True), ("127.0.0.1", "192.168.1.20:8000", False),
     ("192.168.1.20", "192.168.1.20:8000", True), ("192.168.1.20", "192.168.1.21:8000", False),
     ("0.0.0.0", "192.168.1.20:8000", True), ("0.0.0.0", "[fe80::1]:8000", True),
     ("0.0.0.0", "evil.example:8000", False), ("::", "10.0.0.7:8000", True), ("::", "10.0.0.7:8001", False),
     ("my-laptop.local", "my-laptop.local:8000", True), ("my-laptop.local", "evil.example:8000", False)],
)
def test_the_address_the_preview_listens_on_is_one_of_its_names(listening: str, host: str, allowed: bool) -> None:
    assert HostGuard.listening_on(listening, 8000).allows(host) is allowed


def test_a_linked_page_in_the_preview_folder_is_not_served(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text(f"<html><head></head><body>{SECRET}</body></html>", encoding="utf-8")
    output = tmp_path / "preview"
    with running(project, output) as server:
        (output / "folder").mkdir()
        (output / "folder" / "index.html").symlink_to(elsewhere / "index.html")
        (output / "linked").symlink_to(elsewhere, target_is_directory=True)
        (output / "404.html").unlink()
        (output / "404.html").symlink_to(elsewhere / "index.html")
        for target in ("/folder/", "/folder/index.html", "/linked/", "/linked/index.html", "/nowhere/"):
            status, answer = raw_request(server.port, target)
            assert status in (403, 404), (target, status)
            assert SECRET.encode() not in answer, target


def test_links_are_removed_from_the_preview_folder_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "articles").mkdir(parents=True)
    (elsewhere / "articles" / "keep.txt").write_text("keep", encoding="utf-8")
    output = tmp_path / "preview"
    (output / "tags").mkdir(parents=True)
    (output / "articles").symlink_to(elsewhere / "articles", target_is_directory=True)
    (output / "tags" / "index.html").symlink_to(elsewhere / "articles" / "keep.txt")
    (output / "index.html").write_text("page", encoding="utf-8")
    assert remove_links(output) == ["articles", "tags/index.html"]
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")) == ["index.html", "tags"]
    assert (elsewhere / "articles" / "keep.txt").read_text(encoding="utf-8") == "keep"


def test_a_save_is_seen_while_the_preview_is_busy_planning(tmp_path: Path) -> None:
    """A whole rebuild plans in Python for tens of seconds; a scan in a thread
    beside it gave the interpreter lock away at every stat of 3,000 files and
    waited for it each time, so that a save took 30 s to be seen. The
    watcher's own process sees it within its poll."""
    content = tmp_path / "content"
    content.mkdir()
    for n in range(3000):
        (content / f"{n:04}.md").write_text("x", encoding="utf-8")
    watcher = Watcher([content], 0.05)
    seen: list[frozenset[Path]] = []
    reader = threading.Thread(target=lambda: seen.extend(watcher.changes()), daemon=True)
    reader.start()
    busy = threading.Event()

    def plan() -> None:  # pure Python, as planning is: it lets the lock go only when asked
        while not busy.is_set():
            sum(n * n for n in range(10_000))

    planner = threading.Thread(target=plan, daemon=True)
    planner.start()
    try:
        time.sleep(0.2)
        saved = content / "0042.md"
        saved.write_text("saved", encoding="utf-8")
        start = time.monotonic()
        while not seen and time.monotonic() - start < 5:
            time.sleep(0.05)
        assert seen == [frozenset({saved})], f"not seen within 5 s beside a busy thread: {seen}"
    finally:
        busy.set()
        watcher.close()
        reader.join(5)
    assert not reader.is_alive(), "closing the watcher ends its changes"


def test_a_rename_seen_midway_is_reported_as_one_save(tmp_path: Path) -> None:
    """A folder listed while a file in it is renamed can miss both names; the
    watcher looks again, so the preview is told of the deletion and the new
    name together (a rename), not of a deletion a poll before the addition."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "old.md").write_text("a", encoding="utf-8")
    (content / "kept.md").write_text("k", encoding="utf-8")
    seen = scan([content])
    (content / "old.md").rename(content / "new.md")
    looks: list[int] = []

    def listing_that_missed_the_new_name(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
        looks.append(1)
        now = scan(paths)
        return {p: s for p, s in now.items() if len(looks) > 1 or not p.endswith("new.md")}

    now = look([content], seen, listing_that_missed_the_new_name)
    assert [Path(p).name for p in changed_between(seen, now)] == ["new.md", "old.md"]
    assert len(looks) == 2
    # An edit, with nothing gone, is looked at once.
    (content / "kept.md").write_text("k2", encoding="utf-8")
    counted: list[int] = []
    after = look([content], now, lambda paths: counted.append(1) or scan(paths))
    assert [Path(p).name for p in changed_between(now, after)] == ["kept.md"] and counted == [1]


def test_the_watcher_enters_no_linked_folder(tmp_path: Path) -> None:
    """Two links to the folder they are in made the walk exponential."""
    content = tmp_path / "content"
    (content / "sub").mkdir(parents=True)
    (content / "a.md").write_text("a", encoding="utf-8")
    (content / "sub" / "b.md").write_text("b", encoding="utf-8")
    (content / "loop-1").symlink_to(content, target_is_directory=True)
    (content / "sub" / "loop-2").symlink_to(content, target_is_directory=True)
    (content / "up").symlink_to(tmp_path, target_is_directory=True)
    found: list[dict[str, tuple[int, int]]] = []
    walker = threading.Thread(target=lambda: found.append(scan([content])), daemon=True)
    walker.start()
    walker.join(5)
    assert found, "the walk did not end within 5 s"
    assert sorted(Path(p).relative_to(content).as_posix() for p in found[0]) == ["a.md", "sub/b.md"]


def test_serve_refuses_a_folder_it_did_not_make(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "photos"
    output.mkdir()
    (output / "README").write_text("mine", encoding="utf-8")
    (output / "cat.jpg").write_bytes(b"\xff\xd8")
    code = commands.run("serve", ["--root", str(project), "--port", "0", "--output", str(output)])
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: {output} holds files foresite did not write (README, cat.jpg), and a build replaces everything "
        f"in its output folder; choose a new or empty folder with --output, or empty this one yourself\n"
    )
    assert sorted(p.name for p in output.iterdir()) == ["README", "cat.jpg"]


# ---------------------------------------------------------------- every kind of save, over HTTP


def told(capsys: pytest.CaptureFixture[str], said: list[str], text: str) -> Callable[[], bool]:
    """Whether the terminal has said `text` yet (out or err), keeping what it said."""

    def check() -> bool:
        captured = capsys.readouterr()
        said.append(captured.out + captured.err)
        return text in "".join(said)

    return check


def test_an_added_article_is_served_and_the_terminal_says_so_in_one_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running(project, tmp_path / "preview") as server:
        capsys.readouterr()
        added = project / "content" / "added-in-a-test.md"
        added.write_text(first_article(project).read_text(encoding="utf-8").replace("## Summary\n", "## Summary\n\nAdded words. ", 1), encoding="utf-8")
        wait_for(lambda: "Added words" in get(f"{server.url}articles/added-in-a-test/")[1], "the added article's page")
        said: list[str] = []
        wait_for(told(capsys, said, "added: "), "the line for the save")
        (line,) = [line for line in "".join(said).splitlines() if "added-in-a-test.md added: " in line]
        assert re.fullmatch(r".*added-in-a-test\.md added: \d+ files? rewritten in \d+\.\d\d s; the rest follows", line)
        wait_for(lambda: 'href="added-in-a-test/"' in get(server.url + "articles/")[1], "the listing with it")


def test_a_renamed_article_answers_at_its_new_address_and_404_at_its_old(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running(project, tmp_path / "preview") as server:
        path = sorted((project / "content").glob("*.md"))[2]
        old_url, new_url = f"{server.url}articles/{path.stem}/", f"{server.url}articles/renamed-in-a-test/"
        assert get(old_url)[0] == 200
        capsys.readouterr()
        path.rename(project / "content" / "renamed-in-a-test.md")
        wait_for(lambda: get(old_url)[0] == 404 and get(new_url)[0] == 200, "the old address gone, the new one there")
        said: list[str] = []
        wait_for(told(capsys, said, "site up to date in"), "the whole rebuild")
        line = next(line for line in "".join(said).splitlines() if "renamed-in-a-test.md added" in line)
        assert f"{path.name} deleted" in line and " removed in " in line
        listing = get(server.url + "articles/")[1]
        assert 'href="renamed-in-a-test/"' in listing and f'href="{path.stem}/"' not in listing


def test_a_settings_save_changes_the_pages_and_a_broken_one_keeps_the_site(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running(project, tmp_path / "preview") as server:
        article_url = f"{server.url}articles/{first_article(project).stem}/"
        get(article_url)  # open in a browser: written first
        settings = project / "site.yml"
        text = settings.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title:"))
        capsys.readouterr()
        settings.write_text(text.replace(title, "title: Retitled in a test", 1), encoding="utf-8")
        wait_for(lambda: "Retitled in a test" in get(article_url)[1], "the new title on the open page")
        wait_for(lambda: "Retitled in a test" in get(server.url + "timeline/")[1], "the new title on every page")
        said: list[str] = []
        wait_for(told(capsys, said, "site up to date in"), "the whole rebuild")
        assert "site.yml saved: " in "".join(said)

        lines = text.replace(title, "title: Retitled in a test", 1).splitlines(keepends=True)
        line_number = len(lines) + 1
        settings.write_text("".join(lines) + "no_such_setting: 1\n", encoding="utf-8")
        said.clear()
        wait_for(told(capsys, said, "still serving the last good site"), "the settings error")
        assert f"site.yml:{line_number}:" in "".join(said) and "no_such_setting" in "".join(said)
        status, page = get(article_url)
        assert status == 200 and "Retitled in a test" in page


def test_a_template_save_shows_on_the_open_page_first(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running(project, tmp_path / "preview") as server:
        article_url = f"{server.url}articles/{first_article(project).stem}/"
        get(article_url)
        template = project / "templates" / "article.html"
        capsys.readouterr()
        text = template.read_text(encoding="utf-8")
        end = text.rindex("{% endblock %}")  # of the main block
        template.write_text(f"{text[:end]}<p>Template words.</p>{text[end:]}", encoding="utf-8")
        wait_for(lambda: "Template words." in get(article_url)[1], "the edited template on the open page")
        said: list[str] = []
        wait_for(told(capsys, said, "site up to date in"), "the whole rebuild")
        assert "templates/article.html saved: 1 file open in a browser rewritten in " in "".join(said)
        other = sorted((project / "content").glob("*.md"))[1]
        assert "Template words." in get(f"{server.url}articles/{other.stem}/")[1]


def test_a_hand_written_page_is_served_kept_current_and_removed(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running(project, tmp_path / "preview") as server:
        pages = project / "content" / "pages"
        pages.mkdir()
        about = pages / "about.md"
        about.write_text("# About this scan\n\nFirst words of the page.\n", encoding="utf-8")
        url = f"{server.url}pages/about/"
        wait_for(lambda: "First words of the page." in get(url)[1], "the new page")
        shutil.copy(ROOT / "tests" / "fixtures" / "old-scan" / "docs" / "analyses" / "topics" / "heat-pumps" / "Concern.png", pages / "chart.png")
        about.write_text("# About this scan\n\nSecond words of the page.\n\n![Chart](chart.png)\n", encoding="utf-8")
        wait_for(lambda: "Second words of the page." in get(url)[1], "the edited page")
        wait_for(lambda: raw_request(server.port, "/pages/chart.png")[0] == 200, "the image beside it")
        wait_for(lambda: 'src="../chart.png"' in get(url)[1], "the image linked from the page")
        about.unlink()
        wait_for(lambda: get(url)[0] == 404, "the deleted page gone")
