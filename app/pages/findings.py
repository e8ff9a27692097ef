"""Executive start page. Until the dashboard lands it says what will appear and what is stored."""

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from research.overview import workspace_summary

require_page("findings")
st.title("Findings overview")
with resources.db_session() as session:
    summary = workspace_summary(session=session)
st.info(
    "This is where the findings dashboard will appear: headline eNPS, morale, tools and management support "
    "for each pulse wave, the biggest morale and tooling gaps with the agents' own (redacted) words, "
    "interview evidence, and the actions taken in response. Every figure respects the reporting thresholds "
    "of at least {} responses per group.".format(resources.settings().min_group_size)
)
columns = st.columns(3)
columns[0].metric("Pulse waves", summary.waves)
columns[1].metric("Pulse responses", summary.responses)
columns[2].metric("Interviews", summary.interviews)
if summary.responses == 0:
    st.write("No pulse responses yet. Researchers create waves and share invite links with agents.")
