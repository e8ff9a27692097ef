"""A self-contained HTML report of an analysis: theme and topic tables and charts, no external requests."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import plotly.express as px

from research.analysis.pipeline import AnalysisResult
from research.codebook import DEFAULT_CODEBOOK, CodeDefinition
from research.figure_text import inert_figure


def theme_table(rows: pd.DataFrame, codebook: Sequence[CodeDefinition] = DEFAULT_CODEBOOK) -> pd.DataFrame:
    """Share of texts (by primary theme) and mean sentiment per theme, largest first."""
    texts = rows[rows["theme"] != ""]
    names = {c.key: c.name for c in codebook} | {"other": "Other"}
    table = texts.groupby("theme").agg(texts=("text", "size"), mean_sentiment=("sentiment", "mean")).reset_index()
    table["share"] = table["texts"] / max(len(texts), 1)
    table["theme"] = table["theme"].map(lambda k: names.get(k, k))
    return table.sort_values("texts", ascending=False)[["theme", "texts", "share", "mean_sentiment"]]


def topic_table(result: AnalysisResult) -> pd.DataFrame:
    texts = result.rows[result.rows["topic"] >= 0]
    table = texts.groupby(["topic", "topic_label"]).agg(
        texts=("text", "size"), mean_sentiment=("sentiment", "mean"), example=("text", "first")).reset_index()
    return table.sort_values("texts", ascending=False)


def _table_html(frame: pd.DataFrame) -> str:
    """A table with every cell escaped: the examples are texts people wrote."""
    return frame.to_html(index=False, escape=True, float_format=lambda v: f"{v:.2f}")


def render_report(result: AnalysisResult, *, title: str, time_column: str | None = None,
                  codebook: Sequence[CodeDefinition] = DEFAULT_CODEBOOK) -> str:
    """The report as one HTML string; plotly's JavaScript is embedded once, inline."""
    themes = theme_table(result.rows, codebook)
    topics = topic_table(result)
    charts = [px.bar(themes, x="texts", y="theme", orientation="h", title="Texts per theme")]
    if time_column and time_column in result.rows:
        dated = result.rows[result.rows["theme"] != ""]
        share = (dated.groupby([time_column, "theme"]).size() / dated.groupby(time_column).size()).rename("share")
        charts.append(px.line(share.reset_index(), x=time_column, y="share", color="theme",
                              title="Theme share over time"))
    charts = [inert_figure(chart) for chart in charts]  # theme and topic names come from codebooks people edit
    parts = [charts[0].to_html(full_html=False, include_plotlyjs=True)]
    parts += [c.to_html(full_html=False, include_plotlyjs=False) for c in charts[1:]]
    stability = result.topics.stability
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{int((result.rows['theme'] != '').sum())} texts analysed. Topic stability (adjusted Rand index across three
seeds): {'not measured' if stability is None else f'{stability:.2f}'}.</p>
<h2>Themes (each text counted once, for its primary theme)</h2>{_table_html(themes)}
<h2>Emergent topics</h2>{_table_html(topics)}
<h2>Charts</h2>{''.join(parts)}
</body></html>"""
