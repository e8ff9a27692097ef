"""The sign-in page shows a stranger nothing that tells a real username from an unknown one."""

PASSWORD = "correct horse battery"


def attempt(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception
    return [e.value for e in at.error], [c.value for c in at.caption]


def test_unknown_name_wrong_password_and_paused_account_look_the_same(make_app):
    stranger = make_app().run()
    seen = {attempt(stranger, "exec-tester", f"guess number {n}")[0][0] for n in range(6)}
    assert seen == {"Wrong username or password."}

    owner = make_app().run()  # another browser session, after the stranger paused the account
    unknown = attempt(owner, "no-such-person", PASSWORD)
    paused = attempt(owner, "exec-tester", PASSWORD)
    assert unknown == paused
    assert unknown[0] == ["Wrong username or password."]
    assert "frontline_user" not in owner.session_state
    assert not any("locked" in text or "until" in text for text in unknown[0] + unknown[1])


def test_a_wrong_password_points_to_the_users_pages_unlock_not_a_command(make_app):
    at = make_app().run()
    _, captions = attempt(at, "exec-tester", "not the password")
    assert any("they can unlock the account on the Users page" in c for c in captions)
    assert not any("frontline users unlock" in c for c in captions)
