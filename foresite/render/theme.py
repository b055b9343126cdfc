"""The theme: the templates and static files a site is rendered with.

foresite ships a default theme: this repository's `templates/` and `static/`,
inside the wheel as `foresite/theme/`. A project's own `templates/` and
`static/` override the shipped files of the same name, one file at a time;
everything else comes from the package. A project template can extend the
shipped one it replaces through the `theme/` prefix:
`{% extends "theme/base.html" %}`.

A template that does not fit (a variable or attribute the context lacks, a
syntax error, a block its parent lacks) is a `TemplateFailure`: located in
the template's file, with a hint, and no traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2 import nodes

from foresite.core.errors import Problem, error
from foresite.source.read import display_path

THEME_PREFIX = "theme"
"""`theme/<name>` always names the shipped template, even where the project overrides it."""

_PACKAGE = Path(__file__).resolve().parent.parent
_MODULE_PATH = re.compile(r"'(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w* object)'")


@dataclass(frozen=True)
class Theme:
    """Where templates and static files are looked up, in order: the
    project's folder first (where it has one), the shipped folder last."""

    templates: tuple[Path, ...]
    static: tuple[Path, ...]

    @property
    def shipped_templates(self) -> Path:
        return self.templates[-1]

    @property
    def project_templates(self) -> tuple[Path, ...]:
        return self.templates[:-1]


def shipped_theme() -> Theme:
    """The default theme: inside the installed package, or, in a source
    checkout (an editable install, `python build.py`), the repository's own
    templates/ and static/, which the wheel ships."""
    installed = _PACKAGE / "theme"
    folder = installed if (installed / "templates").is_dir() else _PACKAGE.parent
    return Theme((folder / "templates",), (folder / "static",))


def project_theme(templates: Path, static: Path) -> Theme:
    """The shipped theme under a project's own `templates` and `static`."""
    shipped = shipped_theme()
    return Theme(_over(templates, shipped.templates), _over(static, shipped.static))


def _over(folder: Path, shipped: tuple[Path, ...]) -> tuple[Path, ...]:
    if not folder.is_dir() or folder.resolve() in {f.resolve() for f in shipped}:
        return shipped
    return (folder.absolute(), *shipped)


def static_files(theme: Theme) -> dict[str, Path]:
    """Each static file's name under static/ and the file it comes from: the
    project's where it has one of that name, the shipped one otherwise."""
    found: dict[str, Path] = {}
    for folder in reversed(theme.static):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            found[path.relative_to(folder).as_posix()] = path
    return dict(sorted(found.items()))


def template_loader(theme: Theme) -> jinja2.BaseLoader:
    return jinja2.ChoiceLoader([
        jinja2.PrefixLoader({THEME_PREFIX: jinja2.FileSystemLoader(str(theme.shipped_templates))}),
        jinja2.FileSystemLoader([str(folder) for folder in theme.templates]),
    ])


# ------------------------------------------------------------ failures


class TemplateFailure(Exception):
    """Templates that do not fit: the build stops, writing nothing (exit 2).
    Only the problems are kept, so that they cross from a worker process."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__(*problems)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def template_problem(exc: Exception, theme: Theme) -> Problem | None:
    """`exc`, raised while a template was loaded or rendered, located in the
    innermost template file it passed through; None if it passed through none."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return _located(theme, Path(exc.filename), exc.lineno, f"syntax error: {exc.message}")
    frames = _template_frames(exc.__traceback__, theme)
    if not frames:
        return None
    path, line = frames[-1]
    return _located(theme, path, line, _what_is_wrong(exc))


def _what_is_wrong(exc: Exception) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"no template '{exc.name}' in the project's templates/ or the shipped theme"
    text = _MODULE_PATH.sub(r"'\1'", str(exc))
    if isinstance(exc, jinja2.UndefinedError):
        return f"unknown variable or attribute: {text}"
    return text


