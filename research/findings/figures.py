"""The figures the findings pages and the briefing draw, each returned through :func:`inert_figure`.

:func:`inert_figure` and :func:`figure_text` live in :mod:`research.figure_text`, below every layer that
draws; they are re-exported here for the pages that import them from this module.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from research.figure_text import (  # noqa: F401  (re-exported)
    TEMPLATE_KEYS,
    figure_text,
    flat_ticks,
    inert_figure,
    wrapped,
)

TREND_QUESTIONS = ["morale", "tools", "management_support", "workload"]


def trend_figure(trend: pd.DataFrame, *, title: str | None = None) -> go.Figure | None:
    """The four headline scores by wave, or None when fewer than two waves have figures to draw."""
    waves = trend.dropna(subset=["morale"]) if not trend.empty else trend
    if len(waves) < 2:
        return None
    names = {"morale": "Morale", "tools": "Tools", "management_support": "Management support", "workload": "Workload"}
    long = waves.melt(id_vars=["wave"], value_vars=TREND_QUESTIONS, var_name="question", value_name="score")
    long["question"] = long["question"].map(names)
    # Colour, dash and marker all differ, so the lines stay apart in greyscale and on paper.
    figure = px.line(long, x="wave", y="score", color="question", line_dash="question", symbol="question",
                     markers=True, labels={"wave": "", "question": ""}, title=title,
                     color_discrete_sequence=["#0072B2", "#D55E00", "#009E73", "#CC79A7"])
    # The legend above the lines and the wave names wrapped flat: on a phone a legend beside the chart and
    # names turned on end left the lines a sliver (an outside walk at 390 px).
    figure.update_layout(yaxis_range=[1, 5], height=400, margin=dict(l=50, r=10, t=90),
                         legend=dict(orientation="h", x=0, y=1.02, xanchor="left", yanchor="bottom"))
    return flat_ticks(inert_figure(figure), waves["wave"])


def gap_trend_figure(trend: pd.DataFrame) -> go.Figure:
    """One theme's share of comments in each wave that passed the thresholds.

    The axis starts at zero and has a few whole-percent ticks: a narrow automatic range printed the same
    rounded percentage on several ticks and made a small change look large. The wave names are wrapped flat
    and the axis's name is the chart's title: names turned on end and a side title left the line a sliver in
    the gaps page's narrow column (an outside walk).
    """
    top = float(pd.to_numeric(trend["share"], errors="coerce").max()) if not trend.empty else 0.0
    figure = px.line(trend, x="wave", y="share", markers=True, labels={"share": "Share of comments", "wave": ""},
                     title="Share of comments raising it, by wave")
    figure.update_layout(yaxis_tickformat=".0%", yaxis_range=[0, max(0.1, (top if top == top else 0) * 1.25)],
                         yaxis_nticks=5, yaxis_title=None, height=280, margin=dict(t=40, b=10, l=50, r=10),
                         title_font_size=14)
    return flat_ticks(inert_figure(figure), trend["wave"])


def evidence_figure(by_industry: pd.DataFrame) -> go.Figure:
    """Share of interviewed agents who raised a theme, by industry group, with how many raised it."""
    figure = px.bar(by_industry, x="industry", y="share", text="raised",
                    labels={"share": "share of interviewed agents", "industry": ""})
    figure.update_layout(yaxis_tickformat=".0%", yaxis_range=[0, 1], height=320)  # a share: never below 0
    return inert_figure(figure)
