"""Keeping agents' words no longer than needed: erase old comments, keep the scores.

An employer's retention schedule usually says how long free text about
people may be kept. Comments are the part of a pulse response that could
ever identify someone, so :func:`erase_comments` removes, for responses
submitted before a day, every free-text answer (and with it its analysis
rows in ``text_analyses``, by the foreign key's ``ON DELETE CASCADE``), the
replies to those responses and their receipts (a receipt only served to read
replies), and the stored readable topic labels (``topic_label_sets``, rebuilt
from the comments left on the next view). Scores stay, so trends and the overview do not change. Comments
still held back (waiting in the inbox, or released with their scores but
waiting for enough people to write) of the same days go too.

The analysis keeps a cache of embeddings and sentiment scores keyed by a hash
of each text (:class:`research.store.embedding_cache.EmbeddingCache`), which
would let someone confirm a guessed comment; the erased texts' entries are
removed from it too, and their bytes overwritten. Only this machine's cache
(``Settings.embedding_cache_path``) is cleaned: a worker on another machine
keeps its own cache in its own data directory.

What stays: each analysis job's topic summaries (``topic_summaries``: a
label and top words per topic, counted over all the comments of that run)
keep words that erased comments contributed, until a new analysis replaces
the results. They are words shared by a whole topic, never a comment, but
run the analysis again after erasing if even those must go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from research.accounts.drafts import REPLIES, forget_everyones_drafts, forget_quotes_in_drafts, replied_response
from research.audit import record
from research.pulse.binding import without_words
from research.pulse.inbox import sealed_size, wave_question_kinds
from research.pulse.sealing import Sealer, is_canonical
from research.settings import Settings
from research.store.models import (
    AuditEvent,
    PulseAnswer,
    PulseHeldText,
    PulseInbox,
    PulseReceipt,
    PulseReply,
    PulseResponse,
    TopicLabelSet,
    TopicSummary,
)


@dataclass(frozen=True)
class Erasure:
    comments: int
    replies: int
    receipts: int
    erased: bool  # False for a dry run
    cache_entries: int = 0  # cached vectors and scores of the erased texts that were removed


ERASURE = "comments_erased"
"""The audit action an erasure records; pages that work figures out from analysis rows ask for it since a job."""


def latest_erasure(*, session: Session) -> int | None:
    """The audit id of the newest erasure: what pages holding comments' words or figures in a cache, or a
    prepared export, compare to know their copy predates an erasure (another process erases)."""
    return session.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.action == ERASURE))


def erase_comments(*, session: Session, before: date, actor: str, settings: Settings,
                   dry_run: bool = False) -> Erasure:
    """Erase the comments, replies and receipts of responses submitted before ``before``.

    With ``dry_run`` only count them, so an administrator sees what would go. ``settings`` say where
    the analysis cache is, the same way ``frontline analyze`` and the workers find it.

    Raises:
        CacheBusy: another process holds the cache; the session should be rolled back and the
            command run again once the analysis workers are stopped.
    """
    responses = select(PulseResponse.id).where(PulseResponse.submitted_on < before)
    old = responses.scalar_subquery()
    texts = PulseAnswer.value_text.is_not(None) & PulseAnswer.response_id.in_(old)
    held = PulseHeldText.response_id.in_(old)
    sealer = Sealer.from_settings(settings)
    # A row that is no sealed payload at all was never written by the application: the release refuses it too,
    # and it stays for an operator (opening it would stop every other erasure).
    stored = [row for row in session.scalars(select(PulseInbox).where(PulseInbox.submitted_on < before))
              if is_canonical(row.payload)]
    waiting = [(row, payload) for row in stored
               if (payload := sealer.open(row.payload)).get("texts") or payload.get("receipt")]
    counts = Erasure(
        comments=session.scalars(select(func.count()).select_from(PulseAnswer).where(texts)).one()
        + session.scalars(select(func.count()).select_from(PulseHeldText).where(held)).one()
        + sum(len(payload.get("texts") or ()) for _, payload in waiting),
        replies=session.scalars(select(func.count()).select_from(PulseReply).where(PulseReply.response_id.in_(old))).one(),
        receipts=session.scalars(select(func.count()).select_from(PulseReceipt)
                                .where(PulseReceipt.response_id.in_(old))).one(),
        erased=not dry_run,
    )
    if dry_run:
        return counts
    erased_texts = {t for t in session.scalars(select(PulseAnswer.value_text).where(texts).distinct()) if t is not None}
    session.execute(delete(PulseAnswer).where(texts))
    if erased_texts:
        forget_topic_words(session=session, why="its label went with erased comments")
    session.execute(delete(PulseHeldText).where(held))
    sizes = {wave_id: sealed_size(wave_question_kinds(session=session, wave_id=wave_id))
             for wave_id in {row.wave_id for row, _ in waiting}}
    for row, payload in waiting:  # scores stay to be released; the words and the receipt go, the binding stays
        row.payload = sealer.seal(without_words(row, payload), size=sizes[row.wave_id])
    session.execute(delete(PulseReply).where(PulseReply.response_id.in_(old)))
    erased = {str(response) for response in session.scalars(responses)}
    # unsent replies may quote the comment they answer
    forget_everyones_drafts(session=session, prefixes=[REPLIES], keep_place=lambda place: replied_response(place)
                            not in erased)
    forget_quotes_in_drafts(session=session, texts=erased_texts)  # and other boxes may hold them pasted
    session.execute(delete(PulseReceipt).where(PulseReceipt.response_id.in_(old)))
    cache_entries = forget_cached_comments(session=session, texts=erased_texts, settings=settings)
    record(session=session, actor=actor, action=ERASURE,
           subject=f"{counts.comments} comment(s), {counts.replies} reply(ies), {counts.receipts} receipt(s) "
                   f"of responses before {before.isoformat()}")
    return Erasure(counts.comments, counts.replies, counts.receipts, True, cache_entries)


def forget_topic_words(*, session: Session, why: str) -> None:
    """Drop every stored topic label made of comments' words, after some comments' words went: the readable
    label sets (pages rebuild them), and the researchers' labels and top words each job stored (one was an erased
    comment's first words, verbatim, found by an insider review), which read "Topic 3 (``why``)" until the next
    analysis refits them."""
    session.execute(delete(TopicLabelSet))
    for summary in session.scalars(select(TopicSummary)):
        summary.label, summary.words = f"Topic {summary.topic} ({why})", []


def forget_cached_comments(*, session: Session, texts: set[str], settings: Settings) -> int:
    """Remove the erased (or rewritten) texts from the analysis cache, except texts a kept comment still has.

    The analysis caches a comment under its stripped text, and a coded comment, which teaches the themes, with
    its runs of spaces and line breaks made single spaces (:mod:`research.pulse.comment_codes`): all three forms
    are forgotten.
    """
    if not texts or not settings.embedding_cache_path.exists():
        return 0
    from research.store.embedding_cache import cached_forms, forget_cached_texts

    forms = cached_forms(texts)
    kept: set[str] = set()
    ordered = sorted(forms)
    for start in range(0, len(ordered), 500):
        still = session.scalars(select(PulseAnswer.value_text).distinct()
                                .where(PulseAnswer.value_text.in_(ordered[start:start + 500])))
        kept.update(form for value in still if value is not None for form in (value, value.strip()))
    return forget_cached_texts(settings.embedding_cache_path, settings.embedding_model, forms - kept)
