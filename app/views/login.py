"""Sign-in page: the only page a visitor without an account sees."""

from datetime import timedelta

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import THROTTLE_KEY, provider_claims, sign_in
from frontline_ui.markdown import plain
from research import sso
from research.accounts import SessionThrottle, authenticate, choose_new_password
from research.errors import FrontlineError

CHANGE_KEY = "login_must_change"  # (username, temporary password) after a temporary password was accepted

st.title("Frontline")
st.caption("Agent-experience research for contact centres. Staff sign in here; agents answer pulses by link.")

config = resources.settings()
if config.single_sign_on:
    # Back from the provider (st.login): a fresh ID token maps to an account and a role, or to a refusal.
    claims = provider_claims()
    if claims is not None and sso.is_fresh(claims):
        with resources.db_session() as session:
            outcome = sso.sign_in_with_claims(session=session, claims=claims, settings=config)
            if outcome.user is not None:
                sign_in(outcome.user.username, outcome.user.role, session=session)
        if outcome.ok:
            st.rerun()
        st.error(outcome.message)
        if st.button(f"Sign out of {plain(config.oidc_provider_name)}"):
            st.logout()
    elif st.button(f"Sign in with {plain(config.oidc_provider_name)}", type="primary"):
        st.login()
    st.caption("Or sign in with a Frontline password:")

pending = st.session_state.get(CHANGE_KEY)
if pending:
    st.info("You signed in with a temporary password. Choose your own password to continue.")
    with st.form("new_password"):
        new = st.text_input("New password (at least 10 characters)", type="password", autocomplete="new-password")
        again = st.text_input("Repeat the new password", type="password", autocomplete="new-password")
        chosen = st.form_submit_button("Set password and sign in", type="primary")
    if chosen:
        if new != again:
            st.error("The two passwords differ: type the same new password twice.")
        else:
            try:
                with resources.db_session() as session:
                    account = choose_new_password(session=session, username=pending[0], temporary=pending[1],
                                                  new_password=new)
                    sign_in(account.username, account.role, session=session)
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                st.session_state.pop(CHANGE_KEY, None)
                st.rerun()
    if st.button("Back to sign-in"):
        st.session_state.pop(CHANGE_KEY, None)
        st.rerun()
    st.stop()

with st.form("login"):
    username = st.text_input("Username", autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    if not username.strip() or not password:
        st.error("Enter both a username and a password.")
    else:
        config = resources.settings()
        throttle = st.session_state.setdefault(THROTTLE_KEY, SessionThrottle())
        with resources.db_session() as session:
            result = authenticate(
                session=session, username=username, password=password, client=throttle,
                max_failed=config.max_failed_logins, lockout=timedelta(minutes=config.lockout_minutes),
            )
            if result.ok and result.user is not None:  # an accepted sign-in always carries its account
                sign_in(result.user.username, result.user.role, session=session)
        if result.ok:
            st.rerun()
        if result.must_change_password and result.user is not None:
            st.session_state[CHANGE_KEY] = (result.user.username, password)
            st.rerun()
        st.error(result.message)
        st.caption(f"After {config.max_failed_logins} failed sign-ins in a row, signing in pauses for a while "
                   f"(at most {config.lockout_minutes} minutes), even with the right password. Wait and try "
                   "again, or ask an administrator: they can unlock the account on the Users page.")
