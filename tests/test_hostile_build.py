"""The hostile and broken corpus (tests/hostile/) builds, and what it builds is inert.

One `python build.py` run over the whole corpus, large files included, then
checks of its output as files: every problem is one `path:line:` line, every
broken file costs only itself, every hostile article has its page, nothing
lands outside the output folder, no tag carries a handler or an active URL,
and no JSON-LD block can be broken out of. The browser test
(test_hostile_browser.py) opens the pages; this module reads them.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from foresite.core.text import article_slug
from foresite.render.renderer import CONTENT_SECURITY_POLICY, SEARCH_PAGE_POLICY, markdown_to_html
from foresite.source.parse import parse_article
from tests.hostile.make_hostile import HOSTILE_PREFIX, YAML_RCE_MARKER, make_hostile_corpus

from .conftest import ROOT, file_hashes

RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MESSAGE = re.compile(r"^(?P<path>.+?\.md):(?P<line>[1-9][0-9]*): (?P<level>warning|error): (?P<message>.+)$")
LEFT_OUT = re.compile(r"^(?P<n>[0-9]+) file\(s\) had errors and were left out: ")
TAG = re.compile(r"<(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?P<attributes>(?:\s[^>]*)?)>")
ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data", "background", "ping"}
SCRIPT = re.compile(r"<script\b(?P<attributes>[^>]*)>(?P<body>.*?)</script", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class HostileBuild:
    content: Path
    site: Path
    described: dict[str, str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    content_before: dict[str, str]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    root = tmp_path_factory.mktemp("hostile")
    described = make_hostile_corpus(root / "content", include_large=True)
    before = file_hashes(root / "content")
    marker_existed = Path(YAML_RCE_MARKER).exists()
    start = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "build.py", "--content", str(root / "content"), "--output", str(root / "site"),
         "--no-search", "--workers", "2", "-q"],
        check=False, cwd=ROOT, capture_output=True, timeout=600, env={**os.environ, "SOURCE_DATE_EPOCH": "1900000000"},
    )
    seconds = time.monotonic() - start
    if not marker_existed:
        assert not Path(YAML_RCE_MARKER).exists(), "an unsafe YAML loader ran a python tag"
    return HostileBuild(
        root / "content", root / "site", described, completed.returncode,
        completed.stdout.decode("utf-8", "replace"), completed.stderr.decode("utf-8", "replace"),
        seconds, before,
    )


def problems_by_file(build: HostileBuild) -> dict[str, list[re.Match[str]]]:
    found: dict[str, list[re.Match[str]]] = defaultdict(list)
    for line in build.stderr.splitlines():
        match = MESSAGE.match(line)
        if match:
            found[Path(match["path"]).name].append(match)
    return found


def page_of(build: HostileBuild, filename: str) -> Path:
    return build.site / "articles" / article_slug(filename.removesuffix(".md")) / "index.html"


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# ---------------------------------------------------------------- the run


def test_the_whole_corpus_builds_with_a_located_message_per_problem(hostile: HostileBuild) -> None:
    assert hostile.returncode in (0, 1), hostile.stderr[-3000:]
    assert "Traceback" not in hostile.stderr
    assert re.search(r"^built: \d+ articles", hostile.stdout, re.MULTILINE), hostile.stdout
    assert hostile.seconds < 240, f"the hostile corpus took {hostile.seconds:.0f} s to build"
    lines = hostile.stderr.splitlines()
    assert lines, "the broken files gave no message"
    for line in lines:
        assert MESSAGE.match(line) or LEFT_OUT.match(line), f"not a located message: {line!r}"
        assert Path(MESSAGE.match(line)["path"]).name in hostile.described if MESSAGE.match(line) else True
        # Quoted file content must not drive the terminal or forge a second message.
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e]", line), repr(line)


def test_content_is_not_modified_by_the_build(hostile: HostileBuild) -> None:
    assert file_hashes(hostile.content) == hostile.content_before


def left_out(build: HostileBuild) -> set[str]:
    """Names of the files the summary line says were left out."""
    line = next((line for line in build.stderr.splitlines() if LEFT_OUT.match(line)), "")
    names = {Path(path).name for path in LEFT_OUT.sub("", line).split(", ") if path}
    assert len(names) == int(LEFT_OUT.match(line)["n"]) if line else not names
    return names


def test_each_broken_file_costs_only_itself(hostile: HostileBuild) -> None:
    problems = problems_by_file(hostile)
    dropped = left_out(hostile)
    for name, description in hostile.described.items():
        if name.startswith("."):
            continue  # hidden: not read at all
        errors = [m for m in problems.get(name, []) if m["level"] == "error"]
        # Left out exactly when a located error says why; built otherwise.
        assert (name in dropped) == bool(errors), (name, [m[0] for m in errors])
        if name not in dropped:
            assert page_of(hostile, name).is_file(), f"{name} ({description}) has no page"
    assert dropped, "no broken file was left out"


def test_every_hostile_article_has_its_page(hostile: HostileBuild) -> None:
    problems = problems_by_file(hostile)
    by_slug: dict[str, list[str]] = defaultdict(list)
    for name, description in hostile.described.items():
        if description.startswith(HOSTILE_PREFIX) and not name.startswith("."):  # dot files are hidden, not read
            by_slug[article_slug(name.removesuffix(".md"))].append(name)
    for slug, names in by_slug.items():
        assert (hostile.site / "articles" / slug / "index.html").is_file(), f"no page for {names}"
        if len(names) > 1:
            # Names that give one address (Case/case, NFC/NFD café): the one
            # named exactly as the address keeps it, else the first by name;
            # each other one gets an error naming both files.
            first, *others = sorted(names, key=lambda n: (n.removesuffix(".md") != slug, os.fsencode(n)))
            for other in others:
                messages = [m["message"] for m in problems.get(other, []) if m["level"] == "error"]
                assert any(first in message for message in messages), (other, messages)


def test_nothing_is_written_outside_the_output_folder(hostile: HostileBuild) -> None:
    assert sorted(p.name for p in hostile.site.parent.iterdir()) == ["content", "site"]
    seen: dict[str, str] = {}
    for path in hostile.site.rglob("*"):
        relpath = path.relative_to(hostile.site).as_posix()
        assert not path.is_symlink(), relpath
        for part in relpath.split("/"):
            assert len(part.encode()) <= 255, relpath
            assert part.split(".")[0].casefold() not in RESERVED, relpath
            assert part.isascii() and part.isprintable() and not part.endswith((" ", ".")), relpath
        assert relpath.casefold() not in seen, (relpath, seen.get(relpath.casefold()))
        seen[relpath.casefold()] = relpath


# ---------------------------------------------------------------- the pages


def attributes_of(tag_attributes: str) -> list[tuple[str, str]]:
    return [
        (name.lower(), html.unescape(next((v for v in values if v), "")))
        for name, *values in ATTRIBUTE.findall(tag_attributes)
    ]


def active_scheme(url: str) -> str:
    """The scheme a browser would read, if it is one that runs or embeds code."""
    stripped = re.sub(r"[\t\n\r]", "", url.lstrip("".join(map(chr, range(0x21))))).lower()
    for scheme in ("javascript:", "data:", "vbscript:"):
        if stripped.startswith(scheme):
            return scheme
    return ""


def test_no_tag_carries_a_handler_or_an_active_url(hostile: HostileBuild) -> None:
    pages = html_pages(hostile.site)
    assert len(pages) > 1000
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for tag in TAG.finditer(text):
            attributes = attributes_of(tag["attributes"])
            for name, value in attributes:
                assert not name.startswith("on"), (page, tag[0][:200])
                if name in URL_ATTRIBUTES:
                    assert not active_scheme(value), (page, tag[0][:200])
            if ("http-equiv", "refresh") in [(n, v.lower()) for n, v in attributes]:
                pytest.fail(f"{page}: {tag[0][:200]}")
            assert tag["name"].lower() not in {"iframe", "object", "embed", "frame", "frameset", "math", "applet"}, (page, tag[0][:200])
            if tag["name"].lower() == "base":  # the 404 page's, to the site's own root
                assert re.fullmatch(r'<base href="/[^"]*">', tag[0]), (page, tag[0])


def policies_of(text: str) -> list[str]:
    """The content of every Content-Security-Policy meta element, however quoted."""
    found = []
    for tag in TAG.finditer(text):
        attributes = dict(attributes_of(tag["attributes"]))
        if tag["name"].lower() == "meta" and attributes.get("http-equiv", "").lower() == "content-security-policy":
            found.append(attributes.get("content", ""))
    return found


def json_ld_blocks(text: str) -> list[re.Match[str]]:
    return [s for s in SCRIPT.finditer(text) if dict(attributes_of(s["attributes"])).get("type") == "application/ld+json"]


def test_every_page_has_the_policy_and_only_the_sites_own_scripts(hostile: HostileBuild) -> None:
    for page in html_pages(hostile.site):
        text = page.read_text(encoding="utf-8")
        # Only the search page compiles WebAssembly (Pagefind).
        expected = SEARCH_PAGE_POLICY if page == hostile.site / "search" / "index.html" else CONTENT_SECURITY_POLICY
        assert policies_of(text[: text.index("</head>")]) == [expected], page
        assert len(policies_of(text)) == 1, page
        for script in SCRIPT.finditer(text):
            attributes = dict(attributes_of(script["attributes"]))
            if attributes.get("type") == "application/ld+json":
                continue
            assert "src" in attributes and not script["body"].strip(), (page, script[0][:200])
            assert not re.match(r"^(?:[a-z]+:)?//", attributes["src"]), (page, attributes["src"])


def test_external_links_carry_noopener_noreferrer(hostile: HostileBuild) -> None:
    checked = 0
    for page in html_pages(hostile.site):
        for tag in TAG.finditer(page.read_text(encoding="utf-8")):
            if tag["name"].lower() != "a":
                continue
            attributes = dict(attributes_of(tag["attributes"]))
            href = attributes.get("href", "")
            if re.match(r"^\s*(?:https?:)?//", href, re.IGNORECASE):
                checked += 1
                assert {"noopener", "noreferrer"} <= set(attributes.get("rel", "").split()), (page, tag[0][:200])
    assert checked > 50


def test_json_ld_cannot_be_broken_out_of(hostile: HostileBuild) -> None:
    blocks = 0
    for page in html_pages(hostile.site):
        text = page.read_text(encoding="utf-8")
        for block in json_ld_blocks(text):
            blocks += 1
            body = block["body"]
            assert "<!--" not in body and "<script" not in body.lower(), page
            json.loads(body)  # the whole block up to the first '</script' is one JSON value
            after = text[block.end():]
            assert after.startswith(">"), (page, after[:80])
    # Every article and row page carries one: finding none means this test looks in the wrong place.
    assert blocks > 1000


def test_template_syntax_in_content_is_not_evaluated(hostile: HostileBuild) -> None:
    page = page_of(hostile, "template-injection.md").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in html.unescape(page) or "{{7*7}}" in html.unescape(page)
    assert "7777777" not in page


# ---------------------------------------------------------------- regressions, fast

TODAY = datetime.date(2030, 1, 1)
HEADER = "# __T__, (from page [20230101](https://example.org/p).)\n\n"

# Each of these once crashed or hung the build: a segfault in libyaml, an
# OverflowError, regexes and markdown patterns quadratic in a line's length.
PATHOLOGICAL = {
    "yaml nesting": "---\ntitle: " + "[" * 40000 + "\n---\n" + HEADER,
    "yaml block nesting": "---\n" + "- " * 30000 + "\n---\n" + HEADER,
    "infinite relevancy": HEADER + "## Signals\n| name | relevancy |\n|---|---|\n| a | inf |\n| b | 1e400 |\n| c | nan |\n",
    "origin brackets": "# __T__, " + "[a](" * 100000 + "\n",
    "closest brackets": HEADER + "## Closest\n* [" + "](" * 100000 + "\n",
    "header of empty columns": HEADER + "## Signals\n" + "|" * 100000 + "\n|---|\n| a |\n",
}


@pytest.mark.parametrize("case", PATHOLOGICAL)
def test_pathological_files_parse_quickly(case: str) -> None:
    # CPU time, not wall time: a loaded machine must not fail it.
    start = time.process_time()
    result = parse_article(PATHOLOGICAL[case], "content/x.md", "x", TODAY)
    assert time.process_time() - start < 2.0
    assert len(result.problems) < 50
    assert all(MESSAGE.match(str(p)) for p in result.problems)


@pytest.mark.parametrize("summary", [
    "[" * 50000, "![" * 20000, "<a " * 15000, "[^" * 20000, "<![CDATA[" * 5000, "\\" * 50000,
    "1. " * 20000, "> " * 25000, "word *em* [link](https://example.org) more. " * 5000,
])
def test_pathological_summaries_render_quickly_and_inert(summary: str) -> None:
    start = time.process_time()
    rendered = str(markdown_to_html(summary + "<script>alert(1)</script>"))
    assert time.process_time() - start < 2.0
    assert "<script" not in rendered


def test_row_names_that_number_alike_get_distinct_pages() -> None:
    text = HEADER + "## Signals\n| name |\n|---|\n| Row |\n| Row 2 |\n| Row |\n| row |\n"
    article = parse_article(text, "content/x.md", "x", TODAY).article
    assert article is not None
    slugs = [e.slug for e in article.entries]
    assert len(set(slugs)) == 4, slugs


def test_file_names_cannot_forge_messages_or_drive_the_terminal(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "a\nfake.md:1: error: forged\x1b[31m.md").write_bytes(b"")
    (content / "b\u202eevil.md").write_bytes(b"\xff")
    completed = subprocess.run(
        [sys.executable, "build.py", "--content", str(content), "--output", str(tmp_path / "site"), "--no-search", "-q"],
        check=False, cwd=ROOT, capture_output=True,
    )
    lines = completed.stderr.decode("utf-8").splitlines()
    assert len(lines) == 3, lines  # two errors and the left-out summary
    assert all(MESSAGE.match(line) or LEFT_OUT.match(line) for line in lines), lines
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", completed.stderr.decode("utf-8"))


# ---------------------------------------------------------------- hand-written pages


@dataclass(frozen=True)
class HostilePages:
    root: Path
    site: Path
    problems: list[str]


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> HostilePages:
    """A scan moved onto foresite (tests/hostile/make_hostile_pages.py): pages
    of payloads, active files beside them, redirects that aim outside."""
    from tests.hostile.make_hostile_pages import make_hostile_pages

    root = tmp_path_factory.mktemp("hostile-pages")
    content = make_hostile_pages(root)
    for folder in ("templates", "static"):
        (root / folder).symlink_to(ROOT / folder, target_is_directory=True)
    before = file_hashes(content)
    completed = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--root", str(root), "--content", str(content),
         "--output", str(root / "site"), "--no-search", "--workers", "1", "-q"],
        check=False, cwd=root, capture_output=True, timeout=600, env={**os.environ, "SOURCE_DATE_EPOCH": "1900000000"},
    )
    assert file_hashes(content) == before, "the build changed the content folder"
    assert (root / "site" / "index.html").is_file(), completed.stderr.decode()[-2000:]
    return HostilePages(root, root / "site", completed.stderr.decode("utf-8", "replace").splitlines())


def redirect_target(text: str) -> str | None:
    """The URL a redirect page's refresh sends the reader to, if it is one."""
    found = re.search(r'<meta http-equiv=refresh content="0; url=([^"]*)">', text)
    return html.unescape(found[1]) if found else None


