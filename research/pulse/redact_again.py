"""Stored comments redacted again, with today's rules and roster.

A comment is redacted once, when it is stored. Rules get better (an insider review of 2026-12-07 put "🅾🅺🅰🅵🅾🆁"
and "rofakO moT" through to executives' quotes, read since) and a roster is often saved after the first waves,
so without this the words stored before stay as they were for good. What changes is replaced in the comment
(released or waiting for its release step), the analysis cache forgets the old words' vectors, and the topic
labels made from them wait for the next analysis, as after an erasure. A staff member's unsent draft that quotes
such a comment (a reply, an action pasted from a quote) gets the quote redacted the same way, the rest of what they
typed kept: sent later, it would otherwise carry the old words on. Comments still sealed in the inbox were
redacted when the agent reviewed them and are redacted again here once released.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.accounts.drafts import rewrite_quotes_in_drafts
from research.audit import record
from research.privacy.redaction import Redactor
from research.pulse.retention import forget_cached_comments, forget_topic_words
from research.settings import Settings
from research.store.models import PulseAnswer, PulseHeldText


@dataclass(frozen=True)
class Redone:
    comments: int  # comments whose text changed (or would)
    changed: bool  # False for a dry run
    cache_entries: int = 0
    drafts: int = 0  # staff drafts whose quote of such a comment was redacted


def redact_stored_comments(*, session: Session, redactor: Redactor, actor: str, settings: Settings,
                           dry_run: bool = False) -> Redone:
    """Redact every stored pulse comment again; with ``dry_run`` only count those that would change.

    Raises:
        CacheBusy: another process holds the analysis cache; roll back and run again once workers stop.
    """
    rows: list[PulseAnswer | PulseHeldText] = [
        *session.scalars(select(PulseAnswer).where(PulseAnswer.value_text.is_not(None))),
        *session.scalars(select(PulseHeldText))]
    changes = [(row, text) for row in rows if (text := redactor.redact(row.value_text or "").text) != row.value_text]
    if dry_run or not changes:
        return Redone(len(changes), False)
    old = {row.value_text for row, _ in changes if row.value_text}
    for row, text in changes:
        row.value_text = text
    forget_topic_words(session=session, why="its label waits for the next analysis")
    drafts = rewrite_quotes_in_drafts(session=session, texts=old, rewrite=lambda quote: redactor.redact(quote).text)
    session.flush()
    entries = forget_cached_comments(session=session, texts=old, settings=settings)
    record(session=session, actor=actor, action="comments_redacted_again",
           subject=f"{len(changes)} comment(s) redacted again, {drafts} staff draft(s) quoting them")
    return Redone(len(changes), True, entries, drafts)
