"""Benchmark foresite beside Hugo + Pagefind on generated corpora.

    python bench/run.py                 # N = 300, 3000 and 10000
    python bench/run.py 3000 --no-hugo  # one size, foresite only
    python bench/run.py 3000 --markdown # also print the README table

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


OUTPUTS = ("site-*", "hugo-*", "edit-*")
"""What a run writes besides corpora: all of it is deleted when the run ends
(and before, if an interrupted run left some), never between measured steps."""


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


def measure_foresite(corpus: Path, n: int) -> dict[str, object]:
    output = OUT / f"site-{n}"
    report = OUT / f"report-{n}.json"
    run = run_measured(
        [sys.executable, "build.py", "--content", str(corpus), "--output", str(output), "--base-url", BASE_URL,
         "-q", "--report-json", str(report)],
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
        "edit": measure_edit(corpus, n),
    }


def measure_edit(corpus: Path, n: int) -> dict[str, float] | None:
    """Seconds from a one-article save to new HTML, and to a current search index."""
    try:
        from foresite.incremental import time_one_edit
    except ImportError:
        return None
    work = OUT / f"edit-{n}"
    shutil.copytree(corpus, work / "content")
    html_seconds, search_seconds = time_one_edit(work / "content", work / "site")
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


def print_growth(measured: dict[int, dict]) -> None:
    """How each figure grew from one size to the next, beside how the work
    grew: linear growth is a time ratio no larger than the articles'."""
    sizes = sorted(measured)
    for small, large in itertools.pairwise(sizes):
        a, b = measured[small], measured[large]
        print(
            f"\ngrowth {small:,} -> {large:,} articles ({large / small:.2f}x; pages {b['page_count'] / a['page_count']:.2f}x, "
            f"bytes {b['site_bytes'] / a['site_bytes']:.2f}x): time {b['seconds'] / a['seconds']:.2f}x, "
            f"CPU {b['cpu_seconds'] / a['cpu_seconds']:.2f}x, peak memory {b['peak_rss_bytes'] / a['peak_rss_bytes']:.2f}x"
        )
        stages = ", ".join(
            f"{stage} {b['stages'][stage] / a['stages'][stage]:.2f}x"
            for stage in a["stages"]
            if a["stages"][stage] >= 1 and stage in b["stages"]
        )
        print(f"  by stage: {stages}")


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
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    clear_outputs(wait=True)
    rows = []
    measured: dict[int, dict] = {}
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
        measured[n] = ours
    clear_outputs(wait=False)
    print_growth(measured)
    if args.markdown:
        print(f"\nMeasured on {machine()}.\n")
        print("| articles | pages | foresite time | peak memory | site size | bytes/page | edit: HTML / search | Hugo + Pagefind time | their peak memory | their size |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
