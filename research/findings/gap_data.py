"""The morale and tooling gaps as the findings read them: lean reads, and comment text only where it may be quoted.

:func:`research.analysis.gaps.theme_gaps` reads every analysed comment with its text and every morale and eNPS
answer through the ORM, about 4 CPU seconds at 100,000 responses, where the gaps page has 2 seconds in all. The
figures here are the same (:func:`gap_table` runs the same per-wave arithmetic), read leaner:

* the facts of each comment (its response, wave, theme, topic and sentiment) in one Core query without its
  text or team, and the morale and eNPS answers in another straight from the answers' covering index;
* text only for the comments that may be quoted: the latest gap wave's comments from teams that
  :func:`research.privacy.reporting.releasable_rows` releases (distinct people, complementary suppression),
  decided from the facts before any text is read (:func:`quotable_comments`).

A response's wave is the wave of the questions it answered, which is the response's own: an answer is only
ever accepted for its wave's questions.
"""

from __future__ import annotations

import hashlib
from datetime import date
from weakref import WeakKeyDictionary

import numpy as np
import pandas as pd
from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session

# The per-wave arithmetic is theme_gaps' own, so the two can never disagree.
from research.analysis.gap_steps import withheld_themes, withhold
from research.analysis.gaps import _wave_gaps, gap_frame, theme_names
from research.findings.representative import analysed_up_to
from research.findings.wave_stats import TimedCache
from research.privacy.reporting import Thresholds, releasable_rows
from research.store.models import PulseAnswer, PulseQuestion, PulseResponse, PulseSegment, PulseWave, TextAnalysis

COMMENT_COLUMNS = ["response_id", "wave_id", "wave", "opens_on", "team", "site", "theme", "topic", "sentiment",
                   "theme_confidence", "text"]
"""The columns of :func:`research.analysis.gaps.analysed_comments`, which :func:`quotable_comments` keeps."""
_FACTS = ["response_id", "wave_id", "segment_id", "theme", "topic", "sentiment"]
GAPS_TTL = 600.0
"""Seconds a gap table may be reused while what it is computed from is unchanged."""
_GAPS: WeakKeyDictionary = WeakKeyDictionary()  # engine -> its TimedCache of gap tables


def _frame(session: Session, query: Select, columns: list[str]) -> pd.DataFrame:
    """The rows of a Core query of plain columns (text, numbers: nothing SQLAlchemy converts) as a DataFrame,
    taken from the DBAPI cursor as tuples: building 100,000 Row objects, and pandas probing each for fields,
    cost more than the query."""
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return pd.DataFrame(rows, columns=columns)


def _named(frame: pd.DataFrame, session: Session) -> pd.DataFrame:
    """``frame`` (with wave_id and segment_id) with each wave's title and opening day and each segment's team and
    site beside them, looked up in Python: a few hundred rows a wave instead of two joins per comment."""
    waves = session.execute(select(PulseWave.id, PulseWave.title, PulseWave.opens_on)).all()
    segments = session.execute(select(PulseSegment.id, PulseSegment.team, PulseSegment.site)).all()
    return frame.assign(
        wave=frame["wave_id"].map({i: title for i, title, _ in waves}),
        opens_on=frame["wave_id"].map({i: day for i, _, day in waves}).astype(object),
        team=frame["segment_id"].map({i: team for i, team, _ in segments}),
        site=frame["segment_id"].map({i: site for i, _, site in segments}))


