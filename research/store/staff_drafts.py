"""The ``staff_drafts`` table: what a staff member typed into a page's text box and has not sent or saved yet.

One row per person and place (``"reply:<response id>"``, ``"memo:excerpt:<id>"``...), holding the text exactly
as typed, shown back to its author alone when the page is drawn again (after a reload, or on coming back), and
deleted when the form is sent. Interview notes keep theirs in ``note_drafts``, tied to the interview. Nothing
else reads this table: no export, analysis or other user. Deleting an account deletes its drafts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from research.store.models import Base, utcnow


class StaffDraft(Base):
    """One unsent text of one staff member: theirs alone, gone once the form it belongs to is sent."""

    __tablename__ = "staff_drafts"
    __table_args__ = (UniqueConstraint("user_id", "place"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    place: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
