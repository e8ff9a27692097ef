"""Server-side staff sessions: what lets a reloaded browser stay signed in, and sign-out end it for good.

A session has a row id, which the server-side page session holds, and a secret
token, which only the browser's cookie holds (its SHA-256 is stored). Sign-in
happens over Streamlit's websocket, which cannot set an HttpOnly cookie, so
:func:`start_session` returns a one-time *grant*: the page hands it to the
app's own HTTP route, which swaps it (:func:`exchange_grant`) for the cookie's
token and sets that cookie ``HttpOnly``. No script ever sees the long-lived token.
A grant is no cookie (it never resumes a session), is swapped once, and only
within :data:`GRANT_LIFETIME` of sign-in: a script injected later finds nothing
it can turn into a session. A script already in the page at sign-in can do
whatever the page does, including this swap; that is what escaping all typed
text before display prevents.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from research.accounts.common import AccountView, _aware, _require, _view
from research.audit import record
from research.store.models import User, utcnow
from research.store.staff_sessions import StaffSession

SESSION_IDLE = timedelta(hours=2)
"""A session not seen for this long is over: a reload after a long break asks for the password again."""
SESSION_LIFETIME = timedelta(hours=12)
"""No session outlives this, however busy: about one working day."""
TOUCH_EVERY = timedelta(minutes=1)
"""How stale ``last_seen_at`` may get before a request writes it again (spares a write per click)."""
GRANT_LIFETIME = timedelta(minutes=2)
"""How long after sign-in the page may swap its grant for the cookie; the page does it within a second."""


@dataclass(frozen=True)
class StartedSession:
    """A new session: ``id`` for the server's page session, ``grant`` for the browser to swap for its cookie."""

    id: int
    grant: str


@dataclass(frozen=True)
class LiveSession:
    """A session a browser's cookie resumed: its row id and the account it belongs to."""

    id: int
    account: AccountView


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _revoke_all(session: Session, user_id: int, now: datetime | None = None) -> None:
    session.execute(update(StaffSession).where(StaffSession.user_id == user_id, StaffSession.revoked_at.is_(None))
                    .values(revoked_at=now or utcnow()))


def start_session(*, session: Session, username: str, replaces: str | None = None, replaces_id: int | None = None,
                  lifetime: timedelta = SESSION_LIFETIME, now: datetime | None = None) -> StartedSession:
    """Open a server-side session after a successful sign-in; its id and its one-time grant.

    Tokens are 256 random bits; only their SHA-256 is stored, so a copy of the
    database lets nobody resume a session. Each sign-in gets a new session (the
    browser's previous one, by cookie token ``replaces`` or id ``replaces_id``,
    is revoked): a token planted before sign-in is worthless after it. Sessions
    long over are deleted here. The sign-in itself is audited by
    :func:`research.accounts.authenticate`.
    """
    now = now or utcnow()
    user = _require(session, username)
    if replaces:
        end_session(session=session, token=replaces, audit=False, now=now)
    if replaces_id is not None:
        end_session(session=session, session_id=replaces_id, audit=False, now=now)
    session.execute(delete(StaffSession).where(or_(StaffSession.expires_at < now - SESSION_IDLE,
                                                   StaffSession.revoked_at < now - SESSION_IDLE)))
    grant = secrets.token_urlsafe(32)
    row = StaffSession(token_hash=_token_hash(grant), user_id=user.id, created_at=now, last_seen_at=now,
                       expires_at=now + lifetime)
    session.add(row)
    session.flush()
    return StartedSession(id=row.id, grant=grant)


def _row(session: Session, token: str | None, session_id: int | None) -> StaffSession | None:
    if session_id is not None:
        return session.get(StaffSession, session_id)
    if token:
        return session.scalar(select(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
    return None


def _live(session: Session, row: StaffSession | None, idle: timedelta, now: datetime) -> User | None:
    """The active user of ``row`` if it is a live session (not revoked, idle or expired), marking it seen."""
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now \
            or _aware(row.last_seen_at) + idle <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if _aware(row.last_seen_at) + TOUCH_EVERY <= now:
        row.last_seen_at = now
        session.flush()
    return user


def session_account(*, session: Session, session_id: int, idle: timedelta = SESSION_IDLE,
                    now: datetime | None = None) -> AccountView | None:
    """The active account live session ``session_id`` belongs to, or None (revoked, idle, expired or disabled).

    Marks the session as seen (at most once per :data:`TOUCH_EVERY`), so a
    person at work is never timed out while idle expiry still ends a forgotten one.
    """
    user = _live(session, _row(session, None, session_id), idle, now or utcnow())
    return None if user is None else _view(user)


def cookie_account(*, session: Session, token: str, idle: timedelta = SESSION_IDLE,
                   now: datetime | None = None) -> AccountView | None:
    """The active account whose live session the cookie ``token`` names, or None; not audited.

    For the app's own HTTP routes (a draft sent as a page unloads), which act for the account without
    signing anything in: unlike :func:`resume_session`, a grant never counts and nothing is recorded.
    """
    row = _row(session, token, None)
    if row is None or row.cookie_set_at is None:
        return None
    user = _live(session, row, idle, now or utcnow())
    return None if user is None else _view(user)


def cookie_session_id(*, session: Session, token: str) -> int | None:
    """The id of the session the cookie ``token`` names, live or not, or None; not audited.

    The sign-out route deletes a cookie only when it is still the one of the session a page signed out of.
    """
    row = _row(session, token, None)
    return None if row is None else row.id


def exchange_grant(*, session: Session, grant: str, idle: timedelta = SESSION_IDLE,
                   now: datetime | None = None) -> str | None:
    """Swap a live session's grant for a new token, the browser cookie's; None if the grant is not live.

    None too for a grant already swapped, one older than :data:`GRANT_LIFETIME`, and a cookie's token (a
    stolen cookie cannot be re-minted to lock its owner's other copies out).
    """
    now = now or utcnow()
    row = _row(session, grant, None)
    if row is None or row.cookie_set_at is not None or _aware(row.created_at) + GRANT_LIFETIME <= now:
        return None
    if _live(session, row, idle, now) is None:
        return None
    token = secrets.token_urlsafe(32)
    row.token_hash, row.cookie_set_at = _token_hash(token), now
    session.flush()
    return token


def resume_session(*, session: Session, token: str, idle: timedelta = SESSION_IDLE,
                   now: datetime | None = None) -> LiveSession | None:
    """Sign a reloaded browser back in from its cookie token; audited when it works.

    Returns None, recording nothing, for an unknown, revoked, idle or expired
    token: the browser then sees the sign-in form.
    """
    row = _row(session, token, None)
    if row is None or row.cookie_set_at is None:  # a grant is not a cookie
        return None
    user = _live(session, row, idle, now or utcnow())
    if user is None:
        return None
    record(session=session, actor=user.username, action="session_resumed")
    return LiveSession(id=row.id, account=_view(user))


def end_session(*, session: Session, token: str | None = None, session_id: int | None = None, audit: bool = True,
                now: datetime | None = None) -> None:
    """Revoke one session, named by its cookie token or its id (sign-out): a surviving copy never works again."""
    row = _row(session, token, session_id)
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = now or utcnow()
    user = session.get(User, row.user_id)
    session.flush()
    if audit and user is not None:
        record(session=session, actor=user.username, action="sign_out")
