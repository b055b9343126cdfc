"""Benchmark foresite beside Hugo + Pagefind on generated corpora.

    python bench/run.py                 # N = 300, 3000 and 10000
    python bench/run.py 3000 --no-hugo  # one size, foresite only
    python bench/run.py 3000 --markdown # also print the README table
    python bench/run.py --repeat 2      # build each size twice more, for growth
    python bench/run.py 3000 --no-hugo --jekyll-urls  # also the cost of jekyll_urls: true

For each N it generates a corpus of the real scan's shape (bench/make_corpus.py),
builds it with `python build.py --base-url …`, for the address the Hugo peer
is configured with, as a publisher builds it (so the site measured carries
its canonical links, sitemap and absolute URLs), in a measured subprocess (wall time, peak RSS
of the whole process tree, stage seconds, pages, site size with and without
the search index), times a one-article edit in the preview's incremental path,
then builds the same corpus with Hugo and indexes Hugo's output with the
Pagefind command line (bench/hugo_peer.py), and prints both sides and the
ratios foresite / (Hugo + Pagefind).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from hugo_peer import BASE_URL, run_hugo_peer
from make_corpus import make_corpus
from measure import AFTER_DELETING_SECONDS, dir_size, run_measured

OUT = HERE / "out"
HUGO_MEMORY_LIMIT_N = 3000
"""Above this N, Hugo + Pagefind need more memory than a 24 GB machine has
(measured: ~10 GB at 3,000); run them only with --hugo-all."""


OUTPUTS = ("site-*", ".site-*", "hugo-*", "edit-*", "root-*")
"""What a run writes besides corpora: all of it is deleted when the run ends
(and before, if an interrupted run left some, with the half-written folder of
a build it stopped), never between measured steps."""


def clear_outputs(wait: bool) -> None:
    """Delete the outputs of earlier runs; then, if asked and anything went,
    wait out ext4's reluctance to reuse freed inodes (see measure.py)."""
    gone = [path for pattern in OUTPUTS for path in OUT.glob(pattern)]
    for path in gone:
        shutil.rmtree(path, ignore_errors=True)
    if gone and wait:
        print(f"deleted {len(gone)} earlier outputs; waiting {AFTER_DELETING_SECONDS:.0f} s for the disk", flush=True)
        os.sync()
        time.sleep(AFTER_DELETING_SECONDS)


def corpus_for(n: int) -> Path:
    folder = OUT / f"corpus-{n}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        make_corpus(n, folder)
        (folder / ".complete").write_text("", encoding="utf-8")
    return folder


def measure_foresite(corpus: Path, n: int, run_number: int = 1, root: Path = ROOT, label: str = "") -> dict[str, object]:
    # Each run writes a folder of its own: replacing a site would delete
    # the one before, and slow every later step (AFTER_DELETING_SECONDS).
    suffix = (f"-{run_number}" if run_number > 1 else "") + label
    output = OUT / f"site-{n}{suffix}"
    report = OUT / f"report-{n}{suffix}.json"
    run = run_measured(
        [sys.executable, "build.py", "--root", str(root), "--content", str(corpus), "--output", str(output),
         "--base-url", BASE_URL, "-q", "--report-json", str(report)],
        cwd=ROOT,
    )
    if run.returncode not in (0, 1):
        raise RuntimeError(f"foresite build failed ({run.returncode}):\n{run.stderr[-3000:]}")
    figures = json.loads(report.read_text(encoding="utf-8"))
    total_bytes, total_files = dir_size(output)
    search_bytes, _ = dir_size(output / "pagefind")
    pages = sum(figures["pages"].values())
    return {
        "seconds": run.seconds,
        "cpu_seconds": run.cpu_seconds,
        "peak_rss_bytes": run.peak_rss_bytes,
        "stages": figures["stages"],
        "pages": figures["pages"],
        "page_count": pages,
        "search_pages": figures["search_pages"],
        "site_bytes": total_bytes,
        "site_files": total_files,
        "search_bytes": search_bytes,
        "html_bytes": total_bytes - search_bytes,
        "bytes_per_page": total_bytes / max(pages, 1),
        "pages_per_second": pages / run.seconds,
        "edit": measure_edit(corpus, n) if run_number == 1 and not label else None,
    }


def jekyll_root() -> Path:
    """A project folder like this one whose site.yml adds `jekyll_urls: true`:
    each article then also answers at its old address, by a redirect page."""
    root = OUT / "root-jekyll"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    for folder in ("templates", "static"):
        (root / folder).symlink_to(ROOT / folder, target_is_directory=True)
    settings = (ROOT / "site.yml").read_text(encoding="utf-8").replace("jekyll_urls: false", "jekyll_urls: true")
    (root / "site.yml").write_text(settings, encoding="utf-8")
    return root


