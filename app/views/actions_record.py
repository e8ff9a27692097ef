"""Researcher page: record actions against themes for executives to follow up and publish."""

import streamlit as st

from frontline_ui import resources
from frontline_ui.actions_form import record_action_form
from frontline_ui.auth import require_page
from frontline_ui.forms import clear_form, flash, form_key, show_flash, submission_key
from frontline_ui.markdown import plain
from frontline_ui.pickers import unique_titles
from interviews.codebook import code_choices
from research.errors import AlreadySubmitted, FrontlineError
from research.findings.action_removal import remove_action
from research.findings.actions import actions_table

user = require_page("actions_record")
st.title("Record actions")
st.caption("Actions recorded here appear on the executives' Actions page; published ones reach agents on the "
           "pulse page.")
with resources.db_session() as session:
    codes = code_choices(session=session)
    table = actions_table(session=session)
record_action_form(user.username, codes, expanded=True)
show_flash("delete_action")
if not table.empty:
    st.dataframe(table.drop(columns=["id"]), hide_index=True, width="stretch")
    titles = unique_titles({int(r["id"]): f"{r['Theme']}: {r['What'][:80]} ({r['Owner']}, {r['Recorded on']})"
                            for r in table.to_dict("records")})
    by_title = {title: action_id for action_id, title in titles.items()}
    form = form_key("delete_action")
    with st.expander("Delete an action recorded by mistake"):
        with st.form(form):
            chosen = st.selectbox("Action", list(by_title), index=None, key=f"{form}_which")
            sure = st.checkbox("Delete it: agents stop seeing it at once if it was published", key=f"{form}_sure")
            if st.form_submit_button("Delete action"):
                if chosen is None or not sure:
                    st.error("Choose the action and tick the box to confirm; nothing was deleted.")
                else:
                    try:
                        with resources.db_session() as session:
                            title = remove_action(session=session, action_id=by_title[chosen], actor=user.username,
                                                  submission=submission_key("delete_action"))
                    except AlreadySubmitted:  # a double click: the first submit deleted it
                        flash("delete_action", "The second click changed nothing: the action was deleted once.",
                              "info")
                        clear_form("delete_action")
                        st.rerun()
                    except FrontlineError as exc:
                        st.error(plain(exc))
                    else:
                        flash("delete_action", plain(f"Deleted the action '{title[:80]}'."))
                        clear_form("delete_action")
                        st.rerun()
