"""Admin page: the audit trail of staff sign-ins, account changes, exports, links, backups and restores."""

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.exports import record_export
from research.audit import ACTIONS, audit_events
from research.spreadsheets import inert

require_page("audit")
st.title("Audit trail")
st.caption("Staff actions only, newest first. Nothing an agent does on the pulse page is ever recorded here.")
left, right = st.columns(2)
actor = left.text_input("Who (exact username)", placeholder="everyone")
action = right.selectbox("Action", [None, *ACTIONS], format_func=lambda a: "any" if a is None else ACTIONS[a])
with resources.db_session() as session:
    events = audit_events(session=session, actor=actor.strip() or None, action=action)
if events.empty:
    st.info("No events match.")
else:
    st.dataframe(events, hide_index=True, width="stretch")
    st.download_button("Download (CSV)", inert(events).to_csv(index=False), file_name="frontline-audit.csv",
                       mime="text/csv", on_click=record_export, args=("audit trail (CSV)",))
