"""Linear time in rows and in words, shown as a flat rate (issue 21).

    python bench/scaling.py            # 1×, 4× and 16×: rows of one name, words of one row name
    python bench/scaling.py --base 500 # a smaller 1× (the default is 1,250 rows, 4,000 words)

Two crafted inputs once made the build quadratic: many rows of one name (the
'-2', '-3' slug numbering and the related rows: 20,000 rows took 26 s to parse)
and one row name of many distinct words (trend grouping: 64,000 words took
57 s). For each, this builds the input at 1×, 4× and 16× its base size,
parses it and plans the site (index, foresight, page plan) in this process,
and prints rows (or words) per CPU second for each stage. Linear time shows
as the same rate at every size; quadratic time as a rate that falls four
times with each step. CPU seconds, not wall seconds, so that a loaded
machine does not bend the line; the wall seconds are printed beside them.
tests/test_robust.py holds the same inputs to a bound in CPU seconds.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from foresite.build.stages import plan_site
from foresite.core.config import Settings
from foresite.core.model import Article
from foresite.source.parse import parse_article

TODAY = datetime.date(2026, 1, 1)
STEPS = (1, 4, 16)


def article_text(title: str, rows: str) -> str:
    """An article of the scan's newer layout whose Signals table is `rows`."""
    return (
        f"# __{title}__, (from page [20231111](https://x.example/p/20231111).)\n\n"
        "__[External link](https://example.org/a)__\n\n## Keywords\n\n* alpha\n\n## Summary\n\nA summary.\n\n"
        f"## Signals\n\n| name | description |\n|:---|:---|\n{rows}"
    )


def rows_of_one_name(count: int) -> str:
    """`count` rows all named alike: slugs numbered -2 … -count."""
    return "\n".join(f"| Same name | row {i} |" for i in range(count))


def name_of_many_words(count: int) -> str:
    """Two rows named by `count` distinct words: one trend to group."""
    name = " ".join(f"w{i}x" for i in range(count))
    return f"| {name} | d |\n| {name} | e |"


def cpu_and_wall(work: Callable[[], object]) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def parse(text: str, article_id: str) -> Article:
    article = parse_article(text, f"content/{article_id}.md", article_id, TODAY).article
    assert article is not None, "the crafted article parses"
    return article


def measure(label: str, unit: str, sizes: list[int], rows: Callable[[int], str]) -> None:
    print(f"\n{label}")
    print(f"{unit:>8} {'parse cpu s':>12} {unit + '/s':>12} {'plan cpu s':>11} {unit + '/s':>12} {'wall s':>8}")
    for size in sizes:
        text = article_text("A title", rows(size))
        parse_cpu, parse_wall, article = cpu_and_wall(functools.partial(parse, text, "a"))
        other = parse(article_text("Other", rows(size)), "b")
        assert isinstance(article, Article)
        plan_cpu, plan_wall, _ = cpu_and_wall(functools.partial(plan_site, [article, other], Settings()))
        print(
            f"{size:>8,} {parse_cpu:>12.2f} {size / max(parse_cpu, 1e-3):>12,.0f} "
            f"{plan_cpu:>11.2f} {2 * size / max(plan_cpu, 1e-3):>12,.0f} {parse_wall + plan_wall:>8.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=int, default=1250, help="rows at 1× (words are 3.2 times as many)")
    options = parser.parse_args()
    rows = [options.base * step for step in STEPS]
    words = [options.base * 16 // 5 * step for step in STEPS]
    measure("Rows of one name (one file; the plan holds two such files)", "rows", rows, rows_of_one_name)
    measure("One row name of many words (two rows; the plan holds two such files)", "words", words, name_of_many_words)


if __name__ == "__main__":
    main()
