"""Notes entry: consent, pseudonymisation on save, edit history, re-anchoring coded excerpts."""

import pytest
from sqlalchemy import select

from interviews.coding import code_quote
from interviews.notes import get_interview, interview_slots, note_history, save_note, start_interview, update_interview
from interviews.studies import add_participant, withdraw_participant
from research.errors import FrontlineError
from research.privacy.roster import replace_roster
from research.store.models import Excerpt, NoteRevision, Participant


def test_no_notes_without_consent(session, study):
    p3 = study["participants"][2]
    with pytest.raises(FrontlineError, match="P03 has no consent recorded"):
        start_interview(session=session, study_id=study["study"].id, participant_id=p3.id, interviewer="ana",
                        held_on=None)


@pytest.mark.parametrize("typed, message", [
    ("", "the Interviewer box is empty"), ("   ", "the Interviewer box is empty"),
    ("x" * 65, "65 characters long; at most 64 fit"),
])
def test_an_interview_needs_an_interviewer_when_started_and_when_edited(session, study, typed, message):
    """An outside walk started an interview with the Interviewer box cleared, then saved it empty again."""
    person = study["participants"][0]
    with pytest.raises(FrontlineError, match=message):
        start_interview(session=session, study_id=study["study"].id, participant_id=person.id, interviewer=typed,
                        held_on=None)
    interview = study["interview"]
    before = get_interview(session=session, interview_id=interview.id).interviewer
    with pytest.raises(FrontlineError, match=message):
        update_interview(session=session, interview_id=interview.id, interviewer=typed, held_on=None)
    assert get_interview(session=session, interview_id=interview.id).interviewer == before
    update_interview(session=session, interview_id=interview.id, interviewer="  Ana   Lopez ", held_on=None)
    assert get_interview(session=session, interview_id=interview.id).interviewer == "Ana Lopez"


@pytest.mark.parametrize("typed, kept, kinds", [
    ("My supervisor Dana never backs us up.", "My supervisor [name] never backs us up.", ["name"]),
    ("Email me at sam.lee@example.com", "Email me at [email]", ["email"]),
    ("Call 07700 900123 after six", "Call [phone] after six", ["phone"]),
    ("Account 12345678 was billed twice", "Account [number] was billed twice", ["number"]),
    ("Priya Shah on the roster said it first", "[name] on the roster said it first", ["name"]),
    ("The CRM freezes at 5pm", "The CRM freezes at 5pm", []),
])
def test_notes_are_pseudonymised_on_save_and_the_researcher_sees_what_changed(session, study, typed, kept, kinds):
    replace_roster(session=session, names=["Priya Shah"], actor="admin")
    saved = save_note(session=session, interview_id=study["interview"].id, body=typed, editor="ana",
                      guide_question_id=study["guide"][0].id)
    assert saved.body == kept
    assert [r.kind for r in saved.replacements] == kinds
    revision = session.scalars(select(NoteRevision)).one()
    # The history records what kind of detail was replaced, never the detail itself.
    assert revision.replaced == kinds and revision.body == kept


def test_each_change_adds_a_revision_and_an_unchanged_save_does_not(session, study):
    args = dict(session=session, interview_id=study["interview"].id, editor="ana",
                guide_question_id=study["guide"][0].id)
    save_note(body="First draft", **args)
    assert not save_note(body="First draft", **args).changed
    save_note(body="Second draft", **{**args, "editor": "ben"})
    history = note_history(session=session, note_id=save_note(body="Second draft", **args).note_id)
    assert list(history["Text"]) == ["First draft", "Second draft"]
    assert list(history["By"]) == ["ana", "ben"]


def test_saving_over_a_note_written_without_history_keeps_its_text_in_the_history(session, study):
    """An outside walk saved over a colleague's demo note; the history then held only the new text."""
    from research.store.models import Interview, InterviewNote

    interview = session.get(Interview, study["interview"].id)
    session.add(InterviewNote(interview_id=interview.id, guide_question_id=study["guide"][0].id, position=1,
                              body="What the colleague wrote"))
    session.flush()
    saved = save_note(session=session, interview_id=interview.id, editor="ana", guide_question_id=study["guide"][0].id,
                      body="Typed over it")
    history = note_history(session=session, note_id=saved.note_id)
    assert list(history["Text"]) == ["What the colleague wrote", "Typed over it"]
    assert list(history["By"]) == [interview.interviewer, "ana"]


def test_slots_walk_the_guide_then_free_notes(session, study):
    save_note(session=session, interview_id=study["interview"].id, body="Loose thoughts", editor="ana")
    slots = interview_slots(session=session, interview_id=study["interview"].id)
    assert [s.question for s in slots] == ["Do you have the tools you need?", "How does management support you?",
                                           "Free notes"]
    assert slots[0].probes == ("Which system?",) and slots[-1].body == "Loose thoughts"


def test_editing_a_note_moves_coded_excerpts_with_their_words(session, study):
    args = dict(session=session, interview_id=study["interview"].id, editor="ana",
                guide_question_id=study["guide"][0].id)
    note_id = save_note(body="The CRM freezes. Billing is fine.", **args).note_id
    code_quote(session=session, note_id=note_id, quote="Billing is fine.", codes=["tools"], coder="ana")
    code_quote(session=session, note_id=note_id, quote="The CRM freezes.", codes=["tools"], coder="ana")
    saved = save_note(body="Honestly, the CRM freezes. Billing is fine.", **args)
    moved = {e.text: (e.span_start, e.span_end) for e in session.scalars(select(Excerpt))}
    assert moved["Billing is fine."] == (27, 43)
    assert moved["The CRM freezes."] == (-1, -1) and saved.unanchored_excerpts == 1


