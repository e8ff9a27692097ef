"""The roster deny-list: names the redaction removes from every free text."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from research.privacy.redaction import Redactor
from research.store.models import RosterName

MAX_NAME = 200


def roster_names(*, session: Session) -> list[str]:
    return list(session.scalars(select(RosterName.name).order_by(RosterName.name)))


def replace_roster(*, session: Session, names: Iterable[str]) -> int:
    """Replace the roster with ``names`` (one per entry, blanks ignored); return how many are kept."""
    cleaned = sorted({n.strip()[:MAX_NAME] for n in names if n and len(n.strip()) >= 2})
    session.execute(delete(RosterName))
    session.add_all(RosterName(name=n) for n in cleaned)
    session.flush()
    return len(cleaned)


def roster_redactor(*, session: Session) -> Redactor:
    return Redactor(roster_names(session=session))
