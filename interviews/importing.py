"""Store what an import preview holds: transcript turns or CSV rows become notes, pseudonymised on save.

Parsing and checking the file happen first (``transcripts``) and change
nothing; these functions run only when the researcher accepts the preview, in
one transaction, so a failure half way leaves the study as it was. Answers go
through :func:`interviews.notes.save_note`, the path typed notes take, and an
interviewer's question kept as a note's label goes through the same redaction
(questions name people too: "What did Kevin say?").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.notes import redact_note, save_note, start_interview
from interviews.studies import GuideQuestionView, add_participant, guide_items
from interviews.transcripts import CsvPreview, Turn
from research.errors import FrontlineError
from research.privacy.redaction import Redactor
from research.privacy.roster import roster_redactor
from research.store.models import Interview, Participant

# Word-level similarity: a changed content word (tools/time) must not match, a dropped "the" may.
GUIDE_MATCH = 0.9


@dataclass
class ImportResult:
    interviews: list[int] = field(default_factory=list)
    notes: int = 0
    matched_to_guide: int = 0
    replacements: int = 0
    replaced: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, words replaced) -> times
    new_participants: dict[str, str] = field(default_factory=dict)  # value in the file -> pseudonym given
    skipped: list[str] = field(default_factory=list)
    already_imported: list[int] = field(default_factory=list)  # interviews that already held the same answers
    also_stored_as: list[int] = field(default_factory=list)  # other participants' interviews with the same answers


    def replaced_text(self, limit: int = 12) -> str:
        """What redaction replaced, as the notes page says it ("name 'Dana' (2 times), phone '07700 900123'"): the
        researcher who imported the file checks that only names and numbers went (a word of a script without
        capitals, such as Arabic "نظام", system, can also be a first name)."""
        shown = [f"{kind} '{words}'" + (f" ({n} times)" if n > 1 else "")
                 for (kind, words), n in self.replaced.most_common(limit)]
        more = len(self.replaced) - len(shown)
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _normal(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


def match_guide_question(question: str, guide: Sequence[GuideQuestionView]) -> GuideQuestionView | None:
    """The guide question a transcript's question is (nearly) the same as, if any."""
    wanted = _normal(question)
    if not wanted:
        return None
    best, score = None, 0.0
    for item in guide:
        ratio = SequenceMatcher(None, wanted, _normal(item.text)).ratio()
        if ratio > score:
            best, score = item, ratio
    return best if score >= GUIDE_MATCH else None


def _group_turns(turns: Sequence[Turn], guide: Sequence[GuideQuestionView], redact: Callable[[str], str] = str,
                 ) -> list[tuple[int | None, str, str]]:
    """(guide question id, label, answer) per note; repeated questions and loose paragraphs are joined.

    A question the guide lacks becomes the note's label after ``redact``.
    """
    grouped: dict[tuple[int | None, str], list[str]] = {}
    for turn in turns:
        question = match_guide_question(turn.question, guide)
        slot = (question.id, "") if question else (None, redact(turn.question.strip())[:1000])
        grouped.setdefault(slot, []).append(turn.answer.strip())
    return [(qid, label, "\n\n".join(answers)) for (qid, label), answers in grouped.items()]


def _redaction(session: Session, redactor: Redactor) -> Callable[[str], str]:
    """Text as a typed note would store it."""
    return lambda text: redact_note(session=session, body=text, redactor=redactor).text


def _as_saved(session: Session, turns: Sequence[Turn], guide, redactor) -> set[tuple]:
    """The answers as they would be saved: (guide question, label, pseudonymised body) per note."""
    redact = _redaction(session, redactor)
    return {(qid, label.strip(), redact(answer)) for qid, label, answer in _group_turns(turns, guide, redact)}


