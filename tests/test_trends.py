"""Trends and momentum: grouping measured against hand-labelled pairs of row
names, momentum against hand-counted figures, and the trend pages built."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from foresite.core.config import MomentumSettings, Settings, TrendSettings
from foresite.core.model import Article, Entry, Kind, Tag, TagKind
from foresite.core.text import safe_slug
from foresite.foresight.momentum import FADING, NEW, RISING, STEADY, build_timeline, momentum_of, tag_momentum
from foresite.foresight.results import build_foresight
from foresite.foresight.trends import build_trends, key_terms, similarity
from foresite.index.site_index import build_index
from foresite.source.parse import decode, parse_article
from tests.test_insights import parse_svg
from tests.test_insights import svg_blocks as svg_texts

ROOT = Path(__file__).resolve().parent.parent
PAIRS = Path(__file__).with_name("trend_pairs.csv")
PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.7


def parse_folder(folder: Path) -> list[Article]:
    """Every article of a folder, drafts included: the labelled names come from all of them."""
    found = []
    for path in sorted(folder.glob("*.md")):
        text, _ = decode(path.read_bytes(), str(path))
        assert text is not None
        result = parse_article(text, str(path), path.stem, datetime.date(2026, 6, 1))
        if result.article:
            found.append(result.article)
    return found


# ------------------------------------------------------------------ key terms

@pytest.mark.parametrize(
    ("name", "terms"),
    [
        ("Rise of Digital Clones", {"digital", "clone"}),
        ("The rise of digital clones", {"digital", "clone"}),
        ("Digital clone rise", {"digital", "clone"}),
        ("Heat pump adoption surge", {"heat", "pump", "adoption"}),
        ("Use of A.I. in Covert Campaigns", {"use", "ai", "covert", "campaign"}),
        ("Agents IA", {"agent", "ai"}),
        ("Intelligence Artificielle (IA)", {"ai"}),
        ("Data Privacy Concerns", {"data", "privacy"}),
        ("Shift to Plant-Based Proteins", {"plant", "based", "protein"}),
        ("Decline of Digital Twins", {"decline", "digital", "twin"}),
        ("Policies and Technologies", {"policy", "technology"}),
        ("Rise", {"rise"}),
        ("人工智能", {"人工智能"}),
    ],
)
def test_key_terms(name: str, terms: set[str]) -> None:
    assert key_terms(name) == terms


def test_a_falling_trend_is_never_the_rising_one() -> None:
    assert similarity(key_terms("Rise of Digital Twins"), key_terms("Decline of Digital Twins")) == 0
    assert similarity(key_terms("Decline of digital twins"), key_terms("Digital twins decline")) == 1


# ------------------------------------------------------- labelled pairs

def labelled_pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_labelled_pairs_are_many_and_balanced() -> None:
    pairs = labelled_pairs()
    same = [p for p in pairs if p["same_trend"] == "1"]
    near_misses = [p for p in pairs if p["same_trend"] == "0" and p["note"].startswith("near miss")]
    assert len(pairs) >= 100
    assert len(same) >= 30 and len(pairs) - len(same) >= 30
    assert len(near_misses) >= 25
    assert {p["kind"] for p in pairs} == {k.value for k in Kind}


@pytest.fixture(scope="module")
def real_rows(shared_dir: Path) -> list[Article]:
    return parse_folder(ROOT / "content") + parse_folder(shared_dir / "corpus")


def grouping_scores(articles: list[Article], threshold: float) -> tuple[float, float, list[str]]:
    """Precision and recall of the grouping on the labelled pairs, and the pairs it gets wrong."""
    trends = build_trends(build_index(articles), TrendSettings(similarity=threshold, min_articles=1))
    groups: dict[tuple[str, str], set[str]] = {}
    for trend in trends.trends:
        for evidence in trend.evidence:
            groups.setdefault((trend.kind.value, evidence.placed.entry.name), set()).add(trend.slug)
    true_pos = false_pos = false_neg = 0
    wrong = []
    for pair in labelled_pairs():
        grouped = bool(groups[(pair["kind"], pair["name_a"])] & groups[(pair["kind"], pair["name_b"])])
        labelled = pair["same_trend"] == "1"
        true_pos += grouped and labelled
        false_pos += grouped and not labelled
        false_neg += labelled and not grouped
        if grouped != labelled:
            wrong.append(f"{'FP' if grouped else 'FN'}: {pair['name_a']} / {pair['name_b']}")
    return true_pos / max(1, true_pos + false_pos), true_pos / max(1, true_pos + false_neg), wrong


def test_every_labelled_name_is_a_row_of_the_real_data(real_rows: list[Article]) -> None:
    names = {(e.kind.value, e.name) for a in real_rows for e in a.entries}
    missing = [
        (p["kind"], name) for p in labelled_pairs() for name in (p["name_a"], p["name_b"]) if (p["kind"], name) not in names
    ]
    assert missing == []


def test_grouping_precision_and_recall_on_labelled_pairs(real_rows: list[Article]) -> None:
    precision, recall, wrong = grouping_scores(real_rows, Settings().trends.similarity)
    print(f"\ntrend grouping: precision {precision:.3f}, recall {recall:.3f} on {len(labelled_pairs())} pairs")
    print("\n".join(wrong))
    assert precision >= PRECISION_FLOOR, wrong
    assert recall >= RECALL_FLOOR, wrong


def test_a_looser_threshold_trades_precision_for_recall(real_rows: list[Article]) -> None:
    strict = grouping_scores(real_rows, 0.9)
    loose = grouping_scores(real_rows, 0.4)
    assert strict[0] >= loose[0] and strict[1] <= loose[1]
    assert loose[0] < PRECISION_FLOOR  # the floors can fail: a careless threshold fails them


def test_grouping_is_deterministic_and_explained(real_rows: list[Article]) -> None:
    settings = Settings().trends
    first = build_trends(build_index(real_rows), settings)
    shuffled = list(real_rows)
    random.Random(7).shuffle(shuffled)
    again = build_trends(build_index(shuffled), settings)
    assert [(t.kind, t.slug, len(t.evidence)) for t in first.trends] == [(t.kind, t.slug, len(t.evidence)) for t in again.trends]
    for trend in first.trends:
        assert trend.article_count >= settings.min_articles
        for evidence in trend.evidence:
            assert evidence.similarity >= settings.similarity
            assert set(evidence.terms) == key_terms(evidence.placed.entry.name)
        dates = [e.placed.article.date for e in trend.evidence if e.placed.article.date]
        assert dates == sorted(dates) and trend.first_seen == dates[0] and trend.last_seen == dates[-1]


def _brute_force_groups(names: list[str], articles_of: dict[str, set[str]], threshold: float) -> set[frozenset[str]]:
    """Leader clustering as its docstring says, comparing each set with every
    anchor: the trends' groups as sets of names, to check the filed lookup by."""
    by_terms: dict[frozenset[str], list[str]] = {}
    for name in names:
        by_terms.setdefault(key_terms(name), []).append(name)
    seen_in = {t: len(set().union(*(articles_of[n] for n in ns))) for t, ns in by_terms.items()}
    anchors: list[frozenset[str]] = []
    members: dict[frozenset[str], list[frozenset[str]]] = {}
    for terms in sorted(by_terms, key=lambda t: (-seen_in[t], -len(t), sorted(t))):
        best, best_score = None, threshold
        for anchor in anchors:
            score = similarity(terms, anchor)
            if score > best_score or (score == best_score and best is None):
                best, best_score = anchor, score
        if best is None:
            anchors.append(terms)
            members[terms] = [terms]
        else:
            members[best].append(terms)
    return {
        frozenset(n for t in grouped for n in by_terms[t])
        for grouped in members.values()
        if len(set().union(*(articles_of[n] for t in grouped for n in by_terms[t]))) >= 2
    }


