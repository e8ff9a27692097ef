"""Staff records: accounts, the audit trail of what staff did, and the names redaction removes.

Agents never have a row here: they answer pulse surveys without an account, and nothing they do is audited.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from research.store.models.base import Base, utcnow

ROLES = ("admin", "researcher", "executive")


class User(Base):
    """A staff account: admin, researcher or executive. Agents never have one."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'researcher', 'executive')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """One thing a member of staff (or an administrator's command) did: sign-ins, accounts, exports, backups.

    Agents never appear here: nothing about a pulse response, a receipt lookup
    or a pulse page visit is recorded, so the trail cannot link anyone to an answer.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(48), index=True)
    subject: Mapped[str] = mapped_column(Text, default="")


class RosterName(Base):
    """A person's name the redaction must remove from free text (the researcher's deny-list)."""

    __tablename__ = "roster_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
