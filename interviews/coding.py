"""Coding: excerpts (a span of a note) with one or more codes, memos, and full-text search.

Each researcher's coding is kept apart (``Excerpt.coder``) so two people can
code the same interviews independently and compare (see ``agreement``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from interviews.agreement import sentence_spans
from research.errors import FrontlineError
from research.store.models import (
    Code,
    Excerpt,
    GuideQuestion,
    Interview,
    InterviewNote,
    Memo,
    Participant,
)

MAX_MEMO = 20_000


@dataclass(frozen=True)
class CodedExcerpt:
    """An excerpt as stored, read inside the session: what a page confirms and what tests check."""

    id: int
    text: str
    codes: tuple[str, ...]  # the keys of its codes, in codebook order


def _coded(excerpt: Excerpt) -> CodedExcerpt:
    keys = tuple(c.key for c in sorted(excerpt.codes, key=lambda c: (c.position, c.id)))
    return CodedExcerpt(id=excerpt.id, text=excerpt.text, codes=keys)


def _codes_by_key(session: Session, keys: Sequence[str]) -> list[Code]:
    keys = list(dict.fromkeys(k for k in keys if k))
    if not keys:
        raise FrontlineError("Choose at least one code.")
    codes = list(session.scalars(select(Code).where(Code.key.in_(keys))))
    missing = sorted(set(keys) - {c.key for c in codes})
    if missing:
        raise FrontlineError(f"Unknown code(s): {', '.join(missing)}.")
    return codes


def find_quote(body: str, quote: str) -> tuple[int, int]:
    """Where ``quote`` is in ``body``: exactly, else ignoring case and runs of whitespace."""
    quote = (quote or "").strip()
    if not quote:
        raise FrontlineError("Paste or choose the words you want to code.")
    start = body.find(quote)
    if start != -1:
        return start, start + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, body, re.IGNORECASE)
    if match is None:
        raise FrontlineError("Those words are not in this answer; copy them from the note exactly.")
    return match.start(), match.end()


def code_excerpt(
    *, session: Session, note_id: int, start: int, end: int, codes: Sequence[str], coder: str,
) -> CodedExcerpt:
    """Code the span ``[start, end)`` of a note; the same coder coding the same span again adds codes to it."""
    note = session.get(InterviewNote, note_id)
    if note is None:
        raise FrontlineError(f"There is no note with id {note_id}.")
    if not (0 <= start < end <= len(note.body)):
        raise FrontlineError("That span is outside the note's text.")
    while start < end and note.body[start].isspace():
        start += 1
    while end > start and note.body[end - 1].isspace():
        end -= 1
    if start == end:
        raise FrontlineError("That span holds only spaces.")
    coder = (coder or "").strip()[:64]
    if not coder:
        raise FrontlineError("Coding needs the coder's name.")
    chosen = _codes_by_key(session, codes)
    excerpt = session.scalars(select(Excerpt).where(
        Excerpt.note_id == note_id, Excerpt.span_start == start, Excerpt.span_end == end, Excerpt.coder == coder,
    )).first()
    if excerpt is None:
        excerpt = Excerpt(note_id=note_id, span_start=start, span_end=end, text=note.body[start:end], coder=coder)
        session.add(excerpt)
    excerpt.codes = list({c.id: c for c in [*excerpt.codes, *chosen]}.values())
    session.flush()
    return _coded(excerpt)


def code_quote(*, session: Session, note_id: int, quote: str, codes: Sequence[str], coder: str) -> CodedExcerpt:
    """Code the words ``quote`` where they occur in the note (what a researcher copies from the answer)."""
    note = session.get(InterviewNote, note_id)
    if note is None:
        raise FrontlineError(f"There is no note with id {note_id}.")
    start, end = find_quote(note.body, quote)
    return code_excerpt(session=session, note_id=note_id, start=start, end=end, codes=codes, coder=coder)


def code_sentences(
    *, session: Session, note_id: int, sentences: Sequence[int], codes: Sequence[str], coder: str,
) -> list[CodedExcerpt]:
    """Code the chosen sentences of a note (indexes into ``sentence_spans``): adjacent ones become one excerpt.

    Separate sentences are coded one by one, so a later edit of the note moves
    each with its own words.
    """
    note = session.get(InterviewNote, note_id)
    if note is None:
        raise FrontlineError(f"There is no note with id {note_id}.")
    spans = sentence_spans(note.body)
    chosen = sorted(set(sentences))
    if not chosen:
        raise FrontlineError("Choose sentences or paste the words to code.")
    if chosen[0] < 0 or chosen[-1] >= len(spans):
        raise FrontlineError("Those sentences are not in this answer any more; choose them again.")
    runs: list[list[int]] = []
    for index in chosen:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return [code_excerpt(session=session, note_id=note_id, start=spans[run[0]][0], end=spans[run[-1]][1],
                         codes=codes, coder=coder) for run in runs]


def set_excerpt_codes(*, session: Session, excerpt_id: int, codes: Sequence[str]) -> CodedExcerpt:
    excerpt = session.get(Excerpt, excerpt_id)
    if excerpt is None:
        raise FrontlineError(f"There is no excerpt with id {excerpt_id}.")
    excerpt.codes = _codes_by_key(session, codes)
    session.flush()
    return _coded(excerpt)


def excerpt_code_keys(*, session: Session, excerpt_id: int) -> list[str]:
    """The keys of the codes an excerpt carries, in codebook order, to prefill a form that edits them."""
    excerpt = session.get(Excerpt, excerpt_id)
    if excerpt is None:
        raise FrontlineError(f"There is no excerpt with id {excerpt_id}.")
    return [c.key for c in sorted(excerpt.codes, key=lambda c: (c.position, c.id))]


def delete_excerpt(*, session: Session, excerpt_id: int) -> None:
    excerpt = session.get(Excerpt, excerpt_id)
    if excerpt is not None:
        session.delete(excerpt)
        session.flush()


def add_memo(
    *, session: Session, author: str, body: str, excerpt_id: int | None = None, interview_id: int | None = None,
    code_key: str | None = None,
) -> int:
    """Write a memo on exactly one excerpt, interview or code; returns the memo's id."""
    body = (body or "").strip()
    if not body:
        raise FrontlineError("The memo is empty.")
    if len(body) > MAX_MEMO:
        raise FrontlineError(f"Memos are at most {MAX_MEMO:,} characters.")
    code_id = None
    if code_key:
        code_id = _codes_by_key(session, [code_key])[0].id
    targets = [t for t in (excerpt_id, interview_id, code_id) if t is not None]
    if len(targets) != 1:
        raise FrontlineError("A memo belongs to exactly one excerpt, interview or code.")
    if excerpt_id is not None and session.get(Excerpt, excerpt_id) is None:
        raise FrontlineError(f"There is no excerpt with id {excerpt_id}.")
    if interview_id is not None and session.get(Interview, interview_id) is None:
        raise FrontlineError(f"There is no interview with id {interview_id}.")
    author = (author or "")[:64]
    same = select(Memo.id).where(Memo.author == author, Memo.body == body,
                                 Memo.excerpt_id.is_not_distinct_from(excerpt_id),
                                 Memo.interview_id.is_not_distinct_from(interview_id),
                                 Memo.code_id.is_not_distinct_from(code_id))
    if session.scalar(same) is not None:  # "Add memo" pressed twice added it twice (an outside walk)
        raise FrontlineError("You already wrote this memo here; nothing was added.")
    memo = Memo(author=author, body=body, excerpt_id=excerpt_id, interview_id=interview_id, code_id=code_id)
    session.add(memo)
    session.flush()
    return memo.id


