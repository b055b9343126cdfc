"""Print the shape of a corpus, to check make_corpus.py against the real scan's statistics.

    python -m bench.corpus_stats CORPUS_DIR

Reads with hugo_peer's small reader, plus a few raw-text checks for variants the reader
smooths over (header forms, origins, letter-split lists).
"""

from __future__ import annotations

import re
import statistics
import sys
from collections import Counter
from pathlib import Path

try:
    from bench.hugo_peer import TABLE_SECTIONS, Doc, read_doc
except ModuleNotFoundError:  # run from inside bench/
    from hugo_peer import TABLE_SECTIONS, Doc, read_doc  # type: ignore[no-redef]


def top_share(docs: list[Doc], terms_of: str) -> tuple[int, str, float]:
    """(distinct terms, most frequent term, share of articles holding it)."""
    counts = Counter(t for d in docs for t in set(getattr(d, terms_of)))
    term, count = counts.most_common(1)[0]
    return len(counts), term, count / len(docs)


def tag_lines(docs: list[Doc]) -> list[str]:
    n = len(docs)
    lines = []
    for field in ("keywords", "themes"):
        distinct, term, share = top_share(docs, field)
        folded = len({t.casefold() for d in docs for t in getattr(d, field)})
        per = [len(getattr(d, field)) for d in docs]
        lines.append(f"{field}: {statistics.mean(per):.2f}/article (min {min(per)}, max "
                     f"{max(per)}); distinct {distinct} ({distinct / n:.2f}/article, "
                     f"{folded} case-folded); top '{term}' in {share:.1%} of articles")
    return lines


def row_lines(docs: list[Doc]) -> list[str]:
    lines = []
    for section in TABLE_SECTIONS:
        counts = [len(d.tables[section]) for d in docs if section in d.tables]
        if counts:
            lines.append(f"{section}: {sum(counts) / len(docs):.2f} rows/article overall, "
                         f"{statistics.mean(counts):.2f} where present, in {len(counts)} "
                         f"articles, max {max(counts)}")
    return lines


def recurrence_line(docs: list[Doc]) -> str:
    names = Counter(r.get("name") or r.get("Signal", "") for d in docs
                    for r in d.tables.get("Signals", []))
    again = sum(1 for c in names.values() if c > 1)
    name, top = names.most_common(1)[0]
    return (f"signal names: {sum(names.values())} rows, {len(names)} distinct, {again} seen "
            f"in more than one row; most repeated '{name}' x{top}")


def length_line(docs: list[Doc]) -> str:
    descriptions = [len(r["description"]) for d in docs for rows in d.tables.values()
                    for r in rows if "description" in r]
    summaries = [len(d.summary) for d in docs]
    return (f"description chars: mean {statistics.mean(descriptions):.0f}, median "
            f"{statistics.median(descriptions):.0f}, min {min(descriptions)}, max "
            f"{max(descriptions)}; summary chars: mean {statistics.mean(summaries):.0f}")


def variant_lines(texts: dict[str, str], docs: list[Doc]) -> list[str]:
    n = len(texts)
    firsts = [t.split("\n", 1)[0] for t in texts.values()]
    origins = Counter(
        "date" if re.fullmatch(r"20[2][2-6]\d{4}", d.origin) else
        "future" if re.fullmatch(r"20[3-9]\d{5}|202[7-9]\d{4}", d.origin) else
        "d-suffix" if d.origin.endswith("d") else
        "numeric" if re.fullmatch(r"\d+\.0", d.origin) else
        "spaced" if d.origin.endswith(" ") else "review" if "review" in d.origin else "other"
        for d in docs)
    ids = {d.id for d in docs}
    links = [(d.id, target) for d in docs for _title, target in d.closest]
    split = sum(1 for t in texts.values() if re.search(r"^\* .\n\* .\n\* .\n", t, re.MULTILINE))
    french = sum(1 for d in docs if re.search(r"\b(les|des|une|est)\b", d.summary))
    page_form = sum("(from page [" in f for f in firsts)
    paren_form = sum(", from ([" in f for f in firsts)
    old_share = sum(bool(d.closest) for d in docs) / n
    no_concerns = sum("Concerns" not in d.tables for d in docs if not d.closest)
    src = sum("| src " in t for t in texts.values())
    self_links = sum(a == b for a, b in links)
    dangling = sum(b not in ids for _a, b in links)
    return [
        f"header forms: 'from page' {page_form}, 'from (' {paren_form}",
        f"origins: {dict(sorted(origins.items()))}",
        f"older layout (Closest): {old_share:.1%}; no Concerns among newer: {no_concerns}",
        f"src technologies: {src}; letter-split: {split}; French-looking summaries: {french / n:.1%}",
        f"closest links: {len(links)}, self {self_links}, dangling {dangling}",
    ]


def corpus_lines(corpus: Path) -> list[str]:
    paths = sorted(corpus.glob("*.md"))
    texts = {p.stem: p.read_text(encoding="utf-8") for p in paths}
    docs = [read_doc(p) for p in paths]
    size = sum(p.stat().st_size for p in paths)
    head = f"{len(docs)} articles, {size:,} bytes ({size / len(docs):,.0f} per article)"
    return [head, *tag_lines(docs), *row_lines(docs), recurrence_line(docs),
            length_line(docs), *variant_lines(texts, docs)]


if __name__ == "__main__":
    print("\n".join(corpus_lines(Path(sys.argv[1]))))
