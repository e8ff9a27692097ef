"""Sign-in page: the only page a visitor without an account sees."""

from datetime import timedelta

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import sign_in
from research.accounts import SessionThrottle, authenticate

THROTTLE_KEY = "login_throttle"

st.title("Frontline")
st.caption("Agent-experience research for contact centres. Staff sign in here; agents answer pulses by link.")

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
            if result.ok:
                sign_in(result.user.username, result.user.role, session=session)
        if result.ok:
            st.rerun()
        st.error(result.message)
        st.caption(f"After {config.max_failed_logins} failed sign-ins in a row, signing in pauses for a while "
                   f"(at most {config.lockout_minutes} minutes), even with the right password. Wait and try "
                   "again, or ask an administrator to run `frontline users unlock`.")
