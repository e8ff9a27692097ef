"""Who is signed in, changing one's own password, and the way out."""

from datetime import timedelta

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import THROTTLE_KEY, require_page, sign_in, sign_out
from frontline_ui.forms import clear_form, flash, form_key, retract_flash, show_flash
from frontline_ui.markdown import plain
from frontline_ui.times import local_time
from research.accounts import MIN_PASSWORD_LENGTH, SessionThrottle, change_own_password, uses_single_sign_on

user = require_page("account")
st.title("Account")
st.write(f"Signed in as **{plain(user.username)}** ({user.role}).")
if st.button("Sign out") and not sign_out():  # leaving by way of the provider: no rerun to drop that redirect
    st.rerun()

st.subheader("Change your password")
shown = show_flash("own_password")
with resources.db_read() as session:
    single_sign_on = uses_single_sign_on(session=session, username=user.username)
if single_sign_on:
    st.caption("You sign in through your organisation's single sign-on: change your password there.")
    st.stop()

config = resources.settings()
st.caption(f"At least {MIN_PASSWORD_LENGTH} characters. Every other browser signed in as you is signed out; "
           "this one stays signed in. A wrong current password counts as a failed sign-in: after "
           f"{config.max_failed_logins} in a row, changing the password and signing in pause for a while.")
# Plain password boxes, never kept boxes: what is typed here stays in this page run's memory only, and a reload
# or a saved change empties them.
form = form_key("own_password")
with st.form(form):
    current = st.text_input("Current password", type="password", autocomplete="current-password",
                            key=f"{form}_current")
    new = st.text_input("New password", type="password", autocomplete="new-password", key=f"{form}_new")
    again = st.text_input("Repeat the new password", type="password", autocomplete="new-password",
                          key=f"{form}_again")
    submitted = st.form_submit_button("Change password", type="primary")
if submitted:
    throttle = st.session_state.setdefault(THROTTLE_KEY, SessionThrottle())
    with resources.db_session() as session:
        result = change_own_password(
            session=session, username=user.username, current=current, new_password=new, repeat=again,
            client=throttle, max_failed=config.max_failed_logins, lockout=timedelta(minutes=config.lockout_minutes))
        if result.changed:
            # Every session of the account ended with the change, this browser's too: a fresh one keeps this
            # browser signed in (a new cookie), so a copy of the old cookie is worthless.
            sign_in(user.username, user.role, session=session)
    if result.changed:
        flash("own_password", result.message)
        clear_form("own_password")
        st.rerun()
    retract_flash("own_password", shown)
    st.error(result.message)
    if result.paused_until is not None:
        st.caption(f"Paused until {local_time(result.paused_until, seconds=True)}. Wait until then, or ask an "
                   "administrator: they can unlock your account on the Users page.")
