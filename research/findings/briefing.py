"""The executive briefing: one self-contained HTML file and the aggregated tables as CSV.

It reads as a briefing, not a data dump: the headline (the scores and the
focus areas, each gap with its worst team, quotes, interviews, trend and
actions) comes first, then the charts, then the detail. Charts are small
inline SVG (:mod:`research.findings.svg_charts`), coloured and dashed so they
read in grey too; no script is embedded, so the file is a few hundred
kilobytes at most (it was 4.9 MB with plotly.js inline) and opening it asks
the network for nothing.

Everything in it comes from the same functions as the findings pages, so it
passes the same reporting thresholds. Every string people typed is escaped.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from research.analysis.jobs import analysis_source
from research.findings.action_effects import action_effect
from research.findings.actions import actions_table, due_note
from research.findings.focus import FocusArea, focus_areas
from research.findings.gap_data import analysed_comments, gap_table
from research.findings.gap_findings import KINDS, gap_findings
from research.findings.heatmap import Heatmap, heatmap
from research.findings.overview import KPI_KEYS, Overview, label, overview, wave_trend
from research.findings.representative import (
    Comparison,
    WaveStatus,
    analysed_up_to,
    like_for_like,
    representative_study,
    wave_statuses,
)
from research.findings.svg_charts import line_chart, scale_colour
from research.findings.topic_explorer import TopicOverview, topic_overview
from research.privacy.reporting import Thresholds
from research.spreadsheets import csv_zip

STYLE = """body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#222;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:left}
td.n{text-align:right}blockquote{margin:.3rem 0 .3rem 1rem;color:#333;font-style:italic}.note{color:#555}
.area{border:1px solid #ccc;border-radius:6px;padding:.2rem 1rem;margin:.8rem 0}svg{max-width:100%;height:auto}
@page{size:A4;margin:14mm 12mm}
@media print{body{margin:0;max-width:none;font-size:10pt}table{font-size:8pt;width:100%;table-layout:fixed}
td,th{padding:2px 4px;overflow-wrap:break-word}
h2,h3{break-after:avoid}.area,svg,tr,blockquote{break-inside:avoid}thead{display:table-header-group}
td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}"""
CHART_LIMITS = {"enps": (-100.0, 100.0), "recovery_share": (0.0, 100.0)}


@dataclass(frozen=True)
class Briefing:
    html: str
    tables: dict[str, pd.DataFrame]


def _number(value: float | None, digits: int = 0, sign: bool = False) -> str:
    """A rounded figure for reading: "" for a missing one, never "-0" or "<NA>"."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    rounded = round(float(value), digits) or 0.0
    return f"{rounded:{'+' if sign and rounded else ''}.{digits}f}"


def _percent(share: float | None) -> str:
    return "" if share is None or math.isnan(share) else f"{share:.0%}".replace("%", " %")


def _kpi_figures(result: Overview, comparison: Comparison) -> pd.DataFrame:
    """The headline figures as numbers, for the CSV: a spreadsheet can sort and chart them (an outside walk got
    "'-46 points" and "3.20 /5", text that sums to nothing)."""
    rows = []
    for k in result.kpis:
        digits = 2 if k.unit.startswith("/") else 0
        change = comparison.changes.get(k.key) if comparison.previous_title else None
        rows.append({
            "Measure": k.label, "Score": _rounded(k.value, digits),
            "Unit": {"/5": "out of 5", "points": "points", "%": "%"}.get(k.unit, k.unit),
            "Change": _rounded(change, digits), "Responses": k.responses,
            "95 % interval, low": _rounded(k.low, 0), "95 % interval, high": _rounded(k.high, 0), "Note": k.note,
        })
    frame = pd.DataFrame(rows)
    return frame.astype({"Responses": "Int64"}) if len(frame) else frame


def _rounded(value: float | None, digits: int) -> float | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits) or 0.0


def _kpi_table(result: Overview, comparison: Comparison) -> pd.DataFrame:
    """The headline figures as read in the briefing: signed, with their unit."""
    rows = []
    for k in result.kpis:
        digits = 2 if k.unit.startswith("/") else 0
        change = comparison.changes.get(k.key) if comparison.previous_title else None
        rows.append({
            "Measure": k.label, "Score": (_number(k.value, digits, k.unit == "points") + (
                f" {k.unit}" if k.value is not None else "")) or k.note,
            "Change": _number(change, digits, True),
            "Responses": "" if k.responses is None else str(k.responses),
            "95 % interval": f"{_number(k.low, 0, True)} to {_number(k.high, 0, True)}" if k.low is not None else "",
        })
    return pd.DataFrame(rows)


def _table_html(frame: pd.DataFrame, *, numeric: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td{' class=n' if c in numeric else ''}>{html.escape(_cell(v))}</td>"
                         for c, v in zip(frame.columns, row)) + "</tr>"
        for row in frame.itertuples(index=False, name=None))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return _number(value, 2)
    return str(value)


