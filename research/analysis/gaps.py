"""Morale and tooling gaps: which themes agents raise most, how they feel about them, where, and the trend.

All figures come from a succeeded analysis job joined to the pulse responses,
and pass the reporting thresholds: a wave's theme figures need the wave to
have ``scores`` responses, the raised-versus-not comparisons need both sides
to reach it, team figures use complementary suppression, and quotes come only
from teams at the comment threshold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from research.analysis.gap_steps import withheld_themes, withhold
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
    # Response ids come back as text: 100,000 uuid.UUID objects cost seconds to build, hash and compare.
    rows = session.execute(
        select(cast(PulseResponse.id, String), PulseWave.id, PulseWave.title, PulseWave.opens_on, PulseSegment.team,
               PulseSegment.site, TextAnalysis.theme, TextAnalysis.topic, TextAnalysis.sentiment,
               TextAnalysis.theme_confidence, PulseAnswer.value_text)
        .join(PulseAnswer, PulseAnswer.id == TextAnalysis.answer_id)
        .join(PulseResponse, PulseResponse.id == PulseAnswer.response_id)
        .join(PulseWave, PulseWave.id == PulseResponse.wave_id)
        .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
        .where(TextAnalysis.job_id == job_id)
    ).all()
    # Plain tuples: pandas inspects each SQLAlchemy Row for fields, which costs seconds at 100,000 rows.
    return pd.DataFrame([tuple(r) for r in rows], columns=[
        "response_id", "wave_id", "wave", "opens_on", "team", "site", "theme", "topic", "sentiment",
        "theme_confidence", "text"])


def response_scores(*, session: Session) -> pd.DataFrame:
    """Morale and eNPS answer per response, with wave and team."""
    # Answers come through the question index and their response's wave and team from a second query
    # joined here: on SQLite, looking up each answer's response in the join cost more than reading the answers.
    questions = dict(session.execute(
        select(PulseQuestion.id, PulseQuestion.key).where(PulseQuestion.key.in_(["morale", "enps"]))).all())
    answers = pd.DataFrame([tuple(r) for r in session.execute(
        select(cast(PulseAnswer.response_id, String), PulseAnswer.question_id, PulseAnswer.value_number)
        .where(PulseAnswer.question_id.in_(list(questions))))] if questions else [],
        columns=["response_id", "question_id", "value"])
    places = pd.DataFrame([tuple(r) for r in session.execute(
        select(cast(PulseResponse.id, String), PulseResponse.wave_id, PulseSegment.team)
        .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id))] if len(answers) else [],
        columns=["response_id", "wave_id", "team"])
    answers["key"] = answers["question_id"].map(questions)
    long = places.merge(answers[["response_id", "key", "value"]], on="response_id")
    if long.empty:
        return pd.DataFrame(columns=["response_id", "wave_id", "team", "morale", "enps"])
    # One answer per response and question, so unstacking is the pivot (and far quicker than pivot_table).
    wide = long.set_index(["response_id", "wave_id", "team", "key"])["value"].unstack("key")
    wide.columns.name = None
    return wide.reset_index()


def enps(values: pd.Series) -> float:
    """Promoters (9-10) minus detractors (0-6), in points."""
    values = values.dropna()
    if values.empty:
        return float("nan")
    return float(100 * ((values >= 9).mean() - (values <= 6).mean()))


def theme_gaps(*, session: Session, job_id: int, thresholds: Thresholds,
               comments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per theme and wave: comments, share, negative share, mean sentiment, change in share, and the morale
    and eNPS of respondents who raised the theme minus those who did not (missing when either side is small).

    Counts are of primary themes: a comment counts once, for the theme it is mostly about (its secondary
    theme is stored beside it, see ``TextAnalysis.theme2``)."""
    names, kinds = theme_names(session=session)
    # A caller that shows the comments too passes them in: reading them is most of the cost at 100,000.
    comments = analysed_comments(session=session, job_id=job_id) if comments is None else comments
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
        out += _wave_gaps(in_wave, wave_scores, wave, names, kinds, thresholds)
    return withhold(gap_frame(out), withheld_themes(session=session, job_id=job_id))


def _score_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """Respondents, morale sum and count, eNPS promoters, detractors and count: what means and eNPS need."""
    return pd.DataFrame({
        "rows": 1, "morale_sum": frame["morale"].fillna(0.0), "morale_n": frame["morale"].notna().astype(int),
        "promoters": (frame["enps"] >= 9).astype(int), "detractors": (frame["enps"] <= 6).astype(int),
        "enps_n": frame["enps"].notna().astype(int)}, index=frame.index)


