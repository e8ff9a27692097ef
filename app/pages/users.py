"""Admin page: staff accounts (agents never have one)."""

import pandas as pd
import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.forms import clear_form, flash, form_key, show_flash
from frontline_ui.markdown import plain
from research.accounts import ROLES, create_user, list_users, set_active
from research.errors import FrontlineError

me = require_page("users")
st.title("Users")
show_flash("users")

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
            flash("users", message)
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
                flash("users", message)  # shown above the accounts table, which now says the same
                st.rerun()
