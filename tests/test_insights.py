"""Insights and charts: coverage, relevancy and scans per month against hand
counts; every chart valid SVG, accessible and style-free; every new page
reachable; the new pages fit a phone and a desktop."""

from __future__ import annotations

import dataclasses
import datetime
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from foresite.core.config import InsightSettings, Settings
from foresite.core.model import Article, Entry, Kind
from foresite.foresight.charts import bar_chart, heatmap, sparkline
from foresite.foresight.insights import build_insights
from foresite.index.site_index import build_index

from .conftest import serve_folder

SVG = "{http://www.w3.org/2000/svg}"


def article(number: int, date: str, category: str, themes: tuple[str, ...], relevancies: tuple[int | None, ...] = ()) -> Article:
    article_id = f"a{number:03d}"
    return Article(
        id=article_id, slug=article_id, path=f"{article_id}.md", title=f"Article {number}",
        date=datetime.date.fromisoformat(date), origin="", origin_url="", source_url="", language="en",
        category=category, type="news", keywords=(), themes=themes, summary="",
        entries=tuple(
            Entry(Kind.ISSUE if i % 2 else Kind.SIGNAL, article_id, f"r{i}", f"Row {i}", True, relevancy=r)
            for i, r in enumerate(relevancies)
        ),
        closest=(), layout="newer",
    )


# Hand-counted: themes by size ai 4, health 3, energy 2; categories technology 3,
# health 2, city 1; six articles over January and March 2023 (none in February).
FIXTURE = [
    article(1, "2023-01-05", "technology", ("ai", "energy"), (5, 4)),
    article(2, "2023-01-12", "technology", ("ai",), (4,)),
    article(3, "2023-01-19", "technology", ("ai", "health"), (3, None)),
    article(4, "2023-03-02", "health", ("health",), (4, 4)),
    article(5, "2023-03-09", "health", ("health", "ai"), (2,)),
    article(6, "2023-03-16", "city", ("energy",), ()),
]


def test_coverage_matches_hand_counts() -> None:
    insights = build_insights(build_index(FIXTURE), InsightSettings(heatmap_themes=3, blind_spots=2))
    assert [(t.label, n) for t, n in insights.themes] == [("ai", 4), ("health", 3), ("energy", 2)]
    assert [(c.label, n) for c, n in insights.categories] == [("technology", 3), ("health", 2), ("city", 1)]
    assert insights.counts == ((3, 1, 0), (1, 2, 0), (1, 0, 1))
    # Expected = theme × category ÷ 6; thin = under half of it: ai×city (0 of 0.67),
    # health×city (0 of 0.5), energy×health (0 of 0.67).
    assert (insights.empty, insights.thin) == (3, 0)
    assert [(b.theme.label, b.category.label, b.seen, b.expected) for b in insights.blind_spots] == [
        ("ai", "city", 0, 0.7), ("energy", "health", 0, 0.7),
    ]


def test_relevancy_and_months_match_hand_counts() -> None:
    insights = build_insights(build_index(FIXTURE), InsightSettings())
    by_kind = {kind: (counts, unrated) for kind, counts, unrated in insights.relevancy}
    # Signals are rows 0, 2, …: 5, 4, 3, 4, 2; issues rows 1, 3, …: 4, None, 4.
    assert by_kind[Kind.SIGNAL] == ((0, 1, 1, 2, 1), 0)
    assert by_kind[Kind.ISSUE] == ((0, 0, 0, 2, 0), 1)
    assert insights.relevancy_totals == (0, 1, 1, 4, 1)
    assert insights.months == (("2023-01", 3), ("2023-02", 0), ("2023-03", 3))


# ------------------------------------------------------------------ charts

def test_chart_geometry_stays_inside_its_box() -> None:
    spark = sparkline((0, 3, 1, 7), ("2023 Q1", "2023 Q2", "2023 Q3", "2023 Q4"), 2)
    points = path_points(spark.path)
    assert len(points) == 4 and all(0 <= x <= spark.width and 0 <= y <= spark.height for x, y in points)
    assert min(y for _, y in points) == points[3][1] and "0, 3, 1, 7" in spark.summary
    # A flat run names its ends only; the points between lie on the line.
    flat = sparkline((0, 0, 0, 0, 2, 0, 0), tuple(f"q{n}" for n in range(7)), 0)
    assert re.fullmatch(r"M2 25H[\d.]+L[\d.]+ 3L[\d.]+ 25H118", flat.path), flat.path
    ends = path_points(flat.path)
    assert [y for _, y in ends] == [25, 25, 3, 25, 25] and ends[-1][0] == 118