def _enps_of(promoters, detractors, n) -> float:
    return float(100 * (promoters / n - detractors / n)) if n else float("nan")  # as enps() computes it


def _wave_gaps(in_wave: pd.DataFrame, wave_scores: pd.DataFrame, wave, names: dict, kinds: dict,
               thresholds: Thresholds) -> list[dict]:
    """One wave's rows of :func:`theme_gaps`, in one grouped pass rather than a scan per theme: those who
    raised a theme are summed per theme, and the rest are the wave's totals minus them."""
    for column in ("morale", "enps"):
        if column not in wave_scores:
            wave_scores = wave_scores.assign(**{column: np.nan})
    wave_scores = wave_scores.drop_duplicates("response_id")
    totals = _score_sums(wave_scores).sum()
    raised_by = in_wave[["theme", "response_id"]].drop_duplicates().merge(
        wave_scores[["response_id", "morale", "enps"]], on="response_id")
    raised = _score_sums(raised_by).groupby(raised_by["theme"]).sum()
    text = in_wave.assign(negative=in_wave["sentiment"] <= NEGATIVE).groupby("theme").agg(
        comments=("sentiment", "size"), negative=("negative", "sum"), mean_sentiment=("sentiment", "mean"))
    rows = []
    for theme, group in text.iterrows():
        mine = raised.loc[theme] if theme in raised.index else pd.Series(0, index=totals.index)
        rest = totals - mine
        comparable = mine["rows"] >= thresholds.scores and rest["rows"] >= thresholds.scores
        rows.append({
            "theme": theme, "name": names.get(theme, "Other" if theme == "other" else theme),
            "kind": kinds.get(theme, ""),
            "wave_id": wave.wave_id, "wave": wave.wave, "opens_on": wave.opens_on,
            "comments": int(group["comments"]), "share": int(group["comments"]) / len(in_wave),
            "negative_share": float(group["negative"]) / len(in_wave),
            "mean_sentiment": float(group["mean_sentiment"]),
            "morale_diff": (_mean(mine["morale_sum"], mine["morale_n"]) - _mean(rest["morale_sum"], rest["morale_n"])
                            if comparable else np.nan),
            "enps_diff": (_enps_of(mine["promoters"], mine["detractors"], mine["enps_n"])
                          - _enps_of(rest["promoters"], rest["detractors"], rest["enps_n"]) if comparable else np.nan),
        })
    return rows


def _mean(total, n) -> float:
    return float(total / n) if n else float("nan")


def ranked_gaps(gaps: pd.DataFrame, *, kind: str) -> pd.DataFrame:
    """The latest wave's themes of one kind ("morale" or "tooling") that are on balance negative (mean sentiment
    below zero), worst first: most negative comments.

    A theme its comments mostly praise is no gap: an outside walk read "Career growth and training" (0 % negative,
    mean +0.69) listed as a tooling gap and "Manager and leadership" (+0.48) as the second morale gap in a small
    wave. Such themes are listed apart (:func:`praised_themes`). Waves imported for several sites may open on the
    same day; each theme is then ranked once, in the wave where it is worst (the row names that wave), not once
    per wave.
    """
    worst = _worst_per_theme(gaps, (kind,))
    return worst if worst.empty else worst[~_praised(worst)].reset_index(drop=True)


def praised_themes(gaps: pd.DataFrame) -> pd.DataFrame:
    """The latest wave's themes of a gap kind that are on balance positive, so ranked as no gap, most raised
    first (one row per theme)."""
    worst = _worst_per_theme(gaps, ("morale", "tooling"))
    return worst if worst.empty else worst[_praised(worst)].sort_values(["share", "name"], ascending=[False, True])


def _worst_per_theme(gaps: pd.DataFrame, kinds: tuple[str, ...]) -> pd.DataFrame:
    """The latest wave's rows of ``kinds``, worst first, each theme once: in the wave where it is worst."""
    if gaps.empty:
        return gaps
    latest = gaps[(gaps["opens_on"] == gaps["opens_on"].max()) & gaps["kind"].isin(list(kinds))]
    ranked = latest.sort_values(["negative_share", "share", "wave_id"], ascending=[False, False, True])
    return ranked.drop_duplicates("theme")


