"""Storing an accepted import preview: guide matching, pseudonymisation, consent, all-or-nothing."""

import pytest
from sqlalchemy import func, select

from interviews.importing import import_csv, import_transcript, match_guide_question
from interviews.notes import interview_slots
from interviews.transcripts import CsvMapping, Turn, map_csv_rows, parse_transcript, read_csv_table
from research.errors import FrontlineError
from research.privacy.roster import replace_roster
from research.store.models import Interview, InterviewNote, Participant


def test_transcript_answers_land_on_their_guide_questions_and_are_pseudonymised(session, study):
    replace_roster(session=session, names=["Morgan Reyes"], actor="admin")
    transcript = (b"Q: Do you have the tools you need??\nA: The CRM freezes; Morgan Reyes knows.\n"
                  b"Q: What about parking?\nA: There is none.\n"
                  b"Q: How does management support YOU\nA: They don't.\n")
    preview = parse_transcript("interview.txt", transcript)
    result = import_transcript(session=session, study_id=study["study"].id, participant_id=study["participants"][1].id,
                               turns=preview.turns, interviewer="ana", held_on=None, editor="ana")
    assert (result.notes, result.matched_to_guide, result.replacements) == (3, 2, 1)
    # The importer sees what went, as the notes page shows it: an outside walk saw only "1 detail(s) replaced".
    assert result.replaced_text() == "name 'Morgan Reyes'"
    slots = interview_slots(session=session, interview_id=result.interviews[0])
    bodies = {s.question: s.body for s in slots}
    assert bodies["Do you have the tools you need?"] == "The CRM freezes; [name] knows."
    assert bodies["How does management support you?"] == "They don't."
    assert bodies["What about parking?"] == "There is none."  # a question the guide lacks keeps its wording


def test_guide_matching_ignores_case_and_punctuation_but_not_a_different_question(study):
    guide = study["guide"]
    assert match_guide_question("do you have the tools you need", guide) is guide[0]
    assert match_guide_question("Do you have the time you need?", guide) is None


def test_a_transcript_for_a_participant_without_consent_changes_nothing(session, study):
    before = session.scalar(select(func.count(Interview.id)))
    with pytest.raises(FrontlineError, match="no consent"):
        import_transcript(session=session, study_id=study["study"].id, participant_id=study["participants"][2].id,
                          turns=[Turn("", "notes")], interviewer="ana", held_on=None, editor="ana")
    assert session.scalar(select(func.count(Interview.id))) == before


def test_csv_rows_for_known_codes_and_new_people_with_consent(session, study):
    data = (b"who,question,answer,date\nP02,Do you have the tools you need?,Billing is slow,2026-10-06\n"
            b"Sam Lee,Do you have the tools you need?,No headset,06/10/2026\nP03,Anything else?,Parking\n")
    preview = map_csv_rows(read_csv_table(data), CsvMapping(participant="who", answer="answer", question="question",
                                                            held_on="date"))
    without = import_csv(session=session, study_id=study["study"].id, preview=preview, editor="ana")
    assert len(without.interviews) == 1
    assert any("'Sam Lee' is not a participant code" in s for s in without.skipped)
    assert any("P03 has no consent" in s for s in without.skipped)
    result = import_csv(session=session, study_id=study["study"].id, preview=preview, editor="ana",
                        consent_confirmed=True)
    assert result.new_participants == {"Sam Lee": "P04"}
    # The name in the file is never stored: the new participant is only P04.
    assert session.scalar(select(func.count(Participant.id)).where(Participant.code == "Sam Lee")) == 0
    assert session.scalar(select(func.count(InterviewNote.id)).where(InterviewNote.body == "No headset")) == 1


def test_a_csv_with_nobody_importable_is_refused(session, study):
    preview = map_csv_rows(read_csv_table(b"who,answer\nP03,hello\n"), CsvMapping(participant="who", answer="answer"))
    with pytest.raises(FrontlineError, match="Nothing was imported"):
        import_csv(session=session, study_id=study["study"].id, preview=preview, editor="ana")


