"""Site settings: `site.yml`, validated into one frozen value.

Command-line options override the file; nothing else reads settings. Every
problem names where it was written: `site.yml:line:` or the option.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml

from foresite.core.errors import SettingsError, suggest
from foresite.core.language import LANGUAGE_CODE

SETTINGS_FILE = "site.yml"


@dataclass(frozen=True)
class HomeSettings:
    latest: int = 10
    """How many of the latest scans the home page lists."""
    top_signals: int = 10
    """How many of the highest-relevancy signals it lists."""
    themes: int = 16
    """How many of the most active themes it lists."""


_Number = TypeVar("_Number", int, float)


def _bounded(default: _Number, low: _Number, high: _Number) -> _Number:
    """A numeric setting's default, with the range site.yml may set it in."""
    return field(default=default, metadata={"range": (low, high)})


@dataclass(frozen=True)
class TrendSettings:
    """How rows of one kind are grouped into trends (see foresite/trends.py)."""

    similarity: float = _bounded(0.66, 0.05, 1.0)
    """Share of key terms two names must have in common (Jaccard) to be one trend."""
    min_articles: int = _bounded(2, 1, 1000)
    """Articles a group of rows must come from to be shown as a trend."""


@dataclass(frozen=True)
class MomentumSettings:
    """When a keyword, theme or trend is badged new, rising or fading."""

    window: int = _bounded(4, 1, 100)
    """The scan's latest quarters that count as recent."""
    rising: float = _bounded(1.5, 1.0, 100.0)
    """Recent mentions per article over earlier ones at or above which it is rising."""
    fading: float = _bounded(0.5, 0.0, 1.0)
    """… at or below which it is fading."""
    min_mentions: int = _bounded(2, 1, 1000)
    """Mentions (recent for new and rising, earlier for fading) a badge needs."""


@dataclass(frozen=True)
class RelatedSettings:
    """How related articles and rows are scored (see foresite/related.py)."""

    count: int = _bounded(5, 0, 20)
    keyword_weight: float = _bounded(3.0, 0.0, 100.0)
    theme_weight: float = _bounded(2.0, 0.0, 100.0)
    text_weight: float = _bounded(1.0, 0.0, 100.0)
    """Per word shared by the names and descriptions."""
    time_weight: float = _bounded(1.0, 0.0, 100.0)
    time_scale_days: int = _bounded(180, 1, 100_000)
    """Days apart at which closeness in time counts half."""
    max_postings: int = _bounded(300, 2, 100_000)
    """Items a term may be shared by and still suggest a relation; commoner terms say little."""


@dataclass(frozen=True)
class InsightSettings:
    heatmap_themes: int = _bounded(24, 1, 200)
    """Most-used themes the category × theme heatmap shows."""
    blind_spots: int = _bounded(12, 0, 200)
    """Thinnest cells, against what the category and theme sizes lead one to expect, called out."""


@dataclass(frozen=True)
class Redirect:
    """An old address (`redirects:` in site.yml) and the page it now is."""

    old: str
    """The old path, relative to the site's root: 'old/page.html'."""
    target: str
    """The site URL of the page it leads to, as written: 'articles/x/'."""
    where: str
    """'site.yml:line', for messages."""