def _comment_rows(session: Session, job_id: int, *, text: bool, questions: list[int] | None = None,
                  segments: list[int] | None = None) -> pd.DataFrame:
    """Analysed comments of a job in the order of their answer ids (as SQLite reads them), with their text
    when ``text``; only the answers to ``questions`` and of ``segments`` when given. The question is tested
    before the response is looked up, so a day's comments cost a lookup each, not every comment."""
    # Response ids as text: 100,000 uuid.UUID objects cost seconds to build, hash and compare.
    columns = [cast(PulseResponse.id, String), PulseResponse.wave_id, PulseResponse.segment_id, TextAnalysis.theme,
               TextAnalysis.topic, TextAnalysis.sentiment] + (
                   [TextAnalysis.theme_confidence, PulseAnswer.value_text] if text else [])
    query = (select(*columns).join(PulseAnswer, PulseAnswer.id == TextAnalysis.answer_id)
             .join(PulseResponse, PulseResponse.id == PulseAnswer.response_id)
             .where(TextAnalysis.job_id == job_id).order_by(TextAnalysis.answer_id))
    if questions is not None:
        query = query.where(PulseAnswer.question_id.in_(questions))
    if segments is not None:
        query = query.where(PulseResponse.segment_id.in_(segments))
    return _named(_frame(session, query, _FACTS + (["theme_confidence", "text"] if text else [])), session)


def comment_facts(*, session: Session, job_id: int) -> pd.DataFrame:
    """One row per analysed comment, without its text or team: response_id, wave_id, theme, topic, sentiment,
    wave, opens_on. The wave is that of the question answered (always the response's own), so no response
    is looked up: at 100,000 comments that lookup was most of the read."""
    facts = _frame(session, select(cast(PulseAnswer.response_id, String), PulseAnswer.question_id,
                                   TextAnalysis.theme, TextAnalysis.topic, TextAnalysis.sentiment)
                   .join(PulseAnswer, PulseAnswer.id == TextAnalysis.answer_id)
                   .where(TextAnalysis.job_id == job_id).order_by(TextAnalysis.answer_id),
                   ["response_id", "question_id", "theme", "topic", "sentiment"])
    waves = dict(session.execute(select(PulseQuestion.id, PulseQuestion.wave_id)).all())
    facts.insert(1, "wave_id", facts.pop("question_id").map(waves).astype("int64"))
    titles = session.execute(select(PulseWave.id, PulseWave.title, PulseWave.opens_on)).all()
    return facts.assign(wave=facts["wave_id"].map({i: title for i, title, _ in titles}),
                        opens_on=facts["wave_id"].map({i: day for i, _, day in titles}).astype(object))


def response_scores(*, session: Session) -> pd.DataFrame:
    """Morale and eNPS per response that answered either (a NULL answer counts as answered, as it does in
    :func:`research.analysis.gaps.response_scores`): response_id, wave_id, morale, enps."""
    questions = {i: (key, wave) for i, key, wave in session.execute(
        select(PulseQuestion.id, PulseQuestion.key, PulseQuestion.wave_id)
        .where(PulseQuestion.key.in_(["morale", "enps"])))}
    if not questions:
        return pd.DataFrame(columns=["response_id", "wave_id", "morale", "enps"])
    answers = _frame(session, select(cast(PulseAnswer.response_id, String), PulseAnswer.question_id,
                                     PulseAnswer.value_number).where(PulseAnswer.question_id.in_(list(questions))),
                     ["response_id", "question_id", "value"])
    if answers.empty:
        return pd.DataFrame(columns=["response_id", "wave_id", "morale", "enps"])
    answers["key"] = answers["question_id"].map({i: key for i, (key, _) in questions.items()})
    answers["wave_id"] = answers["question_id"].map({i: wave for i, (_, wave) in questions.items()})
    # One answer per response and question, so unstacking is the pivot.
    wide = answers.set_index(["response_id", "wave_id", "key"])["value"].unstack("key")
    wide.columns.name = None
    for column in ("morale", "enps"):
        if column not in wide:
            wide[column] = np.nan
    return wide.reset_index()[["response_id", "wave_id", "morale", "enps"]]