def test_the_same_transcript_imported_twice_is_stored_once(session, study):
    replace_roster(session=session, names=["Morgan Reyes"], actor="admin")
    transcript = b"Q: Do you have the tools you need?\nA: Morgan Reyes has the only licence.\n"
    turns = parse_transcript("interview.txt", transcript).turns
    p2 = study["participants"][1].id
    notes = select(func.count(InterviewNote.id))
    first = import_transcript(session=session, study_id=study["study"].id, participant_id=p2, turns=turns,
                              interviewer="ana", held_on=None, editor="ana")
    stored = session.scalar(notes)
    again = import_transcript(session=session, study_id=study["study"].id, participant_id=p2, turns=turns,
                              interviewer="ana", held_on=None, editor="ana")
    assert again.interviews == [] and again.notes == 0
    assert again.already_imported == first.interviews
    assert session.scalar(notes) == stored
    # A different transcript for the same person is a new interview.
    other = import_transcript(session=session, study_id=study["study"].id, participant_id=p2,
                              turns=[Turn("Do you have the tools you need?", "Now I do.")], interviewer="ana",
                              held_on=None, editor="ana")
    assert len(other.interviews) == 1 and other.interviews != first.interviews
    assert first.also_stored_as == [] and other.also_stored_as == []


def test_the_same_transcript_for_another_participant_is_stored_and_named_as_a_likely_misfiling(session, study):
    """One person's words under two participants: one is misfiled. Stored (the researcher may be correcting the
    first), but the result names the other interview so the page can say so."""
    turns = [Turn("Do you have the tools you need?", "The billing screen freezes at month end.")]
    p1, p2 = (p.id for p in study["participants"][:2])
    first = import_transcript(session=session, study_id=study["study"].id, participant_id=p2, turns=turns,
                              interviewer="ana", held_on=None, editor="ana")
    second = import_transcript(session=session, study_id=study["study"].id, participant_id=p1, turns=turns,
                               interviewer="ana", held_on=None, editor="ana")
    assert len(second.interviews) == 1 and second.also_stored_as == first.interviews


def test_csv_rows_already_stored_are_not_imported_again(session, study):
    data = b"who,question,answer\nP02,Do you have the tools you need?,Billing is slow\n"
    preview = map_csv_rows(read_csv_table(data), CsvMapping(participant="who", answer="answer", question="question"))
    first = import_csv(session=session, study_id=study["study"].id, preview=preview, editor="ana")
    again = import_csv(session=session, study_id=study["study"].id, preview=preview, editor="ana")
    assert again.interviews == [] and again.already_imported == first.interviews
    assert any("already stored" in reason for reason in again.skipped)
    assert session.scalar(select(func.count(InterviewNote.id)).where(InterviewNote.body == "Billing is slow")) == 1


def test_imported_interviews_take_places_in_the_order_their_notes_were_saved(session, study):
    """Interview evidence releases people in place order, given with their first note (as typed notes are)."""
    sid = study["study"].id
    preview = parse_transcript("interview.txt", b"Q: Do you have the tools you need?\nA: The CRM freezes.\n")
    import_transcript(session=session, study_id=sid, participant_id=study["participants"][1].id,
                      turns=preview.turns, interviewer="ana", held_on=None, editor="ana")
    data = b"who,question,answer\nP01,Do you have the tools you need?,No headset\nSam Lee,Anything else?,Parking\n"
    rows = map_csv_rows(read_csv_table(data), CsvMapping(participant="who", answer="answer", question="question"))
    import_csv(session=session, study_id=sid, preview=rows, editor="ana", consent_confirmed=True)
    first = func.min(InterviewNote.id)
    placed = session.execute(
        select(Participant.code, Participant.evidence_place).join(Interview, Interview.participant_id == Participant.id)
        .join(InterviewNote, InterviewNote.interview_id == Interview.id).where(Participant.study_id == sid)
        .group_by(Participant.code, Participant.evidence_place).order_by(first)).all()
    assert [tuple(row) for row in placed] == [("P02", 1), ("P01", 2), ("P04", 3)]


def test_the_words_replaced_are_listed_most_often_first_and_cut_after_a_few():
    from interviews.importing import ImportResult

    result = ImportResult()
    result.replaced.update([("name", "Dana")] * 3 + [("phone", "07700 900123")]
                           + [("name", f"N{i}") for i in range(20)])
    said = result.replaced_text(limit=3)
    assert said.startswith("name 'Dana' (3 times), ") and said.endswith(" and 19 more")
