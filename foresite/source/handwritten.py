"""Text of one hand-written page → one HandwrittenPage: pure, like parse.py.

A page is free markdown. Its title is its front matter's `title`, else its
first heading (taken out of the body, since the layout shows the title),
else its file name; every other problem is a located warning.
"""

from __future__ import annotations

import re

import yaml

from foresite.core.errors import Problem, error, suggest, warning
from foresite.core.language import LANGUAGE_CODE, detect_language
from foresite.core.model import HandwrittenPage
from foresite.core.text import MARKDOWN_BUDGET, MARKDOWN_MAX_CHARS
from foresite.source.parse import MAX_FRONT_MATTER_BYTES, decode, split_lines

PAGE_FRONT_MATTER_KEYS = ("title", "description", "language")

PAGE_MAX_CHARS = 10 * MARKDOWN_MAX_CHARS
"""Longest page body shown as markdown: pages are longer than summaries,
and markdown's cost grows with each block, not the whole page."""

_HEADING = re.compile(r"^(#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n")


def parse_page(data: bytes, path: str, relpath: str, site_language: str) -> tuple[HandwrittenPage | None, tuple[Problem, ...]]:
    text, problems = decode(data, path)
    if text is None:
        return None, problems
    lines = split_lines(text)
    found: list[Problem] = []
    meta, start = _front_matter(lines, path, found)
    if meta is None:
        return None, tuple(found)
    title, start = _title(lines, start, meta, relpath)
    after_title = "\n".join(lines[start:])
    body = after_title.lstrip("\n")
    start += len(after_title) - len(body)  # blank lines before the body
    body = body.rstrip("\n")
    plain = not is_page_markdown_affordable(body)
    if plain:
        found.append(warning(path, start + 1, "the page is too long or too full of '[' and '<' for markdown; it is shown as plain text"))
    language = meta.get("language") or detect_language(f"{title}. {body[:4000]}", site_language)
    page = HandwrittenPage(
        relpath=relpath, path=path, title=title, description=meta.get("description", ""),
        language=language, body=body, body_line=start + 1, plain=plain,
    )
    return page, tuple(found)


def is_page_markdown_affordable(body: str) -> bool:
    """Whether markdown renders `body` quickly: its cost grows with the marks
    in each block times the block's length (see text.MARKDOWN_BUDGET)."""
    if len(body) > PAGE_MAX_CHARS:
        return False
    cost = 0
    for block in _BLOCK_BREAK.split(body):
        cost += (block.count("[") + block.count("<") + block.count("\\")) * len(block)
    return cost <= MARKDOWN_BUDGET


def _front_matter(lines: list[str], path: str, found: list[Problem]) -> tuple[dict[str, str] | None, int]:
    if not lines or lines[0].strip() != "---":
        return {}, 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        found.append(error(path, 1, "front matter opened with '---' is never closed with a '---' line; left out"))
        return None, 0
    source = "\n".join(lines[1:end])
    if len(source) > MAX_FRONT_MATTER_BYTES:
        found.append(error(path, 1, "front matter is over 64 KB; left out"))
        return None, 0
    try:
        data = yaml.safe_load(source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        found.append(error(path, mark.line + 2 if mark else 1, f"front matter is not valid YAML: {exc.problem}; left out"))
        return None, 0
    except (yaml.YAMLError, RecursionError, MemoryError):
        found.append(error(path, 1, "front matter could not be read (too deeply nested or too large); left out"))
        return None, 0
    if data is None:
        return {}, end + 1
    if not isinstance(data, dict):
        found.append(error(path, 2, f"front matter must be 'key: value' lines, not a {type(data).__name__}; left out"))
        return None, 0
    return _checked(data, lines, path, found), end + 1


def _checked(data: dict[object, object], lines: list[str], path: str, found: list[Problem]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for key, value in data.items():
        name = str(key)
        line = next((i + 1 for i, text in enumerate(lines[1:], start=1) if text.startswith(f"{name}:")), 2)
        if name not in PAGE_FRONT_MATTER_KEYS:
            found.append(warning(path, line, f"unknown front-matter key '{name}' for a page{suggest(name, PAGE_FRONT_MATTER_KEYS)}; ignored"))
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
            found.append(warning(path, line, f"front-matter key '{name}' must be text; ignored"))
        elif name == "language" and not LANGUAGE_CODE.match(str(value).strip()):
            found.append(warning(path, line, f"language '{value}' is not a language code such as 'en' or 'fr'; ignored"))
        else:
            meta[name] = str(value).strip()
    return meta


def _title(lines: list[str], start: int, meta: dict[str, str], relpath: str) -> tuple[str, int]:
    """The page's title and the index of its body's first line."""
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    heading = _HEADING.match(lines[index].strip()) if index < len(lines) else None
    if "title" in meta:
        return meta["title"], start
    if heading:
        # The layout shows the title as the page's heading: not twice.
        return heading["text"].strip().strip("_*").strip() or _file_title(relpath), index + 1
    return _file_title(relpath), start


def _file_title(relpath: str) -> str:
    name = relpath.rsplit("/", 1)[-1].removesuffix(".md")
    if name == "index" and "/" in relpath:
        name = relpath.rsplit("/", 2)[-2]
    return name.replace("-", " ").replace("_", " ").strip().capitalize() or "Page"
