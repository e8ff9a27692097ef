"""Actions ("you said, we did"): what management does about a theme, and whether the theme moved since.

Executives and researchers record an action against a theme of the codebook.
Published actions are shown to agents on the pulse page, so they see that what
they said led somewhere; that is what keeps them answering. Each action keeps
the latest wave that had opened when it was recorded as its baseline, and
:func:`action_effect` compares the theme's share and sentiment in that wave (or,
when it is never reported, the last reported wave before it) with the latest
analysed wave after it.

The effect is read from :func:`research.analysis.gaps.theme_gaps`, so every
figure it reports has already passed the reporting thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from research.errors import FrontlineError
from research.findings.representative import not_like_for_like
from research.store.models import Action, Code, PulseWave

STATUSES = ("planned", "in progress", "done", "dropped")
MAX_TITLE_LENGTH = 500
MAX_OWNER_LENGTH = 120
MAX_DUE_YEARS = 5
EDITABLE = ("theme", "title", "owner", "due_on", "status", "published")
TABLE_COLUMNS = ["id", "Theme", "What", "Owner", "Due", "Status", "Published", "Recorded by", "Recorded on"]


@dataclass(frozen=True)
class ActionRef:
    """An action as saved: its id and the wave it is measured from; callers never get the ORM row."""

    id: int
    baseline_wave_id: int | None


def _ref(action: Action) -> ActionRef:
    return ActionRef(id=action.id, baseline_wave_id=action.baseline_wave_id)


@dataclass(frozen=True)
class PublishedAction:
    """What agents see of an action: no record of who entered it, only the owner the executive published."""

    theme_name: str
    title: str
    status: str
    due_on: date | None


@dataclass(frozen=True)
class ActionEffect:
    """The theme's share (fractions) and mean sentiment in the baseline wave and the latest later wave.

    A value is None when it cannot be reported: the baseline wave was suppressed
    or not analysed, no later wave has been reported yet, or no comment raised the
    theme in that wave (a share of 0 then has no sentiment). ``share_change`` is
    in percentage points; ``sentence`` says it all in one line for the page.
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


def _today() -> date:
    return datetime.now(UTC).date()


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _theme_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Code.key, Code.name)).all())


def _clean(session: Session, fields: dict, today: date) -> dict:
    """Validate and normalise the given fields; raise before anything is stored."""
    clean = dict(fields)
    if "theme" in clean:
        theme = (clean["theme"] or "").strip()
        if not theme:
            raise FrontlineError("Choose the theme this action answers: its effect is followed on that theme.")
        if theme not in _theme_names(session):
            raise FrontlineError(f"Unknown theme {theme!r}: choose one of the codebook's codes.")
        clean["theme"] = theme
    if "title" in clean:
        title = (clean["title"] or "").strip()
        if not title:
            raise FrontlineError("Say what will be done: the action needs a description.")
        if len(title) > MAX_TITLE_LENGTH:
            raise FrontlineError(f"Keep the description to {MAX_TITLE_LENGTH} characters (it has {len(title)}).")
        clean["title"] = title
    if "owner" in clean:
        owner = (clean["owner"] or "").strip()
        if not owner:
            raise FrontlineError("Name an owner: the person or team responsible for the action.")
        if len(owner) > MAX_OWNER_LENGTH:
            raise FrontlineError(f"Keep the owner to {MAX_OWNER_LENGTH} characters (it has {len(owner)}).")
        clean["owner"] = owner
    if "status" in clean:
        status = (clean["status"] or "").strip().lower()
        if status not in STATUSES:
            raise FrontlineError(f"Unknown status {clean['status']!r}: use one of {', '.join(STATUSES)}.")
        clean["status"] = status
    if "due_on" in clean and clean["due_on"] is not None:
        due = clean["due_on"]
        due = due.date() if isinstance(due, datetime) else due
        if not _years_from(today, -MAX_DUE_YEARS) <= due <= _years_from(today, MAX_DUE_YEARS):
            raise FrontlineError(
                f"The due date {due:%d %B %Y} is more than {MAX_DUE_YEARS} years from today: check the year.")
        clean["due_on"] = due
    if "published" in clean:
        clean["published"] = bool(clean["published"])
    return clean


def due_note(due_on: date | None, status: str, today: date | None = None) -> str:
    """When an action is due, as a reader says it; "overdue since ..." for one still planned or in progress whose
    date has passed (an outside walk found one due over a year ago still reading "Planned")."""
    if due_on is None or pd.isna(due_on):
        return ""
    due = due_on.date() if isinstance(due_on, datetime) else due_on
    if status in ("planned", "in progress") and due < (today or _today()):
        return f"overdue since {due:%d %B %Y}"
    return f"due {due:%d %B %Y}"


def _get(session: Session, action_id: int) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise FrontlineError(f"No action with id {action_id}.")
    return action


