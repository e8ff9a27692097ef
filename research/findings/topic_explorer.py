"""Emergent topics for executives: labels, sizes, sentiment, change over waves, quotes and stability.

The topic model itself is not kept after a job, so the charts here are drawn
from the stored assignments: topics over time (share of each wave's comments)
and a bar chart of topic sizes, the two BERTopic views that help an executive.
A topic's sentiment and its share in a wave are shown only when they describe
at least the score threshold of comments. Labels (:mod:`research.findings.topic_labels`)
and quotes come from the comments of teams at the comment threshold (counted in
people, per wave), so no word of a smaller team reaches an executive through them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.express as px
from plotly.graph_objects import Figure
from sqlalchemy import select
from sqlalchemy.orm import Session

from research.analysis.gaps import theme_names
from research.analysis.sentiment import reads_as_praise
from research.analysis.topic_names import dominant_tone, typical_order
from research.findings.comment_mentions import guarded_quotes
from research.findings.figures import figure_text, flat_ticks, inert_figure, wrapped
from research.findings.gap_data import analysed_comments
from research.findings.topic_labels import quotable, readable_labels, speakable_topics
from research.privacy.reporting import Thresholds
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
    topics = list(session.scalars(select(TopicSummary.topic).where(TopicSummary.job_id == job_id)))
    stability = session.scalar(select(AnalysisJob.stability).where(AnalysisJob.id == job_id))
    note = stability_note(stability)
    columns = ["topic", "label", "comments", "share", "mean_sentiment", "latest_sentiment", "first", "latest",
               "change"]
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
    names, _ = theme_names(session=session)
    labels = readable_labels(session=session, job_id=job_id, comments=comments, thresholds=thresholds,
                             topics=topics, names=names)
    over_time["label"] = [labels.get(int(t), "") for t in over_time["topic"]]
    rows = []
    first_wave = waves["wave"].iloc[0] if len(waves) else None
    last_wave = waves["wave"].iloc[-1] if len(waves) else None
    for topic, group in comments.groupby("topic"):
        shares = over_time[over_time["topic"] == topic].set_index("wave")["share"]
        first = float(shares.get(first_wave, np.nan)) if first_wave else np.nan
        latest = float(shares.get(last_wave, np.nan)) if last_wave else np.nan
        # The label speaks for every wave; a topic whose latest wave turned (complaints about team leads, then
        # praise of them) read as the opposite of its newest comments (an outside walk), so its tone there shows.
        now = group[group["wave"] == last_wave]
        rows.append({
            "topic": int(topic), "label": labels.get(int(topic), ""), "comments": len(group),
            "share": len(group) / len(comments),
            "mean_sentiment": float(group["sentiment"].mean()) if len(group) >= thresholds.scores else np.nan,
            "latest_sentiment": float(now["sentiment"].mean())
            if now["response_id"].nunique() >= thresholds.scores else np.nan,
            "first": first, "latest": latest,
            "change": latest - first if len(waves) > 1 else np.nan,
        })
    table = pd.DataFrame(rows, columns=columns).sort_values("comments", ascending=False).reset_index(drop=True)
    return TopicOverview(table, over_time.sort_values(["topic", "opens_on"]).reset_index(drop=True), stability, note)


Embed = Callable[[list[str]], "np.ndarray | None"]
"""Texts to unit vectors, passed in like the model is everywhere else; None when it has none for them."""


def cached_embedder(cache_path: Path, model_name: str, backends: Sequence[str]) -> Embed:
    """An ``embed`` for the web pages: the vectors the analysis left in its cache (by the first of ``backends``
    that has them all), never a model loaded in the web process (loading or exporting one there takes longer
    than a page may). None when the cache lacks any of the texts, e.g. a worker on another machine ran the
    analysis; the quotes then fall back to word vectors. The file is opened per call and closed at once, so
    comment erasure can always clean it."""
    def embed(texts: list[str]) -> np.ndarray | None:
        from research.analysis.embeddings import EmbeddingCache

        if not texts or not cache_path.exists():
            return None
        cache = EmbeddingCache(cache_path, model_name)
        try:
            for backend in dict.fromkeys(backends):
                known = cache.get_many(texts, backend)
                if all(t in known for t in texts):
                    return np.vstack([known[t] for t in texts])
        finally:
            cache.close()
        return None

    return embed

MAX_CANDIDATES = 400
"""A topic's quotes are chosen among its newest 400 quotable comments, so a page embeds at most that many."""
NEAR_DUPLICATE = 0.9
"""Two quotes this similar in meaning say the same thing; the second is skipped."""
SAME_WORDS = 0.6
"""Nor is a quote shown that shares this share of its words with one already chosen ("Honestly, X" after "X")."""
_WORDS = re.compile(r"[^\W\d_]+")