@pytest.mark.parametrize("threshold", [0.34, 0.5, 0.66, 0.8, 1.0])
def test_grouping_finds_what_comparing_every_anchor_finds(threshold: float) -> None:
    # Names of one to nine words from a small vocabulary, so that sets
    # overlap, nest and tie in every way; some hold a word that turns a
    # change around.
    rng = random.Random(int(threshold * 100))
    words = [f"w{i}" for i in range(14)] + ["decline", "growth"]
    names = sorted({" ".join(rng.sample(words, rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 9]))) for _ in range(700)})
    articles = [
        article(i, f"202{i % 5}-0{1 + i % 9}-01", rows=tuple(rng.sample(names, 4)))
        for i in range(240)
    ]
    articles_of: dict[str, set[str]] = {}
    for a in articles:
        for e in a.entries:
            articles_of.setdefault(e.name, set()).add(a.id)
    found = build_trends(build_index(articles), TrendSettings(similarity=threshold, min_articles=2))
    grouped = {frozenset(e.placed.entry.name for e in t.evidence) for t in found.trends}
    expected = _brute_force_groups(sorted(articles_of), articles_of, threshold)
    assert len(expected) > 20
    assert grouped == expected


# ------------------------------------------------------------ momentum

def article(number: int, date: str | None, keywords: tuple[str, ...] = (), rows: tuple[str, ...] = ()) -> Article:
    article_id = f"a{number:03d}"
    return Article(
        id=article_id, slug=article_id, path=f"{article_id}.md", title=f"Article {number}",
        date=datetime.date.fromisoformat(date) if date else None, origin="", origin_url="", source_url="",
        language="en", category="", type="", keywords=keywords, themes=(), summary="",
        entries=tuple(
            Entry(Kind.SIGNAL, article_id, safe_slug(name), name, True, relevancy=4) for name in rows
        ),
        closest=(), layout="newer",
    )


