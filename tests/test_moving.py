"""Moving a scan onto foresite: hand-written pages, files beside them, links
by id and path, and the old addresses (docs/moving.md).

Unit tables for the pure parts (page URLs, old addresses, globs, where a
link leads, page titles, settings), then the fixture scan of
tests/fixtures/old-scan built once and read as files. The browser test
(test_moving_browser.py) serves it the way GitHub Pages does.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import json
import re
import shutil
from pathlib import Path

import pytest

from foresite.build.pipeline import BuildOptions, BuildReport, Project, build
from foresite.cli.check import check_content
from foresite.core.config import load_settings
from foresite.core.errors import SettingsError
from foresite.core.urls import Unknown, jekyll_path, page_url, site_links
from foresite.source.handwritten import parse_page
from foresite.source.read import Selection, list_content
from tests.conftest import ROOT, file_hashes
from tests.fixtures.make_pngs import bar_chart_png

FIXTURE = ROOT / "tests" / "fixtures" / "old-scan"
ARTICLES = {
    "3f2a9c0e5b7d41e8a6c2f0b9d8e7a615": "Heat pumps move into apartment blocks",
    "7c4e1b2a9d8f40c3b5e6a7f8091d2c3e": "Neighbourhoods wire their rivers with sensors",
    "b8d9e0f1a2b34c5d6e7f8091a2b3c4d5": "Repair cafés spread to small towns",
    "e5f6a7b8c9d04e1f2a3b4c5d6e7f8091": "Wave power runs a desalination pilot",
}
PAGES = {
    "about/": "About this scan",
    "analyses/": "Analyses",
    "analyses/topics/heat-pumps/heat-pumps/": "Heat pumps: a topic",
    "analyses/topics/water/water/": "Water",
    "analyses/reviews/2025/2025/": "The year 2025 in review",
}
LOST_LINK = (
    "tests/fixtures/old-scan/docs/analyses/reviews/2025/2025.md:13: warning: "
    "link to '0123456789abcdef0123456789abcdef', which is not an article or page here"
)


def build_scan(content: Path, output: Path, root: Path = FIXTURE, *, search: bool = False) -> BuildReport:
    """Build `content` with the settings of `root`/site.yml and the project's templates and static files."""
    project = Project(content=content, templates=ROOT / "templates", static=ROOT / "static", output=output)
    # Beside a running browser, the search stage's asyncio.run needs a thread of its own (conftest.build_project).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(build, BuildOptions(project, load_settings(root), search=search, workers=2)).result()


# ---------------------------------------------------------------- pure parts


@pytest.mark.parametrize(("relpath", "url"), [
    ("about.md", "about/"),
    ("pages/about.md", "pages/about/"),
    ("analyses/topics/heat-pumps/heat-pumps.md", "analyses/topics/heat-pumps/heat-pumps/"),
    ("analyses/index.md", "analyses/"),
    ("Analyses/Topic One/Über.md", "analyses/topic-one/uber/"),
    ("con.md", "con-x/"),
])
def test_a_page_url_is_made_from_its_path(relpath: str, url: str) -> None:
    assert page_url(relpath) == url


@pytest.mark.parametrize(("relpath", "old"), [
    ("3f2a9c0e5b7d41e8a6c2f0b9d8e7a615.md", "3f2a9c0e5b7d41e8a6c2f0b9d8e7a615.html"),
    ("analyses/topics/x/x.md", "analyses/topics/x/x.html"),
    ("analyses/index.md", "analyses/index.html"),
    ("My Notes.md", "My Notes.html"),
    ("café.md", None),
    ("aux.md", None),
    ("folder./x.md", None),
    ("folder /x.md", None),
])
def test_the_old_address_is_where_jekyll_wrote_the_file(relpath: str, old: str | None) -> None:
    assert jekyll_path(relpath) == old


