"""Property-based tests (Hypothesis) of the functions that meet untrusted text.

Whatever a file holds, decoding and parsing end in an article or in located
problems, never in an exception; whatever ids, names and terms say, every
slug is a safe file name and every page lands inside the output folder; no
link from content gets a scheme other than http, https or mailto.
Example counts are bounded so that the module runs in well under 30 s.
"""

from __future__ import annotations

import datetime
import os
import posixpath
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from foresite.build.stages import plan
from foresite.core.config import Settings
from foresite.core.errors import Problem
from foresite.core.text import article_slug, fold, key_slug, safe_slug
from foresite.core.urls import output_path, relative, safe_external_url
from foresite.output.write import UnsafePathError, target_path
from foresite.source.parse import decode, parse_article, split_lines

TODAY = datetime.date(2030, 1, 1)
ROOT = Path("/srv/out/site")
SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
LOCATED = re.compile(r"^[^\n]+:[1-9][0-9]*: (?:warning|error): [^\n]+$")

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces of the format and of attacks: random text rarely hits a '## Signals'
# line or a table row by chance, so the generated files are spliced from these.
FRAGMENTS = [
    "# __", "__", "__, (from page [", "](https://example.org/p)", ".)\n", "[", "]", "(", ")",
    "\n## Keywords\n", "\n## Themes\n", "\n## Other\n", "\n## Summary\n", "\n## Signals\n",
    "\n## Concerns\n", "\n## Behaviors\n", "\n## Technologies\n", "\n## Issues\n", "\n## Closest\n",
    "\n## ", "* ", "* [T](", "| name | description | relevancy |\n", "|:---|---|---:|\n", "| ",
    " |", "|", "\\|", "\n", "\r\n", "\r", "\u2028", "\x85", "\x00", "\ufeff", "---\n", "title: ",
    "date: ", "draft: ", "source: ", "[", "{", "&a ", "*a ", "!!python/object ", "<script>alert(1)</script>",
    "javascript:alert(1)", "../", "..", "/", "\\", "CON", "\u202e", "\U0001f600", "日本", "\u0663",
    "Category: ", "Type: ", "20231111", "99999999999999999999", "inf", "nan", "1e400", "3", "0",
    "<!--", "]]>", "{{ 7*7 }}", "%2e%2e%2f",
]
article_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=80
).map("".join)
any_text = st.one_of(st.text(max_size=200), article_text)
ids = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(["..", ".", "/", "\\", "CON", "a", "Z", " ", "%2f", "\x00", ":", "é", "e\u0301"]),
             max_size=12).map("".join),
)


def assert_located(problems: tuple[Problem, ...], path: str, lines: int) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == path
        assert 1 <= problem.line <= max(lines, 1), (problem, lines)
        assert LOCATED.match(str(problem)), str(problem)


# ---------------------------------------------------------------- decode, parse


