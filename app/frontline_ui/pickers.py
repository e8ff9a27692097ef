"""Shared widgets for choosing what a page works on."""

import streamlit as st

from frontline_ui import resources
from research.pulse.waves import wave_choices


def pick_wave(empty_message: str, prefer: int | None = None) -> int:
    """A wave picker (newest first, or ``prefer`` first chosen); stops the page when there is no wave."""
    with resources.db_session() as session:
        choices = wave_choices(session=session)
    if not choices:
        st.info(empty_message)
        st.stop()
    # Keyed by title (titles are unique): plain string options behave the same in the browser and in AppTest.
    by_title = {title: wave_id for wave_id, title in choices.items()}
    index = list(choices).index(prefer) if prefer in choices else 0
    return by_title[st.selectbox("Wave", list(by_title), index=index)]


def pick_study(empty_message: str) -> int:
    """A study picker (newest first), shared by the interview pages; stops the page when there is none."""
    from interviews.studies import study_choices

    with resources.db_session() as session:
        choices = study_choices(session=session)
    if not choices:
        st.info(empty_message)
        st.stop()
    by_title = {title: study_id for study_id, title in choices.items()}
    return by_title[st.selectbox("Study", list(by_title), key="study_picker")]
