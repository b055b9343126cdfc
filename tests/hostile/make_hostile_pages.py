"""A hostile scan to move: hand-written pages full of script payloads, files
beside them that could carry scripts, and a site.yml whose redirects and
page paths try to leave the output folder.

    from tests.hostile.make_hostile_pages import make_hostile_pages
    make_hostile_pages(tmp_path)   # writes tmp_path/site.yml and tmp_path/content/

Deterministic, and nothing copied from the real corpus.
"""

from __future__ import annotations

from pathlib import Path

from .payloads import PAYLOADS, URL_PAYLOADS

ARTICLE_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

ARTICLE = f"""# __A plain article among hostile pages__, (from page [20250101](https://newsletter.example.org/p/20250101).)

__[External link](https://news.example.org/plain)__

## Summary

It links to [the first page](pages/p000.md) and to [itself]({ARTICLE_ID}.md).

## Signals

| name | description | change | 10-year | driving-force | relevancy |
|:-----|:------------|:-------|:--------|:--------------|----------:|
| Plain signal | A row. | From a to b. | Later. | Force. | 3 |
"""

RAW_HTML = [
    "<script>alert(201)</script>",
    '<img src="x" onerror="alert(202)">',
    '<img src="javascript:alert(203)">',
    '<a href="javascript:alert(204)">click</a>',
    '<svg onload="alert(205)"><circle r="4"/></svg>',
    '<iframe src="javascript:alert(206)"></iframe>',
    '<table><tr><td onmouseover="alert(207)">cell</td></tr></table>',
    '<meta http-equiv="refresh" content="0; url=javascript:alert(208)">',
    '<base href="https://evil.example/">',
    '<object data="data:text/html,<script>alert(209)</script>"></object>',
    '<style>body{background:url("javascript:alert(210)")}</style>',
    '<form action="javascript:alert(211)"><button>go</button></form>',
]

ACTIVE_FILES = {
    "pages/chart.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(220)"><script>alert(221)</script></svg>',
    "pages/old.html": "<script>alert(222)</script>",
    "pages/old.htm": "<script>alert(223)</script>",
    "pages/feed.xml": '<?xml version="1.0"?><x xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(224)</h:script></x>',
    "pages/app.js": "alert(225)",
    "pages/page.xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(226)</script></html>',
}

SITE_YML = f"""title: Hostile pages
base_url: https://example.github.io/hostile/
exclude: ["index.md"]
navigation: ["pages/p000.md"]
jekyll_urls: true
redirects:
  "/etc/passwd.html": "pages/p000/"
  "old/": "articles/{ARTICLE_ID}/"
  "bad-target.html": "javascript:alert(230)"
  "outside.html": "../../outside/"
"""


def _link_lines() -> list[str]:
    lines = []
    for name, url in URL_PAYLOADS.items():
        one_line = url.replace("\n", " ").replace("\r", " ")
        lines.append(f"{name}: [link]({one_line}) ![image]({one_line}) [angled](<{one_line}>)\n")
    return lines


def page_texts() -> dict[str, str]:
    """Content path → text of each hostile page."""
    pages = {}
    payloads = [p for p in PAYLOADS if "\x00" not in p]
    for start in range(0, len(payloads), 20):
        chunk = payloads[start : start + 20]
        title = chunk[0].replace("\n", " ").replace('"', "'")
        body = "\n\n".join(chunk)
        table = "| a | b |\n|---|---|\n" + "\n".join(f"| {p.splitlines()[0] if p.strip() else 'x'} | cell |" for p in chunk[:5])
        pages[f"pages/p{start:03d}.md"] = f'---\ntitle: "{title}"\ndescription: "{title}"\n---\n{body}\n\n{table}\n'
    pages["pages/links.md"] = "# Hostile links\n\n" + "\n".join(_link_lines())
    pages["pages/html.md"] = "# Raw HTML\n\n" + "\n\n".join(RAW_HTML) + "\n"
    pages["pages/ünïcode ✓/päge.md"] = "# A page at a path with no plain old address\n\nText.\n"
    return pages


def make_hostile_pages(root: Path) -> Path:
    """Write root/site.yml and root/content; returns the content folder."""
    content = root / "content"
    (content / "pages").mkdir(parents=True)
    (root / "site.yml").write_text(SITE_YML, encoding="utf-8")
    (content / f"{ARTICLE_ID}.md").write_text(ARTICLE, encoding="utf-8")
    (content / "index.md").write_text(f"* [x]({ARTICLE_ID})\n", encoding="utf-8")
    for relpath, text in {**page_texts(), **ACTIVE_FILES}.items():
        path = content / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # Links that would publish files from outside the content folder.
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"\x89PNG secret")
    (outside / "secret.md").write_text("# Secret page\n\nNot to be read.\n", encoding="utf-8")
    (content / "pages" / "linked.png").symlink_to(outside / "secret.png")
    (content / "pages" / "linked.md").symlink_to(outside / "secret.md")
    return content
