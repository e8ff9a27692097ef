"""The Account page: anyone signed in changes their own password there, checked like a sign-in and audited."""

import pytest
from sqlalchemy import select

from research.accounts import authenticate, session_account, start_session
from research.store.engine import make_engine, session_scope
from research.store.models import AuditEvent, User

PASSWORD = "correct horse battery"
NEW = "my own new password"


@pytest.fixture
def db(app_db):
    engine = make_engine(app_db)
    yield engine
    engine.dispose()


def open_account(make_app, username="exec-tester", role="executive"):
    at = make_app(username, role).run()
    at.switch_page("views/account.py").run()
    assert not at.exception
    return at


def box(at, label):
    return next(t for t in at.text_input if t.label == label)


def submit(at, current, new, again=None):
    box(at, "Current password").input(current)
    box(at, "New password").input(new)
    box(at, "Repeat the new password").input(new if again is None else again)
    next(b for b in at.button if b.label == "Change password").click().run()
    assert not at.exception
    return at


def audit(db, action):
    with session_scope(db) as session:
        return [(e.actor, e.subject) for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def signs_in(db, password):
    with session_scope(db) as session:
        return authenticate(session=session, username="exec-tester", password=password).ok


@pytest.mark.parametrize(("current", "new", "again", "message"), [
    (PASSWORD, NEW, NEW + "x", "The two new passwords differ: type the same new password twice."),
    (PASSWORD, "too short", "too short", "The new password is too short: use at least 10 characters."),
    (PASSWORD, PASSWORD, PASSWORD, "The new password is the same as your current one: choose a different one."),
])
def test_each_refusal_says_why_and_keeps_the_old_password(make_app, db, current, new, again, message):
    at = submit(open_account(make_app), current, new, again)
    assert [e.value for e in at.error] == [message] and not at.success
    assert signs_in(db, PASSWORD) and audit(db, "password_changed") == []


def test_a_change_is_confirmed_audited_clears_the_form_and_signs_out_every_other_browser(make_app, db):
    with session_scope(db) as session:
        elsewhere = start_session(session=session, username="exec-tester").id
        this_browser = start_session(session=session, username="exec-tester").id
    at = make_app("exec-tester", "executive")
    at.session_state["frontline_session_id"] = this_browser
    at.run()
    at.switch_page("views/account.py").run()
    submit(at, PASSWORD, NEW)
    assert not at.error
    assert at.success[0].value.startswith("Your password is changed.")
    assert all(box(at, label).value == "" for label in ("Current password", "New password",
                                                        "Repeat the new password"))
    assert at.session_state["frontline_user"].username == "exec-tester"  # this browser stays signed in...
    fresh = at.session_state["frontline_session_id"]
    assert fresh not in (elsewhere, this_browser)  # ...on a new session; the old ones are over
    with session_scope(db) as session:
        assert session_account(session=session, session_id=elsewhere) is None
        assert session_account(session=session, session_id=this_browser) is None
        assert session_account(session=session, session_id=fresh).username == "exec-tester"
    assert signs_in(db, NEW) and not signs_in(db, PASSWORD)
    assert audit(db, "password_changed") == [
        ("exec-tester", "exec-tester (own change while signed in; every session of the account signed out)")]
    at.run()  # a later run, still signed in, on the Account page
    assert at.title[0].value == "Account" and "exec\\-tester" in at.markdown[0].value


def test_wrong_current_passwords_count_towards_the_pause_and_the_page_says_so(make_app, db):
    at = open_account(make_app)
    for attempt in range(5):
        submit(at, f"not my password {attempt}", NEW)
        assert [e.value for e in at.error] == ["That is not your current password: nothing changed."]
    assert any("Paused until" in c.value and "Users page" in c.value for c in at.caption)
    with session_scope(db) as session:
        assert session.scalar(select(User.locked_until).where(User.username == "exec-tester")) is not None
    assert [actor for actor, _ in audit(db, "account_locked")] == ["exec-tester"]
    submit(at, PASSWORD, NEW)  # the right one now changes nothing either
    assert at.error[0].value.startswith("Too many wrong passwords in a row")
    assert audit(db, "password_changed") == []


def test_the_password_boxes_are_not_kept_after_a_success_and_the_old_confirmation_goes_on_an_error(make_app):
    at = submit(open_account(make_app), PASSWORD, NEW)
    assert at.success
    submit(at, PASSWORD, "another new one")  # the old password no longer is the current one
    assert [e.value for e in at.error] == ["That is not your current password: nothing changed."]
    assert not at.success  # no green "changed" above the red error
