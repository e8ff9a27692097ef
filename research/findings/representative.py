"""Which wave and which interview study the executive pages open on, and like-for-like change.

The newest wave is often not the one to read: a one-team pilot of eleven
answers, or a wave that opened this morning, would put its figures beside the
whole previous wave as if they were comparable ("eNPS -82 (-36)"). So the
pages open on the newest *representative* wave (see
:func:`representative_wave`), mark the others, and compare a wave with the one
before only over the teams reportable in both (:func:`like_for_like`).

Everything here is built from figures :mod:`research.findings.overview` has
already released, so nothing new is let out: a sum over released teams is a
sum of released sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from research.figure_text import counted
from research.findings.overview import KPI_KEYS, get_wave, previous_wave, wave_stats
from research.privacy.reporting import Thresholds
from research.store.models import Interview, Participant, PulseWave, Study

# A wave covers "most" of the organisation when this share of the usual reportable teams is reportable in it.
COVERAGE = 0.75
# A study is worth opening on when at least this many times the score threshold of agents were interviewed:
# fewer, and every share is "1 of 3" and no attribute beside a quote survives k-anonymity.
STUDY_FACTOR = 2


@dataclass(frozen=True)
class WaveStatus:
    """How complete a wave is, for choosing the default and marking the others."""

    wave_id: int
    title: str
    closed: bool
    reportable: bool  # the whole wave passes the score threshold
    teams: int  # teams reportable on their own in this wave
    usual_teams: int  # the most teams reportable in any wave
    representative: bool
    asked_teams: int = 0  # teams the wave asks (a pilot asks one)

    @property
    def kind(self) -> str:
        """"" for a representative wave, else "pilot", "in progress" or "partial": a wave just opened, which asks
        several teams, is in progress, not a pilot (read from its design, not from who has answered)."""
        if self.representative:
            return ""
        if self.teams <= 1 and self.asked_teams <= 1:
            return "pilot"
        return "in progress" if not self.closed else "partial"

    @property
    def label(self) -> str:
        """"" for a representative wave, else why it is not ("pilot: 1 of 8 teams reportable")."""
        if not self.kind:
            return ""
        so_far = " so far" if self.kind == "in progress" else ""
        if self.kind != "pilot" and 0 < self.asked_teams < self.usual_teams:  # "1 of 8" for 2 teams: 7 missing?
            return (f"{self.kind}: {self.teams} of the {counted(self.asked_teams, 'team')} it asks reportable"
                    f"{so_far}, against {self.usual_teams} in the widest wave")
        return f"{self.kind}: {self.teams} of {self.usual_teams} teams reportable{so_far}"


def wave_statuses(*, session: Session, thresholds: Thresholds, today: date | None = None) -> list[WaveStatus]:
    """Every wave, newest first, with its coverage (see :func:`representative_wave` for the rule)."""
    today = today or date.today()
    waves = list(session.scalars(select(PulseWave).order_by(PulseWave.opens_on.desc(), PulseWave.id.desc())))
    stats = wave_stats(session=session, waves=waves, thresholds=thresholds)
    releases = {w.id: stats[w.id].release() for w in waves}
    teams = {w.id: sum(1 for dimension, _ in releases[w.id].values if dimension == "team") for w in waves}
    usual = max(teams.values(), default=0)
    statuses = []
    for wave in waves:
        closed = wave.closes_on < today
        covered = releases[wave.id].whole and usual > 0 and teams[wave.id] >= COVERAGE * usual
        asked = {s.team for s in stats[wave.id].segments}  # by design, not by who has answered: that says nothing
        statuses.append(WaveStatus(wave.id, wave.title, closed, releases[wave.id].whole, teams[wave.id], usual,
                                   covered and closed, len(asked)))
    return statuses


def representative_wave(*, session: Session, thresholds: Thresholds, today: date | None = None) -> int | None:
    """The wave the executive pages open on: the newest closed wave reporting most of the organisation.

    "Most" is :data:`COVERAGE` of the teams reportable in the widest wave, so a
    one-team pilot or a wave a few people have answered so far is never the
    default, however new: its figures would describe a different population
    from the wave before. A closed wave is preferred because an open one's
    figures still move. Without such a wave, the newest wave with that coverage,
    then the newest reportable wave, then None.
    """
    return pick_representative(wave_statuses(session=session, thresholds=thresholds, today=today))


def pick_representative(statuses: list[WaveStatus]) -> int | None:
    """:func:`representative_wave` from statuses already read (newest first), for a page that shows them too."""
    for rule in (lambda s: s.representative, lambda s: s.reportable and s.teams >= COVERAGE * s.usual_teams,
                 lambda s: s.reportable):
        chosen = next((s.wave_id for s in statuses if rule(s)), None)
        if chosen is not None:
            return chosen
    return None


def unlike_clause(wave: str, label: str) -> str:
    """"not like for like: Wave 4 is in progress with 2 of 8 teams reportable so far" for a change measured on a
    wave that is not representative (``label``: its :attr:`WaveStatus.label`); "" without a label. Outside walks
    read an open two-team wave credited with moving themes and trends of teams it never asked."""
    return f"not like for like: {wave} is {label.replace(':', ' with', 1)}" if label else ""


def not_like_for_like(wave: str, label: str) -> str:
    """:func:`unlike_clause` as a sentence after another: " Not like for like: ... so far." ("" without a label)."""
    clause = unlike_clause(wave, label)
    return f" N{clause[1:]}." if clause else ""


def marked_trend(trend: pd.DataFrame, statuses: list[WaveStatus]) -> tuple[pd.DataFrame, bool]:
    """The trend (:func:`research.findings.overview.wave_trend`) with each drawn wave that is not representative
    named with its kind ("Pulse wave 4 (in progress)"), and whether any is: an outside walk read an open
    two-team wave as a cliff in every score."""
    kinds = {s.wave_id: s.kind for s in statuses if s.kind}
    drawn = trend["morale"].notna() if "morale" in trend else pd.Series(True, index=trend.index)
    marks = [bool(shown) and i in kinds for i, shown in zip(trend["wave_id"], drawn)]
    named = [f"{title} ({kinds[i]})" if mark else title
             for i, title, mark in zip(trend["wave_id"], trend["wave"], marks)]
    return trend.assign(wave=named), any(marks)


@dataclass(frozen=True)
class Comparison:
    """Change since the previous wave over the teams reportable in both; None where there is none."""

    previous_title: str | None
    teams: tuple[str, ...]  # the teams compared
    all_teams: bool  # True when they are every team of both waves (the plain comparison)
    changes: dict[str, float | None]

    @property
    def note(self) -> str:
        if self.previous_title is None:
            return ""
        if not self.teams:
            return f"no team is reportable in both this wave and {self.previous_title}: no change is shown"
        if self.all_teams:
            return f"change since {self.previous_title}"
        return (f"change since {self.previous_title}, like for like over the {counted(len(self.teams), 'team')} "
                "reportable in both")


def _pooled(stats, key: str, teams: list[str]) -> float | None:
    figures = [stats.figure(key, ("team", team)) for team in teams]
    if not figures or any(f is None for f in figures):
        return None
    return sum(f.value * f.responses for f in figures) / sum(f.responses for f in figures)


def like_for_like(*, session: Session, wave_id: int, thresholds: Thresholds) -> Comparison:
    """Each KPI's change since the previous wave, over only the teams reportable in both waves.

    A team is compared for a KPI only when both waves release its figure for that
    KPI; the pooled figure is the response-weighted mean of those released team
    figures (exact for means and for eNPS), so it adds nothing to what the heatmap
    already shows.
    """
    wave = get_wave(session=session, wave_id=wave_id)
    before = previous_wave(session=session, wave=wave)
    if before is None:
        return Comparison(None, (), False, {key: None for key in KPI_KEYS})
    stats = wave_stats(session=session, waves=[wave, before], thresholds=thresholds)
    now, then = stats[wave.id].load_per_segment(), stats[before.id].load_per_segment()
    released = [{v for d, v in s.release().values if d == "team"} for s in (now, then)]
    common = sorted(released[0] & released[1])
    every = {s.team for s in now.segments} | {s.team for s in then.segments}
    changes = {}
    for key in KPI_KEYS:
        teams = [t for t in common if now.figure(key, ("team", t)) and then.figure(key, ("team", t))]
        a, b = _pooled(now, key, teams), _pooled(then, key, teams)
        changes[key] = a - b if a is not None and b is not None else None
    return Comparison(before.title, tuple(common), bool(common) and set(common) == every, changes)


def up_to_wave(*, session: Session, frame: pd.DataFrame, wave_id: int | None) -> pd.DataFrame:
    """The rows of ``frame`` (with an ``opens_on`` column) from waves opening no later than ``wave_id`` (all when
    None): the topics and the actions' effects read the waves the overview and gaps pages read, so a pilot or a
    wave just opened is not "the latest wave" on one page and left out on the next (an outside walk read a
    briefing of wave 3 whose detail, topics and action effects came from the open wave 4)."""
    wave = session.get(PulseWave, wave_id) if wave_id is not None else None
    return frame if wave is None or frame.empty else frame[frame["opens_on"] <= wave.opens_on]


def analysed_up_to(*, session: Session, gaps: pd.DataFrame, comments: pd.DataFrame,
                   wave_id: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gaps and analysed comments of the waves up to ``wave_id`` (all when None), so that a pilot opened since
    the representative wave does not become "the latest wave" of the gap pages."""
    if gaps.empty:
        return gaps, comments
    return (up_to_wave(session=session, frame=gaps, wave_id=wave_id),
            up_to_wave(session=session, frame=comments, wave_id=wave_id))


