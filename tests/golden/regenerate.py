"""Rebuild tests/golden/expected/ from tests/golden/content/.

Run after an intended change to templates or pages, then review the diff:

    python tests/golden/regenerate.py && git diff --stat tests/golden/expected
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EPOCH = "1767225600"  # 2026-01-01: the golden build's "today", for date checks


def build_golden(output: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from foresite.build.pipeline import BuildOptions, Project, build
    from foresite.core.config import load_settings

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    project = Project(content=HERE / "content", templates=ROOT / "templates", static=HERE / "static", output=output)
    report = build(BuildOptions(project, load_settings(HERE), search=False, workers=1))
    assert report.written, report.problems


if __name__ == "__main__":
    expected = HERE / "expected"
    shutil.rmtree(expected, ignore_errors=True)
    build_golden(expected)
    print(f"regenerated {sum(1 for p in expected.rglob('*') if p.is_file())} files in {expected}")
