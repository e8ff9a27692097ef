"""Invite and open links: random tokens whose hashes alone are stored.

A single-use invite is flagged used, with a conditional update, in the
transaction that stores its submission, so two browsers racing on one invite
cannot both be counted. A used invite opens like a fresh one and its "send"
looks the same (see :mod:`research.pulse.submit`), so whoever holds the links
cannot tell whether a person has answered.

No padding: a segment's invites plus the answers taken through its open links
never exceed its headcount, so fake answers cannot lift a small team over the
threshold. A segment needs a headcount before any link can be made for it, and
a wave whose responses were imported from a file takes no links (and an
imported file goes only into a wave without links: :mod:`research.pulse.importer`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from research.pulse.errors import PulseError
from research.store.engine import rows_changed
from research.store.models import PulseLink, PulseOpenUse, PulseResponse, PulseSegment, PulseWave

MAX_LINKS_PER_REQUEST = 10_000


def hash_token(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/pulse?t={token}"


def create_links(*, session: Session, segment: PulseSegment, count: int = 1, kind: str = "invite",
                 today: date | None = None) -> list[str]:
    """Create ``count`` links for a segment and return their tokens (shown once, never stored).

    Raises:
        PulseError: an unknown kind or count, a closed wave, a wave of imported responses,
            a segment without a headcount, or more invites than its headcount leaves room for.
    """
    if kind not in ("invite", "open"):
        raise PulseError(f"unknown link kind {kind!r}: use 'invite' or 'open'")
    if not 1 <= count <= MAX_LINKS_PER_REQUEST:
        raise PulseError(f"ask for between 1 and {MAX_LINKS_PER_REQUEST} links at a time, not {count}")
    wave = session.get_one(PulseWave, segment.wave_id)
    if today is not None and today > wave.closes_on:
        raise PulseError(f"The wave closed on {wave.closes_on:%d %B %Y}: it takes no new links.")
    if _has_imported_responses(session, wave.id):
        raise PulseError("This wave holds responses imported from a file, so it takes no links: "
                         "create a new wave for a live pulse.")
    lock_segment(session=session, segment_id=segment.id)  # two requests at once must not both take the last room
    room = room_left(session=session, segment=segment)
    if kind == "invite" and count > room:
        raise PulseError(
            f"{segment.label} has a headcount of {segment.headcount}, and its invites and open-link answers leave "
            f"room for fewer than {count} more: create fewer invites, or ask an admin to correct the headcount if "
            "the team has grown. (The room left is not shown: it would tell, answer by answer, when someone "
            "used an open link.)"
        )
    tokens = [secrets.token_urlsafe(18) for _ in range(count)]
    session.add_all(
        PulseLink(wave_id=segment.wave_id, segment_id=segment.id, kind=kind, token_hash=hash_token(t), used=False)
        for t in tokens
    )
    session.flush()
    return tokens


def room_left(*, session: Session, segment: PulseSegment) -> int:
    """How many more people the segment can take, through new invites or its open links.

    Raises:
        PulseError: the segment has no headcount yet, so nothing can be capped.
    """
    if segment.headcount is None:
        raise PulseError(f"{segment.label} has no headcount yet, so no link can be made for it: ask an admin to "
                         "set its headcount on the Pulse links page (only admins can). Links are capped by it, so "
                         "fake answers can never outnumber the team.")
    return max(segment.headcount - places_taken(session=session, segment_id=segment.id), 0)


def places_taken(*, session: Session, segment_id: int) -> int:
    """The segment's invites plus the answers taken through its open links."""
    invites = (select(func.count(PulseLink.id)).where(PulseLink.segment_id == segment_id, PulseLink.kind == "invite")
               .scalar_subquery())
    uses = select(func.count(PulseOpenUse.id)).where(PulseOpenUse.segment_id == segment_id).scalar_subquery()
    return int(session.scalars(select(invites + uses)).one())  # one round trip: every open-link answer asks