# Hand-counted: seven quarters hold articles, 2023 Q1 to 2024 Q3 (totals 2, 1,
# 1, 1, 2, 1, 2); with a window of 2, recent = 2024 Q2 and Q3 (3 articles),
# earlier = the 7 articles before.
MOMENTUM_FIXTURE = [
    article(1, "2023-01-10", ("alpha",), ("Rise of remote work",)),
    article(2, "2023-02-10", ("alpha", "beta")),
    article(3, "2023-05-01", ("beta",)),
    article(4, "2023-08-01", ("gamma",)),
    article(5, "2023-11-01", ("beta",), ("Remote work rise",)),
    article(6, "2024-02-01", ("beta", "delta")),
    article(7, "2024-03-01", ("delta",), ("The rise of remote work",)),
    article(8, "2024-05-01", ("beta", "delta")),
    article(9, "2024-08-01", ("delta", "epsilon")),
    article(10, "2024-09-15", ("delta", "epsilon"), ("Remote Work Rise",)),
    article(11, None, ("delta",)),
]
MOMENTUM_SETTINGS = MomentumSettings(window=2, rising=1.5, fading=0.5, min_mentions=2)


def test_timeline_is_the_quarters_that_hold_articles() -> None:
    timeline = build_timeline(MOMENTUM_FIXTURE, MOMENTUM_SETTINGS)
    assert timeline.labels == ("2023 Q1", "2023 Q2", "2023 Q3", "2023 Q4", "2024 Q1", "2024 Q2", "2024 Q3")
    assert timeline.totals == (2, 1, 1, 1, 2, 1, 2)
    assert timeline.recent_start == 5


