"""Gap comparisons move only in steps of the threshold, from one analysis to the next.

A gap compares the morale and eNPS of a wave's agents who raised a theme with the rest of the wave. Both groups
are defined by what people wrote, and the analysis decides who is in them: a researcher who codes one released
comment (it then teaches the themes), or adds a code worded like it, and re-runs the analysis, moves that comment
between themes, and an executive comparing the two analyses reads its writer's class from the change (an insider
review on 2026-12-06 laid out this recipe). The inbox releases answers in steps of the threshold for the same
reason; this does the same for these groups.

When an analysis job succeeds, :func:`record_gap_groups` compares each theme's two groups with every group of the
wave already shown: the wave's answering agents as each job saw them, the groups of earlier shown comparisons,
and its teams, sites, channels and industries. A theme is withheld for that job when its groups differ from one
of them by at least one person and fewer than the threshold, when with it one agent's answers become a sum and
difference of shown groups' figures (:class:`Span`), or when the wave has shown comparisons for
:data:`MAX_SHOWN_GROUPS` different groups already; its other figures (share, sentiment) still show. A wave with
no record yet takes the groups of the job shown before as shown, as pages showed them before this record existed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from research.pulse.retention import ERASURE
from research.store.models import (
    AnalysisJob,
    AuditEvent,
    GapGroup,
    PulseAnswer,
    PulseQuestion,
    PulseResponse,
    PulseSegment,
    TextAnalysis,
)

MAX_SHOWN_GROUPS = 200
"""Different groups a wave's comparisons may be shown for, about ten codebook revisions: each is one more
equation for someone solving for one agent's answers, and :class:`Span` takes longer with each. Past it only
groups already shown are shown again."""
EVERYONE = ""
"""The ``theme`` of a wave's row for all its agents who answered morale or eNPS."""


def member(response_id: str) -> str:
    """A response as a group lists it: enough of its id's hash to tell thousands apart, not the id."""
    return hashlib.sha256(response_id.encode()).hexdigest()[:16]


def _digest(group: frozenset[str]) -> str:
    return hashlib.sha256("\n".join(sorted(group)).encode()).hexdigest()


def steps_apart(group: frozenset[str], released: Iterable[frozenset[str]], step: int) -> bool:
    """True when ``group`` is the same as, or at least ``step`` people from, every released group: its figures
    then tell no one person's answers apart from a figure already shown. Groups whose sizes differ by ``step``
    or more are that far apart without comparing members."""
    return all(abs(len(group) - len(other)) >= step or not 0 < len(group ^ other) < step for other in released)


def record_gap_groups(*, session: Session, job_id: int, step: int) -> None:
    """Record a just-succeeded job's gap groups and which of its themes' comparisons are released.

    A theme's comparison is released when its raisers and the rest of its wave (each at least ``step`` people,
    as the gaps require) are :func:`steps_apart` from the wave's shown groups and its raisers isolate no one
    (:class:`Span`); both then join them. A wave with no record yet (the first job after this record was added)
    is first given the groups of the job shown before, which pages showed without it.
    """
    groups = _theme_groups(session, job_id)
    if not groups:
        return
    answered = _answered(session)
    previous: int | None = None
    before: dict[int, dict[str, frozenset[str]]] | None = None  # read once, by the first wave that needs it
    for wave_id, themes in groups.items():
        everyone = answered.get(wave_id, frozenset())
        released, digests = _released(session, wave_id)
        if not released.groups:
            if before is None:
                previous = _job_before(session, job_id)
                before = _theme_groups(session, previous)
            if previous is not None and wave_id in before:
                _record_wave(session, previous, wave_id, before[wave_id], everyone, step, released, digests)
        _record_wave(session, job_id, wave_id, themes, everyone, step, released, digests)
    session.flush()


@dataclass
class _Shown:
    """A wave's groups whose figures were shown: everyone as each job saw them and each shown theme's raisers
    (``groups``), and the rest of the wave beside each theme (``rests``, sums of the first, so left out of
    :class:`Span`)."""

    groups: list[frozenset[str]] = field(default_factory=list)
    rests: list[frozenset[str]] = field(default_factory=list)


