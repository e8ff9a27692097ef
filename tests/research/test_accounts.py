from datetime import timedelta

import pytest
from sqlalchemy import select

from research.accounts import (
    AccountError,
    authenticate,
    create_user,
    get_user,
    list_users,
    set_active,
    set_password,
)
from research.store.engine import session_scope
from research.store.models import User, utcnow

PASSWORD = "correct horse battery"


@pytest.fixture
def alice(engine):
    with session_scope(engine) as session:
        create_user(session=session, username="Alice", role="researcher", password=PASSWORD, actor="admin")
    return "alice"


def login(engine, password, username="alice", now=None):
    with session_scope(engine) as session:
        return authenticate(session=session, username=username, password=password, now=now)


def test_password_is_stored_as_argon2_hash(engine, alice):
    with session_scope(engine) as session:
        stored = session.scalar(select(User.password_hash).where(User.username == alice))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_right_password_logs_in_and_records_the_time(engine, alice):
    result = login(engine, PASSWORD, username="  ALICE ")
    assert result.ok and result.user.role == "researcher"
    with session_scope(engine) as session:
        assert get_user(session=session, username="alice").last_login_at is not None


def test_unknown_user_and_wrong_password_get_the_same_message(engine, alice):
    assert login(engine, "wrong password!").message == login(engine, PASSWORD, username="nobody").message


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(engine, alice):
    start = utcnow()
    for attempt in range(4):
        assert login(engine, f"wrong-{attempt}-xxxx", now=start).message == "Wrong username or password."
    fifth = login(engine, "wrong-5-xxxxx", now=start)
    assert "locked until" in fifth.message
    assert not login(engine, PASSWORD, now=start + timedelta(minutes=14)).ok
    assert "locked until" in login(engine, PASSWORD, now=start + timedelta(minutes=14)).message
    assert login(engine, PASSWORD, now=start + timedelta(minutes=15, seconds=1)).ok


def test_a_success_resets_the_failure_count(engine, alice):
    for _ in range(4):
        login(engine, "wrong password!")
    assert login(engine, PASSWORD).ok
    for _ in range(4):
        login(engine, "wrong password!")
    assert login(engine, PASSWORD).ok


def test_disabled_account_cannot_log_in_and_enable_restores_it(engine, alice):
    with session_scope(engine) as session:
        set_active(session=session, username=alice, active=False, actor="admin")
    result = login(engine, PASSWORD)
    assert not result.ok and "disabled" in result.message
    with session_scope(engine) as session:
        set_active(session=session, username=alice, active=True, actor="admin")
    assert login(engine, PASSWORD).ok


def test_set_password_clears_a_lock(engine, alice):
    for _ in range(5):
        login(engine, "wrong password!")
    with session_scope(engine) as session:
        set_password(session=session, username=alice, password="a brand new secret", actor="admin")
    assert login(engine, "a brand new secret").ok


@pytest.mark.parametrize(
    "username, role, password, message",
    [
        ("bob", "boss", PASSWORD, "unknown role 'boss'"),
        ("b", "admin", PASSWORD, "username 'b' is not allowed"),
        ("bob smith", "admin", PASSWORD, "is not allowed"),
        ("bob", "admin", "short", "password too short"),
        ("bob", "admin", " padded password ", "must not start or end with spaces"),
        ("alice", "admin", PASSWORD, "user 'alice' already exists"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_stored(engine, alice, username, role, password, message):
    with pytest.raises(AccountError, match=message):
        with session_scope(engine) as session:
            create_user(session=session, username=username, role=role, password=password, actor="admin")
    with session_scope(engine) as session:
        assert [u.username for u in list_users(session=session)] == ["alice"]


def test_the_last_active_admin_cannot_be_disabled(engine):
    with session_scope(engine) as session:
        create_user(session=session, username="root-admin", role="admin", password=PASSWORD, actor="admin")
    with pytest.raises(AccountError, match="last active admin"):
        with session_scope(engine) as session:
            set_active(session=session, username="root-admin", active=False, actor="admin")