@dataclass(frozen=True)
class Settings:
    title: str = "foresite"
    description: str = "A horizon scan: signals of change, read from the news."
    base_url: str = ""
    """Absolute URL the site is published at, ending in '/'; '' keeps every link relative."""
    language: str = "en"
    """The site's language, and the fallback when an article's cannot be told."""
    author: str = ""
    domain: str = ""
    """A custom domain, written to CNAME for GitHub Pages."""
    per_page: int = 200
    """Entries per listing page."""
    tag_articles_per_page: int = 20
    """Articles per tag page (each with all its rows)."""
    feed_items: int = 20
    """Articles per Atom feed."""
    home: HomeSettings = HomeSettings()
    trends: TrendSettings = TrendSettings()
    momentum: MomentumSettings = MomentumSettings()
    related: RelatedSettings = RelatedSettings()
    insights: InsightSettings = InsightSettings()
    content: str = "content"
    """The folder of articles, relative to the project folder (--content replaces it)."""
    pages: tuple[str, ...] = ("pages/**",)
    """Glob patterns, relative to the content folder, of markdown files that
    are hand-written pages rather than articles."""
    exclude: tuple[str, ...] = ()
    """Glob patterns of content files that are not read at all."""
    navigation: tuple[str, ...] = ()
    """Content paths of pages the header links to, in this order."""
    jekyll_urls: bool = False
    """Whether every article and page also answers, by a redirect page, at
    the address GitHub Pages' default (Jekyll) build gave its file."""
    redirects: tuple[Redirect, ...] = ()
    """Other old addresses, each sent to a page of the site."""
    max_file_mb: int = 10
    """Files beside the articles and pages larger than this many megabytes
    are not published."""
    where: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    """(key, 'site.yml:line') of the keys set, for messages about them that
    only a later stage can find (a redirect to no page, say)."""

    def location(self, key: str) -> tuple[str, int]:
        """(path, line) where `key` was set; the file's first line if it was not."""
        found = dict(self.where).get(key, f"{SETTINGS_FILE}:1")
        path, _, line = found.rpartition(":")
        return (path, int(line)) if line.isdigit() else (found, 1)


_TYPES: dict[str, type] = {
    "title": str,
    "description": str,
    "base_url": str,
    "language": str,
    "author": str,
    "domain": str,
    "per_page": int,
    "tag_articles_per_page": int,
    "feed_items": int,
    "home": dict,
    "trends": dict,
    "momentum": dict,
    "related": dict,
    "insights": dict,
    "content": str,
    "pages": list,
    "exclude": list,
    "navigation": list,
    "jekyll_urls": bool,
    "redirects": dict,
    "max_file_mb": int,
}
_LISTS = ("pages", "exclude", "navigation")
_SECTIONS: dict[str, type] = {
    "trends": TrendSettings,
    "momentum": MomentumSettings,
    "related": RelatedSettings,
    "insights": InsightSettings,
}
_HOME_KEYS = tuple(f.name for f in dataclasses.fields(HomeSettings))
_NAMES = {
    str: "text", int: "a whole number", dict: "a block of 'key: value' lines",
    list: "a list of quoted paths such as [\"pages/**\"]", bool: "true or false",
}
_MAX_COUNT = 100_000
_HOST_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def load_settings(root: Path, overrides: Mapping[str, object] | None = None) -> Settings:
    """Settings from `root/site.yml` (if any) with `overrides` (command-line
    options, by key; None means not given) on top."""
    path = root / SETTINGS_FILE
    values: dict[str, object] = {}
    where: dict[str, str] = {}
    if path.is_file():
        values, where = _read_file(path)
    for key, value in (overrides or {}).items():
        if value is not None:
            option = "--" + key.replace("_", "-")
            _check(key, value, option)
            values[key], where[key] = value, option
    return _settings(values, where)


def _read_file(path: Path) -> tuple[dict[str, object], dict[str, str]]:
    """The file's values, and where each key was written ('site.yml:3')."""
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{label}:1: cannot read: {exc}") from exc
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise SettingsError(f"{label}:{line}: not valid YAML: {exc.problem}") from exc
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise SettingsError(f"{label}:1: must be 'key: value' lines")
    where = _key_lines(node, label, "")
    values = {}
    for key, value in data.items():
        name = str(key)
        if value is None:
            continue  # 'key:' with nothing after it keeps the default
        _check(name, value, where.get(name, f"{label}:1"))
        if name == "home":
            _check_home(value, where, label)
        if name in _SECTIONS:
            _check_section(name, value, where, label)
        if name in _LISTS:
            value = _content_patterns(name, value, where[name])
        if name == "redirects":
            value = _redirects(value, where, label)
        values[name] = value
    return values, where


