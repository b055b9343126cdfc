"""The preview server: serves a folder, watches the project, reloads browsers.

It knows nothing of the build: it is given a `rebuild` function, calls it
with the watched files that changed, and tells the open pages to reload
when the rebuild says the site changed. It is the one place that catches every
exception, so that a bad edit never stops the preview.

The browser side is livereload's own client (livereload.js, from the
livereload package) speaking its protocol over a WebSocket. livereload's
`Server` itself is not used: it injects an inline script, which the site's
Content-Security-Policy forbids, and it polls for changes in the thread that
answers requests. Here each page gets `<script src="/livereload.js">`, a
same-origin script that the policy allows, and changes are polled in a
thread of their own.

It answers only requests that name it by a loopback name or the address it
listens on (`HostGuard`), so that a page of another site whose name was
made to point at this machine (DNS rebinding) cannot read it, and serves no
file through a symbolic link that leads out of its folder.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import json
import mimetypes
import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import livereload
import tornado.httpserver
import tornado.netutil
import tornado.web
import tornado.websocket

from foresite.preview.watcher import Stamp, Watcher

LIVERELOAD_JS = Path(livereload.__file__).parent / "vendors" / "livereload.js"
PROTOCOL = "http://livereload.com/protocols/official-7"
NOT_FOUND_PAGE = "404.html"
POLL_SECONDS = 0.2
"""How often the watched files are looked at: a saved file is seen within this."""
RELOAD = json.dumps({"command": "reload", "path": "*", "liveCSS": True, "liveImg": True})
"""livereload's message that tells a page to reload."""
RECENT_PAGES = 8
"""Pages last served that `recent_pages` names: those an editor has open."""

Say = Callable[[str], None]
Rebuild = Callable[[frozenset[Path]], bool]
"""Given the files that changed (added, edited or removed), whether the site did."""

_TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".json": "application/json"}


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class ServeError(Exception):
    """The server cannot start (port taken, address unusable)."""


@dataclass(frozen=True)
class HostGuard:
    """The names a request may call the preview by (its Host header, and
    a WebSocket's Origin): the loopback names and the address it listens
    on, with its port. A DNS-rebinding page reaches the preview under its
    own domain name, which is in neither."""

    names: frozenset[str]
    """Host names and addresses, lower case, IPv6 ones without brackets."""
    port: int
    any_address: bool = False
    """Listening on every address (0.0.0.0, ::): any IP address is this
    machine's, so any IP literal is allowed, though still no name."""

    @classmethod
    def listening_on(cls, host: str, port: int) -> HostGuard:
        bare = host.strip("[]").lower()
        try:
            any_address = ipaddress.ip_address(bare).is_unspecified
        except ValueError:
            any_address = False
        return cls(frozenset({*LOOPBACK_NAMES, bare}), port, any_address)

    def allows(self, netloc: str) -> bool:
        """Whether a Host header (`name:port`) names this preview."""
        if not netloc or any(c in netloc for c in "@/?#\\ \t"):
            return False
        try:
            split = urlsplit(f"//{netloc}")
            name, port = split.hostname, split.port or 80
        except ValueError:  # a port that is no number, a bracket left open
            return False
        if not name or port != self.port:
            return False
        return name in self.names or (self.any_address and _is_address(name))

    def allows_origin(self, origin: str) -> bool:
        """Whether a WebSocket's Origin is a page of this preview."""
        split = urlsplit(origin)
        return split.scheme == "http" and split.path in ("", "/") and self.allows(split.netloc)

    def refusal(self, what: str, value: str) -> str:
        shown = ", ".join(f"[{n}]" if ":" in n else n for n in sorted(self.names))
        return (f"refused: this preview answers only to {shown} on port {self.port}, not to {what} {value!r} "
                f"(a page of another site may be trying to read it)\n")


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _refuse_stranger(handler: tornado.web.RequestHandler, guard: HostGuard) -> bool:
    """Answer 403 to a request that does not name the preview; whether it did."""
    host = handler.request.headers.get("Host", "")
    origin = handler.request.headers.get("Origin")
    if not guard.allows(host):
        refusal = guard.refusal("Host", host)
    elif origin is not None and isinstance(handler, tornado.websocket.WebSocketHandler) and not guard.allows_origin(origin):
        refusal = guard.refusal("Origin", origin)
    else:
        return False
    handler.set_status(403)
    handler.set_header("Content-Type", "text/plain; charset=utf-8")
    handler.finish(refusal)
    return True


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def livereload_tag(port: int) -> bytes:
    return f'<script src="/livereload.js?port={port}" defer></script>'.encode("ascii")