def _record_wave(session: Session, job_id: int, wave_id: int, themes: dict[str, frozenset[str]],
                 everyone: frozenset[str], step: int, released: _Shown, digests: set[str]) -> None:
    rows = [_row(job_id, wave_id, EVERYONE, everyone, True, digests)]
    if everyone not in released.groups:
        released.groups.append(everyone)
    shown_elsewhere = _segment_groups(session, wave_id, everyone)  # team, site, channel and industry figures
    span = Span(everyone)
    for group in dict.fromkeys([*released.groups, *shown_elsewhere]):
        span.add(group)
    for theme, raised in themes.items():
        mine = raised & everyone
        rest = everyone - mine
        others = [*released.groups, *released.rests, *shown_elsewhere]
        fresh = mine not in released.groups
        shown = (min(len(mine), len(rest)) >= step and all(steps_apart(group, others, step) for group in (mine, rest))
                 and not (fresh and len(released.groups) >= MAX_SHOWN_GROUPS) and not span.isolates(mine))
        if shown and fresh:
            released.groups.append(mine)
            released.rests.append(rest)
            span.add(mine)
        rows.append(_row(job_id, wave_id, theme, mine, shown, digests))
    session.add_all(rows)


class Span:
    """What sums of released groups' figures give: a figure of a group is its members' answers summed (with its
    count, which the page shows), so adding and subtracting figures gives the sum of any combination of the
    groups. Two groups each at least the threshold from a third can still make it with one person added (an
    insider review's union of two released themes and the target), so besides :func:`steps_apart`, a group is
    refused when, with it, one person's answer becomes such a combination of its own: their vector lies in
    the span of the groups' member vectors (kept as an orthonormal basis; ``reach`` holds the squared length of
    each person's projection onto it, 1 for a person who can be read alone)."""

    def __init__(self, people: frozenset[str]):
        self._column = {person: i for i, person in enumerate(sorted(people))}
        self._basis: list[np.ndarray] = []
        self.reach = np.zeros(len(self._column))

    def _direction(self, group: frozenset[str]) -> np.ndarray | None:
        """The part of the group's vector not yet in the span, of length 1 (None if there is none)."""
        vector = np.zeros(len(self._column))
        vector[[self._column[p] for p in group if p in self._column]] = 1.0
        if self._basis:
            basis = np.column_stack(self._basis)
            for _ in range(2):  # twice: once is not enough in floating point
                vector -= basis @ (basis.T @ vector)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 1e-9 else None

    def isolates(self, group: frozenset[str]) -> bool:
        """Whether adding ``group`` would let someone be read alone who could not be before."""
        direction = self._direction(group)
        if direction is None:
            return False
        return bool(np.any((self.reach + direction ** 2 > 1 - 1e-6) & (self.reach <= 1 - 1e-6)))

    def add(self, group: frozenset[str]) -> None:
        direction = self._direction(group)
        if direction is not None:
            self._basis.append(direction)
            self.reach += direction ** 2


def _segment_groups(session: Session, wave_id: int, everyone: frozenset[str]) -> list[frozenset[str]]:
    """The wave's respondents by team, site, channel and industry: groups the heatmap and filters show (taken
    whether or not a page shows them, which only withholds more)."""
    rows = session.execute(
        select(cast(PulseResponse.id, String), PulseSegment.team, PulseSegment.site, PulseSegment.channel,
               PulseSegment.industry)
        .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
        .where(PulseResponse.wave_id == wave_id)).all()
    groups: dict[tuple[int, str | None], set[str]] = {}
    for response_id, *values in rows:
        person = member(response_id)
        if person in everyone:
            for level, value in enumerate(values):
                groups.setdefault((level, value), set()).add(person)
    return list({frozenset(group) for group in groups.values()})


def _theme_groups(session: Session, job_id: int | None) -> dict[int, dict[str, frozenset[str]]]:
    """Per wave and theme, the members who raised it in the job's results (none for no job)."""
    if job_id is None:
        return {}
    facts = pd.DataFrame(session.execute(
        select(cast(PulseAnswer.response_id, String), PulseQuestion.wave_id, TextAnalysis.theme)
        .join(PulseAnswer, PulseAnswer.id == TextAnalysis.answer_id)
        .join(PulseQuestion, PulseQuestion.id == PulseAnswer.question_id)
        .where(TextAnalysis.job_id == job_id, TextAnalysis.theme != "")).all(),
        columns=["response_id", "wave_id", "theme"])
    return {int(wave_id): {str(theme): frozenset(member(r) for r in raised["response_id"])
                           for theme, raised in in_wave.groupby("theme")}
            for wave_id, in_wave in facts.groupby("wave_id")}


def _job_before(session: Session, job_id: int) -> int | None:
    """The newest job that succeeded before ``job_id``, whose results are still stored."""
    return session.scalar(select(AnalysisJob.id).where(
        AnalysisJob.status == "succeeded", AnalysisJob.id < job_id,
        select(TextAnalysis.answer_id).where(TextAnalysis.job_id == AnalysisJob.id).exists())
        .order_by(AnalysisJob.id.desc()).limit(1))


