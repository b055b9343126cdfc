"""SECURITY.md names, for each defence, the tests that prove it: every test
file it names exists, and every defence names at least one."""

from __future__ import annotations

import re

from .conftest import ROOT

SECURITY = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def defences() -> list[str]:
    section = SECURITY.split("## What foresite defends against", 1)[1].split("\nOut of scope:", 1)[0]
    return re.findall(r"^- \*\*.*?(?=^- \*\*|\Z)", section, re.MULTILINE | re.DOTALL)


def test_every_test_file_security_md_names_exists() -> None:
    named = set(re.findall(r"`(test_[a-z_]+\.py)`", SECURITY))
    assert named, "SECURITY.md names no test file"
    assert sorted(name for name in named if not (ROOT / "tests" / name).is_file()) == []


def test_every_defence_names_the_tests_that_prove_it() -> None:
    listed = defences()
    assert len(listed) >= 12
    assert [d.splitlines()[0] for d in listed if "*Tests:*" not in d] == []
