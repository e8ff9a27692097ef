"""What management does about a theme agents raised: the "you said, we did" record executives browse."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from research.store.models.base import Base, utcnow


class Action(Base):
    """Something management does about a theme agents raised ("you said, we did").

    ``theme`` holds a code key rather than a foreign key, so editing or deleting
    the codebook never erases the record of what was promised. ``baseline_wave_id``
    is the latest wave that had opened when the action was recorded: later waves
    are compared with it to show whether the theme moved since. ``team`` names the
    one team the action is for (by name, as pulse segments hold it), or is None.
    """

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'in progress', 'done', 'dropped')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme: Mapped[str] = mapped_column(String(64), index=True)
    team: Mapped[str | None] = mapped_column(String(120))  # None: for every team
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    baseline_wave_id: Mapped[int | None] = mapped_column(ForeignKey("pulse_waves.id", ondelete="SET NULL"))
