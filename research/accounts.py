"""Staff accounts: creation, listing, disabling, and password login with lockout.

Passwords are hashed with argon2id. Failed logins are counted per account;
after ``max_failed_logins`` in a row the account is locked for
``lockout_minutes``, and while locked even the right password is refused, so a
guesser learns nothing from the lock. Unknown usernames cost the same hash
verification as known ones, so response time does not reveal which exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from research.audit import UNKNOWN_USER, record
from research.errors import FrontlineError
from research.store.models import ROLES, User, utcnow

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("frontline-timing-equaliser")


class AccountError(FrontlineError):
    """An account request was refused; the message says why."""


@dataclass(frozen=True)
class AccountView:
    """What callers may see of an account: never the hash."""

    username: str
    role: str
    is_active: bool
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True)
class LoginResult:
    """Outcome of a login attempt: ``user`` on success, else a message safe to show."""

    user: AccountView | None
    message: str

    @property
    def ok(self) -> bool:
        return self.user is not None


def _view(user: User) -> AccountView:
    return AccountView(
        username=user.username,
        role=user.role,
        is_active=user.is_active,
        locked_until=_aware(user.locked_until),
        created_at=_aware(user.created_at),
        last_login_at=_aware(user.last_login_at),
    )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything here is stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def normalise_username(username: str) -> str:
    return username.strip().lower()


def validate_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        raise AccountError(
            f"username {username!r} is not allowed: use 3-64 characters, lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def validate_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def validate_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"password too long: use at most {MAX_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise AccountError("password must not start or end with spaces or a line break")
    return password


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
    user = User(username=name, role=role, password_hash=_hasher.hash(password))
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


def _require(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise AccountError(f"no user named {username!r}")
    return user


def set_active(*, session: Session, username: str, active: bool, actor: str) -> AccountView:
    """Disable (or re-enable) an account; a disabled account cannot log in."""
    user = _require(session, username)
    if not active and user.role == "admin" and user.is_active:
        other_admins = session.scalar(
            select(User.id).where(User.role == "admin", User.is_active.is_(True), User.id != user.id).limit(1)
        )
        if other_admins is None:
            raise AccountError(f"{user.username!r} is the last active admin; add another admin first")
    user.is_active = active
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
    user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    record(session=session, actor=actor, action="password_changed", subject=user.username)
    return _view(user)


def authenticate(
    *,
    session: Session,
    username: str,
    password: str,
    max_failed: int = 5,
    lockout: timedelta = timedelta(minutes=15),
    now: datetime | None = None,
) -> LoginResult:
    """Check a password, counting failures and locking the account when they pile up.

    The caller must commit the session: failed attempts are recorded too.
    """
    now = now or utcnow()
    wrong = LoginResult(None, "Wrong username or password.")
    name = normalise_username(username)
    user = session.scalar(select(User).where(User.username == name).with_for_update())
    if user is None or len(password) > MAX_PASSWORD_LENGTH:
        _safe_verify(_DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])
        record(session=session, actor=user.username if user else UNKNOWN_USER, action="sign_in_failed")
        return wrong
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        _safe_verify(_DUMMY_HASH, password)
        record(session=session, actor=user.username, action="sign_in_failed", subject="account locked")
        return LoginResult(None, _locked_message(locked_until))
    if not _safe_verify(user.password_hash, password):
        failures = (user.failed_logins or 0) + 1
        values: dict = {"failed_logins": failures}
        if failures >= max_failed:
            values = {"failed_logins": 0, "locked_until": now + lockout}
        session.execute(update(User).where(User.id == user.id).values(**values))
        if "locked_until" in values:
            record(session=session, actor=user.username, action="account_locked")
            return LoginResult(None, _locked_message(values["locked_until"]))
        record(session=session, actor=user.username, action="sign_in_failed")
        return wrong
    if not user.is_active:
        record(session=session, actor=user.username, action="sign_in_failed", subject="account disabled")
        return LoginResult(None, "This account is disabled. Ask an administrator.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.flush()
    record(session=session, actor=user.username, action="sign_in")
    return LoginResult(_view(user), "Welcome.")


def _locked_message(until: datetime) -> str:
    return (
        f"Too many wrong passwords: this account is locked until {until:%H:%M} UTC. "
        "Try again then, or ask an administrator to reset it."
    )


def _safe_verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
