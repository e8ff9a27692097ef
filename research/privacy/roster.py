"""The roster deny-list: names the redaction removes from every free text."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from research.audit import record
from research.privacy.redaction import Redactor
from research.privacy.roster_file import MAX_ROSTER_CELL, parse_roster  # noqa: F401 - part of this API
from research.store.models import RosterName

MAX_NAME = 200


def roster_names(*, session: Session) -> list[str]:
    return list(session.scalars(select(RosterName.name).order_by(RosterName.name)))


def replace_roster(*, session: Session, names: Iterable[str], actor: str) -> int:
    """Replace the roster with ``names`` (one per entry, blanks ignored); return how many are kept.

    The audit trail records how many names were added and removed, never the names: an insider review found that
    an admin could take a name off, let comments naming that person in unredacted, and put it back unseen."""
    cleaned = sorted({n.strip()[:MAX_NAME] for n in names if n and len(n.strip()) >= 2})
    before = set(roster_names(session=session))
    session.execute(delete(RosterName))
    session.add_all(RosterName(name=n) for n in cleaned)
    record(session=session, actor=actor, action="roster_saved",
           subject=f"{len(cleaned)} name(s): {len(set(cleaned) - before)} added, {len(before - set(cleaned))} removed")
    session.flush()
    return len(cleaned)


def roster_redactor(*, session: Session) -> Redactor:
    """The redaction every free text goes through, with the saved roster.

    Roster names are matched by their parts as well as whole ("Dave" for Dave
    Jones, "zoe bronte" or "sarah.connor" for the full name), ignoring case,
    accents and spacing, on top of the names the gazetteer finds.
    """
    return Redactor(roster_names(session=session))
