"""The accounts table is current the moment an account changes."""


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
