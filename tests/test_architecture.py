"""The package's layering: a module imports only from layers below it, so
there are no cycles and no stage reaches up into a later one."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "foresite"

# Lower layers know nothing of higher ones. A new module must be placed here.
LAYERS: dict[str, int] = {
    "__init__": 0, "errors": 0, "text": 0, "language": 0, "icons": 0, "charts": 0,
    "model": 1, "read": 1, "write": 1, "search": 1, "serve": 1,
    "config": 2, "urls": 2, "parse": 2,
    "index": 3, "momentum": 3,
    "corpus": 4, "trends": 4, "insights": 4, "feeds": 4, "opendata": 4, "rowlists": 4,
    "related": 5,
    "foresight": 6,
    "pages": 7,
    "pages_trends": 8, "cite": 8, "publish": 8, "render": 9,
    "pipeline": 10,
    "incremental": 11, "check": 11, "scaffold": 11,
    "cli": 12,
    "commands": 13,
}

# The preview server is handed a rebuild function; it imports no build stage.
STAGES = {"parse", "index", "pages", "render", "search", "write", "pipeline", "incremental", "read"}


def module_imports(path: Path) -> set[str]:
    """Sibling modules imported at module level (lazy imports inside
    functions, such as the command dispatch, are deliberate and allowed)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_every_module_has_a_layer() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules - LAYERS.keys() == set(), "place the new module in LAYERS"


def test_imports_only_go_down() -> None:
    upward = []
    for path in sorted(PACKAGE.glob("*.py")):
        for imported in module_imports(path):
            if LAYERS.get(imported, 99) >= LAYERS[path.stem]:
                upward.append(f"{path.stem} (layer {LAYERS[path.stem]}) imports {imported} (layer {LAYERS.get(imported)})")
    assert upward == []


def test_the_preview_server_imports_no_stage() -> None:
    assert module_imports(PACKAGE / "serve.py") & STAGES == set()