def _scores_by_wave(trend: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """Each wave's figures as people read them: eNPS in whole points, the recovery share in per cent, the 1 to 5
    scores to two decimals; a wave with no figure yet (open, or too few answers) says so rather than a blank row.
    """
    def shown(key: str, value: float) -> str:  # "" where not released: _number gives "" for a missing figure
        if key == "enps":
            return _number(value, 0, sign=True)
        if key == "recovery_share":
            whole = _number(value)
            return f"{whole} %" if whole else ""
        return _number(value, 2)

    rows = []
    for row in trend.to_dict("records"):
        figures = {label(k): shown(k, row[k]) for k in KPI_KEYS}
        note = "" if any(figures.values()) else (f"No figures to show yet: the wave is open or has fewer than "
                                                 f"{thresholds.scores} answers.")
        responses = row["responses"]
        rows.append({"Wave": row["wave"], "Responses": "" if pd.isna(responses) else f"{int(responses):,}",
                     **figures, "Note": note})
    frame = pd.DataFrame(rows, columns=["Wave", "Responses", *(label(k) for k in KPI_KEYS), "Note"])
    return frame if frame["Note"].any() else frame.drop(columns=["Note"])


def _readable_actions(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions as the app shows them: "Planned", and "yes"/"no" for publication, not ``False``."""
    return actions.drop(columns=["id", "Recorded by"]).assign(
        Status=actions["Status"].str.capitalize(), Published=actions["Published"].map({True: "yes", False: "no"}))


def _team_table(teams: Heatmap) -> pd.DataFrame:
    table = teams.values.round(2).reset_index().rename(columns={teams.values.index.name or "index": "team"})
    table.insert(1, "responses", teams.responses.reindex(teams.values.index).values)
    table["note"] = [teams.note if t in teams.hidden else "" for t in teams.values.index]
    return table


def _heatmap_html(teams: Heatmap) -> str:
    """Teams by question as a coloured table: worse red, better blue, and the figure written in every cell."""
    head = "<th>Team</th><th>Responses</th>" + "".join(f"<th>{html.escape(c)}</th>" for c in teams.values.columns)
    rows = []
    for team in teams.values.index:
        cells = []
        for column in teams.values.columns:
            value = teams.values.loc[team, column]
            if pd.isna(value):
                cells.append(f"<td class=note>fewer than {teams.threshold}</td>")
                continue
            worst, best = teams.ranges[column]
            unit = teams.units[column]
            shown = _number(value, 0, True) if unit == "points" else (
                f"{_number(value)} %" if unit == "%" else _number(value, 1))
            cells.append(f"<td class=n style='background:{scale_colour((value - worst) / (best - worst))}'>"
                         f"{shown}</td>")
        n = teams.responses.get(team)
        rows.append(f"<tr><th>{html.escape(str(team))}</th><td class=n>{'' if pd.isna(n) else int(n)}</td>"
                    + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _area_html(rank: int, area: FocusArea, thresholds: Thresholds) -> str:
    where = (f"Worst in {html.escape(area.worst_team)} ({_percent(area.worst_share)} of its comments)."
             if area.worst_team else f"No team with {thresholds.comments} or more commenters to single out.")
    quotes = "".join(f"<blockquote>“{html.escape(q)}”</blockquote>" for q in area.quotes)
    # The due note as the start page says it: the briefing dropped "overdue since ..." (an outside walk).
    actions = "".join(f"<li>{html.escape(str(a.What))} ({html.escape(str(a.Status))}, {html.escape(str(a.Owner))}"
                      + (f", {html.escape(note)}" if (note := due_note(a.Due, a.Status)) else "") + ")</li>"
                      for a in area.actions.itertuples(index=False))
    return (f"<div class=area><h3>{rank}. {html.escape(area.name)} <span class=note>({area.kind} gap)</span></h3>"
            f"<p>Raised in {_percent(area.share)} of comments in {html.escape(area.wave)}. {where}</p>"
            f"<p>Trend: {html.escape(area.trend_text)}.<br>Interviews: {html.escape(area.interview_text)}</p>"
            f"{quotes}<p><strong>Actions:</strong></p>"
            + (f"<ul>{actions}</ul>" if actions else "<p class=note>None recorded yet.</p>") + "</div>")


def _headline(result: Overview, comparison: Comparison, areas: list[FocusArea], thresholds: Thresholds,
              kpis: pd.DataFrame) -> list[str]:
    count = result.note or f"{result.responses} responses"
    parts = ["<h2>Headline</h2>",
             f"<p class=note>{html.escape(count)}" + (f"; {html.escape(comparison.note)}" if comparison.note
                                                      else "") + ".</p>",
             _table_html(kpis, numeric=tuple(kpis.columns[1:]))]
    if areas:
        # A briefing of a wave just opened has no gaps of its own yet: said at the top of the section, since the
        # title names that wave (an outside walk nearly forwarded one as the open wave's findings).
        others = sorted({a.wave for a in areas} - {result.wave_title})
        source = (f" They come from {', '.join(html.escape(w) for w in others)}, the latest analysed wave up to "
                  f"this one with figures to show, not from {html.escape(result.wave_title)}." if others else "")
        parts.append("<h2>Focus areas</h2><p class=note>The gaps with the most negative comments. Teams and quotes "
                     f"come only from teams with at least {thresholds.comments} people commenting.{source}</p>")
        parts += [_area_html(rank, area, thresholds) for rank, area in enumerate(areas, start=1)]
    return parts


def _charts(trend: pd.DataFrame, areas: list[FocusArea], topics: TopicOverview | None) -> list[str]:
    charts = []
    waves = trend.dropna(subset=["morale"])
    if len(waves) >= 2:
        scales = {label(k): waves[k].tolist() for k in ("morale", "tools", "management_support", "workload")}
        charts.append(line_chart(scales, waves["wave"].tolist(), title="Scores by wave (1 to 5)",
                                 y_range=(1, 5), y_format=lambda v: f"{v:.0f}"))
    if areas and len(areas[0].trend) >= 2:
        shares = {a.name: a.trend.set_index("wave")["share"] for a in areas}
        axis = list(dict.fromkeys(w for a in areas for w in a.trend["wave"]))
        charts.append(line_chart({n: [s.get(w) for w in axis] for n, s in shares.items()}, axis,
                                 title="Focus areas: share of comments by wave", y_range=(0, _top(shares)),
                                 y_format=_tick))
    if topics is not None and not topics.table.empty and topics.over_time["wave"].nunique() >= 2:
        keep = topics.table.head(5)["topic"].tolist()
        over = topics.over_time[topics.over_time["topic"].isin(keep)]
        axis = list(dict.fromkeys(over.sort_values("opens_on")["wave"]))
        lines = _topic_lines(over)
        charts.append(line_chart({n: [s.get(w) for w in axis] for n, s in lines.items()}, axis,
                                 title="Largest emergent topics: share of comments by wave",
                                 y_range=(0, _top(lines)), y_format=_tick))
    return ["<h2>Charts</h2>", *charts] if charts else []


def _topic_lines(over: pd.DataFrame) -> dict[str, pd.Series]:
    """Each topic's share by wave, one line per topic: two topics may share a label, and each keeps its own line."""
    lines: dict[str, pd.Series] = {}
    for _, rows in over.groupby("topic", sort=False):
        name = base = str(rows["label"].iloc[0])
        n = 2
        while name in lines:
            name, n = f"{base} ({n})", n + 1
        lines[name] = rows.groupby("wave", sort=False)["share"].sum()
    return lines


def _tick(share: float) -> str:
    return f"{share * 100:.3g} %"


def _top(shares: dict[str, pd.Series]) -> float:
    highest = max((float(s.max()) for s in shares.values() if len(s)), default=0.1)
    return max(0.1, math.ceil(highest * 10) / 10)


def _gap_details(findings: dict[str, list]) -> tuple[list[str], list]:
    sections, rows = [], []
    for kind, heading in KINDS.items():
        sections.append(f"<h3>{heading}</h3>")
        if not findings[kind]:
            sections.append("<p class=note>Below the reporting thresholds.</p>")
        for finding in findings[kind]:
            sections.append(f"<p>{html.escape(finding.sentence)}</p>")
            rows.append({"kind": kind, "theme": finding.name, "share": finding.share, "change": finding.change,
                         "negative_share": finding.negative_share, "mean_sentiment": finding.mean_sentiment,
                         "enps_diff": finding.enps_diff, "finding": finding.sentence})
    return sections, rows


def _analysis_details(session: Session, job_id: int, thresholds: Thresholds, tables: dict, actions: pd.DataFrame,
                      gaps: pd.DataFrame, comments: pd.DataFrame, statuses: list[WaveStatus],
                      findings: dict[str, list]) -> tuple[list[str], TopicOverview]:
    sections, rows = _gap_details(findings)
    tables["gaps"] = pd.DataFrame(rows).round(3)
    topics = topic_overview(session=session, job_id=job_id, thresholds=thresholds, comments=comments)
    tables["topics"] = topics.table.round(3)
    shown = topics.table.head(15)
    readable = pd.DataFrame({"Topic": shown["label"], "Comments": shown["comments"],
                             "Share": [_percent(s) for s in shown["share"]],
                             # the points between the shares as shown ("4 % → 4 %" is no change)
                             "Change (points)": [_number(round(b * 100) - round(a * 100), 0, True) if pd.notna(c)
                                                 else "" for a, b, c in zip(shown["first"], shown["latest"],
                                                                            shown["change"], strict=True)],
                             "Mean sentiment": [_number(m, 2, True) for m in shown["mean_sentiment"]],
                             "Latest wave": [_number(m, 2, True) for m in shown["latest_sentiment"]]})
    sections += ["<h3>Emergent topics</h3>", f"<p class=note>{html.escape(topics.stability_note)}</p>",
                 _table_html(readable, numeric=("Comments", "Share", "Change (points)", "Mean sentiment",
                                                "Latest wave"))]
    if not actions.empty:
        notes = {s.wave_id: s.label for s in statuses if s.label}
        actions["Effect"] = [
            (effect.sentence if (effect := action_effect(session=session, action_id=int(i), gaps=gaps,
                                                         comments=comments, thresholds=thresholds,
                                                         wave_notes=notes)) else "")
            for i in actions["id"]]
    return sections, topics


def _document(title: str, thresholds: Thresholds, sections: list[str], source: str) -> str:
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p class=note>Prepared {date.today():%d %B %Y}. {html.escape(source)}. "
        f"Groups with fewer than {thresholds.scores} responses "
        f"show no figures, and quotes come only from teams with at least {thresholds.comments} comments.</p>"
        + "".join(sections) + "</body></html>"
    )


def build_briefing(*, session: Session, wave_id: int, job_id: int | None, thresholds: Thresholds) -> Briefing:
    """The briefing for a wave; focus areas, gaps and topics come from analysis job ``job_id`` when there is one."""
    result = overview(session=session, wave_id=wave_id, thresholds=thresholds)
    comparison = like_for_like(session=session, wave_id=wave_id, thresholds=thresholds)
    trend = wave_trend(session=session, thresholds=thresholds)
    teams = heatmap(session=session, wave_id=wave_id, dimension="team", thresholds=thresholds)
    digits = {k: 0 if k in ("enps", "recovery_share") else 2 for k in KPI_KEYS}
    tables = {"kpis": _kpi_figures(result, comparison), "trend": trend.drop(columns=["wave_id"]).round(digits),
              "heatmap_team": _team_table(teams)}
    actions = actions_table(session=session)
    areas, topics = [], None
    details: list[str] = []
    if job_id is not None:
        # The comments are read once, with their text (the topics quote every wave), and shared.
        comments = analysed_comments(session=session, job_id=job_id)
        gaps = gap_table(session=session, job_id=job_id, thresholds=thresholds, facts=comments)
        study_id = representative_study(session=session, thresholds=thresholds)
        statuses = wave_statuses(session=session, thresholds=thresholds)  # a wave in progress says so
        notes = {s.title: s.label for s in statuses if s.label}
        # the focus areas, detail, topics and action effects read the briefing's wave and those before
        gaps, comments = analysed_up_to(session=session, gaps=gaps, comments=comments, wave_id=wave_id)
        findings = {kind: gap_findings(session=session, job_id=job_id, thresholds=thresholds, kind=kind, gaps=gaps,
                                       comments=comments, wave_notes=notes) for kind in KINDS}  # worked out once
        areas = focus_areas(session=session, job_id=job_id, thresholds=thresholds, wave_id=wave_id,
                            study_id=study_id, gaps=gaps, comments=comments, wave_notes=notes, findings=findings)
        details, topics = _analysis_details(session, job_id, thresholds, tables, actions, gaps, comments, statuses,
                                            findings)
    else:
        details = ["<p class=note>No analysis has run yet: focus areas, gaps and topics will appear after one.</p>"]
    sections = (_headline(result, comparison, areas, thresholds, _kpi_table(result, comparison))
                + _charts(trend, areas, topics))
    sections += ["<h2>Detail</h2>", "<h3>Teams</h3>", _heatmap_html(teams), *details]
    if not actions.empty:
        tables["actions"] = _readable_actions(actions)
        sections += ["<h3>Actions: you said, we did</h3>", _table_html(tables["actions"])]
    sections += ["<h3>Scores by wave</h3>", _table_html(_scores_by_wave(trend, thresholds))]
    source = ("Themes, gaps and topics: from " + analysis_source(session=session, job_id=job_id)
              if job_id is not None else "No analysis has run yet")
    return Briefing(_document(f"Frontline briefing: {result.wave_title}", thresholds, sections, source), tables)


_CSV_HEADERS = {
    "trend": {"wave": "Wave", "opens_on": "Opens on", "responses": "Responses"},
    "heatmap_team": {"team": "Team", "responses": "Responses", "note": "Note"},
    "gaps": {"kind": "List", "theme": "Theme", "share": "Share of comments", "change": "Change in share",
             "negative_share": "Negative comments (share of all)", "mean_sentiment": "Mean sentiment (-1 to 1)",
             "enps_diff": "eNPS difference (points)", "finding": "Finding"},
    "topics": {"topic": "Topic number", "label": "Topic", "comments": "Comments", "share": "Share of comments",
               "mean_sentiment": "Mean sentiment (-1 to 1)", "latest_sentiment": "Mean sentiment in the latest wave",
               "first": "Share in the first wave", "latest": "Share in the latest wave", "change": "Change in share"},
}
"""Column names as an executive reads them in a spreadsheet; question keys become their labels."""


def briefing_csv_zip(tables: dict[str, pd.DataFrame]) -> bytes:
    """The briefing's tables, one inert CSV each, in a zip, with the column names people read."""
    return csv_zip({name: table.rename(columns=lambda c, n=name: _CSV_HEADERS.get(n, {}).get(c, label(str(c))))
                    for name, table in tables.items()})