@pytest.mark.parametrize(("relpath", "kind"), [
    ("pages/about.md", "page"),
    ("pages/deep/er/x.md", "page"),
    ("analyses/topics/x/x.md", "page"),
    ("analyses.md", "article"),
    ("about.md", "page"),
    ("index.md", "excluded"),
    ("drafts/old.md", "excluded"),
    ("drafts.md", "article"),
    ("3f2a9c0e5b7d41e8a6c2f0b9d8e7a615.md", "article"),
])
def test_globs_sort_pages_from_articles_and_excluded_files(relpath: str, kind: str) -> None:
    selection = Selection(pages=("pages/**", "analyses/**", "about.md"), exclude=("index.md", "drafts"))
    found = "excluded" if selection.is_excluded(relpath) else "page" if selection.is_page(relpath) else "article"
    assert found == kind


LINKS = site_links(
    {"aaa.md": "aaa", "bbb.md": "bbb"},
    {"analyses/x/x.md": "analyses/x/x/", "analyses/index.md": "analyses/"},
    frozenset({"analyses/x/chart.png"}),
    "https://me.github.io/scan/", "scan.example.org",
)


@pytest.mark.parametrize(("target", "holder", "leads_to"), [
    ("aaa", "bbb.md", "articles/aaa/"),
    ("aaa.md", "bbb.md", "articles/aaa/"),
    ("/aaa", "bbb.md", "articles/aaa/"),
    ("/scan/aaa.html", "bbb.md", "articles/aaa/"),
    ("../../aaa.md", "analyses/x/x.md", "articles/aaa/"),
    ("aaa", "analyses/x/x.md", "articles/aaa/"),
    ("https://me.github.io/scan/aaa", "analyses/x/x.md", "articles/aaa/"),
    ("https://me.github.io/scan/aaa.html#signals", "analyses/x/x.md", "articles/aaa/#signals"),
    ("https://scan.example.org/bbb.html", "aaa.md", "articles/bbb/"),
    ("analyses/x/x.md", "aaa.md", "analyses/x/x/"),
    ("x.html", "analyses/x/x.md", "analyses/x/x/"),
    ("../index.md", "analyses/x/x.md", "analyses/"),
    ("analyses/", "aaa.md", "analyses/"),
    ("chart.png", "analyses/x/x.md", "analyses/x/chart.png"),
    ("/articles/aaa/", "analyses/x/x.md", "articles/aaa/"),
    ("https://other.example.org/aaa.html", "aaa.md", None),
    ("mailto:me@example.org", "aaa.md", None),
    ("#methods", "aaa.md", None),
    ("ccc", "aaa.md", Unknown("ccc")),
    ("../../../outside.md", "analyses/x/x.md", Unknown("../../../outside.md")),
    ("https://me.github.io/scan/ccc.html", "aaa.md", Unknown("https://me.github.io/scan/ccc.html")),
])
def test_a_link_leads_to_the_article_page_or_file_it_names(target: str, holder: str, leads_to: str | None) -> None:
    found = LINKS.resolve(target, holder)
    assert found == leads_to and type(found) is type(leads_to)


def test_an_image_from_anywhere_but_the_site_is_left_out() -> None:
    markup = '<img src="https://tracker.example/pixel.png" alt="a"><img src="/etc/passwd" alt="b"><img src="chart.png" alt="c">'
    assert LINKS.rewrite(markup, "analyses/x/x.md", "analyses/x/x/") == (
        '<img data-left-out alt="a"><img data-left-out alt="b"><img src="../chart.png" alt="c">'
    )


def test_links_become_relative_to_the_page_that_shows_them() -> None:
    markup = '<p><a href="../../aaa.md">a</a> <img src="chart.png" alt=""> <a href="https://other.example.org/">o</a></p>'
    assert LINKS.rewrite(markup, "analyses/x/x.md", "analyses/x/x/") == (
        '<p><a href="../../../articles/aaa/">a</a> <img src="../chart.png" alt=""> <a href="https://other.example.org/">o</a></p>'
    )