def create_action(
    *, session: Session, theme: str, title: str, owner: str, due_on: date | None, status: str = "planned",
    published: bool = False, created_by: str, today: date | None = None,
) -> ActionRef:
    """Record an action against a theme, measured from the latest wave that has opened by ``today``.

    The baseline is fixed now rather than worked out later, so "since the action"
    keeps meaning the same wave however the waves are edited afterwards.

    Raises:
        FrontlineError: unknown theme or status, empty or over-long description or
            owner, or a due date more than five years from today. Nothing is stored.
    """
    today = today or _today()
    fields = _clean(session, {"theme": theme, "title": title, "owner": owner, "due_on": due_on,
                              "status": status, "published": published}, today)
    baseline = session.scalar(
        select(PulseWave.id).where(PulseWave.opens_on <= today)
        .order_by(PulseWave.opens_on.desc(), PulseWave.id.desc()).limit(1)
    )
    action = Action(**fields, created_by=(created_by or "").strip(), baseline_wave_id=baseline)
    session.add(action)
    session.flush()
    return _ref(action)


def update_action(*, session: Session, action_id: int, today: date | None = None, **changes) -> ActionRef:
    """Change any of theme, title, owner, due_on, status and published, with the checks of :func:`create_action`.

    The baseline wave never changes: the action was taken when it was taken.

    Raises:
        FrontlineError: no such action, or a change fails validation (then nothing changes).
        TypeError: a field that cannot be edited, which is a bug in the caller.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_action() cannot change {', '.join(sorted(unknown))}")
    action = _get(session, action_id)
    for name, value in _clean(session, changes, today or _today()).items():
        setattr(action, name, value)
    session.flush()
    return _ref(action)


def set_published(*, session: Session, action_id: int, published: bool) -> ActionRef:
    """Show the action to agents on the pulse page, or take it back off."""
    action = _get(session, action_id)
    action.published = bool(published)
    session.flush()
    return _ref(action)


def delete_action(*, session: Session, action_id: int) -> str:
    """Remove an action recorded by mistake (a duplicate, the wrong theme); returns its description.

    Agents stop seeing it at once if it was published.

    Raises:
        FrontlineError: there is no such action (already deleted, say in another tab).
    """
    action = _get(session, action_id)
    title = action.title
    session.delete(action)
    session.flush()
    return title


def actions_table(*, session: Session, theme: str | None = None) -> pd.DataFrame:
    """Every action (or one theme's), newest first, for the staff pages."""
    query = (
        select(Action.id, Code.name, Action.theme, Action.title, Action.owner, Action.due_on, Action.status,
               Action.published, Action.created_by, Action.created_at)
        .outerjoin(Code, Code.key == Action.theme)
        .order_by(Action.created_at.desc(), Action.id.desc())
    )
    if theme is not None:
        query = query.where(Action.theme == theme)
    rows = [
        (i, name or key, title, owner, due, status, published, by, created.date())
        for i, name, key, title, owner, due, status, published, by, created in session.execute(query)
    ]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def published_actions(*, session: Session) -> list[PublishedAction]:
    """The actions agents see on the pulse page, newest first; dropped ones are left out.

    A dropped action stays in the staff table as history, but showing it to agents
    would only advertise a promise that is no longer being kept.
    """
    rows = session.execute(
        select(Code.name, Action.theme, Action.title, Action.status, Action.due_on)
        .outerjoin(Code, Code.key == Action.theme)
        .where(Action.published.is_(True), Action.status != "dropped")
        .order_by(Action.created_at.desc(), Action.id.desc())
    ).all()
    return [PublishedAction(name or key, title, status, due) for name, key, title, status, due in rows]


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
                    sentiment_before: float | None, sentiment_after: float | None) -> str:
    """One line on how the theme moved between the baseline wave and a later one, over every team: an action
    for one team (a new manager for one desk) is not measured on that team alone, and the line says so rather than
    let its reader credit the action with the whole organisation's move."""
    lead = f"Since the action (baseline {baseline})"
    if share_before == 0 and share_after == 0:
        return f"{lead}, no comment in any team raised {name} in either {baseline} or {later}."
    moved = (f"{lead}, {name} went from {round(100 * share_before)} % to {round(100 * share_after)} % "
             f"of all teams' comments ({_points(share_before, share_after)})")
    if sentiment_before is not None and sentiment_after is not None:
        return f"{moved} and mean sentiment from {_signed(sentiment_before, 2)} to {_signed(sentiment_after, 2)}."
    if sentiment_after is not None:
        return f"{moved}; its mean sentiment in {later} is {_signed(sentiment_after, 2)}."
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


def action_effect(*, session: Session, action_id: int, gaps: pd.DataFrame,
                  today: date | None = None, wave_notes: Mapping[int, str] | None = None) -> ActionEffect | None:
    """Whether the action's theme changed in share of comments and sentiment since the action.

    Args:
        session: database session.
        action_id: the action.
        gaps: the output of :func:`research.analysis.gaps.theme_gaps`; it has rows
            only for waves that passed the thresholds, so nothing suppressed leaks here.
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
    share_before, sentiment_before = _theme_figures(reported, base["wave_id"], action.theme)
    share_after, sentiment_after = _theme_figures(reported, latest["wave_id"], action.theme)
    return replace(
        empty, later_wave=str(latest["wave"]), share_before=share_before, share_after=share_after,
        share_change=100 * (share_after - share_before), sentiment_before=sentiment_before,
        sentiment_after=sentiment_after,
        sentiment_change=sentiment_after - sentiment_before
        if sentiment_before is not None and sentiment_after is not None else None,
        sentence=effect_sentence(name, str(base["wave"]), str(latest["wave"]), share_before, share_after,
                                 sentiment_before, sentiment_after) + not_like_for_like(str(latest["wave"]), (
                                     wave_notes or {}).get(int(latest["wave_id"]), "")),
    )
