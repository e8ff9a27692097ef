"""The ``staff_sessions`` table: one row per signed-in browser of a member of staff.

Kept in its own module (imported by ``research.store``) so the session model
does not touch the shared models module. Only staff have sessions: nothing
here refers to a pulse link, a response or a receipt.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from research.store.models import Base, utcnow


class StaffSession(Base):
    """A staff sign-in that survives a reload: the browser holds a random token, this row its SHA-256.

    A row is valid while it is not revoked, ``expires_at`` (absolute) has not
    passed and ``last_seen_at`` is recent enough (idle expiry, checked by
    :func:`research.accounts.resume_session`). Until ``cookie_set_at`` the stored
    hash is the one-time grant's, not a cookie's (see :mod:`research.accounts.sessions`).
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cookie_set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the browser's cookie replaced the one-time grant; None while only the grant exists."""
