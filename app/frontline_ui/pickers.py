"""Shared widgets for choosing what a page works on."""

import streamlit as st

from frontline_ui import resources
from research.pulse.waves import wave_choices


def pick_wave(empty_message: str) -> int:
    """A wave picker (newest first), keyed by title since titles are unique; stops the page when there is none."""
    with resources.db_session() as session:
        choices = wave_choices(session=session)
    if not choices:
        st.info(empty_message)
        st.stop()
    by_title = {title: wave_id for wave_id, title in choices.items()}
    return by_title[st.selectbox("Wave", list(by_title))]
