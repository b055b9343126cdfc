"""PNG and ICO copies of static/favicon.svg, drawn at build time.

Browsers without SVG favicons (older Safari), iOS home screens and link
previews want a bitmap. The three shapes of favicon.svg are drawn here with
analytic anti-aliasing (coverage from the distance to each shape's edge),
which needs no imaging library and takes a few milliseconds.
"""

from __future__ import annotations

import functools
import math
import struct
import zlib
from dataclasses import dataclass

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Disc:
    cx: float
    cy: float
    r: float
    colour: Colour


@dataclass(frozen=True)
class Arch:
    """The stroke of a quadratic Bézier from (x0, y) through control (xc, yc)
    to (x1, y), with xc halfway: a parabola, so y is a function of x."""

    x0: float
    x1: float
    y: float
    yc: float
    width: float
    colour: Colour


# The shapes of static/favicon.svg, in its 32×32 viewBox, in paint order;
# tests/test_publish.py checks that the SVG still holds these numbers.
SHAPES: tuple[Disc | Arch, ...] = (
    Disc(16, 16, 14, (0x0B, 0x6E, 0x69)),
    Arch(4, 28, 20, 6, 3, (0xFF, 0xFF, 0xFF)),
    Disc(16, 13, 3, (0xFF, 0xD1, 0x66)),
)
VIEWBOX = 32


def _distance(shape: Disc | Arch, x: float, y: float) -> float:
    """Signed distance from (x, y) to the shape's edge; negative inside."""
    if isinstance(shape, Disc):
        return math.hypot(x - shape.cx, y - shape.cy) - shape.r
    span = shape.x1 - shape.x0
    t = (x - shape.x0) / span
    # y(t) = (1-t)²·y + 2(1-t)t·yc + t²·y, and x(t) is linear in t.
    curve_y = shape.y + 2 * (shape.yc - shape.y) * t * (1 - t)
    slope = 2 * (shape.yc - shape.y) * (1 - 2 * t) / span
    across = abs(y - curve_y) / math.sqrt(1 + slope * slope) - shape.width / 2
    # Butt caps, as in SVG: cut square to the tangent at each end.
    rise = 2 * (shape.yc - shape.y)
    length = math.hypot(span, rise)
    before_start = -((x - shape.x0) * span + (y - shape.y) * rise) / length
    after_end = ((x - shape.x1) * span - (y - shape.y) * rise) / length
    return max(across, before_start, after_end)


def _pixel(x: float, y: float, scale: float) -> tuple[int, int, int, int]:
    red = green = blue = alpha = 0.0
    for shape in SHAPES:
        if isinstance(shape, Disc) and abs(x - shape.cx) + abs(y - shape.cy) > 1.5 * shape.r + 1:
            continue  # far outside: skip the square root
        cover = min(1.0, max(0.0, 0.5 - _distance(shape, x, y) * scale))
        if cover:
            # "over" compositing, premultiplied
            red = shape.colour[0] * cover + red * (1 - cover)
            green = shape.colour[1] * cover + green * (1 - cover)
            blue = shape.colour[2] * cover + blue * (1 - cover)
            alpha = cover + alpha * (1 - cover)
    if not alpha:
        return (0, 0, 0, 0)
    return (round(red / alpha), round(green / alpha), round(blue / alpha), round(alpha * 255))


@functools.lru_cache(maxsize=4)
def icon_png(size: int) -> bytes:
    """The favicon as a `size`×`size` RGBA PNG."""
    scale = size / VIEWBOX
    rows = []
    for row in range(size):
        pixels = (_pixel((col + 0.5) / scale, (row + 0.5) / scale, scale) for col in range(size))
        rows.append(b"\x00" + b"".join(bytes(p) for p in pixels))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def icon_ico(size: int = 32) -> bytes:
    """A favicon.ico holding one PNG image (every browser since 2007 reads these)."""
    png = icon_png(size)
    directory = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), 6 + 16)
    return directory + entry + png
