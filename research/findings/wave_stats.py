"""One wave's figures as the dashboard may show them: grouped SQL sums, and the release decision over them.

:class:`WaveStats` holds a wave's segments, numeric questions and responses per
segment, and fetches answer sums at the coarsest level that answers what is asked:
per question for the whole wave (no join), per question for a set of segments, or
per segment and question (the heatmap). Every figure passes
:func:`research.privacy.release.releasable` first.

Two process-wide caches keep repeated pages cheap at 100,000 responses, where one
pass over a wave's answers takes about a second on SQLite:

* sums, keyed by the wave and its *fingerprint* (responses per segment and answer
  rows per question, which :func:`wave_stats` counts on every call anyway), so a
  new, withdrawn or deleted response changes the key and the sums are fetched
  again; entries also expire after :data:`SUMS_TTL` seconds;
* release decisions, keyed by the responses per cell and the threshold: the search
  for groups that subtraction would isolate is a pure function of those, so the
  overview, the filters, the four heatmaps and the agent's preview share one search
  per wave.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from weakref import WeakKeyDictionary

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from research.privacy.release import DIMENSIONS, Cell, Choice, Release, releasable
from research.privacy.reporting import Thresholds
from research.store.models import (
    PulseAnswer,
    PulseQuestion,
    PulseResponse,
    PulseSegment,
    PulseWave,
)

try:  # installed with scikit-learn; without it the search runs with numpy's own threads
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    def threadpool_limits(**_):
        return nullcontext()

NUMERIC_KINDS = ("scale", "enps", "percent")
Z95 = 1.96
SUMS_TTL = 600.0
"""Seconds a wave's cached sums may be reused while its fingerprint is unchanged."""
CACHE_SIZE = 64


class TimedCache:
    """A small least-recently-used map with an optional age limit, shared by every session in the process."""

    def __init__(self, size: int, ttl: float | None = None):
        self.size, self.ttl = size, ttl
        self._items: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], object]):
        now = time.monotonic()
        hit = self._items.get(key)
        if hit is not None and (self.ttl is None or now - hit[0] < self.ttl):
            self._items.move_to_end(key)
            return hit[1]
        value = compute()
        self._items[key] = (now, value)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def peek(self, key: Hashable):
        """The cached value, or None when there is none (or it has expired)."""
        hit = self._items.get(key)
        if hit is None or (self.ttl is not None and time.monotonic() - hit[0] >= self.ttl):
            return None
        return hit[1]

    def clear(self) -> None:
        self._items.clear()


_SUMS: WeakKeyDictionary = WeakKeyDictionary()  # engine -> its TimedCache of sums
_RELEASES = TimedCache(CACHE_SIZE)


def clear_caches() -> None:
    """Forget cached sums and release decisions (for a test that rewrites answers in place)."""
    _SUMS.clear()
    _RELEASES.clear()


@dataclass(frozen=True)
class Stat:
    """Sums over some answers to one question, as the SQL aggregate returns them."""

    n: int = 0
    total: float = 0.0
    promoters: int = 0
    detractors: int = 0

    def __add__(self, other: Stat) -> Stat:
        return Stat(self.n + other.n, self.total + other.total, self.promoters + other.promoters,
                    self.detractors + other.detractors)


@dataclass(frozen=True)
class Figure:
    """A released figure for one question and group."""

    value: float
    responses: int
    low: float | None = None
    high: float | None = None


