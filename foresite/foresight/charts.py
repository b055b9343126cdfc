"""Chart geometry: numbers in, coordinates out, for small inline SVG.

The SVG itself is written by the macros of templates/_charts.html, so that
every label from content is autoescaped like any other text; this module
only decides where things go. Colours come from CSS classes (static/style.css)
so charts follow the light and dark themes.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass

LEVELS = 5
"""Shades a heatmap cell or bar can take (CSS classes l1–l5; l0 is empty)."""


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    path: str
    """The line as an SVG path: 'M x y', then 'H x' along a flat run and
    'L x y' elsewhere (most series are flat but for a quarter or two)."""
    recent_x: float
    """Where the recent quarters begin (shaded)."""
    last_x: float
    last_y: float
    summary: str
    """What the chart shows, in words, for its <title>."""


@functools.lru_cache(maxsize=4096)
def sparkline(counts: tuple[int, ...], labels: tuple[str, ...], recent_start: int, width: int = 120, height: int = 28) -> Sparkline:
    """A line of `counts`, one point per quarter, scaled to its own maximum.

    Cached: most keywords share a handful of shapes (one mention, two…)."""
    top = max(counts, default=0) or 1
    step = (width - 4) / max(1, len(counts) - 1)
    xs = [2 + i * step for i in range(len(counts))] or [2.0]
    ys = [height - 3 - (n / top) * (height - 6) for n in counts] or [height - 3.0]
    path = _line_path([_n(x) for x in xs], [_n(y) for y in ys])
    span = f"{labels[0]} to {labels[-1]}" if labels else "no dated articles"
    # The chart's label says what is counted; this says the counts.
    summary = f"{span}: {', '.join(str(n) for n in counts) or 'none'}"
    recent_x = xs[recent_start] - step / 2 if 0 < recent_start < len(xs) else 0.0
    return Sparkline(width, height, path, _n(max(0.0, recent_x)), _n(xs[-1]), _n(ys[-1]), summary)


def _line_path(xs: Sequence[float], ys: Sequence[float]) -> str:
    """Through every (x, y), naming only the ends of each flat run."""
    steps = [f"M{xs[0]} {ys[0]}"]
    for i in range(1, len(xs)):
        if ys[i] != ys[i - 1]:
            steps.append(f"L{xs[i]} {ys[i]}")
        elif i + 1 == len(xs) or ys[i + 1] != ys[i]:
            steps.append(f"H{xs[i]}")
    return "".join(steps)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]
    """(x, text) of the labels under the bars; every bar's when few, else some."""
    top: int
    summary: str
    levels: tuple[tuple[float, int], ...] = ()
    """(y, value) of the scale's lines at the left, for charts of many bars
    (which carry no number over each bar); none for the others."""


