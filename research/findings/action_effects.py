"""Whether an action's theme moved since the action: over every team, or in the one team it was for.

:func:`action_effect` compares the theme's share and sentiment in the wave the action answered (or, when it is
never reported, the last reported wave before it) with the latest analysed wave after it. Org-wide figures are read
from :func:`research.analysis.gaps.theme_gaps`, so they have passed the reporting thresholds; a team's share is
read from its own comments only in waves where the team may be quoted (at least the comment threshold of its
people wrote, with complementary suppression), the rule the focus areas' worst team already follows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from research.findings.actions import _get, _theme_names, _today
from research.findings.representative import not_like_for_like
from research.privacy.reporting import Thresholds, releasable_rows
from research.store.models import PulseWave


@dataclass(frozen=True)
class ActionEffect:
    """The theme's share (fractions) and mean sentiment in the baseline wave and the latest later wave.

    A value is None when it cannot be reported: the baseline wave was suppressed
    or not analysed, no later wave has been reported yet, or no comment raised the
    theme in that wave (a share of 0 then has no sentiment). ``share_change`` is
    in percentage points; ``sentence`` says it all in one line for the page. For an action for one
    team, the figures are that team's share of its comments and no sentiment: the mean tone of the few comments of
    one team that raise a theme is the tone of a handful of people.
    """

    action_id: int
    theme: str
    theme_name: str
    baseline_wave: str
    later_wave: str | None
    share_before: float | None
    share_after: float | None
    share_change: float | None
    sentiment_before: float | None
    sentiment_after: float | None
    sentiment_change: float | None
    sentence: str


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _signed(value: float, digits: int) -> str:
    text = f"{abs(value):.{digits}f}"
    return text if float(text) == 0 else ("−" if value < 0 else "") + text


def _points(before: float, after: float) -> str:
    change = round(100 * after) - round(100 * before)
    if change == 0:
        return "no change"
    return f"{'+' if change > 0 else '−'}{abs(change)} point{'' if abs(change) == 1 else 's'}"


def effect_sentence(name: str, baseline: str, later: str, share_before: float, share_after: float,
                    sentiment_before: float | None, sentiment_after: float | None, team: str | None = None) -> str:
    """One line on how the theme moved between the baseline wave and a later one, in ``team``'s comments or over
    every team's, and it says which: an executive read an action for one desk credited with the whole
    organisation's move."""
    lead = f"Since the action (baseline {baseline})"
    if share_before == 0 and share_after == 0:
        where = f"in {team}" if team else "in any team"
        return f"{lead}, no comment {where} raised {name} in either {baseline} or {later}."
    whose = f"{team}'s" if team else "all teams'"
    moved = (f"{lead}, {name} went from {round(100 * share_before)} % to {round(100 * share_after)} % "
             f"of {whose} comments ({_points(share_before, share_after)})")
    if sentiment_before is not None and sentiment_after is not None:
        return f"{moved} and mean sentiment from {_signed(sentiment_before, 2)} to {_signed(sentiment_after, 2)}."
    if sentiment_after is not None:
        return f"{moved}; its mean sentiment in {later} is {_signed(sentiment_after, 2)}."
    if team:
        return f"{moved}."
    return f"{moved}; no comment raised it in {later}, so there is no sentiment to compare."


def _no_later_wave(session: Session, baseline: PulseWave, today: date) -> str:
    """Why there is no effect yet: the next wave has closed but cannot be reported, or none has closed."""
    closed = session.scalar(
        select(PulseWave.title)
        .where(PulseWave.opens_on > baseline.opens_on, PulseWave.closes_on < today)
        .order_by(PulseWave.opens_on.desc()).limit(1))
    return (f"{closed} has closed since the action was recorded, but has too few responses to report "
            "or has not been analysed yet." if closed else
            "No wave has closed since the action was recorded; the effect shows after the next wave.")


def _theme_figures(reported: pd.DataFrame, wave_id, theme: str) -> tuple[float, float | None]:
    """The theme's share of comments and mean sentiment in one reported wave.

    A wave that was reported but where no comment raised the theme has a share of 0 and no sentiment, which
    is a result (the theme went away), not a missing figure.
    """
    row = reported[(reported["wave_id"] == wave_id) & (reported["theme"] == theme)]
    if row.empty:
        return 0.0, None
    return float(row["share"].iloc[0]), _number(row["mean_sentiment"].iloc[0])


def _team_share(comments: pd.DataFrame, wave_id, team: str, theme: str, thresholds: Thresholds) -> float | None:
    """The theme's share of ``team``'s comments in one wave, or None where the team may not be quoted there."""
    wave = comments[(comments["wave_id"] == wave_id) & (comments["theme"] != "")]
    mine = releasable_rows(wave, by="team", parent="wave_id", threshold=thresholds.comments, people="response_id")
    mine = mine[mine["team"] == team]
    return float((mine["theme"] == theme).mean()) if len(mine) else None


