"""Researcher page: the pulse waves and how many responses each has (totals only)."""

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from research.pulse.waves import waves_table

require_page("pulse_waves")
st.title("Pulse waves")
with resources.db_session() as session:
    table = waves_table(session=session)
if table.empty:
    st.info(
        "No pulse waves yet. Here you will create waves from the contact-centre question library, "
        "print invite links per team, and follow response rates."
    )
else:
    st.dataframe(table, hide_index=True, width="stretch")
