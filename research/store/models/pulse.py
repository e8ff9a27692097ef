"""Pulse surveys: waves, their questions and segments, the anonymous responses and everything that guards them
(links, receipts, the inbox that releases answers in batches, held texts, replies and comment codes).

Identifiers of anything a respondent submits are random UUIDs, so row ids reveal neither order nor volume.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.store.models.base import Base, utcnow

QUESTION_KINDS = ("scale", "enps", "percent", "text")


class PulseWave(Base):
    """A round of anonymous pulse surveys with its questions and segments."""

    __tablename__ = "pulse_waves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    questions: Mapped[list[PulseQuestion]] = relationship(
        back_populates="wave", order_by="PulseQuestion.position", cascade="all, delete-orphan"
    )
    segments: Mapped[list[PulseSegment]] = relationship(back_populates="wave", cascade="all, delete-orphan")


class PulseQuestion(Base):
    """A question of a wave: a 1-5 scale, eNPS 0-10, a 0-100 percentage, or free text."""

    __tablename__ = "pulse_questions"
    __table_args__ = (
        UniqueConstraint("wave_id", "key", name="uq_pulse_questions_wave_key"),
        CheckConstraint("kind IN ('scale', 'enps', 'percent', 'text')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("pulse_waves.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(Text)
    scale_min: Mapped[int | None] = mapped_column(Integer)
    scale_max: Mapped[int | None] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    wave: Mapped[PulseWave] = relationship(back_populates="questions")


class PulseSegment(Base):
    """The team/site/channel/industry a link belongs to; responses carry only this."""

    __tablename__ = "pulse_segments"
    __table_args__ = (
        UniqueConstraint("wave_id", "team", "site", "channel", "industry", name="uq_pulse_segments_values"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("pulse_waves.id", ondelete="CASCADE"), index=True)
    team: Mapped[str] = mapped_column(String(64), default="")
    site: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[str] = mapped_column(String(32), default="")
    industry: Mapped[str] = mapped_column(String(64), default="")
    headcount: Mapped[int | None] = mapped_column(Integer)

    wave: Mapped[PulseWave] = relationship(back_populates="segments")

    @property
    def label(self) -> str:
        return " / ".join(v for v in (self.team, self.site, self.channel, self.industry) if v) or "everyone"


class PulseResponse(Base):
    """One anonymous submission: a random id, its wave, its segment and its day."""

    __tablename__ = "pulse_responses"
    # No hidden sequential rowid on SQLite: it would record the order of submissions.
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    wave_id: Mapped[int] = mapped_column(ForeignKey("pulse_waves.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("pulse_segments.id", ondelete="CASCADE"), index=True)
    submitted_on: Mapped[date] = mapped_column(Date)

    answers: Mapped[list[PulseAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class PulseAnswer(Base):
    """One answer of a response: a number for scales, redacted text for free text."""

    __tablename__ = "pulse_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", name="uq_pulse_answers_response_question"),
        # Covers the dashboard's sums per question (and per segment through response_id): issue 16.
        Index("ix_pulse_answers_question_response_value", "question_id", "response_id", "value_number"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    response_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pulse_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("pulse_questions.id", ondelete="CASCADE"), index=True)
    value_number: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[PulseResponse] = relationship(back_populates="answers")


class PulseLink(Base):
    """A way into a wave for one segment: a single-use invite or an open (kiosk, team chat) link.

    Only a SHA-256 hash of the token is stored. A used invite is only flagged
    used: there is no reference, time or order linking it to the response it
    produced, and the flags double as the participation record for response rates.
    """

    __tablename__ = "pulse_links"
    __table_args__ = (CheckConstraint("kind IN ('invite', 'open')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("pulse_waves.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("pulse_segments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class PulseLinkCopy(Base):
    """A sealed copy of links a researcher created, so they can download them again while the wave is open.

    Sealed with the creator's password and again with a key derived from the inbox key
    (:mod:`research.pulse.link_copies`): the database holds neither key, nor the links, nor anything but the
    owner and wave it needs to find and delete the copy.
    """

    __tablename__ = "pulse_link_copies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("pulse_waves.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sealed: Mapped[str] = mapped_column(Text)


class PulseReceipt(Base):
    """The hash of the receipt code an agent got, so they alone can read replies to their comment."""

    __tablename__ = "pulse_receipts"
    # Receipts are written in shuffled batches with their responses; no rowid keeps the order.
    __table_args__ = {"sqlite_with_rowid": False}

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    response_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pulse_responses.id", ondelete="CASCADE"), unique=True)


class PulseInbox(Base):
    """A confirmed submission waiting to be released into the figures with others of its segment.

    It holds the validated, already redacted answers and the receipt hash, sealed together with the row's own
    id, wave and segment (``research.pulse.binding``), so a copied or moved row is never released.
    It is moved into the response tables, shuffled, only once at least the score
    threshold of its segment are waiting (``research.pulse.inbox``), then deleted.
    A random key and no rowid: the table keeps no order of arrival.
    """

    __tablename__ = "pulse_inbox"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    wave_id: Mapped[int] = mapped_column(ForeignKey("pulse_waves.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("pulse_segments.id", ondelete="CASCADE"), index=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    payload: Mapped[dict] = mapped_column(JSON)


class PulseReleased(Base):
    """A keyed hash of each inbox submission once released, so a sealed row written back later is refused.

    Only the hash (:meth:`research.pulse.sealing.Sealer.digest` of the submission's own id, which the database
    cannot compute without the web servers' key): no wave, segment, day or response, a random key and no rowid.
    """

    __tablename__ = "pulse_released"
    __table_args__ = {"sqlite_with_rowid": False}

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)


class PulseOpenUse(Base):
    """One answer taken through a segment's open link: with the invites, capped by its headcount.

    A row per answer rather than a counter, so answers through one link do not queue on one row.
    """

    __tablename__ = "pulse_open_uses"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    segment_id: Mapped[int] = mapped_column(ForeignKey("pulse_segments.id", ondelete="CASCADE"), index=True)


class PulseHeldText(Base):
    """A released response's free-text answer, held until enough people of its segment have written.

    Scores of a segment move in steps of the score threshold, comments in steps of
    the comment threshold (counted in people): this is where a comment waits between.
    """

    __tablename__ = "pulse_held_texts"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    response_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pulse_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("pulse_questions.id", ondelete="CASCADE"), index=True)
    value_text: Mapped[str] = mapped_column(Text)


class PulseReply(Base):
    """A researcher's reply to an anonymous comment, readable with its receipt code."""

    __tablename__ = "pulse_replies"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    response_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pulse_responses.id", ondelete="CASCADE"), index=True)
    # The comment (pulse_answers.id) it was written under; None for replies stored before migration 0024. No
    # foreign key: an erased comment leaves its reply readable with the receipt code.
    answer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_on: Mapped[date] = mapped_column(Date)


class PulseCommentCode(Base):
    """The code a researcher gave a released pulse comment (a suggestion accepted or corrected).

    Like an excerpt coded in an interview, it teaches the theme classifier.
    """

    __tablename__ = "pulse_comment_codes"

    answer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pulse_answers.id", ondelete="CASCADE"), primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    coder: Mapped[str] = mapped_column(String(64))
    coded_on: Mapped[date] = mapped_column(Date)