def _template_frames(tb: TracebackType | None, theme: Theme) -> list[tuple[Path, int]]:
    """(file, line) of each frame of template code, outermost first (Jinja
    rewrites its tracebacks so that these frames name template lines)."""
    folders = [str(folder) for folder in theme.templates]
    found = []
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if any(filename.startswith(folder) for folder in folders):
            found.append((Path(filename), tb.tb_lineno))
        tb = tb.tb_next
    return found


def _located(theme: Theme, path: Path, line: int, what: str) -> Problem:
    return error(display_path(path), line, f"{what}; {_hint(theme, path)}")


def _hint(theme: Theme, path: Path) -> str:
    name = _template_name(theme, path)
    upgrade = "see docs/theme.md and the CHANGELOG, and run 'foresite check' after each upgrade"
    if not _is_in(path, theme.shipped_templates):
        if (theme.shipped_templates / name).is_file():
            return f"it overrides the shipped theme's {name}, whose context may have changed since it was copied: {upgrade}"
        return f"it is the project's own template: {upgrade}"
    overridden = [f"templates/{n}" for n in project_template_names(theme)]
    if overridden:
        return (f"in the shipped theme's {name}, which may not fit the project's overrides "
                f"({', '.join(overridden)}): {upgrade}")
    return f"in the shipped theme's {name}: please report it"


def _template_name(theme: Theme, path: Path) -> str:
    for folder in theme.templates:
        if _is_in(path, folder):
            return path.relative_to(folder).as_posix()
    return path.name


def _is_in(path: Path, folder: Path) -> bool:
    return path.is_relative_to(folder)


def project_template_names(theme: Theme) -> list[str]:
    return sorted({name for folder in theme.project_templates for name in _names_in(folder)})


def _names_in(folder: Path) -> Iterable[str]:
    return (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


# ------------------------------------------------------------ static checks


def check_template_files(env: jinja2.Environment, theme: Theme) -> list[Problem]:
    """Every template loaded (a syntax error found wherever it is), and every
    block a template fills present in the template it extends: a block its
    parent lacks would silently not show."""
    problems = []
    names = sorted({name for folder in theme.templates for name in _names_in(folder) if name.endswith(".html")})
    for name in names:
        try:
            template = env.get_template(name)
        except jinja2.TemplateError as exc:
            problem = template_problem(exc, theme)
            if problem is None:
                raise
            problems.append(problem)
            continue
        problems.extend(_missing_blocks(env, theme, name, template.filename))
    return problems


def _missing_blocks(env: jinja2.Environment, theme: Theme, name: str, filename: str | None) -> list[Problem]:
    if filename is None:
        return []
    tree = env.parse(Path(filename).read_text(encoding="utf-8"), name, filename)
    extends = tree.find(nodes.Extends)
    if extends is None or not isinstance(extends.template, nodes.Const):
        return []
    parent = str(extends.template.value)
    available = _blocks_of(env, parent, seen={name})
    if available is None:
        return []
    return [
        _located(theme, Path(filename), block.lineno,
                 f"block '{block.name}' is not in {parent}, which this template extends: its content would not show")
        for block in _outer_blocks(tree)
        if block.name not in available
    ]


def _outer_blocks(node: nodes.Node) -> list[nodes.Block]:
    """The blocks of a template that are not inside another block: those a
    child template gives its parent (a block inside them shows with them)."""
    found = []
    for child in node.iter_child_nodes():
        found.extend([child] if isinstance(child, nodes.Block) else _outer_blocks(child))
    return found


def _blocks_of(env: jinja2.Environment, name: str, seen: set[str]) -> set[str] | None:
    """Every block `name` and the templates it extends define; None when one
    cannot be read (its own check reports that)."""
    if name in seen:
        return None
    try:
        source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        tree = env.parse(source, name, filename)
    except jinja2.TemplateError:
        return None
    blocks = {block.name for block in tree.find_all(nodes.Block)}
    extends = tree.find(nodes.Extends)
    if extends is not None and isinstance(extends.template, nodes.Const):
        above = _blocks_of(env, str(extends.template.value), seen | {name})
        if above is None:
            return None
        blocks |= above
    return blocks