def test_hostile_pages_carry_no_handler_active_url_or_foreign_element(hostile_pages: HostilePages) -> None:
    pages = html_pages(hostile_pages.site)
    checked = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        target = redirect_target(text)
        if target is not None:
            # The one refresh the site writes: to a page of its own, relatively.
            assert not re.match(r"^[a-z]+:|^/", target) and ".." not in target.split("/")[-2:], (page, target)
            text = text.replace(f'<meta http-equiv=refresh content="0; url={target}">', "")
        for tag in TAG.finditer(text):
            attributes = attributes_of(tag["attributes"])
            for name, value in attributes:
                assert not name.startswith("on"), (page, tag[0][:200])
                if name in URL_ATTRIBUTES:
                    assert not active_scheme(value), (page, tag[0][:200])
            assert ("http-equiv", "refresh") not in [(n, v.lower()) for n, v in attributes], (page, tag[0][:200])
            assert tag["name"].lower() not in {"iframe", "object", "embed", "frame", "frameset", "math"}, (page, tag[0][:200])
            if tag["name"].lower() == "base":  # the 404 page's, to the site's own root
                assert tag[0] == '<base href="/hostile/">', (page, tag[0])
        for script in SCRIPT.finditer(text):
            attributes = dict(attributes_of(script["attributes"]))
            assert attributes.get("type") == "application/ld+json" or ("src" in attributes and not script["body"].strip()), (page, script[0][:200])
        checked += 1
    assert checked > 20
    # What an editor writes shows no element of its own choosing but text, tables, links and images.
    for page in (hostile_pages.site / "pages").rglob("index.html"):
        main = page.read_text(encoding="utf-8").split("<main id=main>")[1].split("</main>")[0]
        names = {tag["name"].lower() for tag in TAG.finditer(main)}
        assert not names & {"svg", "style", "form", "button", "script", "meta", "base", "link", "input"}, (page, names)
    # The raw HTML page keeps the harmless parts: the cell, without its handler.
    assert "<td>cell</td>" in (hostile_pages.site / "pages/html/index.html").read_text(encoding="utf-8")


