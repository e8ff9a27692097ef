"""Invite and open links: random tokens whose hashes alone are stored.

A single-use invite is flagged used in the same transaction that stores the
response, with a conditional update, so two browsers racing on one invite
cannot both succeed. An open link (for a kiosk or a team chat) never wears out.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from research.pulse.errors import PulseError
from research.store.models import PulseLink, PulseSegment, PulseWave

MAX_LINKS_PER_REQUEST = 10_000


def hash_token(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/pulse?t={token}"


def create_links(*, session: Session, segment: PulseSegment, count: int = 1, kind: str = "invite") -> list[str]:
    """Create ``count`` links for a segment and return their tokens (shown once, never stored)."""
    if kind not in ("invite", "open"):
        raise PulseError(f"unknown link kind {kind!r}: use 'invite' or 'open'")
    if not 1 <= count <= MAX_LINKS_PER_REQUEST:
        raise PulseError(f"ask for between 1 and {MAX_LINKS_PER_REQUEST} links at a time, not {count}")
    tokens = [secrets.token_urlsafe(18) for _ in range(count)]
    session.add_all(
        PulseLink(wave_id=segment.wave_id, segment_id=segment.id, kind=kind, token_hash=hash_token(t), used=False)
        for t in tokens
    )
    session.flush()
    return tokens


@dataclass(frozen=True)
class LinkTarget:
    """What a token opens: a wave and a segment, and whether it is single-use."""

    link_id: int
    wave: PulseWave
    segment: PulseSegment
    single_use: bool


def resolve_link(*, session: Session, token: str, today: date) -> LinkTarget:
    """Find the wave and segment a token opens, refusing used, unknown or out-of-window links."""
    if not token or len(token) > 200:
        raise PulseError("This link is not valid. Check that you copied all of it, or ask for a new one.")
    link = session.scalar(select(PulseLink).where(PulseLink.token_hash == hash_token(token)))
    if link is None:
        raise PulseError("This link is not valid. Check that you copied all of it, or ask for a new one.")
    if link.kind == "invite" and link.used:
        raise PulseError("This invitation has already been used. Each invitation link works once.")
    wave = session.get(PulseWave, link.wave_id)
    if today < wave.opens_on:
        raise PulseError(f"This pulse opens on {wave.opens_on:%d %B %Y}. Please come back then.")
    if today > wave.closes_on:
        raise PulseError(f"This pulse closed on {wave.closes_on:%d %B %Y}. Thank you for your interest.")
    return LinkTarget(link.id, wave, session.get(PulseSegment, link.segment_id), link.kind == "invite")


def consume_invite(*, session: Session, link_id: int) -> None:
    """Mark an invite used, or fail if another submission got there first."""
    result = session.execute(
        update(PulseLink).where(PulseLink.id == link_id, PulseLink.used.is_(False)).values(used=True)
    )
    if result.rowcount != 1:
        raise PulseError("This invitation has already been used. Each invitation link works once.")
