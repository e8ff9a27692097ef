"""The executive overview: a wave's headline KPIs, their change since the previous wave, and the trend.

Figures are aggregated in SQL (COUNT, SUM and, for eNPS, promoter and
detractor counts through CASE), so no individual answer is ever loaded into
Python: whole waves are summed per question straight from the answers (the
question says which wave), a segment filter joins only its own responses, and
the heatmap sums per segment (all in :mod:`research.findings.wave_stats`, which
caches them per wave). ``python -m bench.dashboard`` times it at 100,000 responses.

What may be shown is decided by :func:`research.privacy.release.releasable`,
which every figure here passes through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from research.errors import FrontlineError
from research.findings.wave_stats import (  # re-exported: heatmaps, the agent's preview and tests import them here
    NUMERIC_KINDS,
    Figure,
    Stat,
    WaveStats,
    enps_with_interval,
    wave_stats,
)
from research.privacy.release import DIMENSIONS, Choice, releasable
from research.privacy.reporting import Thresholds, suppressed_note
from research.pulse.library import QUESTION_LIBRARY
from research.store.models import PulseQuestion, PulseWave

__all__ = ["DIMENSIONS", "KPI_KEYS", "NUMERIC_KINDS", "Figure", "Kpi", "Overview", "Stat", "WaveStats",
           "enps_with_interval", "get_wave", "label", "overview", "parse_segment", "previous_wave", "releasable",
           "segment_options", "wave_closes_on", "wave_stats", "wave_trend"]
KPI_KEYS = ("enps", "morale", "tools", "management_support", "workload", "recovery_share")
LABELS = {
    "enps": "eNPS", "morale": "Morale", "tools": "Tools", "management_support": "Management support",
    "workload": "Workload", "recovery_share": "Recovery share", "feedback_loop": "Feedback loop",
}
NOT_ASKED = "not asked in this wave"



# Questions where a higher figure is worse (the share of contacts spent fixing what broke upstream): heatmap
# colours and change arrows run the other way.
LOWER_IS_BETTER = frozenset({"recovery_share"})


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
    asked: str = ""  # the question as agents read it in this wave: what the figure means

    @property
    def meaning(self) -> str:
        """What the figure is, for a reader who did not write the survey: the question, and how it is scored."""
        how = {"points": "eNPS: the share answering 9 or 10 minus the share answering 0 to 6, from −100 to +100.",
               "%": "The mean of the percentages agents gave."}.get(self.unit, f"The mean answer, from 1 to "
                                                                             f"{self.unit.lstrip('/') or 5}.")
        lower = " Lower is better." if self.key in LOWER_IS_BETTER else ""
        return (f"Agents were asked: “{self.asked}” " if self.asked else "") + how + lower


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


class _OverviewHead(TypedDict):
    """The fields of an :class:`Overview` that say what it is of, whatever its figures."""

    wave_id: int
    wave_title: str
    previous_title: str | None
    segment: dict[str, str]


def label(key: str) -> str:
    """The short name a chart uses for a question key."""
    return LABELS.get(key, key.replace("_", " ").capitalize())


# --- public views ---------------------------------------------------------------------------------


def get_wave(*, session: Session, wave_id: int) -> PulseWave:
    """The wave, or a :class:`FrontlineError` naming the missing id."""
    wave = session.get(PulseWave, wave_id)
    if wave is None:
        raise FrontlineError(f"no pulse wave with id {wave_id}")
    return wave


def wave_closes_on(*, session: Session, wave_id: int) -> date:
    """The last day the wave takes answers, for a page (which gets the date, not the row)."""
    return get_wave(session=session, wave_id=wave_id).closes_on


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
    return Kpi(key, label(key), now.value, previous, change, now.responses, now.low, now.high, unit, "",
               question.prompt)


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
    common = _OverviewHead(wave_id=wave.id, wave_title=wave.title,
                           previous_title=before_wave.title if before_wave else None,
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