def print_jekyll_cost(n: int, ours: dict, jekyll: dict) -> None:
    redirects = jekyll["pages"].get("redirect", 0)
    extra_bytes = jekyll["site_bytes"] - ours["site_bytes"]
    print(f"\nN = {n:,}, jekyll_urls: true: {redirects:,} redirect pages, "
          f"+{extra_bytes / 1e6:.2f} MB ({extra_bytes / max(redirects, 1):.0f} bytes each, "
          f"+{100 * extra_bytes / ours['site_bytes']:.2f} % of the site), "
          f"{jekyll['seconds']:.1f} s against {ours['seconds']:.1f} s without ({jekyll['seconds'] - ours['seconds']:+.1f} s), "
          f"CPU {jekyll['cpu_seconds'] - ours['cpu_seconds']:+.1f} s", flush=True)


def measure_edit(corpus: Path, n: int) -> dict[str, float] | None:
    """Seconds from a one-article save to new HTML, and to a current search
    index. In a process of its own: were this one to hold the preview's
    model, every later measured command would start from its size, and the
    kernel's high-water mark of that command's memory with it (exec keeps
    the larger of the two)."""
    work = OUT / f"edit-{n}"
    shutil.copytree(corpus, work / "content")
    script = (
        "import json, sys; from pathlib import Path; sys.path.insert(0, 'bench'); from edit_timing import time_one_edit; "
        "print(json.dumps(time_one_edit(Path(sys.argv[1]), Path(sys.argv[2]))))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(work / "content"), str(work / "site")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if run.returncode != 0:
        print(f"one-article edit not measured:\n{run.stderr[-2000:]}", flush=True)
        return None
    html_seconds, search_seconds = json.loads(run.stdout.splitlines()[-1])
    return {"html_seconds": html_seconds, "search_seconds": search_seconds}


def mb(value: float) -> str:
    return f"{value / 1e6:,.0f} MB"


def print_side_by_side(n: int, ours: dict, peer: dict | None) -> None:
    print(f"\n== N = {n:,} articles ==")
    pages = ", ".join(f"{v:,} {k}" for k, v in ours["pages"].items())
    print(f"foresite: {ours['page_count']:,} pages ({pages})")
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in ours["stages"].items())
    print(f"  stages: {stages}")
    print(
        f"  total {ours['seconds']:.1f} s ({ours['pages_per_second']:,.0f} pages/s), peak RSS {mb(ours['peak_rss_bytes'])}, "
        f"site {mb(ours['site_bytes'])} ({mb(ours['html_bytes'])} without search, search {mb(ours['search_bytes'])} "
        f"for {ours['search_pages']:,} pages), {ours['bytes_per_page']:,.0f} bytes/page"
    )
    if ours["edit"]:
        print(f"  one-article edit: HTML in {ours['edit']['html_seconds']:.2f} s, search current in {ours['edit']['search_seconds']:.2f} s")
    if not peer:
        print("Hugo + Pagefind: not run")
        return
    peer_seconds = peer["hugo_seconds"] + peer["pagefind_seconds"]
    peer_peak = max(peer["hugo_peak_rss_bytes"], peer["pagefind_peak_rss_bytes"])
    peer_bytes = peer["hugo_html_bytes"] + peer["pagefind_index_bytes"]
    print(
        f"Hugo: {peer['hugo_seconds']:.1f} s, peak {mb(peer['hugo_peak_rss_bytes'])}, {peer['hugo_html_pages']:,} pages, {mb(peer['hugo_html_bytes'])} HTML"
    )
    print(
        f"Pagefind CLI on Hugo's output: {peer['pagefind_seconds']:.1f} s, peak {mb(peer['pagefind_peak_rss_bytes'])}, "
        f"{peer['pagefind_pages_indexed'] or '?'} pages indexed, index {mb(peer['pagefind_index_bytes'])}"
    )
    print(
        f"ratios foresite / (Hugo + Pagefind): time {ours['seconds'] / peer_seconds:.2f}, "
        f"peak memory {ours['peak_rss_bytes'] / peer_peak:.2f}, size {ours['site_bytes'] / peer_bytes:.2f}"
    )


def print_growth(repeats: dict[int, list[dict]]) -> None:
    """How each figure grew from one size to the next, beside how the work
    grew: linear growth is a time ratio no larger than the articles'. With
    repeated builds, time and CPU grow as their fastest runs do: on a
    machine shared with others, what comes and goes only ever adds time.
    `repeats` holds each size's builds, the first round's first."""
    sizes = sorted(repeats)
    for n in sizes:
        if len(repeats[n]) > 1:
            runs = ", ".join(f"{run['seconds']:.1f} s (CPU {run['cpu_seconds']:.1f} s)" for run in repeats[n])
            print(f"\n{n:,} articles, {len(repeats[n])} builds: {runs}")
    for small, large in itertools.pairwise(sizes):
        a, b = repeats[small][0], repeats[large][0]
        fastest_a, fastest_b = _fastest(repeats[small]), _fastest(repeats[large])
        print(
            f"\ngrowth {small:,} -> {large:,} articles ({large / small:.2f}x; pages {b['page_count'] / a['page_count']:.2f}x, "
            f"bytes {b['site_bytes'] / a['site_bytes']:.2f}x): time {b['seconds'] / a['seconds']:.2f}x, "
            f"CPU {b['cpu_seconds'] / a['cpu_seconds']:.2f}x, peak memory {b['peak_rss_bytes'] / a['peak_rss_bytes']:.2f}x"
            + (f" (first builds; fastest of {len(repeats[small])} and {len(repeats[large])}: time "
               f"{fastest_b['seconds'] / fastest_a['seconds']:.2f}x, CPU {fastest_b['cpu_seconds'] / fastest_a['cpu_seconds']:.2f}x)"
               if len(repeats[small]) > 1 or len(repeats[large]) > 1 else "")
        )
        stages = ", ".join(
            f"{stage} {fastest_b['stages'][stage] / fastest_a['stages'][stage]:.2f}x"
            for stage in fastest_a["stages"]
            if fastest_a["stages"][stage] >= 1 and stage in fastest_b["stages"]
        )
        print(f"  by stage: {stages}")