def enps_with_interval(promoters: int, detractors: int, n: int) -> tuple[float, float, float]:
    """eNPS in points with its 95 % interval (normal approximation, clipped to -100..100).

    Each respondent scores +1 (promoter), 0 (passive) or -1 (detractor); eNPS is
    100 times their mean, whose variance is ``P + D - (P - D)**2`` for shares P and D.
    """
    p, d = promoters / n, detractors / n
    score = 100 * (p - d)
    half = Z95 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n) * 100
    return score, max(-100.0, score - half), min(100.0, score + half)



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
    segment and question for the heatmap (:meth:`load_per_segment`); each is cached
    under the wave's fingerprint (see the module's docstring).
    """

    def __init__(self, session: Session, wave: PulseWave, segments: list[PulseSegment],
                 questions: list[PulseQuestion], responses: dict[int, int], answer_rows: dict[int, int],
                 threshold: int):
        self.session = session
        self.wave = wave
        self.segments = segments
        self.questions = [q for q in questions if q.kind in NUMERIC_KINDS]
        self.responses_by_segment = responses
        self.threshold = threshold
        self._answer_rows = answer_rows  # answer rows per question id in the whole wave
        self._sums = _sums_cache(session)
        self.fingerprint = (wave.id, tuple(sorted(responses.items())), tuple(sorted(answer_rows.items())))
        self._counts: dict[int, dict[int, int]] = {}
        self._releases: dict[str | None, Release] = {}
        self._scope_sums: dict[frozenset[int], dict[int, Stat]] = {}

    @property
    def _question_ids(self) -> list[int]:
        return [q.id for q in self.questions]

    def question(self, key: str) -> PulseQuestion | None:
        return next((q for q in self.questions if q.key == key), None)

    def in_scope(self, choice: Choice) -> list[PulseSegment]:
        if choice is None:
            return list(self.segments)
        return [s for s in self.segments if getattr(s, choice[0]) == choice[1]]

    def _per_segment(self) -> dict[tuple[int, int], Stat] | None:
        return self._sums.peek(("segments", self.fingerprint))

    def load_per_segment(self) -> WaveStats:
        """Fetch sums per segment and question at once (what the heatmap needs); later calls reuse them."""
        if self._question_ids:
            self._sums.get(("segments", self.fingerprint), lambda: {
                (segment_id, question_id): _stat(*sums)
                for segment_id, question_id, *sums in self.session.execute(
                    select(PulseResponse.segment_id, PulseAnswer.question_id, *SUMS)
                    .join(PulseAnswer, PulseAnswer.response_id == PulseResponse.id)
                    .where(PulseAnswer.question_id.in_(self._question_ids))
                    .group_by(PulseResponse.segment_id, PulseAnswer.question_id))
            })
        return self

    def totals(self) -> dict[int, Stat]:
        """Sums per question id over the whole wave."""
        return self._sums.get(("totals", self.fingerprint),
                              lambda: _question_totals(self.session, self._question_ids))

    def stats(self, scope: list[PulseSegment]) -> dict[int, Stat]:
        """Sums per question id over the answers of the segments in ``scope``."""
        ids = frozenset(s.id for s in scope)
        per_segment = self._per_segment()
        if per_segment is not None:
            if ids not in self._scope_sums:  # a heatmap row asks once per question
                sums: dict[int, Stat] = defaultdict(Stat)
                for (segment_id, question_id), stat in per_segment.items():
                    if segment_id in ids:
                        sums[question_id] += stat
                self._scope_sums[ids] = dict(sums)
            return self._scope_sums[ids]
        if ids == {s.id for s in self.segments}:
            return self.totals()
        if not ids or not self._question_ids:
            return {}
        return self._sums.get(("scoped", self.fingerprint, ids), lambda: self._scoped(ids))

    def _scoped(self, ids: frozenset[int]) -> dict[int, Stat]:
        # Only the scope's responses are looked up (through the response index); a filter on
        # question ids would tempt SQLite into reading every answer of the wave instead.
        # Free-text answers have no number, so COUNT and SUM skip them anyway.
        in_scope = select(PulseResponse.id).where(PulseResponse.segment_id.in_(sorted(ids)))
        numeric = set(self._question_ids)
        return {question_id: _stat(*sums) for question_id, *sums in self.session.execute(
            select(PulseAnswer.question_id, *SUMS).where(PulseAnswer.response_id.in_(in_scope))
            .group_by(PulseAnswer.question_id)) if question_id in numeric}

    def answer_counts(self, question: PulseQuestion) -> dict[int, int]:
        """Answers to a question per segment id.

        When the question has as many answer rows as the wave has responses (every
        required question does), these are the response counts and no query runs.
        """
        if question.id not in self._counts:
            per_segment = self._per_segment()
            if per_segment is not None:
                counts = {s.id: per_segment.get((s.id, question.id), Stat()).n for s in self.segments}
            elif self._answer_rows.get(question.id, 0) == sum(self.responses_by_segment.values()):
                counts = dict(self.responses_by_segment)
            else:
                counts = dict(self._sums.get(("counts", self.fingerprint, question.id), lambda: self.session.execute(
                    select(PulseResponse.segment_id, func.count(VALUE))
                    .join(PulseAnswer, PulseAnswer.response_id == PulseResponse.id)
                    .where(PulseAnswer.question_id == question.id)
                    .group_by(PulseResponse.segment_id)).all()))
            self._counts[question.id] = {s.id: int(counts.get(s.id, 0)) for s in self.segments}
        return self._counts[question.id]

    def _counts_of(self, key: str | None) -> dict[int, int]:
        question = self.question(key) if key else None
        return self.answer_counts(question) if question is not None else self.responses_by_segment

    def release(self, key: str | None = None) -> Release:
        """What may be shown of the response counts (``key`` None) or of one question's answers.

        Kept per key as well: a heatmap asks once per row, and building the cells of 400 segments each time
        cost more than the search."""
        if key not in self._releases:
            counts = self._counts_of(key)
            cells: dict[Cell, int] = defaultdict(int)
            for segment in self.segments:
                cells[tuple(getattr(segment, d) for d in DIMENSIONS)] += counts.get(segment.id, 0)
            memo = (tuple(sorted(cells.items())), self.threshold)
            self._releases[key] = _RELEASES.get(memo, lambda: _search(cells, self.threshold))
        return self._releases[key]

    def allows(self, choice: Choice, key: str | None = None) -> bool:
        """``self.release(key).allows(choice)``, without the search when ``choice`` is the whole wave: whether
        :func:`releasable` lets the whole wave out depends on its total alone."""
        if choice is None:
            counts = self._counts_of(key)
            total = sum(counts.get(s.id, 0) for s in self.segments)
            return total > 0 and total >= self.threshold
        return self.release(key).allows(choice)

    def responses(self, choice: Choice) -> int | None:
        """Responses of the group, or None when it may not be shown."""
        if not self.allows(choice):
            return None
        return sum(self.responses_by_segment.get(s.id, 0) for s in self.in_scope(choice))

    def figure(self, key: str, choice: Choice) -> Figure | None:
        """The group's mean (eNPS: score and interval) for a question, or None when it may not be shown."""
        question = self.question(key)
        if question is None or not self.allows(choice) or not self.allows(choice, key):
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


