"""Researcher page: the pulse waves, and a form to create one from the question library."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.forms import clear_form, flash, form_key, show_flash
from frontline_ui.kept_text import KeptBoxes
from frontline_ui.markdown import plain
from frontline_ui.pickers import select_wave
from research.audit import record
from research.errors import FrontlineError
from research.figure_text import counted
from research.pulse.library import QUESTION_LIBRARY
from research.pulse.segment_text import segment_columns, segments_example, segments_from_text
from research.pulse.waves import waves_table
from research.pulse.waves_admin import create_wave_id, everyday_names, wave_shape

me = require_page("pulse_waves")
admin = me.role == "admin"
st.title("Pulse waves")
with resources.db_read() as session:
    table = waves_table(session=session)
if not show_flash("pulse_waves"):
    st.session_state.pop("pulse_waves_made", None)
elif made := st.session_state.get("pulse_waves_made"):
    # Straight to the new wave's links: the links page opens on the newest wave by opening day, not this one.
    st.page_link("views/pulse_links.py", label=f"Make invite links for {plain(made)}", icon=":material/link:",
                 query_params={"wave": made})
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
boxes = KeptBoxes(me.username, "wave:new", form)
with st.form(form, enter_to_submit=False):  # Enter in the title does not create a half-typed wave, which stays
    # An example, not a value: a filled-looking "Pulse wave 5 (January 2027)" was taken for one (an outside walk).
    title = boxes.text_input("Title", "title", placeholder=f"e.g. Pulse wave ({date.today():%B %Y})")
    left, right = st.columns(2)
    opens_on = left.date_input("Opens", value=date.today(), key=f"{form}_opens")
    closes_on = right.date_input("Closes", value=date.today() + timedelta(days=14), key=f"{form}_closes")
    keys = st.multiselect("Questions from the library", list(library), default=list(library),
                          format_func=lambda k: library[k].prompt, key=f"{form}_keys")
    with st.expander("Edit question wording", expanded=boxes.holds_draft("prompt_")):
        prompts = {k: boxes.text_input(k, f"prompt_{k}", saved=library[k].prompt) for k in library}
    extras = boxes.text_area("Extra free-text questions (one per line, optional)", "extras")
    st.caption(f"Segments, one per line: {', '.join(segment_columns(headcount=admin))}. Separate the values with "
               "commas, or paste rows from a spreadsheet (tabs); leave one out with nothing between two commas, and "
               "a header line is skipped. Each response carries only its segment's values. "
               + ("Headcount caps the segment's invites and open-link answers, so nobody can pad a small team."
                  if admin else "An admin sets each segment's headcount on the Pulse links page: links can be "
                  "made for a segment only once it has one, so nobody can pad a small team."))
    written = boxes.text_area("Segments", "segments", placeholder=segments_example(headcount=admin), height=150)
    if st.form_submit_button("Create wave", type="primary"):
        try:
            specs = segments_from_text(written, headcount_allowed=admin)
            with resources.db_session() as session:
                wave_id = create_wave_id(session=session, title=title, opens_on=opens_on, closes_on=closes_on,
                                         question_keys=keys, segments=specs, extra_text_questions=extras.splitlines(),
                                         prompts=prompts)
                shape = wave_shape(session=session, wave_id=wave_id)
                record(session=session, actor=me.username, action="wave_created",
                       subject=f"{shape.title}: {counted(shape.questions, 'question')}, "
                               f"{counted(shape.segments, 'segment')}")
                boxes.forget(session)
                created = (shape.title, shape.questions, shape.segments)
        except FrontlineError as exc:
            st.error(plain(exc))
        else:
            made = f"{counted(created[1], 'question')} and {counted(created[2], 'segment')}"
            everyday = ", ".join(repr(name) for name in everyday_names(specs))
            warned = (f" Note: the team name(s) {everyday} are everyday words: where a small group's quote uses "
                      "one, it reads [team], in earlier waves' and interviews' quotes too. A name such as "
                      "'Billing team' keeps the word.") if everyday else ""
            flash("pulse_waves", plain(f"Created {created[0]} with {made}: it is in the table below. Make its invite "
                                       "links on the Pulse links page." + warned))
            if closes_on < date.today():  # a walk made a wave wholly in the past, unwarned
                flash("pulse_waves", plain(f"{created[0]} closed on {closes_on:%d %B %Y}, before today: it takes no "
                                           "links and no answers, only responses imported from another survey "
                                           "tool. If the dates are a slip, create the wave again with the right "
                                           "ones under another title."), "warning")
            st.session_state["pulse_waves_made"] = created[0]
            select_wave(created[0])
            clear_form("create_wave")
            st.rerun()
boxes.keep()
