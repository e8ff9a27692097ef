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


def coded_examples(*, session: Session, study_id: int | None = None,
                   exclude_coder: str | None = None) -> dict[str, list[str]]:
    """Code key -> distinct excerpt texts coded with that code alone (a sub-code counts for its parent too).

    Only excerpts with one code teach a theme: one coded "metrics pressure, tools,
    difficult customers" would pull comments about any of the three towards
    all of them (measured on the demo benchmark: theme NMI 0.80 with no
    exemplars, 0.77 with every coded excerpt, 0.81 with single-code ones).
    Very short excerpts ("yes", "the CRM") carry too little meaning and are
    left out.
    """
    parents = dict(session.execute(select(Code.id, Code.parent_id)).all())
    keys_by_id: dict[int | None, str] = dict(session.execute(select(Code.id, Code.key)).all())
    query = (
        select(Excerpt.id, Excerpt.text, ExcerptCode.code_id)
        .join(ExcerptCode, ExcerptCode.excerpt_id == Excerpt.id)
        .order_by(Excerpt.id)
    )
    if exclude_coder is not None:
        query = query.where(Excerpt.coder != exclude_coder)
    if study_id is not None:
        query = (query.join(InterviewNote, InterviewNote.id == Excerpt.note_id)
                 .join(Interview, Interview.id == InterviewNote.interview_id)
                 .where(Interview.study_id == study_id))
    texts: dict[int, str] = {}
    codes: dict[int, set[int]] = defaultdict(set)
    for excerpt_id, text, code_id in session.execute(query):
        texts[excerpt_id] = " ".join(text.split())
        codes[excerpt_id].add(code_id)
    examples: dict[str, list[str]] = defaultdict(list)
    for excerpt_id, text in texts.items():
        top_level = {parents.get(c) or c for c in codes[excerpt_id]}
        if len(text) < MIN_EXAMPLE_CHARS or len(top_level) != 1:
            continue
        (code_id,) = codes[excerpt_id] if len(codes[excerpt_id]) == 1 else top_level
        for target in (keys_by_id[code_id], keys_by_id.get(parents.get(code_id))):
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
