"""Sends what is typed into a text box to the server a moment after typing stops, before any blur or save.

Streamlit learns a text area's value only when the box loses focus (or on
Ctrl+Enter), so text typed and then lost to a reload never reached the server.
This tiny component (``st.components.v2``: runs in the page, no iframe) finds
its text box by the widget's key (Streamlit marks each keyed element with the
class ``st-key-<key>``), listens for typing, and after a pause hands the text
to Python, whose callback keeps it as a draft. Blur and Ctrl+Enter cancel the
pending send: those commit the box itself, and the page saves the note.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import streamlit as st

_JS = """
export default function ({ data, setStateValue }) {
  if (!data) return;
  const attach = (tries) => {
    const box = document.querySelector(`.${data.box} textarea`);
    if (!box) {
      if (tries > 0) setTimeout(() => attach(tries - 1), 200);
      return;
    }
    const keeper = box.frontlineDraft || (box.frontlineDraft = { timer: null });
    keeper.send = setStateValue;  // the newest run's sender
    if (keeper.attached) return;
    keeper.attached = true;
    const cancel = () => { clearTimeout(keeper.timer); keeper.timer = null; };
    box.addEventListener("input", () => {
      cancel();
      keeper.timer = setTimeout(() => { keeper.timer = null; keeper.send("text", box.value); }, data.wait);
    });
    box.addEventListener("blur", cancel);
    box.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) cancel(); });
  };
  attach(25);
}
"""

_component = st.components.v2.component("frontline.draft_keeper", js=_JS)
WAIT_MS = 600
"""How long typing pauses before the text is sent: long enough not to rerun the page on every key."""


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element of widget ``key`` (its frontend's own rule)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def keep_typing(box_key: str, on_text: Callable[[str], None]) -> None:
    """Watch the text area keyed ``box_key``; call ``on_text`` with its text a moment after each burst of typing.

    Mount it right after the text area. Its own key follows the box's, so a box
    drawn afresh (after a save) starts with no stale text.
    """
    keeper_key = "draft-" + hashlib.sha256(box_key.encode()).hexdigest()[:32]  # a component key may not hold "__"

    def changed() -> None:
        state = st.session_state.get(keeper_key)
        text = getattr(state, "get", lambda _: None)("text") if state is not None else None
        if isinstance(text, str):
            on_text(text)

    _component(key=keeper_key, data={"box": key_class(box_key), "wait": WAIT_MS}, on_text_change=changed, height=0)