def gap_table(*, session: Session, job_id: int, thresholds: Thresholds,
              facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """What :func:`research.analysis.gaps.theme_gaps` returns, from :func:`comment_facts` and
    :func:`response_scores`: per theme and wave, comments, share, negative share, mean sentiment, change in
    share, and the morale and eNPS differences (missing when either side is under the score threshold).

    Kept per database for :data:`GAPS_TTL` seconds under a key of everything it is computed from: the facts'
    digest (response, wave, theme and sentiment of every comment, in order, and each wave's title and day),
    the morale and eNPS answers counted per question (answers are only ever added or deleted, as for the
    wave sums in :mod:`research.findings.wave_stats`), the codebook's names and kinds, and the thresholds."""
    facts = comment_facts(session=session, job_id=job_id) if facts is None else facts
    if facts.empty:
        return pd.DataFrame()
    names, kinds = theme_names(session=session)
    key = (job_id, thresholds, _facts_digest(facts), _score_counts(session), tuple(sorted(names.items())),
           tuple(sorted(kinds.items())))
    gaps = _gaps_cache(session).get(key, lambda: _gap_rows(session, facts, names, kinds, thresholds)).copy()
    return withhold(gaps, withheld_themes(session=session, job_id=job_id))


def _gap_rows(session: Session, facts: pd.DataFrame, names: dict, kinds: dict,
              thresholds: Thresholds) -> pd.DataFrame:
    scores = response_scores(session=session)
    comments = facts[facts["theme"] != ""]
    # As theme_gaps orders them: waves opening on the same day stay in the order their comments come.
    waves = comments[["wave_id", "wave", "opens_on"]].drop_duplicates().sort_values("opens_on")
    by_wave = dict(tuple(comments.groupby("wave_id")))
    scored = dict(tuple(scores.groupby("wave_id")))
    out: list[dict] = []
    for wave in waves.itertuples(index=False):
        in_wave = by_wave[wave.wave_id]
        wave_scores = scored.get(wave.wave_id, scores.iloc[0:0])
        if len(wave_scores) < thresholds.scores or len(in_wave) < thresholds.scores:
            continue
        out += _wave_gaps(in_wave, wave_scores, wave, names, kinds, thresholds)
    return gap_frame(out)


def _facts_digest(facts: pd.DataFrame) -> tuple[str, tuple]:
    """SHA-256 of the comments' response, wave, theme and sentiment in order, and the waves' titles and days."""
    rows = pd.util.hash_pandas_object(facts[["response_id", "wave_id", "theme", "sentiment"]], index=False)
    waves = facts[["wave_id", "wave", "opens_on"]].drop_duplicates()
    return (hashlib.sha256(rows.to_numpy().tobytes()).hexdigest(),
            tuple(waves.itertuples(index=False, name=None)))


def _score_counts(session: Session) -> tuple:
    """Morale and eNPS answer rows per question (through the answers' covering index)."""
    return tuple(session.execute(
        select(PulseQuestion.id, PulseQuestion.wave_id, PulseQuestion.key, func.count(PulseAnswer.id))
        .join(PulseAnswer, PulseAnswer.question_id == PulseQuestion.id, isouter=True)
        .where(PulseQuestion.key.in_(["morale", "enps"]))
        .group_by(PulseQuestion.id, PulseQuestion.wave_id, PulseQuestion.key).order_by(PulseQuestion.id)).all())


def _gaps_cache(session: Session) -> TimedCache:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    cache = _GAPS.get(engine)
    if cache is None:
        cache = _GAPS[engine] = TimedCache(8, GAPS_TTL)
    return cache


def quotable_comments(*, session: Session, job_id: int, thresholds: Thresholds, opens_on: date,
                      facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The analysed comments of the waves opening on ``opens_on`` that may be quoted: those of teams with at
    least the comment threshold of distinct people in one wave, after complementary suppression among that
    wave's teams; exactly ``releasable_rows(comments of that day, by="team", parent="wave_id",
    people="response_id")``, with the columns of
    :func:`research.analysis.gaps.analysed_comments`. Only these comments' text is read. ``facts``: the job's
    :func:`comment_facts`, when the caller has them (the day's teams are then looked up per response)."""
    questions = list(session.scalars(select(PulseQuestion.id).join(PulseWave, PulseWave.id == PulseQuestion.wave_id)
                                     .where(PulseWave.opens_on == opens_on)))
    day = (_comment_rows(session, job_id, text=False, questions=questions) if facts is None
           else _day_of(session, facts, opens_on))
    # Per wave: two waves opening the same day are two groups of people (a person answers each), never pooled
    # to reach the threshold (an insider review: six people in each of two imported waves were quoted as twelve).
    released = releasable_rows(day, by="team", parent="wave_id", threshold=thresholds.comments, people="response_id")
    segments = sorted({int(s) for s in released["segment_id"]})
    if not segments:
        return pd.DataFrame(columns=COMMENT_COLUMNS)
    texts = _comment_rows(session, job_id, text=True, questions=questions, segments=segments)
    # The decision is taken again over what was read, in case comments were erased in between (a second
    # statement may see a newer state): a team that fell under the threshold is not quoted.
    groups = ["wave_id", "team", "response_id"]
    people = pd.concat([texts[groups], day.loc[~day["segment_id"].isin(segments), groups]])
    kept = releasable_rows(people, by="team", parent="wave_id", threshold=thresholds.comments, people="response_id")
    pairs = set(zip(kept["wave_id"], kept["team"]))
    return texts.loc[[pair in pairs for pair in zip(texts["wave_id"], texts["team"])], COMMENT_COLUMNS]


def _day_of(session: Session, facts: pd.DataFrame, opens_on: date) -> pd.DataFrame:
    """The facts of the comments of the waves opening on ``opens_on`` with each one's segment and team: the
    rows, in the order, of ``_comment_rows(text=False)`` for that day's questions, without looking up each
    comment's answer again (a comment's wave is its question's)."""
    waves = list(session.scalars(select(PulseWave.id).where(PulseWave.opens_on == opens_on)))
    segments = dict(session.execute(select(cast(PulseResponse.id, String), PulseResponse.segment_id)
                                    .where(PulseResponse.wave_id.in_(waves))).all())
    day = facts[facts["wave_id"].isin(waves)]
    day = day.assign(segment_id=day["response_id"].map(segments))
    day = day[day["segment_id"].notna()].astype({"segment_id": "int64"})  # a response deleted meanwhile
    teams = dict(session.execute(select(PulseSegment.id, PulseSegment.team)).all())
    return day.assign(team=day["segment_id"].map(teams))


def analysed_comments(*, session: Session, job_id: int) -> pd.DataFrame:
    """Every analysed comment with its text: what :func:`research.analysis.gaps.analysed_comments` returns, in
    the order of the answer ids, read leaner (for the topics, which quote every wave)."""
    return _comment_rows(session, job_id, text=True)[COMMENT_COLUMNS]


def gaps_and_quotes(*, session: Session, job_id: int, thresholds: Thresholds,
                    wave_id: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gaps of the waves up to ``wave_id`` (all when None; see
    :func:`research.findings.representative.analysed_up_to`) and the comments that may be quoted from the
    latest of them (:func:`quotable_comments`): what the gaps page and the focus areas show, from one read of
    the comments' facts and the text of the quotable ones only."""
    facts = comment_facts(session=session, job_id=job_id)
    gaps, _ = analysed_up_to(session=session, gaps=gap_table(session=session, job_id=job_id, thresholds=thresholds,
                                                             facts=facts), comments=facts, wave_id=wave_id)
    if gaps.empty:
        return gaps, pd.DataFrame(columns=COMMENT_COLUMNS)
    return gaps, quotable_comments(session=session, job_id=job_id, thresholds=thresholds,
                                   opens_on=gaps["opens_on"].max(), facts=facts)
