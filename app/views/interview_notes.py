"""Researcher page: take interview notes question by question; each answer autosaves when you leave it."""

import hashlib
from datetime import date
from functools import partial

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.draft_keeper import keep_typing
from frontline_ui.forms import clear_form, flash, form_key, show_flash
from frontline_ui.kept_text import KeptBoxes, keep_while_typing, kept_text_area, opened_on
from frontline_ui.markdown import plain, widget_name
from frontline_ui.memos import remove_own_memo
from frontline_ui.pickers import pick_interview, pick_study
from interviews.coding import add_memo, memos_table
from interviews.drafts import draft_slot, drafts_for, interviews_with_drafts, keep_draft
from interviews.notes import (
    FREE_NOTES_LABEL,
    date_outside_study,
    interview_labels,
    interview_slots,
    interviews_table,
    note_history,
    save_kept_draft,
    save_note,
    start_interview,
    update_interview,
)
from interviews.studies import participants_table
from research.accounts.drafts import forget_text, interview_boxes, interview_memo_place
from research.errors import FrontlineError
from research.figure_text import counted

user = require_page("interview_notes")
st.title("Interview notes")
study_id = pick_study("No studies yet: create one on the Interview studies page.")

with resources.db_session() as session:
    people = participants_table(session=session, study_id=study_id)
    # A withdrawn participant is not offered: they cannot be interviewed again (an outside walk chose one and was
    # told to record a consent that can no longer be recorded).
    people = people[people["withdrawn_on"].isna()] if not people.empty else people
    has_interviews = not interviews_table(session=session, study_id=study_id).empty

form = form_key("start_interview")
start_boxes = KeptBoxes(user.username, "interview:new", form)
with st.expander("Start an interview", expanded=not has_interviews or start_boxes.holds_draft()):
    if people.empty:
        st.info("No participant of this study can be interviewed: add one on the Interview studies page "
                "(participants who withdrew are not offered).")
    else:
        with st.form(form):
            labels = {int(r.id): f"{r.code} ({r.industry or 'no industry'}, {r.role or 'no role'})"
                      + ("" if r.consent_given else " - no consent recorded") for r in people.itertuples()}
            participant = st.selectbox("Participant", list(labels), format_func=labels.__getitem__, key=f"{form}_who")
            interviewer = start_boxes.text_input("Interviewer", "interviewer", saved=user.username)
            held_on = st.date_input("Date", value=date.today(), key=f"{form}_date")
            if st.form_submit_button("Start interview", type="primary"):
                try:
                    with resources.db_session() as session:
                        new_id = start_interview(session=session, study_id=study_id, participant_id=participant,
                                                 interviewer=interviewer, held_on=held_on).id
                        start_boxes.forget(session)
                        started = interview_labels(session=session, study_id=study_id)[new_id]
                        slip = date_outside_study(session=session, study_id=study_id, held_on=held_on)
                except FrontlineError as exc:
                    st.error(plain(exc))
                else:
                    st.session_state["notes_open_interview"] = new_id
                    flash("notes", plain(f"Started the interview {started}: it is open below."))
                    if slip:
                        flash("notes", plain(slip), "warning")
                    clear_form("start_interview")
                    st.rerun()
        start_boxes.keep()

if not has_interviews:
    st.stop()
picker_key = f"interview_picker_{study_id}"
with resources.db_read() as session:
    drafted = interviews_with_drafts(session=session, username=user.username, study_id=study_id)
interview_id = pick_interview(study_id, "This study has no interviews yet.", key=picker_key,
                              prefer=st.session_state.pop("notes_open_interview", None),
                              fallback=next(iter(drafted), None))  # a reload opens where the newest draft is
if elsewhere := [i for i in drafted if i != interview_id]:
    with resources.db_read() as session:
        names = interview_labels(session=session, study_id=study_id)
    st.info("You have unsaved drafts in another interview of this study too: "
            + "; ".join(plain(names[i]) for i in elsewhere if i in names) + ".")
with resources.db_session() as session:
    row = interviews_table(session=session, study_id=study_id).set_index("id").loc[interview_id]
show_flash("notes")

meta_form = form_key(f"interview_meta_{interview_id}")
meta_boxes = KeptBoxes(user.username, interview_boxes(interview_id), meta_form)
with st.form(meta_form):
    left, right = st.columns(2)
    interviewer = meta_boxes.text_input("Interviewer", "interviewer", saved=row["Interviewer"] or "", where=left)
    held_on_edit = right.date_input("Date", value=row["Held on"] or None, key=f"{meta_form}_date")
    if st.form_submit_button("Save interviewer and date"):
        try:
            with resources.db_session() as session:
                update_interview(session=session, interview_id=interview_id, interviewer=interviewer,
                                 held_on=held_on_edit)
                meta_boxes.forget(session)
                slip = date_outside_study(session=session, study_id=study_id, held_on=held_on_edit)
        except FrontlineError as exc:
            st.error(plain(exc))
        else:
            flash("notes", "Saved the interviewer and date.")
            if slip:
                flash("notes", plain(slip), "warning")
            clear_form(f"interview_meta_{interview_id}")  # drawn afresh from what was saved
            st.rerun()
meta_boxes.keep()