def _copies(session: Session, where, wanted: set[tuple]) -> list[int]:
    """The interviews chosen by ``where`` that hold exactly the notes ``wanted`` (:func:`_as_saved`).

    Importing the same transcript again (a double click, a second upload of the
    same file) must store it once; comparing what would be saved with what is
    saved catches it whatever the file is called.
    """
    interviews = session.scalars(select(Interview).where(where).order_by(Interview.id))
    return [i.id for i in interviews if {(n.guide_question_id, n.label, n.body) for n in i.notes} == wanted]


def _store(session: Session, interview_id: int, turns: Sequence[Turn], guide, editor: str,
           result: ImportResult) -> None:
    redactor = roster_redactor(session=session)
    for qid, label, answer in _group_turns(turns, guide, _redaction(session, redactor)):
        saved = save_note(session=session, interview_id=interview_id, body=answer, editor=editor,
                          guide_question_id=qid, label=label, redactor=redactor)
        result.notes += 1
        result.matched_to_guide += qid is not None
        result.replacements += len(saved.replacements)
        result.replaced.update((r.kind, r.original) for r in saved.replacements)


def import_transcript(
    *, session: Session, study_id: int, participant_id: int, turns: Sequence[Turn], interviewer: str,
    held_on: date | None, editor: str,
) -> ImportResult:
    """A new interview for the participant, one note per guide question matched (or per other question asked).

    When one of the participant's interviews already holds exactly these
    answers, nothing is stored and ``already_imported`` names that interview.
    """
    if not turns:
        raise FrontlineError("The transcript has nothing to import.")
    guide = guide_items(session=session, study_id=study_id)
    wanted = _as_saved(session, turns, guide, roster_redactor(session=session))
    copies = _copies(session, Interview.participant_id == participant_id, wanted)
    if copies:
        return ImportResult(already_imported=copies[:1])
    # The same words under another participant: a transcript is one person's, so one of the two is misfiled.
    elsewhere = _copies(session, (Interview.study_id == study_id) & (Interview.participant_id != participant_id),
                        wanted)
    interview = start_interview(session=session, study_id=study_id, participant_id=participant_id,
                                interviewer=interviewer, held_on=held_on)
    result = ImportResult(interviews=[interview.id], also_stored_as=elsewhere)
    _store(session, interview.id, turns, guide, editor, result)
    return result


def import_csv(
    *, session: Session, study_id: int, preview: CsvPreview, editor: str, consent_confirmed: bool = False,
) -> ImportResult:
    """One interview per participant in the preview.

    A value that is a participant code of the study (P07) is that participant.
    Any other value (it may be a real name) gets a new pseudonym, and only
    when the researcher confirms these people gave consent; the value itself is
    never stored.
    """
    result = ImportResult(skipped=list(preview.skipped))
    guide = guide_items(session=session, study_id=study_id)
    codes = {p.code.lower(): p for p in session.scalars(select(Participant).where(Participant.study_id == study_id))}
    for value, turns in preview.interviews.items():
        participant = codes.get(value.strip().lower())
        if participant is None:
            if not consent_confirmed:
                result.skipped.append(
                    f"'{value}' is not a participant code of this study; tick the consent box to add them as new "
                    "participants.")
                continue
            added = add_participant(session=session, study_id=study_id, consent_given=True)
            result.new_participants[value] = added.code
            participant_id = added.id
        elif not participant.consent_given:
            result.skipped.append(f"{participant.code} has no consent recorded; their rows were not imported.")
            continue
        else:
            copies = _copies(session, Interview.participant_id == participant.id,
                             _as_saved(session, turns, guide, roster_redactor(session=session)))
            if copies:
                result.already_imported.append(copies[0])
                result.skipped.append(f"{participant.code}: these answers are already stored; not imported again.")
                continue
            participant_id = participant.id
        interview = start_interview(session=session, study_id=study_id, participant_id=participant_id,
                                    interviewer=preview.interviewers.get(value) or editor,
                                    held_on=preview.dates.get(value))
        result.interviews.append(interview.id)
        _store(session, interview.id, turns, guide, editor, result)
    if not result.interviews and not result.already_imported:
        raise FrontlineError("Nothing was imported: " + " ".join(result.skipped[-3:]))
    return result
