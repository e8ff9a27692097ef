"""Interview text for the analysis engine: coded excerpts as labelled examples, notes as a corpus.

The analysis engine matches pulse comments to codebook themes partly by
similarity to what researchers coded in interviews, so coding interviews
teaches the pulse analysis. These two functions are the whole interface.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from research.store.models import Code, Excerpt, ExcerptCode, GuideQuestion, Interview, InterviewNote, Participant

MIN_EXAMPLE_CHARS = 15


def coded_examples(*, session: Session, study_id: int | None = None) -> dict[str, list[str]]:
    """Code key -> distinct excerpt texts coded with it (sub-codes count for their parent too).

    Very short excerpts ("yes", "the CRM") carry too little meaning to teach a
    theme and are left out.
    """
    parents = dict(session.execute(select(Code.key, Code.parent_id)).all())
    keys_by_id = dict(session.execute(select(Code.id, Code.key)).all())
    query = (
        select(Code.key, Excerpt.text)
        .join(ExcerptCode, ExcerptCode.code_id == Code.id)
        .join(Excerpt, Excerpt.id == ExcerptCode.excerpt_id)
        .order_by(Excerpt.id)
    )
    if study_id is not None:
        query = (query.join(InterviewNote, InterviewNote.id == Excerpt.note_id)
                 .join(Interview, Interview.id == InterviewNote.interview_id)
                 .where(Interview.study_id == study_id))
    examples: dict[str, list[str]] = defaultdict(list)
    for key, text in session.execute(query):
        text = " ".join(text.split())
        if len(text) < MIN_EXAMPLE_CHARS:
            continue
        for target in (key, keys_by_id.get(parents.get(key))):
            if target and text not in examples[target]:
                examples[target].append(text)
    return dict(examples)


def interview_texts(*, session: Session, study_id: int | None = None) -> pd.DataFrame:
    """Every non-empty interview note with its participant's attributes, one row per note."""
    query = (
        select(InterviewNote.id, Interview.study_id, Participant.code, Participant.industry, Participant.role,
               Participant.channel, Participant.site, GuideQuestion.text, InterviewNote.label, InterviewNote.body)
        .join(Interview, Interview.id == InterviewNote.interview_id)
        .join(Participant, Participant.id == Interview.participant_id)
        .outerjoin(GuideQuestion, GuideQuestion.id == InterviewNote.guide_question_id)
        .where(InterviewNote.body != "")
        .order_by(Interview.study_id, Participant.code, InterviewNote.position)
    )
    if study_id is not None:
        query = query.where(Interview.study_id == study_id)
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] or r[8], r[9]) for r in session.execute(query)]
    return pd.DataFrame(rows, columns=["note_id", "study_id", "participant", "industry", "role", "channel", "site",
                                       "question", "text"])
