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

import streamlit as st

_KINDS = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}


def flash(place: str, message: str, kind: str = "success") -> None:
    """Keep ``message`` (already escaped with ``plain`` where it quotes typed text) for ``show_flash(place)``."""
    st.session_state.setdefault(f"_flash_{place}", []).append((kind, message))


def has_flash(place: str) -> bool:
    """Whether a message waits for ``place``: a collapsed section holding it should open to show it."""
    return bool(st.session_state.get(f"_flash_{place}"))


def show_flash(place: str) -> None:
    """Show, once, the messages kept for ``place`` by the run that saved."""
    for kind, message in st.session_state.pop(f"_flash_{place}", []):
        _KINDS[kind](message)


def form_key(name: str) -> str:
    """The key of the current, unsaved generation of form ``name``; prefix its widgets' keys with it.

    The first generation is ``name`` itself, so a page opens with the keys it always had.
    """
    generation = st.session_state.get(f"_form_generation_{name}", 0)
    return f"{name}__{generation}" if generation else name


def submission_key(name: str) -> str:
    """The one-time key of the current generation of form ``name``, made when the form is first drawn.

    Both submits of a double click carry the same key, so the library (which
    claims it with the act) stores the second one not at all and says so.
    """
    return st.session_state.setdefault(f"_form_submission_{form_key(name)}", secrets.token_urlsafe(24))


def clear_form(name: str) -> None:
    """Retire the submitted generation of form ``name``: the next run draws it empty."""
    st.session_state[f"_form_generation_{name}"] = st.session_state.get(f"_form_generation_{name}", 0) + 1
