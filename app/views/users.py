"""Admin page: staff accounts (agents never have one)."""

import pandas as pd
import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.forms import clear_form, flash, form_key, show_flash, submission_key
from frontline_ui.markdown import plain
from research.accounts import ROLES, create_user, list_users, reset_password, set_active, unlock_account
from research.errors import AlreadySubmitted, FrontlineError

me = require_page("users")
st.title("Users")
show_flash("users")
TEMPORARY_KEY = "users_temporary_password"
# (message, temporary password) of the last reset, kept in this browser session until the admin hides it or does
# something else here: a double click's second run must not take it off the screen before it was read.
shown = st.session_state.get(TEMPORARY_KEY)
if shown:
    st.success(shown[0])
    st.code(shown[1], language=None)
    if st.button("Hide the temporary password"):
        st.session_state.pop(TEMPORARY_KEY, None)
        st.rerun()


def done(message: str) -> None:
    """Another change on this page succeeded: say so, and take any temporary password off the screen."""
    st.session_state.pop(TEMPORARY_KEY, None)
    flash("users", message)

form = form_key("add_user")
with st.form(form):
    st.subheader("Add a user")
    username = st.text_input("Username", key=f"{form}_username")
    role = st.selectbox("Role", ROLES, index=1, key=f"{form}_role")
    password = st.text_input("Initial password (at least 10 characters)", type="password", key=f"{form}_password")
    if st.form_submit_button("Add user", type="primary"):
        try:
            with resources.db_session() as session:
                created = create_user(session=session, username=username, role=role, password=password,
                                      actor=me.username)
                message = plain(f"Created {created.role} {created.username}.")
        except FrontlineError as exc:
            st.error(plain(exc))
        else:
            done(message)
            clear_form("add_user")
            st.rerun()

with resources.db_session() as session:
    users = list_users(session=session)

st.subheader("Accounts")
st.dataframe(
    pd.DataFrame(
        [(u.username, u.role, "active" if u.is_active else "disabled", u.locked_until, u.last_login_at)
         for u in users],
        columns=["Username", "Role", "Status", "Locked until", "Last login"],
    ),
    hide_index=True,
    width="stretch",
)

others = [u.username for u in users if u.username != me.username]
if others:
    with st.form("toggle_user"):
        target = st.selectbox("Account", others)
        action = st.radio("Action", ["Disable", "Enable"], horizontal=True)
        if st.form_submit_button("Apply"):
            try:
                with resources.db_session() as session:
                    changed = set_active(session=session, username=target, active=action == "Enable",
                                         actor=me.username)
                    message = plain(f"{changed.username} is now {'active' if changed.is_active else 'disabled'}.")
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                done(message)  # shown above the accounts table, which now says the same
                st.rerun()

st.subheader("Reset a password")
st.caption("The account gets a one-time temporary password, shown here once; its owner must choose a new one "
           "at the next sign-in. The old password stops working and the account is signed out everywhere.")
form = form_key("reset_password")
with st.form(form):
    reset_target = st.selectbox("Account to reset", others, index=None, placeholder="Choose an account",
                                key=f"{form}_target")
    if st.form_submit_button("Reset password"):
        if not reset_target and shown:  # a double click's second submit, landing on the form drawn afresh
            st.info("The second click changed nothing: the password was reset once.")
        elif not reset_target:
            st.error("Choose the account whose password to reset.")
        else:
            try:
                with resources.db_session() as session:
                    reset = reset_password(session=session, username=reset_target, actor=me.username,
                                           submission=submission_key("reset_password"))
            except AlreadySubmitted:
                # A double click: the first submit reset the password and its temporary password is on screen.
                flash("users", plain(f"Password reset for {reset_target} once: the second click changed nothing. "
                                     "Give them the temporary password below."), "info")
                clear_form("reset_password")
                st.rerun()
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                st.session_state[TEMPORARY_KEY] = (
                    plain(f"Password reset for {reset.account.username}. Give them the temporary password below "
                          f"(shown only here, until you hide it; it expires {reset.expires_at:%Y-%m-%d %H:%M} UTC). "
                          "They must choose a new password when they sign in."), reset.password)
                clear_form("reset_password")
                st.rerun()

st.subheader("Unlock an account")
paused = [u.username for u in users if u.locked_until is not None]
if not paused:
    st.caption("No account is paused by wrong passwords.")
else:
    st.caption("Ends a sign-in pause after wrong passwords; the password stays the same.")
    form = form_key("unlock_user")
    with st.form(form):
        paused_target = st.selectbox("Paused account", paused, index=None, placeholder="Choose an account",
                                     key=f"{form}_target")
        if st.form_submit_button("Unlock"):
            if not paused_target:
                st.error("Choose the account to unlock.")
            else:
                try:
                    with resources.db_session() as session:
                        unlocked = unlock_account(session=session, username=paused_target, actor=me.username)
                except FrontlineError as exc:
                    st.error(plain(exc))
                else:
                    done(plain(f"Unlocked {unlocked.username}: they can sign in with their password now."))
                    clear_form("unlock_user")
                    st.rerun()
