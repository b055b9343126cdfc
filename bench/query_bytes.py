"""Bytes a reader's browser fetches to search a built site, counted by the server.

    python bench/query_bytes.py SITE [QUERY ...] [--width 1280]

Serves SITE on 127.0.0.1, opens its search page in Debian's headless
Chromium (a fresh profile, so nothing is cached), runs the first query from
the address, then each further one typed into the box on the same page, and
prints the bytes the server sent for each step, by part: the page itself, the
search code (JavaScript and WebAssembly), the index's metadata, the pieces of
the word index, the result fragments and the filters. The server counts the
bodies it writes, so the figures do not depend on what the browser reports.
At 1280 px the filter panel is open and its counts are fetched with the
first query; on a phone width (--width 390) only when the panel is opened.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from collections import Counter
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, quote_plus, unquote, urlsplit

CHROMIUM = "/usr/bin/chromium"
PARTS = (
    ("page", (".html", ".css", ".svg", ".ico", ".png")),
    ("code", (".js", ".wasm", ".pagefind")),
    ("metadata", (".pf_meta", "pagefind-entry.json", "shards.json")),
    ("index", (".pf_index",)),
    ("fragments", (".pf_fragment",)),
    ("filters", (".pf_filter",)),
)


def part_of(path: str) -> str:
    name = unquote(urlsplit(path).path)
    if name.endswith("/"):
        return "page"
    return next((part for part, endings in PARTS if name.endswith(endings)), "other")


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder and adds each body's bytes to `sent`, by part."""

    sent: ClassVar[Counter[str]] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def copyfile(self, source, outputfile) -> None:  # type: ignore[override]
        data = source.read()
        outputfile.write(data)
        with self.lock:
            self.sent[part_of(self.path)] += len(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


def measure(site: Path, queries: list[str], width: int) -> list[tuple[str, Counter[str]]]:
    from playwright.sync_api import sync_playwright

    handler = type("Handler", (CountingHandler,), {"sent": Counter()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    steps: list[tuple[str, Counter[str]]] = []

    def step(label: str) -> None:
        with handler.lock:
            steps.append((label, Counter(handler.sent)))
            handler.sent.clear()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            for number, query in enumerate(queries):
                if number == 0:
                    page.goto(f"{base}search/?q={quote(query)}")
                else:
                    page.locator("#search-q").fill(query)
                    wanted = f"q={quote_plus(query)}"
                    page.wait_for_url(lambda url, wanted=wanted: wanted in url)
                wait_for_results(page)
                page.wait_for_load_state("networkidle")
                step(f"{'first' if number == 0 else 'then'} query {query!r}")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return steps


def wait_for_results(page) -> None:
    # Functions, not strings: the page's CSP forbids eval.
    page.wait_for_function(
        "() => document.querySelector('#search').getAttribute('aria-busy') === 'false'"
        " && /^(\\d+ results?|No results)/.test(document.querySelector('#search-status').textContent)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("queries", nargs="*", default=["climate", "energy storage", "ai"])
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args(argv)
    parts = [part for part, _ in PARTS]
    print(f"{args.site} at {args.width} px; KB sent by the server")
    print(" | ".join(["step", *parts, "total"]))
    for label, sent in measure(args.site, args.queries, args.width):
        cells = [f"{sent[part] / 1000:,.0f}" for part in parts]
        print(" | ".join([label, *cells, f"{sum(sent.values()) / 1000:,.0f}"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
