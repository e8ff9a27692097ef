"""Bind each sealed inbox payload to its row, so only real, distinct submissions count toward a step.

A database administrator cannot read or forge a sealed payload, but can copy one:
written nine times under new ids, one agent's row used to be released as ten
people who all answered like that agent, breaking the promise that a released
submission is one of at least the threshold. So the payload is sealed together
with its row's id, wave and segment (payload version 2), and a release takes
only rows whose sealed id, wave and segment are their own, each submission once.

A row written back after its release (same id, same payload) would pass that
check, and come out again beside new people, where its repeated answers show.
So each released submission leaves a keyed hash of its id in ``pulse_released``
(:meth:`Sealer.digest`: the database cannot tell whose hash is whose), and a
row whose hash is there is refused.

Rows that fail are not released, not counted and not deleted: they stay in the
inbox for an operator, and a warning says how many, of which segment, and why,
never what they hold.

Rows sealed before version 2 (no ``"v"``) carry no id. Copies of one are copies
of its sealed token, which is random for every sealing, so such a row is known
by a hash of its token as Fernet writes it; ``erase-comments``, which seals it
again, binds it to its row under that same name, so copies sealed again stay one
submission. Fernet's decoding skips characters outside base64's alphabet, so a
token with a newline or a dot added opens to the same payload under another
text: a row whose token is not written exactly as Fernet writes it is refused
(whatever its version), and the name is taken from the token's canonical form.
Legacy rows released before ``pulse_released`` existed left no digest, but they
left their receipt: a row whose sealed receipt is already stored was released.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.pulse.sealing import Sealer, canonical_token, is_canonical
from research.store.models import PulseInbox, PulseReceipt, PulseReleased

logger = logging.getLogger(__name__)

PAYLOAD_VERSION = 2
_NOT_THEIRS = "do not match their row (copied, moved or edited in the database)"
_CHUNK = 500


@dataclass(frozen=True)
class Verified:
    """A waiting row whose sealed payload is its own, opened, with the digest it leaves once released."""

    row: PulseInbox
    payload: dict
    digest: str


def bound(row_id: uuid.UUID, wave_id: int, segment_id: int, content: dict) -> dict:
    """The payload to seal for a new inbox row: its content with the row's id, wave and segment."""
    return {**content, "v": PAYLOAD_VERSION, "row": str(row_id), "wave": wave_id, "segment": segment_id}


def without_words(row: PulseInbox, payload: dict) -> dict:
    """The payload with its comments and receipt erased, to seal again: a version 2 payload keeps its own
    binding (a copy stays a copy), one sealed before is bound to its row under the name it had."""
    erased = {**payload, "texts": {}, "receipt": None}
    if "v" not in payload:
        erased = {**bound(row.id, row.wave_id, row.segment_id, erased), "legacy": _token_hash(row)}
    return erased


def identity(row: PulseInbox, payload: dict) -> str | None:
    """The name of the submission a row holds, or None if its payload was sealed for another row."""
    if "v" not in payload:
        return f"legacy:{_token_hash(row)}"
    if (payload["v"] != PAYLOAD_VERSION or payload.get("row") != str(row.id)
            or payload.get("wave") != row.wave_id or payload.get("segment") != row.segment_id):
        return None
    return f"legacy:{payload['legacy']}" if payload.get("legacy") else f"row:{payload['row']}"


def verified(*, session: Session, rows: list[PulseInbox], sealer: Sealer, segment_id: int) -> list[Verified]:
    """The rows that may be released, each submission once; warns about the rest, which stay.

    Raises:
        FrontlineError: a row sealed with another key (nothing is released then).
    """
    first: dict[str, tuple[PulseInbox, dict]] = {}
    refused: Counter[str] = Counter()
    for row in rows:
        if not is_canonical(row.payload):  # a respelt token: the same sealed bytes as another row's, perhaps
            refused[_NOT_THEIRS] += 1
            continue
        payload = sealer.open(row.payload)
        name = identity(row, payload)
        if name is None:
            refused[_NOT_THEIRS] += 1
        elif name in first:
            refused["repeat another waiting submission"] += 1
        else:
            first[name] = (row, payload)
    by_digest = {sealer.digest(name): pair for name, pair in first.items()}
    seen = _released(session, by_digest, sealer)
    if seen:
        refused["were already released (written back into the inbox)"] += len(seen)
    if refused:
        logger.warning("pulse release: waiting rows of segment %s are not released and count toward nothing: "
                       "%s. They stay in pulse_inbox for an operator.", segment_id,
                       "; ".join(f"{n} {why}" for why, n in refused.items()))
    return [Verified(row, payload, digest) for digest, (row, payload) in by_digest.items() if digest not in seen]


def _released(session: Session, by_digest: dict[str, tuple[PulseInbox, dict]], sealer: Sealer) -> set[str]:
    """The digests whose submission was released: named in ``pulse_released``, or (rows released before it
    existed) whose receipt is stored, keyed or (released before receipts were keyed) plain. Asked in sorted order,
    so a logged statement lists them in no row's order."""
    digests = sorted(by_digest)
    found: set[str] = set()
    for start in range(0, len(digests), _CHUNK):
        found.update(session.scalars(select(PulseReleased.digest)
                                     .where(PulseReleased.digest.in_(digests[start:start + _CHUNK]))))
    by_receipt = {stored: digest for digest, (_, payload) in by_digest.items() if payload.get("receipt")
                  for stored in (payload["receipt"], sealer.receipt_key(payload["receipt"]))}
    receipts = sorted(by_receipt)
    for start in range(0, len(receipts), _CHUNK):
        found.update(by_receipt[r] for r in session.scalars(
            select(PulseReceipt.code_hash).where(PulseReceipt.code_hash.in_(receipts[start:start + _CHUNK]))))
    return found


def _token_hash(row: PulseInbox) -> str:
    """A hash of the row's sealed token as Fernet writes it (for a token so written, of its text, as before)."""
    return hashlib.sha256((canonical_token(row.payload) or "").encode("utf-8")).hexdigest()
