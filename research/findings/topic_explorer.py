"""Emergent topics for executives: labels, sizes, sentiment, change over waves, quotes and stability.

The topic model itself is not kept after a job, so the charts here are drawn
from the stored assignments: topics over time (share of each wave's comments)
and a bar chart of topic sizes, the two BERTopic views that help an executive.
A topic's sentiment and its share in a wave are shown only when they describe
at least the score threshold of comments; quotes only from teams at the
comment threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.express as px
from plotly.graph_objects import Figure
from sqlalchemy import select
from sqlalchemy.orm import Session

from research.analysis.gaps import analysed_comments, latest_quotes
from research.findings.figures import inert_figure
from research.privacy.reporting import Thresholds, releasable_rows
from research.store.models import AnalysisJob, TopicSummary

# An ARI below this across seeds means the grouping is not to be read in detail.
STABLE = 0.6


@dataclass(frozen=True)
class TopicOverview:
    table: pd.DataFrame  # topic, label, comments, share, mean_sentiment, first, latest, change
    over_time: pd.DataFrame  # topic, label, wave, opens_on, share
    stability: float | None
    stability_note: str


def stability_note(stability: float | None) -> str:
    if stability is None:
        return "Stability was not measured for this run."
    if stability >= STABLE:
        return (f"Topic stability {stability:.2f} (adjusted Rand index across three seeds): the grouping is "
                "stable enough to compare topics.")
    return (f"Topic stability {stability:.2f} (adjusted Rand index across three seeds) is low: read the topics as "
            "rough groupings, not exact counts.")


def topic_overview(
    *, session: Session, job_id: int, thresholds: Thresholds, comments: pd.DataFrame | None = None,
) -> TopicOverview:
    comments = analysed_comments(session=session, job_id=job_id) if comments is None else comments
    labels = dict(session.execute(
        select(TopicSummary.topic, TopicSummary.label).where(TopicSummary.job_id == job_id)).all())
    stability = session.scalar(select(AnalysisJob.stability).where(AnalysisJob.id == job_id))
    note = stability_note(stability)
    columns = ["topic", "label", "comments", "share", "mean_sentiment", "first", "latest", "change"]
    if comments.empty:
        return TopicOverview(pd.DataFrame(columns=columns), pd.DataFrame(columns=["topic", "label", "wave",
                                                                                  "opens_on", "share"]),
                             stability, note)
    comments = comments[comments["topic"] >= 0]
    waves = comments.groupby(["wave", "opens_on"]).size().rename("wave_comments").reset_index()
    waves = waves[waves["wave_comments"] >= thresholds.scores].sort_values("opens_on")
    per_wave = comments.groupby(["topic", "wave", "opens_on"]).size().rename("n").reset_index()
    per_wave = per_wave.merge(waves, on=["wave", "opens_on"])
    per_wave["share"] = per_wave["n"] / per_wave["wave_comments"]
    grid = pd.MultiIndex.from_product([sorted(comments["topic"].unique()), waves["wave"]], names=["topic", "wave"])
    over_time = (per_wave.set_index(["topic", "wave"])["share"].reindex(grid, fill_value=0.0).reset_index()
                 .merge(waves[["wave", "opens_on"]], on="wave"))
    speakable = _speakable_topics(comments, thresholds)
    labels = {t: (label if t in speakable else WITHHELD) for t, label in labels.items()}
    over_time["label"] = over_time["topic"].map(labels).fillna("")
    rows = []
    first_wave = waves["wave"].iloc[0] if len(waves) else None
    last_wave = waves["wave"].iloc[-1] if len(waves) else None
    for topic, group in comments.groupby("topic"):
        shares = over_time[over_time["topic"] == topic].set_index("wave")["share"]
        first = float(shares.get(first_wave, np.nan)) if first_wave else np.nan
        latest = float(shares.get(last_wave, np.nan)) if last_wave else np.nan
        rows.append({
            "topic": int(topic), "label": labels.get(int(topic), ""), "comments": len(group),
            "share": len(group) / len(comments),
            "mean_sentiment": float(group["sentiment"].mean()) if len(group) >= thresholds.scores else np.nan,
            "first": first, "latest": latest,
            "change": latest - first if len(waves) > 1 else np.nan,
        })
    table = pd.DataFrame(rows, columns=columns).sort_values("comments", ascending=False).reset_index(drop=True)
    return TopicOverview(table, over_time.sort_values(["topic", "opens_on"]).reset_index(drop=True), stability, note)


WITHHELD = "(words withheld: too few people)"


def _speakable_topics(comments: pd.DataFrame, thresholds: Thresholds) -> set[int]:
    """Topics whose words may be shown: their comments come from at least the comment threshold of distinct
    people in teams that are quotable, and those people are most of the topic. A topic built mostly from one
    small team's comments would otherwise quote that team through its label."""
    if comments.empty:
        return set()
    quotable = releasable_rows(comments, by="team", threshold=thresholds.comments, people="response_id")
    speakable = set()
    for topic, group in comments.groupby("topic"):
        people = group["response_id"].nunique()
        released = quotable[quotable["topic"] == topic]["response_id"].nunique()
        if released >= thresholds.comments and 2 * released >= people:
            speakable.add(int(topic))
    return speakable


def topic_quotes(
    *, session: Session, job_id: int, topic: int, thresholds: Thresholds, limit: int = 5,
    comments: pd.DataFrame | None = None,
) -> list[str]:
    """Comments of a topic from the latest wave, only from teams at the comment threshold (counted in people),
    and none for a topic whose words are withheld."""
    comments = analysed_comments(session=session, job_id=job_id) if comments is None else comments
    if topic not in _speakable_topics(comments[comments["topic"] >= 0], thresholds):
        return []
    return latest_quotes(comments, column="topic", value=topic, thresholds=thresholds, limit=limit)


def topics_over_time_figure(overview: TopicOverview, top: int = 8) -> Figure:
    """Share of each wave's comments per topic, for the largest topics (BERTopic's topics-over-time view)."""
    keep = overview.table.head(top)["topic"].tolist()
    data = overview.over_time[overview.over_time["topic"].isin(keep)]
    figure = px.line(data, x="wave", y="share", color="label", markers=True,
                     labels={"share": "share of comments", "wave": "", "label": "topic"})
    figure.update_layout(yaxis_tickformat=".0%", legend_title_text="", height=420)
    return inert_figure(figure)


def topic_barchart(overview: TopicOverview, top: int = 12) -> Figure:
    """Topic sizes, largest first (BERTopic's barchart, by size rather than word scores)."""
    data = overview.table.head(top).iloc[::-1]
    figure = px.bar(data, x="comments", y="label", orientation="h", color="mean_sentiment",
                    color_continuous_scale="RdYlGn", range_color=(-0.6, 0.6),
                    labels={"comments": "comments", "label": "", "mean_sentiment": "sentiment"})
    figure.update_layout(height=max(300, 34 * len(data)))
    return inert_figure(figure)
