"""Actions ("you said, we did"): what management does about a theme, for every team or for one.

Executives and researchers record an action against a theme of the codebook, for the whole organisation or for
one team. Published actions are shown to agents on the pulse page, so they see that what they said led
somewhere; that is what keeps them answering. Each action keeps the latest wave that had opened when it was
recorded as its baseline; :mod:`research.findings.action_effects` says whether its theme moved since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from research.errors import FrontlineError
from research.store.models import Action, Code, PulseSegment, PulseWave

STATUSES = ("planned", "in progress", "done", "dropped")
MAX_TITLE_LENGTH = 500
MAX_OWNER_LENGTH = 120
MAX_DUE_YEARS = 5
EDITABLE = ("theme", "team", "title", "owner", "due_on", "status", "published")
TABLE_COLUMNS = ["id", "Theme", "For", "What", "Owner", "Due", "Status", "Published", "Recorded by", "Recorded on"]
ALL_TEAMS = "All teams"


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
    team: str | None = None  # None: for every team


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
    if "team" in clean:
        team = (clean["team"] or "").strip()
        if team and team not in pulse_teams(session=session):
            raise FrontlineError(f"Unknown team {team!r}: choose one of the pulse waves' teams, or leave it empty "
                                 "for an action for every team.")
        clean["team"] = team or None
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


def pulse_teams(*, session: Session) -> list[str]:
    """The teams pulse waves have asked, by name: what an action can be for."""
    return sorted(t for t in session.scalars(select(PulseSegment.team).distinct()) if t)


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
    published: bool = False, created_by: str, today: date | None = None, team: str | None = None,
) -> ActionRef:
    """Record an action against a theme, for one ``team`` or (None) every team, measured from the latest wave that
    has opened by ``today``.

    The baseline is fixed now rather than worked out later, so "since the action"
    keeps meaning the same wave however the waves are edited afterwards.

    Raises:
        FrontlineError: unknown theme, team or status, empty or over-long description or
            owner, or a due date more than five years from today. Nothing is stored.
    """
    today = today or _today()
    fields = _clean(session, {"theme": theme, "team": team, "title": title, "owner": owner, "due_on": due_on,
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
    """Change any of theme, team, title, owner, due_on, status and published, with the checks of
    :func:`create_action`.

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
        select(Action.id, Code.name, Action.theme, Action.team, Action.title, Action.owner, Action.due_on,
               Action.status, Action.published, Action.created_by, Action.created_at)
        .outerjoin(Code, Code.key == Action.theme)
        .order_by(Action.created_at.desc(), Action.id.desc())
    )
    if theme is not None:
        query = query.where(Action.theme == theme)
    rows = [
        (i, name or key, team or ALL_TEAMS, title, owner, due, status, published, by, created.date())
        for i, name, key, team, title, owner, due, status, published, by, created in session.execute(query)
    ]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def published_actions(*, session: Session) -> list[PublishedAction]:
    """The actions agents see on the pulse page, newest first; dropped ones are left out.

    A dropped action stays in the staff table as history, but showing it to agents
    would only advertise a promise that is no longer being kept.
    """
    rows = session.execute(
        select(Code.name, Action.theme, Action.title, Action.status, Action.due_on, Action.team)
        .outerjoin(Code, Code.key == Action.theme)
        .where(Action.published.is_(True), Action.status != "dropped")
        .order_by(Action.created_at.desc(), Action.id.desc())
    ).all()
    return [PublishedAction(name or key, title, status, due, team) for name, key, title, status, due, team in rows]
