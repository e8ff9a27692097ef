"""Sealed copies of created links, so the researcher who made them can download them again while the wave is open.

Only hashes of link tokens are stored (:mod:`research.pulse.links`), so without a copy a reload or a lost
download meant new links, and each new invite takes a place of the team's headcount. The copy is sealed with
a key of its own derived from the inbox key (:meth:`research.pulse.sealing.Sealer.for_purpose`), which the
database never holds: a database administrator reads neither the links nor, by moving sealed rows between
tables, anything else through this page. Only the researcher who created the links reads the copy, each read
is audited by the page, and the copies of a wave go once it closes (:func:`forget_closed`) or when their owner
deletes them.

What a copy does not add: its owner had every link in hand when they were created, so reading them again tells
them nothing new. Used invites open like fresh ones, so the links say nothing about who answered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from research.errors import FrontlineError
from research.pulse.sealing import Sealer
from research.store.engine import rows_changed
from research.store.models import PulseLinkCopy, PulseWave, User

PURPOSE = b"pulse link copies v1"


@dataclass(frozen=True)
class KeptLinks:
    """One batch of links as its owner created it."""

    id: int
    segment_label: str
    kind: str
    created_at: datetime
    links: list[str]


def _owner_id(session: Session, username: str) -> int:
    owner = session.scalar(select(User.id).where(User.username == username))
    if owner is None:
        raise FrontlineError("There is no such account to keep links for.")
    return owner


def keep_links(*, session: Session, sealer: Sealer, username: str, wave_id: int, segment_label: str, kind: str,
               links: list[str]) -> int:
    """Keep a sealed copy of ``links`` for ``username``; returns the copy's id.

    Everything but the owner and the wave, which the database needs to find and delete it, is inside the seal,
    and those two are sealed too, so a row moved to another owner or wave opens to nothing there.
    """
    payload = {"wave": wave_id, "owner": username, "segment": segment_label, "kind": kind, "links": links}
    copy = PulseLinkCopy(wave_id=wave_id, owner_id=_owner_id(session, username),
                         sealed=sealer.for_purpose(PURPOSE).seal(payload)["sealed"])
    session.add(copy)
    session.flush()
    return copy.id


def kept_links(*, session: Session, sealer: Callable[[], Sealer], username: str, wave_id: int,
               today: date) -> list[KeptLinks]:
    """The batches ``username`` created for a wave still open on ``today``, oldest first.

    ``sealer`` is asked for only when there is a copy to open: the first look at the page makes no key file.

    A copy that does not open with this key, or opens to another wave's or another person's links (a row moved
    between waves or owners in the database), is left out: it is not this person's links for this wave.
    """
    rows = session.scalars(
        select(PulseLinkCopy).join(PulseWave, PulseWave.id == PulseLinkCopy.wave_id)
        .where(PulseLinkCopy.wave_id == wave_id, PulseLinkCopy.owner_id == _owner_id(session, username),
               PulseWave.closes_on >= today)
        .order_by(PulseLinkCopy.id)).all()
    if not rows:
        return []
    opener = sealer().for_purpose(PURPOSE)
    batches = []
    for row in rows:
        try:
            payload = opener.open({"sealed": row.sealed})
        except FrontlineError:
            continue
        links = payload.get("links")
        if (payload.get("wave"), payload.get("owner")) != (wave_id, username) or not isinstance(links, list):
            continue
        batches.append(KeptLinks(id=row.id, segment_label=str(payload.get("segment")), kind=str(payload.get("kind")),
                                 created_at=row.created_at, links=links))
    return batches


def forget_links(*, session: Session, username: str, copy_id: int) -> bool:
    """Delete one of ``username``'s own copies; False when there was none (already deleted, or not theirs)."""
    return rows_changed(session.execute(delete(PulseLinkCopy).where(
        PulseLinkCopy.id == copy_id, PulseLinkCopy.owner_id == _owner_id(session, username)))) > 0


def forget_closed(*, session: Session, today: date) -> int:
    """Delete every copy of a wave that closed before ``today``; returns how many went."""
    closed = select(PulseWave.id).where(PulseWave.closes_on < today).scalar_subquery()
    return rows_changed(session.execute(delete(PulseLinkCopy).where(PulseLinkCopy.wave_id.in_(closed))))
