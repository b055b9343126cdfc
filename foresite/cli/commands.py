"""The editors' commands: `serve` (live preview), `new` (start an article),
`check` (validate content and templates without building) and `init` (make a
folder a foresite project)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

from foresite.build.pipeline import Project
from foresite.build.stages import build_today
from foresite.cli.check import check_content
from foresite.cli.init import InitError, init_project
from foresite.cli.options import add_common_options, check_project, program_name, project_paths
from foresite.cli.scaffold import ScaffoldError, create_article, describe
from foresite.core.config import SETTINGS_FILE, Settings, load_settings
from foresite.core.errors import SettingsError
from foresite.output.write import OutputRefused, claimed_output, mark, remove_links
from foresite.preview.rebuild import SAVED_SEARCH_WAIT, IncrementalBuilder, PreviewSearch, RebuildReport
from foresite.preview.serve import BackgroundJob, PreviewServer, ServeError, is_loopback
from foresite.render.theme import TemplateFailure
from foresite.source.read import display_path

PREVIEW_FOLDER = ".preview"
"""Where `serve` writes, beside site/: a full build may run at the same time."""


def run(command: str, args: Sequence[str], prog: str | None = None) -> int:
    """Run `command` with its arguments; `prog` is how it was called, for its help."""
    handlers: dict[str, Callable[[Sequence[str], str], int]] = {"serve": serve, "new": new, "check": check, "init": init}
    return handlers[command](args, prog or f"{program_name()} {command}")


def _say(text: str) -> None:
    print(text, flush=True)


def _complain(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- serve


def serve_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Build the site into .preview/, serve it, and rebuild and reload the browser "
        "whenever a file in content/, templates/, static/ or site.yml is saved.",
    )
    add_common_options(parser, output_default=f"{PREVIEW_FOLDER}/")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument("--no-search", action="store_true", help="do not keep the search index current")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes to render many pages with")
    return parser


def serve(args: Sequence[str], prog: str) -> int:
    options = serve_parser(prog).parse_args(args)
    root = Path(options.root)
    claim = ExitStack()  # the preview folder, this process's until it stops
    try:
        settings = load_settings(root)
        project = project_paths(root, options.content, options.output or str(root / PREVIEW_FOLDER), settings)
        check_project(project)
        claim.enter_context(claimed_output(project.output, project.content))
        # The preview writes in place: through no link, and never reading one.
        for link in remove_links(project.output):
            _complain(f"warning: {project.output / link}: a symbolic link in the preview folder; removed")
        mark(project.output)
        builder = preview_builder(project, root, options.base_url, options.workers)
        preview = Preview(builder, None if options.no_search else PreviewSearch(project.output, say=_say, workers=options.workers), options.quiet)
        # Listening before the first build: a taken port is said at once.
        server = PreviewServer(
            project.output, preview.on_save, watched_paths(project, root), host=options.host, port=options.port, say=_say
        )
    except (SettingsError, ServeError, OutputRefused) as exc:
        claim.close()
        _complain(f"error: {exc}")
        return 2
    if not is_loopback(options.host):
        _complain(f"warning: listening on {options.host}: anyone who can reach this machine can read the preview")
    preview.start(server)
    _say(f"serving {project.output} at {server.url} — saving a file rebuilds and reloads the page; Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        _say("stopped")
    finally:
        preview.close()
        claim.close()
    return 0


def preview_builder(project: Project, root: Path, base_url: str | None, workers: int) -> IncrementalBuilder:
    def settings() -> Settings:
        return load_settings(root, {"base_url": base_url})

    settings()  # a bad settings file stops `serve` before it listens
    return IncrementalBuilder(project, root / SETTINGS_FILE, settings, workers=workers)


def watched_paths(project: Project, root: Path) -> tuple[Path, ...]:
    return (project.content, project.templates, project.static, root / SETTINGS_FILE)


class Preview:
    """What `serve` does on a save: the saved articles' pages at once (the
    server reloads the browser), then every page and the search index in
    the background (pages whose file changed again reload again)."""

    def __init__(self, builder: IncrementalBuilder, search: PreviewSearch | None, quiet: bool) -> None:
        self.builder = builder
        self.search = search
        self.quiet = quiet
        self.server: PreviewServer | None = None
        self.whole = BackgroundJob("the rebuild", self.rebuild_whole, say=_complain)
        builder.shown_aside = self.shown_aside
        builder.own_pages_shown = self._reload

    def start(self, server: PreviewServer) -> None:
        """The first build, before the server answers; a broken template
        does not stop the preview either: the next save tries again."""
        self.server = server
        self.whole.request()
        self.whole.wait()

    def on_save(self, changed: frozenset[Path]) -> bool:
        """Called by the server's watcher with the files that changed;
        whether to reload the browsers now."""
        report = self.builder.show_saved(changed)
        if report is not None:
            self._shown(report)
            if report.reparsed or report.saves:
                self.whole.request()
            return report.changed
        # Templates, static files or settings: every page changes; open ones first.
        shown = self.builder.show_setup(self.server.recent_pages() if self.server else ())
        saved = _listed(sorted(display_path(path) for path in changed))
        if shown is not None and shown.written:
            _say(f"{saved} saved: {_files(shown.written)} open in a browser rewritten in {shown.seconds:.2f} s; "
                 "every other page follows in the background")
        else:
            _say(f"{saved} saved: every page is rendered again in the background; the last good site is served meanwhile")
        self.whole.request()
        return shown is not None and shown.changed

    def _shown(self, report: RebuildReport) -> None:
        """A save's own pages are written: say so, and index them first."""
        report_rebuild(report, self.quiet)
        if self.search is not None:
            self.search.request_saved(report)

    def _reload(self) -> None:
        if self.server is not None:
            self.server.reload_browsers()

    def shown_aside(self, report: RebuildReport) -> None:
        """A save the whole rebuild found before the watcher did, shown at once."""
        self._shown(report)
        if report.changed and self.server is not None:
            self.server.reload_browsers()

    def rebuild_whole(self) -> None:
        if self.search is not None:
            self.search.wait_saved(SAVED_SEARCH_WAIT)
        try:
            report = self.builder.rebuild()
        except (SettingsError, TemplateFailure) as exc:
            _complain(str(exc) if isinstance(exc, TemplateFailure) else f"error: {exc}")
            _complain("still serving the last good site")
            return
        report_rebuild(report, self.quiet)
        if report.changed and self.server is not None:
            self.server.reload_browsers()
        if self.search is not None and (report.changed or report.indexed_changed):
            self.search.request(report)

    def close(self) -> None:
        # Briefly: files are replaced whole, so stopping mid-rebuild leaves none torn.
        self.whole.close(timeout=2)
        if self.search is not None:
            self.search.close(timeout=2)


