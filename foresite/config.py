"""Site settings: `site.yml`, validated into one frozen value.

Command-line options override the file; nothing else reads settings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import SettingsError, suggest
from .language import LANGUAGE_CODE

SETTINGS_FILE = "site.yml"


@dataclass(frozen=True)
class HomeSettings:
    latest: int = 10
    """How many of the latest scans the home page lists."""
    top_signals: int = 10
    """How many of the highest-relevancy signals it lists."""
    themes: int = 16
    """How many of the most active themes it lists."""


@dataclass(frozen=True)
class Settings:
    title: str = "foresite"
    description: str = "A horizon scan: signals of change, read from the news."
    base_url: str = ""
    """Absolute URL the site is published at; '' keeps every link relative."""
    language: str = "en"
    """The site's language, and the fallback when an article's cannot be told."""
    author: str = ""
    domain: str = ""
    """A custom domain, written to CNAME for GitHub Pages."""
    per_page: int = 200
    """Entries per listing page."""
    tag_articles_per_page: int = 20
    """Articles per tag page (each with all its rows)."""
    feed_items: int = 30
    home: HomeSettings = HomeSettings()


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
}
_HOME_KEYS = tuple(f.name for f in dataclasses.fields(HomeSettings))


def load_settings(root: Path, overrides: dict[str, object] | None = None) -> Settings:
    """Settings from `root/site.yml` (if any) with `overrides` on top."""
    path = root / SETTINGS_FILE
    values: dict[str, object] = {}
    if path.is_file():
        values = _read_file(path)
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
    return _settings(values, str(path))


def _read_file(path: Path) -> dict[str, object]:
    label = str(path.name)
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
        return {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise SettingsError(f"{label}:1: must be 'key: value' lines")
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    for key, value in data.items():
        _check(str(key), value, f"{label}:{lines.get(str(key), 1)}")
    return {str(k): v for k, v in data.items()}


def _check(key: str, value: object, where: str) -> None:
    expected = _TYPES.get(key)
    if expected is None:
        raise SettingsError(f"{where}: unknown key '{key}'{suggest(key, tuple(_TYPES))}")
    if not isinstance(value, expected) or isinstance(value, bool):
        raise SettingsError(f"{where}: '{key}' must be {_NAMES[expected]}, not {value!r}")
    if expected is int and not 1 <= value <= 100_000:
        raise SettingsError(f"{where}: '{key}' must be between 1 and 100000")
    if key == "home":
        for sub, count in value.items():
            if str(sub) not in _HOME_KEYS:
                raise SettingsError(f"{where}: unknown key 'home.{sub}'{suggest(str(sub), _HOME_KEYS)}")
            if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 1000:
                raise SettingsError(f"{where}: 'home.{sub}' must be a number from 0 to 1000")


_NAMES = {str: "text", int: "a whole number", dict: "a block of 'key: value' lines"}


def _settings(values: dict[str, object], where: str) -> Settings:
    base_url = str(values.get("base_url", "") or "")
    if base_url and not base_url.startswith(("http://", "https://")):
        raise SettingsError(f"{where}: base URL '{base_url}' must start with http:// or https://")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    language = str(values.get("language", "en"))
    if not LANGUAGE_CODE.match(language):
        raise SettingsError(f"{where}: language '{language}' is not a language code such as 'en'")
    home = HomeSettings(**values.get("home", {}))  # type: ignore[arg-type]
    fields = {k: v for k, v in values.items() if k not in ("home", "base_url", "language")}
    return Settings(base_url=base_url, language=language, home=home, **fields)  # type: ignore[arg-type]