@pytest.mark.parametrize(("cell", "shown"), [
    ("as [river sensors](aaa) do", 'as <a href="../../articles/aaa/">river sensors</a> do'),
    ("[a](bbb.md) and [b](https://me.github.io/scan/aaa.html#s)",
     '<a href="../../articles/bbb/">a</a> and <a href="../../articles/aaa/#s">b</a>'),
    ("[topic](analyses/x/x.md)", '<a href="../../analyses/x/x/">topic</a>'),
    # A cell is text: whatever is not a link to the site shows as written, escaped.
    ("[gone](ccc) & [out](https://other.example.org/) 5 < 6", "[gone](ccc) &amp; [out](https://other.example.org/) 5 &lt; 6"),
    ("![chart](analyses/x/chart.png)", "![chart](analyses/x/chart.png)"),
    ("[x](javascript:alert(1)) [y](JaVaScRiPt:aaa) [z](data:text/html,aaa)",
     "[x](javascript:alert(1)) [y](JaVaScRiPt:aaa) [z](data:text/html,aaa)"),
    ('[<img src=x onerror="alert(1)">](aaa)', '<a href="../../articles/aaa/">&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</a>'),
    ('[q](<aaa#" onmouseover="x>)', '<a href="../../articles/aaa/#%22%20onmouseover=%22x">q</a>'),
    ("no link at all", "no link at all"),
])
def test_a_cells_links_to_the_site_become_links_and_nothing_else_does(cell: str, shown: str) -> None:
    assert LINKS.link_cell(cell, "bbb.md", "signals/x-bbb/") == shown


def test_a_link_never_starts_with_what_reads_as_a_scheme() -> None:
    assert LINKS.rewrite('<a href="javascript:x.png">f</a>', "analyses/x/x.md", "analyses/x/x/") == '<a href="javascript:x.png">f</a>'
    links = site_links({}, {"about/index.md": "about/"}, frozenset({"about/javascript:alert(1).png"}), "", "")
    assert links.rewrite('<a href="./javascript:alert(1).png">f</a>', "about/index.md", "about/") == (
        '<a href="./javascript:alert(1).png">f</a>'
    )
    assert links.link_cell("[f](<about/javascript:alert(1).png>)", "a.md", "about/") == '<a href="./javascript:alert(1).png">f</a>'


@pytest.mark.parametrize(("text", "title", "body_start"), [
    ("# Heat pumps\n\nText.", "Heat pumps", "Text."),
    ("---\ntitle: About\n---\n# Heading kept\n\nText.", "About", "# Heading kept"),
    ("Just text.", "Topic one", "Just text."),
    ("## __Bold__ heading ##\nText.", "Bold__ heading", "Text."),
])
def test_a_page_is_titled_by_front_matter_then_first_heading_then_file_name(text: str, title: str, body_start: str) -> None:
    page, problems = parse_page(text.encode(), "p.md", "analyses/topic-one.md", "en")
    assert page is not None and not problems
    assert page.title == title and page.body.startswith(body_start)


def test_a_pages_broken_front_matter_is_a_located_error() -> None:
    page, problems = parse_page(b"---\ntitle: [x\n---\nText", "p.md", "p.md", "en")
    assert page is None
    assert [str(p) for p in problems] == [
        "p.md:2: error: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'; left out"
    ]


@pytest.mark.parametrize(("text", "message"), [
    ('redirects:\n  "../x.html": "articles/"\n', "site.yml:2: old address '../x.html' must be a path on the site"),
    ('redirects:\n  "/a/../../x": "articles/"\n', "site.yml:2: old address '/a/../../x' must be a path on the site"),
    ('redirects:\n  "x.php": "articles/"\n', "site.yml:2: old address 'x.php' must end in '.html', '/' or no extension"),
    ('pages: ["../elsewhere/**"]\n', "site.yml:1: 'pages' item '../elsewhere/**' must be a path inside the content folder"),
    ('exclude: ["/etc/*"]\n', "site.yml:1: 'exclude' item '/etc/*' must be a path inside the content folder"),
    ("pages: pages/**\n", "site.yml:1: 'pages' must be a list of quoted paths"),
    ("jekyll_urls: yes please\n", "site.yml:1: 'jekyll_urls' must be true or false, not 'yes please'"),
    ("max_file_mb: 0\n", "site.yml:1: 'max_file_mb' must be between 1 and 100000, not 0"),
])
def test_a_bad_moving_setting_names_its_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "site.yml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path)
    assert str(caught.value).replace(str(tmp_path) + "/", "").startswith(message)


# ---------------------------------------------------------------- the fixture scan


