"""Morale and tooling gaps: which themes agents raise most, how they feel about them, where, and the trend.

All figures come from a succeeded analysis job joined to the pulse responses,
and pass the reporting thresholds: a wave's theme figures need the wave to
have ``scores`` responses, the raised-versus-not comparisons need both sides
to reach it, team figures use complementary suppression, and quotes come only
from teams at the comment threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from research.privacy.reporting import Thresholds, releasable_rows
from research.store.models import (
    Code,
    PulseAnswer,
    PulseQuestion,
    PulseResponse,
    PulseSegment,
    PulseWave,
    TextAnalysis,
)

NEGATIVE = -0.05


def theme_names(*, session: Session) -> tuple[dict[str, str], dict[str, str]]:
    """Code key to name and to gap kind, from the codebook researchers edit (so a renamed or added code
    shows under its own name)."""
    rows = session.execute(select(Code.key, Code.name, Code.gap_kind)).all()
    return {k: n for k, n, _ in rows}, {k: g or "" for k, _, g in rows}


def analysed_comments(*, session: Session, job_id: int) -> pd.DataFrame:
    """One row per analysed comment with its wave and segment."""
    rows = session.execute(
        select(PulseResponse.id, PulseWave.id, PulseWave.title, PulseWave.opens_on, PulseSegment.team,
               PulseSegment.site, TextAnalysis.theme, TextAnalysis.topic, TextAnalysis.sentiment,
               PulseAnswer.value_text)
        .join(PulseAnswer, PulseAnswer.id == TextAnalysis.answer_id)
        .join(PulseResponse, PulseResponse.id == PulseAnswer.response_id)
        .join(PulseWave, PulseWave.id == PulseResponse.wave_id)
        .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
        .where(TextAnalysis.job_id == job_id)
    ).all()
    return pd.DataFrame(rows, columns=["response_id", "wave_id", "wave", "opens_on", "team", "site", "theme",
                                       "topic", "sentiment", "text"])


def response_scores(*, session: Session) -> pd.DataFrame:
    """Morale and eNPS answer per response, with wave and team."""
    rows = session.execute(
        select(PulseResponse.id, PulseResponse.wave_id, PulseSegment.team, PulseQuestion.key, PulseAnswer.value_number)
        .join(PulseAnswer, PulseAnswer.response_id == PulseResponse.id)
        .join(PulseQuestion, PulseQuestion.id == PulseAnswer.question_id)
        .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
        .where(PulseQuestion.key.in_(["morale", "enps"]))
    ).all()
    long = pd.DataFrame(rows, columns=["response_id", "wave_id", "team", "key", "value"])
    if long.empty:
        return pd.DataFrame(columns=["response_id", "wave_id", "team", "morale", "enps"])
    return long.pivot_table(index=["response_id", "wave_id", "team"], columns="key", values="value").reset_index()


def enps(values: pd.Series) -> float:
    """Promoters (9-10) minus detractors (0-6), in points."""
    values = values.dropna()
    if values.empty:
        return float("nan")
    return float(100 * ((values >= 9).mean() - (values <= 6).mean()))


def theme_gaps(*, session: Session, job_id: int, thresholds: Thresholds) -> pd.DataFrame:
    """Per theme and wave: comments, share, negative share, mean sentiment, change in share, and the morale
    and eNPS of respondents who raised the theme minus those who did not (missing when either side is small).

    Counts are of primary themes: a comment counts once, for the theme it is mostly about (its secondary
    theme is stored beside it, see ``TextAnalysis.theme2``)."""
    names, kinds = theme_names(session=session)
    comments = analysed_comments(session=session, job_id=job_id)
    scores = response_scores(session=session)
    if comments.empty:
        return pd.DataFrame()
    comments = comments[comments["theme"] != ""]
    waves = comments[["wave_id", "wave", "opens_on"]].drop_duplicates().sort_values("opens_on")
    out = []
    for wave in waves.itertuples(index=False):
        in_wave = comments[comments["wave_id"] == wave.wave_id]
        wave_scores = scores[scores["wave_id"] == wave.wave_id]
        if len(wave_scores) < thresholds.scores or len(in_wave) < thresholds.scores:
            continue
        for theme, group in in_wave.groupby("theme"):
            raised_ids = set(group["response_id"])
            raised = wave_scores[wave_scores["response_id"].isin(raised_ids)]
            rest = wave_scores[~wave_scores["response_id"].isin(raised_ids)]
            comparable = len(raised) >= thresholds.scores and len(rest) >= thresholds.scores
            out.append({
                "theme": theme, "name": names.get(theme, "Other" if theme == "other" else theme),
                "kind": kinds.get(theme, ""),
                "wave_id": wave.wave_id, "wave": wave.wave, "opens_on": wave.opens_on,
                "comments": len(group), "share": len(group) / len(in_wave),
                "negative_share": float((group["sentiment"] <= NEGATIVE).sum()) / len(in_wave),
                "mean_sentiment": float(group["sentiment"].mean()),
                "morale_diff": float(raised["morale"].mean() - rest["morale"].mean()) if comparable else np.nan,
                "enps_diff": enps(raised["enps"]) - enps(rest["enps"]) if comparable else np.nan,
            })
    gaps = pd.DataFrame(out)
    if gaps.empty:
        return gaps
    gaps = gaps.sort_values(["theme", "opens_on"])
    gaps["change"] = gaps.groupby("theme")["share"].diff()
    return gaps.reset_index(drop=True)


def ranked_gaps(gaps: pd.DataFrame, *, kind: str) -> pd.DataFrame:
    """The latest wave's themes of one kind ("morale" or "tooling"), worst first: most negative comments."""
    if gaps.empty:
        return gaps
    latest = gaps[gaps["opens_on"] == gaps["opens_on"].max()]
    chosen = latest[latest["kind"] == kind]
    return chosen.sort_values(["negative_share", "share"], ascending=False).reset_index(drop=True)


def latest_quotes(comments: pd.DataFrame, *, column: str, value, thresholds: Thresholds, limit: int = 5) -> list[str]:
    """Comments whose ``column`` is ``value`` in the latest wave that can be quoted at all, only from teams
    at the comment threshold in that wave, most negative first.

    A wave just opened, with no team yet at the threshold, must not leave every gap without quotes:
    the newest wave with a quotable team is used. Waves are never pooled to reach the threshold,
    since the same people answer each wave.
    """
    if comments.empty:
        return []
    for opens_on in sorted(comments["opens_on"].unique(), reverse=True):
        wave = comments[comments["opens_on"] == opens_on]
        released = releasable_rows(wave, by="team", threshold=thresholds.comments, people="response_id")
        if not released.empty:
            chosen = released[released[column] == value].sort_values(["sentiment", "text"])
            return chosen["text"].drop_duplicates().head(limit).tolist()
    return []


def representative_quotes(*, session: Session, job_id: int, theme: str, thresholds: Thresholds,
                          limit: int = 5) -> list[str]:
    """A theme's quotes from the latest wave (see :func:`latest_quotes`)."""
    return latest_quotes(analysed_comments(session=session, job_id=job_id), column="theme", value=theme,
                         thresholds=thresholds, limit=limit)
