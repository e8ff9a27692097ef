"""Researcher page: interview studies, their guides and participants, and the exports of their coding."""

from datetime import date

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.exports import record_export
from frontline_ui.forms import clear_form, flash, form_key, show_flash, sticky_tabs
from frontline_ui.kept_text import KeptBoxes
from frontline_ui.markdown import plain
from frontline_ui.participant_form import channel_label, edit_participant_form
from frontline_ui.pickers import pick_by_title, pick_study, select_study
from interviews.codebook import export_codebook_csv, slugify
from interviews.exports import excerpts_csv, excerpts_xlsx
from interviews.guide_text import EXAMPLE as GUIDE_EXAMPLE
from interviews.guide_text import guide_text, parse_guide
from interviews.refi_qda import export_qdpx
from interviews.studies import (
    CHANNELS,
    add_custom_attribute,
    add_participant,
    create_study,
    editable_participants,
    guide_items,
    parse_attributes,
    participants_table,
    set_guide,
    studies_table,
    study_choices,
    withdraw_participant,
)
from research.errors import FrontlineError
from research.figure_text import counted
from research.spreadsheets import rewrite_csv
from research.store.engine import flush_erasure

user = require_page("studies")
st.title("Interview studies")
with resources.db_session() as session:
    table = studies_table(session=session)
show_flash("studies")
if table.empty:
    st.info("No interview studies yet. Create one below, write its guide and add participants; then take notes "
            "on the Interview notes page or import transcripts.")
else:
    # A study without dates read "None" (an outside walk).
    st.dataframe(table.assign(**{column: table[column].map(lambda day: day.isoformat() if day else "not set")
                                 for column in ("Starts", "Ends")}), hide_index=True, width="stretch")

form = form_key("create_study")
boxes = KeptBoxes(user.username, "study:new", form)
with st.expander("Create a study", expanded=table.empty or boxes.holds_draft()):
    # Enter in the title does not create it: a walk's Enter made a study with no purpose, and studies stay.
    with st.form(form, enter_to_submit=False):
        title = boxes.text_input("Title", "title", placeholder="Customer Service Week 2027: agent interviews")
        purpose = boxes.text_area("Purpose", "purpose")
        left, right = st.columns(2)
        starts_on = left.date_input("Starts", value=date.today(), key=f"{form}_starts")
        ends_on = right.date_input("Ends", value=date.today(), key=f"{form}_ends")
        if st.form_submit_button("Create study", type="primary"):
            try:
                with resources.db_session() as session:
                    created = create_study(session=session, title=title, purpose=purpose, starts_on=starts_on,
                                           ends_on=ends_on).title
                    boxes.forget(session)
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("studies", f"Created the study '{plain(created)}': it is selected below. Write its guide "
                                 "and add participants.")
                select_study(created)
                clear_form("create_study")
                st.rerun()
    boxes.keep()

if table.empty:
    st.stop()
study_id = pick_study("No studies yet.")
guide_tab, people_tab, export_tab = sticky_tabs(["Interview guide", "Participants", "Export"], key="study_tab")

with guide_tab:
    with resources.db_read() as session:
        saved_guide = guide_text(guide_items(session=session, study_id=study_id))
    st.caption("One question per line, in the order they are asked; after a question, its probes follow ` | ` "
               "and are separated by `;`. Notes stay attached to a question as long as its wording is unchanged. "
               "What you type is kept as your draft; the guide changes when you press Save guide.")
    form = form_key(f"guide_{study_id}")
    boxes = KeptBoxes(user.username, f"guide:{study_id}", form)
    with st.form(form):
        written = boxes.text_area("Guide", "guide", saved=saved_guide, height=260, placeholder=GUIDE_EXAMPLE)
        if st.form_submit_button("Save guide"):
            try:
                items = parse_guide(written)
                with resources.db_session() as session:
                    saved = len(set_guide(session=session, study_id=study_id, items=items))
                    boxes.forget(session)
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("studies", f"Guide saved with {counted(saved, 'question')}.")
                clear_form(f"guide_{study_id}")
                st.rerun()
    boxes.keep()