def inject(html: bytes, tag: bytes) -> bytes:
    """`html` with `tag` at the end of its head, where livereload.js goes."""
    at = html.find(b"</head>")
    if at < 0:
        return html + tag
    return html[:at] + tag + html[at:]


def resolve_request(folder: Path, raw_path: str) -> Path | None:
    """The file or folder of `folder` a request path names, or None when the
    path could lead outside it (`..`, encoded or not, NUL, backslashes)."""
    decoded = unquote(raw_path, errors="strict") if "%" in raw_path else raw_path
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [part for part in decoded.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return None
    root = folder.resolve()
    target = root.joinpath(*parts).resolve()
    return target if is_inside(root, target) else None


def is_inside(root: Path, path: Path) -> bool:
    """Whether `path`, its symbolic links followed, is in the folder `root`
    (resolved): a link that leads elsewhere is not."""
    resolved = path.resolve()
    return resolved == root or resolved.is_relative_to(root)


class PreviewServer:
    """Serves `folder` on host:port and rebuilds it when `watched` files change.

    `rebuild` is told which files changed (so that it need not look at every
    file again) and returns whether the site changed, that is whether open
    pages should reload."""

    def __init__(
        self,
        folder: Path,
        rebuild: Rebuild,
        watched: Sequence[Path],
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        poll_seconds: float = POLL_SECONDS,
        say: Say = print,
    ) -> None:
        self.folder = folder
        self.rebuild = rebuild
        self.watched = tuple(watched)
        self.host = host
        self.say = say
        self.sockets = _bind(host, port)
        self.port = self.sockets[0].getsockname()[1]
        self.guard = HostGuard.listening_on(host, self.port)
        self.waiters: set[_LiveReload] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stopping = threading.Event()
        self.ready = threading.Event()
        # The web pages last served, oldest first, each with its file's stamp when served.
        self._recent: dict[str, Stamp] = {}
        # Before the first build, so that a save during it is seen after it.
        try:
            self._watcher = Watcher(self.watched, poll_seconds)
        except (RuntimeError, OSError) as exc:
            for listening in self.sockets:
                listening.close()
            raise ServeError(f"cannot watch the project's files: {exc}") from exc

    @property
    def url(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{shown}:{self.port}/"

    def serve_forever(self) -> None:
        """Answer requests and watch files until `stop` (or Ctrl-C)."""
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        server = tornado.httpserver.HTTPServer(self._application())
        server.add_sockets(self.sockets)
        watcher = threading.Thread(target=self._watch, name="foresite-watcher", daemon=True)
        watcher.start()
        self.ready.set()
        try:
            self.loop.run_forever()
        finally:
            self.stopping.set()
            self._watcher.close()
            server.stop()
            self.loop.run_until_complete(server.close_all_connections())
            self.loop.close()

    def start_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="foresite-server", daemon=True)
        thread.start()
        self.ready.wait(10)
        return thread

    def stop(self) -> None:
        self.stopping.set()
        self._watcher.close()
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.loop.stop)

    def recent_pages(self) -> tuple[str, ...]:
        """The web pages last served, as paths in the folder, latest first:
        a change to every page writes these first."""
        return tuple(reversed(list(self._recent)))

    def _served(self, relpath: str, stamp: Stamp) -> None:
        self._recent.pop(relpath, None)
        self._recent[relpath] = stamp
        if len(self._recent) > RECENT_PAGES:
            del self._recent[next(iter(self._recent))]

    def _stamp_shown(self, page: Path | None) -> Stamp | None:
        """The stamp of `page` as last served, else as it is now."""
        key = _site_path(self.folder, page) if page is not None else None
        return (self._recent.get(key) if key is not None else None) or _stamp(page)

    def reload_browsers(self) -> None:
        """Tell every open page to reload; callable from any thread."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._send_reload)

    # ------------------------------------------------------------ internals

    def _application(self) -> tornado.web.Application:
        page_options = {"folder": self.folder, "tag": livereload_tag(self.port), "guard": self.guard, "served": self._served}
        return tornado.web.Application(log_function=_quiet, handlers=[
            (r"/livereload", _LiveReload, {"waiters": self.waiters, "folder": self.folder, "guard": self.guard, "shown": self._stamp_shown}),
            (r"/livereload\.js", _LiveReloadScript, {"guard": self.guard}),
            (r".*", _Files, page_options),
        ])

    def _send_reload(self) -> None:
        for waiter in list(self.waiters):
            waiter.reload_if_changed()

    def _watch(self) -> None:
        for changed in self._watcher.changes():
            if self.stopping.is_set():
                return
            if self._rebuild_safely(changed):
                self.reload_browsers()

    def _rebuild_safely(self, changed: frozenset[Path]) -> bool:
        try:
            return self.rebuild(changed)
        except Exception as exc:  # noqa: BLE001 - a bad edit must never stop the preview
            self.say(f"error: the rebuild failed: {type(exc).__name__}: {exc}")
            self.say("still serving the last good site; save again once it is fixed")
            return False


class BackgroundJob:
    """Runs `job` in a thread of its own each time it is asked to, merging the
    requests that arrive while it runs into one next run. Like the server,
    it outlives whatever the job raises."""

    def __init__(self, name: str, job: Callable[[], None], *, say: Say = print) -> None:
        self.name = name
        self.job = job
        self.say = say
        self._wake = threading.Condition()
        self._requested = 0
        self._started = 0
        self._finished = 0
        self._closed = False
        self._thread = threading.Thread(target=self._work, name=f"foresite-{name}", daemon=True)

    def request(self) -> None:
        with self._wake:
            if not self._thread.is_alive() and not self._closed:
                self._thread.start()
            self._requested += 1
            self._wake.notify_all()

    @property
    def is_behind(self) -> bool:
        """Whether a request came after the run now going on (or none runs)."""
        with self._wake:
            return self._requested > self._started

    def wait(self, timeout: float | None = None) -> bool:
        """Whether every request has run, waiting up to `timeout` seconds."""
        with self._wake:
            return self._wake.wait_for(lambda: self._finished >= self._requested, timeout)

    def close(self, timeout: float = 60) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._closed or self._requested > self._started)
                if self._closed:
                    return
                number = self._started = self._requested
            try:
                self.job()
            except Exception as exc:  # noqa: BLE001 - a bad edit must never stop the preview
                self.say(f"error: {self.name} failed: {type(exc).__name__}: {exc}")
            with self._wake:
                self._finished = number
                self._wake.notify_all()


def _quiet(_handler: tornado.web.RequestHandler) -> None:
    """Requests are not logged: the terminal is for what the editor must fix."""


def _bind(host: str, port: int) -> list[socket.socket]:
    try:
        return tornado.netutil.bind_sockets(port, address=host)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is already in use (another preview?); "
                f"stop it or pick another port with --port"
            ) from exc
        if exc.errno == errno.EACCES:
            raise ServeError(f"not allowed to listen on port {port}; pick one above 1023 with --port") from exc
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


class _Files(tornado.web.RequestHandler):
    """The preview folder's files, as GitHub Pages would serve them, with
    livereload.js added to every HTML page."""

    def initialize(self, folder: Path, tag: bytes, guard: HostGuard, served: Callable[[str, Stamp], None]) -> None:
        self.folder = folder
        self.tag = tag
        self.guard = guard
        self.served = served

    def prepare(self) -> None:
        _refuse_stranger(self, self.guard)

    def get(self) -> None:
        try:
            target = resolve_request(self.folder, self.request.path)
        except UnicodeDecodeError:
            target = None
        if target is None:
            self._send_text(403, "refused: that path leads outside the site\n")
            return
        if target.is_dir():
            if not self.request.path.endswith("/"):
                self._redirect_to_folder(target)
                return
            target = target / "index.html"
        if not target.is_file() or not is_inside(self.folder.resolve(), target) or not self._send_file(200, target):
            self._send_not_found()

    def head(self) -> None:
        self.get()  # tornado leaves the body out of HEAD answers

    def _redirect_to_folder(self, target: Path) -> None:
        # Built from the resolved path, so it can only point into this site.
        relative = target.relative_to(self.folder.resolve()).as_posix()
        self.redirect("/" + quote(relative) + "/", permanent=False)

    def _send_not_found(self) -> None:
        page = self.folder / NOT_FOUND_PAGE
        if not (page.is_file() and is_inside(self.folder.resolve(), page) and self._send_file(404, page)):
            self._send_text(404, "not found\n")

    def _send_file(self, status: int, path: Path) -> bool:
        """Send the file; False when it is gone: a save removes a deleted
        article's pages while readers ask for them."""
        try:
            with path.open("rb") as file:  # the stamp of the very file read: saves replace files
                stat = os.fstat(file.fileno())
                data = file.read()
        except OSError:
            return False
        content_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type == "text/html":
            data = inject(data, self.tag)
            content_type += "; charset=utf-8"
            if status == 200 and (key := _site_path(self.folder, path)) is not None:
                self.served(key, (stat.st_mtime_ns, stat.st_size))
        self.set_status(status)
        self.set_header("Content-Type", content_type)
        self.set_header("Cache-Control", "no-store")
        self.finish(data)
        return True

    def _send_text(self, status: int, text: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(text)


class _LiveReloadScript(tornado.web.RequestHandler):
    def initialize(self, guard: HostGuard) -> None:
        self.guard = guard

    def prepare(self) -> None:
        _refuse_stranger(self, self.guard)

    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript")
        self.set_header("Cache-Control", "no-store")
        self.finish(LIVERELOAD_JS.read_bytes())


class _LiveReload(tornado.websocket.WebSocketHandler):
    """livereload's protocol: the page says hello, then which page it is,
    then waits to be told to reload. A page is told only when its file
    changed, so a rebuild that touched other pages leaves it alone."""

    def initialize(
        self, waiters: set[_LiveReload], folder: Path, guard: HostGuard, shown: Callable[[Path | None], Stamp | None]
    ) -> None:
        self.waiters = waiters
        self.folder = folder
        self.guard = guard
        self.shown = shown
        self.page: Path | None = None
        self.stamp: Stamp | None = None

    def prepare(self) -> None:
        _refuse_stranger(self, self.guard)

    def check_origin(self, origin: str) -> bool:
        return self.guard.allows_origin(origin)  # `prepare` has refused any other, saying why

    def on_message(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
            command = data.get("command")
        except (ValueError, AttributeError):
            return
        if command == "hello":
            self.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL], "serverName": "foresite"}))
            self.waiters.add(self)
        elif command == "info" and isinstance(data.get("url"), str):
            self.page = _page_file(self.folder, data["url"])
            # As served, not as now: a page saved between its answer and this
            # message missed that save's reload, and is told now.
            self.stamp = self.shown(self.page)
            self.reload_if_changed()

    def reload_if_changed(self) -> None:
        """Tell the page to reload if its file changed since it was shown."""
        if not self.has_changed():
            return
        try:
            self.write_message(RELOAD)
        except tornado.websocket.WebSocketClosedError:
            self.waiters.discard(self)

    def has_changed(self) -> bool:
        """Whether the page's file changed since it was shown (True when unknown)."""
        if self.page is None:
            return True
        now = _stamp(self.page)
        changed, self.stamp = now != self.stamp, now
        return changed

    def on_close(self) -> None:
        self.waiters.discard(self)


def _page_file(folder: Path, url: str) -> Path | None:
    """The file that answers `url`, as `_Files` finds it."""
    try:
        target = resolve_request(folder, urlsplit(url).path)
    except (UnicodeDecodeError, ValueError):
        return None
    if target is not None and target.is_dir():
        target = target / "index.html"
    return target


def _site_path(folder: Path, path: Path) -> str | None:
    """`path` as a path in the preview folder (how the pages last served are
    named, when served and when a page's socket names it); None outside it."""
    root = folder.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else None


def _stamp(path: Path | None) -> Stamp | None:
    try:
        stat = path.stat() if path is not None else None
    except OSError:  # gone: that is a change too
        return None
    return (stat.st_mtime_ns, stat.st_size) if stat else None