@FAST
@given(st.one_of(st.binary(max_size=400), any_text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
@example(b"\xef\xbb\xbf# __T__")
@example(b"\xff\xfe#\x00 \x00")
@example(b"# __T__\n\xc3")
@example(b"\xef\xbb\xbf\xef\xbb\xbf")  # two byte-order marks
def test_decode_gives_text_or_a_located_error(data: bytes) -> None:
    text, problems = decode(data, "content/x.md")
    if text is None:
        assert problems and all(p.is_error for p in problems)
        assert_located(problems, "content/x.md", data.count(b"\n") + 1)
    else:
        assert not problems
        assert not text.startswith("\ufeff")


@FAST
@given(any_text, ids)
@example("---\ntitle: " + "[" * 3000 + "\n---\n", "deep")
@example("# __T__\n## Signals\n| name | relevancy |\n|-|-|\n| a | inf |\n| b | 1e400 |", "inf")
@example("# __T__\n## Signals\n| name |\n|-|\n| Row |\n| Row 2 |\n| Row |", "rows")
@example("---\na: &a [*a, *a]\nb: &b [*a, *a]\n---\n", "alias")
def test_parse_article_gives_an_article_or_located_errors(text: str, article_id: str) -> None:
    result = parse_article(text, "content/x.md", article_id, TODAY)
    assert_located(result.problems, "content/x.md", len(split_lines(text)))
    if result.article is None:
        assert any(p.is_error for p in result.problems)
        return
    article = result.article
    assert SLUG.match(article.slug) and article.slug not in RESERVED
    for kind in {e.kind for e in article.entries}:
        slugs = [e.slug for e in article.entries if e.kind is kind]
        assert len(slugs) == len(set(slugs)), slugs
    assert all(SLUG.match(e.slug) for e in article.entries)


# ---------------------------------------------------------------- slugs


@FAST
@given(any_text, st.integers(min_value=1, max_value=120))
@example("CON", 60)
@example("!!!", 60)
@example("a" * 200, 60)
def test_safe_slug_is_a_safe_file_name(text: str, max_length: int) -> None:
    slug = safe_slug(text, max_length)
    assert SLUG.match(slug), slug
    assert slug not in RESERVED
    assert len(slug) <= max(max_length, 10)


@FAST
@given(ids)
@example("..%2f..%2fetc")
@example("com1")
@example("0_")  # found by Hypothesis: an id that ended in '_' was kept as it was
@example("x\"><svg onload=alert(1)>")
@example("long-name-" + "0123456789abcdef" * 12)
def test_article_slug_is_a_safe_file_name(article_id: str) -> None:
    slug = article_slug(article_id)
    assert SLUG.match(slug), slug
    assert slug not in RESERVED
    assert len(slug) <= 100


@FAST
@given(st.text(max_size=30), st.text(max_size=30))
@example("x" * 61, "x" * 62)
def test_long_ids_sharing_a_start_get_different_slugs(start: str, tail: str) -> None:
    first, second = "a" * 90 + start, "a" * 90 + start + "b" + tail
    assert article_slug(first) != article_slug(second)


@FAST
@given(any_text, any_text)
@example("a b", "a-b")
@example("cafe", "café")
def test_key_slug_is_safe_and_tells_keys_apart(first: str, second: str) -> None:
    a, b = fold(first), fold(second)
    assert SLUG.match(key_slug(a)) and key_slug(a) not in RESERVED
    if a != b:
        assert key_slug(a) != key_slug(b), (a, b)


# ---------------------------------------------------------------- links

SCHEME_PARTS = ["javascript", "JaVaScRiPt", "data", "vbscript", "http", "https", "mailto", "file", "java\tscript",
                "java\nscript", "\x00", " ", "\x01", "\u00a0", ":", "//", "&#58;", "%3a", "evil.example", "alert(1)",
                "\\", "/", "?", "#", "@"]
NOISE = ["", " ", "\x00", "\x01", "\t", "\n", "\u00a0", "\x7f", "\ufeff"]
SCHEMES = ["javascript", "JaVaScRiPt", "java\tscript", "java\nscript", "data", "vbscript", "http", "https",
           "mailto", "file", "feed", ""]
structured_urls = st.tuples(
    st.sampled_from(NOISE), st.sampled_from(SCHEMES), st.sampled_from(["://", "://", "://", ":", "&#58;", "%3a", ":/", ":\\\\"]),
    st.sampled_from(["", "evil.example", "example.org/x?y#z", "x@example.org", "%0aalert(1)"]),
    st.lists(st.sampled_from(SCHEME_PARTS), max_size=3).map("".join),
).map("".join)
urls = st.one_of(structured_urls, st.text(max_size=60), st.lists(st.sampled_from(SCHEME_PARTS), max_size=8).map("".join))


def browser_scheme(url: str) -> str:
    """The scheme a browser reads from an href (WHATWG URL: leading C0 and
    spaces dropped, tabs and newlines removed anywhere)."""
    stripped = re.sub(r"[\t\n\r]", "", url.lstrip("".join(map(chr, range(0x21)))))
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", stripped)
    return match[1].lower() if match else ""


@FAST
@given(urls)
@example(" \x01javascript:alert(1)")
@example("java\tscript:alert(1)")
@example("javascript://example.org/%0Aalert(1)")
@example("\x00JaVaScRiPt://x/%0aalert(1)")
@example("VBScript://x/%0amsgbox(1)")
@example("data://text/html,<script>alert(1)</script>")
@example("https:alert(1)")
@example("mailto:x@example.org")
def test_safe_external_url_only_lets_out_http_https_and_mailto(url: str) -> None:
    safe = safe_external_url(url)
    if safe is None:
        return
    assert browser_scheme(safe) in ("http", "https", "mailto"), safe
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in safe)


@FAST
@given(
    st.one_of(st.sampled_from(SCHEMES), st.from_regex(r"\A[A-Za-z][A-Za-z0-9+.\-]{0,10}\Z")),
    st.sampled_from(NOISE),
)
def test_safe_external_url_decides_by_the_scheme_alone(scheme: str, noise: str) -> None:
    url = f"{noise}{scheme}://example.org/x"
    safe = safe_external_url(url)
    assert safe is None or browser_scheme(safe) in ("http", "https", "mailto"), safe
    if browser_scheme(url) in ("http", "https", "mailto"):
        assert safe is not None, url  # and real links are kept


site_urls = st.lists(st.text(min_size=1, max_size=20).map(lambda t: safe_slug(t)), max_size=4).map(
    lambda parts: "".join(f"{p}/" for p in parts)
)


@FAST
@given(site_urls, site_urls)
def test_relative_links_lead_where_they_say_and_never_above_the_site(from_url: str, to_url: str) -> None:
    link = relative(from_url, to_url)
    resolved = posixpath.normpath(posixpath.join("/site", from_url, link))
    assert resolved == posixpath.normpath(posixpath.join("/site", to_url))
    assert resolved == "/site" or resolved.startswith("/site/")


# ---------------------------------------------------------------- output paths


@FAST
@given(st.one_of(st.text(max_size=60), st.lists(st.sampled_from(["..", ".", "/", "\\", "a", "\x00", ":", "C:", "~", "%2e", ""]), max_size=8).map("".join)))
@example("../x")
@example("a/../../x")
@example("/etc/passwd")
@example("C:/x")
@example("a/./b")
def test_target_path_stays_inside_the_output_folder(relpath: str) -> None:
    try:
        path = target_path(ROOT, relpath)
    except UnsafePathError:
        return
    normal = os.path.normpath(path)
    assert os.path.commonpath([normal, str(ROOT)]) == str(ROOT)
    assert normal != str(ROOT)


def article_file(title: str, terms: list[str], rows: list[str]) -> str:
    cells = "\n".join(f"| {r.replace('|', '/')} | d |" for r in rows)
    return (
        f"# __{title or 'T'}__, (from page [20240101](https://example.org/p).)\n\n"
        "## Keywords\n" + "".join(f"* {t}\n" for t in terms) + "\n## Themes\n* " + (terms[0] if terms else "t") + "\n\n"
        "## Summary\nS.\n\n## Signals\n| name | description |\n|---|---|\n" + cells + "\n"
    )


line_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\n\r\x85\u2028\u2029"), max_size=40)


@SLOW
@given(st.lists(st.tuples(ids, line_text, st.lists(line_text, max_size=4), st.lists(line_text, max_size=4)),
                min_size=1, max_size=4))
def test_every_page_of_any_site_lands_inside_the_output_folder(files: list[tuple[str, str, list[str], list[str]]]) -> None:
    articles, seen = [], set()
    for article_id, title, terms, rows in files:
        result = parse_article(article_file(title, terms, rows), f"content/{article_id}.md", article_id, TODAY)
        if result.article is not None and article_id not in seen:
            seen.add(article_id)
            articles.append(result.article)
    _, pages, _ = plan(articles, Settings())
    written = set()
    for page in pages:
        relpath = output_path(page.url)
        path = os.path.normpath(target_path(ROOT, relpath))
        assert os.path.commonpath([path, str(ROOT)]) == str(ROOT)
        assert all(len(part.encode()) <= 255 for part in relpath.split("/"))
        assert relpath.casefold() not in written, relpath  # collisions were left out
        written.add(relpath.casefold())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(pytest.main([__file__, "-q"]))