def own_memos(*, session: Session, author: str, excerpt_id: int | None = None,
              interview_id: int | None = None) -> dict[int, str]:
    """The memos ``author`` wrote on one excerpt or interview, by id, each as its first 80 characters."""
    query = select(Memo.id, Memo.body).where(Memo.author == author).order_by(Memo.id)
    query = query.where(Memo.excerpt_id == excerpt_id) if excerpt_id is not None else query.where(
        Memo.interview_id == interview_id)
    return {memo_id: body[:80] + ("…" if len(body) > 80 else "") for memo_id, body in session.execute(query)}


def remove_memo(*, session: Session, memo_id: int, author: str) -> None:
    """Remove a memo its author wrote (a slip, a copy): memos are each researcher's own, so nobody else may.

    Raises:
        FrontlineError: there is no such memo, or ``author`` did not write it; nothing is removed.
    """
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise FrontlineError("That memo is gone already.")
    if memo.author != author:
        raise FrontlineError("Only the researcher who wrote a memo can remove it; nothing was removed.")
    session.delete(memo)
    session.flush()


def memos_table(
    *, session: Session, excerpt_id: int | None = None, interview_id: int | None = None, code_key: str | None = None,
) -> pd.DataFrame:
    query = select(Memo.created_at, Memo.author, Memo.body).order_by(Memo.id)
    if excerpt_id is not None:
        query = query.where(Memo.excerpt_id == excerpt_id)
    if interview_id is not None:
        query = query.where(Memo.interview_id == interview_id)
    if code_key is not None:
        query = query.join(Code, Code.id == Memo.code_id).where(Code.key == code_key)
    return pd.DataFrame(session.execute(query).all(), columns=["Written", "By", "Memo"])


