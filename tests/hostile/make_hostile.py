"""Generate the hostile / broken input corpus for foresite's security and robustness tests.

    from tests.hostile.make_hostile import make_hostile_corpus
    described = make_hostile_corpus(tmp_path / "content")   # {filename: description}

Every description starts with ``"hostile: "`` (an otherwise valid article that must
build, with every payload rendered inert) or ``"broken: "`` (a defective file that
must produce a located warning, or be skipped, but never crash or hang the build).
``HOSTILE_PREFIX`` / ``BROKEN_PREFIX`` hold those prefixes.

Nothing here is copied from the real corpus: all prose is generated from a small
word list.  The output is deterministic: the same files, byte for byte, on every
call.  ``include_large=False`` leaves out the few multi-megabyte files (10 MB
summary, 5,000-row table, 100,000-character cell, 1,000-level YAML) for fast runs.

Run as a script to build a corpus and print a summary:

    python -m tests.hostile.make_hostile /tmp/hostile
"""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

try:
    from .payloads import PAYLOADS, URL_PAYLOADS
except ImportError:  # executed as a plain script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from payloads import PAYLOADS, URL_PAYLOADS  # type: ignore[no-redef]

__all__ = [
    "BROKEN_PREFIX",
    "HOSTILE_IDS",
    "HOSTILE_PREFIX",
    "PAYLOADS",
    "URL_PAYLOADS",
    "YAML_RCE_MARKER",
    "make_hostile_corpus",
    "placed_payloads",
    "yaml_quote",
]

HOSTILE_PREFIX = "hostile: "
BROKEN_PREFIX = "broken: "
#: File an unsafe YAML loader would create (fm-yaml-python-tags.md).  Tests: assert it
#: does not exist after a build (and delete it before).
YAML_RCE_MARKER = "/tmp/foresite-yaml-PWNED"

SUBSTACK = "https://kghosh.substack.com/p/"

# ---------------------------------------------------------------------------
# payload pools
# ---------------------------------------------------------------------------
#: payloads that may sit on one physical line of the file (header, bullets, cells).
#: U+2028, \x0b, \x0c, \x85 ... are kept on purpose: str.splitlines() splits on them.
LINE_PAYLOADS = [p for p in PAYLOADS if p and not any(c in p for c in "\n\r\x00")]
#: payloads that need a multi-line context (summary) or YAML escaping (front matter)
MULTI_PAYLOADS = [p for p in PAYLOADS if "\n" in p or "\r" in p]
#: anything that may be written raw into a text file (no NUL)
RAW_PAYLOADS = [p for p in PAYLOADS if p and "\x00" not in p]
URL_LIST = [v for v in URL_PAYLOADS.values() if v]
URL_LINE = [v for v in URL_LIST if "\n" not in v]
TEMPLATE_PAYLOADS = [p for p in LINE_PAYLOADS if any(t in p for t in ("{{", "{%", "{#", "${", "#{", "<%"))]
UNICODE_PAYLOADS = [
    p for p in LINE_PAYLOADS
    if any(ord(c) > 0x7F or ord(c) < 0x20 for c in p.replace("\t", ""))
]
XML_PAYLOADS = [
    p for p in LINE_PAYLOADS
    if any(t in p for t in ("]]>", "CDATA", "&", "<?xml", "<!--", "-->", "\ufffe", "\x0b"))
]


class Dealer:
    """Hands out payloads from a pool in order, cycling; records every placement."""

    def __init__(self, pool: list[str], start: int = 0) -> None:
        assert pool
        self.pool = pool
        self.i = start

    def __call__(self) -> str:
        p = self.pool[self.i % len(self.pool)]
        self.i += 1
        return p

    def take(self, n: int) -> list[str]:
        return [self() for _ in range(n)]


# ---------------------------------------------------------------------------
# benign filler prose (generated, deterministic)
# ---------------------------------------------------------------------------
_WORDS = (
    "urban", "gardens", "grid", "storage", "quiet", "roofs", "river", "sensors", "civic", "ledger",
    "tidal", "markets", "shared", "tools", "rural", "clinics", "open", "maps", "cold", "chains",
    "small", "satellites", "repair", "cafes", "heat", "pumps", "water", "rights", "local", "radio",
    "migrant", "labour", "soil", "data", "night", "trains", "public", "archives", "modular",
    "housing", "seed", "banks", "coastal", "towns",
)


def _words(seed: int, n: int) -> str:
    return " ".join(_WORDS[(seed * 7 + k * 3) % len(_WORDS)] for k in range(n))


def _sentence(seed: int, n: int = 9) -> str:
    s = _words(seed, n)
    return s[0].upper() + s[1:] + "."


def _prose(seed: int, sentences: int = 4) -> str:
    return " ".join(_sentence(seed + k, 8 + (seed + k) % 6) for k in range(sentences))


