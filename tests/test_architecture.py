"""The package's layering: subpackages in pipeline order, each importing only
from the ones below it, with no cycle anywhere (lazy imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "foresite"

# Lower subpackages know nothing of higher ones; docs/architecture.md explains
# each. A new subpackage must be placed here.
ORDER = ["core", "source", "index", "foresight", "search", "output", "pages", "render", "build", "preview", "cli"]
RANK = {name: rank for rank, name in enumerate(ORDER)}

# Modules of the package root: the version and `python -m foresite`.
ROOT_MODULES = {"foresite", "foresite.__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Every foresite module this file imports, at module level or inside a
    function: a lazy import still makes a cycle a reader must untangle."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("foresite"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("foresite"))
    return found


def subpackage(module: str) -> str:
    return module.split(".")[1]


def import_graph() -> dict[str, set[str]]:
    modules = package_modules()
    known = set(modules)
    return {name: imported_modules(path, known) - {name} for name, path in modules.items()}


def test_every_module_lives_in_a_known_subpackage() -> None:
    misplaced = [name for name in package_modules() if name not in ROOT_MODULES and subpackage(name) not in RANK]
    assert misplaced == [], "place each module in a subpackage of ORDER"


def test_every_subpackage_says_what_it_owns_and_may_import() -> None:
    for name in ORDER:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "May import:" in doc, f"foresite/{name}/__init__.py: say what it owns and what it may import"


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    upward = []
    for module, imported in sorted(graph.items()):
        if module in ROOT_MODULES:
            continue
        for target in sorted(imported):
            if target not in ROOT_MODULES and RANK[subpackage(target)] > RANK[subpackage(module)]:
                upward.append(f"{module} imports {target}")
    return upward


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, found by depth-first search."""
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                found.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_imports_only_go_down() -> None:
    assert upward_imports(import_graph()) == []


def test_there_is_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_checks_catch_an_upward_import_and_a_cycle() -> None:
    graph = {"foresite.core.model": {"foresite.render.renderer"}, "foresite.render.renderer": {"foresite.core.model"}}
    assert upward_imports(graph) == ["foresite.core.model imports foresite.render.renderer"]
    assert cycles(graph) == [["foresite.core.model", "foresite.render.renderer", "foresite.core.model"]]


def test_the_preview_server_imports_no_stage() -> None:
    """The server is handed a rebuild function; it knows only the vocabulary."""
    graph = import_graph()
    imported = graph["foresite.preview.serve"] - {"foresite.preview.watcher"}
    assert {subpackage(name) for name in imported} <= {"core"}
    # The watcher starts as a process of its own: small, importing nothing of foresite's.
    assert not graph["foresite.preview.watcher"]
