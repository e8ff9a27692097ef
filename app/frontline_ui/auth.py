"""The one auth adapter: who is signed in, and which pages each role may open.

Pages call :func:`require_page` first thing; it runs on the server for every
request, so opening a page's URL directly is checked just like the menu.
Tests inject a user by putting a :class:`SessionUser` under ``USER_KEY`` in
the session state; an OIDC login would plug in here too.

A sign-in survives a reload: :func:`sign_in` opens a server-side session
(``research.accounts.start_session``), this page session keeps its id, and the
browser swaps the session's one-time grant for an ``HttpOnly`` cookie holding
its token (:mod:`frontline_ui.session_cookie`; see :mod:`frontline_ui.browser_store`
for why a cookie and not the URL). A new websocket session (reload, bookmark, new
tab) is signed back in by :func:`restore_session`; every run re-checks the
session (revoked, idle, expired, disabled account) in :func:`refresh_user`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from frontline_ui import browser_store, resources
from frontline_ui.session_cookie import SESSION_ROUTE, SIGN_OUT_ROUTE, cookie_fingerprint, session_token
from research.accounts import (
    GRANT_LIFETIME,
    end_session,
    get_user,
    resume_session,
    session_account,
    start_session,
)

SESSION_ID_KEY = "frontline_session_id"
GRANT_KEY = "frontline_session_grant"
RESTORE_TRIED_KEY = "frontline_session_restore_tried"
FORGET_KEY = "frontline_session_forget"

USER_KEY = "frontline_user"
THROTTLE_KEY = "login_throttle"
"""This browser session's wrong passwords (a ``SessionThrottle``): at sign-in and when changing one's own."""

PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "findings": ("executive", "admin"),
    "findings_heatmap": ("executive", "admin"),
    # Not researchers: a gap's "agents who raised it score eNPS N points lower", read by someone who can also move
    # a released comment between themes and re-run the analysis, would give that comment's writer's score.
    "findings_gaps": ("executive", "admin"),
    "findings_topics": ("executive", "admin", "researcher"),
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
    "actions_record": ("researcher", "admin"),
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


def _cookie_token() -> str | None:
    """The session token the browser sent when it connected, if any (AppTest has no real cookies).

    Read from the raw header, so a second cookie of the same name planted beside the real one is seen (and
    nothing is resumed), and under the name the page's scheme uses (``__Host-`` on HTTPS).
    """
    try:
        headers = st.context.headers
        return session_token(headers.get("cookie"), headers.get("origin"))
    except Exception:  # noqa: BLE001 - no request behind this run (bare or test mode): no cookie
        return None


def sign_in(username: str, role: str, *, session=None) -> None:
    """Sign this browser in; with a database ``session``, also open a server-side session for reloads.

    The session is new at every sign-in (the browser's previous one is revoked); its grant waits here until
    the page has swapped it for the cookie (:func:`keep_session_cookie`).
    """
    st.session_state[USER_KEY] = SessionUser(username, role)
    if session is not None:
        started = start_session(session=session, username=username, replaces=_cookie_token(),
                                replaces_id=st.session_state.get(SESSION_ID_KEY))
        st.session_state[SESSION_ID_KEY] = started.id
        st.session_state[GRANT_KEY] = (started.grant, time.monotonic() + GRANT_LIFETIME.total_seconds())
        st.session_state.pop(FORGET_KEY, None)


def provider_claims() -> dict | None:
    """The identity provider's ID-token claims after ``st.login``, or None (no single sign-on, or not signed in)."""
    try:
        claims = st.user.to_dict()
    except Exception:  # noqa: BLE001 - no [auth] configuration or no request behind this run: no identity
        return None
    return claims if claims.get("is_logged_in") else None


def sign_out() -> bool:
    """Sign out here and revoke the server-side session, so a reload or a copied cookie does not sign back in.

    After a single sign-on, Streamlit's identity cookie goes too (``st.logout``, which also ends the session
    at the provider when it offers that), so the sign-in page does not sign the same person straight back in.
    Returns whether the browser is being sent to the provider: the caller must then let the run end rather than
    ``st.rerun()``, since a rerun starting before the redirect reached the browser discards it.
    """
    via_provider = provider_claims() is not None
    if via_provider:
        st.logout()
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(GRANT_KEY, None)
    session_id = st.session_state.pop(SESSION_ID_KEY, None)
    if session_id is not None:
        with resources.db_session() as session:
            end_session(session=session, session_id=session_id)
        st.session_state[FORGET_KEY] = _forget(session_id)
    return via_provider


def _forget(session_id: int | None) -> tuple[str, str]:
    """What :func:`keep_session_cookie` posts once a session has ended here: the request's name and a body
    that limits the deletion to that session's cookie (another tab may hold a newer one by now)."""
    return f"sign-out {session_id}", "" if session_id is None else f"session:{session_id}"


def restore_session(session) -> None:
    """Sign a new browser session (a reload, a bookmark, a new tab) back in from its session cookie.

    Tried once per websocket session: the cookie Streamlit reports is the one
    sent when the page connected, so after a sign-out it is stale (and revoked).
    A cookie that no longer resumes a session (revoked, expired, or left behind when
    the sign-out's request never left a closing tab) is deleted by the same route as a sign-out.
    """
    if current_user() is not None or st.session_state.get(RESTORE_TRIED_KEY):
        return
    st.session_state[RESTORE_TRIED_KEY] = True
    token = _cookie_token()
    if not token:
        return
    live = resume_session(session=session, token=token)
    if live is not None:
        st.session_state[USER_KEY] = SessionUser(live.account.username, live.account.role)
        st.session_state[SESSION_ID_KEY] = live.id
    else:
        fingerprint = cookie_fingerprint(token)
        st.session_state[FORGET_KEY] = (f"stale {fingerprint[:12]}", f"only:{fingerprint}")


def keep_session_cookie() -> None:
    """Have the browser get its HttpOnly session cookie after a sign-in, or drop it after a sign-out or when it
    resumed nothing (only that cookie: see :mod:`frontline_ui.session_cookie`): every run.

    The grant is offered while it can still be swapped (the page does so once, at its first chance); nothing
    reports back, so the swap adds no rerun right after signing in.
    """
    grant, usable_until = st.session_state.get(GRANT_KEY) or (None, 0.0)
    if grant and time.monotonic() >= usable_until:
        st.session_state.pop(GRANT_KEY, None)
    elif grant and current_user() is not None:
        with st.sidebar:
            browser_store.post_once("session_cookie", SESSION_ROUTE, grant,
                                    once=f"session {st.session_state.get(SESSION_ID_KEY)}")
    elif forgotten := st.session_state.get(FORGET_KEY):  # (names the session that ended, body); until a sign-in
        once, body = forgotten
        browser_store.post_once("session_cookie", SIGN_OUT_ROUTE, body, once=once)


def opening_pulse_page() -> bool:
    """Whether this run opens an agent's pulse link (``?t=``).

    Such a run is an anonymous visitor's, even in a browser where someone is signed in as staff: the session
    cookie is not read, so answering a pulse is never tied to a staff account, even in memory.
    """
    return "t" in st.query_params


def refresh_user(session, *, restore: bool = True) -> SessionUser | None:
    """Re-read the signed-in account so a disabled or re-roled account, or a revoked session, takes effect at once.

    With ``restore``, a new browser session is first signed back in from its session cookie.
    """
    if restore:
        restore_session(session)
    user = current_user()
    if user is None:
        return None
    session_id = st.session_state.get(SESSION_ID_KEY)
    if session_id is not None:
        account = session_account(session=session, session_id=session_id)
    else:  # signed in without a server-side session (tests inject users this way)
        account = get_user(session=session, username=user.username)
    if account is None or not account.is_active:
        st.session_state.pop(USER_KEY, None)
        st.session_state.pop(GRANT_KEY, None)
        st.session_state[FORGET_KEY] = _forget(st.session_state.pop(SESSION_ID_KEY, None))
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
