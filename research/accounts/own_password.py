"""A signed-in person changes their own password: the Account page's form, checked and audited here.

Knowing the current password is what the change asks for, so a wrong one is
treated like a wrong password at sign-in: it counts towards the same pause for
the account (and for the browser session's throttle), and during a pause no
change is accepted. Someone at an unattended, signed-in screen therefore gets no
more guesses at the password than a stranger at the sign-in form.

The result is returned, not raised, because a wrong password must be recorded:
an exception would roll back the count along with everything else. On success
every session of the account ends, this browser's included; the page opens a
fresh one for this browser, so whoever held a copy of the old session's cookie
is signed out too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.accounts.common import (
    MAX_PASSWORD_LENGTH,
    SSO_MARKER,
    AccountView,
    _aware,
    _view,
    normalise_username,
    password_rule_problem,
)
from research.accounts.passwords import SessionThrottle, _count_failure, _safe_verify, hash_password
from research.accounts.sessions import _revoke_all
from research.audit import record
from research.store.models import User, utcnow

WRONG_CURRENT = "That is not your current password: nothing changed."
PAUSED = ("Too many wrong passwords in a row: changing this account's password (and signing in to it) is paused "
          "for a while. Nothing changed.")
SINGLE_SIGN_ON = ("You sign in through your organisation's single sign-on: your password is managed there, "
                  "not in Frontline.")


@dataclass(frozen=True)
class PasswordChange:
    """The outcome of :func:`change_own_password`: ``message`` is safe to show as it is.

    ``paused_until`` is set when the change was refused because of a pause (the one this attempt may have
    started); the page says until when, in the reader's own time zone.
    """

    changed: bool
    message: str
    account: AccountView | None = None
    paused_until: datetime | None = None


def uses_single_sign_on(*, session: Session, username: str) -> bool:
    """Whether ``username`` signs in through the identity provider, and so has no Frontline password to change."""
    stored = session.scalar(select(User.password_hash).where(User.username == normalise_username(username)))
    return stored is not None and stored.startswith(SSO_MARKER)


def _form_problem(current: str, new_password: str, repeat: str) -> str | None:
    """What is wrong with the form itself, found without checking (and so without spending) a password guess."""
    if not current:
        return "Type your current password."
    if not new_password:
        return "Type a new password."
    if new_password != repeat:
        return "The two new passwords differ: type the same new password twice."
    problem = password_rule_problem(new_password, what="The new password")
    return f"{problem}." if problem else None


def change_own_password(
    *,
    session: Session,
    username: str,
    current: str,
    new_password: str,
    repeat: str,
    max_failed: int = 5,
    lockout: timedelta = timedelta(minutes=15),
    client: SessionThrottle | None = None,
    now: datetime | None = None,
) -> PasswordChange:
    """Replace the signed-in ``username``'s password with ``new_password`` after checking ``current`` (audited).

    Checks, in order: single sign-on (no Frontline password), a running pause (per account or ``client``),
    the form (current given, the two new passwords equal, length, outer spaces), the current password
    (a wrong one counts as a failed sign-in, see the module docstring), and that the new one differs from it.
    On success the pause and the count of wrong passwords are cleared and every session of the account is
    revoked. The caller must commit in every case, failures included.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == normalise_username(username)).with_for_update())
    if user is None or not user.is_active:
        return PasswordChange(False, "This account cannot change its password: sign in again.")
    if user.password_hash.startswith(SSO_MARKER):
        return PasswordChange(False, SINGLE_SIGN_ON)
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        return PasswordChange(False, PAUSED, paused_until=locked_until)
    if client is not None and client.paused(now):
        return PasswordChange(False, PAUSED, paused_until=client.paused_until)
    if problem := _form_problem(current, new_password, repeat):
        return PasswordChange(False, problem)
    if len(current) > MAX_PASSWORD_LENGTH or not _safe_verify(user.password_hash, current):
        if client is not None:
            client.failed(now, max_failed=max_failed, cap=lockout)
        _count_failure(session, user, now, max_failed=max_failed, cap=lockout,
                       what="wrong current password when changing it")
        session.refresh(user)
        paused_until = _aware(user.locked_until)
        if paused_until is None and client is not None and client.paused(now):
            paused_until = client.paused_until
        return PasswordChange(False, WRONG_CURRENT, paused_until=paused_until)
    if new_password == current:
        return PasswordChange(False, "The new password is the same as your current one: choose a different one.")
    if client is not None:
        client.succeeded()
    user.password_hash = hash_password(new_password)
    user.failed_logins, user.locked_until = 0, None
    _revoke_all(session, user.id, now)
    session.flush()
    record(session=session, actor=user.username, action="password_changed",
           subject=f"{user.username} (own change while signed in; every session of the account signed out)")
    return PasswordChange(True, "Your password is changed. Every other browser signed in as you has been "
                                "signed out; this one stays signed in.", account=_view(user))