def _report(status_key: str, saved) -> None:
    """What the save did, shown under the box on the next run."""
    replaced = ", ".join(f"{r.kind} '{r.original}'" for r in saved.replacements)
    message = "Saved." if saved.changed else "No changes."
    if replaced:
        message += f" Replaced before saving: {replaced}."
    if saved.unanchored_excerpts:
        message += f" {counted(saved.unanchored_excerpts, 'coded excerpt')} no longer match the text: recode them."
    st.session_state[status_key] = ("success", plain(message))


def _autosave(key: str, status_key: str, interview_id: int, guide_question_id, label: str) -> None:
    """Save one answer when its box loses focus; the next run shows the pseudonymised text as saved."""
    body = st.session_state[key]
    try:
        with resources.db_session() as session:
            saved = save_note(session=session, interview_id=interview_id, body=body, editor=user.username,
                              guide_question_id=guide_question_id, label=label)
    except FrontlineError as exc:
        st.session_state[status_key] = ("error", plain(exc))
        return
    st.session_state[f"{status_key}_saved_text"] = body  # a draft of exactly this text, arriving late, is stale
    _report(status_key, saved)


def _keep_draft(status_key: str, interview_id: int, guide_question_id, label: str, text: str) -> None:
    """Keep what is being typed, for this researcher only, until the note is saved."""
    if st.session_state.get(f"{status_key}_saved_text") == text:
        return
    try:
        with resources.db_session() as session:
            keep_draft(session=session, username=user.username, interview_id=interview_id, body=text,
                       guide_question_id=guide_question_id, label=label)
    except FrontlineError as exc:
        st.session_state[status_key] = ("error", plain(exc))


def _save_draft(status_key: str, interview_id: int, guide_question_id, label: str) -> None:
    try:
        with resources.db_session() as session:
            saved = save_kept_draft(session=session, interview_id=interview_id, editor=user.username,
                                    guide_question_id=guide_question_id, label=label)
    except FrontlineError as exc:
        st.session_state[status_key] = ("error", plain(exc))
    else:
        if saved is not None:  # None: leaving the box had saved it already
            _report(status_key, saved)


st.caption("Each answer saves itself when you click or tab out of its box (or press Ctrl+Enter). Names on the "
           "roster, e-mail addresses, phone and account numbers and links are replaced before saving. Until then "
           "what you type is kept as your draft, for you only, across reloads and pages.")
with resources.db_session() as session:
    slots = interview_slots(session=session, interview_id=interview_id)
    kept = drafts_for(session=session, username=user.username, interview_id=interview_id)
for slot in slots:
    free_label = slot.question if slot.guide_question_id is None else ""
    place = f"note_{interview_id}_{slot.guide_question_id or 'x'}_{free_label}"
    # The box is keyed by what is saved: coming back to the page, or a save that replaced a name, draws it
    # afresh from the database, so it never shows an empty or stale text over a saved answer.
    key = f"{place}_{hashlib.sha256(slot.body.encode()).hexdigest()[:16]}"
    status_key = f"{place}_status"
    label = "" if slot.guide_question_id is not None or slot.question == FREE_NOTES_LABEL else slot.question
    draft = kept.get(draft_slot(slot.guide_question_id, label))
    where = (interview_id, slot.guide_question_id, label)
    question = f"{slot.position}. {slot.question}" if slot.guide_question_id else slot.question
    # Shown escaped above the box; the box's own (hidden) label is its accessible name, as typed: an escaped
    # label made a screen reader speak "customers\' problems" (outside walk).
    st.markdown(plain(question))
    if slot.probes:
        st.caption("Probes: " + " / ".join(map(plain, slot.probes)))
    # Fixed while the box is on screen: the draft kept as the researcher types is no draft "from before".
    opened, from_before = opened_on(key, slot.body, draft)
    st.text_area(widget_name(question), value=opened, key=key, height=120,
                 on_change=_autosave, args=(key, status_key, *where), label_visibility="collapsed")
    keep_typing(key, partial(_keep_draft, status_key, *where))
    if from_before:
        st.caption("Your unsaved draft, kept from before (only you see it). Keep it as the note with:")
        st.button("Save this draft", key=f"{key}_save_draft", on_click=_save_draft, args=(status_key, *where))
    status = st.session_state.get(status_key)
    if status:
        (st.error if status[0] == "error" else st.caption)(status[1])
    if slot.note_id is not None:
        with st.expander("Edit history"):
            with resources.db_session() as session:
                st.dataframe(note_history(session=session, note_id=slot.note_id), hide_index=True, width="stretch")

st.subheader("Memos on this interview")
with resources.db_session() as session:
    memos = memos_table(session=session, interview_id=interview_id)
if not memos.empty:
    st.dataframe(memos, hide_index=True, width="stretch")
remove_own_memo(user.username, place="notes", interview_id=interview_id)
memo_form, memo_place = form_key(f"memo_{interview_id}"), interview_memo_place(interview_id)
with st.form(memo_form):
    memo = kept_text_area(user.username, memo_place, "New memo", key=f"{memo_form}_body")
    if st.form_submit_button("Add memo"):
        try:
            with resources.db_session() as session:
                add_memo(session=session, author=user.username, body=memo, interview_id=interview_id)
                forget_text(session=session, username=user.username, place=memo_place)
        except FrontlineError as exc:
            st.error(plain(exc))
        else:
            flash("notes", "Memo added to the interview.")
            clear_form(f"memo_{interview_id}")
            st.rerun()
keep_while_typing(user.username, memo_place, key=f"{memo_form}_body")
