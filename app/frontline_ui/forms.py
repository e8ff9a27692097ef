"""Forms that tell the truth: a confirmation that survives the refresh, and a clean form after each save.

A page that saves must rerun so every table above the form shows the new row;
a plain ``st.success`` before ``st.rerun`` would vanish with that rerun, so the
message waits in the session for the next run. Each form's widgets are keyed
by a generation number that moves on after a save: the next run draws a fresh,
empty form, and a second click on the old button (a double submit) belongs to
a form that no longer exists, so it stores nothing.
"""

from __future__ import annotations

import secrets
import time

import streamlit as st

_KINDS = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}

_SCROLL_JS = """
export default function ({ data }) {
  if (!data) return;
  const done = window.frontlineShown || (window.frontlineShown = new Set());
  if (done.has(data.box)) return;  // once per confirmation, not at every rerun while it stands
  done.add(data.box);
  const inSight = (box) => {
    const r = box.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  };
  const show = (tries) => {
    const box = document.querySelector(`.${data.box}`);
    if (box) box.scrollIntoView({ block: "nearest" });
    else if (tries > 0) setTimeout(() => show(tries - 1), 100);
  };
  show(20);
  // The rest of the page is still being drawn and can push it out of sight again: look twice more.
  for (const later of [400, 1200]) {
    setTimeout(() => { const box = document.querySelector(`.${data.box}`); if (box && !inSight(box)) show(0); }, later);
  }
}
"""
_scroll = st.components.v2.component("frontline.show_confirmation", js=_SCROLL_JS)


def flash(place: str, message: str, kind: str = "success") -> None:
    """Keep ``message`` (already escaped with ``plain`` where it quotes typed text) for ``show_flash(place)``.

    It retires every message an earlier save is still showing, here or elsewhere: only the latest save speaks.
    """
    for name in [k for k in st.session_state if str(k).startswith("_flash_")]:
        st.session_state[name] = [m for m in st.session_state[name] if m[3] is None]
    st.session_state.setdefault(f"_flash_{place}", []).append([kind, message, secrets.token_hex(6), None])


def has_flash(place: str) -> bool:
    """Whether a message waits for ``place``: a collapsed section holding it should open to show it."""
    return bool(st.session_state.get(f"_flash_{place}"))


FLASH_SECONDS = 8.0
"""How long a confirmation stays, whatever reruns the page meanwhile (a draft kept, a late click)."""


def show_flash(place: str):
    """Show the messages kept for ``place`` by the run that saved, scrolled into sight once.

    A message stays for :data:`FLASH_SECONDS` from when it was first shown: a rerun right after the save (a
    draft sent from the browser a moment late) had swallowed confirmations, so a save looked like it did
    nothing. On a long page the confirmation could also be above the screen after the rerun.

    Returns the placeholder holding them (None when nothing stands), for :func:`retract_flash`.
    """
    now = time.monotonic()
    standing = [m for m in st.session_state.get(f"_flash_{place}", []) if m[3] is None or now - m[3] < FLASH_SECONDS]
    if not standing:
        st.session_state.pop(f"_flash_{place}", None)
        return None
    for message in standing:
        message[3] = now if message[3] is None else message[3]
    st.session_state[f"_flash_{place}"] = standing
    key = f"flash_{standing[-1][2]}"  # the same while these messages stand: scrolled to once
    slot = st.empty()
    with slot.container(key=key):
        for kind, text, _, _ in standing:
            _KINDS[kind](text)
    _scroll(key=f"{key}_scroll", data={"box": f"st-key-{key}"}, height=0)
    return slot


def retract_flash(place: str, shown) -> None:
    """Take ``place``'s standing confirmation off the page (``shown``: what :func:`show_flash` returned) and forget it.

    For a form whose next submit failed: a green "saved" above the red error would say the failed try worked.
    """
    st.session_state.pop(f"_flash_{place}", None)
    if shown is not None:
        shown.empty()


def form_key(name: str) -> str:
    """The key of the current, unsaved generation of form ``name``; prefix its widgets' keys with it.

    The first generation is ``name`` itself, so a page opens with the keys it always had.
    """
    generation = st.session_state.get(f"_form_generation_{name}", 0)
    return f"{name}__{generation}" if generation else name


def is_current(form: str) -> bool:
    """Whether ``form`` (a key :func:`form_key` gave) is still the form on screen, not one a save retired."""
    return form_key(form.rsplit("__", 1)[0]) == form


def submission_key(name: str) -> str:
    """The one-time key of the current generation of form ``name``, made when the form is first drawn.

    Both submits of a double click carry the same key, so the library (which
    claims it with the act) stores the second one not at all and says so.
    """
    return st.session_state.setdefault(f"_form_submission_{form_key(name)}", secrets.token_urlsafe(24))


def clear_form(name: str) -> None:
    """Retire the submitted generation of form ``name``: the next run draws it empty."""
    st.session_state[f"_form_generation_{name}"] = st.session_state.get(f"_form_generation_{name}", 0) + 1


def sticky_tabs(labels: list[str], *, key: str) -> list:
    """Tabs that stay on the chosen one across a save's rerun and a reload (the tab is in the address).

    Untracked tabs are redrawn on their first tab whenever the page above them changes, as a confirmation
    does: the user lost sight of what they had just saved and of the form they were using.
    """
    return list(st.tabs(labels, key=key, on_change="rerun", bind="query-params"))
