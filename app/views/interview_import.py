"""Researcher page: import interview notes from transcripts, CSV or a REFI-QDA project, with a preview first."""

from datetime import date

import pandas as pd
import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.forms import clear_form, flash, form_key, show_flash, sticky_tabs
from frontline_ui.markdown import plain
from frontline_ui.pickers import pick_study
from interviews.importing import import_csv, import_transcript
from interviews.notes import interview_labels
from interviews.refi_qda import import_qdpx
from interviews.sandbox import parse_upload
from interviews.studies import participants_table
from interviews.transcripts import CsvMapping, guess_csv_mapping, map_csv_rows
from research.errors import FrontlineError

user = require_page("interview_import")
st.title("Import notes")
study_id = pick_study("No studies yet: create one on the Interview studies page.")
st.caption("A transcript or spreadsheet is saved only once you accept its preview; a REFI-QDA project becomes a "
           "new study of its own and changes no other. Names on the roster, e-mail addresses, phone and account "
           "numbers are replaced on saving, as in notes typed by hand.")
show_flash("import")

WORKBOOKS = ("xlsx", "xlsm", "xls", "ods", "numbers")
transcript_tab, csv_tab, qdpx_tab = sticky_tabs(["Transcript (.txt, .md, .docx)", "Spreadsheet (.csv)",
                                                "REFI-QDA project (.qdpx)"], key="import_tab")


def _report(result) -> None:
    """Confirm what the import stored, and where (or that it was stored before), then refresh: the form starts
    empty."""
    with resources.db_session() as session:
        labels = interview_labels(session=session, study_id=study_id)

    def named(interviews) -> str:
        return "; ".join(labels.get(i, f"interview {i}") for i in interviews)

    if result.already_imported:
        flash("import", plain(f"Already imported: these answers are stored as {named(result.already_imported)}. "
                              "Nothing was stored again."), "info")
    if result.interviews:
        flash("import", f"Imported {result.notes} answer(s) into {len(result.interviews)} interview(s) "
                        f"({plain(named(result.interviews))}); {result.matched_to_guide} matched a guide question; "
                        f"{result.replacements} detail(s) replaced"
                        + (f": {plain(result.replaced_text())}." if result.replaced else "."))
    if result.also_stored_as:
        flash("import", plain(f"The same answers are also stored as {named(result.also_stored_as)}: a transcript "
                              "is one person's words, so one of the two is probably filed under the wrong "
                              "participant."), "warning")
    for value, code in result.new_participants.items():
        flash("import", f"'{plain(value)}' was added as {code}.", "info")
    for reason in result.skipped:
        flash("import", f"Skipped: {plain(reason)}", "warning")


def _done(form: str, result) -> None:
    _report(result)
    clear_form(form)
    st.rerun()


with transcript_tab:
    with resources.db_session() as session:
        people = participants_table(session=session, study_id=study_id)
    consenting = people[people["consent_given"]] if not people.empty else people
    if consenting.empty:
        st.info("Add a participant with consent recorded on the Interview studies page first.")
    else:
        labels = {int(r["id"]): f"{r['code']} ({r['industry'] or 'no industry'})"
                  for r in consenting.to_dict("records")}
        # No default: a transcript filed under the first participant by mistake would be their words on record.
        # Keyed with the upload's form, so an import clears the choice too: the next file is chosen for anew.
        participant = st.selectbox("Participant", list(labels), format_func=labels.__getitem__, index=None,
                                   placeholder="Choose who was interviewed",
                                   key=f"{form_key('import_transcript')}_participant")
        left, right = st.columns(2)
        interviewer = left.text_input("Interviewer", value=user.username, key="import_interviewer")
        held_on = right.date_input("Date", value=date.today(), key="import_date")
        upload = st.file_uploader("Transcript", type=["txt", "md", "docx"], key=form_key("import_transcript"))
        if upload is not None:
            try:
                preview = parse_upload("transcript", upload.name, upload.getvalue())
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                # preview.format came back from the child process, so it is escaped like any outside text.
                st.write(f"Found {len(preview.turns)} turn(s) as {plain(preview.format)}.")
                st.dataframe(pd.DataFrame([(t.question, t.answer) for t in preview.turns],
                                          columns=["Question", "Answer"]), hide_index=True, width="stretch")
                for reason in preview.skipped:
                    st.warning(f"Will skip: {plain(reason)}")
                if st.button("Import this transcript", type="primary"):
                    if participant is None:
                        st.error("Choose the participant this transcript is from, above: nothing was imported.")
                    else:
                        try:
                            with resources.db_session() as session:
                                result = import_transcript(session=session, study_id=study_id,
                                                           participant_id=participant, turns=preview.turns,
                                                           interviewer=interviewer, held_on=held_on,
                                                           editor=user.username)
                        except FrontlineError as exc:
                            st.error(plain(exc))
                        else:
                            _done("import_transcript", result)

