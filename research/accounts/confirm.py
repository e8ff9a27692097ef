"""Asking a signed-in person for their password again, before something only they may do.

A wrong password here counts as a wrong sign-in (the same pause after repeated failures), so the form cannot be
used to guess a password faster than the sign-in page allows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.accounts.common import MAX_PASSWORD_LENGTH, SSO_MARKER, _aware, normalise_username
from research.accounts.passwords import _count_failure, _safe_verify
from research.store.models import User, utcnow


def password_problem(*, session: Session, username: str, password: str, what: str, max_failed: int = 5,
                     lockout: timedelta = timedelta(minutes=15), now: datetime | None = None) -> str | None:
    """None when ``password`` is ``username``'s own; otherwise why not, in words for the page.

    ``what`` names the form in the audit trail when the password is wrong. The caller must commit either way.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == normalise_username(username)).with_for_update())
    if user is None or not user.is_active:
        return "This account is not active: sign in again."
    if user.password_hash.startswith(SSO_MARKER):
        return "You sign in through your organisation, so Frontline holds no password of yours to ask for."
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        return "Too many wrong passwords: try again in a few minutes."
    if not password:
        return "Type your password."
    if len(password) > MAX_PASSWORD_LENGTH or not _safe_verify(user.password_hash, password):
        _count_failure(session, user, now, max_failed=max_failed, cap=lockout, what=what)
        return "That is not your password."
    return None
