"""Every page built from the hostile corpus, opened in headless Chromium.

No dialog opens, no script sets the title to 'PWNED', the policy never has to
block anything, nothing logs an error, no request leaves 127.0.0.1, and no
element in the live DOM carries an on* handler, a javascript:/data:/vbscript:
URL or an inline script. Pages load several at a time in one context, so the
whole corpus (about 1,100 pages, large files left out) takes well under two
minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.hostile.make_hostile import HOSTILE_PREFIX, make_hostile_corpus

from .conftest import build_project, serve_folder

pytestmark = pytest.mark.browser

TABS = 6

# Runs before any script of the page (and whatever the policy says): records
# every title a script sets and every policy violation, which would mean
# content had put something executable into the DOM.
WATCH = """
(() => {
  const seen = window.__hostile = {titles: [], violations: []};
  const title = Object.getOwnPropertyDescriptor(Document.prototype, 'title');
  Object.defineProperty(Document.prototype, 'title', {
    configurable: true,
    get() { return title.get.call(this); },
    set(value) { seen.titles.push(String(value)); title.set.call(this, value); },
  });
  document.addEventListener('securitypolicyviolation', (event) => {
    seen.violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample || ''}`);
  });
})();
"""

# Every element and every attribute of the live DOM.
INSPECT = """
() => {
  const found = [];
  const active = /^(?:javascript|data|vbscript):/i;
  const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'srcset', 'poster',
    'data', 'background', 'ping', 'codebase', 'cite', 'longdesc', 'manifest', 'icon', 'lowsrc', 'dynsrc']);
  const forbidden = new Set(['IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET']);
  const describe = (el) => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll('*')) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      // How a browser reads a URL: leading controls and spaces dropped, tabs and newlines ignored.
      const value = attribute.value.replace(/^[\\u0000-\\u0020]+/, '').replace(/[\\t\\n\\r]/g, '');
      if (name.startsWith('on')) found.push(`handler ${name}: ${describe(el)}`);
      if (name === 'srcdoc') found.push(`srcdoc: ${describe(el)}`);
      if (urlAttributes.has(name) && value.split(',').some((part) => active.test(part.trim()))) {
        found.push(`active URL in ${name}: ${describe(el)}`);
      }
    }
    if (forbidden.has(el.tagName)) found.push(`element ${el.tagName}: ${describe(el)}`);
    if ((el.tagName === 'A' || el.tagName === 'AREA') && el.getAttribute('href') !== null && active.test(el.protocol)) {
      found.push(`active link: ${describe(el)}`);
    }
    if (el.tagName === 'SCRIPT') {
      if (!el.src && el.type !== 'application/ld+json') found.push(`inline script: ${describe(el)}`);
      if (el.src && new URL(el.src).origin !== location.origin) found.push(`foreign script: ${describe(el)}`);
    }
    if (el.tagName === 'META' && /refresh/i.test(el.httpEquiv)) found.push(`refresh: ${describe(el)}`);
    if (el.tagName === 'BASE' && new URL(el.href).origin !== location.origin) found.push(`base: ${describe(el)}`);
  }
  return {found, title: document.title, ...window.__hostile};
}
"""


@dataclass
class Findings:
    """What went wrong, by page."""

    items: list[str] = field(default_factory=list)

    def add(self, page: str, what: str) -> None:
        self.items.append(f"{page}: {what}")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-browser")
    described = make_hostile_corpus(root / "content", include_large=False)
    assert sum(d.startswith(HOSTILE_PREFIX) for d in described.values()) > 40
    report = build_project(root / "content", root / "site")  # with search: the search page runs too
    assert report.written
    return root / "site"


def batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def test_no_page_built_from_hostile_content_runs_anything(browser: Browser, hostile_site: Path) -> None:
    pages = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.html"))
    assert len(pages) > 500
    findings = Findings()
    with serve_folder(hostile_site) as url:
        context = browser.new_context()
        context.add_init_script(WATCH)
        # Nothing may leave the test server: not a script, an image, a font or a beacon.
        context.route(
            re.compile(rf"^(?!{re.escape(url)}|data:|blob:)"),
            lambda route: (findings.add(route.request.frame.url, f"request to {route.request.url}"), route.abort()),
        )
        tabs = [context.new_page() for _ in range(TABS)]
        for tab in tabs:
            tab.on("dialog", lambda dialog, tab=tab: (findings.add(tab.url, f"{dialog.type} {dialog.message!r}"), dialog.dismiss()))
            tab.on("pageerror", lambda error, tab=tab: findings.add(tab.url, f"uncaught {error}"))
            tab.on("console", lambda message, tab=tab: message.type == "error" and findings.add(tab.url, f"console: {message.text}"))
        for batch in batches(pages, TABS):
            # Start every tab's navigation, then read each: the loads overlap.
            for tab, page in zip(tabs, batch):
                tab.goto(url + page, wait_until="commit")
            for tab, page in zip(tabs, batch):
                tab.wait_for_load_state("load")
                # Lists made from the articles' rows files (static/site.js) are in the page too.
                tab.wait_for_function("() => !document.querySelector('[aria-busy=true]')")
                state = tab.evaluate(INSPECT)
                for item in state["found"]:
                    findings.add(page, item)
                if state["title"] == "PWNED" or any("PWNED" in t for t in state["titles"]):
                    findings.add(page, f"title set to {state['titles'] or state['title']!r}")
                for violation in state["violations"]:
                    findings.add(page, f"policy violation {violation}")
        for tab in tabs:
            tab.close()
        context.close()
    assert not findings.items, "\n".join(findings.items[:40])


def test_the_inspection_catches_what_it_looks_for(browser: Browser, tmp_path: Path) -> None:
    """The checks above would see an injected handler, link, script and title."""
    (tmp_path / "bad.html").write_text(
        "<!doctype html><title>x</title><a href=' JaVa\tScRiPt:alert(1)'>a</a><img src=x onerror='1'>"
        "<svg><a xlink:href='data:text/html,x'>s</a></svg><script>document.title='PWNED'</script>",
        encoding="utf-8",
    )
    with serve_folder(tmp_path) as url:
        context = browser.new_context()
        context.add_init_script(WATCH)
        tab = context.new_page()
        tab.goto(url + "bad.html")
        state = tab.evaluate(INSPECT)
        context.close()
    found = "\n".join(state["found"])
    assert "active URL in href" in found and "active link" in found
    assert "handler onerror" in found and "active URL in xlink:href" in found and "inline script" in found
    assert state["titles"] == ["PWNED"]


@pytest.fixture(scope="module")
def hostile_pages_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile scan to move (tests/hostile/make_hostile_pages.py), built with search."""
    from tests.hostile.make_hostile_pages import make_hostile_pages
    from tests.test_moving import build_scan

    root = tmp_path_factory.mktemp("hostile-pages-browser")
    report = build_scan(make_hostile_pages(root), root / "site", root, search=True)
    assert report.written and report.pages["page"] > 10 and report.pages["redirect"] > 10
    assert not any("shown as plain text" in p.message for p in report.problems)
    return root / "site"


def test_no_hand_written_page_or_redirect_runs_anything(browser: Browser, hostile_pages_site: Path) -> None:
    pages = sorted(p.relative_to(hostile_pages_site).as_posix() for p in hostile_pages_site.rglob("*.html"))
    findings = Findings()
    with serve_folder(hostile_pages_site, "/hostile/") as url:
        context = browser.new_context()
        context.add_init_script(WATCH)
        context.route(
            re.compile(rf"^(?!{re.escape(url)}|data:|blob:)"),
            lambda route: (findings.add(route.request.frame.url, f"request to {route.request.url}"), route.abort()),
        )
        tab = context.new_page()
        tab.on("dialog", lambda dialog: (findings.add(tab.url, f"{dialog.type} {dialog.message!r}"), dialog.dismiss()))
        tab.on("pageerror", lambda error: findings.add(tab.url, f"uncaught {error}"))
        redirects = 0
        for page in pages:
            tab.goto(url + page)
            tab.wait_for_load_state("load")
            if "<meta http-equiv=refresh" in (hostile_pages_site / page).read_text(encoding="utf-8"):
                # A redirect page sends the reader on, to a page of the site only.
                tab.wait_for_function("() => !document.querySelector('meta[http-equiv=refresh]')")
                assert tab.url.startswith(url) and not tab.url.endswith(".html"), (page, tab.url)
                redirects += 1
            tab.wait_for_function("() => !document.querySelector('[aria-busy=true]')")
            state = tab.evaluate(INSPECT)
            for item in state["found"]:
                findings.add(page, item)
            if state["title"] == "PWNED" or any("PWNED" in t for t in state["titles"]):
                findings.add(page, f"title set to {state['titles'] or state['title']!r}")
            for violation in state["violations"]:
                findings.add(page, f"policy violation {violation}")
        context.close()
    assert redirects > 10
    assert not findings.items, "\n".join(findings.items[:40])
