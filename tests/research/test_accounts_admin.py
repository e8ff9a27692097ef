"""An administrator's reset and unlock: checked, audited, and a temporary password that only leads to a new one."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from research.accounts import (
    CHOOSE_NEW_PASSWORD,
    TEMPORARY_EXPIRED,
    AccountError,
    authenticate,
    choose_new_password,
    create_user,
    new_temporary_password,
    reset_password,
    unlock_account,
)
from research.errors import AlreadySubmitted
from research.store.engine import session_scope
from research.store.models import AuditEvent, User, utcnow

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(engine):
    with session_scope(engine) as session:
        for name, role in (("ada", "admin"), ("rosa", "researcher"), ("eve", "executive")):
            create_user(session=session, username=name, role=role, password=PASSWORD, actor="setup")
    return engine


def stored(engine, name):
    with session_scope(engine) as session:
        user = session.scalar(select(User).where(User.username == name))
        return user.password_hash, user.failed_logins, user.locked_until


def actions(engine, action):
    with session_scope(engine) as session:
        return [(e.actor, e.subject) for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def reset(engine, username="rosa", actor="ada", now=None, submission=None, password=None):
    with session_scope(engine) as session:
        return reset_password(session=session, username=username, actor=actor, now=now, submission=submission,
                              password=password)


def login(engine, password, username="rosa", now=None):
    with session_scope(engine) as session:
        return authenticate(session=session, username=username, password=password, now=now)


def test_a_reset_gives_a_temporary_password_that_only_leads_to_choosing_a_new_one(staff):
    before = stored(staff, "rosa")[0]
    temporary = reset(staff).password
    assert stored(staff, "rosa")[0] != before and temporary not in stored(staff, "rosa")[0]
    assert actions(staff, "password_reset") == [("ada", "rosa (temporary password, must be changed at next sign-in)")]
    assert not login(staff, PASSWORD).ok  # the old password is gone
    result = login(staff, temporary)
    assert not result.ok and result.must_change_password and result.message == CHOOSE_NEW_PASSWORD
    with session_scope(staff) as session:
        with pytest.raises(AccountError, match="not the temporary one"):
            choose_new_password(session=session, username="rosa", temporary=temporary, new_password=temporary)
        account = choose_new_password(session=session, username="rosa", temporary=temporary,
                                      new_password="rosa's own choice")
    assert account.username == "rosa" and account.last_login_at is not None
    assert stored(staff, "rosa")[0].startswith("$argon2id$")
    assert login(staff, "rosa's own choice").ok
    assert not login(staff, temporary).ok  # one time only
    assert ("rosa", "rosa (own choice)") in actions(staff, "password_changed")


def test_a_temporary_password_expires_and_a_wrong_one_sets_nothing(staff):
    start = utcnow()
    temporary = reset(staff, now=start).password
    late = login(staff, temporary, now=start + timedelta(days=4))
    assert not late.ok and not late.must_change_password and late.message == TEMPORARY_EXPIRED
    hashed = stored(staff, "rosa")[0]
    with session_scope(staff) as session, pytest.raises(AccountError, match="no longer valid"):
        choose_new_password(session=session, username="rosa", temporary="not the one at all",
                            new_password="rosa's own choice")
    assert stored(staff, "rosa")[0] == hashed


@pytest.mark.parametrize(("username", "actor", "message"), [
    ("nobody", "ada", "no user named 'nobody'"),
    ("ada", "ada", "cannot reset your own password"),
    ("rosa", "eve", "only a signed-in administrator"),
    ("rosa", "ghost", "only a signed-in administrator"),
])
def test_a_refused_reset_says_why_and_changes_nothing(staff, username, actor, message):
    before = {name: stored(staff, name) for name in ("ada", "rosa")}
    with pytest.raises(AccountError, match=message):
        reset(staff, username=username, actor=actor)
    assert {name: stored(staff, name) for name in ("ada", "rosa")} == before
    assert actions(staff, "password_reset") == []


def test_unlock_ends_a_pause_once_and_only_for_an_admin(staff):
    for attempt in range(5):
        login(staff, f"wrong guess {attempt}")
    assert stored(staff, "rosa")[2] is not None
    assert not login(staff, PASSWORD).ok  # paused
    with session_scope(staff) as session, pytest.raises(AccountError, match="only a signed-in administrator"):
        unlock_account(session=session, username="rosa", actor="eve")
    assert stored(staff, "rosa")[2] is not None
    with session_scope(staff) as session:
        unlock_account(session=session, username="rosa", actor="ada")
    assert stored(staff, "rosa")[1:] == (0, None)
    assert actions(staff, "user_enabled") == [("ada", "rosa (sign-in pause cleared)")]
    with session_scope(staff) as session, pytest.raises(AccountError, match="nothing to unlock"):
        unlock_account(session=session, username="rosa", actor="ada")  # a second click stores nothing
    assert len(actions(staff, "user_enabled")) == 1
    assert login(staff, PASSWORD).ok


def test_the_same_form_submitted_twice_resets_once_and_says_so(staff):
    first = reset(staff, submission="form-key-1")
    after_first = stored(staff, "rosa")[0]
    with pytest.raises(AlreadySubmitted, match="done once, by the first"):
        reset(staff, submission="form-key-1")  # the double click's second submit
    assert stored(staff, "rosa")[0] == after_first  # the first temporary password still works
    assert login(staff, first.password).must_change_password
    assert len(actions(staff, "password_reset")) == 1
    reset(staff, submission="form-key-2")  # the form drawn afresh: a new key, a deliberate second reset
    assert len(actions(staff, "password_reset")) == 2


def test_a_password_held_before_the_reset_is_the_one_that_works_after_a_double_submit(staff):
    """The page holds the password before the first submit commits: whichever submit's run survives shows it."""
    held = new_temporary_password()
    assert reset(staff, submission="form-key-3", password=held).password == held
    with pytest.raises(AlreadySubmitted):
        reset(staff, submission="form-key-3", password=held)
    assert login(staff, held).must_change_password
    assert held != new_temporary_password()


def test_a_double_submit_racing_itself_resets_once(staff):
    """Two submits at once: PostgreSQL makes the second wait at the key's unique index, SQLite at BEGIN."""
    start, outcomes = threading.Barrier(2), []

    def submit():
        start.wait()
        try:
            outcomes.append(reset(staff, submission="one-form").password)
        except AlreadySubmitted:
            outcomes.append("repeat")

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(o == "repeat" for o in outcomes) == [False, True]
    assert len(actions(staff, "password_reset")) == 1
