"""Sealed copies of created links, so the researcher who made them can download them again while the wave is open.

Only hashes of link tokens are stored for the survey (:mod:`research.pulse.links`), so without a copy a reload
or a lost download meant new links, and each new invite takes a place of the team's headcount. Working,
unused invites are worth stealing: whoever holds one can answer in an agent's place, and, knowing who was
sent which, can tell who has answered. So a copy opens only with two keys, neither in the database:

- the links themselves are sealed with a key derived (scrypt) from the creator's password, typed when the links
  are made and again to open them. An administrator who resets the account's password, or a database
  administrator who swaps its password hash, can sign in as the researcher, but opens no copy;
- the whole row (owner, wave and its closing day, segment, count, creation time, and the sealed links) is
  sealed again with a key derived from the inbox key (:meth:`research.pulse.sealing.Sealer.for_purpose`), so
  a row moved to another owner or wave, or an inbox payload pasted in, opens to nothing, and the closing day
  cannot be moved by editing the wave.

Copies go once their wave closes (:func:`forget_closed`: the Pulse links page and the worker's retention
both call it), or when their owner deletes them; a changed password leaves older copies unopenable.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from research.accounts.users import account_id
from research.errors import FrontlineError
from research.pulse.sealing import Sealer
from research.store.engine import rows_changed
from research.store.models import PulseLinkCopy, PulseWave

PURPOSE = b"pulse link copies v1"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}


@dataclass(frozen=True)
class KeptBatch:
    """One batch of links as its owner created it; ``links`` stay sealed with the owner's password."""

    id: int
    segment_label: str
    kind: str
    count: int
    created: str  # ISO time, sealed with the row
    salt: bytes
    links: str


def _owner_id(session: Session, username: str) -> int:
    return account_id(session=session, username=username, purpose="to keep links for")


def _password_key(password: str, salt: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)))


def keep_links(*, session: Session, sealer: Sealer, username: str, password: str, wave_id: int,
               segment_label: str, kind: str, links: list[str], now: datetime) -> int:
    """Keep a copy of ``links`` for ``username``, sealed with ``password`` (checked by the caller); its id."""
    wave = session.get_one(PulseWave, wave_id)
    salt = os.urandom(16)
    sealed_links = _password_key(password, salt).encrypt(
        json.dumps({"owner": username, "wave": wave.id, "links": links}).encode("utf-8"))
    row = {"owner": username, "wave": wave.id, "closes_on": wave.closes_on.isoformat(), "segment": segment_label,
           "kind": kind, "count": len(links), "created": now.isoformat(), "salt": base64.b64encode(salt).decode(),
           "links": sealed_links.decode("ascii")}
    copy = PulseLinkCopy(wave_id=wave.id, owner_id=_owner_id(session, username),
                         sealed=sealer.for_purpose(PURPOSE).seal(row)["sealed"])
    session.add(copy)
    session.flush()
    return copy.id


def kept_batches(*, session: Session, sealer: Callable[[], Sealer], username: str, wave_id: int,
                 today: date) -> list[KeptBatch]:
    """``username``'s copies for a wave whose sealed closing day is not past, oldest first; the links still sealed.

    A row that does not open with the server's key, is malformed, or names another owner or wave (a row moved
    in the database) is left out. ``sealer`` is asked for only when there is a row to open.
    """
    rows = session.execute(select(PulseLinkCopy.id, PulseLinkCopy.sealed).where(
        PulseLinkCopy.wave_id == wave_id, PulseLinkCopy.owner_id == _owner_id(session, username))
        .order_by(PulseLinkCopy.id)).all()
    if not rows:
        return []
    opener = sealer().for_purpose(PURPOSE)
    batches = []
    for copy_id, sealed in rows:
        try:
            row = opener.open({"sealed": sealed})
            if (row["owner"], row["wave"]) != (username, wave_id) or date.fromisoformat(row["closes_on"]) < today:
                continue
            batches.append(KeptBatch(id=copy_id, segment_label=str(row["segment"]), kind=str(row["kind"]),
                                     count=int(row["count"]), created=str(row["created"]),
                                     salt=base64.b64decode(row["salt"]), links=str(row["links"])))
        except (FrontlineError, ValueError, TypeError, KeyError, AttributeError, UnicodeError):
            continue  # not a copy this person made for this wave: nothing to show, nothing to fail on
    return batches


def open_links(batch: KeptBatch, *, username: str, wave_id: int, password: str) -> list[str] | None:
    """The links of ``batch`` opened with ``password``; None if it does not open them (another password)."""
    try:
        inner = json.loads(_password_key(password, batch.salt).decrypt(batch.links.encode("ascii")))
    except (InvalidToken, ValueError, UnicodeError):
        return None
    if not isinstance(inner, dict) or (inner.get("owner"), inner.get("wave")) != (username, wave_id):
        return None
    links = inner.get("links")
    if not isinstance(links, list):
        return None
    return [str(link) for link in links]


def forget_links(*, session: Session, username: str, copy_id: int) -> bool:
    """Delete one of ``username``'s own copies; False when there was none (already deleted, or not theirs)."""
    return rows_changed(session.execute(delete(PulseLinkCopy).where(
        PulseLinkCopy.id == copy_id, PulseLinkCopy.owner_id == _owner_id(session, username)))) > 0


def forget_closed(*, session: Session, today: date) -> int:
    """Delete every copy of a wave that closed before ``today``; returns how many went."""
    closed = select(PulseWave.id).where(PulseWave.closes_on < today).scalar_subquery()
    return rows_changed(session.execute(delete(PulseLinkCopy).where(PulseLinkCopy.wave_id.in_(closed))))
