"""Two checkouts of foresite building the same corpus, in turns: is a change
within noise of before?

    python bench/compare.py ../foresite-before 3000 --repeat 2

Each round builds the corpus once with this checkout and once with the other
(the order swapped every round, so neither always runs on a warmer machine),
each in a measured subprocess: wall seconds, CPU seconds (user and system, of
the whole process tree), peak memory (RSS of the process tree). On a shared
machine wall time moves with the neighbours' load; CPU time and memory much
less, so all three are printed, with the median and the spread of each side.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE)]

from make_corpus import make_corpus
from measure import run_measured

OUT = HERE / "out"


def build_with(checkout: Path, content: Path, output: Path) -> dict[str, float]:
    """One full build (search included) by `checkout`'s own code, templates and static files."""
    shutil.rmtree(output, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, "build.py", "--content", str(content), "--output", str(output), "--quiet"]
    run = run_measured(command, cwd=checkout, env=env)
    if run.returncode not in (0, 1):
        raise SystemExit(f"{checkout}: the build failed\n{run.stderr[-2000:]}")
    shutil.rmtree(output, ignore_errors=True)
    return {"seconds": run.seconds, "cpu": run.cpu_seconds, "peak_mb": run.peak_rss_bytes / 1e6}


def summary(runs: list[dict[str, float]], key: str) -> str:
    values = [r[key] for r in runs]
    return f"{statistics.median(values):8.1f} ({min(values):.1f}–{max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", type=Path, help="another checkout of foresite (with its own build.py)")
    parser.add_argument("articles", type=int, nargs="?", default=3000)
    parser.add_argument("--repeat", type=int, default=2)
    options = parser.parse_args()
    content = OUT / f"corpus-{options.articles}"
    if not content.is_dir():
        make_corpus(options.articles, content)
    sides = {"this": ROOT, "other": options.other.resolve()}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    for round_ in range(options.repeat):
        for name in (list(sides) if round_ % 2 == 0 else list(reversed(sides))):
            found = build_with(sides[name], content, OUT / f"site-compare-{name}")
            results[name].append(found)
            print(f"round {round_ + 1} {name:6} {found['seconds']:7.1f} s  {found['cpu']:7.1f} s CPU  {found['peak_mb']:7.0f} MB", flush=True)
    print(f"\nmedian (range) of {options.repeat} builds of {options.articles:,} articles each:")
    print(f"{'':6} {'wall s':>20} {'CPU s':>20} {'peak MB':>20}")
    for name, runs in results.items():
        print(f"{name:6} {summary(runs, 'seconds'):>20} {summary(runs, 'cpu'):>20} {summary(runs, 'peak_mb'):>20}   {sides[name]}")


if __name__ == "__main__":
    main()
