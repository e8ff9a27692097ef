"""Admin page: staff accounts (agents never have one)."""

import pandas as pd
import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.forms import clear_form, flash, form_key, retract_flash, show_flash, submission_key
from frontline_ui.markdown import plain
from frontline_ui.times import local_time
from research.accounts import (
    ROLES,
    TEMPORARY_PASSWORD_LIFETIME,
    NothingToChange,
    create_user,
    list_users,
    new_temporary_password,
    reset_password,
    set_active,
    unlock_account,
)
from research.errors import AlreadySubmitted, FrontlineError
from research.store.models import utcnow

me = require_page("users")
st.title("Users")
shown_flash = show_flash("users")
TEMPORARY_KEY = "users_temporary_password"
ONCE = ("It is shown this once and stored nowhere: copy it now. A reload of this page hides it for good, and then "
        "only a new reset gives them one.")


def forget_temporary() -> None:
    """Take the temporary password off the screen and out of this browser session."""
    for key in [k for k in st.session_state if k == TEMPORARY_KEY or str(k).startswith("_temporary_for_")]:
        st.session_state.pop(key, None)


# (message, temporary password) of the last reset, kept in this page session (server memory, never stored) until
# the admin hides it or does something else here: a double click's second run must not take it off the screen
# before it was read. A reload starts a new page session, so the password is gone for good: the message says so.
shown = st.session_state.get(TEMPORARY_KEY)
if shown:
    st.success(shown[0])
    st.code(shown[1], language=None)
    if st.button("Hide the temporary password"):
        forget_temporary()
        st.rerun()


def done(message: str) -> None:
    """Another change on this page succeeded: say so, and take any temporary password off the screen."""
    forget_temporary()
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
            retract_flash("users", shown_flash)
            st.error(plain(exc))
        else:
            done(message)
            clear_form("add_user")
            st.rerun()

with resources.db_read() as session:  # read afresh at every run: a pause started in another browser shows
    users = list_users(session=session)
now = utcnow()


def status(account) -> str:
    """What the table says of an account: disabled, paused by wrong passwords (until when, local time), or active."""
    if not account.is_active:
        return "disabled"
    if account.locked_until is not None and account.locked_until > now:
        return f"locked (wrong passwords) until {local_time(account.locked_until, seconds=True)}"
    return "active"


st.subheader("Accounts")
st.dataframe(
    pd.DataFrame(
        [(u.username, u.role, status(u), local_time(u.last_login_at)) for u in users],
        columns=["Username", "Role", "Status", "Last login"],
    ),
    hide_index=True,
    width="stretch",
)
if st.button("Refresh the list", help="Reads the accounts again, e.g. after a pause started in another browser"):
    st.rerun()

others = [u.username for u in users if u.username != me.username]
if others:
    with st.form("toggle_user"):
        # Nothing chosen until the admin chooses: preselected, one careless Apply disabled an account (a walk).
        target = st.selectbox("Account", others, index=None, placeholder="Choose an account")
        action = st.radio("Action", ["Disable", "Enable"], index=None, horizontal=True)
        applied = st.form_submit_button("Apply")
        if applied and (target is None or action is None):
            retract_flash("users", shown_flash)
            st.error("Choose the account and whether to disable or enable it: nothing was changed.")
        elif applied and target is not None:
            try:
                with resources.db_session() as session:
                    changed = set_active(session=session, username=target, active=action == "Enable",
                                         actor=me.username)
                    message = plain(f"{changed.username} is now {'active' if changed.is_active else 'disabled'}.")
            except NothingToChange as exc:  # nothing written, nothing audited
                retract_flash("users", shown_flash)
                st.info(plain(exc))
            except FrontlineError as exc:
                retract_flash("users", shown_flash)
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
            retract_flash("users", shown_flash)
            st.error("Choose the account whose password to reset.")
        else:
            submission = submission_key("reset_password")
            # Held before the reset commits: a double click's first run can be cut short by its second, after
            # the reset but before the password reached the screen.
            held = st.session_state.setdefault(f"_temporary_for_{submission}", new_temporary_password())
            try:
                with resources.db_session() as session:
                    reset = reset_password(session=session, username=reset_target, actor=me.username,
                                           submission=submission, password=held)
            except AlreadySubmitted:
                # A double click: the first submit reset the password to the one held above.
                st.session_state[TEMPORARY_KEY] = (plain(
                    f"Password reset for {reset_target} once: the second click changed nothing. Give them the "
                    f"temporary password below. {ONCE} It expires in {TEMPORARY_PASSWORD_LIFETIME.days} days; they "
                    "must choose a new password when they sign in."), held)
                clear_form("reset_password")
                st.rerun()
            except FrontlineError as exc:
                retract_flash("users", shown_flash)
                st.error(plain(exc))
            else:
                st.session_state[TEMPORARY_KEY] = (
                    plain(f"Password reset for {reset.account.username}. Give them the temporary password below. "
                          f"{ONCE} It expires {local_time(reset.expires_at)}; they must choose a new password "
                          "when they sign in."), reset.password)
                clear_form("reset_password")
                st.rerun()

st.subheader("Unlock an account")
pauses = {u.username: u.locked_until for u in users if u.locked_until is not None}
paused = list(pauses)
if not paused:
    st.caption("No account is paused by wrong passwords.")
else:
    st.caption("Ends a sign-in pause after wrong passwords; the password stays the same.")
    form = form_key("unlock_user")
    with st.form(form):
        paused_target = st.selectbox(
            "Paused account", paused, index=None, placeholder="Choose an account", key=f"{form}_target",
            format_func=lambda name: f"{name} (paused until {local_time(pauses[name], seconds=True)})"
            if pauses[name] > now else f"{name} (pause over; the next wrong password pauses it again)")
        if st.form_submit_button("Unlock"):
            if not paused_target:
                retract_flash("users", shown_flash)
                st.error("Choose the account to unlock.")
            else:
                try:
                    with resources.db_session() as session:
                        unlocked = unlock_account(session=session, username=paused_target, actor=me.username)
                except NothingToChange as exc:  # unlocked meanwhile (another admin, a second click)
                    retract_flash("users", shown_flash)
                    st.info(plain(exc))
                except FrontlineError as exc:
                    retract_flash("users", shown_flash)
                    st.error(plain(exc))
                else:
                    done(plain(f"Unlocked {unlocked.username}: they can sign in with their password now."))
                    clear_form("unlock_user")
                    st.rerun()
