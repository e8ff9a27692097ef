"""Small static charts for the briefing: inline SVG, readable in colour, in greyscale and on paper.

The briefing used to embed plotly.js (4.6 MB) to draw four charts. A line chart
and a coloured table need none of it: these functions return a few kilobytes of
SVG or HTML, draw nothing from the network and need no script. Each series has
its own colour (Okabe and Ito's palette, safe for colour-blind readers) *and*
its own dash pattern and marker shape, so the lines stay apart when printed in
grey. Every label is escaped: team, wave and topic names are typed by people.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence

# Okabe-Ito, without its yellow (too pale on white); then dashes and markers that differ in grey too.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "12 4 2 4 2 4", "1 6")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle-open", "square-open")


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    r = 4.5
    fill = "white" if shape.endswith("-open") else colour
    base = shape.removesuffix("-open")
    style = f'fill="{fill}" stroke="{colour}" stroke-width="1.5"'
    if base == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" {style}/>'
    if base == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" {style}/>'
    if base == "triangle":
        return f'<polygon points="{x:.1f},{y - r - 1:.1f} {x - r:.1f},{y + r:.1f} {x + r:.1f},{y + r:.1f}" {style}/>'
    if base == "diamond":
        return f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f} ' \
               f'{x - r - 1:.1f},{y:.1f}" {style}/>'
    return (f'<path d="M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}M{x - r:.1f},{y + r:.1f}L{x + r:.1f},'
            f'{y - r:.1f}" stroke="{colour}" stroke-width="2.5"/>')


def _wrapped(text: str, x: float, y: float, width: int, anchor: str = "middle") -> str:
    lines = textwrap.wrap(text, width) or [""]
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else 13}">{html.escape(line)}</tspan>'
                    for i, line in enumerate(lines[:3]))
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="11">{spans}</text>'


def line_chart(
    series: Mapping[str, Sequence[float | None]], x_labels: Sequence[str], *, title: str,
    y_range: tuple[float, float], y_format: Callable[[float], str], ticks: int = 5,
    width: int = 760, plot_height: int = 220,
) -> str:
    """One line per series over ``x_labels``; a None value leaves a gap (a wave below the thresholds)."""
    left, right, top = 84, 84, 34  # room for a wrapped wave title under the first and last points
    columns = 1 if any(len(str(name)) > 34 for name in series) else 2
    legend_rows = math.ceil(len(series) / columns)
    height = top + plot_height + 64 + 18 * legend_rows
    low, high = y_range
    span = (high - low) or 1.0
    step = (width - left - right) / max(len(x_labels) - 1, 1)

    def px(i: int) -> float:
        return left + (step * i if len(x_labels) > 1 else (width - left - right) / 2)

    def py(v: float) -> float:
        return top + plot_height * (1 - (v - low) / span)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="system-ui,sans-serif">',
             f'<title>{html.escape(title)}</title>',
             f'<text x="{left}" y="18" font-size="14" font-weight="600">{html.escape(title)}</text>']
    for k in range(ticks):
        value = low + span * k / (ticks - 1)
        y = py(value)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
                     f'{html.escape(y_format(value))}</text>')
    per_label = min(26, max(8, int(step / 6.5)))
    for i, label in enumerate(x_labels):
        parts.append(_wrapped(str(label), px(i), top + plot_height + 16, per_label))
    for n, (name, values) in enumerate(series.items()):
        colour, dash, marker = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)], MARKERS[n % len(MARKERS)]
        points = [(px(i), py(float(v))) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
        runs: list[list[tuple[float, float]]] = []
        run: list[tuple[float, float]] = []
        for i, v in enumerate(values):
            if v is None or math.isnan(v):
                runs, run = runs + [run], []
            else:
                run.append((px(i), py(float(v))))
        for segment in runs + [run]:
            if len(segment) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                             + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        parts += [_marker(marker, x, y, colour) for x, y in points]
        lx = left + (n % columns) * (width - left - right) / 2
        ly = top + plot_height + 72 + 18 * (n // columns)
        parts.append(f'<line x1="{lx:.1f}" x2="{lx + 34:.1f}" y1="{ly - 4:.1f}" y2="{ly - 4:.1f}" stroke="{colour}" '
                     f'stroke-width="2.5"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
                     + _marker(marker, lx + 17, ly - 4, colour)
                     + f'<text x="{lx + 42:.1f}" y="{ly:.1f}" font-size="12">{html.escape(str(name))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _blend(a: str, b: str, t: float) -> str:
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb))


def scale_colour(t: float) -> str:
    """A background from red (worse, 0) through pale yellow to blue (better, 1); dark text reads on each."""
    t = min(1.0, max(0.0, t))
    return _blend("#f4a582", "#ffffbf", t * 2) if t < 0.5 else _blend("#ffffbf", "#92c5de", (t - 0.5) * 2)
