"""Anonymous two-way conversation: researchers reply to comments, agents read replies with their receipt code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.pulse.errors import PulseError
from research.pulse.submit import MAX_TEXT_LENGTH, hash_receipt
from research.store.models import PulseAnswer, PulseQuestion, PulseReceipt, PulseReply

if TYPE_CHECKING:  # pandas is imported where the table is built, not at import time
    import pandas as pd


@dataclass(frozen=True)
class Conversation:
    comments: list[str]
    replies: list[tuple[date, str]]


def add_reply(*, session: Session, response_id: uuid.UUID, author: str, body: str, today: date) -> None:
    body = body.strip()
    if not body:
        raise PulseError("Write a reply first.")
    if len(body) > MAX_TEXT_LENGTH:
        raise PulseError(f"Replies are limited to {MAX_TEXT_LENGTH:,} characters.")
    session.add(PulseReply(response_id=response_id, author=author, body=body, created_on=today))
    session.flush()


def conversation_for_receipt(*, session: Session, code: str) -> Conversation:
    """The agent's own (redacted) comments and the replies to them, found by receipt code alone."""
    receipt = session.get(PulseReceipt, hash_receipt(code)) if code and len(code) <= 40 else None
    if receipt is None:
        raise PulseError("No response matches this receipt code. Check it and try again.")
    comments = list(session.scalars(
        select(PulseAnswer.value_text)
        .join(PulseQuestion, PulseQuestion.id == PulseAnswer.question_id)
        .where(PulseAnswer.response_id == receipt.response_id, PulseQuestion.kind == "text")
        .order_by(PulseQuestion.position)
    ))
    replies = session.execute(
        select(PulseReply.created_on, PulseReply.body)
        .where(PulseReply.response_id == receipt.response_id).order_by(PulseReply.created_on)
    ).all()
    return Conversation([c for c in comments if c], [(d, b) for d, b in replies])


def comments_for_reply(*, session: Session, wave_id: int, threshold: int) -> pd.DataFrame:
    """The wave's comments a researcher may read and answer: only teams with enough responses.

    Returns columns response_id, team, question, comment, replies (count).
    """
    import pandas as pd
    from sqlalchemy import func

    from research.privacy.reporting import releasable_rows
    from research.store.models import PulseResponse, PulseSegment

    responses = pd.DataFrame(
        session.execute(
            select(PulseResponse.id, PulseSegment.team)
            .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
            .where(PulseResponse.wave_id == wave_id)
        ).all(),
        columns=["response_id", "team"],
    )
    released = set(releasable_rows(responses, by="team", threshold=threshold)["response_id"])
    reply_counts = (select(PulseReply.response_id, func.count(PulseReply.id).label("n"))
                    .group_by(PulseReply.response_id).subquery())
    rows = session.execute(
        select(PulseAnswer.response_id, PulseSegment.team, PulseQuestion.prompt, PulseAnswer.value_text,
               func.coalesce(reply_counts.c.n, 0))
        .join(PulseQuestion, PulseQuestion.id == PulseAnswer.question_id)
        .join(PulseResponse, PulseResponse.id == PulseAnswer.response_id)
        .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
        .outerjoin(reply_counts, reply_counts.c.response_id == PulseAnswer.response_id)
        .where(PulseResponse.wave_id == wave_id, PulseQuestion.kind == "text", PulseAnswer.value_text.is_not(None))
        .order_by(PulseSegment.team, PulseAnswer.value_text)
    ).all()
    frame = pd.DataFrame(rows, columns=["response_id", "team", "question", "comment", "replies"])
    return frame[frame["response_id"].isin(released)].reset_index(drop=True)