def places_shown(*, session: Session, segment_id: int, step: int) -> int:
    """The places staff are told a segment's links have taken: its invites, and the answers through its open links
    rounded up to whole steps of ``step`` (the score threshold). The exact count went up on the links page the
    moment an agent answered, telling a researcher watching a kiosk or a team chat who answered and when, where
    the page promises that answers count nowhere until a step is full (an insider review)."""
    invites = session.scalar(select(func.count(PulseLink.id))
                             .where(PulseLink.segment_id == segment_id, PulseLink.kind == "invite")) or 0
    uses = session.scalar(select(func.count(PulseOpenUse.id)).where(PulseOpenUse.segment_id == segment_id)) or 0
    return invites + -(-uses // max(step, 1)) * max(step, 1)


def lock_segment(*, session: Session, segment_id: int) -> PulseSegment | None:
    """Lock a segment's row until the commit: whatever changes how much of its headcount is taken waits here.

    NO KEY UPDATE, so rows that merely refer to the segment (responses being released) do not wait.
    SQLite already lets one writer at a time in.
    """
    return session.scalar(select(PulseSegment).where(PulseSegment.id == segment_id)
                          .with_for_update(key_share=True).execution_options(populate_existing=True))


def open_link_full(*, session: Session, wave_id: int, min_headcount: int = 0) -> list[str]:
    """Segments whose open links alone have taken as many answers as the team has people.

    All of such a team's answers may have come from one browser: the dashboard says so. The executive's pages
    pass the score threshold as ``min_headcount``: a smaller team's figures are never shown alone, and naming it
    would tell them, live, that all of its few people had answered.
    """
    used = (select(PulseOpenUse.segment_id, func.count(PulseOpenUse.id).label("n"))
            .join(PulseSegment, PulseSegment.id == PulseOpenUse.segment_id)
            .where(PulseSegment.wave_id == wave_id).group_by(PulseOpenUse.segment_id).subquery())
    segments = session.scalars(
        select(PulseSegment).join(used, used.c.segment_id == PulseSegment.id)
        .where(PulseSegment.headcount.is_not(None), used.c.n >= PulseSegment.headcount, used.c.n > 0,
               PulseSegment.headcount >= min_headcount)
    )
    return sorted(s.label for s in segments)


def _has_imported_responses(session: Session, wave_id: int) -> bool:
    has_links = session.scalar(select(PulseLink.id).where(PulseLink.wave_id == wave_id).limit(1)) is not None
    has_responses = session.scalar(select(PulseResponse.id).where(PulseResponse.wave_id == wave_id).limit(1))
    return not has_links and has_responses is not None


@dataclass(frozen=True)
class LinkTarget:
    """What a token opens: a wave and a segment, whether it is single-use, and whether that use is spent.

    ``spent`` is for the server alone: a page must show a spent invite exactly as a fresh one.
    """

    link_id: int
    wave: PulseWave
    segment: PulseSegment
    single_use: bool
    spent: bool = False


@dataclass(frozen=True)
class LinkView:
    """What a page is given of a link: its wave and segment by id and name, and whether it is single-use.

    Never whether an invite is spent: that stays on the server (see :class:`LinkTarget`).
    """

    wave_id: int
    wave_title: str
    segment_id: int
    segment_label: str
    single_use: bool
    full: bool = False  # an open link whose team's headcount is taken: it takes no more answers


INVALID_LINK = ("This link is not valid. Check that you copied all of it, or ask whoever sent it to you for a new "
                "one.")
_AFTER_TOKEN = re.compile(r"[^A-Za-z0-9_-]+$")


def link_token(pasted: str) -> str:
    """The token as issued (``token_urlsafe``) from a link as pasted: chat apps and mail take the full stop or
    bracket after a link into it (an outside walk's "...?t=abc)." was refused), and no token ends so."""
    return _AFTER_TOKEN.sub("", (pasted or "").strip())


def resolve_link(*, session: Session, token: str, today: date) -> LinkTarget:
    """Find the wave and segment a token opens, refusing unknown or out-of-window links.

    A used invite is not refused: it resolves with ``spent`` set, so that whether a person has
    answered shows nowhere (their invite opens and sends as before, and the answers are dropped).
    """
    token = link_token(token)
    if not token or len(token) > 200:
        raise PulseError(INVALID_LINK)
    found = session.execute(  # one round trip: every send asks
        select(PulseLink, PulseWave, PulseSegment).join(PulseWave, PulseWave.id == PulseLink.wave_id)
        .join(PulseSegment, PulseSegment.id == PulseLink.segment_id).where(PulseLink.token_hash == hash_token(token))
    ).first()
    if found is None:
        raise PulseError(INVALID_LINK)
    link, wave, segment = found
    if today < wave.opens_on:
        raise PulseError(f"This pulse opens on {wave.opens_on:%d %B %Y}. Please come back then.")
    if today > wave.closes_on:
        raise PulseError(f"This pulse closed on {wave.closes_on:%d %B %Y}. Thank you for your interest.")
    return LinkTarget(link.id, wave, segment, link.kind == "invite",
                      spent=link.kind == "invite" and link.used)


def view_link(*, session: Session, token: str, today: date) -> LinkView:
    """:func:`resolve_link` for a page: plain values built in the session. Raises as ``resolve_link``."""
    target = resolve_link(session=session, token=token, today=today)
    # Said when the link opens, not after the whole form (a walk filled one in to read "Not saved" at Send); what
    # it tells, that the team's places are all taken, Send told anyone holding the link already.
    full = not target.single_use and (target.segment.headcount is None
                                      or room_left(session=session, segment=target.segment) < 1)
    return LinkView(target.wave.id, target.wave.title, target.segment.id, target.segment.label, target.single_use,
                    full)


def consume_invite(*, session: Session, link_id: int) -> bool:
    """Mark an invite used; False if another submission got there first (nothing is then stored)."""
    result = session.execute(
        update(PulseLink).where(PulseLink.id == link_id, PulseLink.used.is_(False)).values(used=True)
    )
    return rows_changed(result) == 1


LOCK_MARGIN = 64
"""Fewer places left than this, and an open-link answer locks its segment to count them; more, and answers
race freely (far more than the connections that could run at once), so one link does not make them queue."""


LINK_FULL = ("This survey link has taken as many answers as the team has people, so it takes no more. If you have "
             "not answered yet, please ask the research team for a link.")


def count_open_use(*, session: Session, segment_id: int) -> None:
    """Count one answer through an open link, or refuse it when the segment's headcount is reached.

    Raises:
        PulseError: the team has as many answers (and invites) as it has people.
    """
    segment = session.get_one(PulseSegment, segment_id)
    room = room_left(session=session, segment=segment) if segment.headcount is not None else 0
    if 0 < room <= LOCK_MARGIN:
        locked = lock_segment(session=session, segment_id=segment_id)  # near the cap: one at a time, recounted
        room = room_left(session=session, segment=locked) if locked and locked.headcount is not None else 0
    if room < 1:
        raise PulseError(LINK_FULL)
    session.add(PulseOpenUse(segment_id=segment_id))
    session.flush()
