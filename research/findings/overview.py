"""The executive overview: a wave's headline KPIs, their change since the previous wave, and the trend.

Figures are aggregated in SQL (COUNT, SUM and, for eNPS, promoter and
detractor counts through CASE), so no individual answer is ever loaded into
Python: whole waves are summed per question straight from the answers (the
question says which wave), a segment filter joins only its own responses, and
the heatmap sums per segment. With 100,000 responses on SQLite the overview
takes about 0.6 s (``python -m bench.dashboard``); pages cache it for a minute.

What may be shown is decided by :func:`research.privacy.release.releasable`,
which every figure here passes through.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from research.errors import FrontlineError
from research.privacy.release import DIMENSIONS, Cell, Choice, Release, releasable
from research.privacy.reporting import Thresholds, suppressed_note
from research.pulse.library import QUESTION_LIBRARY
from research.store.models import PulseAnswer, PulseQuestion, PulseResponse, PulseSegment, PulseWave

NUMERIC_KINDS = ("scale", "enps", "percent")
KPI_KEYS = ("enps", "morale", "tools", "management_support", "workload", "recovery_share")
LABELS = {
    "enps": "eNPS", "morale": "Morale", "tools": "Tools", "management_support": "Management support",
    "workload": "Workload", "recovery_share": "Recovery share", "feedback_loop": "Feedback loop",
}
NOT_ASKED = "not asked in this wave"
Z95 = 1.96



@dataclass(frozen=True)
class Kpi:
    """One headline figure; every number is None when the group is too small to report."""

    key: str
    label: str
    value: float | None
    previous: float | None
    change: float | None
    responses: int | None
    low: float | None  # the 95 % interval, eNPS only
    high: float | None
    unit: str  # "points", "/5" or "%"
    note: str  # "" or why there is no value ("fewer than N responses", "not asked in this wave")


@dataclass(frozen=True)
class Overview:
    """The overview of one wave, for everyone or for one segment value."""

    wave_id: int
    wave_title: str
    previous_title: str | None
    segment: dict[str, str]
    responses: int | None
    headcount: int | None
    response_rate: float | None  # a fraction of headcount (0.79 is 79 %); None without full headcounts
    kpis: list[Kpi]
    note: str


@dataclass(frozen=True)
class Stat:
    """Sums over some answers to one question, as the SQL aggregate returns them."""

    n: int = 0
    total: float = 0.0
    promoters: int = 0
    detractors: int = 0

    def __add__(self, other: "Stat") -> "Stat":
        return Stat(self.n + other.n, self.total + other.total, self.promoters + other.promoters,
                    self.detractors + other.detractors)


@dataclass(frozen=True)
class Figure:
    """A released figure for one question and group."""

    value: float
    responses: int
    low: float | None = None
    high: float | None = None


def label(key: str) -> str:
    """The short name a chart uses for a question key."""
    return LABELS.get(key, key.replace("_", " ").capitalize())


def enps_with_interval(promoters: int, detractors: int, n: int) -> tuple[float, float, float]:
    """eNPS in points with its 95 % interval (normal approximation, clipped to -100..100).

    Each respondent scores +1 (promoter), 0 (passive) or -1 (detractor); eNPS is
    100 times their mean, whose variance is ``P + D - (P - D)**2`` for shares P and D.
    """
    p, d = promoters / n, detractors / n
    score = 100 * (p - d)
    half = Z95 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n) * 100
    return score, max(-100.0, score - half), min(100.0, score + half)


# --- what may be released -------------------------------------------------------------------------


VALUE = PulseAnswer.value_number
SUMS = (func.count(VALUE), func.sum(VALUE), func.sum(case((VALUE >= 9, 1), else_=0)),
        func.sum(case((VALUE <= 6, 1), else_=0)))


def _stat(n, total, promoters, detractors) -> Stat:
    return Stat(int(n or 0), float(total or 0.0), int(promoters or 0), int(detractors or 0))


class WaveStats:
    """One wave's segments, questions and response counts, with answer sums fetched as they are needed.

    Built by :func:`wave_stats`. Sums come from grouped SQL at the coarsest level that
    answers the question asked: per question for the whole wave (no join), per
    question for a set of segments (a join limited to their responses), or per
    segment and question for the heatmap (:meth:`load_per_segment`).
    """

    def __init__(self, session: Session, wave: PulseWave, segments: list[PulseSegment],
                 questions: list[PulseQuestion], responses: dict[int, int], answer_rows: dict[int, int],
                 threshold: int, totals: dict[int, Stat] | None = None):
        self.session = session
        self.wave = wave
        self.segments = segments
        self.questions = [q for q in questions if q.kind in NUMERIC_KINDS]
        self.responses_by_segment = responses
        self.threshold = threshold
        self._answer_rows = answer_rows  # answer rows per question id in the whole wave
        self._totals = totals
        self._per_segment: dict[tuple[int, int], Stat] | None = None
        self._scoped: dict[frozenset[int], dict[int, Stat]] = {}
        self._counts: dict[int, dict[int, int]] = {}
        self._releases: dict[tuple, Release] = {}

    @property
    def _question_ids(self) -> list[int]:
        return [q.id for q in self.questions]

    def question(self, key: str) -> PulseQuestion | None:
        return next((q for q in self.questions if q.key == key), None)

    def in_scope(self, choice: Choice) -> list[PulseSegment]:
        if choice is None:
            return list(self.segments)
        return [s for s in self.segments if getattr(s, choice[0]) == choice[1]]

    def load_per_segment(self) -> "WaveStats":
        """Fetch sums per segment and question at once (what the heatmap needs); later calls reuse them."""
        if self._per_segment is None and self._question_ids:
            self._per_segment = {
                (segment_id, question_id): _stat(*sums)
                for segment_id, question_id, *sums in self.session.execute(
                    select(PulseResponse.segment_id, PulseAnswer.question_id, *SUMS)
                    .join(PulseAnswer, PulseAnswer.response_id == PulseResponse.id)
                    .where(PulseAnswer.question_id.in_(self._question_ids))
                    .group_by(PulseResponse.segment_id, PulseAnswer.question_id))
            }
        return self

    def stats(self, scope: list[PulseSegment]) -> dict[int, Stat]:
        """Sums per question id over the answers of the segments in ``scope``."""
        ids = frozenset(s.id for s in scope)
        if self._per_segment is not None:
            sums: dict[int, Stat] = defaultdict(Stat)
            for (segment_id, question_id), stat in self._per_segment.items():
                if segment_id in ids:
                    sums[question_id] += stat
            return dict(sums)
        if ids == {s.id for s in self.segments}:
            if self._totals is None:
                self._totals = _question_totals(self.session, self._question_ids)
            return self._totals
        if not ids or not self._question_ids:
            return {}
        if ids not in self._scoped:
            # Only the scope's responses are looked up (through the response index); a filter on
            # question ids would tempt SQLite into reading every answer of the wave instead.
            # Free-text answers have no number, so COUNT and SUM skip them anyway.
            in_scope = select(PulseResponse.id).where(PulseResponse.segment_id.in_(sorted(ids)))
            numeric = set(self._question_ids)
            self._scoped[ids] = {
                question_id: _stat(*sums)
                for question_id, *sums in self.session.execute(
                    select(PulseAnswer.question_id, *SUMS).where(PulseAnswer.response_id.in_(in_scope))
                    .group_by(PulseAnswer.question_id))
                if question_id in numeric
            }
        return self._scoped[ids]

    def answer_counts(self, question: PulseQuestion) -> dict[int, int]:
        """Answers to a question per segment id.

        When the question has as many answer rows as the wave has responses (every
        required question does), these are the response counts and no query runs.
        """
        if question.id not in self._counts:
            if self._per_segment is not None:
                counts = {s.id: self._per_segment.get((s.id, question.id), Stat()).n for s in self.segments}
            elif self._answer_rows.get(question.id, 0) == sum(self.responses_by_segment.values()):
                counts = dict(self.responses_by_segment)
            else:
                counts = dict(self.session.execute(
                    select(PulseResponse.segment_id, func.count(VALUE))
                    .join(PulseAnswer, PulseAnswer.response_id == PulseResponse.id)
                    .where(PulseAnswer.question_id == question.id)
                    .group_by(PulseResponse.segment_id)).all())
            self._counts[question.id] = {s.id: int(counts.get(s.id, 0)) for s in self.segments}
        return self._counts[question.id]

    def release(self, key: str | None = None) -> Release:
        """What may be shown of the response counts (``key`` None) or of one question's answers."""
        question = self.question(key) if key else None
        counts = self.answer_counts(question) if question is not None else self.responses_by_segment
        cells: dict[Cell, int] = defaultdict(int)
        for segment in self.segments:
            cells[tuple(getattr(segment, d) for d in DIMENSIONS)] += counts.get(segment.id, 0)
        memo = tuple(sorted(cells.items()))
        if memo not in self._releases:
            self._releases[memo] = releasable(cells, self.threshold)
        return self._releases[memo]

    def responses(self, choice: Choice) -> int | None:
        """Responses of the group, or None when it may not be shown."""
        if not self.release().allows(choice):
            return None
        return sum(self.responses_by_segment.get(s.id, 0) for s in self.in_scope(choice))

    def figure(self, key: str, choice: Choice) -> Figure | None:
        """The group's mean (eNPS: score and interval) for a question, or None when it may not be shown."""
        question = self.question(key)
        if question is None or not self.release().allows(choice) or not self.release(key).allows(choice):
            return None
        scope = self.in_scope(choice)
        stat = self.stats(scope).get(question.id, Stat())
        counts = self.answer_counts(question)
        if stat.n == 0 or stat.n != sum(counts[s.id] for s in scope):
            return None  # only ever a figure of exactly the group whose size was checked
        if question.kind == "enps":
            score, low, high = enps_with_interval(stat.promoters, stat.detractors, stat.n)
            return Figure(score, stat.n, low, high)
        return Figure(stat.total / stat.n, stat.n)