def test_active_files_and_links_outside_the_content_folder_are_not_published(hostile_pages: HostilePages) -> None:
    site = hostile_pages.site
    published = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert not [p for p in published if p.startswith("pages/") and not p.endswith(".html")]
    assert not any(p.endswith((".svg", ".htm", ".xhtml", ".js")) and not p.startswith("static/") for p in published)
    assert not (site / "pages/linked").exists() and not (site / "pages/linked.png").exists()
    assert not any("Secret page" in (site / p).read_text(encoding="utf-8", errors="replace") for p in published if p.endswith(".html"))
    for name in ("chart.svg", "old.html", "old.htm", "feed.xml", "app.js", "page.xhtml"):
        assert any(f"pages/{name}:1: warning: '{name}' is not published" in line for line in hostile_pages.problems), name
    # No link is followed, inside the content folder or out of it.
    assert any("pages/linked.png:1: warning: 'linked.png' is a symbolic link; not published" in line for line in hostile_pages.problems)
    assert any("pages/linked.md:1: error: a symbolic link: links are not followed" in line for line in hostile_pages.problems)


def test_redirects_stay_in_the_output_folder_and_lead_only_to_pages(hostile_pages: HostilePages) -> None:
    root, site = hostile_pages.root, hostile_pages.site
    assert sorted(p.name for p in root.iterdir()) == ["content", "outside", "site", "site.yml", "static", "templates"]
    assert sorted(p.name for p in (root / "outside").iterdir()) == ["secret.md", "secret.png"]
    assert redirect_target((site / "etc/passwd.html").read_text(encoding="utf-8")) == "../pages/p000/"
    assert redirect_target((site / "old/index.html").read_text(encoding="utf-8")) == "../articles/0f1e2d3c4b5a69788796a5b4c3d2e1f0/"
    assert not (site / "bad-target.html").exists() and not (site / "outside.html").exists()
    assert any(re.search(r"site\.yml:9: error: redirect from 'bad-target\.html' to 'javascript:alert\(230\)', which is no page of the site", line) for line in hostile_pages.problems)
    assert any(re.search(r"site\.yml:10: error: redirect from 'outside\.html' to '\.\./\.\./outside/', which is no page of the site", line) for line in hostile_pages.problems)
    # A page at a path no old address can safely name gets its new page and a warning, no redirect.
    assert any("päge.md:1: warning: no redirect from the old address" in line for line in hostile_pages.problems)
    for path in site.rglob("*"):
        relpath = path.relative_to(site).as_posix()
        assert not path.is_symlink(), relpath
        for part in relpath.split("/"):
            assert part.split(".")[0].casefold() not in RESERVED, relpath
            assert part.isascii() and part.isprintable() and not part.endswith((" ", ".")), relpath
