"""The sign-in page with single sign-on configured: the provider's button above a password form that still works."""

SSO = {"FRONTLINE_OIDC_METADATA_URL": "http://idp.test/.well-known/openid-configuration",
       "FRONTLINE_OIDC_CLIENT_ID": "frontline", "FRONTLINE_OIDC_CLIENT_SECRET": "not-a-secret",
       "FRONTLINE_OIDC_PROVIDER_NAME": "Example IdP", "FRONTLINE_OIDC_ROLES": "fl-exec=executive"}


def test_the_provider_button_comes_first_and_passwords_still_sign_in(make_app, monkeypatch):
    for name, value in SSO.items():
        monkeypatch.setenv(name, value)
    at = make_app().run()
    assert not at.exception
    assert at.button[0].label == "Sign in with Example IdP"
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    at.text_input[0].input("exec-tester")
    at.text_input[1].input("correct horse battery")
    at.button[1].click().run()
    assert not at.exception
    assert at.session_state["frontline_user"].role == "executive"
