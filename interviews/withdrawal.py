"""What a withdrawal erases beyond the participant's rows: unsent drafts about them, and their words in the
analysis cache.

An insider review (2026-12-07) withdrew a participant and found every vector of their notes still in
``cache/embeddings.sqlite``: a guessed sentence of theirs matched its vector at cosine 0.99, the same sentence
naming another system only 0.72 to 0.75, so the cache confirmed what the database no longer held.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.agreement import sentence_spans
from research.accounts.drafts import (
    coding_words_place,
    excerpt_memo_place,
    forget_everyones_drafts,
    interview_boxes,
    interview_memo_place,
    participant_boxes,
)
from research.settings import Settings
from research.store.embedding_cache import cached_forms, forget_cached_texts
from research.store.models import Excerpt, Interview, InterviewNote, Memo, NoteRevision


def forget_what_they_said(*, session: Session, participant_id: int, settings: Settings | None) -> int:
    """Discard every staff member's drafts about the participant and, with ``settings``, every cached vector
    and score of their words (before their rows go: it reads them); returns the cache rows removed.

    Raises:
        CacheBusy: an analysis worker holds the cache.
    """
    _forget_drafts_about(session=session, participant_id=participant_id)
    if settings is None:
        return 0
    return forget_cached_texts(settings.embedding_cache_path, settings.embedding_model,
                               cached_forms(participant_words(session=session, participant_id=participant_id)))


def _their_rows(participant_id: int):
    """The ids of the participant's interviews, of their notes and of the excerpts coded in those notes."""
    interviews = select(Interview.id).where(Interview.participant_id == participant_id)
    notes = select(InterviewNote.id).where(InterviewNote.interview_id.in_(interviews))
    return interviews, notes, select(Excerpt.id).where(Excerpt.note_id.in_(notes))


def participant_words(*, session: Session, participant_id: int) -> set[str]:
    """Every text of the participant's interviews an analysis may have embedded: notes and their revisions,
    each sentence of them (what the coding page suggests codes for), coded excerpts and memos."""
    interviews, notes, excerpts = _their_rows(participant_id)
    bodies = [*session.scalars(select(InterviewNote.body).where(InterviewNote.id.in_(notes))),
              *session.scalars(select(NoteRevision.body).where(NoteRevision.note_id.in_(notes)))]
    memos = select(Memo.body).where(Memo.interview_id.in_(interviews) | Memo.excerpt_id.in_(excerpts))
    words = {*bodies, *session.scalars(select(Excerpt.text).where(Excerpt.id.in_(excerpts))), *session.scalars(memos)}
    words |= {body[start:end] for body in bodies for start, end in sentence_spans(body)}
    return {w for w in words if w and w.strip()}


def _forget_drafts_about(*, session: Session, participant_id: int) -> None:
    """Every staff member's unsent memos on the participant's interviews and excerpts, words pasted to code from
    their notes, and edits of their attributes and interviews' details: they hold what the withdrawal erases,
    and a box is found again by its id."""
    interviews, notes, excerpts = _their_rows(participant_id)
    own = session.scalars(interviews).all()
    forget_everyones_drafts(session=session, places=[
        *map(interview_memo_place, own),
        *map(excerpt_memo_place, session.scalars(excerpts)),
        *map(coding_words_place, session.scalars(notes))],
        prefixes=[f"{participant_boxes(participant_id)}:", *(f"{interview_boxes(i)}:" for i in own)])