def _search(cells: dict[Cell, int], threshold: int) -> Release:
    """:func:`releasable`, with one BLAS thread: its matrices are small, and on a shared machine extra threads
    mostly wait for each other (a 400-segment wave took 1.7 s with two threads, 0.2 s with one)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return releasable(cells, threshold)


def _sums_cache(session: Session) -> TimedCache:
    """The sums cache of the session's engine: each database has its own (tests make many that reuse ids)."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    cache = _SUMS.get(engine)
    if cache is None:
        cache = _SUMS[engine] = TimedCache(CACHE_SIZE, SUMS_TTL)
    return cache


def _known_sums(sums: dict[int, Stat], question_ids: Iterable[int]) -> dict[int, Stat]:
    return {q: sums[q] for q in question_ids if q in sums}


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

    With ``totals``, the whole-wave sums per question of the waves not yet cached are
    fetched too, in one query (what the whole-organisation overview and trend need).
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
    result = {wave.id: WaveStats(
        session, wave, segments[wave.id], questions[wave.id], responses[wave.id],
        {q.id: int(rows.get(q.id, 0)) for q in questions[wave.id] if q.kind in NUMERIC_KINDS}, thresholds.scores)
        for wave in waves}
    if totals:
        _fetch_totals(session, list(result.values()))
    return result


def _fetch_totals(session: Session, stats: list[WaveStats]) -> None:
    """Whole-wave sums of the waves whose sums are not cached, in one query, stored in each wave's cache."""
    missing = [s for s in stats if s._sums.peek(("totals", s.fingerprint)) is None]
    sums = _question_totals(session, [q for s in missing for q in s._question_ids])
    for wave in missing:
        wave._sums.get(("totals", wave.fingerprint), partial(_known_sums, sums, wave._question_ids))
