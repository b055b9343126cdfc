"""site.yml: every key, defaults, command-line overrides, and the exact
`site.yml:line: message` of each mistake."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from foresite.cli.main import main
from foresite.core.config import HomeSettings, Settings, load_settings
from foresite.core.errors import SettingsError
from tests.conftest import ROOT


def settings_from(tmp_path: Path, text: str, **overrides: object) -> Settings:
    (tmp_path / "site.yml").write_text(text, encoding="utf-8")
    return load_settings(tmp_path, overrides)


def error_from(tmp_path: Path, text: str, **overrides: object) -> str:
    with pytest.raises(SettingsError) as caught:
        settings_from(tmp_path, text, **overrides)
    return str(caught.value).replace(str(tmp_path) + "/", "")


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == Settings()


def test_every_key_is_read(tmp_path: Path) -> None:
    text = (
        "title: Scan\ndescription: What changes\nbase_url: https://me.github.io/scan\nlanguage: fr\n"
        "author: Kasia\ndomain: ''\nper_page: 50\ntag_articles_per_page: 5\nfeed_items: 12\n"
        "home:\n  latest: 3\n  top_signals: 0\n  themes: 7\n"
    )
    assert settings_from(tmp_path, text) == Settings(
        title="Scan", description="What changes", base_url="https://me.github.io/scan/", language="fr",
        author="Kasia", domain="", per_page=50, tag_articles_per_page=5, feed_items=12,
        home=HomeSettings(latest=3, top_signals=0, themes=7),
    )


def test_a_key_left_empty_keeps_its_default(tmp_path: Path) -> None:
    assert settings_from(tmp_path, "title:\nauthor:\nper_page:\nhome:\n") == Settings()


def test_home_keys_left_out_keep_their_defaults(tmp_path: Path) -> None:
    assert settings_from(tmp_path, "home:\n  latest: 4\n").home == HomeSettings(latest=4)


def test_the_command_line_overrides_the_file(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, "base_url: https://a.example/x/\n", base_url="https://b.example/y")
    assert settings.base_url == "https://b.example/y/"
    assert settings_from(tmp_path, "base_url: https://a.example/x/\n", base_url=None).base_url == "https://a.example/x/"


def test_a_custom_domain_is_the_base_url_unless_one_is_given(tmp_path: Path) -> None:
    assert settings_from(tmp_path, "domain: Scan.Example.org\n").base_url == "https://scan.example.org/"
    assert settings_from(tmp_path, "domain: scan.example.org\n").domain == "scan.example.org"
    given = settings_from(tmp_path, "domain: scan.example.org\nbase_url: http://localhost:8000/\n")
    assert given.base_url == "http://localhost:8000/"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: Scan\ntitel: Typo\n", "site.yml:2: unknown key 'titel'; did you mean 'title'?"),
        ("colour: red\n", "site.yml:1: unknown key 'colour'"),
        ("per_page: many\n", "site.yml:1: 'per_page' must be a whole number, not 'many'"),
        ("per_page: 2.5\n", "site.yml:1: 'per_page' must be a whole number, not 2.5"),
        ("feed_items: yes\n", "site.yml:1: 'feed_items' must be a whole number, not True"),
        ("per_page: 0\n", "site.yml:1: 'per_page' must be between 1 and 100000, not 0"),
        ("\n\ntag_articles_per_page: 1000000\n", "site.yml:3: 'tag_articles_per_page' must be between 1 and 100000, not 1000000"),
        ("title: 2024\n", "site.yml:1: 'title' must be text, not 2024; put it in quotes: title: \"2024\""),
        ("author: [a, b]\n", "site.yml:1: 'author' must be text, not ['a', 'b']"),
        ("title: '  '\n", "site.yml:1: 'title' is empty; the site needs a title"),
        ("home: 5\n", "site.yml:1: 'home' must be a block of 'key: value' lines, not 5"),
        ("home:\n  latest: 3\n  lates: 4\n", "site.yml:3: unknown key 'home.lates'; did you mean 'home.latest'?"),
        ("home:\n  themes: -1\n", "site.yml:2: 'home.themes' must be a whole number from 0 to 1000, not -1"),
        ("home:\n  themes: lots\n", "site.yml:2: 'home.themes' must be a whole number from 0 to 1000, not 'lots'"),
        ("title: A\nper_page: 3\ntitle: B\n", "site.yml:3: 'title' is set twice (first at site.yml:1); keep one"),
        ("\nbase_url: ftp://example.org/\n", "site.yml:2: base URL 'ftp://example.org/' must be a full address such as https://user.github.io/repo/"),
        ("base_url: example.org/scan\n", "site.yml:1: base URL 'example.org/scan' must be a full address such as https://user.github.io/repo/"),
        ("base_url: https://\n", "site.yml:1: base URL 'https://' must be a full address such as https://user.github.io/repo/"),
        ("base_url: 'https://e.org/\"><x'\n", "site.yml:1: base URL 'https://e.org/\"><x' must not hold '?', '#', quotes, spaces or angle brackets"),
        ("domain: https://scan.example.org\n", "site.yml:1: domain 'https://scan.example.org' must be a bare host name such as scan.example.org (no https://, no path)"),
        ("domain: scan.example.org/x\n", "site.yml:1: domain 'scan.example.org/x' must be a bare host name such as scan.example.org (no https://, no path)"),
        ("\n\n\nlanguage: english!\n", "site.yml:4: language 'english!' is not a language code such as 'en' or 'fr'"),
        ("title: [unclosed\n", "site.yml:2: not valid YAML: expected ',' or ']', but got '<stream end>'"),
        ("- a\n- b\n", "site.yml:1: must be 'key: value' lines"),
    ],
)
def test_mistakes_name_the_line_and_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    assert error_from(tmp_path, text) == message


def test_a_bad_option_names_the_option(tmp_path: Path) -> None:
    assert error_from(tmp_path, "", base_url="site.example") == (
        "--base-url: base URL 'site.example' must be a full address such as https://user.github.io/repo/"
    )


def test_a_bad_file_stops_the_build_with_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "site.yml").write_text("per_pgae: 10\n", encoding="utf-8")
    code = main(["--root", str(tmp_path), "--content", str(ROOT / "content"), "--output", str(tmp_path / "site")])
    assert code == 2
    assert "site.yml:1: unknown key 'per_pgae'; did you mean 'per_page'?" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_the_projects_site_yml_loads_and_shows_every_key() -> None:
    load_settings(ROOT)
    written = yaml.safe_load((ROOT / "site.yml").read_text(encoding="utf-8"))
    # 'where' records where keys were set: no key of its own.
    assert set(written) == {f.name for f in dataclasses.fields(Settings)} - {"where"}
    for section in dataclasses.fields(Settings):
        if dataclasses.is_dataclass(section.default):
            assert set(written[section.name]) == {f.name for f in dataclasses.fields(section.default)}, section.name