def _key_lines(node: yaml.MappingNode, label: str, prefix: str) -> dict[str, str]:
    """'site.yml:line' of each key, nested ones as 'home.latest'; a key
    written twice is an error, since YAML would silently keep the last."""
    where: dict[str, str] = {}
    for key_node, value_node in node.value:
        key = prefix + str(key_node.value)
        here = f"{label}:{key_node.start_mark.line + 1}"
        if key in where:
            raise SettingsError(f"{here}: '{key}' is set twice (first at {where[key]}); keep one")
        where[key] = here
        if isinstance(value_node, yaml.MappingNode) and not prefix:
            where.update(_key_lines(value_node, label, f"{key}."))
    return where


def _check(key: str, value: object, where: str) -> None:
    expected = _TYPES.get(key)
    if expected is None:
        raise SettingsError(f"{where}: unknown key '{key}'{suggest(key, tuple(_TYPES))}")
    if expected is bool and not isinstance(value, bool):
        raise SettingsError(f"{where}: '{key}' must be {_NAMES[bool]}, not {value!r}")
    if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
        hint = f'; put it in quotes: {key}: "{value}"' if expected is str and not isinstance(value, (dict, list)) else ""
        raise SettingsError(f"{where}: '{key}' must be {_NAMES[expected]}, not {value!r}{hint}")
    if expected is int and isinstance(value, int) and not 1 <= value <= _MAX_COUNT:
        raise SettingsError(f"{where}: '{key}' must be between 1 and {_MAX_COUNT}, not {value}")


def _check_home(value: dict[object, object], where: dict[str, str], label: str) -> None:
    for sub, count in value.items():
        key = f"home.{sub}"
        here = where.get(key, where.get("home", f"{label}:1"))
        if str(sub) not in _HOME_KEYS:
            raise SettingsError(f"{here}: unknown key '{key}'{suggest(key, tuple(f'home.{k}' for k in _HOME_KEYS))}")
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 1000:
            raise SettingsError(f"{here}: '{key}' must be a whole number from 0 to 1000, not {count!r}")


def _check_section(name: str, value: dict[object, object], where: dict[str, str], label: str) -> None:
    fields = {f.name: f for f in dataclasses.fields(_SECTIONS[name])}
    for sub, number in value.items():
        key = f"{name}.{sub}"
        here = where.get(key, where.get(name, f"{label}:1"))
        if str(sub) not in fields:
            raise SettingsError(f"{here}: unknown key '{key}'{suggest(str(sub), tuple(fields))}")
        spec = fields[str(sub)]
        low, high = spec.metadata["range"]
        whole = isinstance(spec.default, int)
        if isinstance(number, bool) or not isinstance(number, int if whole else (int, float)) or not low <= number <= high:
            what = "a whole number" if whole else "a number"
            raise SettingsError(f"{here}: '{key}' must be {what} from {low} to {high}, not {number!r}")


def _content_patterns(key: str, value: object, where: str) -> tuple[str, ...]:
    """A list of paths or glob patterns, each relative to the content folder."""
    patterns = []
    for item in value if isinstance(value, (list, tuple)) else [value]:
        if not isinstance(item, str) or not item.strip():
            raise SettingsError(f"{where}: each item of '{key}' must be a path in quotes, not {item!r}")
        pattern = item.strip()
        if not is_inside_path(pattern):
            raise SettingsError(
                f"{where}: '{key}' item '{pattern}' must be a path inside the content folder "
                "(no leading '/', no '..', no '\\')"
            )
        patterns.append(pattern)
    return tuple(patterns)


def is_inside_path(path: str) -> bool:
    """Whether `path`, relative, stays inside the folder it is relative to."""
    parts = path.split("/")
    return (
        not path.startswith("/")
        and "\\" not in path
        and not any(ord(ch) < 0x20 or ch == ":" for ch in path)
        and not any(part in ("..", ".") for part in parts)
    )


