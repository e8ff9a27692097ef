"""What a signed-in user sees at another role's page address (a link a colleague shared, a bookmark from another
account): whose page it is and the way back, instead of Streamlit's bare "Page not found" on their start page.

The page itself is never registered for them, so nothing of it runs; each page also refuses on its own
(:func:`frontline_ui.auth.require_page`).
"""

from __future__ import annotations

import streamlit as st

from frontline_ui.auth import PAGE_ROLES, SessionUser
from frontline_ui.markdown import plain

ROLE_GROUPS = {"executive": "executives", "researcher": "researchers", "admin": "administrators"}
ROLE_ONE = {"executive": "an executive", "researcher": "a researcher", "admin": "an administrator"}


def refusal_text(key: str, title: str, user: SessionUser) -> str:
    """The sentence shown, e.g. “Users” is for administrators. You are signed in as rita, a researcher. …"""
    groups = [ROLE_GROUPS.get(role, role) for role in PAGE_ROLES[key]]
    whom = groups[0] if len(groups) == 1 else ", ".join(groups[:-1]) + " and " + groups[-1]
    return (f"“{title}” is for {whom}. You are signed in as {user.username}, "
            f"{ROLE_ONE.get(user.role, user.role)}. Ask an administrator if you need it.")


def refused_page(key: str, title: str, user: SessionUser, home) -> st.Page:
    """A hidden page at ``key``'s address that says :func:`refusal_text` and links to ``home``."""

    def not_for_this_role() -> None:
        st.title(title)
        st.error(plain(refusal_text(key, title, user)))
        st.page_link(home, label=f"Go to {home.title}", icon=":material/arrow_back:")

    return st.Page(not_for_this_role, title=title, url_path=key, visibility="hidden")
