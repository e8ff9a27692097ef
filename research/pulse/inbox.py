"""Hold pulse submissions, and release them into the figures in shuffled batches.

Two insiders could otherwise recover one agent's answers. Someone who watches
the figures of an open wave sees them move with each response, so the
difference between two looks is that response. A database administrator sees
the order rows were written in (a rowid, a PostgreSQL ``ctid`` or ``xmin``)
and can line it up with the invites flagged used. So a confirmed submission is
first written to ``pulse_inbox`` (random key, no rowid, its answers sealed with a
key the database never holds: :mod:`research.pulse.sealing`) with its segment. Once
at least the score threshold of submissions wait in a segment, they are moved
together into the response tables, in a random order and in one transaction of
their own, stamped with the day of the move, and deleted from the inbox, whose
dead rows are then scrubbed. Free text moves on once more: it waits in
``pulse_held_texts`` until at least the comment threshold of people in the
segment have written, so comments move in steps of that threshold.

Every group a figure is shown for (team, site, channel, industry, the wave) is
a union of segments, so every figure, count, quote and export changes only
when at least the threshold of new people arrive in it. Submissions that never
complete a step (the last few of a segment when the wave closes) stay held:
saved, never shown, so a closed wave's published figures are final.

A step counts distinct submissions, never rows: each payload is sealed with its
row's id, wave and segment, and a copied, moved or already released row is
refused and left in the inbox (:mod:`research.pulse.binding`), so an
administrator cannot make one agent's row count as several people.

What a live observer of the database can still learn: while a submission waits,
its sealed row sits beside its segment, and on PostgreSQL it shares the ``xmin``
of its transaction with the invite flagged used, so the invite is tied to a
batch once released, never to a response within it. A statement log
(``log_statement = 'all'``) shows the same: which invite wrote which waiting row.
The release names the rows it deletes in their ids' order and writes responses
in a shuffled one, so the log ties no row to its response. Whoever also holds
the web servers' key could open a waiting (or logged) row.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.orm import Session

from research.privacy.reporting import Thresholds
from research.pulse.binding import bound, verified
from research.pulse.coalesce import Coalesced, CoalescedByKey
from research.pulse.sealing import Sealer
from research.store.engine import session_scope
from research.store.models import (
    PulseAnswer,
    PulseHeldText,
    PulseInbox,
    PulseQuestion,
    PulseReceipt,
    PulseReleased,
    PulseResponse,
)

_SCRUBBED_TABLES = ("pulse_inbox", "pulse_held_texts")


def hold(*, session: Session, wave_id: int, segment_id: int, answers: Mapping[PulseQuestion, float | str],
         receipt_hash: str, today: date, sealer: Sealer, kinds: Iterable[str]) -> None:
    """Write one confirmed (validated, redacted) submission to the inbox, sealed and padded to the
    :func:`sealed_size` of ``kinds`` (those of every question of the wave, answered or not); the caller
    commits."""
    numbers = {str(q.id): v for q, v in answers.items() if not isinstance(v, str)}
    texts = {str(q.id): v for q, v in answers.items() if isinstance(v, str)}
    row_id = uuid.uuid4()  # sealed with the answers: a copy under another id is refused at release
    content = {"numbers": numbers, "texts": texts, "receipt": receipt_hash}
    session.add(PulseInbox(id=row_id, wave_id=wave_id, segment_id=segment_id, submitted_on=today,
                           payload=sealer.seal(bound(row_id, wave_id, segment_id, content), size=sealed_size(kinds))))
    session.flush()


SEALED_BASE_BYTES, SEALED_NUMBER_BYTES, ESCAPED_CHAR_BYTES = 1024, 48, 6


def sealed_size(kinds: Iterable[str]) -> int:
    """The bytes every waiting payload of a wave whose questions are of ``kinds`` is padded to: room for the
    longest answers they allow, each character of a comment escaped in JSON (``\\uXXXX``, 6 bytes). Only a
    comment longer than that after redaction (a character outside the Basic Multilingual Plane takes 12) spills
    into a second block."""
    from research.pulse.submit import MAX_TEXT_LENGTH  # submit imports this module

    kinds = list(kinds)
    texts = sum(kind == "text" for kind in kinds)
    return (SEALED_BASE_BYTES + SEALED_NUMBER_BYTES * (len(kinds) - texts)
            + texts * (ESCAPED_CHAR_BYTES * MAX_TEXT_LENGTH + SEALED_NUMBER_BYTES))


def wave_question_kinds(*, session: Session, wave_id: int) -> list[str]:
    """The kinds of every question of a wave, for :func:`sealed_size`."""
    return list(session.scalars(select(PulseQuestion.kind).where(PulseQuestion.wave_id == wave_id)))


def release_ready(*, engine: Engine, wave_id: int, steps: Thresholds, today: date, sealer: Sealer,
                  rng: random.Random | None = None) -> int:
    """Release every segment of the wave that has a full step waiting; return how many responses moved.

    Runs in its own transaction, never in the one that stored a submission, so no
    response shares a transaction with the invite that let it in. Sends that ask while
    a release of the same wave is running in this process leave it to that release,
    which goes round once more for them (and then returns 0 for them).
    """
    def release() -> int:
        with session_scope(engine) as session:
            return release_waiting(session=session, wave_id=wave_id, steps=steps, today=today, sealer=sealer,
                                   rng=rng)

    moved = _releases.run(wave_id, release)
    if moved:
        scrub(engine)
    return moved


_releases = CoalescedByKey()


def releases_settled(timeout: float = 30) -> bool:
    """Wait for this process's releases to finish, background rounds included (before a shutdown, or a count
    that must see every full step released); False if they are still running after ``timeout`` seconds."""
    return _releases.wait_idle(timeout)


def release_waiting(*, session: Session, wave_id: int, steps: Thresholds, today: date, sealer: Sealer,
                    rng: random.Random | None = None) -> int:
    """:func:`release_ready` inside the caller's transaction (without the scrub)."""
    rng = rng or random.SystemRandom()
    moved = 0
    for segment_id in _scores_ready(session, wave_id, steps.scores):
        moved += _release_scores(session, segment_id, steps.scores, today, sealer, rng)
    for segment_id in _texts_ready(session, wave_id, steps.comments):
        _release_texts(session, segment_id, steps.comments, rng)
    return moved


