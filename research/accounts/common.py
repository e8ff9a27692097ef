"""What every part of the accounts package shares: the error, the view of an account, and name lookup."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.errors import FrontlineError
from research.store.models import ROLES, User

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
SSO_MARKER = "sso:"
"""How a single sign-on account's ``password_hash`` starts: never a valid argon2 hash, so no password opens it."""


class AccountError(FrontlineError):
    """An account request was refused; the message says why."""


class NothingToChange(AccountError):
    """The account already is as asked (enabling an active one, unlocking one not paused): nothing was written.

    A message to show as information, not as a failure; the transaction it ends writes no audit row.
    """


@dataclass(frozen=True)
class AccountView:
    """What callers may see of an account: never the hash."""

    username: str
    role: str
    is_active: bool
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None


@overload
def _aware(moment: datetime) -> datetime: ...


@overload
def _aware(moment: None) -> None: ...


@overload
def _aware(moment: datetime | None) -> datetime | None: ...


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything here is stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _view(user: User) -> AccountView:
    return AccountView(
        username=user.username,
        role=user.role,
        is_active=user.is_active,
        locked_until=_aware(user.locked_until),
        created_at=_aware(user.created_at) or user.created_at,
        last_login_at=_aware(user.last_login_at),
    )


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


def password_rule_problem(password: str, *, what: str = "password") -> str | None:
    """Which rule ``password`` breaks (length, outer spaces), phrased about ``what``, or None: the one place the
    rules live, for an admin setting a password and for a person changing their own."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"{what} is too short: use at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"{what} is too long: use at most {MAX_PASSWORD_LENGTH} characters"
    if password.strip() != password:
        return f"{what} must not start or end with a space or a line break"
    return None


def validate_password(password: str) -> str:
    problem = password_rule_problem(password)
    if problem:
        raise AccountError(problem)
    return password


def _require(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise AccountError(f"no user named {username!r}")
    return user


def _require_admin(session: Session, actor: str) -> User:
    """The active admin account ``actor`` names: web actions that change other accounts check this first."""
    user = session.scalar(select(User).where(User.username == normalise_username(actor)))
    if user is None or user.role != "admin" or not user.is_active:
        raise AccountError("only a signed-in administrator can do this")
    return user