def path_points(d: str) -> list[tuple[float, float]]:
    """The vertices of an SVG path of M, L and H commands."""
    points: list[tuple[float, float]] = []
    for command, args in re.findall(r"([MLH])([^MLH]+)", d):
        numbers = [float(n) for n in args.split()]
        points.append((numbers[0], points[-1][1]) if command == "H" else (numbers[0], numbers[1]))
    return points
    bars = bar_chart([("a", 2), ("b", 0), ("c", 4)])
    assert [b.value for b in bars.bars] == [2, 0, 4] and bars.bars[1].height == 0
    assert all(b.y + b.height <= bars.height for b in bars.bars)
    grid = heatmap(["r1", "r2"], ["c1"], [[0], [5]])
    assert [c.level for c in grid.cells] == [0, 5]


def svg_blocks(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)


def parse_svg(block: str) -> ET.Element:
    """An inline chart read as XML, in the SVG namespace an HTML parser
    gives every <svg> element (the pages leave xmlns out)."""
    assert "xmlns" not in block.split(">", 1)[0]
    return ET.fromstring(block.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def new_pages(site: Path) -> list[Path]:
    trend = next(p for p in sorted((site / "trends").iterdir()) if p.is_dir() and p.name != "page")
    keyword = next(p for p in sorted((site / "keywords").iterdir()) if p.is_dir())
    return [site / "trends" / "index.html", trend / "index.html", site / "insights" / "index.html", keyword / "index.html"]


def test_every_chart_is_valid_accessible_svg_without_styles(built_site: Path) -> None:
    found = 0
    for page in new_pages(built_site):
        for block in svg_blocks(page.read_text(encoding="utf-8")):
            svg = parse_svg(block)  # valid XML, or this raises
            found += 1
            # The heatmap holds links: a labelled group, not an image (axe: nested-interactive).
            heat = "heatmap" in svg.get("class", "")
            assert svg.tag == f"{SVG}svg" and svg.get("role") == ("group" if heat else "img")
            assert not heat or svg.get("aria-label")
            assert svg[0].tag == f"{SVG}title" and svg[0].text.strip(), page
            for element in svg.iter():
                assert "style" not in element.attrib and not element.tag.endswith("script"), (page, element.tag)
                assert not any(name.startswith("on") for name in element.attrib), (page, element.tag)
    assert found >= 5


def test_insights_page_holds_heatmap_blind_spots_relevancy_and_months(built_site: Path) -> None:
    html = (built_site / "insights" / "index.html").read_text(encoding="utf-8")
    classes = sorted(parse_svg(b).get("class") for b in svg_blocks(html))
    assert classes == ["chart bars", "chart bars", "chart heatmap"]
    heat = parse_svg(next(b for b in svg_blocks(html) if 'class="chart heatmap"' in b))
    themes = min(Settings().insights.heatmap_themes, len(list((built_site / "themes").glob("*/index.html"))))
    cells = [r for r in heat.iter(f"{SVG}rect") if "cell" in r.get("class", "")]
    columns = len(re.findall(r'class="hm-col"', html))
    assert len(cells) == themes * columns
    assert "Blind spots" in html and "Scans per month" in html and "Relevancy" in html


def test_every_new_page_is_reachable_from_the_navigation(built_site: Path) -> None:
    for page in [built_site / "index.html", *sorted((built_site / "articles").glob("*/index.html"))[:3]]:
        html = page.read_text(encoding="utf-8")
        nav = re.search(r'<nav aria-label="?Indexes"?>.*?</nav>', html, re.DOTALL).group(0)
        targets = {(page.parent / href).resolve() for href in re.findall(r'href="([^"]+)"', nav)}
        assert (built_site / "trends").resolve() in targets and (built_site / "insights").resolve() in targets
    insights = (built_site / "insights" / "index.html").read_text(encoding="utf-8")
    assert 'href="../trends/"' in insights


def test_settings_change_what_the_heatmap_shows(tmp_path: Path) -> None:
    settings = dataclasses.replace(Settings(), insights=InsightSettings(heatmap_themes=2, blind_spots=0))
    insights = build_insights(build_index(FIXTURE), settings.insights)
    assert len(insights.themes) == 2 and insights.blind_spots == ()


# ---------------------------------------------------------- in a browser

@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_new_pages_fit_phone_and_desktop(built_site: Path, browser, width: int, tmp_path: Path) -> None:
    pages = ["trends/", str(new_pages(built_site)[1].parent.relative_to(built_site)) + "/", "insights/"]
    with serve_folder(built_site) as base:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
        for path in pages:
            page.goto(base + path)
            # The page itself never scrolls sideways; wide charts scroll inside their box.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
            assert page.locator("svg[role=img]").count() >= 1
            page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '_')}-{width}.png"), full_page=True)
        assert problems == []
        context.close()


