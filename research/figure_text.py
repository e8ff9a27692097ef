"""Text in Plotly figures shown as typed: a team, theme, wave or topic name can never become a link.

It sits at the bottom of the layers (beside :mod:`research.spreadsheets`, the way out for tables) because
every layer that draws a figure needs it: the analysis report as much as the findings pages.

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
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
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


def wrapped(label: str, width: int = 16) -> str:
    """``label`` as escaped lines of about ``width`` characters, for a tick that must stay flat."""
    return "<br>".join(figure_text(line) for line in textwrap.wrap(label, width)) or figure_text(label)


def flat_ticks(figure: go.Figure, labels: Sequence[object]) -> go.Figure:
    """``figure`` (already through :func:`inert_figure`) with each x category's name wrapped flat under it: long
    wave names turned on end took most of a chart's height and left its lines a sliver."""
    shown = list(dict.fromkeys(str(label) for label in labels))
    figure.update_xaxes(tickangle=0, tickvals=[figure_text(w) for w in shown], ticktext=[wrapped(w) for w in shown])
    return figure


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """'1 question', '3 questions': a count with its noun in the right number."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def share_text(share: float) -> str:
    """'12 %', and '<1 %' for a share that is not nothing but rounds to 0 (an outside walk read "Raised in 0 %"
    beside a theme one comment raised)."""
    shown = f"{share:.0%}".replace("%", " %")
    return "<1 %" if share > 0 and shown == "0 %" else shown


def clipped(text: str, limit: int = 60) -> str:
    """``text`` cut to at most ``limit`` characters at a word's end, with "…" when anything was cut: a walk read
    "…taxis we pa" in a confirmation and took the stored excerpt for cut short."""
    text = " ".join(text.split())
    return text if len(text) <= limit else textwrap.shorten(text, limit, placeholder=" …")