def topic_quotes(
    *, session: Session, job_id: int, topic: int, thresholds: Thresholds, limit: int = 5,
    comments: pd.DataFrame | None = None, embed: Embed | None = None,
) -> list[str]:
    """A topic's most typical comments (:func:`research.analysis.topic_names.typical_order`): of the topic's
    dominant tone and main theme, closest to its centre, without near-duplicates.

    Quotes come from every wave, only from teams at the comment threshold in that wave (counted in people),
    and none for a topic whose words are withheld. Only the quotable comments shape the centre and the tone.
    ``embed`` gives the meaning; without it (or when it returns None), TF-IDF word vectors stand in.
    """
    comments = analysed_comments(session=session, job_id=job_id) if comments is None else comments
    comments = comments[comments["topic"] >= 0]
    if topic not in speakable_topics(comments, thresholds):
        return []
    everyone = quotable(comments, thresholds)
    rows = (everyone[everyone["topic"] == topic].sort_values(["opens_on", "text"], ascending=[False, True])
            .drop_duplicates("text").head(MAX_CANDIDATES))
    if rows.empty:
        return []
    texts = rows["text"].tolist()
    meaning = embed(texts) if embed is not None else None
    vectors = _unit(meaning if meaning is not None else _word_vectors(texts))
    words = [set(_WORDS.findall(t.lower())) for t in texts]
    chosen: list[int] = []
    complaints = dominant_tone(rows["sentiment"].tolist()) == "negative"
    for i in typical_order(vectors, rows["sentiment"].tolist(), rows["theme"].tolist()):
        if complaints and reads_as_praise(texts[i]):
            continue  # a topic of complaints is not illustrated by praise the sentiment misread
        if all(float(vectors[i] @ vectors[j]) < NEAR_DUPLICATE and _overlap(words[i], words[j]) < SAME_WORDS
               for j in chosen):
            chosen.append(i)
        if len(chosen) == limit:
            break
    return guarded_quotes(session=session, quotes=rows.iloc[chosen], population=everyone,
                          threshold=thresholds.comments)


def _overlap(a: set[str], b: set[str]) -> float:
    """Jaccard overlap of two texts' words."""
    return len(a & b) / max(len(a | b), 1)


def _word_vectors(texts: Sequence[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return TfidfVectorizer().fit_transform(texts).toarray()
    except ValueError:  # no word at all (only digits or symbols)
        return np.eye(len(texts))


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def topics_over_time_figure(overview: TopicOverview, top: int = 8) -> Figure:
    """Share of each wave's comments per topic, for the largest topics (BERTopic's topics-over-time view)."""
    keep = overview.table.head(top)["topic"].tolist()
    data = overview.over_time[overview.over_time["topic"].isin(keep)]
    figure = px.line(data, x="wave", y="share", color="label", markers=True,
                     labels={"share": "share of comments", "wave": "", "label": "topic"})
    # The legend above the lines, like the score trends: beside them, long topic labels left the lines a sliver.
    figure.update_layout(yaxis_tickformat=".0%", legend_title_text="", height=480, margin=dict(t=10),
                         legend=dict(orientation="h", x=0, y=-0.25, xanchor="left", yanchor="top"))
    return flat_ticks(inert_figure(figure), data["wave"])


def topic_barchart(overview: TopicOverview, top: int = 12) -> Figure:
    """Topic sizes, largest first (BERTopic's barchart, by size rather than word scores)."""
    data = overview.table.head(top).iloc[::-1]
    figure = px.bar(data, x="comments", y="label", orientation="h", color="mean_sentiment",
                    color_continuous_scale="RdYlGn", range_color=(-0.6, 0.6),
                    labels={"comments": "comments", "label": "", "mean_sentiment": "sentiment"})
    figure.update_layout(height=max(300, 46 * len(data)))
    inert = inert_figure(figure)
    # Long labels wrapped, and the margin grown to fit them: on a phone they were cut at the left edge.
    labels = [str(label) for label in data["label"]]
    inert.update_yaxes(automargin=True, tickvals=[figure_text(label) for label in labels],
                       ticktext=[wrapped(label, 30) for label in labels])
    return inert