# ---------------------------------------------------- issue 22: dates after the build's day, axes, empty rows

LATE = article(7, "2029-09-11", "technology", ("ai",), (5,))
"""A typo'd future date, as in the real scan (2029-09-11)."""


def test_a_date_after_today_stretches_no_month_axis_and_is_counted_apart() -> None:
    insights = build_insights(build_index([*FIXTURE, LATE]), InsightSettings(), datetime.date(2023, 12, 31))
    assert [m for m, _ in insights.months] == ["2023-01", "2023-02", "2023-03"]
    assert insights.future == 1
    # Without a day to hold it to, the same article runs the axis to 2029.
    assert build_insights(build_index([*FIXTURE, LATE]), InsightSettings()).months[-1] == ("2029-09", 1)


def test_a_date_after_today_leads_no_latest_list_nor_the_momentum_quarters() -> None:
    from foresite.build.stages import plan_site
    from foresite.pages.contexts import HomeContext

    today = datetime.date(2023, 12, 31)
    site = plan_site([*FIXTURE, LATE], Settings(), today=today)
    home = next(p for p in site.pages if p.url == "")
    assert isinstance(home.context, HomeContext)
    assert [a.id for a in home.context.latest][:1] == ["a006"] and "a007" not in [a.id for a in home.context.latest]
    assert site.foresight.timeline.quarters == ((2023, 1),)
    # The article itself is published all the same.
    assert any(p.url.startswith("articles/a007") for p in site.pages)
    unbounded = plan_site([*FIXTURE, LATE], Settings())
    assert next(p for p in unbounded.pages if p.url == "").context.latest[0].id == "a007"  # type: ignore[union-attr]


def test_themes_whose_articles_have_no_category_are_no_heatmap_row() -> None:
    uncategorised = article(8, "2023-03-20", "", ("loneliness",), ())
    insights = build_insights(build_index([*FIXTURE, uncategorised, dataclasses.replace(uncategorised, id="a009", slug="a009")]), InsightSettings())
    assert "loneliness" not in [t.label for t, _ in insights.themes]
    assert all(any(row) for row in insights.counts)


@pytest.mark.parametrize(
    ("months", "ticks"),
    [
        (["2022-06", "2022-07"], [(0, "2022-06")]),
        ([f"{y}-{m:02d}" for y in (2022, 2023, 2024) for m in range(1, 13)][5:], [(0, "2022-06"), (7, "2023"), (19, "2024")]),
        ([f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)][10:], [(0, "2023-11"), (6, "2024-05"), (12, "2024-11")]),
    ],
)
def test_month_axis_names_years_without_crowding(months: list[str], ticks: list[tuple[int, str]]) -> None:
    from foresite.foresight.charts import month_ticks

    assert list(month_ticks(months)) == ticks


def test_month_chart_has_a_scale_and_year_labels() -> None:
    from foresite.foresight.charts import month_ticks

    months = [(f"{y}-{m:02d}", (y + m) % 3) for y in (2023, 2024) for m in range(1, 13)]
    chart = bar_chart(months, bar_width=10, ticks=month_ticks([m for m, _ in months]), scale=True)
    assert [text for _, text in chart.ticks] == ["2023", "2024"]
    assert [value for _, value in chart.levels] == [0, 1, 2]
    top_bar = next(b for b in chart.bars if b.value == 2)
    assert {v: y for y, v in chart.levels}[2] == top_bar.y
    assert bar_chart(months).levels == ()


def test_heatmap_leaves_room_for_its_labels_and_no_more() -> None:
    short = heatmap(["r"], ["c1", "c2"], [[1, 0]], row_chars=5, column_chars=4)
    long = heatmap(["r"], ["c1", "c2"], [[1, 0]], row_chars=23, column_chars=18)
    assert short.left < long.left and short.top < long.top and short.width < long.width
    # The last column's turned label (18 characters at 7 px, 55 degrees up) ends inside the chart.
    assert long.columns[-1][0] + 4 + 18 * 7 * 0.58 <= long.width + 1
    assert long.row_chars == 23 and long.column_chars == 18