def _fastest(runs: list[dict]) -> dict:
    return min(runs, key=lambda run: run["seconds"])


def markdown_row(n: int, ours: dict, peer: dict | None) -> str:
    edit = ours["edit"] or {}
    cells = [
        f"{n:,}",
        f"{ours['page_count']:,}",
        f"{ours['seconds']:.0f} s",
        mb(ours["peak_rss_bytes"]),
        f"{mb(ours['site_bytes'])} ({mb(ours['search_bytes'])} search)",
        f"{ours['bytes_per_page']:,.0f}",
        f"{edit.get('html_seconds', float('nan')):.2f} s / {edit.get('search_seconds', float('nan')):.1f} s",
    ]
    if peer:
        cells += [
            f"{peer['hugo_seconds'] + peer['pagefind_seconds']:.0f} s",
            mb(max(peer["hugo_peak_rss_bytes"], peer["pagefind_peak_rss_bytes"])),
            mb(peer["hugo_html_bytes"] + peer["pagefind_index_bytes"]),
        ]
    else:
        cells += ["not run"] * 3
    return "| " + " | ".join(cells) + " |"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))) / 1024 / 1024
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=False).stdout.split(" ")[0:2] if shutil.which("hugo") else ["no", "hugo"]
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GB, Python {platform.python_version()}, {' '.join(hugo)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[300, 3000, 10000])
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo + Pagefind peer")
    parser.add_argument("--hugo-all", action="store_true", help=f"run the peer above N = {HUGO_MEMORY_LIMIT_N} too")
    parser.add_argument("--markdown", action="store_true", help="print the README table at the end")
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="R",
        help="build each size R times in all (the extra builds after the first round, largest first) and give growth from the fastest",
    )
    parser.add_argument(
        "--jekyll-urls", action="store_true",
        help="after each size, build it again with jekyll_urls: true and print what the redirect pages cost",
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    clear_outputs(wait=True)
    rows = []
    repeats: dict[int, list[dict]] = {}
    for n in args.sizes:
        corpus = corpus_for(n)
        # The peer first: the foresite build deletes its search documents at
        # the end, and ext4 would make the next five minutes' file creation
        # slower for whoever comes after (see measure.AFTER_DELETING_SECONDS).
        peer = None
        if not args.no_hugo and shutil.which("hugo") and (n <= HUGO_MEMORY_LIMIT_N or args.hugo_all):
            peer = run_hugo_peer(corpus, OUT / f"hugo-{n}")
        ours = measure_foresite(corpus, n)
        print_side_by_side(n, ours, peer)
        (OUT / f"results-{n}.json").write_text(json.dumps({"foresite": ours, "peer": peer}, indent=1), encoding="utf-8")
        rows.append(markdown_row(n, ours, peer))
        repeats[n] = [ours]
        if args.jekyll_urls:
            # Against a second plain build, run just before: a size's first
            # build also pays for a cold disk cache.
            plain = measure_foresite(corpus, n, label="-plain")
            jekyll = measure_foresite(corpus, n, root=jekyll_root(), label="-jekyll")
            print_jekyll_cost(n, plain, jekyll)
            (OUT / f"results-{n}-jekyll.json").write_text(json.dumps(jekyll, indent=1), encoding="utf-8")
    # Later rounds alternate direction, so that a slow spell of the machine
    # falls on the sizes of a round alike rather than on the last ones.
    for run_number in range(2, args.repeat + 1):
        for n in sorted(args.sizes, reverse=run_number % 2 == 0):
            ours = measure_foresite(corpus_for(n), n, run_number)
            print(f"\nN = {n:,}, build {run_number}: {ours['seconds']:.1f} s, CPU {ours['cpu_seconds']:.1f} s, peak RSS {mb(ours['peak_rss_bytes'])}")
            repeats[n].append(ours)
    clear_outputs(wait=False)
    print_growth(repeats)
    if args.markdown:
        print(f"\nMeasured on {machine()}.\n")
        print("| articles | pages | foresite time | peak memory | site size | bytes/page | edit: HTML / search | Hugo + Pagefind time | their peak memory | their size |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