def _question_totals(session: Session, question_ids: list[int]) -> dict[int, Stat]:
    """Sums per question over whole waves: questions belong to one wave, so no join is needed."""
    if not question_ids:
        return {}
    return {question_id: _stat(*sums) for question_id, *sums in session.execute(
        select(PulseAnswer.question_id, *SUMS).where(PulseAnswer.question_id.in_(question_ids))
        .group_by(PulseAnswer.question_id))}


def wave_stats(*, session: Session, waves: Iterable[PulseWave], thresholds: Thresholds,
               totals: bool = False) -> dict[int, WaveStats]:
    """Segments, questions and response counts of the given waves, in a few grouped queries.

    With ``totals``, the whole-wave sums per question are fetched too, in one query
    for all the waves (what the whole-organisation overview and trend need).
    """
    waves = list(waves)
    ids = [w.id for w in waves]
    if not ids:
        return {}
    segments: dict[int, list[PulseSegment]] = defaultdict(list)
    for segment in session.scalars(select(PulseSegment).where(PulseSegment.wave_id.in_(ids))
                                   .order_by(PulseSegment.id)):
        segments[segment.wave_id].append(segment)
    questions: dict[int, list[PulseQuestion]] = defaultdict(list)
    for question in session.scalars(select(PulseQuestion).where(PulseQuestion.wave_id.in_(ids))
                                    .order_by(PulseQuestion.wave_id, PulseQuestion.position)):
        questions[question.wave_id].append(question)
    numeric = [q.id for qs in questions.values() for q in qs if q.kind in NUMERIC_KINDS]
    responses: dict[int, dict[int, int]] = defaultdict(dict)
    for wave_id, segment_id, n in session.execute(
        select(PulseResponse.wave_id, PulseResponse.segment_id, func.count())
        .where(PulseResponse.wave_id.in_(ids)).group_by(PulseResponse.wave_id, PulseResponse.segment_id)
    ):
        responses[wave_id][segment_id] = int(n)
    # Answer rows per question come from the question index alone, so they are cheap to count.
    rows = dict(session.execute(
        select(PulseAnswer.question_id, func.count()).where(PulseAnswer.question_id.in_(numeric))
        .group_by(PulseAnswer.question_id)).all()) if numeric else {}
    sums = _question_totals(session, numeric) if totals else None
    result = {}
    for wave in waves:
        own = [q.id for q in questions[wave.id] if q.kind in NUMERIC_KINDS]
        result[wave.id] = WaveStats(
            session, wave, segments[wave.id], questions[wave.id], responses[wave.id],
            {q: int(rows.get(q, 0)) for q in own}, thresholds.scores,
            {q: sums[q] for q in own if q in sums} if sums is not None else None)
    return result


