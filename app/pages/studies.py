"""Researcher start page: the interview studies held so far."""

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from interviews.studies import studies_table

require_page("studies")
st.title("Interview studies")
with resources.db_session() as session:
    table = studies_table(session=session)
if table.empty:
    st.info(
        "No interview studies yet. Here you will plan studies and guides, enter or import interview notes, "
        "and code them with the contact-centre codebook."
    )
else:
    st.caption("Notes entry, import and coding will open from each study here.")
    st.dataframe(table, hide_index=True, width="stretch")