@pytest.fixture(scope="module")
def old_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    site = tmp_path_factory.mktemp("old-scan") / "site"
    before = file_hashes(FIXTURE)
    report = build_scan(FIXTURE / "docs", site, search=True)
    assert file_hashes(FIXTURE) == before, "the build changed the content folder"
    return site, report


def test_the_old_scan_builds_with_one_warning_for_its_one_lost_link(old_scan: tuple[Path, BuildReport]) -> None:
    _site, report = old_scan
    assert [str(p) for p in report.problems] == [LOST_LINK]
    assert report.articles == 4
    assert report.pages["page"] == 5


def test_pages_show_their_text_tables_and_images(old_scan: tuple[Path, BuildReport]) -> None:
    site, _ = old_scan
    for url, title in PAGES.items():
        text = (site / url / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{title}</h1>" in text, url
    topic = (site / "analyses/topics/heat-pumps/heat-pumps/index.html").read_text(encoding="utf-8")
    assert '<img alt="Concerns about heat pumps" src="../Concern.png">' in topic
    assert "<th align=\"right\">articles</th>" in topic
    assert (site / "analyses/topics/heat-pumps/Concern.png").read_bytes() == (
        FIXTURE / "docs/analyses/topics/heat-pumps/Concern.png"
    ).read_bytes()
    about = (site / "about/index.html").read_text(encoding="utf-8")
    assert "<strong>signals of change</strong>" in about and "<h2>Methodology</h2>" in about


def test_every_link_by_id_address_or_path_reaches_its_page(old_scan: tuple[Path, BuildReport]) -> None:
    site, _ = old_scan
    review = (site / "analyses/reviews/2025/2025/index.html").read_text(encoding="utf-8")
    for article_id in ("7c4e1b2a9d8f40c3b5e6a7f8091d2c3e", "3f2a9c0e5b7d41e8a6c2f0b9d8e7a615", "e5f6a7b8c9d04e1f2a3b4c5d6e7f8091"):
        assert f'href="../../../../articles/{article_id}/"' in review
    assert 'href="../../../topics/heat-pumps/heat-pumps/"' in review
    assert 'href="0123456789abcdef0123456789abcdef"' in review  # the lost link, as written
    summary = (site / "articles/3f2a9c0e5b7d41e8a6c2f0b9d8e7a615/index.html").read_text(encoding="utf-8")
    assert 'href="../7c4e1b2a9d8f40c3b5e6a7f8091d2c3e/"' in summary
    assert 'href="../../analyses/topics/heat-pumps/heat-pumps/"' in summary
    # A Closest link by the old site's full address is a link by id.
    assert '<li><a href="../e5f6a7b8c9d04e1f2a3b4c5d6e7f8091/">Wave power runs a desalination pilot</a>' in summary


def test_links_by_id_in_table_cells_reach_their_articles(old_scan: tuple[Path, BuildReport]) -> None:
    site, _ = old_scan
    article = (site / "articles/3f2a9c0e5b7d41e8a6c2f0b9d8e7a615/index.html").read_text(encoding="utf-8")
    assert ('<td data-label="Description">Residents vote on the building&#39;s heating, as '
            '<a href="../7c4e1b2a9d8f40c3b5e6a7f8091d2c3e/">river neighbourhoods</a> do.') in article
    # By the old site's full address, from a Concerns table.
    assert '<a href="../b8d9e0f1a2b34c5d6e7f8091a2b3c4d5/">repair cafés</a> fix them.' in article
    row = (site / "signals/resident-energy-committees-3f2a9c0e/index.html").read_text(encoding="utf-8")
    assert '<dd>Residents vote on the building&#39;s heating, as <a href="../../articles/7c4e1b2a9d8f40c3b5e6a7f8091d2c3e/">river neighbourhoods</a> do.' in row
    rows = json.loads((site / "articles/3f2a9c0e5b7d41e8a6c2f0b9d8e7a615/rows.json").read_text(encoding="utf-8"))
    assert "](" not in json.dumps(rows), "the rows file holds names only, drawn as text"


def test_a_cells_link_to_nothing_here_is_a_located_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    article = (FIXTURE / "docs/b8d9e0f1a2b34c5d6e7f8091a2b3c4d5.md").read_text(encoding="utf-8")
    lines = article.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("| ") and "---" not in line and i > 0 and "---" in lines[i - 1])
    cells = lines[row].split("|")
    cells[2] = " See [the old list](index.md), [gone](0123456789abcdef0123456789abcdef.md) and [x](javascript:alert(1)). "
    lines[row] = "|".join(cells)
    content = scan_with(tmp_path, SITE_YML, {"b8d9e0f1a2b34c5d6e7f8091a2b3c4d5.md": "\n".join(lines)})
    report = build_scan(content, tmp_path / "site", tmp_path)
    where = f"docs/b8d9e0f1a2b34c5d6e7f8091a2b3c4d5.md:{row + 1}: warning: "
    assert sorted(messages(report.problems, tmp_path)) == sorted([
        LOST_LINK.replace("tests/fixtures/old-scan/", ""),
        where + "link to 'index.md', which is not an article or page here",
        where + "link to '0123456789abcdef0123456789abcdef.md', which is not an article or page here",
    ])
    page = (tmp_path / "site/articles/b8d9e0f1a2b34c5d6e7f8091a2b3c4d5/index.html").read_text(encoding="utf-8")
    assert "See [the old list](index.md), [gone](0123456789abcdef0123456789abcdef.md) and [x](javascript:alert(1))." in page