# --- public views ---------------------------------------------------------------------------------


def get_wave(*, session: Session, wave_id: int) -> PulseWave:
    """The wave, or a :class:`FrontlineError` naming the missing id."""
    wave = session.get(PulseWave, wave_id)
    if wave is None:
        raise FrontlineError(f"no pulse wave with id {wave_id}")
    return wave


def previous_wave(*, session: Session, wave: PulseWave) -> PulseWave | None:
    """The wave that opened last before this one, the baseline for "change"."""
    return session.scalars(
        select(PulseWave).where(PulseWave.opens_on < wave.opens_on)
        .order_by(PulseWave.opens_on.desc(), PulseWave.id.desc()).limit(1)
    ).first()


def parse_segment(segment: Mapping[str, str] | None) -> Choice:
    """A filter of at most one dimension=value, as ``(dimension, value)`` or None for everyone.

    Raises:
        FrontlineError: more than one dimension, or one that is not team, site, channel or industry.
    """
    if not segment:
        return None
    if len(segment) != 1:
        raise FrontlineError("filter by one of team, site, channel or industry at a time")
    ((dimension, value),) = segment.items()
    if dimension not in DIMENSIONS:
        raise FrontlineError(f"unknown segment dimension {dimension!r}: use one of {', '.join(DIMENSIONS)}")
    return dimension, str(value)


