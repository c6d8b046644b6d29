"""Inline SVG charts for the admin page, drawn on the server.

The admin page must work on an air-gapped scanner network, so there is no chart library and no CDN: each chart
is a few dozen SVG elements built from numbers we already have. Drawing on the server also means the charts
show real numbers without JavaScript, and a test can read them straight from the HTML.
"""

from __future__ import annotations

import math
from html import escape
from typing import Sequence

from ..humanize import human_bytes

PALETTE = {"bar": "#3b6fd8", "bar2": "#1f9d8b", "grid": "#e4e8ef", "axis": "#8a94a6", "text": "#4a5468"}
AREA_COLOURS = {
    "active": "#3b6fd8",
    "archive": "#1f9d8b",
    "logs": "#8e6bd8",
    "backups": "#d89a3b",
    "quarantine": "#d8543b",
    "index": "#7d8799",
}


def nice_ceiling(value: float) -> float:
    """Round an axis maximum up to 1, 2, 2.5 or 5 x 10^n so gridlines land on readable numbers."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    base = 10 ** exponent
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * base:
            return step * base
    return 10 * base


def human_number(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:g}" if value != int(value) else f"{int(value)}"


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, content: str, *, anchor: str = "middle", size: int = 11, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{PALETTE["text"]}"{klass}>'
        f"{escape(content)}</text>"
    )


def _y_grid(left: float, right: float, top: float, bottom: float, maximum: float, ticks: int = 4) -> list[str]:
    if maximum == int(maximum) and maximum <= 10:  # counts: never a gridline at 0.5 sessions
        ticks = int(maximum) if maximum <= 5 else 5
    out = []
    for i in range(ticks + 1):
        value = maximum * i / ticks
        y = bottom - (bottom - top) * i / ticks
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{PALETTE["grid"]}"/>')
        out.append(_text(left - 6, y + 4, human_number(value), anchor="end", size=10))
    return out


def bar_chart(labels: Sequence[str], values: Sequence[float], *, label: str, unit: str = "sessions",
              width: int = 640, height: int = 220) -> str:
    """Vertical bars with their value on top: for a handful of categories (age buckets)."""
    left, right, top, bottom = 44, width - 10, 18, height - 28
    maximum = nice_ceiling(max(values, default=0))
    body = _y_grid(left, right, top, bottom, maximum)
    slot = (right - left) / max(len(values), 1)
    bar_w = min(slot * 0.62, 64)
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        h = (bottom - top) * (value / maximum)
        x = left + slot * i + (slot - bar_w) / 2
        body.append(
            f'<rect class="bar" data-label="{escape(name)}" data-value="{value:g}" x="{x:.1f}" y="{bottom - h:.1f}" '
            f'width="{bar_w:.1f}" height="{max(h, 0):.1f}" rx="3" fill="{PALETTE["bar"]}">'
            f"<title>{escape(name)}: {value:g} {escape(unit)}</title></rect>"
        )
        body.append(_text(x + bar_w / 2, bottom - h - 5, human_number(value), size=10, cls="bar-value"))
        body.append(_text(x + bar_w / 2, bottom + 16, name, size=11))
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{PALETTE["axis"]}"/>')
    return _svg(width, height, label, body)


def series_chart(points: Sequence[tuple[str, float]], *, label: str, tick_every: int, tick_format,
                 width: int = 640, height: int = 220, bars: bool = True) -> str:
    """Messages per hour over time; bars for a day of hours, an area for a week (168 bars would be hairlines)."""
    left, right, top, bottom = 44, width - 12, 16, height - 28
    values = [v for _, v in points]
    maximum = nice_ceiling(max(values, default=0))
    body = _y_grid(left, right, top, bottom, maximum)
    n = max(len(points), 1)
    slot = (right - left) / n
    if bars:
        for i, (when, value) in enumerate(points):
            h = (bottom - top) * (value / maximum)
            x = left + slot * i + slot * 0.15
            body.append(
                f'<rect class="bar" data-label="{escape(when)}" data-value="{value:g}" x="{x:.1f}" '
                f'y="{bottom - h:.1f}" width="{slot * 0.7:.1f}" height="{max(h, 0):.1f}" rx="1.5" '
                f'fill="{PALETTE["bar"]}"><title>{escape(when)}: {value:g} messages</title></rect>'
            )
    else:
        coords = [(left + slot * (i + 0.5), bottom - (bottom - top) * (v / maximum)) for i, (_, v) in enumerate(points)]
        if coords:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            area = f"{coords[0][0]:.1f},{bottom} {line} {coords[-1][0]:.1f},{bottom}"
            body.append(f'<polygon points="{area}" fill="{PALETTE["bar2"]}" fill-opacity="0.18"/>')
            body.append(f'<polyline class="series" points="{line}" fill="none" stroke="{PALETTE["bar2"]}" '
                        f'stroke-width="1.6" stroke-linejoin="round"/>')
        for i, (when, value) in enumerate(points):  # invisible hover targets carrying the numbers
            body.append(
                f'<rect class="point" data-label="{escape(when)}" data-value="{value:g}" x="{left + slot * i:.1f}" '
                f'y="{top}" width="{slot:.2f}" height="{bottom - top}" fill="transparent">'
                f"<title>{escape(when)}: {value:g} messages</title></rect>"
            )
    for i, (when, _) in enumerate(points):
        if i % tick_every == 0:
            x = left + slot * (i + 0.5)
            body.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" stroke="{PALETTE["axis"]}"/>')
            body.append(_text(x, bottom + 17, tick_format(when), size=10))
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{PALETTE["axis"]}"/>')
    return _svg(width, height, label, body)


def hbar_chart(items: Sequence[tuple[str, float]], *, label: str, width: int = 640, height: int = 220) -> str:
    """Horizontal bars with byte labels: storage by folder, where names are long and values span decades."""
    left, right, top = 84, width - 80, 12
    row = (height - top - 8) / max(len(items), 1)
    maximum = max((v for _, v in items), default=0) or 1
    body = []
    for i, (name, value) in enumerate(items):
        y = top + row * i
        w = (right - left) * (value / maximum)
        colour = AREA_COLOURS.get(name, PALETTE["bar"])
        body.append(_text(left - 8, y + row / 2 + 4, name, anchor="end", size=11))
        body.append(f'<rect x="{left}" y="{y + row * 0.2:.1f}" width="{right - left}" height="{row * 0.6:.1f}" '
                    f'rx="3" fill="{PALETTE["grid"]}" fill-opacity="0.5"/>')
        body.append(
            f'<rect class="bar" data-label="{escape(name)}" data-value="{value:g}" x="{left}" y="{y + row * 0.2:.1f}" '
            f'width="{max(w, 1.5 if value else 0):.1f}" height="{row * 0.6:.1f}" rx="3" fill="{colour}">'
            f"<title>{escape(name)}: {human_bytes(value)}</title></rect>"
        )
        body.append(_text(right + 8, y + row / 2 + 4, human_bytes(value), anchor="start", size=11))
    return _svg(width, height, label, body)


def gauge_bar(percent: float, *, width: int = 200, height: int = 8) -> str:
    """A thin progress bar for a card (SVG, so the page needs no inline style attributes under its CSP)."""
    p = max(0.0, min(percent, 100.0))
    colour = "#d8543b" if percent >= 90 else "#d89a3b" if percent >= 75 else "#3b6fd8"
    return (
        f'<svg class="gauge" viewBox="0 0 {width} {height}" width="100%" height="{height}" preserveAspectRatio="none" '
        f'role="img" aria-label="{percent:.1f}%" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="{width}" height="{height}" rx="{height / 2}" fill="{PALETTE["grid"]}"/>'
        f'<rect width="{width * p / 100:.1f}" height="{height}" rx="{height / 2}" fill="{colour}"/></svg>'
    )


def rate_chart(days: Sequence[dict], *, label: str, width: int = 640, height: int = 200) -> str:
    """Ratings per day as stacked bars, helpful below and not helpful on top, each day's helpful rate in its
    tooltip: how the rate moves, and on how many ratings it rests."""
    left, right, top, bottom = 44, width - 12, 14, height - 28
    totals = [int(d.get("helpful", 0)) + int(d.get("not_helpful", 0)) for d in days]
    maximum = nice_ceiling(max(totals, default=0))
    body = _y_grid(left, right, top, bottom, maximum)
    slot = (right - left) / max(len(days), 1)
    bar_w = min(slot * 0.7, 40)
    tick_every = max(1, len(days) // 8)
    for i, (d, total) in enumerate(zip(days, totals, strict=True)):
        good, bad = int(d.get("helpful", 0)), int(d.get("not_helpful", 0))
        x = left + slot * i + (slot - bar_w) / 2
        h_good = (bottom - top) * good / maximum
        h_bad = (bottom - top) * bad / maximum
        rate = f"{100 * good / total:.0f}% helpful" if total else "no ratings"
        tip = f"{d.get('day')}: {good} helpful, {bad} not helpful ({rate})"
        body.append(
            f'<g class="day" data-label="{escape(str(d.get("day")))}" data-helpful="{good}" data-not-helpful="{bad}">'
            f"<title>{escape(tip)}</title>"
            f'<rect x="{x:.1f}" y="{bottom - h_good:.1f}" width="{bar_w:.1f}" height="{h_good:.1f}" '
            f'fill="{PALETTE["bar2"]}"/>'
            f'<rect x="{x:.1f}" y="{bottom - h_good - h_bad:.1f}" width="{bar_w:.1f}" height="{h_bad:.1f}" '
            f'fill="{AREA_COLOURS["quarantine"]}"/></g>'
        )
        if i % tick_every == 0:
            body.append(_text(x + bar_w / 2, bottom + 17, str(d.get("day", ""))[5:], size=10))
    if not days:
        body.append(_text((left + right) / 2, (top + bottom) / 2, "no ratings yet", size=12))
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{PALETTE["axis"]}"/>')
    return _svg(width, height, label, body)
