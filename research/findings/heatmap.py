"""The segment-by-question heatmap: where in the organisation each score is high or low.

Rows are the values of one dimension (team, site, channel or industry) in a
wave, columns the wave's numeric questions. The figures come from the same
per-segment SQL aggregates and release rules as the overview
(:func:`research.findings.overview.releasable`), so a row the filters would
not offer is hidden here too, and its cells hold NaN rather than a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.orm import Session

from research.errors import FrontlineError
from research.findings.figures import inert_figure
from research.findings.overview import DIMENSIONS, LOWER_IS_BETTER, get_wave, label, wave_stats
from research.privacy.reporting import Thresholds, suppressed_note

COLOURS = "RdYlBu"  # red for the worst end of each question's range, blue for the best


@dataclass(frozen=True)
class Heatmap:
    """Scores of one wave by the values of one dimension, with small groups already hidden."""

    wave_id: int
    dimension: str
    values: pd.DataFrame  # index: segment values; columns: question labels; NaN where hidden
    responses: pd.Series  # per segment value, <NA> where hidden
    hidden: list[str]  # segment values whose row is suppressed
    note: str  # "fewer than N responses"
    threshold: int
    ranges: dict[str, tuple[float, float]]  # per column: (worst, best) value, for colouring
    units: dict[str, str]  # per column: "/5", "points" or "%"
    asked: dict[str, str] = field(default_factory=dict)  # per column: the question as agents read it

    def scale(self, column: str) -> str:
        """A column's scale in words ("1 to 5", "-100 to 100 points")."""
        low, high = sorted(self.ranges[column])
        return f"{low:g} to {high:g}" + {"points": " points", "%": " %"}.get(self.units[column], "")


def heatmap(*, session: Session, wave_id: int, dimension: str, thresholds: Thresholds) -> Heatmap:
    """Mean score per value of ``dimension`` and numeric question in a wave (eNPS in points).

    Raises:
        FrontlineError: unknown wave, or a dimension other than team, site, channel or industry.
    """
    if dimension not in DIMENSIONS:
        raise FrontlineError(f"unknown segment dimension {dimension!r}: use one of {', '.join(DIMENSIONS)}")
    wave = get_wave(session=session, wave_id=wave_id)
    stats = wave_stats(session=session, waves=[wave], thresholds=thresholds)[wave.id].load_per_segment()
    rows = sorted({getattr(s, dimension) for s in stats.segments} - {""})
    columns = [label(q.key) for q in stats.questions]
    values = pd.DataFrame(np.nan, index=pd.Index(rows, name=dimension), columns=columns, dtype="float64")
    responses = pd.Series(pd.NA, index=values.index, dtype="Int64", name="responses")
    hidden = []
    for row in rows:
        choice = (dimension, row)
        count = stats.responses(choice)
        if count is None:
            hidden.append(row)
            continue
        responses[row] = count
        for question, column in zip(stats.questions, columns):
            figure = stats.figure(question.key, choice)
            if figure is not None:
                values.loc[row, column] = figure.value
    ranges, units = {}, {}
    for question, column in zip(stats.questions, columns):
        if question.kind == "enps":
            span, units[column] = (-100.0, 100.0), "points"
        elif question.kind == "percent":
            span, units[column] = (0.0, 100.0), "%"
        else:
            span = (float(question.scale_min or 1), float(question.scale_max or 5))
            units[column] = f"/{question.scale_max or 5}"
        ranges[column] = span[::-1] if question.key in LOWER_IS_BETTER else span
    return Heatmap(wave.id, dimension, values, responses, hidden, suppressed_note(thresholds.scores),
                   thresholds.scores, ranges, units, dict(zip(columns, (q.prompt for q in stats.questions))))


def _text(value: float, unit: str) -> str:
    if unit == "points":
        return f"{value:+.0f}" if round(value) else "0"
    if unit == "%":
        return f"{value:.0f}%"  # no space: on a phone each column is about 30 pixels wide
    return f"{value:.1f}"


def heatmap_figure(heatmap: Heatmap) -> go.Figure:
    """The heatmap as a Plotly figure: each column coloured over its own range, worst red to best blue.

    Suppressed cells have no colour and read "–" (the title says why); the figure is
    returned, not rendered, so pages and exports decide how to show it. Segment
    names are typed by staff, so they pass :func:`inert_figure`.
    """
    values = heatmap.values
    columns, rows = list(values.columns), [str(r) for r in values.index]
    shade = np.full(values.shape, np.nan)
    annotations = []
    for j, column in enumerate(columns):
        worst, best = heatmap.ranges[column]
        for i, row in enumerate(rows):
            value = values.iat[i, j]
            if pd.isna(value):
                text, colour = "–", "#555555"  # the title says why; a phrase would run over the next cells
            else:
                shade[i, j] = min(1.0, max(0.0, (value - worst) / (best - worst)))
                text = _text(float(value), heatmap.units[column])
                colour = "white" if shade[i, j] < 0.15 or shade[i, j] > 0.85 else "black"
            annotations.append(dict(x=column, y=row, text=text, showarrow=False, font=dict(color=colour, size=12)))
    counts = [["" if pd.isna(n) else f"{int(n)} responses" for _ in columns] for n in heatmap.responses]
    figure = go.Figure(go.Heatmap(
        z=shade, x=columns, y=rows, zmin=0, zmax=1, colorscale=COLOURS, hoverongaps=False, customdata=counts,
        hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>", showscale=False,
    ))
    # No colour bar: it took a fifth of a phone's width, and every cell already carries its figure.
    figure.update_layout(
        annotations=annotations, xaxis=dict(side="top", showgrid=False, tickangle=-90),  # upright: never over the title
        yaxis=dict(autorange="reversed", showgrid=False),
        title=f"Scores by {heatmap.dimension}",  # short enough for a phone; the page says how to read it
        height=max(320, 200 + 40 * len(rows)), margin=dict(l=10, r=10, t=190, b=10),
        title_y=1, title_yref="container", title_yanchor="top", title_pad_t=8,
        plot_bgcolor="#f2f2f2",
    )
    return inert_figure(figure)

