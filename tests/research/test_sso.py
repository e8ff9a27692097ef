"""Single sign-on claims to accounts and roles, and the [auth] file `frontline serve` writes for Streamlit."""

import tomllib
from datetime import timedelta

import pytest
from sqlalchemy import select

from research import sso
from research.accounts import AccountError, SessionThrottle, authenticate, create_user, reset_password, set_active
from research.audit import audit_events
from research.settings import Settings
from research.store.engine import session_scope
from research.store.models import User, utcnow

ROLES = (("fl-research", "researcher"), ("fl-exec", "executive"), ("fl-admin", "admin"))


def settings(tmp_path, **extra) -> Settings:
    return Settings(data_dir=tmp_path, oidc_metadata_url="http://idp.test/.well-known/openid-configuration",
                    oidc_client_id="frontline", oidc_client_secret="s3cret \"quoted\"", oidc_roles=ROLES,
                    **extra)


def claims(sub="u-1", groups=("fl-exec",), **extra):
    return {"iss": "http://idp.test", "sub": sub, "groups": list(groups), "iat": int(utcnow().timestamp()),
            **extra}


def test_the_first_configured_match_gives_the_role():
    assert sso.role_for({"groups": ["x", "fl-exec", "fl-admin"]}, claim="groups", roles=ROLES) == "executive"
    assert sso.role_for({"role": "fl-admin"}, claim="role", roles=ROLES) == "admin"
    assert sso.role_for({"groups": ["staff"]}, claim="groups", roles=ROLES) is None
    assert sso.role_for({}, claim="groups", roles=ROLES) is None


def test_a_new_identity_gets_a_passwordless_account_and_audit_rows(engine, tmp_path):
    with session_scope(engine) as session:
        result = sso.sign_in_with_claims(session=session, claims=claims(preferred_username="Erin Exec"),
                                         settings=settings(tmp_path))
        assert result.ok and result.user.username == "erin-exec" and result.user.role == "executive"
    with session_scope(engine) as session:
        user = session.scalar(select(User).where(User.username == "erin-exec"))
        assert user.password_hash.startswith(sso.SSO_MARKER)
        events = audit_events(session=session)
        outcome = authenticate(session=session, username="erin-exec", password=user.password_hash,
                               client=SessionThrottle(), max_failed=5, lockout=timedelta(minutes=15))
        assert not outcome.ok  # no password, not even the stored marker, signs it in
    actions = list(zip(events["Action"], events["Who"], strict=True))
    assert ("user_created", "erin-exec") in actions and ("sign_in", "erin-exec") in actions


def test_the_provider_decides_the_role_at_every_sign_in(engine, tmp_path):
    config = settings(tmp_path)
    with session_scope(engine) as session:
        sso.sign_in_with_claims(session=session, claims=claims(email="erin@example.org"), settings=config)
    with session_scope(engine) as session:
        again = sso.sign_in_with_claims(session=session, claims=claims(groups=["fl-research"]), settings=config)
        assert again.user.username == "erin-example.org" and again.user.role == "researcher"
        assert session.scalar(select(User.id).where(User.username == "u-1")) is None  # found by identity


def test_refusals_touch_no_account(engine, tmp_path):
    config = settings(tmp_path)
    with session_scope(engine) as session:
        create_user(session=session, username="alice", role="researcher", password="correct horse battery",
                    actor="admin")
        assert sso.sign_in_with_claims(session=session, claims=claims(groups=["staff"]), settings=config).message \
            == sso.UNMAPPED
        taken = sso.sign_in_with_claims(session=session, claims=claims(preferred_username="alice"), settings=config)
        assert not taken.ok and "already has an account named alice" in taken.message
        assert session.scalar(select(User.role).where(User.username == "alice")) == "researcher"
        sso.sign_in_with_claims(session=session, claims=claims(sub="u-2", preferred_username="bob"), settings=config)
        set_active(session=session, username="bob", active=False, actor="admin")
        assert "disabled" in sso.sign_in_with_claims(session=session, claims=claims(sub="u-2"),
                                                     settings=config).message


def test_only_a_recent_id_token_signs_in():
    now = utcnow()
    assert sso.is_fresh({"iat": now.timestamp() - 60}, now=now)
    assert not sso.is_fresh({"iat": (now - timedelta(hours=1)).timestamp()}, now=now)
    assert not sso.is_fresh({}, now=now)


def test_the_auth_file_is_private_valid_toml_and_removed_when_sign_on_is_off(tmp_path):
    path = sso.write_streamlit_secrets(settings(tmp_path, public_url="https://fl.example.org"))
    assert path is not None and path.stat().st_mode & 0o077 == 0 and path.parent.stat().st_mode & 0o077 == 0
    auth = tomllib.loads(path.read_text())["auth"]
    assert auth["redirect_uri"] == "https://fl.example.org/oauth2callback"
    assert auth["client_secret"] == 's3cret "quoted"' and len(auth["cookie_secret"]) >= 32
    assert auth["server_metadata_url"] == "http://idp.test/.well-known/openid-configuration"
    assert auth["client_kwargs"]["scope"] == "openid email profile"
    again = tomllib.loads(sso.write_streamlit_secrets(settings(tmp_path)).read_text())["auth"]
    assert again["cookie_secret"] == auth["cookie_secret"]  # made once, kept across restarts
    assert (tmp_path / "oidc-cookie.secret").stat().st_mode & 0o077 == 0
    assert not list(path.parent.glob(".frontline-*")) and not list(tmp_path.glob(".frontline-*"))  # no leftovers
    assert sso.write_streamlit_secrets(Settings(data_dir=tmp_path)) is None and not path.exists()


def test_an_admin_cannot_give_a_single_sign_on_account_a_frontline_password(engine, tmp_path):
    with session_scope(engine) as session:
        create_user(session=session, username="root-admin", password="a long admin password", role="admin",
                    actor="setup")
        sso.sign_in_with_claims(session=session, claims=claims(preferred_username="erin"), settings=settings(tmp_path))
    with session_scope(engine) as session, pytest.raises(AccountError, match="single sign-on"):
        reset_password(session=session, username="erin", actor="root-admin")
    with session_scope(engine) as session:  # still only the provider opens it
        assert session.scalar(select(User.password_hash).where(User.username == "erin")).startswith(sso.SSO_MARKER)
