"""What the browser itself keeps between reloads: the staff session cookie and the agent's receipt.

Streamlit's state lives in one websocket session, which a reload ends. This
tiny JavaScript component (``st.components.v2``, which runs in the page, no
iframe and no build step) writes a cookie or a ``sessionStorage`` entry, and
reads one entry back into Python.

Why these two places:

* **Staff session cookie** (``frontline_session``): a random token whose SHA-256
  names a row in ``staff_sessions``, ``SameSite=Strict``, ``Secure`` on
  HTTPS, ``Path=/``. The browser sends it with the websocket handshake, where
  ``st.context.cookies`` reads it. A token in the URL (``?s=``) was rejected:
  it is copied along with a link pasted to a colleague, kept in history and
  bookmarks, and shown on a shared screen. Streamlit gives no way to answer
  an HTTP request with ``Set-Cookie`` from a page, so the cookie is written by
  script and cannot be ``HttpOnly``: a script injected into the page could read
  it. Everything staff or agents typed is escaped before display (one way
  onto the page), and the token is worthless after sign-out, after the idle
  and absolute expiry, after a password change and after the account is disabled.
* **Agent receipt** in ``sessionStorage`` (this tab only): it survives a reload
  of the thank-you page, is never sent in an HTTP request, is never in the URL
  or history, and is gone when the tab closes. The server stores nothing that
  links the code to the link or the browser. On a shared device the tab keeps
  showing the code until "Start a new response for someone else" (which
  erases it) or the tab is closed, exactly as the thank-you page already did.
  Only a reload brings it back: opening the link again (typed, from history or
  a bookmark) erases it and shows a fresh form, so whoever opens a used link
  next still cannot tell it was used.
* **Agent's reviewed answers**, the same way and for the same reason (a reload of
  the review step), until they are sent; a tab left on the review step of a shared
  device still holds them until it is closed.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function ({ data, setStateValue }) {
  if (!data) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  for (const c of data.cookies || []) {
    document.cookie = `${c.name}=${c.value}; Path=/; Max-Age=${c.max_age}; SameSite=Strict${secure}`;
  }
  for (const [key, value] of Object.entries(data.store || {})) {
    if (value === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, value);
  }
  if (data.read) {
    // Only a reload (F5) gets the entry back; opening the page anew erases it.
    const nav = window.performance.getEntriesByType("navigation")[0];
    if (!nav || nav.type !== "reload") {
      window.sessionStorage.removeItem(data.read);
      return;
    }
    const value = window.sessionStorage.getItem(data.read);
    if (value !== null && value !== data.known) setStateValue("stored", value);
  }
}
"""

_component = st.components.v2.component("frontline.browser_store", js=_JS)


def _mount(key: str, data: dict):
    return _component(key=key, data=data, on_stored_change=lambda: None, height=0)


def set_cookie(key: str, name: str, value: str, max_age: int) -> None:
    """Write a ``SameSite=Strict`` cookie for the whole site (``max_age`` 0 deletes it)."""
    _mount(key, {"cookies": [{"name": name, "value": value, "max_age": max(int(max_age), 0)}]})


def keep_in_tab(key: str, item: str, value: str | None) -> None:
    """Keep ``value`` in this tab's ``sessionStorage`` under ``item`` (None erases it)."""
    _mount(key, {"store": {item: value}})


def read_from_tab(key: str, item: str, known: str | None = None) -> str | None:
    """What this tab keeps under ``item`` if the page was reloaded (else the entry is erased).

    The first run after a reload returns None; the browser then reruns the script with the value.
    """
    result = _mount(key, {"read": item, "known": known})
    value = result.get("stored") if hasattr(result, "get") else getattr(result, "stored", None)
    return value if isinstance(value, str) else None