def test_listings_feeds_and_open_data_hold_only_articles(old_scan: tuple[Path, BuildReport]) -> None:
    site, _ = old_scan
    data = json.loads((site / "data/articles.json").read_text(encoding="utf-8"))
    assert sorted(a["id"] for a in data["articles"]) == sorted(ARTICLES)
    listing = (site / "articles/index.html").read_text(encoding="utf-8")
    assert sorted(re.findall(r'href="([0-9a-f]{32})/"', listing)) == sorted(ARTICLES)
    for path in ("articles/index.html", "timeline/index.html", "feed.xml", "index.html", "data/signals.csv"):
        text = (site / path).read_text(encoding="utf-8").split("</header>")[-1]  # the header links chosen pages
        for title in PAGES.values():
            assert title not in text, (path, title)
    assert not (site / "articles/index").exists() and not (site / "articles/about").exists()


def test_old_addresses_are_redirect_pages_outside_sitemap_and_search(old_scan: tuple[Path, BuildReport]) -> None:
    site, _ = old_scan
    for article_id, title in ARTICLES.items():
        text = (site / f"{article_id}.html").read_text(encoding="utf-8")
        assert f'<meta http-equiv=refresh content="0; url=articles/{article_id}/">' in text
        assert f'<link rel=canonical href="https://example.github.io/old-scan/articles/{article_id}/">' in text
        assert "<meta name=robots content=noindex>" in text
        assert f'<a href="articles/{article_id}/">{title}</a>' in text
    heat = (site / "analyses/topics/heat-pumps/heat-pumps.html").read_text(encoding="utf-8")
    assert '<meta http-equiv=refresh content="0; url=heat-pumps/">' in heat
    assert 'url=analyses/">' in (site / "topics.html").read_text(encoding="utf-8")
    assert 'url=../articles/e5f6a7b8c9d04e1f2a3b4c5d6e7f8091/">' in (site / "newsletter/latest.html").read_text(encoding="utf-8")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert ".html<" not in sitemap
    for url in PAGES:
        assert f"<loc>https://example.github.io/old-scan/{url}</loc>" in sitemap
    shards = json.loads((site / "pagefind/shards.json").read_text(encoding="utf-8"))
    assert shards  # the search index was built; redirects have no search document
    assert not any(".html" in path for path in (site / "pagefind").rglob("*") if path.suffix == ".html")


def test_the_header_links_the_chosen_pages(old_scan: tuple[Path, BuildReport]) -> None:
    site, _ = old_scan
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="about/">About this scan</a> <a href="analyses/">Analyses</a></nav>' in home


# ---------------------------------------------------------------- problems


def scan_with(tmp_path: Path, site_yml: str, files: dict[str, bytes | str]) -> Path:
    content = tmp_path / "docs"
    shutil.copytree(FIXTURE / "docs", content)
    for relpath, data in files.items():
        path = content / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    (tmp_path / "site.yml").write_text(site_yml, encoding="utf-8")
    return content


