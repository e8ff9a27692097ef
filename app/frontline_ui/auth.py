"""The one auth adapter: who is signed in, and which pages each role may open.

Pages call :func:`require_page` first thing; it runs on the server for every
request, so opening a page's URL directly is checked just like the menu.
Tests inject a user by putting a :class:`SessionUser` under ``USER_KEY`` in
the session state; an OIDC login would plug in here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from research.accounts import get_user

USER_KEY = "frontline_user"

PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "findings": ("executive", "admin"),
    "findings_heatmap": ("executive", "admin"),
    "findings_gaps": ("executive", "admin"),
    "findings_topics": ("executive", "admin"),
    "findings_evidence": ("executive", "admin"),
    "findings_actions": ("executive", "admin"),
    "studies": ("researcher", "admin"),
    "interview_notes": ("researcher", "admin"),
    "interview_import": ("researcher", "admin"),
    "coding": ("researcher", "admin"),
    "codebook": ("researcher", "admin"),
    "interview_analysis": ("researcher", "admin"),
    "pulse_waves": ("researcher", "admin"),
    "pulse_links": ("researcher", "admin"),
    "pulse_replies": ("researcher", "admin"),
    "analysis": ("researcher", "admin"),
    "actions_record": ("researcher",),
    "users": ("admin",),
    "audit": ("admin",),
    "account": ("admin", "researcher", "executive"),
}


@dataclass(frozen=True)
class SessionUser:
    username: str
    role: str


def current_user() -> SessionUser | None:
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, SessionUser) else None


def sign_in(username: str, role: str) -> None:
    st.session_state[USER_KEY] = SessionUser(username, role)


def sign_out() -> None:
    st.session_state.pop(USER_KEY, None)


def refresh_user(session) -> SessionUser | None:
    """Re-read the signed-in account so a disabled or re-roled account takes effect at once."""
    user = current_user()
    if user is None:
        return None
    account = get_user(session=session, username=user.username)
    if account is None or not account.is_active:
        sign_out()
        return None
    if account.role != user.role:
        sign_in(account.username, account.role)
    return current_user()


def may_open(page: str, user: SessionUser | None) -> bool:
    return user is not None and user.role in PAGE_ROLES[page]


def require_page(page: str) -> SessionUser:
    """Stop the page unless the signed-in user's role may open it."""
    user = current_user()
    if user is None:
        st.warning("Please sign in to see this page.")
        st.stop()
    if not may_open(page, user):
        st.error(f"Your role ({user.role}) cannot open this page.")
        st.stop()
    return user