def report_rebuild(report: RebuildReport, quiet: bool) -> None:
    for problem in report.problems:
        _complain(str(problem))
    for path in report.kept:
        _complain(f"{path}: the preview keeps showing its last good version until the problems above are fixed")
    if not report.reparsed and not report.changed:
        return
    if report.whole:
        _say(
            f"site up to date in {report.seconds:.1f} s: {report.articles} articles, {report.rendered} pages "
            f"rendered, {_files(report.written)} written, {report.removed} removed"
        )
    elif report.saves and not quiet:
        saves = _listed([f"{path} {verb}" for path, verb in report.saves])
        removed = f", {report.removed} removed" if report.removed else ""
        _say(f"{saves}: {_files(report.written)} rewritten{removed} in {report.seconds:.2f} s; the rest follows")


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _listed(items: Sequence[str], most: int = 3) -> str:
    """The first few of `items`, and how many more."""
    shown = ", ".join(items[:most])
    return f"{shown} and {len(items) - most} more" if len(items) > most else shown


# ---------------------------------------------------------------- new


def new_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Start an article: content/<id>.md with every section of the newer layout ready "
        "to fill in and today's date as its origin. Never overwrites a file; prints the new file's path.",
    )
    parser.add_argument("title", help="the article's title; its slug becomes the id and file name")
    parser.add_argument("--url", help="the address of the article scanned (its External link)")
    parser.add_argument("--lang", metavar="CODE", help="the article's language, e.g. fr (default: guessed from its text)")
    parser.add_argument("--content", metavar="DIR", help="folder of articles (default: content/, or site.yml's 'content')")
    parser.add_argument("--root", metavar="DIR", default=".", help="project folder (default: .)")
    return parser


def new(args: Sequence[str], prog: str) -> int:
    options = new_parser(prog).parse_args(args)
    root = Path(options.root)
    today = build_today()
    try:
        content = Path(options.content) if options.content else root / load_settings(root).content
        article = create_article(content, options.title, today, options.url, options.lang)
    except (ScaffoldError, SettingsError, OSError) as exc:
        _complain(f"error: {exc}")
        return 2
    _complain(describe(article, today))
    _say(str(article.path))
    return 0


# ---------------------------------------------------------------- check


def check_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Report every problem of the content and of the project's templates (each rendered "
        "for a page of the content), one 'path:line: level: message' per line, without writing a site. "
        "Exit code 1 when there is an error, 0 otherwise (warnings allowed).",
    )
    parser.add_argument("--content", metavar="DIR", help="folder of articles (default: content/, or site.yml's 'content')")
    parser.add_argument("--root", metavar="DIR", default=".", help="project folder holding site.yml, templates/ and static/ (default: .)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems, and the summary when there are some")
    return parser


def check(args: Sequence[str], prog: str) -> int:
    options = check_parser(prog).parse_args(args)
    root = Path(options.root)
    try:
        settings = load_settings(root)
        project = project_paths(root, options.content, None, settings)
        check_project(project)
    except SettingsError as exc:
        _complain(f"error: {exc}")
        return 2
    report = check_content(project.content, settings, build_today(), project.theme)
    for problem in report.problems:
        _say(str(problem))
    if not options.quiet or report.problems:
        _say(report.summary())
    return report.exit_code


# ---------------------------------------------------------------- init


def init_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Make an existing folder (a repository of articles) a foresite project: write a commented "
        "site.yml and .github/workflows/pages.yml, which builds the site on GitHub and publishes it on GitHub "
        "Pages. Never overwrites a file: exit code 1 when one existed and was left as it was.",
    )
    parser.add_argument("--content", metavar="DIR", default="content", help="the folder of articles, inside the project (default: content)")
    parser.add_argument("--root", metavar="DIR", default=".", help="project folder: the repository's top folder (default: .)")
    return parser


def init(args: Sequence[str], prog: str) -> int:
    options = init_parser(prog).parse_args(args)
    try:
        report = init_project(Path(options.root), options.content)
    except (InitError, OSError) as exc:
        _complain(f"error: {exc}")
        return 2
    for line in report.lines():
        _say(line)
    return report.exit_code