@dataclass(frozen=True)
class StudyStatus:
    study_id: int
    title: str
    interviewed: int  # participants not withdrawn with at least one interview
    finished: bool
    ready: bool

    @property
    def label(self) -> str:
        if self.ready:
            return ""
        return f"{'in progress' if not self.finished else 'small'}: {self.interviewed} interviewed"


def study_statuses(*, session: Session, thresholds: Thresholds, today: date | None = None) -> list[StudyStatus]:
    """Every study, newest first, with how many agents were interviewed and whether it has ended."""
    today = today or date.today()
    counts = dict(session.execute(
        select(Participant.study_id, func.count(func.distinct(Participant.id)))
        .join(Interview, Interview.participant_id == Participant.id)
        .where(Participant.withdrawn_on.is_(None)).group_by(Participant.study_id)).all())
    studies = session.execute(select(Study.id, Study.title, Study.ends_on)
                              .order_by(Study.starts_on.desc(), Study.id.desc())).all()
    enough = STUDY_FACTOR * thresholds.scores
    return [StudyStatus(i, title, int(counts.get(i, 0)), ends is not None and ends < today,
                        ends is not None and ends < today and counts.get(i, 0) >= enough)
            for i, title, ends in studies]


def representative_study(*, session: Session, thresholds: Thresholds, today: date | None = None) -> int | None:
    """The study interview evidence opens on: the newest finished one with enough interviewed agents.

    "Enough" is :data:`STUDY_FACTOR` times the score threshold: a study of three
    agents in progress shows "1 of 3" as a 33 % bar and can show no attribute
    beside a quote. Without such a study, the one with most interviewed agents.
    """
    statuses = study_statuses(session=session, thresholds=thresholds, today=today)
    ready = next((s.study_id for s in statuses if s.ready), None)
    if ready is not None or not statuses:
        return ready
    return max(statuses, key=lambda s: s.interviewed).study_id
