"""Who is signed in, and the way out."""

import streamlit as st

from frontline_ui.auth import require_page, sign_out
from frontline_ui.markdown import plain

user = require_page("account")
st.title("Account")
st.write(f"Signed in as **{plain(user.username)}** ({user.role}).")
if st.button("Sign out"):
    sign_out()
    st.rerun()