@pytest.mark.parametrize(
    ("keyword", "counts", "recent", "earlier", "recent_rate", "earlier_rate", "badge"),
    [
        # alpha: two mentions in 2023 Q1, none since.
        ("alpha", (2, 0, 0, 0, 0, 0, 0), 0, 2, 0.0, 28.57, FADING),
        # beta: 4 of the 7 earlier articles, 1 of the 3 recent ones.
        ("beta", (1, 1, 0, 1, 1, 1, 0), 1, 4, 33.33, 57.14, STEADY),
        # gamma: once; too few mentions for any badge.
        ("gamma", (0, 0, 1, 0, 0, 0, 0), 0, 1, 0.0, 14.29, STEADY),
        # delta: 2 of 7 before, 3 of 3 lately (the undated article is not counted).
        ("delta", (0, 0, 0, 0, 2, 1, 2), 3, 2, 100.0, 28.57, RISING),
        # epsilon: only in the latest quarter.
        ("epsilon", (0, 0, 0, 0, 0, 0, 2), 2, 0, 66.67, 0.0, NEW),
    ],
)
def test_keyword_momentum_matches_hand_counts(
    keyword: str, counts: tuple[int, ...], recent: int, earlier: int, recent_rate: float, earlier_rate: float, badge: str
) -> None:
    index = build_index(MOMENTUM_FIXTURE)
    timeline = build_timeline(index.articles, MOMENTUM_SETTINGS)
    found = tag_momentum(index.tag_articles, timeline, MOMENTUM_SETTINGS)
    momentum = found[Tag(TagKind.KEYWORD, keyword, keyword, keyword)]
    assert momentum.counts == counts
    assert (momentum.recent, momentum.earlier) == (recent, earlier)
    assert (momentum.recent_rate, momentum.earlier_rate) == (recent_rate, earlier_rate)
    assert momentum.badge == badge


def test_trend_momentum_counts_articles_per_quarter() -> None:
    settings = dataclasses.replace(Settings(), momentum=MOMENTUM_SETTINGS)
    foresight = build_foresight(build_index(MOMENTUM_FIXTURE), settings)
    [trend] = foresight.trends.trends
    assert {e.placed.entry.name for e in trend.evidence} == {
        "Rise of remote work", "Remote work rise", "The rise of remote work", "Remote Work Rise",
    }
    momentum = foresight.of_trend(trend).momentum
    # Seen in 2023 Q1, 2023 Q4, 2024 Q1 and 2024 Q3: 1 of 3 recent articles, 3 of 7 before.
    assert momentum.counts == (1, 0, 0, 1, 1, 0, 1)
    assert (momentum.recent_rate, momentum.earlier_rate, momentum.badge) == (33.33, 42.86, STEADY)


def test_a_scan_with_no_earlier_period_gives_no_badges() -> None:
    timeline = build_timeline(MOMENTUM_FIXTURE[:2], MOMENTUM_SETTINGS)
    assert momentum_of([datetime.date(2023, 1, 10)] * 3, timeline, MOMENTUM_SETTINGS).badge == STEADY


# ------------------------------------------------------ the built pages

def svg_blocks(html: str) -> list[ET.Element]:
    return [parse_svg(block) for block in svg_texts(html)]


def test_trends_page_lists_every_trend_by_momentum(built_site: Path) -> None:
    html = (built_site / "trends" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<span class="trend-name"><a href="([^"]+)"', html)
    folders = sorted(p.name for p in (built_site / "trends").iterdir() if p.is_dir() and p.name != "page")
    assert folders and sorted(link.strip("/").split("/")[-1] for link in links) == folders
    assert len(svg_blocks(html)) == len(links)


def test_every_trend_page_is_complete_and_linked_from_its_rows(built_site: Path) -> None:
    for folder in sorted((built_site / "trends").iterdir()):
        if not folder.is_dir() or folder.name == "page":
            continue
        html = (folder / "index.html").read_text(encoding="utf-8")
        for heading in ("Evidence", "First seen", "Last seen", "Every row, oldest first", "Why these rows are one trend"):
            assert heading in html, (folder.name, heading)
        row_links = re.findall(r'<th scope="?row"?><a href="([^"]+)"', html)
        assert len(row_links) >= 2
        for link in row_links:
            row_page = (folder / link / "index.html").resolve()
            assert f'href="../../trends/{folder.name}/"' in row_page.read_text(encoding="utf-8"), (folder.name, link)
        for svg in svg_blocks(html):
            assert svg.get("role") == "img" and svg.find("{http://www.w3.org/2000/svg}title") is not None


def test_keyword_and_theme_pages_show_momentum(built_site: Path) -> None:
    for kind in ("keywords", "themes"):
        for folder in sorted((built_site / kind).iterdir()):
            if folder.is_dir():
                html = (folder / "index.html").read_text(encoding="utf-8")
                assert 'class="chart spark"' in html, folder
                assert "per 100 articles" in html
