"""The accounts table is current the moment an account changes."""


def test_a_disabled_account_shows_disabled_at_once(make_app):
    at = make_app("admin", "admin").run()
    at.switch_page("pages/users.py").run()
    account = next(s for s in at.selectbox if s.label == "Account")
    account.select("exec-tester")
    next(r for r in at.radio if r.label == "Action").set_value("Disable")
    next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.error
    assert at.success[0].value.replace("\\", "") == "exec-tester is now disabled."
    table = at.dataframe[0].value.set_index("Username")
    assert table.loc["exec-tester", "Status"] == "disabled"
