"""A radar chart of readiness (0-100 per dimension, one polygon per series) as inline SVG.

Drawn on the server so it works without JavaScript and in the PDF. The SVG has no script, no
external reference and no `style` attribute (only presentation attributes), so a strict Content
Security Policy allows it and WeasyPrint draws it. It is meant to be placed inline in HTML, which
gives it the SVG namespace; it therefore carries no `xmlns`. Output is deterministic: the same
input gives the same bytes, with coordinates to one decimal place.

Series are told apart by colour (a palette with at least 3:1 contrast on white) and by dash
pattern, so colour is never the only difference. A value of None (not scored) is drawn at 0 and
named as "not scored" in the description, which also lists every value for screen readers.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from decimal import Decimal

WIDTH = 720
CHART_HEIGHT = 540
CX = 360.0
CY = 270.0
RADIUS = 170.0
LABEL_GAP = 20.0
RINGS = (25, 50, 75, 100)
FONT = "arial, sans-serif"
FONT_SIZE = 13
LINE_HEIGHT = 15
WRAP_AT = 18
LEGEND_COLUMNS = 2
LEGEND_ROW = 24
LEGEND_CHARS = 40
LEGEND_ROWS_FIXED = 4  # the viewBox is fixed for up to eight series; more rows make it taller
GRID = "#6f777b"  # 4.6:1 on white: gridlines are graphics that carry meaning (WCAG 1.4.11)
TEXT = "#0b0c0c"

# Okabe-Ito-like hues, darkened where needed to contrast at least 3:1 with white.
PALETTE = (
    "#0072b2",
    "#d55e00",
    "#007a5e",
    "#aa3377",
    "#0b0c0c",
    "#8c5a00",
    "#4c2c92",
    "#505a5f",
)
DASHES = (
    "",
    "10 5",
    "3 4",
    "12 4 3 4",
    "6 3",
    "2 7",
    "14 4 3 4 3 4",
    "1 3",
)

Series = tuple[str, Sequence[Decimal | None]]

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _esc(text: str) -> str:
    """Escape for XML text and attribute values, dropping characters XML cannot hold."""
    text = _NOT_XML.sub("", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _point(axis: int, count: int, fraction: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * axis / count
    return CX + RADIUS * fraction * math.cos(angle), CY + RADIUS * fraction * math.sin(angle)


def _wrap(text: str, width: int = WRAP_AT) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _style(index: int) -> tuple[str, str]:
    """Colour and dash pattern of a series; the pair differs for the first 64 series."""
    colour = PALETTE[index % len(PALETTE)]
    dash = DASHES[(index + index // len(PALETTE)) % len(DASHES)]
    return colour, dash


def _shorten(text: str, limit: int = LEGEND_CHARS) -> str:
    """A legend entry that fits its column; the description carries the full name."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _dash_attr(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash else ""


def _value_text(value: Decimal | None) -> str:
    return "not scored (drawn at 0)" if value is None else f"{value}"


def _description(description: str, axes: Sequence[str], series: Sequence[Series]) -> str:
    parts = [description.strip()] if description.strip() else []
    parts.append("Scores from 0 to 100; the further out, the readier.")
    for name, values in series:
        listed = "; ".join(f"{axis} {_value_text(v)}" for axis, v in zip(axes, values, strict=True))
        parts.append(f"{name}: {listed}.")
    return " ".join(parts)


def _label(axis: int, count: int, text: str) -> str:
    angle = -math.pi / 2 + 2 * math.pi * axis / count
    cos, sin = math.cos(angle), math.sin(angle)
    x = CX + (RADIUS + LABEL_GAP) * cos
    y = CY + (RADIUS + LABEL_GAP) * sin
    anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
    lines = _wrap(text)
    if sin < -0.3:
        first = y - (len(lines) - 1) * LINE_HEIGHT
    elif sin > 0.3:
        first = y + FONT_SIZE * 0.8
    else:
        first = y - (len(lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35
    spans = "".join(
        f'<tspan x="{_num(x)}" y="{_num(first + i * LINE_HEIGHT)}">{_esc(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}">{spans}</text>'


def radar_svg(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
) -> str:
    """An accessible inline SVG radar: one spoke per axis, one dashed, coloured polygon per series.

    Values are on 0-100; None is drawn at 0 and described as not scored.
    """
    count = len(axes)
    if count < 3:
        raise ValueError("a radar chart needs at least three axes")
    for name, values in series:
        if len(values) != count:
            raise ValueError(f"series {name!r} has {len(values)} values for {count} axes")
        for value in values:
            if value is not None and not 0 <= value <= 100:
                raise ValueError(f"series {name!r} has a value outside 0-100: {value}")

    legend_rows = max(LEGEND_ROWS_FIXED, math.ceil(len(series) / LEGEND_COLUMNS))
    height = CHART_HEIGHT + legend_rows * LEGEND_ROW + 16
    desc = _description(description, axes, series)
    digest = hashlib.sha256(
        repr((tuple(axes), [(n, tuple(v)) for n, v in series], title, desc)).encode()
    ).hexdigest()[:10]
    ids = f"radar-{digest}"

    out: list[str] = [
        f'<svg viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img"'
        f' aria-labelledby="{ids}-title {ids}-desc" font-family="{FONT}"'
        f' font-size="{FONT_SIZE}" fill="{TEXT}">',
        f'<title id="{ids}-title">{_esc(title)}</title>',
        f'<desc id="{ids}-desc">{_esc(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        '<g class="radar-grid">',
    ]
    for ring in RINGS:
        out.append(
            f'<circle cx="{_num(CX)}" cy="{_num(CY)}" r="{_num(RADIUS * ring / 100)}"'
            f' fill="none" stroke="{GRID}" stroke-width="1"/>'
        )
    for axis in range(count):
        x, y = _point(axis, count, 1.0)
        out.append(
            f'<line x1="{_num(CX)}" y1="{_num(CY)}" x2="{_num(x)}" y2="{_num(y)}"'
            f' stroke="{GRID}" stroke-width="1"/>'
        )
    for ring in RINGS:
        out.append(
            f'<text x="{_num(CX + 4)}" y="{_num(CY - RADIUS * ring / 100 - 3)}"'
            f' font-size="11" fill="#505a5f">{ring}</text>'
        )
    out.append("</g>")

    out.append('<g class="radar-axes">')
    out.extend(_label(axis, count, text) for axis, text in enumerate(axes))
    out.append("</g>")

    out.append('<g class="radar-series">')
    for index, (_name, values) in enumerate(series):
        colour, dash = _style(index)
        points = " ".join(
            "{},{}".format(*map(_num, _point(axis, count, float(v if v is not None else 0) / 100)))
            for axis, v in enumerate(values)
        )
        out.append(
            f'<polygon points="{points}" fill="{colour}" fill-opacity="0.08"'
            f' stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"{_dash_attr(dash)}/>'
        )
    out.append("</g>")

    out.append('<g class="radar-legend">')
    column_width = (WIDTH - 80) / LEGEND_COLUMNS
    for index, (name, _values) in enumerate(series):
        colour, dash = _style(index)
        row, column = divmod(index, LEGEND_COLUMNS)
        x = 40 + column * column_width
        y = CHART_HEIGHT + 8 + row * LEGEND_ROW
        out.append(
            f'<line x1="{_num(x)}" y1="{_num(y)}" x2="{_num(x + 40)}" y2="{_num(y)}"'
            f' stroke="{colour}" stroke-width="3"{_dash_attr(dash)}/>'
            f'<text x="{_num(x + 50)}" y="{_num(y + 4.5)}">{_esc(_shorten(name))}</text>'
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
