"""What the coding says: code frequencies by participant attribute, co-occurrence, quotes per code.

Frequencies count participants, not excerpts, so a talkative interviewee or
two coders coding the same answer do not count twice.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.studies import FIXED_ATTRIBUTES
from research.errors import FrontlineError
from research.store.models import Code, Excerpt, ExcerptCode, GuideQuestion, Interview, InterviewNote, Participant


def _coded_rows(session: Session, study_id: int, coder: str | None = None):
    query = (
        select(Excerpt.id, Excerpt.note_id, Excerpt.span_start, Excerpt.span_end, Excerpt.text, Excerpt.coder,
               Code.key, Code.name, Participant)
        .join(ExcerptCode, ExcerptCode.excerpt_id == Excerpt.id)
        .join(Code, Code.id == ExcerptCode.code_id)
        .join(InterviewNote, InterviewNote.id == Excerpt.note_id)
        .join(Interview, Interview.id == InterviewNote.interview_id)
        .join(Participant, Participant.id == Interview.participant_id)
        .where(Interview.study_id == study_id)
        .order_by(Participant.code, InterviewNote.position, Excerpt.span_start)
    )
    if coder:
        query = query.where(Excerpt.coder == coder)
    return session.execute(query).all()


def attribute_value(participant: Participant, attribute: str) -> str:
    if attribute in FIXED_ATTRIBUTES:
        return getattr(participant, attribute) or "(not set)"
    return (participant.attributes or {}).get(attribute) or "(not set)"


def code_frequencies(
    *, session: Session, study_id: int, by: str = "industry", coder: str | None = None,
) -> pd.DataFrame:
    """Participants whose interviews carry each code, per value of a participant attribute.

    Rows are attribute values (e.g. industries) plus a ``Participants`` column
    with the group's size; columns are code names in codebook order.
    """
    if not by:
        raise FrontlineError("Choose an attribute to break the codes down by.")
    participants = session.scalars(select(Participant).where(Participant.study_id == study_id)).all()
    group_size: dict[str, int] = defaultdict(int)
    for p in participants:
        group_size[attribute_value(p, by)] += 1
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in _coded_rows(session, study_id, coder):
        seen[(attribute_value(row.Participant, by), row.name)].add(row.Participant.id)
    names = [c.name for c in session.scalars(select(Code).order_by(Code.position, Code.id))]
    frame = pd.DataFrame(0, index=sorted(group_size), columns=names, dtype=int)
    for (group, name), people in seen.items():
        frame.loc[group, name] = len(people)
    frame = frame.loc[:, frame.sum(axis=0) > 0]
    frame.insert(0, "Participants", [group_size[g] for g in frame.index])
    frame.index.name = by
    return frame


def code_cooccurrence(*, session: Session, study_id: int, coder: str | None = None) -> pd.DataFrame:
    """How often two codes apply to the same text: the same excerpt, or overlapping excerpts in one note.

    The diagonal holds how many excerpts carry each code.
    """
    rows = _coded_rows(session, study_id, coder)
    spans: dict[int, tuple[int, int, int]] = {}
    codes_of: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        spans[row.id] = (row.note_id, row.span_start, row.span_end)
        codes_of[row.id].add(row.name)
    used = sorted({row.name for row in rows},
                  key=[c.name for c in session.scalars(select(Code).order_by(Code.position, Code.id))].index)
    matrix = pd.DataFrame(0, index=used, columns=used, dtype=int)
    for codes in codes_of.values():
        for name in codes:
            matrix.loc[name, name] += 1
    pairs: set[tuple[str, str, int, int]] = set()
    for excerpt, codes in codes_of.items():
        for a, b in combinations(sorted(codes), 2):
            pairs.add((a, b, excerpt, excerpt))
    by_note: dict[int, list[int]] = defaultdict(list)
    for excerpt, (note, start, _end) in spans.items():
        if start >= 0:
            by_note[note].append(excerpt)
    for excerpts in by_note.values():
        for x, y in combinations(sorted(excerpts), 2):
            (_, xs, xe), (_, ys, ye) = spans[x], spans[y]
            if xs < ye and ys < xe:
                for a in codes_of[x]:
                    for b in codes_of[y]:
                        if a != b:
                            first, second = sorted((a, b))
                            pairs.add((first, second, min(x, y), max(x, y)))
    for a, b, _x, _y in pairs:
        matrix.loc[a, b] += 1
        matrix.loc[b, a] += 1
    return matrix


def code_quotes(
    *, session: Session, study_id: int, code_key: str, coder: str | None = None,
) -> pd.DataFrame:
    """Every excerpt coded with ``code_key`` (or one of its sub-codes), with the participant's attributes."""
    code = session.scalar(select(Code).where(Code.key == code_key))
    if code is None:
        raise FrontlineError(f"There is no code with key '{code_key}'.")
    family = {code.key} | {c.key for c in session.scalars(select(Code).where(Code.parent_id == code.id))}
    questions = dict(session.execute(
        select(InterviewNote.id, GuideQuestion.text)
        .join(GuideQuestion, GuideQuestion.id == InterviewNote.guide_question_id)
        .where(GuideQuestion.study_id == study_id)
    ).all())
    records, seen = [], set()
    for row in _coded_rows(session, study_id, coder):
        if row.key not in family or (row.text, row.Participant.id) in seen:
            continue
        seen.add((row.text, row.Participant.id))
        p = row.Participant
        records.append({
            "Quote": row.text, "Participant": p.code, "Industry": p.industry, "Role": p.role,
            "Tenure": p.tenure_band, "Channel": p.channel, "Site": p.site,
            "Question": questions.get(row.note_id, ""), "Coder": row.coder, **(p.attributes or {}),
        })
    columns = ["Quote", "Participant", "Industry", "Role", "Tenure", "Channel", "Site", "Question", "Coder"]
    return pd.DataFrame.from_records(records, columns=None if records else columns)