def _redirects(value: dict[object, object], where: dict[str, str], label: str) -> tuple[Redirect, ...]:
    redirects = []
    for old, target in value.items():
        here = where.get(f"redirects.{old}", where.get("redirects", f"{label}:1"))
        if not isinstance(old, str) or not isinstance(target, str) or not target.strip():
            raise SettingsError(f"{here}: each redirect must be '\"old/path.html\": \"new/url/\"', not {old!r}: {target!r}")
        path = old.strip().lstrip("/")
        last = path.rsplit("/", 1)[-1]
        if not path or not is_inside_path(path.rstrip("/")) or any(mark in path for mark in "?#\"'<> "):
            raise SettingsError(
                f"{here}: old address '{old}' must be a path on the site such as 'old/page.html' "
                "(no '..', '?', '#', quotes or spaces)"
            )
        if "." in last and not last.endswith((".html", ".htm")):
            raise SettingsError(
                f"{here}: old address '{old}' must end in '.html', '/' or no extension: "
                "GitHub Pages serves only those as web pages"
            )
        redirects.append(Redirect(path, target.strip(), here))
    return tuple(redirects)


def _settings(values: dict[str, object], where: dict[str, str]) -> Settings:
    text = {k: str(v).strip() for k, v in values.items() if _TYPES.get(k) is str}
    if "title" in text and not text["title"]:
        raise SettingsError(f"{where['title']}: 'title' is empty; the site needs a title")
    domain = _domain(text.get("domain", ""), where.get("domain", ""))
    base_url = _base_url(text.get("base_url", ""), where.get("base_url", ""))
    if not base_url and domain:
        # A custom domain serves the site at its root, over https on GitHub Pages.
        base_url = f"https://{domain}/"
    language = text.get("language", Settings.language)
    if not LANGUAGE_CODE.match(language):
        raise SettingsError(f"{where['language']}: language '{language}' is not a language code such as 'en' or 'fr'")
    if "content" in text and not _is_inner_path(text["content"]):
        raise SettingsError(
            f"{where['content']}: 'content' must be a folder inside the project, such as articles, not '{text['content']}'"
        )
    # Each value was checked against its field's type by _check, _check_home
    # or _check_section, which mypy cannot follow through a dict of objects.
    home = HomeSettings(**_block(values, "home"))  # type: ignore[arg-type]
    sections = {name: kind(**_block(values, name)) for name, kind in _SECTIONS.items()}
    counts = {k: v for k, v in values.items() if _TYPES.get(k) is int}
    moving = {k: v for k, v in values.items() if k in (*_LISTS, "redirects", "jekyll_urls")}
    for key in _LISTS:
        if key in moving and where[key].startswith("--"):
            moving[key] = _content_patterns(key, moving[key], where[key])
    return Settings(**{
        **text, **counts, **moving, "base_url": base_url, "domain": domain, "language": language, "home": home,
        **sections, "where": tuple(sorted(where.items())),
    })


def _block(values: Mapping[str, object], name: str) -> dict[str, object]:
    """The settings of a block such as `home:`, by name; none if not given."""
    block = values.get(name, {})
    assert isinstance(block, dict), "_check let a block of settings through that is not one"
    return block


def _is_inner_path(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    return bool(path) and not path.startswith(("/", "~")) and ".." not in parts and ":" not in path


def _base_url(url: str, where: str) -> str:
    if not url:
        return ""
    if not url.startswith(("http://", "https://")) or len(url.split("/")) < 3 or not url.split("/")[2]:
        raise SettingsError(
            f"{where}: base URL '{url}' must be a full address such as https://user.github.io/repo/"
        )
    if any(mark in url for mark in "?#\"'<> "):
        raise SettingsError(f"{where}: base URL '{url}' must not hold '?', '#', quotes, spaces or angle brackets")
    return url if url.endswith("/") else url + "/"


def _domain(domain: str, where: str) -> str:
    domain = domain.lower()
    if domain and not _HOST_NAME.match(domain):
        raise SettingsError(
            f"{where}: domain '{domain}' must be a bare host name such as scan.example.org "
            "(no https://, no path)"
        )
    return domain
