"""Unsaved note text, kept server-side for its author: nothing typed is lost to a reload or a page change.

The notes page sends what is typed into a note box a moment after typing
stops; :func:`keep_draft` stores it exactly as typed for that researcher,
interview and note place, and :func:`drafts_for` gives it back when the page is
drawn again, so the box shows the text exactly as it was left. Saving the note
(:func:`interviews.notes.save_note`, which pseudonymises it) discards the
editor's draft. A draft is the author's alone: only their own are ever read,
and no export, analysis or other page reads the table. Like a note, no draft is
kept for a participant without recorded consent.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from research.errors import FrontlineError
from research.store.models import Interview, InterviewNote, Participant, User
from research.store.note_drafts import NoteDraft

MAX_DRAFT_CHARS = 200_000  # the longest note (interviews.notes.MAX_NOTE_CHARS)


def draft_slot(guide_question_id: int | None, label: str = "") -> str:
    """The note place a draft belongs to: a guide question, or a labelled (or the free) note."""
    if guide_question_id is not None:
        return f"q{int(guide_question_id)}"
    return "l" + hashlib.sha256((label or "").strip().encode()).hexdigest()


def _user_id(session: Session, username: str) -> int | None:
    return session.scalar(select(User.id).where(User.username == username))


def _saved_body(session: Session, interview_id: int, guide_question_id: int | None, label: str) -> str:
    query = select(InterviewNote.body).where(InterviewNote.interview_id == interview_id)
    if guide_question_id is not None:
        query = query.where(InterviewNote.guide_question_id == guide_question_id)
    else:
        query = query.where(InterviewNote.guide_question_id.is_(None), InterviewNote.label == (label or "").strip())
    return session.scalars(query.limit(1)).first() or ""


def discard_draft(*, session: Session, username: str, interview_id: int, guide_question_id: int | None = None,
                  label: str = "") -> None:
    """Forget ``username``'s draft of one note (it was saved, or matches what is saved)."""
    user_id = _user_id(session, username)
    if user_id is not None:
        session.execute(delete(NoteDraft).where(
            NoteDraft.user_id == user_id, NoteDraft.interview_id == interview_id,
            NoteDraft.slot == draft_slot(guide_question_id, label)))


def keep_draft(*, session: Session, username: str, interview_id: int, body: str,
               guide_question_id: int | None = None, label: str = "") -> bool:
    """Keep ``body`` as ``username``'s unsaved text of one note; True when a draft is now kept.

    Text equal to the saved note is no draft: it discards any kept one instead.

    Raises:
        FrontlineError: not text, too long, no such account or interview, or the participant has no consent.
    """
    if not isinstance(body, str):
        raise FrontlineError("Notes must be text.")
    if len(body) > MAX_DRAFT_CHARS:
        raise FrontlineError(f"This draft is {len(body):,} characters; one note holds at most {MAX_DRAFT_CHARS:,}.")
    user_id = _user_id(session, username)
    interview = session.get(Interview, interview_id)
    if user_id is None or interview is None:
        raise FrontlineError("There is no such account or interview to keep a draft for.")
    if not session.scalar(select(Participant.consent_given).where(Participant.id == interview.participant_id)):
        raise FrontlineError("This participant has no consent recorded: nothing typed about them is kept.")
    if body == _saved_body(session, interview_id, guide_question_id, label):
        discard_draft(session=session, username=username, interview_id=interview_id,
                      guide_question_id=guide_question_id, label=label)
        return False
    slot = draft_slot(guide_question_id, label)
    draft = session.scalar(select(NoteDraft).where(
        NoteDraft.user_id == user_id, NoteDraft.interview_id == interview_id, NoteDraft.slot == slot))
    if draft is None:
        session.add(NoteDraft(user_id=user_id, interview_id=interview_id, slot=slot, body=body))
    else:
        draft.body = body
    session.flush()
    return True


def draft_body(*, session: Session, username: str, interview_id: int, guide_question_id: int | None = None,
               label: str = "") -> str | None:
    """``username``'s draft of one note, or None."""
    user_id = _user_id(session, username)
    return None if user_id is None else session.scalar(select(NoteDraft.body).where(
        NoteDraft.user_id == user_id, NoteDraft.interview_id == interview_id,
        NoteDraft.slot == draft_slot(guide_question_id, label)))


def drafts_for(*, session: Session, username: str, interview_id: int) -> dict[str, str]:
    """``username``'s own drafts of an interview's notes, by :func:`draft_slot`; never anyone else's."""
    user_id = _user_id(session, username)
    if user_id is None:
        return {}
    rows = session.execute(select(NoteDraft.slot, NoteDraft.body).where(
        NoteDraft.user_id == user_id, NoteDraft.interview_id == interview_id))
    return {slot: body for slot, body in rows}


def interviews_with_drafts(*, session: Session, username: str, study_id: int) -> list[int]:
    """The interviews of ``study_id`` where ``username`` has unsaved note drafts, the newest draft first.

    A reload opens the notes page on the interview with the newest draft, and names the others, so a draft
    typed in another interview than the one opened never looks lost.
    """
    user_id = _user_id(session, username)
    if user_id is None:
        return []
    rows = session.execute(
        select(NoteDraft.interview_id, NoteDraft.updated_at).join(Interview, Interview.id == NoteDraft.interview_id)
        .where(NoteDraft.user_id == user_id, Interview.study_id == study_id)
        .order_by(NoteDraft.updated_at.desc(), NoteDraft.id.desc()))
    return list(dict.fromkeys(interview_id for interview_id, _ in rows))
