"""Interviews and their notes: entry question by question, pseudonymised on save, with edit history.

Every save runs the shared redaction module over the text (names on the
roster deny-list, e-mail addresses, phone and account numbers), stores the
result as a new revision and tells the researcher what was replaced. Notes are
refused for a participant without recorded consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviews.drafts import discard_draft, draft_body
from research.errors import FrontlineError
from research.privacy.redaction import Redacted, Redactor, Replacement
from research.privacy.roster import roster_redactor
from research.store.models import GuideQuestion, Interview, InterviewNote, NoteRevision, Participant, Study

MAX_NOTE_CHARS = 200_000
# The participant attributes interview evidence counts and shows, frozen when a participant gets their place.
EVIDENCE_ATTRIBUTES = ("industry", "role", "channel", "site")  # site: words naming it are judged by it
FREE_NOTES_LABEL = "Free notes"


@dataclass(frozen=True)
class InterviewRef:
    """An interview as started: its id, the value callers need, never the ORM row."""

    id: int


@dataclass(frozen=True)
class NoteSlot:
    """One place to write in the interview form: a guide question, or the free notes area."""

    guide_question_id: int | None
    question: str
    probes: tuple[str, ...]
    position: int
    note_id: int | None
    body: str


@dataclass(frozen=True)
class SavedNote:
    note_id: int
    body: str
    replacements: tuple[Replacement, ...]
    changed: bool  # False when the text was already saved exactly so
    unanchored_excerpts: int = 0  # coded excerpts whose text the edit removed


def _participant_with_consent(session: Session, participant_id: int) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise FrontlineError(f"There is no participant with id {participant_id}.")
    if not participant.consent_given:
        raise FrontlineError(
            f"{participant.code} has no consent recorded: record their consent before saving notes. "
            "Your text is still in the form."
        )
    return participant


def give_evidence_place(*, session: Session, participant: Participant) -> int:
    """The participant's place in the study's evidence order: the next one, the first time a note of theirs is saved.

    Call it in the transaction that saves a note (every path that creates notes does). A place is never given
    back or moved, not even by a withdrawal, so that nobody waiting takes a released agent's place
    (:mod:`research.findings.interview_evidence`). The study's row is locked while the next place is read, so
    two first notes saved at once cannot share a place (a unique index would refuse it anyway); SQLite writers
    already hold the database's write lock.

    The attributes evidence shows (``EVIDENCE_ATTRIBUTES``) are frozen with the place
    (``evidence_attributes``): editing them later (a move to another team or account) changes the participant
    table, never a count or the attributes beside a released quote, which would single that person out.
    """
    if participant.evidence_place is None:
        session.execute(select(Study.id).where(Study.id == participant.study_id).with_for_update())
        taken = session.scalar(select(func.max(Participant.evidence_place))
                               .where(Participant.study_id == participant.study_id))
        participant.evidence_place = (taken or 0) + 1
        participant.evidence_attributes = {name: getattr(participant, name) or "" for name in EVIDENCE_ATTRIBUTES}
        session.flush()
    return participant.evidence_place


INTERVIEWER_LIMIT = 64


def interviewer_name(interviewer: str | None) -> str:
    """The interviewer as typed, trimmed; refused when empty (agreement between coders and the interview list
    are read by who held it) or too long for the column (cutting it would save another name)."""
    name = " ".join((interviewer or "").split())
    if not name:
        raise FrontlineError("Type who held the interview: the Interviewer box is empty. Nothing was saved.")
    if len(name) > INTERVIEWER_LIMIT:
        raise FrontlineError(f"The interviewer's name is {len(name)} characters long; at most "
                             f"{INTERVIEWER_LIMIT} fit. Nothing was saved.")
    return name


def start_interview(
    *, session: Session, study_id: int, participant_id: int, interviewer: str, held_on: date | None,
) -> InterviewRef:
    """Open an interview record for a participant who has given consent."""
    name = interviewer_name(interviewer)
    participant = _participant_with_consent(session, participant_id)
    if participant.study_id != study_id:
        raise FrontlineError(f"{participant.code} is not a participant of this study.")
    interview = Interview(study_id=study_id, participant_id=participant_id, interviewer=name, held_on=held_on)
    session.add(interview)
    session.flush()
    return InterviewRef(id=interview.id)


def date_outside_study(*, session: Session, study_id: int, held_on: date | None) -> str | None:
    """Why ``held_on`` looks like a slip: a date before the study starts or after it ends (the date box starts on
    today, which an outside walk saved for a study that ended weeks before); None when it fits or is unknown."""
    study = session.get(Study, study_id)
    if held_on is None or study is None:
        return None
    if (study.starts_on and held_on < study.starts_on) or (study.ends_on and held_on > study.ends_on):
        span = " to ".join(f"{d:%d %B %Y}" for d in (study.starts_on, study.ends_on) if d)
        return (f"The interview is dated {held_on:%d %B %Y}, outside the study's dates ({span}). If that is a "
                "slip, change the date under the interview's details.")
    return None


def get_interview(*, session: Session, interview_id: int) -> Interview:
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise FrontlineError(f"There is no interview with id {interview_id}.")
    return interview


def update_interview(*, session: Session, interview_id: int, interviewer: str, held_on: date | None) -> None:
    interview = get_interview(session=session, interview_id=interview_id)
    interview.interviewer = interviewer_name(interviewer)
    interview.held_on = held_on
    session.flush()


def interviews_table(*, session: Session, study_id: int) -> pd.DataFrame:
    """The study's interviews with participant code and attributes, for choosing one to open."""
    rows = session.execute(
        select(Interview.id, Participant.code, Participant.industry, Participant.role, Participant.channel,
               Interview.interviewer, Interview.held_on)
        .join(Participant, Participant.id == Interview.participant_id)
        .where(Interview.study_id == study_id)
        .order_by(Participant.code, Interview.held_on, Interview.id)
    ).all()
    return pd.DataFrame(rows, columns=["id", "Participant", "Industry", "Role", "Channel", "Interviewer", "Held on"])


