"""Server-side staff sessions: what makes a reload sign back in, and what ends a session for good."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from research.accounts import (
    GRANT_LIFETIME,
    SESSION_IDLE,
    SESSION_LIFETIME,
    create_user,
    end_session,
    exchange_grant,
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


def start(engine, username="rita", now=None, **kwargs) -> str:
    """A signed-in browser's cookie token: a new session whose grant the page swapped at once."""
    with session_scope(engine) as session:
        grant = start_session(session=session, username=username, now=now, **kwargs).grant
        return exchange_grant(session=session, grant=grant, now=now)


def resume(engine, token, now=None):
    with session_scope(engine) as session:
        return resume_session(session=session, token=token, now=now)


def test_a_token_resumes_its_account_and_only_its_hash_is_stored(engine, rita):
    token = start(engine)
    assert len(token) >= 40
    account = resume(engine, token).account
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
        assert resume_session(session=session, token=live) is None  # re-enabling does not revive it
    with session_scope(engine) as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "rita")).all()
    assert actions.count("sign_out") == 1


def test_a_grant_is_swapped_once_for_the_cookie_token_and_the_page_keeps_the_session_by_id(engine, rita):
    with session_scope(engine) as session:
        started = start_session(session=session, username="rita")
    assert resume(engine, started.grant) is None  # a grant is no cookie: planted as one, it signs nobody in
    with session_scope(engine) as session:
        cookie = exchange_grant(session=session, grant=started.grant)
    assert cookie and cookie != started.grant
    with session_scope(engine) as session:
        assert exchange_grant(session=session, grant=started.grant) is None  # once only
        assert exchange_grant(session=session, grant=cookie) is None  # a stolen cookie is not re-minted
    assert resume(engine, started.grant) is None
    resumed = resume(engine, cookie)
    assert resumed.id == started.id and resumed.account.username == "rita"
    with session_scope(engine) as session:
        assert session_account(session=session, session_id=started.id).username == "rita"
        end_session(session=session, session_id=started.id)  # the page signs out by id
    assert resume(engine, cookie) is None
    with session_scope(engine) as session:
        assert session_account(session=session, session_id=started.id) is None


def test_a_grant_not_swapped_soon_after_sign_in_is_worthless(engine, rita):
    now = utcnow()
    with session_scope(engine) as session:
        late = start_session(session=session, username="rita", now=now).grant
        assert exchange_grant(session=session, grant=late, now=now + GRANT_LIFETIME) is None
        prompt = start_session(session=session, username="rita", now=now).grant
        assert exchange_grant(session=session, grant=prompt, now=now + GRANT_LIFETIME / 2) is not None


def test_a_new_sign_in_revokes_the_browsers_session_named_by_cookie_and_by_id(engine, rita):
    by_cookie = start(engine)
    with session_scope(engine) as session:
        by_id = start_session(session=session, username="rita").id
        start_session(session=session, username="rita", replaces=by_cookie, replaces_id=by_id)
        assert session_account(session=session, session_id=by_id) is None
    assert resume(engine, by_cookie) is None
