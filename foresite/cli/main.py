"""The command line: `foresite [build|serve|new|check|init] …`, the same as
`python -m foresite …` and, in foresite's own repository, `python build.py …`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from foresite import __version__
from foresite.build.pipeline import BuildOptions, BuildReport, build
from foresite.cli.options import add_common_options, check_project, program_name, project_paths
from foresite.core.config import load_settings
from foresite.core.errors import SettingsError, visible
from foresite.output.write import OutputRefused
from foresite.render.theme import TemplateFailure

COMMANDS = ("serve", "new", "check", "init")
"""Commands besides `build`, which is also what no command means."""

_COMMAND_LIST = """commands:
  build   build the site (the default: '{prog}' alone builds too)
  serve   build into .preview/, serve it, rebuild and reload on every save
  new     start an article: content/<id>.md with every section to fill in
  check   report every problem of the content and the templates, writing nothing
  init    make this folder a foresite project: site.yml and a GitHub Pages workflow

'{prog} COMMAND --help' tells more of each."""


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    prog = prog or program_name()
    usage = None if prog.endswith(" build") else f"%(prog)s [{'|'.join(('build', *COMMANDS))}] [options]"
    parser = argparse.ArgumentParser(
        prog=prog,
        usage=usage,
        description="Build the horizon-scan site from the project folder's content/ into site/.",
        epilog=_COMMAND_LIST.format(prog=prog.removesuffix(" build")),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"foresite {__version__}")
    add_common_options(parser)
    parser.add_argument("--strict", action="store_true", help="fail on any warning; write nothing then")
    parser.add_argument("--no-search", action="store_true", help="skip the search index (faster)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes to render with (default: every core)")
    parser.add_argument("--report-json", metavar="FILE", help="also write the build's figures (stages, pages, problems) as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    prog = program_name()
    if args and args[0] in COMMANDS:
        command = args.pop(0)
        from foresite.cli import commands  # the other commands load only when asked for

        return commands.run(command, args, f"{prog} {command}")
    if args and args[0] == "build":
        args.pop(0)
        prog = f"{prog} build"
    options = build_parser(prog).parse_args(args)
    try:
        root = Path(options.root)
        settings = load_settings(root, {"base_url": options.base_url})
        project = project_paths(root, options.content, options.output, settings)
        check_project(project)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        report = build(BuildOptions(project, settings, strict=options.strict, search=not options.no_search, workers=options.workers))
    except TemplateFailure as failure:
        report_template_failure(failure)
        return 2
    except OutputRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # A full disk, a read-only folder: the build has removed its own
        # half-written folder, and the site already published is untouched.
        print(visible(f"error: {stopped_by(exc)}; nothing was published, the previous site in {project.output} is kept"), file=sys.stderr)
        return 1
    print_report(report, options.quiet)
    if options.report_json:
        Path(options.report_json).write_text(json.dumps(report_figures(report), indent=1), encoding="utf-8")
    return report.exit_code


def report_template_failure(failure: TemplateFailure) -> None:
    for problem in failure.problems:
        print(problem, file=sys.stderr)
    print("the build stopped on the template problems above; the site was not written", file=sys.stderr)


def stopped_by(exc: OSError) -> str:
    """What stopped the build, as a person would say it."""
    where = f" ({exc.filename})" if exc.filename else ""
    return f"the build could not write its files: {exc.strerror or exc}{where}"


def print_report(report: BuildReport, quiet: bool) -> None:
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.errors:
        left_out = sorted({p.path for p in report.errors})
        print(visible(f"{len(left_out)} file(s) had errors and were left out: {', '.join(left_out)}"), file=sys.stderr)
    print(summary_line(report))
    if not quiet:
        stages = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in report.stages)
        print(f"  stages: {stages}")


def summary_line(report: BuildReport) -> str:
    pages = ", ".join(f"{n} {kind}" for kind, n in sorted(report.pages.items()))
    search = ""
    if report.search:
        shards = f" in {report.search.shards} shards" if report.search.shards > 1 else ""
        search = f"; search: {report.search.pages} pages indexed{shards}, {report.search.bytes / 1e6:.1f} MB"
    outcome = "built" if report.written else "nothing written (--strict)"
    drafts = f" ({report.drafts} drafts left out)" if report.drafts else ""
    return (
        f"{outcome}: {report.articles} articles{drafts}; pages: {sum(report.pages.values())} ({pages or 'none'})"
        f"{search}; {len(report.warnings)} warnings, {len(report.errors)} errors; {report.seconds:.1f} s"
    )


def report_figures(report: BuildReport) -> dict[str, object]:
    """The build's figures as plain data, for benchmarks and CI dashboards."""
    return {
        "articles": report.articles,
        "drafts": report.drafts,
        "pages": dict(sorted(report.pages.items())),
        "stages": dict(report.stages),
        "seconds": report.seconds,
        "warnings": len(report.warnings),
        "errors": len(report.errors),
        "search_pages": report.search.pages if report.search else None,
        "search_bytes": report.search.bytes if report.search else None,
        "search_shards": report.search.shards if report.search else None,
        "written": report.written,
    }
