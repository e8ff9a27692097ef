"""What the browser itself keeps between reloads: the staff session cookie and the agent's receipt.

Streamlit's state lives in one websocket session, which a reload ends. This
tiny JavaScript component (``st.components.v2``, which runs in the page, no
iframe and no build step) posts to the app's session-cookie routes, writes a
``sessionStorage`` entry, and reads one entry back into Python.

Why these two places:

* **Staff session cookie** (``frontline_session``): set and cleared by the app's
  own HTTP routes (:mod:`frontline_ui.session_cookie`), ``HttpOnly`` and
  ``SameSite=Strict``, so no script in the page can read it. This component only
  posts to those routes: after sign-in the one-time grant that the route swaps
  for the cookie, after sign-out (or on finding a cookie that resumes nothing) a
  request to delete that cookie. A token in the URL
  (``?s=``) was rejected: it is copied along with a link pasted to a colleague,
  kept in history and bookmarks, and shown on a shared screen.
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
* **Agent's answers as typed**, before review: the form sends nothing until it is
  submitted, so the script copies what it shows into the tab on every change
  (:mod:`frontline_ui.pulse_draft`); a reload fills the form again from it, and
  sending erases it. The trade-off is the one above: the tab holds the words until
  they are sent or the tab is closed.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function ({ data, setStateValue }) {
  if (!data) return;
  if (data.post) {
    // Once per page load and request, however often the script reruns.
    // Requests are told apart by a name that is not secret: no copy of a grant is left in the page.
    const posted = window.frontlinePosted || (window.frontlinePosted = new Set());
    const sent = data.post.once;
    if (!posted.has(sent)) {
      posted.add(sent);
      // No answer goes back to Python: that would rerun the page just after a sign-in or sign-out.
      // keepalive: leaving the page at once (a bookmark, a closed tab) does not cancel the request.
      fetch(data.post.route, {
        method: "POST", keepalive: true, credentials: "same-origin", cache: "no-store", body: data.post.body,
        headers: { "X-Frontline-Session": "1", "Content-Type": "text/plain" },
      }).catch(() => posted.delete(sent));  // unreachable: the next run's mount tries again
    }
  }
  if ("mirror" in data) {
    // The form's values as shown, copied into this tab on every change (the form sends nothing until submitted).
    window.frontlineMirror = data.mirror;
    if (!window.frontlineMirrorOn) {
      window.frontlineMirrorOn = true;
      const copy = () => {
        const mirror = window.frontlineMirror;
        const form = mirror && document.querySelector('[data-testid="stForm"]');
        if (!form) return;
        const values = {};
        for (const group of form.querySelectorAll("[role=radiogroup][aria-label]")) {
          const chosen = group.querySelector("input[type=radio]:checked");
          if (chosen) values[group.getAttribute("aria-label")] = Number(chosen.value);
        }
        for (const box of form.querySelectorAll("input[type=text][aria-label], textarea[aria-label]")) {
          if (box.value) values[box.getAttribute("aria-label")] = box.value;
        }
        window.sessionStorage.setItem(mirror.item, mirror.prefix + JSON.stringify(values));
      };
      for (const kind of ["input", "change"]) document.addEventListener(kind, () => setTimeout(copy, 0), true);
      // A tap or an arrow key on a scale fires neither (the radio is redrawn, not edited): copy once it is drawn.
      for (const kind of ["click", "keyup"]) document.addEventListener(kind, () => setTimeout(copy, 100), true);
    }
  }
  if (data.scroll) {
    // Once per page load and request: the first element matching, brought to the middle of the screen.
    const scrolled = window.frontlineScrolled || (window.frontlineScrolled = new Set());
    if (!scrolled.has(data.scroll.once)) {
      scrolled.add(data.scroll.once);
      setTimeout(() => {
        const target = document.querySelector(data.scroll.selector);
        if (!target) return;
        target.scrollIntoView({ block: "center" });
        // Focus follows, so a screen reader reads what is now shown instead of starting again at the top.
        if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
        target.focus({ preventScroll: true });
      }, 150);
    }
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


def post_once(key: str, route: str, body: str, once: str) -> None:
    """POST ``body`` to the app's own ``route`` once per page load and ``once`` (a name, not a secret)."""
    _mount(key, {"post": {"route": route, "body": body, "once": once}})


def keep_in_tab(key: str, item: str, value: str | None) -> None:
    """Keep ``value`` in this tab's ``sessionStorage`` under ``item`` (None erases it)."""
    _mount(key, {"store": {item: value}})


def forget_in_tab(key: str, items: tuple[str, ...]) -> None:
    """Erase ``items`` from this tab's ``sessionStorage``."""
    _mount(key, {"store": dict.fromkeys(items)})


def mirror_form(key: str, item: str | None, prefix: str = "") -> None:
    """Copy the page's form, as shown, into ``item`` of this tab (``prefix`` then a JSON object of each input's
    accessible name and value, a radio's by its place) whenever it changes; ``item`` None stops copying."""
    _mount(key, {"mirror": None if item is None else {"item": item, "prefix": prefix}})


def scroll_to(key: str, selector: str, once: str) -> None:
    """Bring the first element matching the CSS ``selector`` into view and focus, once per page load and
    ``once``: a refused review left the view at its button, the messages a screen or two above it, and a screen
    reader's focus on the page itself, with nothing said of what had appeared (outside walks)."""
    _mount(key, {"scroll": {"selector": selector, "once": once}})


def read_from_tab(key: str, item: str, known: str | None = None) -> str | None:
    """What this tab keeps under ``item`` if the page was reloaded (else the entry is erased).

    The first run after a reload returns None; the browser then reruns the script with the value.
    """
    result = _mount(key, {"read": item, "known": known})
    value = result.get("stored") if hasattr(result, "get") else getattr(result, "stored", None)
    return value if isinstance(value, str) else None
