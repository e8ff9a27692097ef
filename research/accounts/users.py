"""Managing staff accounts: create, list, disable and enable, set or reset a password, end a sign-in pause.

Functions taking ``actor`` as a plain name are for ``frontline users`` (the
database's own credentials stand behind it). The web's admin actions,
:func:`reset_password` and :func:`unlock_account`, first check that ``actor``
is an active administrator, so no page can reach them on anyone else's behalf.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from research.accounts.common import (
    SSO_MARKER,
    AccountError,
    AccountView,
    NothingToChange,
    _aware,
    _require,
    _require_admin,
    _view,
    normalise_username,
    validate_password,
    validate_role,
    validate_username,
)
from research.accounts.passwords import hash_password
from research.accounts.sessions import _revoke_all
from research.audit import claim_submission, record
from research.store.models import User, utcnow

TEMPORARY_PASSWORD_LIFETIME = timedelta(days=3)
"""How long an administrator's temporary password works; after that only a new reset helps."""
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand


@dataclass(frozen=True)
class TemporaryPassword:
    """A reset's result: the account and the one-time password, to show once and never store in clear."""

    account: AccountView
    password: str
    expires_at: datetime


def create_user(*, session: Session, username: str, role: str, password: str, actor: str) -> AccountView:
    """Create an active account; ``actor`` (who did it) goes into the audit trail.

    Raises:
        AccountError: bad username, role or password, or the username is taken.
    """
    name = validate_username(username)
    validate_role(role)
    validate_password(password)
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise AccountError(f"user {name!r} already exists")
    user = User(username=name, role=role, password_hash=hash_password(password))
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise AccountError(f"user {name!r} already exists") from None
    record(session=session, actor=actor, action="user_created", subject=f"{name} ({role})")
    return _view(user)


def list_users(*, session: Session) -> list[AccountView]:
    return [_view(u) for u in session.scalars(select(User).order_by(User.username))]


def get_user(*, session: Session, username: str) -> AccountView | None:
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    return _view(user) if user else None


def account_id(*, session: Session, username: str, purpose: str) -> int:
    """The id of the account ``username`` (as stored), for rows kept per person (drafts, link copies).

    Raises:
        AccountError: no such account, naming ``purpose`` ("to keep a draft for").
    """
    user_id = session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        raise AccountError(f"There is no such account {purpose}.")
    return user_id


def set_active(*, session: Session, username: str, active: bool, actor: str) -> AccountView:
    """Disable (or re-enable) an account; a disabled account cannot log in.

    Raises:
        NothingToChange: the account already is active (or disabled); nothing is written or audited.
        AccountError: there is no such user, or it is the last active admin.
    """
    user = _require(session, username)
    if user.is_active == active:
        raise NothingToChange(f"{user.username} is already {'active' if active else 'disabled'}: nothing changed.")
    if not active and user.role == "admin" and user.is_active:
        other_admins = session.scalar(
            select(User.id).where(User.role == "admin", User.is_active.is_(True), User.id != user.id).limit(1)
        )
        if other_admins is None:
            raise AccountError(f"{user.username!r} is the last active admin; add another admin first")
    user.is_active = active
    if not active:
        _revoke_all(session, user.id)
    if active:
        user.failed_logins = 0
        user.locked_until = None
    session.flush()
    record(session=session, actor=actor, action="user_enabled" if active else "user_disabled", subject=user.username)
    return _view(user)


def set_password(*, session: Session, username: str, password: str, actor: str) -> AccountView:
    """Replace an account's password and clear any lock."""
    user = _require(session, username)
    validate_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    _revoke_all(session, user.id)  # whoever knew the old password is signed out everywhere
    session.flush()
    record(session=session, actor=actor, action="password_changed", subject=user.username)
    return _view(user)


def unlock_user(*, session: Session, username: str, actor: str) -> AccountView:
    """End a sign-in pause and forget the wrong passwords, keeping the password: the admin's way back in.

    Raises:
        AccountError: there is no such user.
    """
    user = _require(session, username)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    record(session=session, actor=actor, action="user_enabled", subject=f"{user.username} (sign-in pause cleared)")
    return _view(user)


def unlock_account(*, session: Session, username: str, actor: str, now: datetime | None = None) -> AccountView:
    """An administrator, signed in as ``actor``, ends another account's sign-in pause (audited).

    Raises:
        NothingToChange: the account has nothing to unlock (a repeated click changes nothing and says so).
        AccountError: ``actor`` is not an active admin, or there is no such user.
    """
    _require_admin(session, actor)
    user = _require(session, username)
    locked_until = _aware(user.locked_until)
    paused = locked_until is not None and locked_until > (now or utcnow())
    if not paused and not user.failed_logins:
        raise NothingToChange(f"{user.username} is not paused: there is nothing to unlock, nothing changed.")
    return unlock_user(session=session, username=user.username, actor=normalise_username(actor))


def new_temporary_password() -> str:
    """A fresh one-time password, four groups of four easily read characters."""
    return "-".join("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(4))


def reset_password(*, session: Session, username: str, actor: str, now: datetime | None = None,
                   submission: str | None = None, password: str | None = None) -> TemporaryPassword:
    """An administrator, signed in as ``actor``, gives another account a one-time temporary password (audited).

    The old password stops working and every session of the account ends. The
    temporary password lets its owner do one thing: choose a new password at
    the next sign-in, within :data:`TEMPORARY_PASSWORD_LIFETIME`. Any pause is
    cleared. The audit trail names the account, never the password.
    ``submission`` is the form's one-time key (see :func:`research.audit.claim_submission`):
    the same key twice resets once. ``password`` (from :func:`new_temporary_password`) lets the caller hold
    the password before the reset commits, so a second submit that finds the key taken can still show the
    password the first one set, even when the first one's own page run was cut short.

    Raises:
        AccountError: ``actor`` is not an active admin, there is no such user, or it is the actor's own account
            (an admin who knows their password changes it on the Account page, or ``frontline users passwd``).
        AlreadySubmitted: ``submission`` was used before (a double click); nothing changed this time.
    """
    now = now or utcnow()
    admin = _require_admin(session, actor)
    user = _require(session, username)
    if user.id == admin.id:
        raise AccountError("You cannot reset your own password here: that would sign you out with a password "
                           "only this screen has seen. Change your own password on the Account page instead.")
    if user.password_hash.startswith(SSO_MARKER):
        raise AccountError(f"{user.username} signs in through your organisation's single sign-on: their password "
                           "is managed there, and a Frontline password would open a second way in.")
    claim_submission(session=session, key=submission, actor=admin.username, action="password_reset")
    password = password or new_temporary_password()
    expires = now + TEMPORARY_PASSWORD_LIFETIME
    user.password_hash = hash_password(password, temporary_until=expires)
    user.failed_logins, user.locked_until = 0, None
    _revoke_all(session, user.id, now)
    session.flush()
    record(session=session, actor=admin.username, action="password_reset",
           subject=f"{user.username} (temporary password, must be changed at next sign-in)")
    return TemporaryPassword(_view(user), password, expires)
