"""Staff accounts: creation, listing, disabling, and password sign-in with throttling.

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
(:class:`SessionThrottle`). An administrator can end a pause at any time with
``frontline users unlock NAME`` (or ``passwd``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from research.audit import UNKNOWN_USER, record
from research.errors import FrontlineError
from research.store.models import ROLES, User, utcnow
from research.store.staff_sessions import StaffSession

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
    user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    _revoke_all(session, user.id)  # whoever knew the old password is signed out everywhere
    session.flush()
    record(session=session, actor=actor, action="password_changed", subject=user.username)
    return _view(user)


FIRST_PAUSE = timedelta(seconds=30)
"""The first pause once the free wrong passwords are used up; each further failure doubles it."""
WRONG_SIGN_IN = "Wrong username or password."
"""The only message a failed sign-in gets, whatever failed (unknown name, wrong password, paused)."""


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
    user_paused = user is not None and _aware(user.locked_until) is not None and _aware(user.locked_until) > now
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
    if client is not None:
        client.succeeded()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.flush()
    record(session=session, actor=user.username, action="sign_in")
    return LoginResult(_view(user), "Welcome.")


def _count_failure(session: Session, user: User, now: datetime, *, max_failed: int, cap: timedelta) -> None:
    """One more wrong password in a row; from ``max_failed`` on, sign-in for the name pauses."""
    failures = (user.failed_logins or 0) + 1
    pause = pause_after(failures, max_failed=max_failed, cap=cap)
    session.execute(update(User).where(User.id == user.id)
                    .values(failed_logins=failures, locked_until=now + pause if pause else None))
    if pause:
        seconds = int(pause.total_seconds())
        record(session=session, actor=user.username, action="account_locked",
               subject=f"sign-in paused for {seconds} s after {failures} wrong passwords in a row")
    else:
        record(session=session, actor=user.username, action="sign_in_failed")


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


def _safe_verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


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
    The sign-in itself is audited by :func:`authenticate`.
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
