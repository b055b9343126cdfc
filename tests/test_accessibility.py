"""Readers on phones and with assistive technology (issue 22): axe-core and the
Nu HTML checker on one page of every kind, the contrast of every relevancy
badge and chart number, and the phone layout, in Debian's Chromium.

axe-core and vnu-jar are pinned in package.json and installed by `npm ci`
into node_modules/ (CI does it); without them those tests skip, saying so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .conftest import ROOT, serve_folder

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")


def page_of_every_kind(site: Path) -> dict[str, str]:
    """One URL (relative to the site's root) of each page kind, found in the built site."""
    def first(folder: str) -> str:
        names = sorted(p.name for p in (site / folder).iterdir() if (p / "index.html").is_file() and p.name != "page")
        return f"{folder}/{names[0]}/"
    return {
        "home": "", "article": first("articles"), "signal": first("signals"), "behavior": first("behaviors"),
        "technology": first("technologies"), "keyword": first("keywords"), "theme": first("themes"),
        "category": first("categories"), "type": first("types"), "trend": first("trends"),
        "articles listing": "articles/", "signals listing": "signals/", "keywords index": "keywords/",
        "themes index": "themes/", "timeline": "timeline/", "trends": "trends/", "insights": "insights/",
        "data": "data/", "search": "search/?q=energy", "404": "404.html",
    }


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_folder(built_site) as url:
        yield url


def open_page(browser: Browser, url: str, width: int, scheme: str) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 844 if width < 600 else 900}, color_scheme=scheme, bypass_csp=True)
    page.goto(url)
    if "search/" in url:
        page.wait_for_selector("#search-results li", timeout=15000)
    return page


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    return [
        f"{v['id']}: {node['target']} {node.get('failureSummary', '')[:200]}"
        for v in result["violations"] for node in v["nodes"]
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_nothing_on_any_page_kind(browser: Browser, built_site: Path, site_url: str, width: int, scheme: str) -> None:
    if not AXE.is_file():
        pytest.skip("node_modules/axe-core is absent: run 'npm ci' at the top of the repository")
    found = {}
    for kind, path in page_of_every_kind(built_site).items():
        page = open_page(browser, site_url + path, width, scheme)
        violations = axe_violations(page)
        page.close()
        if violations:
            found[kind] = violations
    assert not found, json.dumps(found, indent=1)


def test_axe_is_able_to_find_a_violation(browser: Browser, tmp_path: Path) -> None:
    if not AXE.is_file():
        pytest.skip("node_modules/axe-core is absent: run 'npm ci' at the top of the repository")
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang=en><title>t</title><main><p style="color:#aaa;background:#fff">faint</p>'
        '<svg role=img><title>x</title><a href="#">link</a></svg></main></html>'
    )
    with serve_folder(tmp_path) as url:
        page = open_page(browser, url, 390, "light")
        ids = {line.split(":")[0] for line in axe_violations(page)}
        page.close()
    assert {"color-contrast", "nested-interactive"} <= ids


def test_the_nu_checker_finds_no_error_on_any_page_kind(built_site: Path) -> None:
    if not VNU.is_file():
        pytest.skip("node_modules/vnu-jar is absent: run 'npm ci' at the top of the repository")
    if not shutil.which("java"):
        pytest.skip("the Nu HTML checker needs Java: apt-get install default-jre-headless")
    files = []
    for path in page_of_every_kind(built_site).values():
        path = path.split("?")[0]
        files.append(str(built_site / (path if path.endswith(".html") else path + "index.html")))
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True, text=True, check=False,
    )
    messages = json.loads(run.stderr or "{}").get("messages", [])
    assert not messages, "\n".join(f"{m.get('url')}: {m.get('message')}" for m in messages)


