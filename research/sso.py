"""Single sign-on with OpenID Connect: which Frontline account and role an identity provider's user gets.

Streamlit does the protocol (``st.login``, with Authlib); this module decides
what the returned ID-token claims mean, and writes the ``[auth]`` section
Streamlit reads. It has no Streamlit import.

- **Role**: the values of one claim (``FRONTLINE_OIDC_ROLE_CLAIM``, a string
  or a list such as ``groups``) are looked up in ``FRONTLINE_OIDC_ROLES``, in
  the order configured; the first match wins. No match, no access.
- **Account**: the first sign-in creates an account marked as single sign-on:
  its ``password_hash`` holds ``sso:`` and a digest of the issuer and subject,
  which is no argon2 hash, so no password ever signs it in. Later sign-ins
  find it by that marker and take the role from the claim again (the provider
  is the source of truth). An existing account of the same name that is not
  this identity's (a local account, or another subject) is never taken over.
  A disabled account stays disabled. Audit rows name the account.
- **Freshness**: Streamlit keeps the identity cookie for 30 days, but
  Frontline's own session decides how long staff stay signed in (idle and
  absolute expiry). So only an ID token issued in the last few minutes signs
  anyone in; an older one means "sign in with the provider again".
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.accounts import SSO_MARKER, AccountView, get_user
from research.audit import record
from research.settings import Settings
from research.store.models import User, utcnow

FRESH_FOR = timedelta(minutes=10)
"""How old an ID token may be and still sign someone in (the round trip to the provider, plus clock skew)."""
UNMAPPED = ("Your organisation's sign-in worked, but your account there has no Frontline role. "
            "Ask your administrator to add you to a Frontline group.")
SECRETS_FILE = Path("streamlit") / "secrets.toml"
"""Where ``frontline serve`` writes Streamlit's ``[auth]`` section, inside the data dir (0600)."""


@dataclass(frozen=True)
class SsoResult:
    """A single sign-on attempt: the account on success, else a message safe to show."""

    user: AccountView | None
    message: str

    @property
    def ok(self) -> bool:
        return self.user is not None


def role_for(claims: Mapping[str, Any], *, claim: str, roles: tuple[tuple[str, str], ...]) -> str | None:
    """The Frontline role the ``claim``'s values map to (first configured match), or None."""
    raw = claims.get(claim)
    values = {raw} if isinstance(raw, str) else {v for v in raw if isinstance(v, str)} \
        if isinstance(raw, list | tuple) else set()
    return next((role for value, role in roles if value in values), None)


def username_for(claims: Mapping[str, Any]) -> str:
    """A Frontline username from ``preferred_username``, else ``email``, else ``sub``, made to fit the pattern."""
    for key in ("preferred_username", "email", "sub"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            name = re.sub(r"[^a-z0-9._-]+", "-", value.strip().lower()).strip("-._")[:64]
            if len(name) >= 3:
                return name
    digest = hashlib.sha256(str(claims.get("sub", "")).encode()).hexdigest()[:12]
    return f"sso-{digest}"


def identity_marker(claims: Mapping[str, Any]) -> str:
    """What an SSO account stores instead of a password hash: a digest of the issuer and the subject."""
    identity = f"{claims.get('iss', '')}\n{claims.get('sub', '')}"
    return SSO_MARKER + hashlib.sha256(identity.encode()).hexdigest()


def is_fresh(claims: Mapping[str, Any], *, now: datetime | None = None) -> bool:
    """Whether the ID token was issued recently enough to sign someone in (see the module docstring)."""
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, int | float):
        return False
    age = (now or utcnow()).timestamp() - issued
    return -FRESH_FOR.total_seconds() < age < FRESH_FOR.total_seconds()


def sign_in_with_claims(*, session: Session, claims: Mapping[str, Any], settings: Settings,
                        now: datetime | None = None) -> SsoResult:
    """Find or create the account for a provider's user and give it the mapped role (audited).

    Returns a refusal (no account touched) when no claim value maps to a role,
    when the name belongs to an account that is not this identity's, or when
    the account is disabled.
    """
    if not claims.get("sub"):
        return SsoResult(None, "The sign-in did not say who you are. Try again.")
    role = role_for(claims, claim=settings.oidc_role_claim, roles=settings.oidc_roles)
    if role is None:
        return SsoResult(None, UNMAPPED)
    marker = identity_marker(claims)
    user = session.scalar(select(User).where(User.password_hash == marker))
    if user is None:
        name = username_for(claims)
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            return SsoResult(None, f"Frontline already has an account named {name} that is not linked to this "
                                   "sign-in. Ask your administrator.")
        user = User(username=name, role=role, password_hash=marker)
        session.add(user)
        session.flush()
        record(session=session, actor=name, action="user_created", subject=f"{name} ({role}, single sign-on)")
    if not user.is_active:
        return SsoResult(None, "This Frontline account is disabled. Ask your administrator.")
    user.role = role
    user.last_login_at = now or utcnow()
    session.flush()
    record(session=session, actor=user.username, action="sign_in", subject=f"single sign-on as {role}")
    view = get_user(session=session, username=user.username)
    return SsoResult(view, "Welcome.")


def _private_file(folder: Path, text: str) -> Path:
    """A new file in ``folder`` readable by its owner only (0600 from creation), holding ``text``."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".frontline-", suffix=".tmp")  # mkstemp makes it 0600
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    return Path(name)


def cookie_secret(settings: Settings) -> str:
    """The identity cookie's signing secret: the setting, else one made once in the data dir (0600)."""
    if settings.oidc_cookie_secret:
        return settings.oidc_cookie_secret
    path = settings.oidc_cookie_secret_path
    if not path.exists():
        # Written whole to a private temporary file, then linked into place only if absent: replicas starting
        # together on one data dir agree on the first secret, and none reads a half-written one.
        temporary = _private_file(path.parent, secrets.token_urlsafe(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


def auth_section(settings: Settings) -> str:
    """Streamlit's ``[auth]`` section for the configured provider, as TOML text."""
    def q(value: str) -> str:  # a TOML basic string: JSON's escapes are valid TOML
        return json.dumps(value)
    return "\n".join([
        "# Written by `frontline serve` from the FRONTLINE_OIDC_* settings; edits are overwritten.",
        "[auth]",
        f"redirect_uri = {q(settings.resolved_oidc_redirect_uri)}",
        f"cookie_secret = {q(cookie_secret(settings))}",
        f"client_id = {q(settings.oidc_client_id)}",
        f"client_secret = {q(settings.oidc_client_secret)}",
        f"server_metadata_url = {q(settings.oidc_metadata_url)}",
        "[auth.client_kwargs]",
        f"scope = {q(settings.oidc_scope)}",
        "",
    ])


def write_streamlit_secrets(settings: Settings) -> Path | None:
    """Write the ``[auth]`` section to a private file in the data dir; without single sign-on, remove it.

    Returns the file's path for ``streamlit run --secrets.files``, or None when single sign-on is off.
    """
    path = settings.data_dir / SECRETS_FILE
    if not settings.single_sign_on:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    os.replace(_private_file(path.parent, auth_section(settings)), path)  # readers see the old file or the new
    return path
