"""Password sign-in with throttling, and temporary passwords that must be replaced at the next sign-in.

Passwords are hashed with argon2id. Sign-in never says which part was wrong:
an unknown username, a wrong password and a paused account get the same
message after the same single argon2 verification, so neither the words nor the
time tell a stranger which usernames exist.

Guessing is slowed, not stopped by a lock a stranger could hold forever. After
``max_failed`` wrong passwords in a row for one username, sign-in for that name
pauses: 30 seconds, doubling with each further wrong password, never longer than
``lockout`` (the cap). Attempts during a pause are refused whatever the password and do not
lengthen it, so once the pause ends the right password always works. Each
browser session is throttled the same way over all the names it tries
(:class:`SessionThrottle`). An administrator can end a pause at any time
(the Unlock button on the Users page, or ``frontline users unlock NAME``). A wrong current password
typed to change one's own password counts the same way (:mod:`.own_password`).

A temporary password (an administrator's reset) is stored as its argon2 hash
behind a ``temporary:<expiry>:`` marker in the same column, so the flag cannot
outlive the password it belongs to: any new hash drops it. It signs nobody in;
it only lets its owner choose a new password (:func:`choose_new_password`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from research.accounts.common import (
    MAX_PASSWORD_LENGTH,
    AccountError,
    AccountView,
    _aware,
    _view,
    normalise_username,
    validate_password,
)
from research.accounts.sessions import _revoke_all
from research.audit import UNKNOWN_USER, record
from research.store.models import User, utcnow

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("frontline-timing-equaliser")
_TEMPORARY = "temporary:"

FIRST_PAUSE = timedelta(seconds=30)
"""The first pause once the free wrong passwords are used up; each further failure doubles it."""
WRONG_SIGN_IN = "Wrong username or password."
"""The only message a failed sign-in gets, whatever failed (unknown name, wrong password, paused)."""
CHOOSE_NEW_PASSWORD = "This is a temporary password: choose your own password to finish signing in."
TEMPORARY_EXPIRED = "This temporary password has expired. Ask an administrator for a new one."


@dataclass(frozen=True)
class LoginResult:
    """Outcome of a login attempt: ``user`` on success, else a message safe to show.

    ``must_change_password`` is set when the right temporary password was given: the
    caller must not sign the user in, but ask for a new password (:func:`choose_new_password`).
    """

    user: AccountView | None
    message: str
    must_change_password: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None and not self.must_change_password


def hash_password(password: str, *, temporary_until: datetime | None = None) -> str:
    """The stored form of ``password``; a temporary one carries its expiry in front of the hash."""
    hashed = _hasher.hash(password)
    if temporary_until is None:
        return hashed
    return f"{_TEMPORARY}{int(temporary_until.timestamp())}:{hashed}"


def _split(stored: str) -> tuple[str, datetime | None]:
    """(argon2 hash, expiry of a temporary password or None) of a stored password."""
    if not stored.startswith(_TEMPORARY):
        return stored, None
    expiry, _, hashed = stored[len(_TEMPORARY):].partition(":")
    try:
        return hashed, datetime.fromtimestamp(int(expiry), tz=UTC)
    except ValueError:
        return hashed, datetime.fromtimestamp(0, tz=UTC)  # a damaged marker is an expired one


def is_temporary(stored: str) -> bool:
    return _split(stored)[1] is not None


def _safe_verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(_split(stored)[0], password)
    except (VerificationError, InvalidHashError):
        return False


def pause_after(failures: int, *, max_failed: int, cap: timedelta) -> timedelta:
    """How long sign-in pauses after ``failures`` wrong attempts in a row: none before ``max_failed``.

    Doubling slows a guesser fast (about a dozen extra guesses reach the cap);
    the cap bounds how long anyone, the owner included, has to wait.
    """
    if failures < max_failed:
        return timedelta(0)
    doublings = min(failures - max_failed, 32)  # 2**32 x 30 s is far past any cap; avoids a huge int
    return min(FIRST_PAUSE * 2**doublings, cap)


@dataclass
class SessionThrottle:
    """One browser session's failed sign-ins over every username it tried.

    The page keeps one in its session state and passes it to :func:`authenticate`.
    It slows a careless guesser that sprays many usernames from one tab; a
    determined one opens new sessions, which is why the per-username pause exists.
    """

    failures: int = 0
    paused_until: datetime | None = None

    def paused(self, now: datetime) -> bool:
        return self.paused_until is not None and self.paused_until > now

    def failed(self, now: datetime, *, max_failed: int, cap: timedelta) -> None:
        self.failures += 1
        pause = pause_after(self.failures, max_failed=max_failed, cap=cap)
        self.paused_until = now + pause if pause else None

    def succeeded(self) -> None:
        self.failures, self.paused_until = 0, None


def authenticate(
    *,
    session: Session,
    username: str,
    password: str,
    max_failed: int = 5,
    lockout: timedelta = timedelta(minutes=15),
    now: datetime | None = None,
    client: SessionThrottle | None = None,
) -> LoginResult:
    """Check a password under per-username and per-session throttling (see the module docstring).

    Every path runs exactly one argon2 verification and ends in the same
    message, so an unknown name, a wrong password and a pause look alike.
    ``lockout`` is the longest pause; ``client`` is the calling session's
    throttle, updated in place. The caller must commit the session: failed
    attempts and pauses are recorded too.
    """
    now = now or utcnow()
    wrong = LoginResult(None, WRONG_SIGN_IN)
    name = normalise_username(username)
    user = session.scalar(select(User).where(User.username == name).with_for_update())
    locked_until = _aware(user.locked_until) if user is not None else None
    user_paused = locked_until is not None and locked_until > now
    if user_paused or (client is not None and client.paused(now)):
        _safe_verify(user.password_hash if user else _DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])  # result unused
        record(session=session, actor=user.username if user else UNKNOWN_USER, action="sign_in_failed",
               subject="refused during a sign-in pause")
        return wrong
    if user is None or len(password) > MAX_PASSWORD_LENGTH or not _safe_verify(user.password_hash, password):
        if user is None or len(password) > MAX_PASSWORD_LENGTH:
            _safe_verify(_DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])
        if client is not None:
            client.failed(now, max_failed=max_failed, cap=lockout)
        if user is None:
            record(session=session, actor=UNKNOWN_USER, action="sign_in_failed")
        else:
            _count_failure(session, user, now, max_failed=max_failed, cap=lockout)
        return wrong
    if not user.is_active:
        record(session=session, actor=user.username, action="sign_in_failed", subject="account disabled")
        return LoginResult(None, "This account is disabled. Ask an administrator.")
    return _right_password(session, user, password, now, client)


def _right_password(session: Session, user: User, password: str, now: datetime,
                    client: SessionThrottle | None) -> LoginResult:
    """The password matched an active account: sign in, or ask for a new password if it was temporary."""
    if client is not None:
        client.succeeded()
    user.failed_logins = 0
    user.locked_until = None
    expiry = _split(user.password_hash)[1]
    if expiry is not None:
        session.flush()
        if expiry <= now:
            record(session=session, actor=user.username, action="sign_in_failed", subject="temporary password expired")
            return LoginResult(None, TEMPORARY_EXPIRED)
        record(session=session, actor=user.username, action="temporary_password_used")
        return LoginResult(_view(user), CHOOSE_NEW_PASSWORD, must_change_password=True)
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.flush()
    record(session=session, actor=user.username, action="sign_in")
    return LoginResult(_view(user), "Welcome.")


def _count_failure(session: Session, user: User, now: datetime, *, max_failed: int, cap: timedelta,
                   what: str = "") -> None:
    """One more wrong password in a row; from ``max_failed`` on, sign-in for the name pauses.

    ``what`` says where the wrong password was typed when it was not the sign-in form (the audit subject).
    """
    failures = (user.failed_logins or 0) + 1
    pause = pause_after(failures, max_failed=max_failed, cap=cap)
    session.execute(update(User).where(User.id == user.id)
                    .values(failed_logins=failures, locked_until=now + pause if pause else None))
    if pause:
        seconds = int(pause.total_seconds())
        record(session=session, actor=user.username, action="account_locked",
               subject=f"sign-in paused for {seconds} s after {failures} wrong passwords in a row"
                       + (f" (the last: {what})" if what else ""))
    else:
        record(session=session, actor=user.username, action="sign_in_failed", subject=what)


def choose_new_password(*, session: Session, username: str, temporary: str, new_password: str,
                        now: datetime | None = None) -> AccountView:
    """Replace a temporary password with the owner's own one and sign them in (audited).

    The temporary password is checked again here, so only someone who holds it, before it expires,
    can set the new one.

    Raises:
        AccountError: the temporary password is wrong, used or expired, or the new one is not allowed.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == normalise_username(username)).with_for_update())
    expiry = _split(user.password_hash)[1] if user is not None else None
    if user is None or not user.is_active or expiry is None or not _safe_verify(user.password_hash, temporary):
        raise AccountError("This temporary password is no longer valid: sign in again.")
    if expiry <= now:
        raise AccountError(TEMPORARY_EXPIRED)
    validate_password(new_password)
    if new_password == temporary:
        raise AccountError("Choose a password of your own, not the temporary one.")
    user.password_hash = hash_password(new_password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    _revoke_all(session, user.id, now)
    session.flush()
    record(session=session, actor=user.username, action="password_changed", subject=f"{user.username} (own choice)")
    record(session=session, actor=user.username, action="sign_in")
    return _view(user)