with people_tab:
    with resources.db_read() as session:
        people = participants_table(session=session, study_id=study_id)
        editable = editable_participants(session=session, study_id=study_id)
    st.caption("Participants are known by their code only. Notes can be saved only once consent is recorded.")
    if not people.empty:
        shown = people.astype(object).where(people.notna(), "")  # no "None" where nothing is recorded
        st.dataframe(shown, hide_index=True, width="stretch", column_config={
            "id": None, "code": "Code", "industry": "Industry", "role": "Role", "tenure_band": "Tenure band",
            "site": "Site", "channel": "Channel", "consent_given": st.column_config.CheckboxColumn("Consent given"),
            "withdrawn_on": "Withdrew on"})
    if editable:
        by_id = {p.id: p for p in editable}
        person = by_id[pick_by_title("Edit participant", {p.id: p.code for p in editable}, "",
                                     key="edit_participant", in_address=True)]
        edit_participant_form(user.username, person)
    if not people.empty:
        active = people[people["withdrawn_on"].isna()]
        form = form_key("withdraw")
        with st.form(form):
            step = resources.settings().min_group_size
            st.markdown("**A participant withdraws**: every interview, note, revision, coded excerpt and memo of "
                        "theirs is erased, and their attributes cleared. This cannot be undone. Interview evidence "
                        f"then leaves out everyone interviewed in the same step of {step} as them, so no reader can "
                        "tell which quote or count was theirs.")
            left, right = st.columns(2)
            leaving = left.selectbox("Participant", active["code"].tolist(), index=None, key=f"{form}_who")
            typed = right.text_input("Type their code again to confirm", key=f"{form}_typed")
            if st.form_submit_button("Erase their data"):
                if leaving is None or typed.strip().casefold() != leaving.casefold():
                    st.error("Choose the participant and type the same code to confirm; nothing was erased.")
                else:
                    try:
                        with resources.db_session() as session:
                            row = active[active["code"] == leaving].iloc[0]
                            withdraw_participant(session=session, participant_id=int(row["id"]), actor=user.username,
                                                 settings=resources.settings())
                    except FrontlineError as exc:
                        st.error(plain(str(exc)))
                    else:
                        flushed = flush_erasure(resources.engine())  # the old pages leave the database file
                        flash("studies", f"{plain(leaving)} withdrew: their data is erased."
                              + ("" if flushed else " The database is busy: an administrator's next erasure "
                                                    "writes the old pages over."))
                        clear_form("withdraw")
                        st.rerun()
    form = form_key("add_attribute")
    with st.form(form):
        attribute = st.text_input("Add a custom attribute to every participant", placeholder="shift",
                                  key=f"{form}_name")
        if st.form_submit_button("Add attribute"):
            try:
                with resources.db_session() as session:
                    added = add_custom_attribute(session=session, study_id=study_id, name=attribute)
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("studies", f"Added '{plain(added)}': fill it in for each participant under Edit participant.")
                clear_form("add_attribute")
                st.rerun()
    form = form_key("add_participant")
    boxes = KeptBoxes(user.username, f"participant:new:{study_id}", form)
    with st.form(form):
        st.markdown("**Add a participant** (the next free code is given automatically)")
        c1, c2, c3 = st.columns(3)
        industry = boxes.text_input("Industry", "industry", where=c1)
        role = boxes.text_input("Role", "role", where=c2)
        tenure = boxes.text_input("Tenure band", "tenure", where=c3)
        c4, c5, c6 = st.columns(3)
        channel = c4.selectbox("Channel", ["", *CHANNELS], format_func=channel_label, key=f"{form}_channel")
        site = boxes.text_input("Site", "site", where=c5)
        consent = c6.checkbox("Consent given", key=f"{form}_consent")
        custom = boxes.text_input("Custom attributes (name=value; name=value)", "custom", placeholder="shift=evening")
        if st.form_submit_button("Add participant"):
            try:
                with resources.db_session() as session:
                    code = add_participant(session=session, study_id=study_id, industry=industry, role=role,
                                           tenure_band=tenure, channel=channel, site=site, consent_given=consent,
                                           attributes=parse_attributes(custom)).code
                    boxes.forget(session)
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("studies", f"Added {plain(code)}" + (" with consent recorded." if consent else
                                                           ", no consent recorded yet: notes wait for it."))
                clear_form("add_participant")
                st.rerun()
    boxes.keep()

with export_tab:
    # An outside walk found another study's analytic memos in its own study's .qdpx, unannounced.
    st.caption("Exports hold pseudonymised notes and participant codes only. The codebook is shared by every "
               "study, so the codebook and the .qdpx carry every code's memos, written in any study.")
    if st.button("Prepare exports"):
        with resources.db_session() as session:
            # Named after the study: two studies' exports saved side by side must not overwrite each other.
            stem = slugify(study_choices(session=session)[study_id])
            st.session_state["study_exports"] = (study_id, {
                "Excerpts (CSV)": (excerpts_csv(session=session, study_id=study_id), f"{stem}-excerpts.csv",
                                   "text/csv"),
                "Excerpts and codebook (XLSX)": (
                    excerpts_xlsx(session=session, study_id=study_id), f"{stem}-excerpts.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                "Codebook (CSV)": (rewrite_csv(export_codebook_csv(session=session)), "codebook.csv", "text/csv"),
                "REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder": (
                    export_qdpx(session=session, study_id=study_id), f"{stem}.qdpx", "application/zip"),
            })
    prepared = st.session_state.get("study_exports")
    if prepared and prepared[0] == study_id:
        for label, (data, name, mime) in prepared[1].items():
            st.download_button(label, data=data, file_name=name, mime=mime, key=f"download_{name}",
                               on_click=record_export, args=(f"{label}, study {study_id}",))
