"""Researcher page: record actions against themes for executives to follow up and publish."""

import streamlit as st

from frontline_ui import resources
from frontline_ui.actions_form import record_action_form
from frontline_ui.auth import require_page
from interviews.codebook import code_choices
from research.findings.actions import actions_table

user = require_page("actions_record")
st.title("Record actions")
st.caption("Actions recorded here appear on the executives' Actions page; published ones reach agents on the "
           "pulse page.")
with resources.db_session() as session:
    codes = code_choices(session=session)
    table = actions_table(session=session)
record_action_form(user.username, codes, expanded=True)
if not table.empty:
    st.dataframe(table.drop(columns=["id"]), hide_index=True, width="stretch")
