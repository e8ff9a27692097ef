"""The ``form_submissions`` table: each staff form submission that changed something, by its one-time key.

A page draws a form with a fresh random key and hands the key to the library
with the submission. The library claims the key in the same transaction as the
act, so a double click (two quick submits of the same form) stores once: the
second finds the key taken, or waits for the first to commit and then finds it.
Only a SHA-256 of the key is kept, with who submitted it and when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from research.store.models import Base, utcnow


class FormSubmission(Base):
    """One claimed form key: the act it guarded is stored; the same key again stores nothing."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(48))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
