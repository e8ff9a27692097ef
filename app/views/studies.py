"""Researcher page: interview studies, their guides and participants, and the exports of their coding."""

from datetime import date

import pandas as pd
import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.exports import record_export
from frontline_ui.forms import clear_form, flash, form_key, show_flash
from frontline_ui.markdown import plain
from frontline_ui.pickers import pick_study, select_study
from interviews.codebook import export_codebook_csv
from interviews.exports import excerpts_csv, excerpts_xlsx
from interviews.refi_qda import export_qdpx
from interviews.studies import (
    CHANNELS,
    GuideItem,
    add_custom_attribute,
    add_participant,
    create_study,
    guide_items,
    parse_attributes,
    participants_table,
    set_guide,
    studies_table,
    update_participant,
    withdraw_participant,
)
from research.errors import FrontlineError
from research.spreadsheets import rewrite_csv

user = require_page("studies")
st.title("Interview studies")
with resources.db_session() as session:
    table = studies_table(session=session)
show_flash("studies")
if table.empty:
    st.info("No interview studies yet. Create one below, write its guide and add participants; then take notes "
            "on the Interview notes page or import transcripts.")
else:
    st.dataframe(table, hide_index=True, width="stretch")

with st.expander("Create a study", expanded=table.empty):
    form = form_key("create_study")
    with st.form(form):
        title = st.text_input("Title", placeholder="Customer Service Week 2027: agent interviews", key=f"{form}_title")
        purpose = st.text_area("Purpose", key=f"{form}_purpose")
        left, right = st.columns(2)
        starts_on = left.date_input("Starts", value=date.today(), key=f"{form}_starts")
        ends_on = right.date_input("Ends", value=date.today(), key=f"{form}_ends")
        if st.form_submit_button("Create study", type="primary"):
            try:
                with resources.db_session() as session:
                    created = create_study(session=session, title=title, purpose=purpose, starts_on=starts_on,
                                           ends_on=ends_on).title
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("studies", f"Created the study '{plain(created)}': it is selected below. Write its guide "
                                 "and add participants.")
                select_study(created)
                clear_form("create_study")
                st.rerun()

if table.empty:
    st.stop()
study_id = pick_study("No studies yet.")
# Keyed: a save reruns the page, and the unkeyed tab bar went back to the guide after it, hiding the confirmed
# participant and the form just used.
guide_tab, people_tab, export_tab = st.tabs(["Interview guide", "Participants", "Export"], key="study_tab")

with guide_tab:
    with resources.db_session() as session:
        guide = pd.DataFrame([(q.text, "; ".join(q.probes or [])) for q in guide_items(session=session,
                                                                                      study_id=study_id)],
                             columns=["Question", "Probes (separate with ;)"])
    st.caption("Questions in the order they are asked. Notes stay attached to a question as long as its wording "
               "is unchanged. Nothing is saved until you press Save guide.")
    # Inside a form the grid does not rerun the page on each edit, which cost cells their first letters.
    with st.form(form_key(f"guide_{study_id}")):
        edited = st.data_editor(guide, num_rows="dynamic", hide_index=True, width="stretch",
                                key=f"{form_key(f'guide_{study_id}')}_grid")
        if st.form_submit_button("Save guide"):
            items = [GuideItem(str(r[0] or ""), tuple(str(r[1] or "").split(";")))
                     for r in edited.itertuples(index=False)]
            try:
                with resources.db_session() as session:
                    saved = len(set_guide(session=session, study_id=study_id, items=items))
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("studies", f"Guide saved with {saved} questions.")
                clear_form(f"guide_{study_id}")
                st.rerun()

