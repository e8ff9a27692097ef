"""Changing one's own password: the current one is checked like a sign-in, every session ends, all audited."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from research.accounts import (
    NothingToChange,
    SessionThrottle,
    authenticate,
    change_own_password,
    create_user,
    session_account,
    set_active,
    start_session,
    unlock_account,
    uses_single_sign_on,
)
from research.accounts.own_password import PAUSED, SINGLE_SIGN_ON, WRONG_CURRENT
from research.store.engine import session_scope
from research.store.models import AuditEvent, User, utcnow

OLD = "correct horse battery"
NEW = "a new one of my own"


@pytest.fixture
def nora(engine):
    with session_scope(engine) as session:
        create_user(session=session, username="nora", role="executive", password=OLD, actor="setup")
        create_user(session=session, username="ada", role="admin", password=OLD, actor="setup")
    return engine


def change(engine, current=OLD, new=NEW, repeat=None, client=None, now=None):
    with session_scope(engine) as session:
        return change_own_password(session=session, username="nora", current=current, new_password=new,
                                   repeat=new if repeat is None else repeat, client=client, now=now)


def events(engine, action=None):
    with session_scope(engine) as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return [(e.actor, e.action, e.subject) for e in session.scalars(query)]


def signs_in(engine, password, username="nora"):
    with session_scope(engine) as session:
        return authenticate(session=session, username=username, password=password).ok


def row(engine, name="nora"):
    with session_scope(engine) as session:
        user = session.scalar(select(User).where(User.username == name))
        return user.password_hash, user.failed_logins, user.locked_until


def test_a_change_replaces_the_password_ends_every_session_and_is_audited(nora):
    with session_scope(nora) as session:
        here = start_session(session=session, username="nora").id
        elsewhere = start_session(session=session, username="nora").id
        other_person = start_session(session=session, username="ada").id
    before = len(events(nora))
    result = change(nora)
    assert result.changed and result.account.username == "nora" and "signed out" in result.message
    assert signs_in(nora, NEW) and not signs_in(nora, OLD)
    with session_scope(nora) as session:
        assert session_account(session=session, session_id=here) is None
        assert session_account(session=session, session_id=elsewhere) is None
        assert session_account(session=session, session_id=other_person) is not None  # someone else's stays
    assert events(nora)[before] == (
        "nora", "password_changed", "nora (own change while signed in; every session of the account signed out)")
    assert NEW not in str(events(nora)) and OLD not in str(events(nora))


@pytest.mark.parametrize(("current", "new", "repeat", "message"), [
    ("", NEW, NEW, "Type your current password."),
    (OLD, "", "", "Type a new password."),
    (OLD, NEW, NEW + "!", "The two new passwords differ: type the same new password twice."),
    (OLD, "short one", "short one", "The new password is too short: use at least 10 characters."),
    (OLD, " padded password ", " padded password ", "The new password must not start or end with a space"),
    (OLD, OLD, OLD, "The new password is the same as your current one: choose a different one."),
])
def test_a_refused_form_says_exactly_why_and_changes_nothing(nora, current, new, repeat, message):
    before = row(nora)
    result = change(nora, current=current, new=new, repeat=repeat)
    assert not result.changed and result.message.startswith(message)
    assert row(nora) == before  # no wrong password counted either: the current one was right or never checked
    assert events(nora, "password_changed") == [] and events(nora, "sign_in_failed") == []


def test_a_wrong_current_password_counts_towards_the_pause_like_a_sign_in(nora):
    now = utcnow()
    throttle = SessionThrottle()
    for attempt in range(4):
        result = change(nora, current=f"wrong guess {attempt}", client=throttle, now=now)
        assert not result.changed and result.message == WRONG_CURRENT and result.paused_until is None
    assert row(nora)[1] == 4 and throttle.failures == 4
    assert events(nora, "sign_in_failed")[-1] == ("nora", "sign_in_failed", "wrong current password when changing it")
    fifth = change(nora, current="wrong guess 5", client=throttle, now=now)
    assert fifth.message == WRONG_CURRENT and fifth.paused_until == now + timedelta(seconds=30)
    assert events(nora, "account_locked")[-1][2].endswith("(the last: wrong current password when changing it)")
    # During the pause even the right current password changes nothing, and signing in is paused too.
    paused = change(nora, client=SessionThrottle(), now=now + timedelta(seconds=10))
    assert not paused.changed and paused.message == PAUSED and paused.paused_until == now + timedelta(seconds=30)
    with session_scope(nora) as session:
        assert not authenticate(session=session, username="nora", password=OLD, now=now + timedelta(seconds=10)).ok
    assert row(nora)[1] == 5  # refusals during a pause do not lengthen it
    # An administrator's unlock ends the account's pause; this browser's own throttle still holds it back.
    with session_scope(nora) as session:
        unlock_account(session=session, username="nora", actor="ada")
    held = change(nora, client=throttle, now=now + timedelta(seconds=10))
    assert held.message == PAUSED and held.paused_until == throttle.paused_until
    # Once the pause is over, the right current password works and clears the count.
    done = change(nora, client=throttle, now=now + timedelta(seconds=31))
    assert done.changed and row(nora)[1:] == (0, None)


def test_an_account_that_signs_in_through_single_sign_on_has_no_password_here(nora):
    with session_scope(nora) as session:
        session.scalar(select(User).where(User.username == "nora")).password_hash = "sso:abc"
    with session_scope(nora) as session:
        assert uses_single_sign_on(session=session, username="nora")
        assert not uses_single_sign_on(session=session, username="ada")
    assert change(nora).message == SINGLE_SIGN_ON and row(nora)[0] == "sso:abc"


def test_a_disabled_account_cannot_change_its_password(nora):
    with session_scope(nora) as session:
        set_active(session=session, username="nora", active=False, actor="ada")
    result = change(nora)
    assert not result.changed and "sign in again" in result.message
    assert events(nora, "password_changed") == []


def test_asking_for_what_already_is_writes_nothing(nora):
    before = events(nora)
    with session_scope(nora) as session, pytest.raises(NothingToChange, match="nora is already active"):
        set_active(session=session, username="nora", active=True, actor="ada")
    with session_scope(nora) as session:
        set_active(session=session, username="nora", active=False, actor="ada")
    with session_scope(nora) as session, pytest.raises(NothingToChange, match="nora is already disabled"):
        set_active(session=session, username="nora", active=False, actor="ada")
    with session_scope(nora) as session, pytest.raises(NothingToChange, match="nothing to unlock"):
        unlock_account(session=session, username="ada", actor="ada")
    assert events(nora)[len(before):] == [("ada", "user_disabled", "nora")]
