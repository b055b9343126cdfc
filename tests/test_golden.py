"""A small sample project built and compared byte for byte with its
committed output. After an intended change, regenerate it with

    python tests/golden/regenerate.py

and review `git diff tests/golden/expected`."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.golden.regenerate import HERE, build_golden


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_golden_output_is_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # restored after the test
    build_golden(tmp_path / "site")
    built, expected = files_of(tmp_path / "site"), files_of(HERE / "expected")
    assert sorted(built) == sorted(expected), "files differ; run python tests/golden/regenerate.py if intended"
    for name in sorted(expected):
        if built[name] != expected[name]:
            diff = difflib.unified_diff(
                expected[name].decode("utf-8", "replace").splitlines(),
                built[name].decode("utf-8", "replace").splitlines(),
                f"expected/{name}", f"built/{name}", lineterm="", n=2,
            )
            pytest.fail(f"{name} differs (python tests/golden/regenerate.py if intended):\n" + "\n".join(list(diff)[:60]))
