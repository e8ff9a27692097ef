from datetime import timedelta

import pytest
from sqlalchemy import select

from research.accounts import (
    AccountError,
    SessionThrottle,
    authenticate,
    create_user,
    get_user,
    list_users,
    passwords,
    pause_after,
    set_active,
    set_password,
    unlock_user,
)
from research.store.engine import session_scope
from research.store.models import User, utcnow

PASSWORD = "correct horse battery"


@pytest.fixture
def alice(engine):
    with session_scope(engine) as session:
        create_user(session=session, username="Alice", role="researcher", password=PASSWORD, actor="admin")
    return "alice"


def login(engine, password, username="alice", now=None, client=None):
    with session_scope(engine) as session:
        return authenticate(session=session, username=username, password=password, now=now, client=client)


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


def hammer(engine, username, times, now, client=None):
    """A stranger guessing at one username; returns every message it was shown."""
    messages = set()
    for attempt in range(times):
        with session_scope(engine) as session:
            messages.add(authenticate(session=session, username=username, password=f"guess number {attempt}",
                                      now=now, client=client).message)
    return messages


def test_unknown_wrong_and_paused_all_get_one_message_and_one_argon2_check(engine, alice, monkeypatch):
    start = utcnow()
    calls = []

    class CountingHasher:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hashed, password):
            calls.append(hashed)
            return real.verify(hashed, password)

    real = passwords._hasher
    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    shown = hammer(engine, "alice", 8, start) | hammer(engine, "nobody-here", 8, start)
    assert shown == {"Wrong username or password."}
    assert len(calls) == 16  # one verification per attempt, paused or not, known or not
    paused = login(engine, PASSWORD, now=start + timedelta(seconds=1))  # the right password during the pause
    assert not paused.ok and paused.message == "Wrong username or password."
    assert len(calls) == 17


def test_wrong_passwords_pause_sign_in_with_growing_delays_up_to_the_cap(engine, alice):
    start, now = utcnow(), utcnow()
    pauses = []
    for attempt in range(10):
        login(engine, f"wrong-{attempt}-xxxx", now=now)
        with session_scope(engine) as session:
            until = get_user(session=session, username="alice").locked_until
        pauses.append(round((until - now).total_seconds()) if until else 0)
        now = until or now  # the next guess comes as soon as it is allowed
    assert pauses == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900]  # five free, then doubling, capped at 15 minutes
    assert now - start > timedelta(minutes=30)  # ten guesses cost a guesser over half an hour


def test_a_stranger_hammering_the_admin_cannot_keep_the_admin_out_past_the_cap(engine):
    with session_scope(engine) as session:
        create_user(session=session, username="root-admin", role="admin", password=PASSWORD, actor="setup")
    start = utcnow()
    # Many guesses in the same second: all after the fifth are refused unread and do not lengthen the pause.
    assert hammer(engine, "root-admin", 15, start) == {"Wrong username or password."}
    assert not login(engine, PASSWORD, username="root-admin", now=start + timedelta(seconds=29)).ok
    assert login(engine, PASSWORD, username="root-admin", now=start + timedelta(seconds=31)).ok
    # The worst a stranger can do is keep it at the cap; the admin still gets in once the cap has passed.
    for _ in range(5):
        hammer(engine, "root-admin", 1, start)
        start += timedelta(minutes=15, seconds=1)
    assert login(engine, PASSWORD, username="root-admin", now=start + timedelta(minutes=15, seconds=1)).ok


def test_unlock_ends_a_pause_at_once_and_keeps_the_password(engine, alice):
    now = utcnow()
    hammer(engine, "alice", 8, now)
    assert not login(engine, PASSWORD, now=now).ok
    with session_scope(engine) as session:
        unlock_user(session=session, username="alice", actor="cli:root")
    assert login(engine, PASSWORD, now=now).ok
    with pytest.raises(AccountError, match="no user named 'nobody'"):
        with session_scope(engine) as session:
            unlock_user(session=session, username="nobody", actor="cli:root")


def test_one_browser_session_spraying_names_is_paused_whatever_name_it_tries(engine, alice):
    now, tab = utcnow(), SessionThrottle()
    for name in ("ann", "ben", "cat", "dan", "eve"):
        login(engine, "some guess", username=name, now=now, client=tab)
    assert tab.paused(now)
    # Even the right password is refused in this tab until its pause ends; another tab is unaffected.
    assert not login(engine, PASSWORD, now=now + timedelta(seconds=10), client=tab).ok
    assert login(engine, PASSWORD, now=now + timedelta(seconds=10), client=SessionThrottle()).ok
    assert login(engine, PASSWORD, now=now + timedelta(seconds=31), client=tab).ok
    assert not tab.paused(now) and tab.failures == 0


def test_pause_lengths_double_from_thirty_seconds_and_stop_at_the_cap():
    cap = timedelta(minutes=3)
    assert [pause_after(n, max_failed=3, cap=cap).total_seconds() for n in range(1, 9)] == [
        0, 0, 30, 60, 120, 180, 180, 180]
    assert pause_after(10**6, max_failed=3, cap=cap) == cap


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


def test_set_password_ends_a_pause(engine, alice):
    for _ in range(5):
        login(engine, "wrong password!")
    assert not login(engine, "a brand new secret").ok
    with session_scope(engine) as session:
        set_password(session=session, username=alice, password="a brand new secret", actor="admin")
    assert login(engine, "a brand new secret").ok


@pytest.mark.parametrize(
    "username, role, password, message",
    [
        ("bob", "boss", PASSWORD, "unknown role 'boss'"),
        ("b", "admin", PASSWORD, "username 'b' is not allowed"),
        ("bob smith", "admin", PASSWORD, "is not allowed"),
        ("bob", "admin", "short", "password is too short"),
        ("bob", "admin", " padded password ", "must not start or end with a space"),
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
