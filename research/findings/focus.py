"""Focus areas: each top gap joined to where it is worst, what agents said, interviews, trend and actions.

An executive asked "the top tooling gap, the team with it worst, the quotes,
what interviews say, whether it improved" and needed six pages to find it.
:func:`focus_areas` answers it in one call for the start page and the briefing.

Nothing is computed around the thresholds: the gaps and their trend come from
:func:`research.findings.gap_data.gap_table` (the figures of ``theme_gaps``: waves at the score threshold),
teams and quotes only from teams at the comment threshold in distinct people
(:func:`research.privacy.reporting.releasable_rows`, complementary suppression
included), and the interview share from
:func:`research.findings.interview_evidence.interview_evidence`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from research.analysis.gaps import alike, first_distinct, surest_first
from research.figure_text import counted
from research.findings.actions import actions_table
from research.findings.comment_mentions import guarded_quotes
from research.findings.critics import critics
from research.findings.gap_data import gaps_and_quotes
from research.findings.gap_findings import KINDS, GapFinding, gap_findings, shown_points
from research.findings.interview_evidence import interview_evidence
from research.findings.representative import analysed_up_to, unlike_clause
from research.privacy.reporting import Thresholds, releasable_rows

ACTION_COLUMNS = ["What", "Owner", "Due", "Status"]


@dataclass(frozen=True)
class FocusArea:
    """One top gap with everything an executive needs to act on it."""

    theme: str  # the code key, for recording an action
    name: str  # the codebook's readable name, never a key phrase
    kind: str  # "morale" or "tooling"
    wave: str
    share: float  # of the wave's comments
    negative_share: float
    change: float | None  # in share since the previous analysed wave
    previous_wave: str | None
    worst_team: str | None  # among teams at the comment threshold
    worst_share: float | None  # the theme's share of that team's comments
    quotes: tuple[str, ...]  # at most two, redacted, from teams at the comment threshold
    interview_raised: int | None
    interview_participants: int | None
    interview_study: str | None
    interview_step: int  # interviewed agents join the count this many at a time (the score threshold)
    trend: pd.DataFrame  # wave, share: every analysed wave up to ``wave`` that passed the thresholds
    actions: pd.DataFrame  # ACTION_COLUMNS, newest first
    wave_note: str = ""  # why ``wave`` is not representative ("in progress: 2 of 8 teams reportable so far")

    @property
    def trend_text(self) -> str:
        """"12 % → 18 % → 25 % (up 7 points since wave 2)"."""
        shares = " → ".join(f"{s:.0%}".replace("%", " %") for s in self.trend["share"])
        if self.change is None or self.previous_wave is None:
            return shares
        points = shown_points(self.share, self.change)
        moved = "no change" if points == 0 else (
            f"{'up' if points > 0 else 'down'} {counted(abs(points), 'point')}")
        unlike = f"; {unlike_clause(self.wave, self.wave_note)}" if self.wave_note else ""
        return f"{shares} ({moved} since {self.previous_wave}){unlike}"

    @property
    def interview_text(self) -> str:
        if self.interview_participants is None:
            return "No interviews to compare with."
        if not self.interview_participants:  # fewer interviewed agents than the threshold: nothing is shown
            return "Not enough interviews yet to compare with."
        share = (self.interview_raised or 0) / self.interview_participants
        return (f"{share:.0%}".replace("%", " %") + f" of interviews raise it ({self.interview_raised} of the "
                f"{self.interview_participants} agents counted so far, who join the count {self.interview_step} at a "
                f"time; {self.interview_study})")


def _worst_team(quotable: pd.DataFrame, theme: str) -> tuple[str | None, float | None]:
    if quotable.empty:
        return None, None
    shares = quotable.assign(hit=quotable["theme"] == theme).groupby("team")["hit"].mean()
    shares = shares[shares > 0]
    if shares.empty:
        return None, None
    top = shares.max()
    team = sorted(t for t, s in shares.items() if s == top)[0]  # a tie goes to the first name, not row order
    return str(team), float(top)


def _quotes(quotable: pd.DataFrame, theme: str, team: str | None, fallback: tuple[str, ...],
            guard: Callable[[pd.DataFrame], list[str]] = lambda rows: list(rows["text"])) -> tuple[str, ...]:
    """Two of the most negative comments on the theme (those surely of it first), from the worst team first, never
    two near-repeats; a positive comment is not a gap's quote (it read as one under "the most negative
    comments"). Shown beside the worst team, so ``guard`` gives their text with what they name judged within it
    (:func:`research.findings.comment_mentions.guarded_quotes`); the fallback, the gap's own quotes, was judged
    already."""
    mine = quotable[(quotable["theme"] == theme) & (quotable["team"] == team)] if team else quotable.iloc[0:0]
    mine = critics(surest_first(mine), enough=20)
    candidates = [*guard(mine), *fallback]
    return tuple(candidates[i] for i in first_distinct(candidates, alike, limit=2))


def _ranked(session, job_id, thresholds, gaps, comments, top,
            findings: Mapping[str, list[GapFinding]] | None = None) -> list[GapFinding]:
    found = [f for kind in KINDS for f in (findings[kind][:top] if findings is not None else gap_findings(
        session=session, job_id=job_id, thresholds=thresholds, kind=kind, top=top, gaps=gaps, comments=comments))]
    return sorted(found, key=lambda f: (-f.negative_share, -f.share, f.name))[:top]


def focus_areas(
    *, session: Session, job_id: int, thresholds: Thresholds, wave_id: int | None = None,
    study_id: int | None = None, top: int = 3, gaps: pd.DataFrame | None = None,
    comments: pd.DataFrame | None = None, wave_notes: Mapping[str, str] | None = None,
    findings: Mapping[str, list[GapFinding]] | None = None,
) -> list[FocusArea]:
    """The ``top`` gaps (morale and tooling together, most negative comments first) of a wave.

    Args:
        wave_id: the pulse wave to read; analysed waves after it are left out, so a pilot wave
            opened since never replaces the representative one. None: the latest analysed wave.
        study_id: the interview study whose share of agents raising each gap is shown; None: none.
        wave_notes: why a wave is not representative, by title (``WaveStatus.label``): a trend measured on such
            a wave says it is not like for like (an outside walk read "up 12 points" from two of eight teams).
        gaps, comments: every wave's gaps and analysed comments, when the caller has read them already
            (both, or neither: then only the quotable comments' text is read).
        findings: each kind's :func:`gap_findings` of the same wave, gaps and comments, at least ``top`` of
            each, when the caller has them (the briefing tells them in full too): not worked out twice.
    """
    if gaps is None or comments is None:
        gaps, comments = gaps_and_quotes(session=session, job_id=job_id, thresholds=thresholds, wave_id=wave_id)
    else:
        gaps, comments = analysed_up_to(session=session, gaps=gaps, comments=comments, wave_id=wave_id)
    if gaps.empty:
        return []
    latest = comments[comments["opens_on"] == gaps["opens_on"].max()]
    quotable = releasable_rows(latest, by="team", parent="wave_id", threshold=thresholds.comments,
                               people="response_id")  # per wave: same-day waves are never pooled
    areas = []
    for finding in _ranked(session, job_id, thresholds, gaps, comments, top, findings):
        team, team_share = _worst_team(quotable, finding.theme)
        evidence = (interview_evidence(session=session, study_id=study_id, theme=finding.theme,
                                       thresholds=thresholds, quotes=0) if study_id is not None else None)
        actions = actions_table(session=session, theme=finding.theme)
        areas.append(FocusArea(
            theme=finding.theme, name=finding.name, kind=finding.kind, wave=finding.wave, share=finding.share,
            negative_share=finding.negative_share, change=finding.change, previous_wave=finding.previous_wave,
            worst_team=team, worst_share=team_share, quotes=_quotes(
                quotable, finding.theme, team, finding.quotes,
                lambda rows: guarded_quotes(session=session, quotes=rows, population=quotable,
                                            threshold=thresholds.comments)),
            interview_raised=evidence.raised if evidence else None,
            interview_participants=evidence.participants if evidence else None,
            interview_study=evidence.study if evidence else None, interview_step=thresholds.scores,
            trend=finding.trend[["wave", "share"]], actions=actions[ACTION_COLUMNS].reset_index(drop=True),
            wave_note=(wave_notes or {}).get(finding.wave, ""),
        ))
    return areas
