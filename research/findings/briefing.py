"""The executive briefing: one self-contained HTML file and the aggregated tables as CSV.

Everything in it comes from the same functions as the findings pages, so it
passes the same reporting thresholds; plotly's JavaScript is embedded inline
once, so opening the file makes no request to anyone.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from research.analysis.gaps import analysed_comments, theme_gaps
from research.findings.actions import actions_table, action_effect
from research.findings.figures import trend_figure
from research.findings.gap_findings import KINDS, gap_findings
from research.findings.heatmap import heatmap, heatmap_figure
from research.findings.overview import overview, wave_trend
from research.findings.topic_explorer import topic_overview, topics_over_time_figure
from research.privacy.reporting import Thresholds
from research.spreadsheets import csv_zip

STYLE = """body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
blockquote{margin:.3rem 0 .3rem 1rem;color:#444}.note{color:#666}"""


@dataclass(frozen=True)
class Briefing:
    html: str
    tables: dict[str, pd.DataFrame]


def _kpi_table(result) -> pd.DataFrame:
    return pd.DataFrame([{
        "measure": k.label, "value": k.value, "unit": k.unit, "change": k.change, "responses": k.responses,
        "interval_low": k.low, "interval_high": k.high, "note": k.note,
    } for k in result.kpis])


def _table_html(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, na_rep="", float_format=lambda v: f"{v:.2f}", escape=True)


def build_briefing(*, session: Session, wave_id: int, job_id: int | None, thresholds: Thresholds) -> Briefing:
    """The briefing for a wave; gaps and topics come from analysis job ``job_id`` when there is one."""
    result = overview(session=session, wave_id=wave_id, thresholds=thresholds)
    trend = wave_trend(session=session, thresholds=thresholds)
    teams = heatmap(session=session, wave_id=wave_id, dimension="team", thresholds=thresholds)
    team_table = teams.values.reset_index().rename(columns={"index": "team"})
    team_table.insert(1, "responses", teams.responses.reindex(teams.values.index).values)
    team_table["note"] = [teams.note if t in teams.hidden else "" for t in teams.values.index]
    tables = {"kpis": _kpi_table(result), "trend": trend, "heatmap_team": team_table}
    figures = [heatmap_figure(teams)] if not teams.values.empty else []
    actions = actions_table(session=session)
    sections = [
        f"<h2>Headline ({html.escape(result.wave_title)})</h2>",
        f"<p class='note'>{html.escape(result.note or f'{result.responses} responses')}"
        + (f"; changes are since {html.escape(result.previous_title)}" if result.previous_title else "") + "</p>",
        _table_html(tables["kpis"]),
        "<h2>Trend</h2>", _table_html(trend.drop(columns=["wave_id"])),
        "<h2>Teams</h2>", _table_html(team_table),
    ]
    if job_id is not None:
        gaps = theme_gaps(session=session, job_id=job_id, thresholds=thresholds)
        comments = analysed_comments(session=session, job_id=job_id)
        gap_rows = []
        for kind, heading in KINDS.items():
            sections.append(f"<h2>{heading}</h2>")
            findings = gap_findings(session=session, job_id=job_id, thresholds=thresholds, kind=kind, gaps=gaps,
                                    comments=comments)
            if not findings:
                sections.append("<p class='note'>Below the reporting thresholds.</p>")
            for finding in findings:
                sections.append(f"<p><strong>{html.escape(finding.sentence)}</strong></p>")
                sections += [f"<blockquote>“{html.escape(q)}”</blockquote>" for q in finding.quotes[:3]]
                gap_rows.append({"kind": kind, "theme": finding.name, "share": finding.share,
                                 "change": finding.change, "negative_share": finding.negative_share,
                                 "mean_sentiment": finding.mean_sentiment, "enps_diff": finding.enps_diff,
                                 "key_phrases": "; ".join(finding.phrases), "finding": finding.sentence})
        tables["gaps"] = pd.DataFrame(gap_rows)
        topics = topic_overview(session=session, job_id=job_id, thresholds=thresholds, comments=comments)
        tables["topics"] = topics.table
        sections += ["<h2>Emergent topics</h2>", f"<p class='note'>{html.escape(topics.stability_note)}</p>",
                     _table_html(topics.table.drop(columns=["topic"]).head(15))]
        if not topics.table.empty:
            figures.append(topics_over_time_figure(topics))
        if not actions.empty:
            actions["effect"] = [
                (effect.sentence if (effect := action_effect(session=session, action_id=int(i), gaps=gaps)) else "")
                for i in actions["id"]]
    else:
        sections.append("<p class='note'>No analysis has run yet: gaps and topics will appear after one.</p>")
    if not actions.empty:
        tables["actions"] = actions.drop(columns=["id", "Recorded by"])
        sections += ["<h2>Actions: you said, we did</h2>", _table_html(tables["actions"])]
    if (scores := trend_figure(trend, title="Scores by wave")) is not None:
        figures.insert(0, scores)
    charts = [f.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, f in enumerate(figures)]
    title = f"Frontline briefing: {result.wave_title}"
    document = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p class='note'>Prepared {date.today():%d %B %Y}. Groups with fewer than {thresholds.scores} responses "
        f"show no figures, and quotes come only from teams with at least {thresholds.comments} comments.</p>"
        + "".join(sections) + "<h2>Charts</h2>" + "".join(charts) + "</body></html>"
    )
    return Briefing(document, tables)


def briefing_csv_zip(tables: dict[str, pd.DataFrame]) -> bytes:
    """The briefing's tables, one inert CSV each, in a zip."""
    return csv_zip(tables)
