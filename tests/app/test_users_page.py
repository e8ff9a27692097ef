"""The accounts table is current the moment an account changes."""

import re


def test_a_disabled_account_shows_disabled_at_once(make_app):
    at = make_app("admin", "admin").run()
    at.switch_page("views/users.py").run()
    account = next(s for s in at.selectbox if s.label == "Account")
    account.select("exec-tester")
    next(r for r in at.radio if r.label == "Action").set_value("Disable")
    next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.error
    assert at.success[0].value.replace("\\", "") == "exec-tester is now disabled."
    table = at.dataframe[0].value.set_index("Username")
    assert table.loc["exec-tester", "Status"] == "disabled"


def test_a_reset_keeps_the_temporary_password_on_screen_until_hidden_and_clears_the_form(make_app):
    at = make_app("admin", "admin").run()
    at.switch_page("views/users.py").run()
    next(s for s in at.selectbox if s.label == "Account to reset").select("exec-tester")
    next(b for b in at.button if b.label == "Reset password").click().run()
    assert not at.error
    assert at.success[0].value.replace("\\", "").startswith("Password reset for exec-tester.")
    assert len(at.code) == 1 and len(at.code[0].value) == 19
    assert next(s for s in at.selectbox if s.label == "Account to reset").value is None
    # A second submit of the redrawn form (a double click) must not take it away before it was read.
    next(b for b in at.button if b.label == "Reset password").click().run()
    assert len(at.code) == 1 and at.info and not at.error
    next(b for b in at.button if b.label == "Hide the temporary password").click().run()
    assert len(at.code) == 0 and not at.success


def pause(app_db, username="exec-tester"):
    """Five wrong passwords from another browser: sign-in for ``username`` pauses."""
    from research.accounts import authenticate
    from research.store.engine import make_engine, session_scope

    engine = make_engine(app_db)
    for attempt in range(5):
        with session_scope(engine) as session:
            authenticate(session=session, username=username, password=f"wrong guess {attempt}")
    engine.dispose()


def audit_count(app_db, action):
    from sqlalchemy import func, select

    from research.store.engine import make_engine, session_scope
    from research.store.models import AuditEvent

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        count = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))
    engine.dispose()
    return count


def test_a_pause_started_elsewhere_shows_at_the_next_run_as_locked_with_its_end_in_words(make_app, app_db):
    at = make_app("admin", "admin").run()
    at.switch_page("views/users.py").run()
    assert "No account is paused by wrong passwords." in [c.value for c in at.caption]
    table = at.dataframe[0].value.set_index("Username")
    assert list(table.columns) == ["Role", "Status", "Last login"]
    assert table.loc["exec-tester", "Status"] == "active" and table.loc["exec-tester", "Last login"] == "never"
    pause(app_db)  # another browser, while this page stands
    next(b for b in at.button if b.label == "Refresh the list").click().run()
    status = at.dataframe[0].value.set_index("Username").loc["exec-tester", "Status"]
    assert re.fullmatch(r"locked \(wrong passwords\) until (today|tomorrow) \d\d:\d\d:\d\d UTC", status), status
    assert "No account is paused by wrong passwords." not in [c.value for c in at.caption]
    paused = next(s for s in at.selectbox if s.label == "Paused account")
    assert paused.options == [f"exec-tester (paused until {status.split(' until ')[1]})"]
    paused.select("exec-tester")
    next(b for b in at.button if b.label == "Unlock").click().run()
    assert at.success[0].value.replace("\\", "") == "Unlocked exec-tester: they can sign in with their password now."
    assert at.dataframe[0].value.set_index("Username").loc["exec-tester", "Status"] == "active"
    last_login = at.dataframe[0].value.set_index("Username").loc["admin", "Last login"]
    assert "+00:00" not in last_login


def test_enabling_an_active_account_says_it_already_is_and_writes_nothing(make_app, app_db):
    at = make_app("admin", "admin").run()
    at.switch_page("views/users.py").run()
    before = audit_count(app_db, "user_enabled")
    next(s for s in at.selectbox if s.label == "Account").select("exec-tester")
    next(r for r in at.radio if r.label == "Action").set_value("Enable")
    next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.error and not at.success
    assert [i.value.replace("\\", "") for i in at.info] == ["exec-tester is already active: nothing changed."]
    assert audit_count(app_db, "user_enabled") == before


def test_the_temporary_password_message_says_it_is_shown_once_and_a_reload_hides_it(make_app):
    at = make_app("admin", "admin").run()
    at.switch_page("views/users.py").run()
    next(s for s in at.selectbox if s.label == "Account to reset").select("exec-tester")
    next(b for b in at.button if b.label == "Reset password").click().run()
    message = at.success[0].value.replace("\\", "")
    assert "shown this once and stored nowhere: copy it now" in message
    assert "A reload of this page hides it for good" in message and "until you hide it" not in message


def test_apply_with_nothing_chosen_changes_no_account(make_app, app_db):
    """A walk pressed Apply on the form as drawn, preselected with an account and "Disable", and disabled it."""
    at = make_app("admin", "admin").run()
    at.switch_page("views/users.py").run()
    assert next(s for s in at.selectbox if s.label == "Account").value is None
    assert next(r for r in at.radio if r.label == "Action").value is None
    before = audit_count(app_db, "user_disabled")
    next(b for b in at.button if b.label == "Apply").click().run()
    assert [e.value for e in at.error] == ["Choose the account and whether to disable or enable it: nothing was "
                                           "changed."]
    assert set(at.dataframe[0].value["Status"]) == {"active"}
    assert audit_count(app_db, "user_disabled") == before