# ---------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------
def yaml_quote(s: str) -> str:
    """A YAML double-quoted scalar that loads back (yaml.safe_load) to exactly ``s``."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\x00":
            out.append("\\0")
        elif (
            o < 0x20 or 0x7F <= o <= 0x9F or o in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)
            or 0xD800 <= o <= 0xDFFF
        ):
            out.append(f"\\u{o:04x}")
        elif o > 0xFFFF and (o & 0xFFFE) == 0xFFFE:
            out.append(f"\\U{o:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def render_table(columns: list[str], rows: list[list[str]], *, pad: bool = True,
                 align_row: bool = True, right: tuple[str, ...] = ("relevancy",)) -> str:
    ncol = len(columns)
    cells = [[_cell(c) for c in columns]] + [[_cell(c) for c in r] for r in rows]
    widths = [0] * ncol
    if pad:
        for r in cells:
            for k, c in enumerate(r[:ncol]):
                widths[k] = max(widths[k], len(c))
    is_right = [c.strip().lower() in right for c in columns]

    def line(r: list[str]) -> str:
        parts = []
        for k, c in enumerate(r):
            w = widths[k] if k < ncol else 0
            parts.append(" " + (c.rjust(w) if k < ncol and is_right[k] else c.ljust(w)) + " ")
        return "|" + "|".join(parts) + "|"

    out = [line(cells[0])]
    if align_row:
        seps = []
        for k in range(ncol):
            w = max(widths[k], 3)
            seps.append("-" * (w + 1) + ":" if is_right[k] else ":" + "-" * (w + 1))
        out.append("|" + "|".join(seps) + "|")
    out.extend(line(r) for r in cells[1:])
    return "\n".join(out)


def render_header(title: str, origin: str, origin_url: str, form: int) -> str:
    if form == 0:
        return f"# __{title}__, (from page [{origin}]({origin_url}).)"
    return f"# __{title}__, from ([{origin}]({origin_url}).)"


def render_front(fields: dict[str, str | bool]) -> str:
    lines = ["---"]
    for k, v in fields.items():
        if isinstance(v, bool):
            lines.append(f"{k}: {'true' if v else 'false'}")
        elif k == "date":
            lines.append(f"{k}: {v}")
        else:
            lines.append(f"{k}: {yaml_quote(v)}")
    lines.append("---")
    return "\n".join(lines)


def render_article(
    *,
    title: str | None,
    origin: str = "20231111",
    origin_url: str | None = None,
    source: str | None,
    sections: list[tuple[str, str]],
    header_form: int = 0,
    front: str | None = None,
    trailing_newline: bool = False,
) -> str:
    """Sections are (heading, body) pairs, written in the given order."""
    parts: list[str] = []
    if front is not None:
        parts.append(front + "\n")
    if title is not None:
        parts.append(render_header(title, origin, origin_url if origin_url is not None
                                   else SUBSTACK + origin, header_form) + "\n\n")
    if source is not None:
        parts.append(f"__[External link]({source})__\n\n\n\n")
    parts.append("\n\n".join(f"## {h}\n\n{b}" for h, b in sections))
    text = "".join(parts)
    return text + "\n" if trailing_newline else text


def bullets(items: list[str]) -> str:
    return "\n".join(f"* {i}" for i in items)


def closest(links: list[tuple[str, str]]) -> str:
    return "\n".join(f"* [{t}]({u})" for t, u in links)


SIG_NEW = ["name", "description", "change", "10-year", "driving-force", "relevancy"]
SIG_OLD = ["Signal", "Change", "10y horizon", "Driving force"]


# ---------------------------------------------------------------------------
# the payload-carrying article
# ---------------------------------------------------------------------------
class Deck:
    """The dealers one article draws from."""

    def __init__(self, line: list[str], url: list[str], multi: list[str], start: int = 0):
        self.line = Dealer(line, start)
        self.url = Dealer(url, start)
        self.multi = Dealer(multi, start)
        self.any = Dealer(RAW_PAYLOADS, start * 5)


def payload_article(
    aid: str,
    deck: Deck,
    *,
    layout: str = "new",          # "new" | "old"
    variant: str = "rel-all",     # new: rel-all | rel-signals | tech-src | no-concerns
                                  # old: old-cols | new-cols
    header_form: int = 0,
    with_front: bool = False,
    origin_payload: bool = False,
    closest_ids: list[str] | None = None,
    rows: int = 3,
    seed: int = 0,
    relevancy_payloads: bool = False,
    src_payloads: bool = False,
) -> str:
    d, u = deck.line, deck.url
    title = d()
    origin = d() if origin_payload else f"2023{1 + seed % 12:02d}{1 + seed % 28:02d}"
    origin_url = u() if origin_payload else SUBSTACK + origin
    source = u()
    keywords = [_words(seed, 2), d(), _words(seed + 1, 1), d(), d()]
    themes = [d(), _words(seed + 2, 2), d()]

    def rel(i: int) -> str:
        return d() if relevancy_payloads else str(1 + (seed + i) % 5)

    summary = (
        f"{_sentence(seed)} {d()} {_sentence(seed + 1)} [{d()}]({u()}) "
        f"{deck.any()} {_sentence(seed + 2)}\n\n{deck.multi()}\n\n{_sentence(seed + 3)} {deck.any()}"
    )
    sections: list[tuple[str, str]] = []
    if layout == "old":
        sig_cols = SIG_OLD if variant == "old-cols" else SIG_NEW
        sig_rows = [
            [d() for _ in sig_cols[:-1]] + [d() if variant == "old-cols" else rel(i)]
            for i in range(rows)
        ]
        ids = closest_ids or []
        links = [(d(), u()) for _ in range(2)]
        links += [(d(), t) for t in ids]
        links += [(d(), aid)]  # self link
        sections = [
            ("Summary", summary),
            ("Keywords", bullets(keywords)),
            ("Themes", bullets(themes)),
            ("Signals", render_table(sig_cols, sig_rows)),
            ("Closest", closest(links)),
        ]
    else:
        sig_rows = [[d() for _ in range(5)] + [rel(i)] for i in range(rows)]
        sections = [
            ("Keywords", bullets(keywords)),
            ("Themes", bullets(themes)),
            ("Other", f"* Category: {d()}\n* Type: {d()}"),
            ("Summary", summary),
            ("Signals", render_table(SIG_NEW, sig_rows)),
        ]
        with_rel = variant != "rel-signals"
        for sec in ("Concerns", "Behaviors", "Technologies", "Issues"):
            if sec == "Concerns" and variant == "no-concerns":
                continue
            if sec == "Technologies" and variant == "tech-src":
                trows = [[d(), rel(i), d() if src_payloads else aid] for i in range(rows)]
                sections.append((sec, render_table(["description", "relevancy", "src"], trows)))
                continue
            cols = ["name", "description"] + (["relevancy"] if with_rel else [])
            trows = [[d(), d()] + ([rel(i)] if with_rel else []) for i in range(rows)]
            sections.append((sec, render_table(cols, trows)))
    front = None
    if with_front:
        front = render_front({
            "title": deck.any(),
            "date": f"2024-{1 + seed % 12:02d}-{1 + seed % 28:02d}",
            "source": deck.url(),
            "language": d(),
            "category": d(),
            "type": d(),
            "draft": False,
        })
    return render_article(title=title, origin=origin, origin_url=origin_url, source=source,
                          sections=sections, header_form=header_form, front=front,
                          trailing_newline=bool(seed % 2))


def benign_article(seed: int, *, title: str | None = None, layout: str = "new",
                   rows: int = 3, front: str | None = None, source: str | None = None,
                   origin: str | None = None) -> str:
    """A plain, valid article (no payloads) used as the carrier for broken cases."""
    title = title if title is not None else _words(seed, 4).title()
    origin = origin or f"2022{1 + seed % 12:02d}{1 + seed % 28:02d}"
    source = source if source is not None else f"https://example.org/articles/{seed}"
    kw = [_words(seed + k, 2) for k in range(5)]
    th = [_words(seed + 10 + k, 1) for k in range(3)]
    sig_rows = [[_words(seed + i, 3).title(), _sentence(seed + i), _sentence(seed + i + 1, 6),
                 _sentence(seed + i + 2, 7), _sentence(seed + i + 3, 5), str(1 + i % 5)]
                for i in range(rows)]
    if layout == "old":
        sections = [
            ("Summary", _prose(seed)),
            ("Keywords", bullets(kw)),
            ("Themes", bullets(th)),
            ("Signals", render_table(SIG_OLD, [r[:1] + r[2:5] for r in sig_rows])),
            ("Closest", closest([(_words(seed + 3, 3).title(), "00000000000000000000000000000000")])),
        ]
    else:
        sections = [
            ("Keywords", bullets(kw)),
            ("Themes", bullets(th)),
            ("Other", "* Category: technology\n* Type: blog post"),
            ("Summary", _prose(seed)),
            ("Signals", render_table(SIG_NEW, sig_rows)),
            ("Issues", render_table(["name", "description", "relevancy"],
                                    [[_words(seed + i, 2).title(), _sentence(seed + i), str(2 + i % 4)]
                                     for i in range(rows)])),
        ]
    return render_article(title=title, origin=origin, source=source, sections=sections, front=front)


# ---------------------------------------------------------------------------
# hostile file names (ids).  All legal on Linux; several are illegal or collide on
# Windows/macOS, which is the point.
# ---------------------------------------------------------------------------
LONG_200 = ("long-name-" + "0123456789abcdef" * 13)[:200]
LONG_251 = ("longer-name-" + "fedcba9876543210" * 16)[:251]  # 254-byte file name
CAFE_NFC = unicodedata.normalize("NFC", "caf\u00e9")
CAFE_NFD = unicodedata.normalize("NFD", "caf\u00e9")

#: id (file stem) -> what it tests
HOSTILE_IDS: dict[str, str] = {
    "..%2f..%2fetc": "percent-encoded path traversal in the id (decodes to ../../etc)",
    "CON": "Windows reserved device name",
    "aux": "Windows reserved device name, lower case",
    "com1": "Windows reserved device name with digit",
    "Case": "differs from case.md only by case (collides on case-insensitive file systems)",
    "case": "differs from Case.md only by case",
    LONG_200: "200-character id",
    LONG_251: "251-character id: <id>.html would exceed the 255-byte name limit",
    "spaces and \u00fcn\u00efc\u00f8d\u00e9 \u2014 \u65e5\u672c\u8a9e \U0001f680 \u05e2\u05d1\u05e8\u05d9\u05ea":
        "id with spaces, accents, CJK, emoji and Hebrew",
    'x"><svg onload=alert(1)>': "id that is itself an attribute-breakout XSS payload",
    "index": "id that collides with the site's own index page",
    CAFE_NFC: "NFC 'caf\u00e9' (the NFD spelling also exists: same name on macOS)",
    CAFE_NFD: "NFD 'cafe\u0301' (the NFC spelling also exists)",
    "a#b?c&d=e;f": "URL metacharacters (# ? & ; =) in the id",
    ".hidden": "dot-file id (hidden; may be skipped by globbing)",
    "-rf": "leading dash (argument injection if passed to a command)",
    "trailing space ": "id ending in a space (illegal on Windows)",
}


# ---------------------------------------------------------------------------
# the corpus
# ---------------------------------------------------------------------------
def make_hostile_corpus(out: Path, *, include_large: bool = True) -> dict[str, str]:
    """Write the hostile corpus into ``out`` (created if needed).

    Returns ``{filename: description}``; descriptions start with HOSTILE_PREFIX or
    BROKEN_PREFIX.  Deterministic.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    desc: dict[str, str] = {}

    def put(name: str, content: str | bytes, what: str, *, broken: bool = False) -> None:
        assert name not in desc, name
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (out / name).write_bytes(data)
        desc[name] = (BROKEN_PREFIX if broken else HOSTILE_PREFIX) + what

    # one shared deck for the rotating articles so that every payload lands in many
    # different fields across the corpus
    deck = Deck(LINE_PAYLOADS, URL_LINE, MULTI_PAYLOADS)
    target_ids = list(HOSTILE_IDS)

    # --- 1. rotating payload articles ----------------------------------------
    plans = [
        ("new", "rel-all", 0, False, False),
        ("new", "rel-signals", 1, True, False),
        ("old", "old-cols", 0, False, True),
        ("new", "tech-src", 1, False, True),
        ("old", "new-cols", 1, True, False),
        ("new", "no-concerns", 0, True, True),
        ("old", "old-cols", 1, True, True),
        ("new", "rel-all", 1, False, False),
    ]
    for n, (layout, variant, form, front, opay) in enumerate(plans, 1):
        aid = f"h{n:02d}-payloads-{layout}-{variant}"
        text = payload_article(aid, deck, layout=layout, variant=variant, header_form=form,
                               with_front=front, origin_payload=opay, seed=n,
                               closest_ids=target_ids[(n * 3) % len(target_ids):][:4])
        put(aid + ".md", text,
            f"payloads dealt into every field ({layout} layout, {variant}"
            f"{', front matter' if front else ''}{', payload origin' if opay else ''})")

    # --- 2. hostile file names (each also a full payload article) -------------
    for k, (stem, what) in enumerate(HOSTILE_IDS.items()):
        layout = "old" if k % 2 else "new"
        text = payload_article(stem, deck, layout=layout,
                               variant="old-cols" if layout == "old" else "rel-all",
                               header_form=k % 2, seed=20 + k, rows=2,
                               closest_ids=[target_ids[(k + 1) % len(target_ids)]])
        put(stem + ".md", text, f"file name: {what}")

    # --- 3. front matter -----------------------------------------------------
    # NUL / newline / control-character payloads first: they only fit here (YAML-escaped)
    fm_pool = [p for p in PAYLOADS if p not in LINE_PAYLOADS] + LINE_PAYLOADS
    fm_any = Dealer(fm_pool)
    fm_url = Dealer(URL_LIST)
    for n in range(4):
        fields = {
            "title": fm_any(), "date": f"2024-0{n + 1}-1{n}", "source": fm_url(),
            "language": fm_any(), "category": fm_any(), "type": fm_any(), "draft": False,
        }
        text = payload_article(f"fm-payloads-{n}", deck, seed=40 + n, rows=2)
        put(f"fm-payloads-{n}.md", render_front(fields) + "\n" + text,
            "payloads (incl. NUL, newlines, control chars) in every front-matter key, YAML-escaped")

    put("fm-plain-unquoted.md",
        "---\n"
        "title: <script>alert(1)</script> in a plain scalar\n"
        "date: 2023-11-11\n"
        "source: javascript:alert(54)\n"
        "language: <img src=x onerror=alert(24)>\n"
        "category: <svg onload=alert(29)>\n"
        "type: x {{ 7*7 }} ${7*7}\n"
        "draft: no\n"
        "---\n" + payload_article("fm-plain-unquoted", deck, seed=50, rows=2),
        "unquoted YAML plain scalars holding payloads; draft: no (YAML 1.1 boolean)")

    put("fm-yaml-python-tags.md",
        "---\n"
        f'title: !!python/object/apply:os.system ["echo PWNED > {YAML_RCE_MARKER}"]\n'
        "source: !!python/name:os.system\n"
        'language: !!python/object/new:builtins.str ["x"]\n'
        "category: !custom-tag value\n"
        "date: 2023-11-11\n"
        "---\n" + benign_article(51),
        f"python-specific YAML tags: an unsafe loader runs a shell command creating {YAML_RCE_MARKER}",
        broken=True)

    put("fm-yaml-safe-tags.md",
        "---\n"
        "title: !!binary PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\n"
        "source: !!set {javascript:alert(1): null}\n"
        "language: !!omap [{a: 1}, {b: 2}]\n"
        "category: !!float .nan\n"
        "type: !!int 0x1F\n"
        "date: 2023-11-11 10:00:00 +02:00\n"
        "draft: !!str true\n"
        "---\n" + benign_article(52),
        "safe-loader YAML tags giving bytes, set, omap, NaN, int, a datetime date, string 'true'")

    put("fm-type-confusion.md",
        "---\n"
        "title: 2023-01-01\n"
        "date: 20231111\n"
        "source: 12345\n"
        "language: no\n"
        "category: [technology, <script>alert(1)</script>]\n"
        "type: {name: <img src=x onerror=alert(24)>}\n"
        "draft: \"false\"\n"
        "---\n" + benign_article(53),
        "front-matter values of the wrong type: date title, int date/source, bool language, "
        "list, mapping, string draft")

    put("fm-null-values.md",
        "---\ntitle: ~\ndate:\nsource: null\nlanguage: ''\ncategory: \"\"\ntype: []\ndraft: ~\n---\n"
        + benign_article(54),
        "null / empty front-matter values (header line still present)")

    put("fm-only-hand-written.md",
        render_front({"title": "<script>alert(1)</script>Hand-written {{ 7*7 }}",
                      "date": "2024-02-29", "source": "javascript:alert(54)",
                      "language": "fr", "category": "<svg onload=alert(29)>",
                      "type": "\" onmouseover=\"alert(33)", "draft": False})
        + "\n\n" + "\n\n".join(f"## {h}\n\n{b}" for h, b in [
            ("Keywords", bullets(["<img src=x onerror=alert(24)>", "hand written"])),
            ("Themes", bullets(["{% raw %}", "editing"])),
            ("Summary", "Written by hand. <script>alert(1)</script> [x](javascript:alert(115))"),
            ("Signals", render_table(SIG_NEW, [["<b>n</b>", "d", "c", "t", "f", "3"]])),
        ]),
        "hand-written article: front matter supplies everything, no header or source line")

    # --- 4. URL positions ------------------------------------------------------
    url_sections = [
        ("Summary", "Links in every URL form:\n\n" + "\n".join(
            f"{i}. [{name}]({url}) and ![{name}]({url}) and <{url}>"
            for i, (name, url) in enumerate(URL_PAYLOADS.items(), 1))),
        ("Keywords", bullets([f"[{n}]({v})" for n, v in list(URL_PAYLOADS.items())[:10]])),
        ("Themes", bullets([f"<{v}>" for v in URL_LINE[:6]])),
        ("Signals", render_table(SIG_OLD, [[f"[{n}]({v})", v, f"![i]({v})", v]
                                            for n, v in URL_PAYLOADS.items() if "\n" not in v])),
        ("Closest", closest([(name, url) for name, url in URL_PAYLOADS.items() if "\n" not in url])),
    ]
    put("url-positions.md",
        render_article(title="Every URL payload in every link position", origin="20240101",
                       origin_url="javascript:alert(54)", source="JaVaScRiPt:alert(55)",
                       sections=url_sections),
        "all URL_PAYLOADS as source/origin URL, markdown links/images/autolinks, table cells, Closest targets")

    # --- 4b. links in table cells: a cell's links to the site become links ---
    cell_targets = ["h01-payloads-new-rel-all", "h01-payloads-new-rel-all.md", "/h02-payloads-new-rel-signals",
                    "url-positions.html", "../url-positions.md"]
    cell_rows = [[f"cell link {i}", f"[{text}]({cell_targets[i % len(cell_targets)]}) after",
                  f"[{name}]({url}) and [{name}](<{url}>)", f"before [x]({cell_targets[i % len(cell_targets)]}#{text})",
                  f"[{text}](<h01-payloads-new-rel-all#{url}>)", "3"]
                 for i, (text, (name, url)) in enumerate(zip(LINE_PAYLOADS[:40], [(n, v) for n, v in URL_PAYLOADS.items() if "\n" not in v][:40]))]
    put("cell-links.md",
        render_article(title="Links in table cells", origin="20240102", origin_url=SUBSTACK + "20240102",
                       source="https://example.org/cells",
                       sections=[("Summary", "Cells link by id."), ("Signals", render_table(SIG_NEW, cell_rows))]),
        "markdown links in table cells: payloads as link text and fragment to real articles, URL payloads as targets")

    # --- 5. Closest ------------------------------------------------------------
    cl_links = [(d, t) for d, t in zip(LINE_PAYLOADS[:len(HOSTILE_IDS)], HOSTILE_IDS)]
    cl_links += [("self " + str(i), "closest-hostile") for i in range(7)]
    cl_links += [("missing", "ffffffffffffffffffffffffffffffff"),
                 ("traversal", "../../../etc/passwd"), ("dotdot", ".."), ("dot", "."),
                 ("empty", ""), ("with .md", "h01-payloads-new-rel-all.md"),
                 ("upper-case", "H01-PAYLOADS-NEW-REL-ALL"), ("query", "index?x=<script>alert(1)</script>"),
                 ("fragment", "#<img src=x onerror=alert(24)>"),
                 ("[nested [brackets]]", "a](javascript:alert(1)"),
                 ("", "")]
    put("closest-hostile.md",
        render_article(title="Closest links to hostile ids", origin="20230303", source="https://example.org/c",
                       sections=[("Summary", _prose(3)), ("Keywords", bullets(["links"])),
                                 ("Themes", bullets(["ids"])),
                                 ("Signals", render_table(SIG_OLD, [["s", "c", "h", "d"]])),
                                 ("Closest", closest(cl_links))]),
        "Closest: payload link texts, every hostile id as target, 7 self links, missing/traversal/empty targets")

    # --- 6. tables: every column of every table kind -----------------------------
    tdeck = Deck(LINE_PAYLOADS, URL_LINE, MULTI_PAYLOADS, start=17)
    put("tables-old-signals.md",
        payload_article("tables-old-signals", tdeck, layout="old", variant="old-cols", rows=6, seed=70),
        "older layout, Signal/Change/10y horizon/Driving force table, payload in every cell")
    put("tables-tech-src.md",
        payload_article("tables-tech-src", tdeck, variant="tech-src", rows=5, seed=71,
                        relevancy_payloads=True, src_payloads=True),
        "Technologies description/relevancy/src with payloads also in relevancy and src columns")
    put("tables-relevancy-payloads.md",
        payload_article("tables-relevancy-payloads", tdeck, variant="rel-all", rows=4, seed=72,
                        relevancy_payloads=True),
        "payloads in the relevancy column of every table")

    # --- 7. themed articles ------------------------------------------------------------
    put("summary-markdown.md",
        render_article(title="Markdown and raw HTML in the summary", origin="20230404",
                       source="https://example.org/s",
                       sections=[("Keywords", bullets(["markdown"])), ("Themes", bullets(["html"])),
                                 ("Other", "* Category: technology\n* Type: news"),
                                 ("Summary", "\n\n".join(RAW_PAYLOADS)),
                                 ("Signals", render_table(SIG_NEW, [["a", "b", "c", "d", "e", "4"]]))]),
        "summary holding every payload (raw HTML blocks, reference links, section-heading injection)")
    for fname, pool, what in [
        ("template-injection.md", TEMPLATE_PAYLOADS, "Jinja/JS/ERB template syntax in every field"),
        ("unicode-tricks.md", UNICODE_PAYLOADS,
         "U+2028/2029, RTL override, zero-width, fullwidth, homoglyph, ANSI, splitlines breakers in every field"),
        ("xml-breakers.md", XML_PAYLOADS, "]]>, CDATA, XML-undefined entities, XXE, noncharacters in every field"),
    ]:
        tpl = Deck(pool, URL_LINE, MULTI_PAYLOADS)
        body = payload_article(fname[:-3], tpl, variant="rel-all", rows=3, seed=80)
        fm = render_front({"title": pool[0], "date": "2024-03-03", "source": URL_LINE[0],
                           "language": pool[1 % len(pool)], "category": pool[2 % len(pool)],
                           "type": pool[3 % len(pool)], "draft": False})
        put(fname, fm + "\n" + body, what)

    ctrl = "\x1b[31mred\x1b[0m \x07bell \x08backspace \x7fdel \x1b]0;PWNED\x07"
    put("control-chars.md",
        render_front({"title": "log\n[ERROR] forged line\x00nul", "date": "2024-04-04",
                      "source": "https://example.org/\x1b[2J", "language": "en\x00",
                      "category": "\x1b]8;;javascript:alert(1)\x1b\\link\x1b]8;;\x1b\\",
                      "type": "blog post\r\nX-Injected: 1", "draft": False})
        + "\n" + benign_article(90, title=ctrl).replace("technology", "tech\x1b[1mnology"),
        "ANSI/OSC escapes, BEL, BS, DEL, NUL and CR/LF injection into warnings and logs")

    # keywords split one character per bullet, spelling payloads: rejoining recovers them
    spelled = "<script>alert(1)</script>, <img src=x onerror=alert(24)>, {{ 7*7 }}"
    put("split-letters.md",
        render_article(title="Letter-by-letter keywords that spell payloads", origin="20230505",
                       source="https://example.org/split",
                       sections=[("Summary", _prose(5)),
                                 ("Keywords", bullets(list(spelled))),
                                 ("Themes", bullets(list("javascript:alert(54), ok"))),
                                 ("Signals", render_table(SIG_OLD, [["s", "c", "h", "d"]])),
                                 ("Closest", closest([("x", "split-letters")]))]),
        "Keywords/Themes split one character per bullet; rejoining them yields script payloads")

    # --- 8. i18n, punctuation titles, slug collisions ---------------------------------
    ar, he, zh, ja, em = ("\u0627\u0644\u0645\u0633\u062a\u0642\u0628\u0644 \u0627\u0644\u0642\u0631\u064a\u0628",
                          "\u05e2\u05ea\u05d9\u05d3 \u05e7\u05e8\u05d5\u05d1",
                          "\u8fd1\u671f\u672a\u6765\u7684\u4fe1\u53f7",
                          "\u6771\u4eac\u306e\u30b9\u30de\u30fc\u30c8\u30b7\u30c6\u30a3",
                          ("\U0001f680\U0001f30d\U0001f9ea\u2728 \U0001f468\u200d\U0001f469\u200d\U0001f467 "
                           "\U0001f1eb\U0001f1f7"))
    mix = [ar, he, zh, ja, em, f"{ar} {zh} {em}", f"{he} (abc) {ja}"]
    md = Dealer(mix)
    i18n_new = render_article(
        title=f"{ar} \u2014 {zh} {em}", origin="\u0662\u0660\u0662\u0663\u0661\u0661\u0661\u0661",
        origin_url=SUBSTACK + "\u0662\u0660\u0662\u0663\u0661\u0661\u0661\u0661",
        source=("https://\u0645\u062b\u0627\u0644.\u0625\u062e\u062a\u0628\u0627\u0631/"
                "\u8def\u5f84?q=\u65e5\u672c#\u05e2"),
        sections=[
            ("Keywords", bullets(mix)), ("Themes", bullets(mix[:4])),
            ("Other", f"* Category: {ar}\n* Type: {zh}"),
            ("Summary", f"{ar}. {he}. {zh}\u3002{ja}\u3002{em}"),
            ("Signals", render_table(SIG_NEW, [[md(), md(), md(), md(), md(), r]
                                               for r in ("3", "\u0664", "\uff15")])),
            ("Concerns", render_table(["name", "description", "relevancy"], [[md(), md(), "2"]])),
            ("Behaviors", render_table(["name", "description", "relevancy"], [[md(), md(), "3"]])),
            ("Technologies", render_table(["name", "description", "relevancy"], [[md(), md(), "4"]])),
            ("Issues", render_table(["name", "description", "relevancy"], [[md(), md(), "5"]])),
        ])
    put("i18n-new-layout.md",
        render_front({"title": he, "date": "2024-06-06",
                      "source": "https://\u05d3\u05d5\u05d2\u05de\u05d4.\u05d8\u05e1\u05d8/",
                      "language": "ar", "category": zh, "type": ja, "draft": False}) + "\n" + i18n_new,
        "Arabic/Hebrew/CJK/emoji in every field incl. front matter, "
        "Arabic-Indic and fullwidth digits in relevancy/origin")
    put("i18n-old-layout.md",
        render_article(title=f"{he} {ja}", origin="20230606", source="https://example.org/\u4e2d\u6587",
                       sections=[("Summary", f"{he} {zh} {em}"), ("Keywords", bullets(mix)),
                                 ("Themes", bullets(mix[2:])),
                                 ("Signals", render_table(SIG_OLD, [[md(), md(), md(), md()] for _ in range(3)])),
                                 ("Closest", closest([(ar, "\u4e2d\u6587-id"), (em, "i18n-new-layout")]))]),
        "RTL/CJK/emoji in the older layout including Closest text and target")

    put("punct-title.md",
        render_article(title="!!! ??? \u2026 \u2014 \U0001f389\U0001f525\U0001f4af ***", origin="20230707",
                       source="https://example.org/p",
                       sections=[("Keywords", bullets(["...", "\U0001f389", "---", "\u200b"])),
                                 ("Themes", bullets(["!!!", "\u2014"])),
                                 ("Other", "* Category: ???\n* Type: \U0001f4f0"),
                                 ("Summary", _prose(7)),
                                 ("Signals", render_table(SIG_NEW, [["!!!", "d", "c", "t", "f", "3"],
                                                                    ["\U0001f525", "d", "c", "t", "f", "2"]]))]),
        "title and names made only of punctuation/emoji: every slug would be empty")

    same = ["Foo Bar", "foo-bar", "FOO  BAR!", "Foo_Bar", "foo bar ", "F\u00f6o B\u00e4r", "Foo\u00a0Bar",
            "\uff26\uff4f\uff4f \uff22\uff41\uff52", "!!!", "\U0001f600"]
    put("slug-collision.md",
        render_article(title="Foo Bar", origin="20230808", source="https://example.org/slug",
                       sections=[("Keywords", bullets(["AI", "ai", "A.I.", "A I", "\uff21\uff29"])),
                                 ("Themes", bullets(["Climate", "climate", "CLIMATE!"])),
                                 ("Other", "* Category: Technology\n* Type: Blog Post"),
                                 ("Summary", _prose(8)),
                                 ("Signals", render_table(SIG_NEW, [[n, _sentence(i), "c", "t", "f", "3"]
                                                                    for i, n in enumerate(same)])),
                                 ("Technologies", render_table(["name", "description", "relevancy"],
                                                               [[n, "d", "2"] for n in same[:4]]))]),
        "row names, keywords, themes that slugify identically (case, punctuation, NBSP, fullwidth, accents, empty)")

    # =================================================================================
    # broken files
    # =================================================================================
    def broken(name: str, content: str | bytes, what: str) -> None:
        put(name, content, what, broken=True)

    broken("empty.md", b"", "empty file")
    broken("whitespace-only.md", " \n\t\n   \n", "only whitespace")
    broken("only-title.md", render_header("Only A Title", "20230909", SUBSTACK + "20230909", 0),
           "only the header line")
    broken("header-only-no-sections.md", benign_article(200).split("## ")[0],
           "header and source line, no sections at all")
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
           + bytes((i * 37 + 11) % 256 for i in range(4096)) + b"\x00" * 512 + b"IEND\xaeB`\x82")
    broken("binary.md", png, "binary data (PNG signature, NULs, every byte value)")
    good = benign_article(201)
    bad = good.encode("utf-8")
    cut = bad.index(b"## Summary")
    bad = (bad[:10] + b"\xff\xfe" + bad[10:cut] + b"\xc3\x28 \xc0\xaf \xed\xa0\x80 \xf8\x88\x80\x80\x80 "
           + bad[cut:] + b" \xe2\x82")
    broken("invalid-utf8.md", bad,
           "invalid UTF-8: stray FF FE, bad continuation, overlong, surrogate, 5-byte, truncated at EOF")
    broken("bom.md", b"\xef\xbb\xbf" + benign_article(202).encode(), "UTF-8 BOM before the header")
    broken("bom-front-matter.md", b"\xef\xbb\xbf" + (render_front({"title": "BOM then front matter"})
                                                      + "\n" + benign_article(203)).encode(),
           "UTF-8 BOM before a front-matter block")
    broken("utf16.md", benign_article(204).encode("utf-16"), "UTF-16 (LE with BOM) instead of UTF-8")
    broken("crlf.md", benign_article(205).replace("\n", "\r\n"), "CRLF line endings")
    broken("cr-only.md", benign_article(206).replace("\n", "\r"), "CR-only (classic Mac) line endings")
    broken("mixed-newlines.md", "".join(
        ln + ("\r\n", "\n", "\r")[i % 3] for i, ln in enumerate(benign_article(207).split("\n"))),
        "CRLF, LF and CR mixed line by line")

    if include_large:
        chunk = _prose(300, 40) + " "
        reps = (10 * 1024 * 1024) // len(chunk.encode()) + 1
        huge_summary = ("<script>alert(1)</script> " + chunk * reps + " <img src=x onerror=alert(24)>")
        huge = render_article(title="Ten megabyte summary", origin="20231010", source="https://example.org/huge",
                              sections=[("Keywords", bullets(["big"])), ("Themes", bullets(["size"])),
                                        ("Other", "* Category: technology\n* Type: news"),
                                        ("Summary", huge_summary),
                                        ("Signals", render_table(SIG_NEW, [["a", "b", "c", "d", "e", "3"]]))])
        broken("huge-10mb.md", huge, "10 MB file: one giant summary paragraph (payloads at both ends)")
        rows5000 = [[f"Signal {i} {_words(i, 3)}", _sentence(i, 8), _sentence(i + 1, 6),
                     _sentence(i + 2, 7), _sentence(i + 3, 5), str(1 + i % 5)] for i in range(5000)]
        rows5000[4999][0] = "<script>alert(5000)</script>"
        broken("rows-5000.md", benign_article(208).split("## Signals")[0]
               + "## Signals\n\n" + render_table(SIG_NEW, rows5000),
               "Signals table with 5,000 rows (last row carries a payload)")
        big_cell = ("<b>" + ("x" * 99 + " ") * 1000)[:99_992] + "<i>!</i>"
        assert len(big_cell) >= 100_000
        broken("cell-100k.md", benign_article(209).split("## Signals")[0] + "## Signals\n\n"
               + render_table(SIG_NEW, [["big", big_cell, "c", "t", "f", "3"], ["small", "d", "c", "t", "f", "2"]],
                              pad=False),
               "a 100,000-character table cell")
        deep = "---\ntitle: Deep\nnested:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(1000)) \
            + " " * 1001 + "leaf: <script>alert(1)</script>\n---\n"
        broken("yaml-deep-1000.md", deep + benign_article(210), "front matter nested 1000 levels (block mappings)")
    deep_flow = "---\ntitle: " + "[" * 1000 + "x" + "]" * 1000 + "\ncategory: " + "{a: " * 1000 + "b" \
        + "}" * 1000 + "\n---\n"
    broken("yaml-deep-flow.md", deep_flow + benign_article(211),
           "front matter with 1000-level flow lists and mappings (recursion limit)")

    ragged = render_table(SIG_NEW, [["a", "b", "c", "d", "e", "3"]], pad=False).split("\n")
    ragged += ["| too | many | cells | in | this | row | 4 | extra | extra2 |",
               "| too few | 2 |",
               "| one |",
               "||",
               "no | leading | or | trailing | pipe | 3",
               "|   |   |   |   |   |   |",
               "| escaped \\| pipe | b | c | d | e | 5 |"]
    broken("ragged-rows.md", benign_article(212).split("## Signals")[0] + "## Signals\n\n" + "\n".join(ragged),
           "table rows with too many, too few, empty and pipe-less cells")
    no_align = render_table(SIG_NEW, [["a", "b", "c", "d", "e", "3"], ["f", "g", "h", "i", "j", "2"]],
                            align_row=False)
    broken("no-align-row.md", benign_article(213).split("## Signals")[0] + "## Signals\n\n" + no_align,
           "table without the alignment row")
    broken("table-only-header.md", benign_article(214).split("## Signals")[0] + "## Signals\n\n"
           + render_table(SIG_NEW, []), "table with header and alignment row but no data rows")
    dup = benign_article(215)
    broken("duplicate-sections.md", dup + "\n\n" + dup.split("\n\n\n\n", 1)[1]
           + "\n\n## Summary\n\nSecond summary.\n\n## Closest\n\n* [a](b)\n\n## Closest\n\n* [c](d)",
           "every section appears twice (Keywords, Themes, Other, Summary, Signals, Issues, Closest)")
    broken("unknown-sections.md", benign_article(216) + "\n\n## Random Notes\n\n<script>alert(1)</script>\n\n"
           "## signals\n\nlower-case heading\n\n### Summary\n\nlevel-3 heading\n\n##Summary\n\nno space",
           "unknown, lower-case, level-3 and space-less section headings")

    for n in "ab":
        broken(f"same-id-{n}.md",
               render_front({"title": "Same Title Twice", "date": "2024-07-07",
                             "source": "https://example.org/same", "id": "same-id", "slug": "same-id"})
               + "\n" + benign_article(217 if n == "a" else 218, title="Same Title Twice"),
               "two files whose front matter gives the same title, source, id and slug")
    bomb = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for c in "bcdefghi":
        bomb.append(f"{c}: &{c} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = c
    bomb += ["title: *i", "category: *i", "---"]
    broken("yaml-bomb.md", "\n".join(bomb) + "\n" + benign_article(219),
           "billion-laughs YAML (9^9 expansion via anchors/aliases) in front matter")
    broken("yaml-recursive.md", "---\ntitle: &t [*t]\ncategory: &m {self: *m}\n---\n" + benign_article(220),
           "self-referencing YAML anchors (infinite recursion when walked or serialised)")
    broken("fm-list.md", "---\n- title\n- <script>alert(1)</script>\n---\n" + benign_article(221),
           "front matter that is a list")
    broken("fm-scalar.md", "---\njust a string <script>alert(1)</script>\n---\n" + benign_article(222),
           "front matter that is a scalar")
    broken("fm-empty.md", "---\n---\n" + benign_article(223), "empty front-matter block")
    broken("fm-unterminated.md", "---\ntitle: Never closed\ndate: 2024-01-01\n\n" + benign_article(224),
           "front matter that is never closed")
    broken("fm-invalid-yaml.md", "---\ntitle: [unclosed\ncategory: : :\n\t- tab indent\n---\n"
           + benign_article(225), "front matter that is not valid YAML")
    broken("fm-unknown-keys.md",
           "---\ntitle: Unknown keys\ntitle: Duplicate key wins?\nauthor: someone\nlayout: ../../../etc/passwd\n"
           "template: ../../templates/evil.html\npermalink: ../../../../tmp/pwned\noutput: /etc/cron.d/x\n"
           "id: other-id\n__proto__: {polluted: true}\nconstructor: x\n\"title \": trailing space key\n"
           "Title: capitalised\n42: int key\n---\n" + benign_article(226),
           "unknown keys (layout/template/permalink paths, __proto__), duplicate, capitalised and int keys")
    broken("fm-unhashable-key.md", "---\ntitle: Complex key\n? [complex, key]\n: value\n---\n" + benign_article(234),
           "YAML complex (list) key: safe_load raises ConstructorError")
    broken("fm-not-at-start.md", benign_article(227) + "\n\n---\ntitle: Late front matter\n---\n",
           "a front-matter-looking block at the end of the file (and a '---' rule)")
    broken("bad-date.md",
           "---\ntitle: Bad date\ndate: 2023-13-45\n---\n" + benign_article(228, origin="20231345"),
           "impossible date 2023-13-45 in front matter and 20231345 as origin")
    broken("bad-date-feb30.md",
           "---\ndate: 2023-02-30\n---\n" + benign_article(229, origin="20230230"),
           "February 30th in front matter and origin")
    broken("bad-date-text.md",
           "---\ndate: yesterday <script>alert(1)</script>\n---\n" + benign_article(230, origin="2023111"),
           "non-date text as date, 7-digit origin")
    broken("bad-origin.md", benign_article(231, origin="<script>alert(1)</script>"),
           "origin that is a payload, not a date or number")

    rel_vals = ["9", "abc", "-1", "\U0001f600", "", "3.5", "0", "99999999999999999999999", "+3",
                " 4 ", "\u0663", "NaN", "1e3", "\uff15", "3 <script>alert(1)</script>"]
    rel_rows = [[f"Row {v!r}", "d", "c", "t", "f", v] for v in rel_vals]
    broken("bad-relevancy.md",
           benign_article(232).split("## Signals")[0] + "## Signals\n\n" + render_table(SIG_NEW, rel_rows)
           + "\n\n## Issues\n\n" + render_table(["name", "description", "relevancy"],
                                                 [[f"Issue {v!r}", "d", v] for v in rel_vals]),
           "relevancy 9, abc, -1, emoji, empty, 3.5, 0, huge, +3, padded, Arabic-Indic and fullwidth digits, NaN")
    broken("bad-other.md", benign_article(233).replace(
        "* Category: technology\n* Type: blog post",
        "* Category:\n* Type\n* Category: twice\n* Unknown: field\n* : empty key\n* Type: " + "x" * 500),
           "Other section with empty, missing-colon, repeated and unknown entries")

    redos_sections = [
        ("Keywords", bullets(["[" * 5000, "*a" * 3000, "_" * 5000])),
        ("Themes", bullets(["<" * 5000, "&" * 5000 + ";"])),
        ("Other", "* Category: technology\n* Type: news"),
        ("Summary", "[" * 5000 + "](" * 2000 + "\n\n" + ">" * 3000 + " deep quote\n\n"
         + "".join("  " * i + "* level\n" for i in range(300)) + "\n" + "*a **" * 3000
         + "\n\n" + "`" * 5000 + "\n\n" + "<!--" * 2000 + "\n\n" + "![" * 3000),
        ("Signals", render_table(SIG_NEW, [["|" * 2000, "\\" * 2000, "(" * 2000, ")" * 2000, "_" * 2000, "3"]])),
    ]
    broken("redos.md",
           render_article(title="_" * 5000 + "__, from ([" * 50, origin="2" * 5000, source="(" * 5000,
                          sections=redos_sections),
           "pathological nesting for regexes / markdown: 5,000 brackets, underscores, quotes, nested lists")

    return desc


# ---------------------------------------------------------------------------
# helpers for tests
# ---------------------------------------------------------------------------
def placed_payloads(out: Path) -> list[str]:
    """Payloads (from PAYLOADS) found in the files under ``out``, in PAYLOADS order.

    A payload counts if it occurs verbatim, in table-cell form (``|`` escaped), or as a
    YAML double-quoted value.  The empty payload is never counted.
    """
    texts = []
    for p in sorted(Path(out).iterdir()):
        if p.is_file():
            texts.append(p.read_bytes().decode("utf-8", errors="replace"))
    blob = "\n\x00\n".join(texts)
    found = []
    for pl in PAYLOADS:
        if not pl:
            continue
        forms = {pl, _cell(pl), yaml_quote(pl)[1:-1]}
        if any(f in blob for f in forms):
            found.append(pl)
    return found


def _main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "/tmp/hostile")
    described = make_hostile_corpus(out, include_large="--small" not in argv)
    size = sum((out / n).stat().st_size for n in described)
    nb = sum(1 for d in described.values() if d.startswith(BROKEN_PREFIX))
    print(f"{len(described)} files ({len(described) - nb} hostile, {nb} broken), {size:,} bytes in {out}")
    print(f"{len(placed_payloads(out))}/{len(PAYLOADS)} payloads placed")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv))