def bar_chart(
    values: Sequence[tuple[str, int]], *, height: int = 120, bar_width: int = 24, max_ticks: int = 12,
    ticks: Sequence[tuple[int, str]] | None = None, scale: bool = False,
) -> BarChart:
    """Vertical bars of (label, value), in the given order; `ticks`, as (bar's
    position, text), replace the default labels; `scale` draws value lines."""
    top = max((v for _, v in values), default=0) or 1
    gap = max(2, bar_width // 5)
    plot = height - 20  # room for the labels underneath
    side = 20  # room for the first and last labels, centred under their bars
    bars = tuple(
        Bar(
            x=_n(side + i * (bar_width + gap)),
            y=_n(plot - value / top * (plot - 14)),
            width=bar_width,
            height=_n(value / top * (plot - 14)),
            value=value,
            label=label,
        )
        for i, (label, value) in enumerate(values)
    )
    every = max(1, -(-len(bars) // max_ticks))
    if ticks is None:
        ticks = [(i, b.label) for i, b in enumerate(bars) if i % every == 0]
    placed = tuple((_n(bars[i].x + bar_width / 2), text) for i, text in ticks if 0 <= i < len(bars))
    width = max(1, len(bars) * (bar_width + gap) - gap) + 2 * side
    summary = "; ".join(f"{label}: {value}" for label, value in values)
    steps = sorted({top, (top + 1) // 2, 0}) if scale else []
    levels = tuple((_n(plot - value / top * (plot - 14)), value) for value in steps)
    return BarChart(width, height, bars, placed, top, summary, levels)


def month_ticks(months: Sequence[str], *, apart: int = 6) -> tuple[tuple[int, str], ...]:
    """Labels under a chart of months ('YYYY-MM', consecutive): the year under
    each January, and the first month written out when the first January is
    at least `apart` bars away. A span with fewer than two Januaries gets every
    `apart`-th month instead, so labels never crowd."""
    januaries = [(i, m[:4]) for i, m in enumerate(months) if m.endswith("-01")]
    if len(januaries) < 2:
        return tuple((i, m) for i, m in enumerate(months) if i % apart == 0)
    first = [(0, months[0])] if januaries[0][0] >= apart else []
    return (*first, *januaries)


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    count: int
    level: int
    """0 for an empty cell, else 1–LEVELS by count against the largest."""
    row: int
    column: int


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    cell: int
    left: int
    """Width of the row labels."""
    top: int
    """Height of the column labels."""
    cells: tuple[Cell, ...]
    rows: tuple[tuple[float, object], ...]
    """(y of the label's baseline, the row's item) in order."""
    columns: tuple[tuple[float, object], ...]
    """(x of the label's centre, the column's item)."""
    row_chars: int = 23
    """Characters a row label is cut to (with an ellipsis)."""
    column_chars: int = 18


HEATMAP_ROW_CHARS, HEATMAP_COLUMN_CHARS = 23, 18
"""The longest row and column labels, in characters; longer ones are cut."""
HEATMAP_CHAR = 7.0
"""Width of an average character of the heatmap's 12 px labels, generously."""
SIN_COLUMN, COS_COLUMN = 0.82, 0.58
"""The column labels are turned 55 degrees up from the baseline."""


def heatmap(
    rows: Sequence[object], columns: Sequence[object], counts: Sequence[Sequence[int]], *,
    cell: int = 28, row_chars: int = HEATMAP_ROW_CHARS, column_chars: int = HEATMAP_COLUMN_CHARS,
) -> Heatmap:
    """A grid of `counts[row][column]`, shaded by count, with room for row
    labels of `row_chars` characters at the left and turned column labels of
    `column_chars` above (and reaching right of the last column): no more, so
    that no band stays blank and no label is cut."""
    left = round(row_chars * HEATMAP_CHAR) + 10
    top = round(column_chars * HEATMAP_CHAR * SIN_COLUMN) + 12
    right = max(4, round(column_chars * HEATMAP_CHAR * COS_COLUMN) - cell // 2 + 6)  # labels start 4 past the centre
    largest = max((n for row in counts for n in row), default=0) or 1
    cells = tuple(
        Cell(
            x=left + c * cell,
            y=top + r * cell,
            count=n,
            level=0 if n == 0 else max(1, min(LEVELS, round(LEVELS * n / largest + 0.49))),
            row=r,
            column=c,
        )
        for r, row in enumerate(counts)
        for c, n in enumerate(row)
    )
    return Heatmap(
        width=left + len(columns) * cell + right,
        height=top + len(rows) * cell + 4,
        cell=cell,
        left=left,
        top=top,
        cells=cells,
        rows=tuple((top + r * cell + cell * 0.65, item) for r, item in enumerate(rows)),
        columns=tuple((left + c * cell + cell / 2, item) for c, item in enumerate(columns)),
        row_chars=row_chars,
        column_chars=column_chars,
    )


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    value: int
    date: str


@dataclass(frozen=True)
class DotPlot:
    width: int
    height: int
    dots: tuple[Dot, ...]
    levels: tuple[tuple[float, int], ...]
    """(y, value) of each relevancy line."""
    start: str
    end: str
    summary: str


def relevancy_dots(points: Sequence[tuple[datetime.date, int]], width: int = 320, height: int = 96) -> DotPlot:
    """Relevancy (1–5) against date: the spread of a trend over time."""
    ordinals = [d.toordinal() for d, _ in points]
    low, high = min(ordinals, default=0), max(ordinals, default=0)
    span = max(1, high - low)
    left, right = 18, 8

    def y_of(value: int) -> float:
        return _n(8 + (5 - value) * (height - 24) / 4)

    dots = tuple(
        Dot(_n(left + (d.toordinal() - low) / span * (width - left - right)), y_of(v), v, d.isoformat())
        for d, v in points
    )
    summary = "Relevancy by date: " + "; ".join(f"{d.isoformat()}: {v}" for d, v in points)
    start = points[0][0].isoformat() if points else ""
    end = points[-1][0].isoformat() if points else ""
    return DotPlot(width, height, dots, tuple((y_of(v), v) for v in range(1, 6)), start, end, summary)


def _n(value: float) -> float:
    """Coordinates to one decimal, whole ones without it ('25', not
    '25.0'): short markup, same bytes every build."""
    rounded = round(float(value), 1)
    return int(rounded) if rounded.is_integer() else rounded
