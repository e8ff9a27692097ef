"""Researchers code released pulse comments: the analysis suggests a code, one click accepts or corrects it.

A comment's suggestion is the theme the newest finished analysis gave it, with
that analysis's confidence; nothing is computed on the page. What a researcher
accepts or picks instead is stored like an interview excerpt's code and, like
one, teaches the theme classifier at the next analysis
(:func:`coded_comment_examples`). Only comments a researcher may read (teams at
the comment threshold, see :func:`research.pulse.replies.comments_for_reply`)
are ever offered.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.codebook import NO_CODE
from research.pulse.errors import PulseError
from research.store.models import AnalysisJob, Code, PulseAnswer, PulseCommentCode, TextAnalysis

MIN_EXAMPLE_WORDS = 3  # "the CRM" alone says too little to teach a theme


@dataclass(frozen=True)
class Suggestion:
    code_key: str
    confidence: float | None


def suggestions(*, session: Session, answer_ids: list[uuid.UUID]) -> tuple[dict[uuid.UUID, Suggestion], set[uuid.UUID]]:
    """The newest finished analysis's theme for each comment it covered that has a code, and the comments it found
    no code for ("other"), from one read: the page says why those get no suggestion ("Cardiff parking is
    terrible" with no parking code showed nothing at all: an outside walk)."""
    job_id = session.scalar(select(AnalysisJob.id).where(AnalysisJob.status == "succeeded")
                            .order_by(AnalysisJob.id.desc()).limit(1))
    if job_id is None or not answer_ids:
        return {}, set()
    known = set(session.scalars(select(Code.key)))
    offered, unfit = {}, set()
    for answer, theme, confidence in session.execute(
            select(TextAnalysis.answer_id, TextAnalysis.theme, TextAnalysis.theme_confidence)
            .where(TextAnalysis.job_id == job_id, TextAnalysis.answer_id.in_(answer_ids))):
        if theme in known:
            offered[answer] = Suggestion(theme, confidence)
        elif theme == NO_CODE:
            unfit.add(answer)
    return offered, unfit


def comment_codes(*, session: Session, answer_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The code key a researcher gave each of these comments, where one did."""
    if not answer_ids:
        return {}
    return dict(session.execute(select(PulseCommentCode.answer_id, Code.key)
                                .join(Code, Code.id == PulseCommentCode.code_id)
                                .where(PulseCommentCode.answer_id.in_(answer_ids))).all())


def code_comment(*, session: Session, answer_id: uuid.UUID, code_key: str, coder: str, today: date) -> str:
    """Give a comment a code (replacing the one it had); return the code's name for the confirmation.

    Raises:
        PulseError: no such comment (or not free text), or no such code.
    """
    answer = session.get(PulseAnswer, answer_id)
    if answer is None or answer.value_text is None:
        raise PulseError("That comment is no longer there (it may have been erased): nothing was coded.")
    code = session.scalar(select(Code).where(Code.key == code_key))
    if code is None:
        raise PulseError(f"There is no code {code_key!r} in the codebook any more: choose another.")
    existing = session.get(PulseCommentCode, answer_id)
    if existing is None:
        session.add(PulseCommentCode(answer_id=answer_id, code_id=code.id, coder=coder, coded_on=today))
    else:
        existing.code_id, existing.coder, existing.coded_on = code.id, coder, today
    session.flush()
    return code.name


def coded_comment_examples(*, session: Session) -> dict[str, list[str]]:
    """Code key (its top-level code's, as the analysis reads themes) to the distinct comments coded with it."""
    parents = dict(session.execute(select(Code.id, Code.parent_id)).all())
    keys = dict(session.execute(select(Code.id, Code.key)).all())
    examples: dict[str, list[str]] = {}
    rows = session.execute(select(PulseAnswer.value_text, PulseCommentCode.code_id)
                           .join(PulseAnswer, PulseAnswer.id == PulseCommentCode.answer_id)
                           .order_by(PulseAnswer.value_text))
    for text, code_id in rows:
        body = " ".join((text or "").split())
        top = code_id
        while (parent := parents.get(top)) is not None:
            top = parent
        if len(body.split()) >= MIN_EXAMPLE_WORDS and body not in examples.setdefault(keys[top], []):
            examples[keys[top]].append(body)
    return examples
