"""The form that records an action against a theme, shared by the executive and researcher pages."""

from datetime import date, timedelta

import streamlit as st

from frontline_ui import resources
from research.errors import FrontlineError
from research.findings.actions import STATUSES, create_action


def record_action_form(username: str, codes: dict[str, str], expanded: bool) -> None:
    with st.expander("Record an action", expanded=expanded):
        with st.form("record_action"):
            theme = st.selectbox("Theme", list(codes), format_func=codes.get)
            title = st.text_area("What will be done", placeholder="Replace the billing system's search screen")
            left, right = st.columns(2)
            owner = left.text_input("Owner", placeholder="Head of billing operations")
            due_on = right.date_input("Due", value=date.today() + timedelta(days=60))
            status = left.selectbox("Status", STATUSES)
            published = right.checkbox("Publish to agents now")
            if st.form_submit_button("Record action", type="primary"):
                try:
                    with resources.db_session() as session:
                        create_action(session=session, theme=theme, title=title, owner=owner, due_on=due_on,
                                      status=status, published=published, created_by=username)
                except FrontlineError as exc:
                    st.error(str(exc))
                else:
                    st.success("Action recorded.")
                    st.rerun()

