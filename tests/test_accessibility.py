"""Readers on phones and with assistive technology (issue 22): axe-core and the
Nu HTML checker on one page of every kind (content/ with the golden project's
hand-written page and a redirect from an old address), the contrast of every
relevancy badge and chart label, the phone layout, the insights charts and
the search page, in Debian's Chromium.

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

from .conftest import ROOT, build_project, serve_folder

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """content/, plus the golden project's hand-written page and an old
    address of it, so that every page kind is there."""
    root = tmp_path_factory.mktemp("every-kind")
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "tests" / "golden" / "content" / "pages", root / "content" / "pages")
    shutil.copytree(ROOT / "static", root / "static")
    (root / "site.yml").write_text('redirects:\n  "method.html": "pages/method/"\n', encoding="utf-8")
    report = build_project(root / "content", root / "site", root=root, templates=ROOT / "templates")
    assert report.written and not report.errors, [str(p) for p in report.errors]
    return root / "site"


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
        "hand-written page": "pages/method/", "redirect": "method.html",
    }


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_folder(built_site) as url:
        yield url


def open_page(browser: Browser, url: str, width: int, scheme: str) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 844 if width < 600 else 900}, color_scheme=scheme, bypass_csp=True)
    if url.endswith("method.html"):
        # A redirect page sends the reader on at once: stay on it to check it.
        # A navigation answered "204 No Content" leaves the page where it is.
        page.route("**/pages/method/", lambda route: route.fulfill(status=204))
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
  const behind = (node) => { for (let n = node; n; n = n.parentElement) { const c = getComputedStyle(n).backgroundColor;
    if (c && !c.startsWith('rgba(0, 0, 0, 0')) return c; } return 'rgb(255, 255, 255)'; };
  for (const text of document.querySelectorAll('svg.chart text:not(.cell-n)')) {
    const s = getComputedStyle(text);
    out.push({what: 'label ' + text.getAttribute('class') + ' ' + text.textContent, ratio: ratio(s.fill, behind(text.closest('svg'))), size: parseFloat(s.fontSize), bold: +s.fontWeight >= 700});
  }
  for (const text of document.querySelectorAll('svg.heatmap text.cell-n')) {
    const cell = text.previousElementSibling;
    out.push({what: 'cell ' + cell.getAttribute('class') + ' ' + text.textContent,
      ratio: ratio(getComputedStyle(text).fill, getComputedStyle(cell).fill), size: parseFloat(getComputedStyle(text).fontSize), bold: false});
  }
  return out;
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_relevancy_badge_chart_number_and_chart_label_is_legible(browser: Browser, built_site: Path, site_url: str, scheme: str) -> None:
    measured = []
    kinds = page_of_every_kind(built_site)
    for path in ("", kinds["article"], "signals/", "insights/", "trends/", kinds["trend"], kinds["keyword"]):
        page = open_page(browser, site_url + path, 1280, scheme)
        measured += page.evaluate(CONTRAST)
        page.close()
    assert {m["what"].split()[0] for m in measured} >= {"r4", "r5", "cell", "label"}
    assert {m["what"].split()[1] for m in measured if m["what"].startswith("label")} >= {"hm-row", "hm-col", "tick", "bar-n"}
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


# ------------------------------------------------------------ insights charts

CHART_BOX = """(selector) => { const svg = document.querySelector(selector), box = svg.parentElement;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const cue = getComputedStyle(box, '::after');
  const labels = [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  return {scrolls: box.scrollWidth > box.clientWidth + 1, focusable: box.tabIndex === 0, name: box.getAttribute('aria-label'),
    cue: cue.content !== 'none' && cue.position === 'sticky' && cue.backgroundImage.includes('gradient'),
    boxRight: box.getBoundingClientRect().right, svgRight: svg.getBoundingClientRect().left + svg.viewBox.baseVal.width * scale,
    smallest: Math.min(...labels), top: svg.getBoundingClientRect().top, bottom: svg.getBoundingClientRect().bottom,
    left: box.getBoundingClientRect().left, right: svg.getBoundingClientRect().right}; }"""


def test_on_a_phone_the_heatmap_fits_or_scrolls_in_its_box_with_a_cue(browser: Browser, site_url: str) -> None:
    page = open_page(browser, site_url + "insights/", 390, "light")
    for selector in ("svg.heatmap", "section.months svg.bars"):
        box = page.evaluate(CHART_BOX, selector)
        assert box["smallest"] >= 11, (selector, box)  # labels at their size, never shrunk to fit
        assert box["focusable"] and box["name"], (selector, box)
        assert box["boxRight"] <= 390
        if box["scrolls"]:
            assert box["cue"], (selector, box)
    # Scrolled to its end, the heatmap shows its last column's label whole, the cue past it.
    page.evaluate("() => { const b = document.querySelector('svg.heatmap').parentElement; b.scrollLeft = b.scrollWidth; }")
    last = page.evaluate("""() => { const labels = document.querySelectorAll('svg.heatmap text.hm-col');
      return [labels[labels.length - 1].getBoundingClientRect().right, document.querySelector('svg.heatmap').parentElement.getBoundingClientRect().right]; }""")
    page.close()
    assert last[0] <= last[1], last


def test_on_a_wide_screen_the_heatmap_leaves_no_blank_band(browser: Browser, site_url: str) -> None:
    page = open_page(browser, site_url + "insights/", 1280, "light")
    heat = page.evaluate(CHART_BOX, "svg.heatmap")
    spots = page.evaluate("() => { const r = document.querySelector('ol.blindspots').getBoundingClientRect(); return {left: r.left, top: r.top}; }")
    page.close()
    assert heat["smallest"] >= 12 and not heat["scrolls"]
    # The blind spots stand beside the heatmap, not under a band of blank page.
    assert spots["left"] > heat["right"] and heat["top"] - 60 <= spots["top"] < heat["bottom"], (heat, spots)


def test_the_trends_list_keeps_no_empty_rank_gutter(browser: Browser, site_url: str) -> None:
    for width in WIDTHS:
        page = open_page(browser, site_url + "trends/", width, "light")
        edges = page.evaluate("""() => { const ol = document.querySelector('ol.trendlist');
          return [ol.getBoundingClientRect().left, ol.querySelector('li').getBoundingClientRect().left, document.querySelector('main h1').getBoundingClientRect().left]; }""")
        page.close()
        assert edges[0] == edges[1] == edges[2], (width, edges)


# ------------------------------------------------------------ search

LAYOUT_SHIFT = """() => new Promise((done) => { let sum = 0;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(sum), 300); })"""


def search_page(browser: Browser, url: str, width: int = 1280) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 844}, bypass_csp=True)
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.url.endswith("pagefind.js") else None)
    page.goto(url)
    page.wait_for_selector("#search[aria-busy=false]", state="attached", timeout=15000)
    return page, scripts


def test_search_loads_pagefind_once_for_every_language(browser: Browser, built_site: Path, site_url: str) -> None:
    languages = {shard["language"] for shard in json.loads((built_site / "pagefind" / "shards.json").read_text())["shards"]}
    assert len(languages) >= 2  # content/ has French articles
    for query, title in (("energy", "Energy"), ("cantines", "Cantines")):
        page, scripts = search_page(browser, site_url + f"search/?q={query}")
        titles = page.eval_on_selector_all("#search-results h3", "hs => hs.map(h => h.textContent)")
        page.close()
        assert len(scripts) == 1, scripts
        assert any(title.lower() in t.lower() for t in titles), (query, titles[:5])


def test_search_shows_each_page_once_even_when_more_is_pressed_twice(browser: Browser, site_url: str) -> None:
    for sort in ("", "relevancy", "date"):
        page, _ = search_page(browser, site_url + f"search/?q=the&sort={sort}")
        for _ in range(3):
            if not page.is_visible("#search-more"):
                break
            page.evaluate("() => { const b = document.querySelector('#search-more'); b.click(); b.click(); }")
            page.wait_for_timeout(1200)
        links = page.eval_on_selector_all("#search-results h3 a", "as => as.map(a => a.getAttribute('href'))")
        page.close()
        assert len(links) > 20, (sort, len(links))
        assert len(links) == len(set(links)), (sort, [link for link in links if links.count(link) > 1][:3])


def test_the_relevancy_filter_tells_value_from_count(browser: Browser, site_url: str) -> None:
    page, _ = search_page(browser, site_url + "search/?q=energy")
    if not page.evaluate("document.querySelector('#search-filters').open"):
        page.click("#search-filters summary")
    page.wait_for_selector("#facet-relevancy label", timeout=15000)
    labels = page.eval_on_selector_all("#facet-relevancy label", """ls => ls.map((l) => { const shown = l.cloneNode(true);
      shown.querySelectorAll('.visually-hidden').forEach((h) => h.remove()); return [shown.textContent, l.textContent]; })""")
    page.close()
    assert labels
    for shown, spoken in labels:
        value, count = shown.split(" ", 1)
        assert value in "12345" and count.startswith("(") and count.endswith(")") and count[1:-1].isdigit(), shown
        assert spoken.endswith(" results)"), spoken


@pytest.mark.parametrize("width", WIDTHS)
def test_search_results_do_not_shift_the_page_as_they_arrive(browser: Browser, site_url: str, width: int) -> None:
    page, _ = search_page(browser, site_url + "search/?q=energy", width)
    page.wait_for_timeout(300)
    shift = page.evaluate(LAYOUT_SHIFT)
    page.close()
    assert shift < 0.01, shift
