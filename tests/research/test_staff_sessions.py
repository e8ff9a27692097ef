"""Server-side staff sessions: what makes a reload sign back in, and what ends a session for good."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from research.accounts import (
    SESSION_IDLE,
    SESSION_LIFETIME,
    create_user,
    end_session,
    resume_session,
    session_account,
    set_active,
    set_password,
    start_session,
)
from research.store.engine import session_scope
from research.store.models import AuditEvent, utcnow
from research.store.staff_sessions import StaffSession

PASSWORD = "correct horse battery"


@pytest.fixture
def rita(engine):
    with session_scope(engine) as session:
        create_user(session=session, username="rita", role="researcher", password=PASSWORD, actor="admin")
        create_user(session=session, username="root", role="admin", password=PASSWORD, actor="admin")
    return "rita"


def start(engine, username="rita", **kwargs) -> str:
    with session_scope(engine) as session:
        return start_session(session=session, username=username, **kwargs)


def resume(engine, token, now=None):
    with session_scope(engine) as session:
        return resume_session(session=session, token=token, now=now)


def test_a_token_resumes_its_account_and_only_its_hash_is_stored(engine, rita):
    token = start(engine)
    assert len(token) >= 40
    account = resume(engine, token)
    assert (account.username, account.role) == ("rita", "researcher")
    with session_scope(engine) as session:
        stored = session.scalars(select(StaffSession.token_hash)).all()
        audited = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "rita")).all()
    assert token not in stored and len(stored) == 1
    assert audited == ["session_resumed"]
    assert resume(engine, token + "x") is None and resume(engine, "") is None


def test_idle_and_absolute_expiry_end_a_session(engine, rita):
    now = utcnow()
    token = start(engine, now=now)
    assert resume(engine, token, now=now + SESSION_IDLE - timedelta(minutes=1)) is not None  # and marks it seen
    assert resume(engine, token, now=now + 2 * SESSION_IDLE - timedelta(minutes=2)) is not None
    assert resume(engine, token, now=now + 4 * SESSION_IDLE) is None  # idle too long

    busy = start(engine, now=now)
    moment = now
    while moment + SESSION_IDLE / 2 < now + SESSION_LIFETIME:
        moment += SESSION_IDLE / 2
        assert resume(engine, busy, now=moment) is not None
    assert resume(engine, busy, now=now + SESSION_LIFETIME) is None  # however busy


def test_sign_out_sign_in_password_change_and_disable_revoke(engine, rita):
    first = start(engine)
    with session_scope(engine) as session:
        end_session(session=session, token=first)
    assert resume(engine, first) is None

    old = start(engine)
    new = start(engine, replaces=old)  # a new sign-in in the same browser rotates the token
    assert resume(engine, old) is None and resume(engine, new) is not None

    with session_scope(engine) as session:
        set_password(session=session, username="rita", password="another long password", actor="root")
    assert resume(engine, new) is None

    live = start(engine)
    with session_scope(engine) as session:
        set_active(session=session, username="rita", active=False, actor="root")
    with session_scope(engine) as session:
        set_active(session=session, username="rita", active=True, actor="root")
        assert session_account(session=session, token=live) is None  # re-enabling does not revive it
    with session_scope(engine) as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "rita")).all()
    assert actions.count("sign_out") == 1