def action_effect(*, session: Session, action_id: int, gaps: pd.DataFrame, comments: pd.DataFrame | None = None,
                  thresholds: Thresholds | None = None, today: date | None = None,
                  wave_notes: Mapping[int, str] | None = None) -> ActionEffect | None:
    """Whether the action's theme changed in share of comments and sentiment since the action.

    Args:
        session: database session.
        action_id: the action.
        gaps: the output of :func:`research.analysis.gaps.theme_gaps`; it has rows
            only for waves that passed the thresholds, so nothing suppressed leaks here.
        comments: the analysed comments (:func:`research.analysis.gaps.analysed_comments`), for an action
            for one team; ``thresholds`` decide where that team may be quoted. Both are needed for such an
            action (a caller that leaves them out measures org-wide actions only).
        today: for saying whether a later wave has closed; defaults to today (UTC).
        wave_notes: why a wave is not representative, by wave id (``WaveStatus.label``: "in progress: 2 of 8
            teams reportable so far"); an effect measured on such a wave says it is not like for like (an
            outside walk read a two-team open wave credited with moving themes of teams it did not ask).

    Returns:
        The figures for the baseline wave and the latest wave after it, or None when
        the action has no baseline (no wave had opened when it was recorded, or that
        wave was deleted), so there is nothing to compare with.

    Raises:
        FrontlineError: no such action.
    """
    action = _get(session, action_id)
    baseline = session.get(PulseWave, action.baseline_wave_id) if action.baseline_wave_id is not None else None
    if baseline is None:
        return None
    name = _theme_names(session).get(action.theme) or action.theme
    empty = ActionEffect(action_id=action.id, theme=action.theme, theme_name=name, baseline_wave=baseline.title,
                         later_wave=None, share_before=None, share_after=None, share_change=None,
                         sentiment_before=None, sentiment_after=None, sentiment_change=None, sentence="")

    reported = pd.DataFrame(columns=["theme", "wave_id", "wave", "opens_on", "share", "mean_sentiment"]) \
        if gaps.empty else gaps
    waves = reported[["wave_id", "wave", "opens_on"]].drop_duplicates("wave_id")
    opens = pd.to_datetime(waves["opens_on"])
    # The wave open when the action was recorded may never be reported (a one-team pilot, a wave still open):
    # the last reported wave before it is then the baseline, the state of things the action answered.
    before = waves[opens <= pd.Timestamp(baseline.opens_on)]
    if before.empty:
        return replace(empty, sentence=(
            f"{name} cannot be compared with {baseline.title}, the wave before the action: it had too few "
            "responses to report or has not been analysed."))
    base = before.loc[pd.to_datetime(before["opens_on"]).idxmax()]
    empty = replace(empty, baseline_wave=str(base["wave"]))
    later = waves[opens > pd.Timestamp(baseline.opens_on)]
    if later.empty:
        return replace(empty, sentence=_no_later_wave(session, baseline, today or _today()))
    latest = later.loc[pd.to_datetime(later["opens_on"]).idxmax()]
    unlike = not_like_for_like(str(latest["wave"]), (wave_notes or {}).get(int(latest["wave_id"]), ""))
    if action.team:
        if comments is None or thresholds is None:
            raise TypeError("an action for one team is measured on its comments: pass comments and thresholds")
        return _team_effect(empty, action.team, comments, thresholds, base, latest, unlike)
    return _org_effect(empty, reported, base, latest, unlike)


def _org_effect(empty: ActionEffect, reported: pd.DataFrame, base, latest, unlike: str) -> ActionEffect:
    """The effect of an action for every team: the theme's share and sentiment over all teams' comments."""
    share_before, sentiment_before = _theme_figures(reported, base["wave_id"], empty.theme)
    share_after, sentiment_after = _theme_figures(reported, latest["wave_id"], empty.theme)
    return replace(
        empty, later_wave=str(latest["wave"]), share_before=share_before, share_after=share_after,
        share_change=100 * (share_after - share_before), sentiment_before=sentiment_before,
        sentiment_after=sentiment_after,
        sentiment_change=sentiment_after - sentiment_before
        if sentiment_before is not None and sentiment_after is not None else None,
        sentence=effect_sentence(empty.theme_name, str(base["wave"]), str(latest["wave"]), share_before,
                                 share_after, sentiment_before, sentiment_after) + unlike,
    )


def _team_effect(empty: ActionEffect, team: str, comments: pd.DataFrame, thresholds: Thresholds, base, latest,
                 unlike: str) -> ActionEffect:
    """The effect of an action for one team: the theme's share of that team's comments, in the same two waves
    as an org-wide action's, where the team may be quoted in both."""
    before = _team_share(comments, base["wave_id"], team, empty.theme, thresholds)
    after = _team_share(comments, latest["wave_id"], team, empty.theme, thresholds)
    if before is None or after is None:
        missing = base["wave"] if before is None else latest["wave"]
        return replace(empty, later_wave=str(latest["wave"]), sentence=(
            f"{empty.theme_name} in {team} cannot be compared yet: fewer than {thresholds.comments} of its people "
            f"wrote a comment in {missing} (or too few teams did for it to be shown apart)."))
    return replace(empty, later_wave=str(latest["wave"]), share_before=before, share_after=after,
                   share_change=100 * (after - before),
                   sentence=effect_sentence(empty.theme_name, str(base["wave"]), str(latest["wave"]), before, after,
                                            None, None, team=team) + unlike)
