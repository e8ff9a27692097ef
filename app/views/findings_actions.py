"""Executive page: "you said, we did" - record actions against themes, publish them to agents, see what moved."""

import pandas as pd
import streamlit as st

from frontline_ui import findings_data, resources
from frontline_ui.actions_form import record_action_form
from frontline_ui.auth import require_page
from frontline_ui.exports import text_table
from frontline_ui.forms import flash, show_flash
from frontline_ui.markdown import plain
from interviews.codebook import code_choices
from research.errors import FrontlineError
from research.findings.action_effects import action_effect
from research.findings.actions import ALL_TEAMS, STATUSES, actions_table, due_note, update_action
from research.findings.representative import pick_representative, wave_statuses

user = require_page("findings_actions")
st.title("Actions: you said, we did")
st.caption("Published actions appear on the agents' pulse page. After later waves, each action shows whether its "
           "theme's share of comments and sentiment moved since it was recorded.")
with resources.db_read() as session:
    codes = code_choices(session=session)
    table = actions_table(session=session)

record_action_form(user.username, codes, expanded=table.empty)

if table.empty:
    st.info("No actions recorded yet.")
    st.stop()
shown = table.drop(columns=["id"]).assign(Status=table["Status"].str.capitalize(),
                                         Published=table["Published"].map({True: "Yes", False: "No"}))
text_table(shown, what="actions (CSV)", file_name="actions.csv", height=400)

job_id = findings_data.results_job()
limits = findings_data.thresholds()
with resources.db_read() as session:  # read once: the representative wave and why the others are not
    statuses = wave_statuses(session=session, thresholds=limits)
notes = {s.wave_id: s.label for s in statuses if s.label}
representative = pick_representative(statuses)
gaps = findings_data.gaps(job_id, limits.scores, limits.comments, representative) if job_id else None
# The comments, text and all, are read only when some action is one team's: only its effect needs them.
comments = findings_data.comments(job_id, representative) if job_id and (table["For"] != ALL_TEAMS).any() else None
for row in table.to_dict("records"):
    with st.container(border=True):
        due = due_note(row["Due"], row["Status"])
        st.text(f"{row['Theme']} · {row['For']} · {row['Status'].capitalize()} · owner: {row['Owner']}"
                + (f" · {due}" if due else ""))
        st.text(row["What"])
        if gaps is not None:
            with resources.db_read() as session:
                effect = action_effect(session=session, action_id=int(row["id"]), gaps=gaps, comments=comments,
                                       thresholds=limits, wave_notes=notes)
            if effect is not None:
                st.caption(plain(effect.sentence))
        with st.form(f"action_{row['id']}"):
            left, right = st.columns(2)
            new_status = left.selectbox("Status", STATUSES, index=STATUSES.index(row["Status"]),
                                        format_func=str.capitalize)
            new_due = right.date_input("Due", value=None if pd.isna(row["Due"]) else row["Due"])
            publish = right.checkbox("Published to agents", value=bool(row["Published"]))
            if st.form_submit_button("Update"):
                try:
                    with resources.db_session() as session:
                        update_action(session=session, action_id=int(row["id"]), status=new_status,
                                      published=publish, due_on=new_due)
                except FrontlineError as exc:
                    st.error(plain(exc))
                else:
                    shared = "published to agents" if publish else "not published"
                    due = due_note(new_due, new_status)
                    flash(f"action_{row['id']}", f"Updated: {new_status.capitalize()}, {shared}"
                                                 + (f", {due}." if due else "."))
                    st.rerun()
        show_flash(f"action_{row['id']}")
