"""The ``note_drafts`` table: what a researcher typed into an interview note and has not saved yet.

One row per person, interview and note place (a guide question, or a labelled
or free note), holding the text exactly as typed: it is shown back to its
author alone, after a reload or on coming back to the page, and deleted when
the note is saved. Nothing else reads it: no export, no analysis, no other user.
Deleting an interview (a participant's withdrawal) or an account deletes its drafts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from research.store.models import Base, utcnow


class NoteDraft(Base):
    """One unsaved note text of one researcher: theirs alone, gone once the note is saved."""

    __tablename__ = "note_drafts"
    __table_args__ = (UniqueConstraint("user_id", "interview_id", "slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    slot: Mapped[str] = mapped_column(String(80))  # "q<guide question id>", or "l<SHA-256 of the label>"
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
