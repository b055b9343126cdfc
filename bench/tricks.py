"""What each trick of foresite/build/processes.py is worth: a build of a
generated corpus with every trick, then with each one left out in turn.

    python bench/tricks.py 3000            # every variant once
    python bench/tricks.py 3000 --repeat 2 # each variant twice, interleaved

A trick is left out by replacing it, in the measured process alone, with
what does nothing (a context manager that does not pause the collector, a
test that never renders aside), so the figures compare the
very same build. Prints wall seconds, CPU seconds and peak memory of the
process tree for each variant: RSS, and PSS, which counts a page that
forked processes still share once and so shows what copy-on-write copies.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from make_corpus import make_corpus
from measure import run_measured

OUT = HERE / "out"

# Each variant: the names to replace, in the modules that use them.
VARIANTS: dict[str, list[tuple[str, str, str]]] = {
    "all tricks": [],
    "collector never paused": [
        ("foresite.build.pipeline", "collection_paused", "no_context"),
        ("foresite.build.stages", "collection_paused", "no_context"),
    ],
    "no index pages rendered aside": [("foresite.build.pipeline", "_renders_early", "never")],
}

RUNNER = """
import contextlib, importlib, json, sys
replacements = {
    "no_context": contextlib.nullcontext,
    "never": lambda *args, **kwargs: False,
}
for module, name, by in json.loads(sys.argv[1]):
    setattr(importlib.import_module(module), name, replacements[by])
from foresite.cli.main import main
raise SystemExit(main(sys.argv[2:]))
"""


def measure(variant: str, content: Path, output: Path) -> dict[str, float]:
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, "-c", RUNNER, json.dumps(VARIANTS[variant]), "--content", str(content),
               "--output", str(output), "--quiet"]
    run = run_measured(command, cwd=ROOT)
    if run.returncode not in (0, 1):
        raise SystemExit(f"{variant}: the build failed\n{run.stderr[-2000:]}")
    shutil.rmtree(output, ignore_errors=True)
    return {"seconds": run.seconds, "cpu": run.cpu_seconds, "peak_mb": run.peak_rss_bytes / 1e6,
            "pss_mb": run.sampled_peak_pss_bytes / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=int, nargs="?", default=3000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", action="append", choices=list(VARIANTS), metavar="VARIANT",
                        help="measure this variant (repeatable; 'all tricks' is always measured)")
    options = parser.parse_args()
    variants = ["all tricks", *(name for name in options.only or VARIANTS if name != "all tricks")]
    content = OUT / f"corpus-{options.articles}"
    if not content.is_dir():
        make_corpus(options.articles, content)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    for round_ in range(options.repeat):
        order = variants if round_ % 2 == 0 else variants[::-1]
        for variant in order:
            found = measure(variant, content, OUT / "site-tricks")
            results[variant].append(found)
            print(f"{variant:45} {found['seconds']:7.1f} s  {found['cpu']:7.1f} s CPU  {found['peak_mb']:7.0f} MB RSS"
                  f"  {found['pss_mb']:7.0f} MB PSS", flush=True)
    print(f"\nbest of {options.repeat} at {options.articles:,} articles:")
    for variant, runs in results.items():
        best = min(runs, key=lambda r: r["seconds"])
        print(f"{variant:45} {best['seconds']:7.1f} s  {best['cpu']:7.1f} s CPU  {min(r['peak_mb'] for r in runs):7.0f} MB RSS"
              f"  {min(r['pss_mb'] for r in runs):7.0f} MB PSS")


if __name__ == "__main__":
    main()