def interview_labels(*, session: Session, study_id: int) -> dict[int, str]:
    """A unique label per interview of the study (participant, date, number), in ``interviews_table`` order.

    A participant interviewed twice must never show as two identical entries: a
    picker keyed by its label would then open the first one whichever was chosen.
    """
    table = interviews_table(session=session, study_id=study_id)
    totals = table["Participant"].value_counts().to_dict()
    seen: dict[str, int] = {}
    labels = {}
    for row in table.sort_values(["Participant", "Held on", "id"], na_position="last").to_dict("records"):
        code = row["Participant"]
        seen[code] = seen.get(code, 0) + 1
        held = row["Held on"].isoformat() if pd.notna(row["Held on"]) and row["Held on"] else "no date"
        details = " · ".join(str(v) for v in (row["Industry"], row["Role"]) if v and pd.notna(v))
        labels[int(row["id"])] = (f"{code} · {held} · interview {seen[code]} of {totals[code]}"
                                  + (f" · {details}" if details else ""))
    return {int(i): labels[int(i)] for i in table["id"]}


def interview_slots(*, session: Session, interview_id: int) -> list[NoteSlot]:
    """The guide's questions in order with the notes taken so far, then imported turns, then free notes."""
    interview = get_interview(session=session, interview_id=interview_id)
    guide = session.scalars(
        select(GuideQuestion).where(GuideQuestion.study_id == interview.study_id).order_by(GuideQuestion.position)
    ).all()
    notes = list(interview.notes)
    by_question = {n.guide_question_id: n for n in notes if n.guide_question_id is not None}
    slots = [
        NoteSlot(q.id, q.text, tuple(q.probes or ()), q.position,
                 by_question[q.id].id if q.id in by_question else None,
                 by_question[q.id].body if q.id in by_question else "")
        for q in guide
    ]
    loose = sorted((n for n in notes if n.guide_question_id is None), key=lambda n: (n.label == "", n.position))
    slots += [NoteSlot(None, n.label or FREE_NOTES_LABEL, (), n.position, n.id, n.body) for n in loose]
    if not any(n.guide_question_id is None and not n.label for n in notes):
        slots.append(NoteSlot(None, FREE_NOTES_LABEL, (), 0, None, ""))
    return slots


def _find_note(session: Session, interview: Interview, guide_question_id: int | None,
               label: str) -> InterviewNote | None:
    query = select(InterviewNote).where(InterviewNote.interview_id == interview.id)
    if guide_question_id is not None:
        query = query.where(InterviewNote.guide_question_id == guide_question_id)
    else:
        query = query.where(InterviewNote.guide_question_id.is_(None), InterviewNote.label == label)
    return session.scalars(query.limit(1)).first()


def _reanchor(note: InterviewNote, body: str) -> int:
    """Move each excerpt to where its text now is; count those whose text is gone."""
    lost = 0
    for excerpt in note.excerpts:
        if body[excerpt.span_start:excerpt.span_end] == excerpt.text and excerpt.span_start >= 0:
            continue
        positions = []
        start = body.find(excerpt.text)
        while start != -1 and excerpt.text:
            positions.append(start)
            start = body.find(excerpt.text, start + 1)
        if positions:
            best = min(positions, key=lambda p: abs(p - excerpt.span_start))
            excerpt.span_start, excerpt.span_end = best, best + len(excerpt.text)
        else:
            excerpt.span_start = excerpt.span_end = -1
            lost += 1
    return lost


