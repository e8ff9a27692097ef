"""Researcher page: the pulse waves, and a form to create one from the question library."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.forms import clear_form, flash, form_key, show_flash
from frontline_ui.markdown import plain
from research.errors import FrontlineError
from research.pulse.library import QUESTION_LIBRARY
from research.pulse.waves import waves_table
from research.pulse.waves_admin import create_wave_id, segments_from_rows, wave_shape

me = require_page("pulse_waves")
admin = me.role == "admin"
st.title("Pulse waves")
with resources.db_read() as session:
    table = waves_table(session=session)
show_flash("pulse_waves")
if table.empty:
    st.info("No pulse waves yet. Create one below, then make invite links for each team on the Pulse links page.")
else:
    rate = table["Response rate"].astype("Float64")
    table["Response rate"] = ["no invites yet" if pd.isna(r) else f"{float(r):.0%}" for r in rate]
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Response rate": st.column_config.TextColumn(
                     "Response rate", help="Responses over the segments' headcount (or over invites sent)")})

st.subheader("Create a wave")
library = {q.key: q for q in QUESTION_LIBRARY}
form = form_key("create_wave")
with st.form(form):
    title = st.text_input("Title", placeholder="Pulse wave 5 (January 2027)", key=f"{form}_title")
    left, right = st.columns(2)
    opens_on = left.date_input("Opens", value=date.today(), key=f"{form}_opens")
    closes_on = right.date_input("Closes", value=date.today() + timedelta(days=14), key=f"{form}_closes")
    keys = st.multiselect("Questions from the library", list(library), default=list(library),
                          format_func=lambda k: library[k].prompt, key=f"{form}_keys")
    with st.expander("Edit question wording"):
        prompts = {k: st.text_input(k, value=library[k].prompt, key=f"{form}_prompt_{k}") for k in library}
    extras = st.text_area("Extra free-text questions (one per line, optional)", key=f"{form}_extras")
    st.caption("Segments: each response carries only its segment's values. "
               + ("Headcount caps the segment's invites and open-link answers, so nobody can pad a small team."
                  if admin else "An admin sets each segment's headcount on the Pulse links page: links can be "
                  "made for a segment only once it has one, so nobody can pad a small team."))
    blank = {"team": [""], "site": [""], "channel": [""], "industry": [""]} | ({"headcount": [None]} if admin else {})
    segments = st.data_editor(
        pd.DataFrame(blank).astype({"headcount": "Int64"} if admin else {}),
        num_rows="dynamic", hide_index=True, key=f"{form}_segments", width="stretch",
    )
    if st.form_submit_button("Create wave", type="primary"):
        try:
            specs = segments_from_rows(segments.to_dict("records"))
            with resources.db_session() as session:
                wave_id = create_wave_id(session=session, title=title, opens_on=opens_on, closes_on=closes_on,
                                         question_keys=keys, segments=specs, extra_text_questions=extras.splitlines(),
                                         prompts=prompts)
                shape = wave_shape(session=session, wave_id=wave_id)
                created = (shape.title, shape.questions, shape.segments)
        except FrontlineError as exc:
            st.error(plain(exc))
        else:
            flash("pulse_waves", plain(f"Created {created[0]} with {created[1]} questions and {created[2]} segments: "
                                       "it is in the table above. Make its invite links on the Pulse links page."))
            clear_form("create_wave")
            st.rerun()
