"""Sends what is typed into a text box to the server a moment after typing stops, before any blur or save.

Streamlit learns a text area's value only when the box loses focus (or on
Ctrl+Enter), so text typed and then lost to a reload never reached the server.
This tiny component (``st.components.v2``: runs in the page, no iframe) finds
its text box by the widget's key (Streamlit marks each keyed element with the
class ``st-key-<key>``), listens for typing, and after a pause hands the text
to Python, whose callback keeps it as a draft. Blur and Ctrl+Enter (Enter in a
one-line box) cancel the pending send: those commit the box itself, and the page saves it. A box inside a
form commits nothing until the form is sent, so there a blur sends the pending text at once (and a page
link clicked that moment is followed just after it, or the text's rerun would keep the old page).
Text typed before the keeper attached (a slow page load) differs from the text the
box was drawn with, and is kept the same way.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import streamlit as st

from frontline_ui.draft_route import DRAFT_ROUTE

_JS = """
export default function ({ data, setStateValue }) {
  if (!data) return;
  const attach = (tries) => {
    const box = document.querySelector(`.${data.box} textarea, .${data.box} input`);
    if (!box) {
      if (tries > 0) setTimeout(() => attach(tries - 1), 200);
      return;
    }
    const keeper = box.frontlineDraft || (box.frontlineDraft = { timer: null });
    keeper.send = setStateValue;  // the newest run's sender
    if (keeper.attached) return;
    keeper.attached = true;
    const cancel = () => { clearTimeout(keeper.timer); keeper.timer = null; };
    // unless: text not to send (what the box was drawn with), or null
    const send = () => { if (box.value !== keeper.unless) keeper.send("text", box.value); };
    const later = (unless) => {
      cancel();
      keeper.unless = unless;
      keeper.timer = setTimeout(() => { keeper.timer = null; send(); }, data.wait);
    };
    box.addEventListener("input", () => later(null));
    // Typed while the page was still loading, before this listener was there: keep that too, unless the box
    // holds what it was drawn with by the time it would be sent (a box caught while still being filled in).
    if (typeof data.drawn === "string") {
      const drawn = data.drawn.replace(/\\r\\n?/g, "\\n");
      if (box.value !== drawn) later(drawn);
    }
    // Outside a form a blur commits the box itself. Inside one nothing is sent until submit, so send now,
    // unless the focus went to one of the form's own buttons: the submit carries the text, and a rerun
    // started between its press and release would swallow the click.
    box.addEventListener("blur", (e) => {
      const form = box.closest('[data-testid="stForm"]');
      const to = (selector) => e.relatedTarget && e.relatedTarget.closest && e.relatedTarget.closest(selector);
      const toButton = to("button");
      const flush = data.inForm && keeper.timer && !(form && toButton && form.contains(toButton));
      cancel();
      if (!flush) return;
      send();
      // Leaving for a page link: the text's rerun reaches the server a moment after the click's page change,
      // and, naming the page it was typed on, would undo it. Follow the link once the text has gone.
      const link = to("a[href]");
      if (!link) return;
      const hold = (click) => { click.preventDefault(); click.stopImmediatePropagation(); };
      link.addEventListener("click", hold, { capture: true });
      setTimeout(() => { link.removeEventListener("click", hold, { capture: true }); link.click(); }, data.follow);
    });
    // A reload or a closed tab right after typing: send what waits rather than lose it. A websocket message
    // sent while the page unloads is lost, so it goes to the app's own route, which the browser completes.
    window.addEventListener("beforeunload", () => {
      if (!keeper.timer) return;
      cancel();
      if (!data.place) { send(); return; }
      if (box.value === keeper.unless) return;
      fetch(data.route, { method: "POST", keepalive: true, credentials: "same-origin",
        headers: { "X-Frontline-Session": "1", "Content-Type": "text/plain" },
        body: JSON.stringify({ place: data.place, text: box.value, keepEmpty: data.keepEmpty }) });
    });
    box.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey || box.tagName === "INPUT")) cancel();
    });
  };
  attach(25);
}
"""

_component = st.components.v2.component("frontline.draft_keeper", js=_JS)
WAIT_MS = 600
"""How long typing pauses before the text is sent: long enough not to rerun the page on every key."""
FOLLOW_MS = 200
"""How long a page link clicked right after typing waits for the text's own message to leave first."""


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element of widget ``key`` (its frontend's own rule)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def keep_typing(box_key: str, on_text: Callable[[str], None], *, in_form: bool = False, place: str | None = None,
                keep_empty: bool = False) -> None:
    """Watch the text box keyed ``box_key``; call ``on_text`` with its text a moment after each burst of typing.

    Mount it right after the box (after its form, when ``in_form``). Its own key follows the box's, so a box
    drawn afresh (after a save) starts with no stale text. With ``place`` (the draft's, with ``keep_empty`` as
    :func:`research.accounts.drafts.keep_text` takes it), text still waiting when the page unloads goes to
    :data:`frontline_ui.draft_route.DRAFT_ROUTE` instead of to ``on_text``.
    """
    keeper_key = "draft-" + hashlib.sha256(box_key.encode()).hexdigest()[:32]  # a component key may not hold "__"

    def changed() -> None:
        state = st.session_state.get(keeper_key)
        text = getattr(state, "get", lambda _: None)("text") if state is not None else None
        if isinstance(text, str):
            on_text(text)

    drawn = st.session_state.get(box_key)  # the text the box was drawn with, to spot typing that came first
    _component(key=keeper_key, data={"box": key_class(box_key), "wait": WAIT_MS, "follow": FOLLOW_MS,
                                     "inForm": in_form, "drawn": drawn,
                                     "place": place, "keepEmpty": keep_empty, "route": DRAFT_ROUTE},
               on_text_change=changed, height=0)
