"""Staff accounts: creation, listing, disabling, password sign-in with throttling, resets and sessions.

The package is split by concern; every public name is re-exported here, so callers import from
``research.accounts`` whatever module holds it:

- :mod:`.common`: the view of an account, validation, :class:`AccountError`;
- :mod:`.users`: managing accounts (create, disable, set or reset a password, unlock);
- :mod:`.passwords`: hashing, sign-in throttling, temporary passwords (see its docstring);
- :mod:`.own_password`: a signed-in person changing their own password;
- :mod:`.sessions`: server-side sessions that survive a reload.
"""

from research.accounts.common import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    SSO_MARKER,
    USERNAME_PATTERN,
    AccountError,
    AccountView,
    NothingToChange,
    normalise_username,
    validate_password,
    validate_role,
    validate_username,
)
from research.accounts.own_password import PasswordChange, change_own_password, uses_single_sign_on
from research.accounts.passwords import (
    CHOOSE_NEW_PASSWORD,
    FIRST_PAUSE,
    TEMPORARY_EXPIRED,
    WRONG_SIGN_IN,
    LoginResult,
    SessionThrottle,
    authenticate,
    choose_new_password,
    hash_password,
    is_temporary,
    pause_after,
)
from research.accounts.sessions import (
    GRANT_LIFETIME,
    SESSION_IDLE,
    SESSION_LIFETIME,
    TOUCH_EVERY,
    LiveSession,
    StartedSession,
    cookie_account,
    cookie_session_id,
    end_session,
    exchange_grant,
    resume_session,
    session_account,
    start_session,
)
from research.accounts.users import (
    TEMPORARY_PASSWORD_LIFETIME,
    TemporaryPassword,
    create_user,
    get_user,
    list_users,
    new_temporary_password,
    reset_password,
    set_active,
    set_password,
    unlock_account,
    unlock_user,
)
from research.store.models import ROLES

__all__ = [
    "SSO_MARKER",
    "ROLES", "USERNAME_PATTERN", "MIN_PASSWORD_LENGTH", "MAX_PASSWORD_LENGTH", "AccountError", "AccountView",
    "NothingToChange",
    "normalise_username", "validate_username", "validate_role", "validate_password",
    "FIRST_PAUSE", "WRONG_SIGN_IN", "CHOOSE_NEW_PASSWORD", "TEMPORARY_EXPIRED", "LoginResult", "SessionThrottle",
    "authenticate", "choose_new_password", "hash_password", "is_temporary", "pause_after",
    "PasswordChange", "change_own_password", "uses_single_sign_on",
    "SESSION_IDLE", "SESSION_LIFETIME", "TOUCH_EVERY", "start_session", "session_account", "resume_session",
    "cookie_account", "cookie_session_id",
    "end_session", "exchange_grant", "GRANT_LIFETIME", "StartedSession", "LiveSession",
    "TEMPORARY_PASSWORD_LIFETIME", "TemporaryPassword", "create_user", "list_users", "get_user", "set_active",
    "set_password", "unlock_user", "unlock_account", "reset_password", "new_temporary_password",
]