def _answered(session: Session, waves: set[int] | None = None) -> dict[int, frozenset[str]]:
    """Per wave (of ``waves``, or all), the members of every response that answered morale or eNPS: those a gap
    compares (as :func:`research.analysis.gaps.response_scores` reads them)."""
    query = (select(cast(PulseAnswer.response_id, String), PulseQuestion.wave_id).distinct()
             .join(PulseQuestion, PulseQuestion.id == PulseAnswer.question_id)
             .where(PulseQuestion.key.in_(["morale", "enps"])))
    if waves is not None:
        query = query.where(PulseQuestion.wave_id.in_(sorted(waves)))
    found: dict[int, set[str]] = {}
    for response_id, wave_id in session.execute(query):
        found.setdefault(wave_id, set()).add(member(response_id))
    return {wave: frozenset(group) for wave, group in found.items()}


def _row(job_id: int, wave_id: int, theme: str, group: frozenset[str], released: bool,
         digests: set[str]) -> GapGroup:
    digest = _digest(group)
    keep = released and digest not in digests
    if keep:
        digests.add(digest)
    return GapGroup(job_id=job_id, wave_id=wave_id, theme=theme, released=released, digest=digest,
                    members="\n".join(sorted(group)) if keep else None)


def _released(session: Session, wave_id: int) -> tuple[_Shown, set[str]]:
    """A wave's shown groups (each everyone-row, and each released theme's raisers and the rest of the wave as
    that job saw it), each once, and the digests whose members are stored."""
    rows = session.execute(select(GapGroup.job_id, GapGroup.theme, GapGroup.digest, GapGroup.members)
                           .where(GapGroup.wave_id == wave_id, GapGroup.released.is_(True))).all()
    by_digest = {digest: frozenset(members.split("\n")) if members else frozenset()
                 for _, _, digest, members in rows if members is not None}
    everyone = {job: by_digest[digest] for job, theme, digest, _ in rows if theme == EVERYONE}
    themes = [(job, by_digest[digest]) for job, theme, digest, _ in rows if theme != EVERYONE]
    return (_Shown(list(dict.fromkeys([*everyone.values(), *(mine for _, mine in themes)])),
                   list(dict.fromkeys(everyone[job] - mine for job, mine in themes))), set(by_digest))


def withheld_themes(*, session: Session, job_id: int) -> set[tuple[int, str]]:
    """(wave id, theme) pairs whose comparison the job withheld, or whose raisers have changed since.

    Erasing comments (or a withdrawal) takes analysis rows away, and a comparison worked out again from the rows
    left differs from the one shown by the few erased: an insider review on 2026-12-07 compared a briefing from
    before an erasure with one from after and read the erased raiser's eNPS class. So a released comparison is
    shown only while its raisers are the group the job recorded; otherwise it waits for the next analysis,
    whose record checks it against everything shown.
    """
    withheld: set[tuple[int, str]] = {(wave_id, theme) for wave_id, theme in session.execute(
        select(GapGroup.wave_id, GapGroup.theme).where(GapGroup.job_id == job_id, GapGroup.released.is_(False)))}
    recorded = {(wave_id, theme): digest for wave_id, theme, digest in session.execute(
        select(GapGroup.wave_id, GapGroup.theme, GapGroup.digest)
        .where(GapGroup.job_id == job_id, GapGroup.released.is_(True), GapGroup.theme != EVERYONE))}
    if recorded and _erased_since(session, job_id):
        answered = _answered(session, waves={wave_id for wave_id, _ in recorded})
        now = {(wave_id, theme): _digest(raised & answered.get(wave_id, frozenset()))
               for wave_id, themes in _theme_groups(session, job_id).items() for theme, raised in themes.items()}
        withheld |= {pair for pair, digest in recorded.items() if now.get(pair, digest) != digest}
    return withheld


def _erased_since(session: Session, job_id: int) -> bool:
    """Whether comments were erased since the job was queued: the only way its rows go while it is shown, so
    the check above runs only then (it reads every row of the job: about 1.2 s at 100,000 responses)."""
    queued = session.scalar(select(AnalysisJob.created_at).where(AnalysisJob.id == job_id))
    erasures = select(AuditEvent.id).where(AuditEvent.action == ERASURE)
    if queued is not None:
        erasures = erasures.where(AuditEvent.at >= queued)
    return session.scalar(erasures.limit(1)) is not None


def withhold(gaps: pd.DataFrame, withheld: set[tuple[int, str]]) -> pd.DataFrame:
    """``gaps`` with the morale and eNPS differences of withheld comparisons left out (NaN)."""
    if gaps.empty or not withheld:
        return gaps
    hidden = [(w, t) in withheld for w, t in zip(gaps["wave_id"], gaps["theme"])]
    gaps = gaps.copy()
    gaps.loc[hidden, ["morale_diff", "enps_diff"]] = float("nan")
    return gaps