def _praised(rows: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(rows["mean_sentiment"], errors="coerce").fillna(0.0) >= 0


_QUOTE_WORD = re.compile(r"[a-z']+")


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
        released = releasable_rows(wave, by="team", parent="wave_id", threshold=thresholds.comments,
                                   people="response_id")  # two waves opening this day are two groups
        if not released.empty:
            chosen = surest_first(released[released[column] == value])
            return distinct_quotes(chosen["text"].drop_duplicates().tolist(), limit)
    return []


QUOTE_CONFIDENCE = 0.7
"""A comment whose primary theme has at least this confidence is quoted for that theme before any less sure one.
An executive walk read quotes under the wrong gap where a comment's theme was misread. On 480 real labelled
fragments with the evaluator's codebook (out of sample), 78 % of primary themes are right (or the labelled second
theme) and 88.5 % of those with confidence 0.7 or more; 0.7 was chosen there among 0.3, 0.5, 0.7 and 0.9."""
QUOTE_FLOOR = 0.3
"""Below this confidence a comment is never quoted for its theme (it still counts in every figure): on the same
fragments its theme is more often wrong than right (12 of 27 right with the evaluator's ten codes, 13 of 38 with
the default codebook read as those ten), against 55 % to 62 % from 0.3 to 0.5. A later walk still read a
workload complaint quoted as a manager gap at confidence 0.23 once the sure quotes ran out."""


def surest_first(comments: pd.DataFrame) -> pd.DataFrame:
    """``comments`` that may illustrate their theme, those surely of it first (:data:`QUOTE_CONFIDENCE`), each
    group most negative first, without those below :data:`QUOTE_FLOOR`; a comment with no confidence (a job that
    kept none, a frame without the column) counts as sure."""
    confidence = comments["theme_confidence"] if "theme_confidence" in comments else pd.Series(1.0, comments.index)
    confidence = confidence.astype("float64").fillna(1.0).to_numpy()
    kept = comments.assign(_unsure=confidence < QUOTE_CONFIDENCE)[confidence >= QUOTE_FLOOR]
    return kept.sort_values(["_unsure", "sentiment", "text"]).drop(columns="_unsure")


def distinct_quotes(texts: list[str], limit: int) -> list[str]:
    """The first ``limit`` texts that do not repeat an earlier one with a word or two added ("Honestly, the
    bonus depends on targets" after "the bonus depends on targets": three of a gap's five quotes were one
    sentence so). A repeat is a text of three words or more whose words are nearly all (:func:`_within`) in a
    chosen one, or the other way round."""
    return [texts[i] for i in first_distinct(texts, _repeats, limit)]


def first_distinct(texts: Sequence[str], repeats: Callable[[set[str], set[str]], bool],
                   limit: int | None = None) -> list[int]:
    """Positions of the texts kept when each is compared, by its words, with those kept before it, up to
    ``limit``: of quotes that say the same only the first reads, so the order (most negative first, say)
    decides which one stays."""
    kept: list[tuple[int, set[str]]] = []
    for position, text in enumerate(texts):
        if len(kept) == limit:
            break
        words = quote_words(text)
        if not any(repeats(words, other) for _, other in kept):
            kept.append((position, words))
    return [position for position, _ in kept]


def _repeats(words: set[str], other: set[str]) -> bool:
    return _within(words, other) or _within(other, words)


def _within(small: set[str], large: set[str]) -> bool:
    """Nearly all of ``small``'s words are in ``large``: 90 %, and all but one from eight words ("Simple: upper
    management doesn't listen to anything we report" within "To be fair, upper management doesn't listen to
    anything we report", both quoted under one gap by a walk)."""
    missing = len(small - large)
    return len(small) >= 3 and (missing <= 0.1 * len(small) or (len(small) >= 8 and missing <= 1))


def quote_words(text: str) -> set[str]:
    return set(_QUOTE_WORD.findall(text.lower()))


def alike(words: set[str], others: set[str], share: float = 0.6) -> bool:
    """Two quotes that say the same in the same words, give or take a few ("... angry about the billing system"
    and "... angry about the ticketing tool"): more than ``share`` of the shorter one's words are in the other.
    Two such quotes side by side read as one said twice."""
    return len(words & others) > share * min(len(words), len(others))


def representative_quotes(*, session: Session, job_id: int, theme: str, thresholds: Thresholds,
                          limit: int = 5) -> list[str]:
    """A theme's quotes from the latest wave (see :func:`latest_quotes`)."""
    return latest_quotes(analysed_comments(session=session, job_id=job_id), column="theme", value=theme,
                         thresholds=thresholds, limit=limit)


def gap_frame(rows: list[dict]) -> pd.DataFrame:
    """Per-wave gap rows as one table, each theme's waves in date order with the change from the wave before."""
    gaps = pd.DataFrame(rows)
    if gaps.empty:
        return gaps
    gaps = gaps.sort_values(["theme", "opens_on"])
    gaps["change"] = gaps.groupby("theme")["share"].diff()
    return gaps.reset_index(drop=True)
