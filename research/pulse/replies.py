"""Anonymous two-way conversation: researchers reply to comments, agents read replies with their receipt code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.audit import claim_submission
from research.pulse.errors import PulseError
from research.pulse.sealing import Sealer
from research.pulse.submit import MAX_TEXT_LENGTH, RECEIPT_ALPHABET, hash_receipt
from research.store.models import PulseAnswer, PulseQuestion, PulseReceipt, PulseReply

if TYPE_CHECKING:  # pandas is imported where the table is built, not at import time
    import pandas as pd


@dataclass(frozen=True)
class Conversation:
    comments: list[str]
    replies: list[tuple[date, str]]


def add_reply(*, session: Session, response_id: uuid.UUID, author: str, body: str, today: date,
              submission: str | None = None, answer_id: uuid.UUID | None = None) -> None:
    """Store a reply to one response's comments, written under its comment ``answer_id`` (the agent reads every
    reply to their response); a form's one-time ``submission`` key stores it once.

    Raises:
        PulseError: the reply is empty or too long.
        AlreadySubmitted: ``submission`` was claimed before (a double click): nothing is stored again.
    """
    body = body.strip()
    if not body:
        raise PulseError("Write a reply first.")
    if len(body) > MAX_TEXT_LENGTH:
        raise PulseError(f"Replies are limited to {MAX_TEXT_LENGTH:,} characters.")
    claim_submission(session=session, key=submission, actor=author, action="reply_sent")
    session.add(PulseReply(response_id=response_id, answer_id=answer_id, author=author, body=body, created_on=today))
    session.flush()


RECEIPT_SHAPE = "A receipt code has 15 letters and digits, like ABCDE-FGHJK-LMNPQ. Check it and try again."


def receipt_code(code: str) -> str:
    """The code as issued, from what was typed (any case, dashes or spaces anywhere).

    Raises:
        PulseError: the code is not of the receipt's form (a typo, not a guess).
    """
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(cleaned) != 15 or any(ch not in RECEIPT_ALPHABET for ch in cleaned):
        raise PulseError(RECEIPT_SHAPE)
    return cleaned


def conversation_for_receipt(*, session: Session, code: str, sealer: Sealer) -> Conversation:
    """The agent's own (redacted) comments and the replies to them, found by receipt code alone.

    A well-formed code that matches nothing gives an empty conversation, exactly like a response
    still waiting to be released or one sent through an already used invite, so a lookup tells
    nobody whether a code, or the invite behind it, was ever used.

    Raises:
        PulseError: the code is not of the receipt's form (a typo, not a guess).
    """
    plain = hash_receipt(receipt_code(code))
    # Receipts released before they were keyed are stored by their plain hash until retention erases them.
    receipt = session.get(PulseReceipt, sealer.receipt_key(plain)) or session.get(PulseReceipt, plain)
    if receipt is None:
        return Conversation([], [])
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


class LookupThrottle:
    """Receipt lookups one browser session may make: a few at once, then one every ``interval`` seconds.

    Codes are 75 bits, so guessing is hopeless anyway; this keeps a script from trying.
    """

    def __init__(self, burst: int = 5, interval: float = 20.0):
        self.burst, self.interval = burst, interval
        self._times: list[float] = []

    def wait(self, now: float) -> float:
        """Seconds to wait before the next lookup is allowed (0: allowed now, and counted)."""
        window = self.burst * self.interval
        self._times = [t for t in self._times if now - t < window]
        if len(self._times) >= self.burst:
            return round(self._times[0] + window - now, 1)
        self._times.append(now)
        return 0.0


def comments_for_reply(*, session: Session, wave_id: int, threshold: int) -> pd.DataFrame:
    """The wave's comments a researcher may read and answer: only teams where enough people wrote.

    Returns columns response_id, answer_id, team, question, comment, replies (count) and sent (those replies,
    oldest first, as (author, day, text): :func:`replies_under`).
    """
    import pandas as pd

    from research.privacy.reporting import releasable_rows
    from research.store.models import PulseResponse, PulseSegment

    responses = pd.DataFrame(  # people who wrote, not responses: a team of ten with one comment shows none
        session.execute(
            select(PulseResponse.id, PulseSegment.team).distinct()
            .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
            .join(PulseAnswer, PulseAnswer.response_id == PulseResponse.id)
            .where(PulseResponse.wave_id == wave_id, PulseAnswer.value_text.is_not(None))
        ).all(),
        columns=["response_id", "team"],
    )
    released = set(releasable_rows(responses, by="team", threshold=threshold)["response_id"])
    rows = session.execute(
        select(PulseAnswer.response_id, PulseAnswer.id, PulseSegment.team, PulseQuestion.prompt,
               PulseAnswer.value_text)
        .join(PulseQuestion, PulseQuestion.id == PulseAnswer.question_id)
        .join(PulseResponse, PulseResponse.id == PulseAnswer.response_id)
        .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
        .where(PulseResponse.wave_id == wave_id, PulseQuestion.kind == "text", PulseAnswer.value_text.is_not(None))
        .order_by(PulseSegment.team, PulseAnswer.value_text)
    ).all()
    frame = pd.DataFrame(rows, columns=["response_id", "answer_id", "team", "question", "comment"])
    frame = frame[frame["response_id"].isin(released)].reset_index(drop=True)
    sent = sent_replies(session=session, response_ids=list(frame["response_id"].unique()))
    under = [replies_under(sent, r, a) for r, a in zip(frame["response_id"], frame["answer_id"])]
    return frame.assign(replies=[len(replies) for replies in under], sent=under)


def replies_under(sent: dict, response_id: uuid.UUID, answer_id: uuid.UUID) -> list[tuple[str, date, str]]:
    """The replies of :func:`sent_replies` written under one comment, as (author, day, text): each comment has
    its own, so one person's comments are never tied together by a shared thread; a reply stored before
    replies knew their comment belongs to each comment of its response."""
    return [(author, day, body) for author, day, body, under in sent.get(response_id, [])
            if under is None or under == answer_id]


def sent_replies(*, session: Session, response_ids: list[uuid.UUID]
                 ) -> dict[uuid.UUID, list[tuple[str, date, str, uuid.UUID | None]]]:
    """The replies already sent to each response, oldest first, as (author, day, text, the comment it was written
    under): what the agent was told, so a colleague does not answer the same comment again. Pages show a
    comment's own with :func:`replies_under`."""
    sent: dict[uuid.UUID, list[tuple[str, date, str, uuid.UUID | None]]] = {}
    if not response_ids:
        return sent
    for response_id, author, day, body, answer_id in session.execute(
            select(PulseReply.response_id, PulseReply.author, PulseReply.created_on, PulseReply.body,
                   PulseReply.answer_id)
            .where(PulseReply.response_id.in_(response_ids)).order_by(PulseReply.created_on, PulseReply.id)):
        sent.setdefault(response_id, []).append((author, day, body, answer_id))
    return sent


def newest_wave_with_comments(*, session: Session, threshold: int) -> int | None:
    """The newest wave with a comment a researcher may read (:func:`comments_for_reply`): the page opens there,
    not on a wave just opened whose comments are still held."""
    from research.pulse.waves import wave_choices

    return next((wave_id for wave_id in wave_choices(session=session)
                 if not comments_for_reply(session=session, wave_id=wave_id, threshold=threshold).empty), None)