CONTRAST = """() => {
  const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const out = [];
  for (const badge of document.querySelectorAll('b.r1, b.r2, b.r3, b.r4, b.r5, span.r1, span.r2, span.r3, span.r4, span.r5')) {
    const s = getComputedStyle(badge);
    out.push({what: badge.className + ' ' + badge.textContent, ratio: ratio(s.color, s.backgroundColor), size: parseFloat(s.fontSize), bold: +s.fontWeight >= 700});
  }
  for (const text of document.querySelectorAll('svg.heatmap text.cell-n')) {
    const cell = text.previousElementSibling;
    out.push({what: 'cell ' + cell.getAttribute('class') + ' ' + text.textContent,
      ratio: ratio(getComputedStyle(text).fill, getComputedStyle(cell).fill), size: parseFloat(getComputedStyle(text).fontSize), bold: false});
  }
  return out;
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_relevancy_badge_and_chart_number_is_legible(browser: Browser, built_site: Path, site_url: str, scheme: str) -> None:
    measured = []
    for path in ("", page_of_every_kind(built_site)["article"], "signals/", "insights/"):
        page = open_page(browser, site_url + path, 1280, scheme)
        measured += page.evaluate(CONTRAST)
        page.close()
    assert {m["what"].split()[0] for m in measured} >= {"r4", "r5", "cell"}
    large = lambda m: m["size"] >= 24 or (m["bold"] and m["size"] >= 18.66)
    failing = [m for m in measured if m["ratio"] < (3 if large(m) else 4.5)]
    assert not failing, failing


def test_on_a_phone_no_page_scrolls_sideways(browser: Browser, built_site: Path, site_url: str) -> None:
    wide = {}
    for kind, path in page_of_every_kind(built_site).items():
        page = open_page(browser, site_url + path, 390, "light")
        width = page.evaluate("document.documentElement.scrollWidth")
        page.close()
        if width > 390:
            wide[kind] = width
    assert not wide


def test_on_a_phone_a_row_table_shows_every_field_without_scrolling(browser: Browser, built_site: Path, site_url: str) -> None:
    page = open_page(browser, site_url + page_of_every_kind(built_site)["article"], 390, "light")
    cells = page.evaluate(
        """() => [...document.querySelectorAll('table.rowtable td, table.rowtable tbody th')].map((c) => {
             const r = c.getBoundingClientRect(); return {left: r.left, right: r.right, label: c.dataset.label || 'name'}; })"""
    )
    scrollers = page.evaluate("[...document.querySelectorAll('.scroll')].filter((s) => s.scrollWidth > s.clientWidth).length")
    page.close()
    assert cells and {c["label"] for c in cells} >= {"name", "Relevancy"}
    assert all(0 <= c["left"] and c["right"] <= 390 for c in cells), [c for c in cells if c["right"] > 390][:3]
    assert scrollers == 0


def test_a_focused_link_is_never_covered_by_a_preview(browser: Browser, built_site: Path, site_url: str) -> None:
    for width, hover in ((390, False), (1280, True)):
        context = browser.new_context(viewport={"width": width, "height": 844}, has_touch=not hover, is_mobile=not hover)
        page = context.new_page()
        page.goto(site_url + page_of_every_kind(built_site)["article"])
        covered, shown = [], 0
        for _ in range(40):
            page.keyboard.press("Tab")
            page.wait_for_timeout(450)
            state = page.evaluate(
                """() => { const a = document.activeElement, card = document.querySelector('.preview-card');
                  if (!card || card.hidden || getComputedStyle(card).display === 'none') return {shown: false};
                  const r = a.getBoundingClientRect(), c = card.getBoundingClientRect();
                  const overlap = Math.max(0, Math.min(r.right, c.right) - Math.max(r.left, c.left)) * Math.max(0, Math.min(r.bottom, c.bottom) - Math.max(r.top, c.top));
                  return {shown: true, overlap, live: card.getAttribute('aria-live'), link: a.textContent}; }"""
            )
            if state["shown"]:
                shown += 1
                assert state["live"] is None
                if state["overlap"] > 0:
                    covered.append(state["link"])
        context.close()
        assert not covered, (width, covered)
        assert (shown > 0) == hover, (width, shown)
