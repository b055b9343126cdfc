"""Text normalisation shared by the parser, the index and the URL scheme.

Slugs and folding keys are pure functions of one string, so that a URL or a
tag never depends on which other articles happen to be in the build.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_FOLD_SPACE = re.compile(r"[\s\-_]+")
_PLAIN_KEY = re.compile(r"^[a-z0-9 ]+$")

# File names Windows refuses whatever their extension.
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(10)]
    + [f"lpt{i}" for i in range(10)]
)


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII slug of `text`, cut at a word boundary; '' when nothing is left."""
    slug = _NON_SLUG.sub("-", strip_accents(text).lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug.strip("-")


def safe_slug(text: str, max_length: int = 60) -> str:
    """A slug that is never empty, never a reserved device name, and ASCII only.

    Text with nothing left in ASCII (CJK, emoji, punctuation) becomes a hash
    of the original, so that distinct names stay distinct.
    """
    slug = slugify(text, max_length)
    if not slug:
        return "x-" + short_hash(text)
    if slug in _RESERVED:
        return slug + "-x"
    return slug


_SAFE_ID = re.compile(r"^(?=.{1,80}$)[a-z0-9]+(?:[-_][a-z0-9]+)*$")
"""Lower-case words joined by single dashes or underscores, as slugs are."""


def article_slug(article_id: str) -> str:
    """The permalink segment of an article: its id where the id is already a
    safe lower-case name (the scan's md5 ids, editors' names), else a slug."""
    if _SAFE_ID.match(article_id) and article_id not in _RESERVED:
        return article_id
    slug = safe_slug(article_id, 80)
    if len(slugify(article_id, 10_000)) > len(slug):
        # Cut short: two long ids sharing a start must not share a page.
        return f"{slug}-{short_hash(article_id)}"
    return slug


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """The key under which spellings that differ only in case, accents or
    spacing are one and the same (tags, names of the same signal)."""
    return _FOLD_SPACE.sub(" ", strip_accents(text).casefold()).strip()


def key_slug(key: str) -> str:
    """Slug of a folded key; injective, so two tags never share a URL."""
    if _PLAIN_KEY.match(key) and len(key) <= 60:
        return safe_slug(key)
    return f"{slugify(key, 50) or 'x'}-{short_hash(key, 6)}"


MARKDOWN_BUDGET = 2_000_000
"""Python-Markdown rescans the rest of a paragraph at each '[', '<' and '\\', so its
time grows with their count times the text's length: this product keeps it
under a second whatever the text holds."""

MARKDOWN_MAX_CHARS = 50_000
"""Nested quotes, lists and escapes slow it down too, with length alone."""


def is_markdown_affordable(text: str) -> bool:
    """Whether markdown can render `text` quickly; else it is shown as plain text."""
    return (
        len(text) <= MARKDOWN_MAX_CHARS
        and (text.count("[") + text.count("<") + text.count("\\")) * len(text) <= MARKDOWN_BUDGET
    )
