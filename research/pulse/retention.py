"""Keeping agents' words no longer than needed: erase old comments, keep the scores.

An employer's retention schedule usually says how long free text about
people may be kept. Comments are the part of a pulse response that could
ever identify someone, so :func:`erase_comments` removes, for responses
submitted before a day, every free-text answer (and with it its analysis
rows, by cascade), the replies to those responses and their receipts (a
receipt only served to read replies). Scores stay, so trends and the
overview do not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from research.audit import record
from research.store.models import PulseAnswer, PulseReceipt, PulseReply, PulseResponse


@dataclass(frozen=True)
class Erasure:
    comments: int
    replies: int
    receipts: int
    erased: bool  # False for a dry run


def erase_comments(*, session: Session, before: date, actor: str, dry_run: bool = False) -> Erasure:
    """Erase the comments, replies and receipts of responses submitted before ``before``.

    With ``dry_run`` only count them, so an administrator sees what would go.
    """
    old = select(PulseResponse.id).where(PulseResponse.submitted_on < before).scalar_subquery()
    texts = PulseAnswer.value_text.is_not(None) & PulseAnswer.response_id.in_(old)
    counts = Erasure(
        comments=session.scalar(select(func.count()).select_from(PulseAnswer).where(texts)),
        replies=session.scalar(select(func.count()).select_from(PulseReply).where(PulseReply.response_id.in_(old))),
        receipts=session.scalar(select(func.count()).select_from(PulseReceipt)
                                .where(PulseReceipt.response_id.in_(old))),
        erased=not dry_run,
    )
    if dry_run:
        return counts
    session.execute(delete(PulseAnswer).where(texts))
    session.execute(delete(PulseReply).where(PulseReply.response_id.in_(old)))
    session.execute(delete(PulseReceipt).where(PulseReceipt.response_id.in_(old)))
    record(session=session, actor=actor, action="comments_erased",
           subject=f"{counts.comments} comment(s), {counts.replies} reply(ies), {counts.receipts} receipt(s) "
                   f"of responses before {before.isoformat()}")
    return counts
