"""The built site as a whole: real data, counts, links, stable URLs."""

from __future__ import annotations

import html.parser
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from foresite.core.model import Kind
from tests.conftest import ROOT, build_project

TABLE_SECTIONS = {kind.section: kind for kind in Kind}


class _Links(html.parser.HTMLParser):
    """Collects href/src targets, h1 count and the <html lang>."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.h1 = 0
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag == "h1":
            self.h1 += 1
        for name in ("href", "src"):
            if values.get(name) and tag != "base":
                self.targets.append(values[name])


def parse_page(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def rows_in_file(path: Path) -> Counter[Kind]:
    """Rows per table, counted straight from the markdown, independently of the parser."""
    counts: Counter[Kind] = Counter()
    kind = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            kind = TABLE_SECTIONS.get(line[3:].strip())
        elif kind and line.startswith("|"):
            counts[kind] += 1
    return Counter({k: n - 2 for k, n in counts.items()})  # header and alignment rows


@pytest.fixture(scope="module")
def shared_site(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    content = tmp_path_factory.mktemp("shared") / "content"
    content.mkdir()
    for path in [*(shared_dir / "corpus").glob("*.md"), *(shared_dir / "seed").glob("*.md")]:
        shutil.copy(path, content / path.name)
    output = content.parent / "site"
    report = build_project(content, output, search=False)
    assert report.written and report.errors == (), [str(p) for p in report.errors]
    return content, output


def test_every_shared_article_builds_with_all_its_rows(shared_site: tuple[Path, Path]) -> None:
    content, output = shared_site
    files = sorted(content.glob("*.md"))
    assert len(files) == 31
    for path in files:
        page = (output / "articles" / path.stem / "index.html").read_text(encoding="utf-8")
        for kind, expected in rows_in_file(path).items():
            section = page.split(f'<h2 id="{kind.plural}">', 1)[1].split("</section>", 1)[0]
            assert len(re.findall(r'<tr(?: lang="?[a-z-]+"?)?><th scope="?row"?>', section)) == expected, (path.name, kind)


def test_seed_is_french_and_letter_split_keywords_are_repaired(shared_site: tuple[Path, Path]) -> None:
    _, output = shared_site
    seed = parse_page(output / "articles" / "000_05736ed92b8f5ff3" / "index.html")
    assert seed.lang == "fr"
    silk = (output / "articles" / "002d4d9211952bdfe5bbac13ccf20947" / "index.html").read_text(encoding="utf-8")
    assert ">silk dress</a>" in silk and ">cryptogram</a>" in silk


def test_row_pages_match_rows_in_the_input(built_site: Path) -> None:
    expected: Counter[Kind] = Counter()
    for path in (ROOT / "content").glob("*.md"):
        if "draft: true" not in path.read_text(encoding="utf-8"):
            expected.update(rows_in_file(path))
    for kind in Kind:
        pages = [p for p in (built_site / kind.plural).iterdir() if p.is_dir() and p.name != "page"]
        assert len(pages) == expected[kind], kind


def test_every_internal_link_resolves(built_site: Path) -> None:
    broken = []
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 300
    for page in pages:
        if page.name == "404.html":
            continue
        links = parse_page(page)
        assert links.h1 == 1, page
        url = "http://site/" + page.relative_to(built_site).as_posix()
        for target in links.targets:
            resolved = urljoin(url, target)
            parts = urlsplit(resolved)
            if parts.netloc != "site":
                continue
            path = built_site / unquote(parts.path.lstrip("/"))
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append((page.relative_to(built_site).as_posix(), target))
    assert broken == []


def test_every_tag_page_is_reachable_from_its_index(built_site: Path) -> None:
    for kind in ("keywords", "themes", "categories", "types"):
        index = parse_page(built_site / kind / "index.html")
        linked = {t.strip("/").split("/")[0] for t in index.targets if not t.startswith(("..", "#", "http", "./"))}
        folders = {p.name for p in (built_site / kind).iterdir() if p.is_dir()}
        assert folders and folders == linked, kind


def test_tags_differing_in_case_accents_or_spacing_are_one(built_site: Path) -> None:
    folders = {p.name for p in (built_site / "keywords").iterdir()}
    assert "ai" in folders and "energie" in folders
    page = (built_site / "keywords" / "energie" / "index.html").read_text(encoding="utf-8")
    # énergie, Énergie and energie are one tag, shown in its most frequent spelling.
    assert re.search(r"<h1>(énergie|energie|Énergie)</h1>", page)


def test_drafts_are_left_out(built_site: Path) -> None:
    assert not (built_site / "articles" / "community-solar-cooperatives").exists()


def test_urls_are_stable_when_other_articles_come_and_go(tmp_path: Path) -> None:
    everything = sorted((ROOT / "content").glob("*.md"))
    kept = everything[::2]
    content = tmp_path / "content"
    content.mkdir()
    for path in everything:
        shutil.copy(path, content / path.name)
    build_project(content, tmp_path / "all", search=False)
    for path in everything[1::2]:
        (content / path.name).unlink()
    build_project(content, tmp_path / "half", search=False)

    def urls_of(site: Path, ids: set[str]) -> set[str]:
        found = set()
        for article_id in ids:
            page = site / "articles" / article_id / "index.html"
            if page.exists():
                found |= {t for t in parse_page(page).targets if t.startswith("../../") and "/page/" not in t}
        return found

    ids = {p.stem for p in kept}
    half = urls_of(tmp_path / "half", ids)
    assert half and half <= urls_of(tmp_path / "all", ids) | half
    for link in half:
        if link.startswith(("../../signals/", "../../issues/", "../../behaviors/", "../../technologies/", "../../concerns/", "../../articles/")):
            assert (tmp_path / "all" / link.removeprefix("../../") / "index.html").exists(), link


def test_two_builds_are_identical(tmp_path: Path) -> None:
    build_project(ROOT / "content", tmp_path / "one", search=False)
    build_project(ROOT / "content", tmp_path / "two", search=False)
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
