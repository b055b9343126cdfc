"""Generate a synthetic corpus in the scanned-article format, shaped like the real scan.

    python bench/make_corpus.py N OUTDIR [--seed S]

Same N and seed give identical bytes: one seeded RNG is consumed in a fixed order, and every
collection iterated is a tuple or list, never a set. The shape (rows per table, keyword
spread, format variants and their shares) follows FORMAT.md and the real sample, so a build
of this corpus costs what a build of the real scan would at the same size.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import hashlib
import itertools
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

try:
    from bench import words as W
except ModuleNotFoundError:  # run as a script: bench/ itself is on sys.path
    import words as W  # type: ignore[no-redef]

# ---- shares of each variant; the comments say where the number comes from ---------------

OLD_LAYOUT_SHARE = 0.30  # brief: ~30% of articles use the older layout
FRENCH_SHARE = 0.08  # several of 30 sample files are French or mixed
NUMERIC_ORIGIN_SHARE = 0.01  # `4320.0`-style origins: 3 of 30 samples, rarer across the scan
FUTURE_ORIGIN_SHARE = 0.002  # one `20290911` seen
SPACED_ORIGIN_SHARE = 0.003  # `[20250504 ]`
D_SUFFIX_SHARE = 0.02  # `20250511d`, only in 2025-2026 issues
YEARLY_REVIEW_SHARE = 0.004  # `20251231-a-yearly-review`
LETTER_SPLIT_SHARE = 0.002  # the defect is very rare across the whole scan
SELF_LINK_SHARE = 0.03  # of older articles, whose Closest lists link to themselves
DANGLING_LINK_SHARE = 0.03  # of Closest links, ids that are not in the corpus
RELEVANCY_EVERYWHERE_SHARE = 0.6  # 45 of 77 name/description tables carry relevancy
SRC_TECH_SHARE = 0.2  # of files with relevancy everywhere, `description, relevancy, src`
SPECIFIC_KEYWORD_SHARE = 0.03  # keyword slots taken by names (people, labs, places)
TRAILING_SPACE_SHARE = 0.05  # FORMAT.md: lines may carry trailing spaces
TITLE_CASE_KEYWORD_SHARE = 0.015  # "Climate Change" beside "climate change", as seen

# Mean rows per table where the table is there; each table varies around it, with rare long
# tables. The brief's 5 signals, 4 concerns, 5 behaviors, 4 technologies and 5 issues are per
# article over all articles, as in the sample (5.5, 3.6, 4.9, 3.7, 4.6 over its 30 files); only
# about two articles in three have the last four tables (the older layout has signals alone),
# so where they are there they hold more rows, as in the sample (6.3, 7.0, 5.3, 6.5).
MEAN_ROWS = {"Signals": 5.3, "Concerns": 6.3, "Behaviors": 7.0, "Technologies": 5.6,
             "Issues": 7.0}
RECURRENCE = {"Signals": 0.15, "Concerns": 0.07, "Behaviors": 0.07, "Technologies": 0.08,
              "Issues": 0.07}  # chance a row name is one seen in an earlier article
RELEVANCY_WEIGHTS = ((2, 2), (3, 16), (4, 50), (5, 32))
KEYWORD_COUNT_WEIGHTS = ((5, 14), (6, 12), (7, 11), (8, 8), (9, 8), (10, 25), (11, 6),
                         (12, 6), (13, 5), (14, 5))
THEME_COUNT_WEIGHTS = ((3, 25), (4, 15), (5, 48), (6, 12))
CLOSEST_COUNT_WEIGHTS = ((4, 10), (5, 40), (6, 5), (8, 5), (10, 40))

ORIGIN_URL = "https://horizon-scan.example.net/p/{}"
FIRST_ISSUE = datetime.date(2022, 6, 5)
LAST_ISSUE = datetime.date(2026, 4, 26)
OLD_LAYOUT_END = datetime.date(2024, 3, 3)
NEW_LAYOUT_START = datetime.date(2022, 10, 2)


# ---- weighted and long-tailed draws ------------------------------------------------------

def weighted(rng: random.Random, pairs: tuple[tuple[int, int], ...]) -> int:
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


class ZipfVocabulary:
    """Terms drawn with Zipf-Mandelbrot weights (rank + q) ** -s over a fixed ranking.

    The offset q flattens the head, so the top term stays under a few percent of articles
    while the tail still yields thousands of distinct terms.
    """

    def __init__(self, terms: list[str], s: float, q: float) -> None:
        self.terms = terms
        weights = [(rank + q) ** -s for rank in range(1, len(terms) + 1)]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> str:
        point = rng.random() * self.cumulative[-1]
        return self.terms[bisect.bisect_right(self.cumulative, point)]


def unique_in_order(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def build_keyword_ranking(rng: random.Random) -> list[str]:
    # The scan's perennial terms lead; combinations fill a long tail in shuffled order.
    topic_nouns = [n for nouns in W.TOPIC_NOUNS.values() for n in nouns]
    tail = [f"{a} {h}" for a in W.ADJECTIVES for h in W.HEAD_NOUNS]
    tail += [f"{a} {n}" for a in W.ADJECTIVES for n in topic_nouns]
    rng.shuffle(tail)
    return unique_in_order(list(W.COMMON_KEYWORDS) + topic_nouns + tail)


def build_theme_ranking(rng: random.Random) -> list[str]:
    tail = [f"{m} {t}" for m in W.THEME_MODIFIERS for t in W.THEMES_BASE]
    rng.shuffle(tail)
    return unique_in_order(list(W.THEMES_BASE) + tail)


def build_french_ranking(rng: random.Random) -> list[str]:
    tail = [f"{head} {adjective[feminine]}" for head, feminine in W.FRENCH_HEADS
            for adjective in W.FRENCH_ADJECTIVES]
    rng.shuffle(tail)
    return unique_in_order(list(W.FRENCH_KEYWORDS) + tail)


@dataclass(frozen=True)
class Vocabularies:
    keywords: ZipfVocabulary
    themes: ZipfVocabulary
    french_keywords: ZipfVocabulary
    french_themes: ZipfVocabulary


def build_vocabularies(rng: random.Random) -> Vocabularies:
    # s and q were tuned with corpus_stats.py so that N=3000 gives ~2.5 distinct keywords
    # per article and a top keyword in under 3% of articles.
    return Vocabularies(
        keywords=ZipfVocabulary(build_keyword_ranking(rng), s=1.7, q=350.0),
        themes=ZipfVocabulary(build_theme_ranking(rng), s=1.2, q=8.0),
        french_keywords=ZipfVocabulary(build_french_ranking(rng), s=0.9, q=10.0),
        french_themes=ZipfVocabulary(list(W.FRENCH_THEMES), s=1.0, q=2.0),
    )


# ---- sentences ---------------------------------------------------------------------------

def title_case(text: str) -> str:
    # Capitalise each word but keep acronyms and inner capitals (AI, RISC-V, ChatGPT).
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


class Slots(dict[str, str]):
    """Template slots filled on first use, so a template consumes only the draws it needs."""

    def __init__(self, rng: random.Random, topic: str, french: bool = False) -> None:
        super().__init__()
        self.rng = rng
        self.topic = topic
        self.french = french

    def noun_phrase(self) -> str:
        rng = self.rng
        if self.french:
            return rng.choice(W.FRENCH_NOUNS)
        roll = rng.random()
        if roll < 0.5:
            return rng.choice(W.TOPIC_NOUNS[self.topic])
        if roll < 0.8:
            return f"{rng.choice(W.ADJECTIVES)} {rng.choice(W.HEAD_NOUNS)}"
        return f"{rng.choice(W.ADJECTIVES)} {rng.choice(W.TOPIC_NOUNS[self.topic])}"

    def figure(self) -> str:
        return self.rng.choice(W.FIGURES).format(n=self.rng.choice((3, 12, 40, 70, 150, 700)))

    def __missing__(self, key: str) -> str:
        value = self.make(key)
        self[key] = value
        return value

    def make(self, key: str) -> str:
        rng = self.rng
        base = key.rstrip("0123456789")
        if base in ("np", "Np"):
            phrase = self.noun_phrase()
            if base == "np":
                return phrase
            # French titles capitalise only their first word.
            return capitalise(phrase) if self.french else title_case(phrase)
        if base in ("v", "V", "vg", "Vg"):
            verb = rng.choice(W.VERBS)[1 if base.lower() == "vg" else 0]
            return capitalise(verb) if base[0] == "V" else verb
        if base == "place":
            return rng.choice(W.FRENCH_PLACES if self.french else W.PLACES)
        if base == "fig":
            return self.figure()
        if base == "A":
            return rng.choice(W.ACTORS)
        if base == "a_lower":
            return rng.choice(W.ACTORS).lower()
        if base == "Adj":
            return capitalise(rng.choice(W.ADJECTIVES))
        if base == "Head":
            return title_case(rng.choice(W.HEAD_NOUNS))
        raise KeyError(key)


def fill(template: str, slots: Slots) -> str:
    return template.format_map(slots)


def sentence(rng: random.Random, topic: str, templates: tuple[str, ...], low: int, high: int,
             french: bool = False) -> str:
    """One sentence near a target length in [low, high], lengthened clause by clause."""
    target = rng.randint(low, high)
    text = fill(rng.choice(templates), Slots(rng, topic, french))
    # French sentences have no clause list of their own; English clauses would mix languages.
    while len(text) < target - 10 and not french:
        longer = text + ", " + fill(rng.choice(W.CLAUSES), Slots(rng, topic))
        if len(longer) > high:
            break
        text = longer
    return capitalise(text) + "."


def description(rng: random.Random, topic: str, french: bool = False) -> str:
    # The real tables' descriptions run 53-180 characters, median ~116.
    templates = W.FRENCH_TEMPLATES if french else W.DESCRIPTION_TEMPLATES
    return sentence(rng, topic, templates, 85, 150, french)


def summary(rng: random.Random, topic: str, french: bool) -> str:
    target = max(450, min(1100, int(rng.gauss(730, 110))))
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < target:
        parts.append(description(rng, topic, french))
    # Some upstream lines carry trailing spaces; the summary is where they turn up.
    return " ".join(parts) + (" " if rng.random() < TRAILING_SPACE_SHARE else "")


# ---- article plans: what other articles need before any is written -----------------------

@dataclass(frozen=True)
class Plan:
    index: int
    id: str
    title: str
    topic: str
    french: bool
    old_layout: bool
    issue: datetime.date


def article_id(seed: int, index: int) -> str:
    return hashlib.md5(f"foresite-bench/{seed}/{index}".encode()).hexdigest()


def weekly_issues(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    weeks = (end - start).days // 7
    return [start + datetime.timedelta(weeks=w) for w in range(weeks + 1)]


def draw_issue(rng: random.Random, old_layout: bool) -> datetime.date:
    if old_layout:
        issues = weekly_issues(FIRST_ISSUE, OLD_LAYOUT_END)
        # The older layout fades out: most of its articles are from the scan's first year.
        return issues[int(len(issues) * rng.random() ** 1.5)]
    return rng.choice(weekly_issues(NEW_LAYOUT_START, LAST_ISSUE))


def draw_title(rng: random.Random, topic: str, french: bool) -> str:
    templates = W.FRENCH_TITLE_TEMPLATES if french else W.TITLE_TEMPLATES
    title = capitalise(fill(rng.choice(templates), Slots(rng, topic, french)))
    # A few titles start in lower case, as the pipeline sometimes kept the source's case.
    return title[:1].lower() + title[1:] if rng.random() < 0.02 else title


def draw_topic(rng: random.Random) -> str:
    names, weights = zip(*W.CATEGORY_WEIGHTS)
    return rng.choices(names, weights=weights)[0]


def make_plans(rng: random.Random, n: int, seed: int) -> list[Plan]:
    plans = []
    for index in range(n):
        topic = draw_topic(rng)
        french = rng.random() < FRENCH_SHARE
        old_layout = rng.random() < OLD_LAYOUT_SHARE
        plans.append(Plan(index, article_id(seed, index), draw_title(rng, topic, french),
                          topic, french, old_layout, draw_issue(rng, old_layout)))
    return plans


# ---- header and source line --------------------------------------------------------------

def draw_origin(rng: random.Random, plan: Plan) -> tuple[str, bool]:
    """The origin label and whether it forces the `from ([…](…).)` header form."""
    roll = rng.random()
    stamp = plan.issue.strftime("%Y%m%d")
    # Each odd form takes its own slice of [0, 1); the rest keep the plain date.
    numeric = NUMERIC_ORIGIN_SHARE
    future = numeric + FUTURE_ORIGIN_SHARE
    spaced = future + SPACED_ORIGIN_SHARE
    review = spaced + YEARLY_REVIEW_SHARE
    if roll < numeric and not plan.old_layout:
        return f"{rng.randint(3000, 16000)}.0", True
    if numeric <= roll < future:
        return f"2029{plan.issue.strftime('%m%d')}", plan.old_layout
    if future <= roll < spaced:
        return stamp + " ", plan.old_layout
    if spaced <= roll < review:
        return f"{rng.choice((2023, 2024, 2025))}1231-a-yearly-review", False
    if plan.issue.year >= 2025 and rng.random() < D_SUFFIX_SHARE:
        return stamp + "d", False
    return stamp, plan.old_layout


def header(rng: random.Random, plan: Plan) -> str:
    origin, paren_form = draw_origin(rng, plan)
    # A few files of each layout use the other header form.
    if rng.random() < 0.03:
        paren_form = not paren_form
    link = f"[{origin}]({ORIGIN_URL.format(origin)})"
    if paren_form:
        return f"# __{plan.title}__, from ({link}.)"
    return f"# __{plan.title}__, (from page {link}.)"


def slug_words(rng: random.Random, plan: Plan) -> str:
    words = [w.strip(":“”’,") for w in plan.title.lower().split()]
    return "-".join(w for w in words if w)[: rng.randint(30, 90)].strip("-")


def source_url(rng: random.Random, plan: Plan) -> str:
    domain = rng.choice(W.URL_DOMAINS)
    path = f"{plan.issue.year}/{plan.issue.month:02d}/{slug_words(rng, plan)}"
    roll = rng.random()
    if domain == "en.wikipedia.org":
        # Wikipedia titles bring parentheses and percent-encoding into URLs.
        name = title_case(rng.choice(W.TOPIC_NOUNS[plan.topic])).replace(" ", "_")
        return f"https://{domain}/wiki/{name}_(concept)" if roll < 0.5 else \
            f"https://{domain}/wiki/{name}%E2%80%93Caf%C3%A9"
    if roll < 0.25:
        return f"https://{domain}/{path}?utm_source=newsletter&utm_medium=email"
    if roll < 0.30:
        token = hashlib.sha256(plan.id.encode()).hexdigest() * 4
        return f"https://{domain}/{path}?token={token}&ref=scan&sig={token[:40]}"
    if roll < 0.32:
        return f"https://horizon-scan.example.net/t/{path.rsplit('/', 1)[-1][:30]}"
    return f"https://{domain}/{path}"


# ---- tags --------------------------------------------------------------------------------

def specific_name(rng: random.Random) -> str:
    # People, labs and places named by one article only: much of the real keyword tail.
    surname = "".join(rng.choice(W.NAME_SYLLABLES) for _ in range(rng.randint(2, 3)))
    roll = rng.random()
    if roll < 0.5:
        return f"{rng.choice(W.FIRST_NAMES)} {capitalise(surname)}"
    if roll < 0.85:
        return f"{capitalise(surname)} {rng.choice(W.ORG_SUFFIXES)}"
    return rng.choice(W.PLACES)


def draw_keywords(rng: random.Random, vocab: Vocabularies, french: bool) -> list[str]:
    count = weighted(rng, KEYWORD_COUNT_WEIGHTS)
    source = vocab.french_keywords if french else vocab.keywords
    chosen: list[str] = []
    while len(chosen) < count:
        if rng.random() < SPECIFIC_KEYWORD_SHARE:
            term = specific_name(rng)
        else:
            term = source.draw(rng)
            if rng.random() < TITLE_CASE_KEYWORD_SHARE:
                term = title_case(term)
        if term not in chosen:
            chosen.append(term)
    return chosen


def draw_themes(rng: random.Random, vocab: Vocabularies, french: bool) -> list[str]:
    count = weighted(rng, THEME_COUNT_WEIGHTS)
    source = vocab.french_themes if french else vocab.themes
    chosen: list[str] = []
    while len(chosen) < count:
        term = source.draw(rng)
        if not french and rng.random() < 0.002:
            term = rng.choice(W.SPANISH_THEMES)  # one sample file has a Spanish theme
        if term not in chosen:
            chosen.append(term)
    return chosen


def bullet_list(terms: list[str], split_letters: bool) -> str:
    if split_letters:
        # The defect: a comma-joined string listed one character per bullet.
        return "\n".join(f"* {ch}" for ch in ",".join(terms))
    return "\n".join(f"* {t}" for t in terms)


# ---- tables ------------------------------------------------------------------------------

def pipe_table(headers: list[str], rows: list[list[str]], numeric: set[str]) -> str:
    """A table laid out like tabulate's "pipe" format, which the scan's pipeline used."""
    widths = [max([len(h) + 2] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        padded = [c.rjust(w) if h in numeric else c.ljust(w)
                  for c, w, h in zip(cells, widths, headers)]
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * (w + 1) + ":" if h in numeric else ":" + "-" * (w + 1)
            for w, h in zip(widths, headers)]
    return "\n".join([line(headers), "|" + "|".join(rule) + "|"] + [line(r) for r in rows])


def row_count(rng: random.Random, section: str) -> int:
    if rng.random() < 0.02:
        return rng.randint(9, 14)  # the rare long table
    return max(1, min(14, round(rng.gauss(MEAN_ROWS[section], 1.1))))


def vary_name(rng: random.Random, name: str) -> str:
    # "The same signal, seen again" is rarely spelled exactly the same way.
    variant = rng.randrange(5)
    if variant == 0:
        return capitalise(name.lower())
    if variant == 1:
        return name + "s" if not name.endswith("s") else name[:-1]
    if variant == 2:
        return "Growing " + name if not name.startswith("Growing ") else name[8:]
    if variant == 3:
        return "The " + name
    return name


@dataclass
class History:
    """Row names already used, per section: later articles see the same signals again."""

    names: dict[str, list[str]] = field(default_factory=dict)

    def row_name(self, rng: random.Random, section: str, fresh: str) -> str:
        seen = self.names.setdefault(section, [])
        if seen and rng.random() < RECURRENCE[section]:
            # A power of u favours early names: a few signals recur many times over the years.
            name = seen[int(len(seen) * rng.random() ** 1.5)]
            return vary_name(rng, name) if rng.random() < 0.4 else name
        seen.append(fresh)
        return fresh


@dataclass(frozen=True)
class TableStyle:
    relevancy_everywhere: bool
    src_technologies: bool
    french_sections: frozenset[str]


def relevancy(rng: random.Random) -> str:
    return str(weighted(rng, RELEVANCY_WEIGHTS))


def fresh_name(rng: random.Random, plan: Plan, templates: tuple[str, ...]) -> str:
    return capitalise(fill(rng.choice(templates), Slots(rng, plan.topic)))


def short_cell(rng: random.Random, plan: Plan, templates: tuple[str, ...]) -> str:
    return sentence(rng, plan.topic, templates, 30, 70)[:-1]  # old cells carry no full stop


def old_signals(rng: random.Random, plan: Plan, history: History) -> str:
    rows = []
    for _ in range(row_count(rng, "Signals")):
        name = history.row_name(rng, "Signals", fresh_name(rng, plan, W.SIGNAL_NAME_TEMPLATES))
        change = rng.choice(W.CHANGE_CATEGORIES) if rng.random() < 0.7 else \
            short_cell(rng, plan, W.CHANGE_TEMPLATES)
        rows.append([name, change, short_cell(rng, plan, W.HORIZON_TEMPLATES),
                     short_cell(rng, plan, W.DRIVER_TEMPLATES)])
    return pipe_table(["Signal", "Change", "10y horizon", "Driving force"], rows, set())


def new_signals(rng: random.Random, plan: Plan, history: History, french: bool) -> str:
    rows = []
    for _ in range(row_count(rng, "Signals")):
        name = history.row_name(rng, "Signals", fresh_name(rng, plan, W.SIGNAL_NAME_TEMPLATES))
        rows.append([
            name, description(rng, plan.topic, french),
            sentence(rng, plan.topic, W.CHANGE_TEMPLATES, 70, 110),
            sentence(rng, plan.topic, W.HORIZON_TEMPLATES, 80, 120),
            sentence(rng, plan.topic, W.DRIVER_TEMPLATES, 75, 115),
            relevancy(rng),
        ])
    headers = ["name", "description", "change", "10-year", "driving-force", "relevancy"]
    return pipe_table(headers, rows, {"relevancy"})


def named_table(rng: random.Random, plan: Plan, history: History, section: str,
                style: TableStyle) -> str:
    french = section in style.french_sections
    if section == "Technologies" and style.src_technologies:
        rows = [[description(rng, plan.topic, french), relevancy(rng), plan.id]
                for _ in range(row_count(rng, section))]
        return pipe_table(["description", "relevancy", "src"], rows, {"relevancy"})
    templates = W.ROW_NAME_TEMPLATES[section.lower()]
    rows = []
    for _ in range(row_count(rng, section)):
        name = history.row_name(rng, section, fresh_name(rng, plan, templates))
        row = [name, description(rng, plan.topic, french)]
        rows.append(row + [relevancy(rng)] if style.relevancy_everywhere else row)
    headers = ["name", "description"] + (["relevancy"] if style.relevancy_everywhere else [])
    return pipe_table(headers, rows, {"relevancy"})


# ---- whole articles ----------------------------------------------------------------------

def section(title: str, body: str) -> str:
    return f"## {title}\n\n{body}"


def closest_links(rng: random.Random, plan: Plan, plans: list[Plan]) -> str:
    links = []
    self_links = rng.randint(1, 7) if rng.random() < SELF_LINK_SHARE else 0
    for position in range(weighted(rng, CLOSEST_COUNT_WEIGHTS)):
        if position < self_links:
            target_id, title = plan.id, plan.title
        elif rng.random() < DANGLING_LINK_SHARE:
            target_id = hashlib.md5(f"missing/{plan.id}/{position}".encode()).hexdigest()
            title = draw_title(rng, plan.topic, False)
        else:
            target = rng.choice(plans)
            target_id, title = target.id, target.title
        links.append(f"* [{title}]({target_id})")
    return "\n".join(links)


def missing_sections(rng: random.Random, plan: Plan) -> set[str]:
    if rng.random() < 0.03:
        return {"Concerns", "Behaviors", "Technologies", "Issues"}  # signals-only files
    # Concerns arrived late: many 2023-era files of the newer layout lack them.
    missing = {"Concerns"} if plan.issue.year <= 2023 and rng.random() < 0.4 else set()
    return missing | {s for s in ("Behaviors", "Technologies", "Issues") if rng.random() < 0.02}


def table_style(rng: random.Random, plan: Plan) -> TableStyle:
    everywhere = rng.random() < RELEVANCY_EVERYWHERE_SHARE
    # French articles mix languages section by section; technologies most often.
    french = frozenset(s for s, p in (("Technologies", 0.5), ("Signals", 0.2), ("Concerns", 0.2),
                                      ("Behaviors", 0.2), ("Issues", 0.2))
                       if plan.french and rng.random() < p)
    return TableStyle(everywhere, everywhere and rng.random() < SRC_TECH_SHARE, french)


@dataclass(frozen=True)
class Context:
    vocab: Vocabularies
    plans: list[Plan]
    history: History


def tag_sections(rng: random.Random, plan: Plan, vocab: Vocabularies) -> tuple[str, str]:
    split = rng.random() < LETTER_SPLIT_SHARE
    keywords = bullet_list(draw_keywords(rng, vocab, plan.french), split)
    return section("Keywords", keywords), section("Themes", bullet_list(
        draw_themes(rng, vocab, plan.french), split))


def old_article_sections(rng: random.Random, plan: Plan, ctx: Context) -> list[str]:
    keywords, themes = tag_sections(rng, plan, ctx.vocab)
    return [section("Summary", summary(rng, plan.topic, plan.french)), keywords, themes,
            section("Signals", old_signals(rng, plan, ctx.history)),
            section("Closest", closest_links(rng, plan, ctx.plans))]


def new_article_sections(rng: random.Random, plan: Plan, ctx: Context) -> list[str]:
    keywords, themes = tag_sections(rng, plan, ctx.vocab)
    other = f"* Category: {plan.topic}\n* Type: {_draw_type(rng)}"
    style = table_style(rng, plan)
    parts = [keywords, themes, section("Other", other),
             section("Summary", summary(rng, plan.topic, plan.french)),
             section("Signals", new_signals(rng, plan, ctx.history,
                                            "Signals" in style.french_sections))]
    missing = missing_sections(rng, plan)
    for name in ("Concerns", "Behaviors", "Technologies", "Issues"):
        if name not in missing:
            parts.append(section(name, named_table(rng, plan, ctx.history, name, style)))
    return parts


def _draw_type(rng: random.Random) -> str:
    names, weights = zip(*W.TYPE_WEIGHTS)
    return rng.choices(names, weights=weights)[0]


def render_article(rng: random.Random, plan: Plan, ctx: Context) -> str:
    head = header(rng, plan)
    source = f"__[External link]({source_url(rng, plan)})__"
    body = old_article_sections(rng, plan, ctx) if plan.old_layout else \
        new_article_sections(rng, plan, ctx)
    # Upstream files: a blank line after the header, three after the source line, and no
    # newline at the very end.
    return f"{head}\n\n{source}\n\n\n\n" + "\n\n".join(body)


def make_corpus(n: int, out: Path, seed: int = 1) -> None:
    """Write n articles as out/<id>.md; the same n and seed always give the same bytes."""
    rng = random.Random(seed)
    vocab = build_vocabularies(rng)
    plans = make_plans(rng, n, seed)
    ctx = Context(vocab, plans, History())
    out.mkdir(parents=True, exist_ok=True)
    for plan in plans:
        text = render_article(rng, plan, ctx)
        (out / f"{plan.id}.md").write_bytes(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    make_corpus(args.n, args.outdir, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
