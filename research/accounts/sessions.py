"""Server-side staff sessions: what lets a reloaded browser stay signed in, and sign-out end it for good."""

from __future__ import annotations

import hashlib
import secrets
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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _revoke_all(session: Session, user_id: int, now: datetime | None = None) -> None:
    session.execute(update(StaffSession).where(StaffSession.user_id == user_id, StaffSession.revoked_at.is_(None))
                    .values(revoked_at=now or utcnow()))


def start_session(*, session: Session, username: str, replaces: str | None = None,
                  lifetime: timedelta = SESSION_LIFETIME, now: datetime | None = None) -> str:
    """Open a server-side session after a successful sign-in and return its token (for the browser only).

    The token is 256 random bits; only its SHA-256 is stored, so a copy of the
    database lets nobody resume a session. Each sign-in gets a new token
    (``replaces``, the browser's previous one, is revoked): a token planted
    before sign-in is worthless after it. Sessions long over are deleted here.
    The sign-in itself is audited by :func:`research.accounts.authenticate`.
    """
    now = now or utcnow()
    user = _require(session, username)
    if replaces:
        end_session(session=session, token=replaces, audit=False, now=now)
    session.execute(delete(StaffSession).where(or_(StaffSession.expires_at < now - SESSION_IDLE,
                                                   StaffSession.revoked_at < now - SESSION_IDLE)))
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
                             expires_at=now + lifetime))
    session.flush()
    return token


def session_account(*, session: Session, token: str, idle: timedelta = SESSION_IDLE,
                    now: datetime | None = None) -> AccountView | None:
    """The active account a live session belongs to, or None (unknown, revoked, idle, expired or disabled).

    Marks the session as seen (at most once per :data:`TOUCH_EVERY`), so a
    person at work is never timed out while idle expiry still ends a forgotten one.
    """
    if not token:
        return None
    now = now or utcnow()
    row = session.scalar(select(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now \
            or _aware(row.last_seen_at) + idle <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if _aware(row.last_seen_at) + TOUCH_EVERY <= now:
        row.last_seen_at = now
        session.flush()
    return _view(user)


def resume_session(*, session: Session, token: str, idle: timedelta = SESSION_IDLE,
                   now: datetime | None = None) -> AccountView | None:
    """Sign a reloaded browser back in from its session token; audited when it works.

    Returns None, recording nothing, for an unknown, revoked, idle or expired
    token: the browser then sees the sign-in form.
    """
    account = session_account(session=session, token=token, idle=idle, now=now)
    if account is not None:
        record(session=session, actor=account.username, action="session_resumed")
    return account


def end_session(*, session: Session, token: str, audit: bool = True, now: datetime | None = None) -> None:
    """Revoke one session (sign-out): its token never works again, even if a copy of it survives."""
    if not token:
        return
    row = session.scalar(select(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = now or utcnow()
    user = session.get(User, row.user_id)
    session.flush()
    if audit and user is not None:
        record(session=session, actor=user.username, action="sign_out")