def note_excerpts(*, session: Session, note_id: int) -> pd.DataFrame:
    """The excerpts coded in one note, by everyone, with their codes."""
    excerpts = session.scalars(select(Excerpt).where(Excerpt.note_id == note_id).order_by(Excerpt.span_start)).all()
    return pd.DataFrame(
        [(e.id, e.coder, e.text, ", ".join(c.name for c in e.codes), e.span_start < 0) for e in excerpts],
        columns=["id", "Coder", "Excerpt", "Codes", "Text no longer in note"],
    )


def _snippet(text: str, needle: str, width: int = 80) -> str:
    at = text.lower().find(needle.lower())
    if at == -1:
        return text[: 2 * width]
    start, end = max(0, at - width), min(len(text), at + len(needle) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def search(*, session: Session, query: str, study_id: int | None = None, limit: int = 200) -> pd.DataFrame:
    """Notes and memos containing ``query`` (case-insensitive), with where they are and a snippet."""
    needle = (query or "").strip()
    if len(needle) < 2:
        raise FrontlineError("Search for at least two characters.")
    pattern = "%" + needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    notes = (
        select(Participant.code, func.coalesce(GuideQuestion.text, InterviewNote.label), InterviewNote.body,
               Interview.id, InterviewNote.id)
        .join(Interview, Interview.id == InterviewNote.interview_id)
        .join(Participant, Participant.id == Interview.participant_id)
        .outerjoin(GuideQuestion, GuideQuestion.id == InterviewNote.guide_question_id)
        .where(func.lower(InterviewNote.body).like(pattern, escape="\\"))
        .order_by(Participant.code, InterviewNote.position).limit(limit)
    )
    # A memo's interview is its own or its excerpt's; memos on a code belong to the shared codebook, every study.
    memo_interview = func.coalesce(Memo.interview_id, InterviewNote.interview_id)
    memos = (
        select(Memo.author, Memo.body, memo_interview)
        .outerjoin(Excerpt, Excerpt.id == Memo.excerpt_id)
        .outerjoin(InterviewNote, InterviewNote.id == Excerpt.note_id)
        .outerjoin(Interview, Interview.id == memo_interview)
        .where(func.lower(Memo.body).like(pattern, escape="\\")).order_by(Memo.id).limit(limit)
    )
    excerpts = (
        select(Excerpt, Participant.code, Interview.id)
        .join(InterviewNote, InterviewNote.id == Excerpt.note_id)
        .join(Interview, Interview.id == InterviewNote.interview_id)
        .join(Participant, Participant.id == Interview.participant_id)
        .where(func.lower(Excerpt.text).like(pattern, escape="\\"))
        .order_by(Participant.code, Excerpt.id).limit(limit)
    )
    if study_id is not None:
        notes = notes.where(Interview.study_id == study_id)
        excerpts = excerpts.where(Interview.study_id == study_id)
        memos = memos.where(or_(Memo.code_id.is_not(None), Interview.study_id == study_id))
    rows: list[tuple[str, str, str, str, int | None, int | None]]
    rows = [("note", code, question or "Free notes", _snippet(body, needle), interview, note)
            for code, question, body, interview, note in session.execute(notes)]
    rows += [("excerpt", code, f"coded {', '.join(c.name for c in excerpt.codes)} by {excerpt.coder}",
              _snippet(excerpt.text, needle), interview, excerpt.note_id)
             for excerpt, code, interview in session.execute(excerpts)]
    rows += [("memo", author, "memo", _snippet(body, needle), interview, None)
             for author, body, interview in session.execute(memos)]
    return pd.DataFrame(rows, columns=["Found in", "Participant / author", "Question", "Snippet",
                                       "interview_id", "note_id"])