def segment_options(*, session: Session, wave_id: int, thresholds: Thresholds) -> dict[str, list[str]]:
    """The values each dimension's filter may offer for a wave.

    A value is offered only when its group may be shown (see :func:`releasable`):
    offering a small team, or every team but one beside the whole-wave figure,
    would let a reader work out the small team's answers by subtraction.
    """
    wave = get_wave(session=session, wave_id=wave_id)
    release = wave_stats(session=session, waves=[wave], thresholds=thresholds)[wave.id].release()
    return {d: sorted(v for dim, v in release.values if dim == d) for d in DIMENSIONS}


def _unit(key: str, question: PulseQuestion | None) -> str:
    library = next((q for q in QUESTION_LIBRARY if q.key == key), None)
    kind = question.kind if question is not None else (library.kind if library else "scale")
    if kind == "enps":
        return "points"
    if kind == "percent":
        return "%"
    top = question.scale_max if question is not None else (library.scale_max if library else None)
    return f"/{top or 5}"


def _kpi(key: str, current: WaveStats, before: WaveStats | None, choice: Choice, note: str) -> Kpi:
    question = current.question(key)
    unit = _unit(key, question)
    if question is None:
        return Kpi(key, label(key), None, None, None, None, None, None, unit, NOT_ASKED)
    now = current.figure(key, choice)
    if now is None:
        return Kpi(key, label(key), None, None, None, None, None, None, unit, note)
    then = before.figure(key, choice) if before is not None else None
    previous = then.value if then is not None else None
    change = now.value - previous if previous is not None else None
    return Kpi(key, label(key), now.value, previous, change, now.responses, now.low, now.high, unit, "")


def overview(*, session: Session, wave_id: int, thresholds: Thresholds,
             segment: Mapping[str, str] | None = None) -> Overview:
    """The headline KPIs of a wave, for everyone or one segment value, with change since the previous wave.

    A group the thresholds do not let out (too few responses, or a value
    :func:`segment_options` would not offer) comes back with every number None
    and the note "fewer than N responses". The previous wave's figure for the
    same filter passes the previous wave's own thresholds.

    Raises:
        FrontlineError: unknown wave or segment dimension.
    """
    choice = parse_segment(segment)
    wave = get_wave(session=session, wave_id=wave_id)
    before_wave = previous_wave(session=session, wave=wave)
    stats = wave_stats(session=session, waves=[wave] + ([before_wave] if before_wave else []), thresholds=thresholds,
                       totals=choice is None)
    current = stats[wave.id]
    before = stats[before_wave.id] if before_wave else None
    note = suppressed_note(thresholds.scores)
    responses = current.responses(choice)
    common = dict(wave_id=wave.id, wave_title=wave.title, previous_title=before_wave.title if before_wave else None,
                  segment=dict([choice]) if choice else {})
    if responses is None:
        kpis = [Kpi(key, label(key), None, None, None, None, None, None, _unit(key, current.question(key)), note)
                for key in KPI_KEYS]
        return Overview(**common, responses=None, headcount=None, response_rate=None, kpis=kpis, note=note)
    scope = current.in_scope(choice)
    known = [s.headcount for s in scope if s.headcount is not None]
    headcount = sum(known) if scope and len(known) == len(scope) else None
    rate = responses / headcount if headcount else None
    kpis = [_kpi(key, current, before, choice, note) for key in KPI_KEYS]
    return Overview(**common, responses=responses, headcount=headcount, response_rate=rate, kpis=kpis, note="")


def wave_trend(*, session: Session, thresholds: Thresholds, segment: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per wave, oldest first: responses and the KPIs, missing where a wave's group is too small.

    Columns: wave_id, wave, opens_on, responses (nullable integer), then one float
    column per KPI key (eNPS in points, scales out of 5, recovery share in %).
    """
    choice = parse_segment(segment)
    waves = list(session.scalars(select(PulseWave).order_by(PulseWave.opens_on, PulseWave.id)))
    stats = wave_stats(session=session, waves=waves, thresholds=thresholds, totals=choice is None)
    rows = []
    for wave in waves:
        wave_figures = stats[wave.id]
        row = {"wave_id": wave.id, "wave": wave.title, "opens_on": wave.opens_on,
               "responses": wave_figures.responses(choice)}
        for key in KPI_KEYS:
            figure = wave_figures.figure(key, choice)
            row[key] = figure.value if figure is not None else np.nan
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["wave_id", "wave", "opens_on", "responses", *KPI_KEYS])
    frame["responses"] = frame["responses"].astype("Int64")
    return frame.astype({key: "float64" for key in KPI_KEYS})