def has_ready(*, session: Session, segment_id: int, steps: Thresholds) -> bool:
    """Whether the segment a submission just joined has a full step waiting: asked inside the submission's
    own transaction, so a release transaction is opened only once every step, not after each send.

    Comments wait only for scores to be released, so a scores step is the only thing that can fill one.
    Rows are counted here, cheaply; the release itself counts only distinct verified submissions.
    """
    waiting = session.scalars(select(func.count(PulseInbox.id)).where(PulseInbox.segment_id == segment_id)).one()
    return waiting >= steps.scores


def _scores_ready(session: Session, wave_id: int, step: int) -> list[int]:
    return list(session.scalars(
        select(PulseInbox.segment_id).where(PulseInbox.wave_id == wave_id)
        .group_by(PulseInbox.segment_id).having(func.count(PulseInbox.id) >= step)
    ))


def _texts_ready(session: Session, wave_id: int, step: int) -> list[int]:
    held = (select(PulseResponse.segment_id, PulseHeldText.response_id)
            .join(PulseResponse, PulseResponse.id == PulseHeldText.response_id)
            .where(PulseResponse.wave_id == wave_id).distinct().subquery())
    return list(session.scalars(select(held.c.segment_id).group_by(held.c.segment_id)
                                .having(func.count() >= step)))


