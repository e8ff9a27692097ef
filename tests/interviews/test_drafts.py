"""Unsaved note text kept per researcher: shown back exactly, theirs alone, gone once saved, never exported."""

import io
import zipfile

import pytest
from sqlalchemy import delete, select

from interviews.corpus import interview_texts
from interviews.drafts import (
    discard_draft,
    draft_body,
    draft_slot,
    drafts_for,
    interviews_with_drafts,
    keep_draft,
)
from interviews.exports import excerpts_csv
from interviews.notes import FREE_NOTES_LABEL, save_kept_draft, save_note, start_interview
from interviews.qdpx_export import export_qdpx
from research.accounts import create_user
from research.errors import FrontlineError
from research.store.models import Interview, Participant
from research.store.note_drafts import NoteDraft

TYPED = "  Dana said the CRM froze twice\r\n\tand then <b>again</b> ‘at 5pm’  "


@pytest.fixture
def people(session):
    for name in ("ana", "ben"):
        create_user(session=session, username=name, role="researcher", password="a long password", actor="setup")
    session.flush()


def keep(session, study, body=TYPED, username="ana", question=0, label=""):
    return keep_draft(session=session, username=username, interview_id=study["interview"].id, body=body,
                      guide_question_id=None if question is None else study["guide"][question].id, label=label)


def test_a_draft_comes_back_exactly_as_typed_to_its_author_only(session, study, people):
    assert keep(session, study)
    keep(session, study, body="ben's own words", username="ben")
    first = draft_slot(study["guide"][0].id)
    assert drafts_for(session=session, username="ana", interview_id=study["interview"].id) == {first: TYPED}
    assert drafts_for(session=session, username="ben", interview_id=study["interview"].id) == {
        first: "ben's own words"}
    assert drafts_for(session=session, username="nobody", interview_id=study["interview"].id) == {}
    keep(session, study, body=TYPED + " more")  # typing on replaces the draft, one row per note place
    assert drafts_for(session=session, username="ana", interview_id=study["interview"].id) == {first: TYPED + " more"}
    assert session.scalar(select(NoteDraft.id).where(NoteDraft.body == TYPED)) is None


def test_free_and_labelled_notes_have_their_own_drafts(session, study, people):
    keep(session, study, body="free", question=None, label=FREE_NOTES_LABEL)
    keep(session, study, body="labelled", question=None, label="Imported question")
    assert draft_body(session=session, username="ana", interview_id=study["interview"].id,
                      label=FREE_NOTES_LABEL) == "free"
    assert draft_body(session=session, username="ana", interview_id=study["interview"].id,
                      label=" Imported question ") == "labelled"
    assert draft_slot(None, "a") != draft_slot(None, "b") != draft_slot(1)


def test_saving_the_note_discards_the_editors_draft_but_not_a_colleagues(session, study, people):
    keep(session, study)
    keep(session, study, body="ben's own words", username="ben")
    saved = save_kept_draft(session=session, interview_id=study["interview"].id, editor="ana",
                            guide_question_id=study["guide"][0].id)
    assert saved is not None and saved.body.startswith("  [name] said the CRM froze twice\n")  # pseudonymised
    assert drafts_for(session=session, username="ana", interview_id=study["interview"].id) == {}
    assert list(drafts_for(session=session, username="ben", interview_id=study["interview"].id).values()) == [
        "ben's own words"]
    assert save_kept_draft(session=session, interview_id=study["interview"].id, editor="ana",
                           guide_question_id=study["guide"][0].id) is None  # nothing left to save
    keep(session, study, body="again")
    save_note(session=session, interview_id=study["interview"].id, body="typed and left the box", editor="ana",
              guide_question_id=study["guide"][0].id)
    assert drafts_for(session=session, username="ana", interview_id=study["interview"].id) == {}


def test_text_equal_to_the_saved_note_is_no_draft(session, study, people):
    save_note(session=session, interview_id=study["interview"].id, body="as saved", editor="ana",
              guide_question_id=study["guide"][0].id)
    keep(session, study, body="as saved but longer")
    assert not keep(session, study, body="as saved")  # typed back to what is saved
    assert drafts_for(session=session, username="ana", interview_id=study["interview"].id) == {}
    discard_draft(session=session, username="ana", interview_id=study["interview"].id)  # nothing there: no error


def test_no_draft_without_consent_an_account_or_an_interview(session, study, people):
    p3 = session.get(Participant, study["participants"][2].id)
    p3.consent_given = True
    interview = start_interview(session=session, study_id=study["study"].id, participant_id=p3.id,
                                interviewer="ana", held_on=None)
    p3.consent_given = False
    session.flush()
    with pytest.raises(FrontlineError, match="no consent"):
        keep_draft(session=session, username="ana", interview_id=interview.id, body="x",
                   guide_question_id=study["guide"][0].id)
    with pytest.raises(FrontlineError, match="no such account or interview"):
        keep(session, study, username="nobody")
    with pytest.raises(FrontlineError, match="at most"):
        keep(session, study, body="x" * 200_001)
    assert session.scalars(select(NoteDraft)).all() == []


def test_drafts_never_leave_in_an_export_or_the_corpus(session, study, people):
    save_note(session=session, interview_id=study["interview"].id, body="The saved answer", editor="ana",
              guide_question_id=study["guide"][1].id)
    keep(session, study, body="UNSAVED-DRAFT-WORDS")
    study_id = study["study"].id
    archive = zipfile.ZipFile(io.BytesIO(export_qdpx(session=session, study_id=study_id)))
    blobs = [archive.read(name) for name in archive.namelist()] + [excerpts_csv(session=session, study_id=study_id)]
    assert all(b"UNSAVED-DRAFT-WORDS" not in blob for blob in blobs)
    assert any(b"The saved answer" in blob for blob in blobs)
    assert not interview_texts(session=session, study_id=study_id).astype(str).apply(
        lambda column: column.str.contains("UNSAVED-DRAFT-WORDS")).any().any()


def test_deleting_the_interview_deletes_its_drafts(session, study, people):
    keep(session, study)
    session.execute(delete(Interview).where(Interview.id == study["interview"].id))  # as a withdrawal erases
    session.flush()
    assert session.scalars(select(NoteDraft)).all() == []


def test_the_interviews_holding_a_researchers_drafts_are_named_newest_first(session, study, people):
    from datetime import timedelta

    first = study["interview"]
    second = start_interview(session=session, study_id=study["study"].id,
                             participant_id=study["participants"][1].id, interviewer="ana", held_on=None)
    session.flush()
    assert interviews_with_drafts(session=session, username="ana", study_id=study["study"].id) == []
    keep(session, study)
    keep_draft(session=session, username="ana", interview_id=second.id, body="typed in the second",
               guide_question_id=None, label="")
    keep_draft(session=session, username="ben", interview_id=first.id, body="ben's", guide_question_id=None,
               label="")
    newest = session.scalar(select(NoteDraft).where(NoteDraft.interview_id == second.id))
    newest.updated_at = newest.updated_at + timedelta(minutes=5)
    session.flush()
    assert interviews_with_drafts(session=session, username="ana", study_id=study["study"].id) \
        == [second.id, first.id]
    assert interviews_with_drafts(session=session, username="nobody", study_id=study["study"].id) == []