with csv_tab:
    # A workbook is taken in only to be named: refused by the uploader itself, it read "application/vnd.openxml...
    # files are not allowed" (a walk). Workbooks are not parsed here: saved as CSV, the same rows import.
    upload = st.file_uploader("CSV file", type=["csv", *WORKBOOKS], key=form_key("import_csv"))
    if upload is not None and upload.name.lower().rsplit(".", 1)[-1] in WORKBOOKS:
        st.error(plain(f"{upload.name} is a spreadsheet workbook, and this tab reads CSV files: save the sheet as "
                       "CSV (in Excel, File > Save As > CSV UTF-8; in LibreOffice or Google Sheets, as .csv) and "
                       "upload that. Nothing was imported."))
    elif upload is not None:
        try:
            table = parse_upload("csv", upload.name, upload.getvalue())
        except FrontlineError as exc:
            st.error(plain(exc))
        else:
            st.dataframe(table.head(20), hide_index=True, width="stretch")
            columns = list(table.columns)
            optional = ["", *columns]
            st.markdown("**Which column holds what?** One row per answer (map the question column) or one row per "
                        "interview (leave it empty).")
            guess = guess_csv_mapping(columns)

            def at(options: list, role: str) -> int | None:
                """The guessed column's place; a required field no header names is left for the user."""
                return options.index(guess[role]) if guess[role] is not None else (0 if "" in options else None)

            c1, c2, c3 = st.columns(3)
            participant_col = c1.selectbox("Participant", columns, index=at(columns, "participant"),
                                           key="map_participant", placeholder="Choose the column")
            answer_col = c2.selectbox("Answer or notes", columns, index=at(columns, "answer"), key="map_answer",
                                      placeholder="Choose the column")
            question_col = c3.selectbox("Question", optional, index=at(optional, "question"), key="map_question")
            c4, c5 = st.columns(2)
            interviewer_col = c4.selectbox("Interviewer", optional, index=at(optional, "interviewer"),
                                           key="map_interviewer")
            date_col = c5.selectbox("Date", optional, index=at(optional, "held_on"), key="map_date")
            consent = st.checkbox("Participants not yet in this study gave consent: add them under new codes",
                                  key="import_csv_consent")
            if participant_col is None or answer_col is None:
                st.info("No column is named for the participant or the answer: choose which columns hold them, "
                        "above. Nothing is imported until you do.")
            else:
                try:
                    preview = map_csv_rows(table, CsvMapping(participant=participant_col, answer=answer_col,
                                                             question=question_col or None,
                                                             interviewer=interviewer_col or None,
                                                             held_on=date_col or None))
                except FrontlineError as exc:
                    st.error(plain(exc))
                else:
                    st.write(f"{len(preview.interviews)} interview(s), "
                             f"{sum(len(t) for t in preview.interviews.values())} answer(s) ready.")
                    for reason in preview.skipped:
                        st.warning(f"Will skip: {plain(reason)}")
                    if st.button("Import these rows", type="primary"):
                        try:
                            with resources.db_session() as session:
                                result = import_csv(session=session, study_id=study_id, preview=preview,
                                                    editor=user.username, consent_confirmed=consent)
                        except FrontlineError as exc:
                            st.error(plain(exc))
                        else:
                            _done("import_csv", result)

with qdpx_tab:
    st.caption("A project exported from NVivo, ATLAS.ti, MAXQDA, QualCoder or Frontline becomes a new study: "
               "sources, cases, codes, coded segments and memos, and the guide, the study's dates and each "
               "interview's date where Frontline wrote them.")
    upload = st.file_uploader("Project file", type=["qdpx"], key=form_key("import_qdpx"))
    title = st.text_input("Title for the new study (blank: the project's name)", key="import_qdpx_title")
    consent = st.checkbox("Everyone in this project gave consent (used when the project does not say)",
                          key="import_qdpx_consent")
    if upload is not None and st.button("Import project", type="primary"):
        try:
            project = parse_upload("qdpx", upload.name, upload.getvalue())  # read in a limited child process only
            with resources.db_session() as session:
                summary = import_qdpx(session=session, project=project, imported_by=user.username,
                                      title=title.strip() or None, consent_confirmed=consent)
        except FrontlineError as exc:
            st.error(plain(exc))
        else:
            flash("import", f"Created a study with {summary.participants} participant(s), {summary.interviews} "
                            f"interview(s), {summary.excerpts} coded excerpt(s) and {summary.memos} memo(s).")
            for reason in summary.skipped:
                flash("import", f"Skipped: {plain(reason)}", "warning")
            clear_form("import_qdpx")
            st.rerun()