def _release_scores(session: Session, segment_id: int, step: int, today: date, sealer: Sealer,
                    rng: random.Random) -> int:
    # A second releaser skips the rows the first holds, finds too few and leaves at once instead of
    # queueing (with a pooled connection) behind it; SQLite already lets one writer in at a time.
    rows = list(session.scalars(select(PulseInbox).where(PulseInbox.segment_id == segment_id)
                                .with_for_update(skip_locked=True)))
    if len(rows) < step:
        return 0
    batch = verified(session=session, rows=rows, sealer=sealer, segment_id=segment_id)
    if len(batch) < step:  # a step is counted in distinct real submissions, never in rows
        return 0
    # Deleted in the ids' own order, written in a shuffled one: a statement log (log_statement = 'all') must not
    # pair the ids of the DELETE, which the submissions' logged INSERTs tie to invites, with the responses.
    session.execute(delete(PulseInbox).where(PulseInbox.id.in_(sorted(b.row.id for b in batch))))
    rng.shuffle(batch)
    responses, answers, receipts, held = [], [], [], []
    for row, payload in ((b.row, b.payload) for b in batch):  # plain rows, written in this shuffled order
        response_id = uuid.uuid4()
        responses.append({"id": response_id, "wave_id": row.wave_id, "segment_id": row.segment_id,
                          "submitted_on": today})
        answers += [{"id": uuid.uuid4(), "response_id": response_id, "question_id": int(q), "value_number": v,
                     "value_text": None} for q, v in payload["numbers"].items()]
        held += [{"id": uuid.uuid4(), "response_id": response_id, "question_id": int(q), "value_text": t}
                 for q, t in payload["texts"].items()]
        if payload.get("receipt"):
            receipts.append({"code_hash": sealer.receipt_key(payload["receipt"]), "response_id": response_id})
    released = [{"digest": d} for d in sorted(b.digest for b in batch)]  # in the digests' own (random) order
    for table, values in ((PulseResponse, responses), (PulseAnswer, answers), (PulseReceipt, receipts),
                          (PulseHeldText, held), (PulseReleased, released)):
        if values:
            session.execute(insert(table), values)
    return len(batch)


def _release_texts(session: Session, segment_id: int, step: int, rng: random.Random) -> None:
    rows = list(session.scalars(
        select(PulseHeldText).join(PulseResponse, PulseResponse.id == PulseHeldText.response_id)
        .where(PulseResponse.segment_id == segment_id).with_for_update(of=PulseHeldText, skip_locked=True)
    ))
    if len({r.response_id for r in rows}) < step:
        return
    session.execute(delete(PulseHeldText).where(PulseHeldText.id.in_(sorted(r.id for r in rows))))
    rng.shuffle(rows)
    session.add_all(PulseAnswer(response_id=r.response_id, question_id=r.question_id, value_text=r.value_text)
                    for r in rows)
    session.flush()


_scrubs = Coalesced()


def scrub(engine: Engine) -> None:
    """Remove what deleted inbox rows leave behind: PostgreSQL's dead tuples, SQLite's write-ahead log.

    A dead inbox row still holds a submission's answers beside the ``xmin`` it shares with the
    invite flagged used, so it must not wait for autovacuum. SQLite already overwrites deleted
    rows in the file (``secure_delete``); the copies of the pages in its write-ahead log go with a
    truncating checkpoint. Releases that come together share one scrub: whoever is scrubbing
    goes round again. Best effort: a busy database is scrubbed at the next release instead.
    """
    _scrubs.run(lambda: _scrub_once(engine))


def _scrub_once(engine: Engine) -> None:
    raw = None
    try:
        raw = engine.raw_connection()  # outside SQLAlchemy's transaction: VACUUM and checkpoints refuse one
        if engine.dialect.name == "postgresql":
            if raw.driver_connection is None:
                raise RuntimeError("the pooled connection has no driver connection behind it")
            raw.driver_connection.autocommit = True
            # No truncation: it would want an exclusive lock that holds up the next submissions.
            raw.cursor().execute(f"VACUUM (TRUNCATE false) {', '.join(_SCRUBBED_TABLES)}")
        elif engine.dialect.name == "sqlite":
            # A truncating checkpoint holds writers back while it waits: give up quickly instead.
            cursor = raw.cursor()
            timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
            cursor.execute("PRAGMA busy_timeout=50")
            try:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
    except Exception:  # noqa: BLE001 - the release itself is committed; scrubbing is retried next time
        pass
    finally:
        if raw is not None:
            try:
                if engine.dialect.name == "postgresql" and raw.driver_connection is not None:
                    raw.driver_connection.autocommit = False
                raw.close()
            except Exception:  # noqa: BLE001 - a broken connection is dropped from the pool instead
                raw.invalidate()