with people_tab:
    with resources.db_session() as session:
        people = participants_table(session=session, study_id=study_id)
    st.caption("Participants are known by their code only. Notes can be saved only once consent is recorded.")
    if not people.empty:
        with st.form(form_key(f"people_{study_id}")):
            edited_people = st.data_editor(
                people, hide_index=True, width="stretch", disabled=["id", "code", "withdrawn_on"],
                key=f"{form_key(f'people_{study_id}')}_grid",
                column_config={"id": None, "code": "Code", "industry": "Industry", "role": "Role",
                               "tenure_band": "Tenure band", "site": "Site",
                               "channel": st.column_config.SelectboxColumn("Channel", options=CHANNELS),
                               "consent_given": st.column_config.CheckboxColumn("Consent given"),
                               "withdrawn_on": st.column_config.DateColumn("Withdrew on")},
            )
            if st.form_submit_button("Save participants"):
                try:
                    with resources.db_session() as session:
                        for row in edited_people.to_dict("records"):
                            if not pd.isna(row.get("withdrawn_on")):
                                continue  # nothing of theirs is kept, so there is nothing to save
                            values = {k: v for k, v in row.items() if k not in ("id", "code", "withdrawn_on")}
                            values = {k: ("" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
                                      for k, v in values.items()}
                            update_participant(session=session, participant_id=int(row["id"]), values=values)
                except FrontlineError as exc:
                    st.error(plain(exc))
                else:
                    flash("studies", "Participants saved.")
                    clear_form(f"people_{study_id}")
                    st.rerun()
        active = people[people["withdrawn_on"].isna()]
        form = form_key("withdraw")
        with st.form(form):
            st.markdown("**A participant withdraws**: every interview, note, revision, coded excerpt and memo of "
                        "theirs is erased, and their attributes cleared. This cannot be undone.")
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
                            withdraw_participant(session=session, participant_id=int(row["id"]), actor=user.username)
                    except FrontlineError as exc:
                        st.error(plain(str(exc)))
                    else:
                        flash("studies", f"{plain(leaving)} withdrew: their data is erased.")
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
                flash("studies", f"Added '{plain(added)}': fill it in above.")
                clear_form("add_attribute")
                st.rerun()
    form = form_key("add_participant")
    with st.form(form):
        st.markdown("**Add a participant** (the next free code is given automatically)")
        c1, c2, c3 = st.columns(3)
        industry = c1.text_input("Industry", key=f"{form}_industry")
        role = c2.text_input("Role", key=f"{form}_role")
        tenure = c3.text_input("Tenure band", key=f"{form}_tenure")
        c4, c5, c6 = st.columns(3)
        channel = c4.selectbox("Channel", ["", *CHANNELS], key=f"{form}_channel")
        site = c5.text_input("Site", key=f"{form}_site")
        consent = c6.checkbox("Consent given", key=f"{form}_consent")
        custom = st.text_input("Custom attributes (name=value; name=value)", placeholder="shift=evening",
                               key=f"{form}_custom")
        if st.form_submit_button("Add participant"):
            try:
                with resources.db_session() as session:
                    code = add_participant(session=session, study_id=study_id, industry=industry, role=role,
                                           tenure_band=tenure, channel=channel, site=site, consent_given=consent,
                                           attributes=parse_attributes(custom)).code
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("studies", f"Added {plain(code)}" + (" with consent recorded." if consent else
                                                           ", no consent recorded yet: notes wait for it."))
                clear_form("add_participant")
                st.rerun()

with export_tab:
    st.caption("Exports hold pseudonymised notes and participant codes only.")
    if st.button("Prepare exports"):
        with resources.db_session() as session:
            st.session_state["study_exports"] = (study_id, {
                "Excerpts (CSV)": (excerpts_csv(session=session, study_id=study_id), "excerpts.csv", "text/csv"),
                "Excerpts and codebook (XLSX)": (
                    excerpts_xlsx(session=session, study_id=study_id), "excerpts.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                "Codebook (CSV)": (rewrite_csv(export_codebook_csv(session=session)), "codebook.csv", "text/csv"),
                "REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder": (
                    export_qdpx(session=session, study_id=study_id), "study.qdpx", "application/zip"),
            })
    prepared = st.session_state.get("study_exports")
    if prepared and prepared[0] == study_id:
        for label, (data, name, mime) in prepared[1].items():
            st.download_button(label, data=data, file_name=name, mime=mime, key=f"download_{name}",
                               on_click=record_export, args=(f"{label}, study {study_id}",))