def messages(problems: object, root: Path) -> list[str]:
    return [str(p).replace(str(root) + "/", "") for p in problems]  # type: ignore[attr-defined]


SITE_YML = (FIXTURE / "site.yml").read_text(encoding="utf-8")


def test_two_pages_at_one_url_is_an_error_naming_both_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    content = scan_with(tmp_path, SITE_YML, {"analyses/about.md": "# About again\n", "analyses/about/index.md": "# Other\n"})
    report = build_scan(content, tmp_path / "site", tmp_path)
    assert "docs/analyses/about/index.md:1: error: would write analyses/about/index.html, which docs/analyses/about.md writes already; left out" in messages(report.problems, tmp_path)
    assert "About again" in (tmp_path / "site/analyses/about/index.html").read_text(encoding="utf-8")


def test_a_page_at_a_generated_pages_url_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    content = scan_with(tmp_path, SITE_YML.replace('"about.md"]', '"about.md", "search.md"]'), {"search.md": "# Mine\n"})
    report = build_scan(content, tmp_path / "site", tmp_path)
    assert "docs/search.md:1: error: would write search/index.html, which search page writes already; left out" in messages(report.problems, tmp_path)


def test_check_reports_every_moving_problem_without_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    site_yml = SITE_YML.replace('"topics.html": "analyses/"', '"topics.html": "analyses/gone/"') + "max_file_mb: 1\n"
    site_yml = site_yml.replace('navigation: ["about.md", ', 'navigation: ["abuot.md", ')
    content = scan_with(tmp_path, site_yml, {
        "analyses/chart.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "analyses/old.html": "<script>alert(1)</script>",
        "analyses/huge.png": bar_chart_png((1,)) + b"\0" * 1_100_000,
        "robots.txt": "User-agent: *\n",
        "analyses/bad-link.md": "# Bad\n\nSee [nothing](../missing.md) and ![none](none.png).\n",
    })
    settings = load_settings(tmp_path)
    before = file_hashes(tmp_path)
    report = check_content(content, settings, datetime.date(2026, 1, 1))
    assert file_hashes(tmp_path) == before
    assert sorted(messages(report.problems, tmp_path)) == [
        "docs/analyses/bad-link.md:3: warning: link to '../missing.md', which is not an article or page here",
        "docs/analyses/bad-link.md:3: warning: link to 'none.png', which is not an article or page here",
        "docs/analyses/chart.svg:1: warning: 'chart.svg' is not published: a .svg file can run scripts on the site's own pages; convert it to PNG (or PDF) to show it",
        "docs/analyses/huge.png:1: warning: 'huge.png' is 1.1 MB, over the 1 MB limit (max_file_mb in site.yml); not published",
        "docs/analyses/old.html:1: warning: 'old.html' is not published: a .html file can run scripts on the site's own pages; convert it to PNG (or PDF) to show it",
        LOST_LINK.replace("tests/fixtures/old-scan/", ""),
        "docs/robots.txt:1: warning: not published: the site writes 'robots.txt' itself",
        "site.yml:11: error: redirect from 'topics.html' to 'analyses/gone/', which is no page of the site",
        "site.yml:8: error: navigation: 'abuot.md' is not a page (pages: in site.yml lists which files are)",
    ]


def test_files_beside_pages_are_published_and_active_ones_are_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    content = scan_with(tmp_path, SITE_YML, {
        "analyses/chart.svg": "<svg/>", "analyses/page.html": "<p>", "analyses/notes.pdf": b"%PDF-1.4\n",
        "analyses/table.csv": "a,b\n", ".hidden/x.png": bar_chart_png((1,)),
    })
    build_scan(content, tmp_path / "site", tmp_path)
    site = tmp_path / "site"
    assert (site / "analyses/notes.pdf").is_file() and (site / "analyses/table.csv").is_file()
    assert not (site / "analyses/chart.svg").exists() and not (site / "analyses/page.html").exists()
    assert not (site / ".hidden").exists()


def test_a_content_folder_of_articles_only_lists_nothing_else() -> None:
    found = list_content(ROOT / "content", Selection(), 10_000_000)
    assert not found.pages and not found.published and not found.problems
    assert len(found.articles) == len(list((ROOT / "content").glob("*.md")))
