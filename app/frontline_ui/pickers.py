"""Shared widgets for choosing what a page works on."""

import streamlit as st

from frontline_ui import resources
from research.pulse.waves import wave_choices


def _pick_by_title(label: str, choices: dict[int, str], empty_message: str, *, prefer: int | None = None,
                   key: str | None = None) -> int:
    """A selectbox over ``choices`` (id -> unique title); stops the page with ``empty_message`` when empty.

    Keyed by title: plain string options behave the same in the browser and in AppTest.
    """
    if not choices:
        st.info(empty_message)
        st.stop()
    by_title = {title: item_id for item_id, title in choices.items()}
    index = list(choices).index(prefer) if prefer in choices else 0
    return by_title[st.selectbox(label, list(by_title), index=index, key=key)]


def pick_wave(empty_message: str, prefer: int | None = None) -> int:
    """A wave picker (newest first, or ``prefer`` first chosen); stops the page when there is no wave."""
    with resources.db_session() as session:
        choices = wave_choices(session=session)
    return _pick_by_title("Wave", choices, empty_message, prefer=prefer)


def pick_study(empty_message: str) -> int:
    """A study picker (newest first), shared by the interview pages; stops the page when there is none."""
    from interviews.studies import study_choices

    with resources.db_session() as session:
        choices = study_choices(session=session)
    return _pick_by_title("Study", choices, empty_message, key="study_picker")