def test_oversized_notes_are_refused(session, study):
    with pytest.raises(FrontlineError, match="at most 200,000"):
        save_note(session=session, interview_id=study["interview"].id, body="x" * 200_001, editor="ana")


def test_two_interviews_of_one_participant_have_distinct_labels(session, study):
    from datetime import date

    from interviews.notes import interview_labels

    p1, p2, _ = study["participants"]
    second = start_interview(session=session, study_id=study["study"].id, participant_id=p1.id, interviewer="ana",
                             held_on=date(2026, 11, 2))
    other = start_interview(session=session, study_id=study["study"].id, participant_id=p2.id, interviewer="ana",
                            held_on=date(2026, 11, 3))
    labels = interview_labels(session=session, study_id=study["study"].id)

    assert len(set(labels.values())) == len(labels) == 3
    assert labels[second.id] == "P01 · 2026-11-02 · interview 1 of 2 · retail · agent"
    assert labels[study["interview"].id] == "P01 · no date · interview 2 of 2 · retail · agent"
    assert labels[other.id] == "P02 · 2026-11-03 · interview 1 of 1 · banking · agent"


def test_a_participant_takes_a_place_with_their_first_note_and_keeps_it_past_withdrawal(session, study):
    """Interview evidence releases people in place order; a withdrawal must not free a place for someone waiting."""
    p1, p2, _ = study["participants"]
    first, second = (q.id for q in study["guide"])

    def place(person) -> int | None:
        return session.get(Participant, person.id).evidence_place

    started = start_interview(session=session, study_id=study["study"].id, participant_id=p2.id, interviewer="ana",
                              held_on=None)  # P02 is interviewed after P01's interview was opened, but noted first
    assert place(p1) is None and place(p2) is None  # an interview without notes holds no place
    save_note(session=session, interview_id=started.id, body="Billing is slow", editor="ana", guide_question_id=first)
    save_note(session=session, interview_id=study["interview"].id, body="No headset", editor="ana",
              guide_question_id=first)
    save_note(session=session, interview_id=started.id, body="Rarely", editor="ana", guide_question_id=second)
    again = start_interview(session=session, study_id=study["study"].id, participant_id=p1.id, interviewer="ana",
                            held_on=None)
    save_note(session=session, interview_id=again.id, body="Still no headset", editor="ana", guide_question_id=first)
    assert (place(p2), place(p1)) == (1, 2)  # later notes and interviews keep a place

    withdraw_participant(session=session, participant_id=p2.id, actor="ana")
    assert place(p2) == 1  # erased, but the place stays theirs
    p4 = add_participant(session=session, study_id=study["study"].id, consent_given=True)
    interview = start_interview(session=session, study_id=study["study"].id, participant_id=p4.id, interviewer="ana",
                                held_on=None)
    save_note(session=session, interview_id=interview.id, body="Fine", editor="ana", guide_question_id=first)
    assert place(p4) == 3


def test_a_withdrawal_takes_every_staff_members_unsent_drafts_about_the_participant(session, study):
    """An insider found an unsent memo outliving a withdrawal, and then shown on a new interview given the freed
    id; drafts of other participants stay."""
    from research.accounts import create_user
    from research.accounts.drafts import (
        coding_words_place,
        excerpt_memo_place,
        interview_boxes,
        interview_memo_place,
        keep_text,
        kept_text,
        participant_boxes,
    )

    for name in ("ana", "ben"):
        create_user(session=session, username=name, role="researcher", password="a long password", actor="setup")
    p1, p2, _ = study["participants"]
    first = study["guide"][0].id
    theirs = start_interview(session=session, study_id=study["study"].id, participant_id=p2.id, interviewer="ana",
                             held_on=None)
    note = save_note(session=session, interview_id=theirs.id, body="My team lead ignores my complaints",
                     editor="ana", guide_question_id=first).note_id
    excerpt = code_quote(session=session, note_id=note, quote="ignores my complaints", codes=["tools"], coder="ana")
    kept = {("ana", interview_memo_place(theirs.id)): "she says her lead ignores her",
            ("ben", excerpt_memo_place(excerpt.id)): "ignored again",
            ("ben", coding_words_place(note)): "ignores my complaints",
            ("ana", f"{participant_boxes(p2.id)}:site"): "Leeds, the night desk",
            ("ana", f"{interview_boxes(theirs.id)}:interviewer"): "ana and raj",
            ("ana", f"{participant_boxes(p1.id)}:site"): "P01's edit stays",
            ("ana", interview_memo_place(study["interview"].id)): "P01's memo stays"}
    for (who, place), body in kept.items():
        keep_text(session=session, username=who, place=place, body=body)

    withdraw_participant(session=session, participant_id=p2.id, actor="ana")

    assert [kept_text(session=session, username=who, place=place) for who, place in kept] \
        == [None, None, None, None, None, "P01's edit stays", "P01's memo stays"]
    again = start_interview(session=session, study_id=study["study"].id, participant_id=p1.id, interviewer="ana",
                            held_on=None)
    assert kept_text(session=session, username="ana", place=interview_memo_place(again.id)) is None
