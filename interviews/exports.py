"""Excerpts with their codes and participant attributes, as CSV and XLSX for spreadsheets and stats tools."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.codebook import codes_table
from interviews.notes import FREE_NOTES_LABEL
from research.spreadsheets import to_csv, to_xlsx
from research.store.models import Excerpt, GuideQuestion, Interview, InterviewNote, Participant


def excerpts_frame(*, session: Session, study_id: int) -> pd.DataFrame:
    """One row per excerpt: text, codes, coder, question, and every participant attribute."""
    rows = session.execute(
        select(Excerpt, Participant, Interview.interviewer, Interview.held_on, GuideQuestion.text, InterviewNote.label)
        .join(InterviewNote, InterviewNote.id == Excerpt.note_id)
        .join(Interview, Interview.id == InterviewNote.interview_id)
        .join(Participant, Participant.id == Interview.participant_id)
        .outerjoin(GuideQuestion, GuideQuestion.id == InterviewNote.guide_question_id)
        .where(Interview.study_id == study_id)
        .order_by(Participant.code, InterviewNote.position, Excerpt.span_start, Excerpt.id)
    ).all()
    records = []
    for excerpt, p, interviewer, held_on, question, label in rows:
        records.append({
            "excerpt_id": excerpt.id, "participant": p.code, "industry": p.industry, "role": p.role,
            "tenure_band": p.tenure_band, "channel": p.channel, "site": p.site, **(p.attributes or {}),
            # A blank cell read as a lost question (an outside walk): free notes are named as the notes page names them.
            "interviewer": interviewer, "held_on": held_on, "question": question or label or FREE_NOTES_LABEL,
            "coder": excerpt.coder, "codes": "; ".join(c.name for c in excerpt.codes),
            "code_keys": "; ".join(c.key for c in excerpt.codes), "excerpt": excerpt.text,
            "start": excerpt.span_start, "end": excerpt.span_end,
        })
    columns = ["excerpt_id", "participant", "industry", "role", "tenure_band", "channel", "site", "interviewer",
               "held_on", "question", "coder", "codes", "code_keys", "excerpt", "start", "end"]
    return pd.DataFrame.from_records(records, columns=None if records else columns)


def excerpts_csv(*, session: Session, study_id: int) -> bytes:
    """The excerpts as CSV; every cell and header (attribute names are typed too) inert."""
    return to_csv(excerpts_frame(session=session, study_id=study_id))


def excerpts_xlsx(*, session: Session, study_id: int) -> bytes:
    """A workbook with the excerpts on one sheet and the codebook on another, text cells never formulas."""
    return to_xlsx({"Excerpts": excerpts_frame(session=session, study_id=study_id),
                    "Codebook": codes_table(session=session)})