def redact_note(*, session: Session, body: str, redactor: Redactor | None = None) -> Redacted:
    """Pseudonymise note text exactly as a typed note is: Windows newlines made plain, then the roster's redaction.

    Every way text becomes a note (typing, transcript, CSV and .qdpx imports)
    goes through here, so all of them are treated the same.
    """
    return (redactor or roster_redactor(session=session)).redact(body.replace("\r\n", "\n"))


def save_note(
    *, session: Session, interview_id: int, body: str, editor: str, guide_question_id: int | None = None,
    label: str = "", position: int | None = None, redactor: Redactor | None = None,
) -> SavedNote:
    """Pseudonymise ``body`` and save it as the note for a guide question (or a labelled/free note).

    Saving the same text again changes nothing and adds no revision, so the
    form can autosave on every change without flooding the history. The
    editor's unsaved draft of this note (:mod:`interviews.drafts`) is discarded.
    """
    if not isinstance(body, str):
        raise FrontlineError("Notes must be text.")
    if len(body) > MAX_NOTE_CHARS:
        raise FrontlineError(f"These notes are {len(body):,} characters; one note holds at most {MAX_NOTE_CHARS:,}.")
    interview = get_interview(session=session, interview_id=interview_id)
    participant = _participant_with_consent(session, interview.participant_id)
    if guide_question_id is not None:
        question = session.get(GuideQuestion, guide_question_id)
        if question is None or question.study_id != interview.study_id:
            raise FrontlineError("That question is not in this study's guide.")
    label = (label or "").strip()
    redacted = redact_note(session=session, body=body, redactor=redactor)
    discard_draft(session=session, username=editor or "", interview_id=interview.id,
                  guide_question_id=guide_question_id, label=label)
    note = _find_note(session, interview, guide_question_id, label)
    if note is not None and note.body == redacted.text:
        return SavedNote(note.id, note.body, redacted.replacements, changed=False)
    if note is None:
        if position is None:
            if guide_question_id is not None and question is not None:  # checked above: in this study's guide
                position = question.position
            else:
                position = 0 if not label else 1000 + len(interview.notes)
        note = InterviewNote(interview_id=interview.id, guide_question_id=guide_question_id, label=label,
                             position=position, body="")
        session.add(note)
        session.flush()
        give_evidence_place(session=session, participant=participant)
    if note.body and not session.scalar(select(NoteRevision.id).where(NoteRevision.note_id == note.id).limit(1)):
        # A note written with no history (the demo's, an older release's) keeps its text as the first revision:
        # an outside walk saved over a colleague's note and the history then held only the new text.
        session.add(NoteRevision(note_id=note.id, body=note.body, edited_by=interview.interviewer, replaced=[]))
    lost = _reanchor(note, redacted.text)
    note.body = redacted.text
    session.add(NoteRevision(note_id=note.id, body=redacted.text, edited_by=(editor or "")[:64],
                             replaced=[r.kind for r in redacted.replacements]))
    session.flush()
    return SavedNote(note.id, note.body, redacted.replacements, changed=True, unanchored_excerpts=lost)


def save_kept_draft(*, session: Session, interview_id: int, editor: str, guide_question_id: int | None = None,
                    label: str = "") -> SavedNote | None:
    """Save ``editor``'s kept draft of one note as the note (see :func:`save_note`); None when none is kept."""
    body = draft_body(session=session, username=editor, interview_id=interview_id,
                      guide_question_id=guide_question_id, label=label)
    if body is None:
        return None
    return save_note(session=session, interview_id=interview_id, body=body, editor=editor,
                     guide_question_id=guide_question_id, label=label)


def note_history(*, session: Session, note_id: int) -> pd.DataFrame:
    """Every saved version of a note, oldest first, with who saved it and how many details were replaced."""
    rows = session.execute(
        select(NoteRevision.edited_at, NoteRevision.edited_by, NoteRevision.body, NoteRevision.replaced)
        .where(NoteRevision.note_id == note_id).order_by(NoteRevision.id)
    ).all()
    return pd.DataFrame(
        [(r.edited_at, r.edited_by, r.body, len(r.replaced or [])) for r in rows],
        columns=["Saved at", "By", "Text", "Details replaced"],
    )
