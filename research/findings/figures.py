"""Text in Plotly figures shown as typed: a team, theme, wave or topic name can never become a link.

Plotly renders titles, axis and tick labels, legend entries, annotations and
hover labels as a small HTML subset: ``<a href=...>`` is a live link, on the
page and in the briefing file. Every figure builder returns its figure through
:func:`inert_figure`, which escapes ``&``, ``<`` and ``>`` in every string of
the figure, data included. Plotly turns the entities back into the characters
when it draws them, so the reader sees what was typed.

Hover templates are the code's own markup (``<br>``, ``<extra>``), but
plotly express writes the values a trace is grouped by into them, so there
only those tags are kept and everything else is escaped.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")
# Keys whose strings are Plotly templates rather than text: the code's tags in them are kept.
TEMPLATE_KEYS = frozenset({"hovertemplate", "texttemplate"})
_CODE_TAGS = re.compile(r"(<br>|<extra>|</extra>)")
_SKIP_KEYS = frozenset({"template"})  # the theme: colours and fonts, nothing typed


def figure_text(text: str) -> str:
    """``text`` with ``&``, ``<`` and ``>`` as entities; escaping twice changes nothing."""
    return _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def _template_text(template: str) -> str:
    return "".join(part if _CODE_TAGS.fullmatch(part) else figure_text(part) for part in _CODE_TAGS.split(template))


def _inert(value: Any, escape) -> Any:
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict) and {"dtype", "bdata"} <= value.keys():
        return _typed_array(value)  # numbers, which plotly.py 6+ hands over base64-encoded
    if isinstance(value, dict):
        return {key: value[key] if key in _SKIP_KEYS else
                _inert(value[key], _template_text if key in TEMPLATE_KEYS else escape) for key in value}
    if isinstance(value, (list, tuple)):
        return type(value)(_inert(item, escape) for item in value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return np.array([_inert(item, escape) for item in value.ravel().tolist()],
                        dtype=object).reshape(value.shape)
    return value


def _typed_array(value: dict) -> np.ndarray:
    array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    shape = value.get("shape")
    return array.reshape([int(n) for n in str(shape).split(",")]) if shape else array


def inert_figure(figure: go.Figure) -> go.Figure:
    """A copy of ``figure`` whose every title, label, name, hover text and category shows as plain text."""
    return go.Figure(_inert(figure.to_plotly_json(), figure_text))


TREND_QUESTIONS = ["morale", "tools", "management_support", "workload"]


def trend_figure(trend: pd.DataFrame, *, title: str | None = None) -> go.Figure | None:
    """The four headline scores by wave, or None when fewer than two waves have figures to draw."""
    waves = trend.dropna(subset=["morale"]) if not trend.empty else trend
    if len(waves) < 2:
        return None
    long = waves.melt(id_vars=["wave"], value_vars=TREND_QUESTIONS, var_name="question", value_name="score")
    figure = px.line(long, x="wave", y="score", color="question", markers=True, labels={"wave": ""}, title=title)
    figure.update_layout(yaxis_range=[1, 5], height=360)
    return inert_figure(figure)


def gap_trend_figure(trend: pd.DataFrame) -> go.Figure:
    """One theme's share of comments in each wave that passed the thresholds."""
    figure = px.line(trend, x="wave", y="share", markers=True, labels={"share": "share of comments", "wave": ""})
    figure.update_layout(yaxis_tickformat=".0%", height=260, margin=dict(t=10, b=10))
    return inert_figure(figure)


def evidence_figure(by_industry: pd.DataFrame) -> go.Figure:
    """Share of interviewed agents who raised a theme, by industry group, with how many raised it."""
    figure = px.bar(by_industry, x="industry", y="share", text="raised",
                    labels={"share": "share of interviewed agents", "industry": ""})
    figure.update_layout(yaxis_tickformat=".0%", height=320)
    return inert_figure(figure)
