"""Interview studies: guides, participants, interviews, their notes and revisions, and the codebook with coded
excerpts and memos.

The codebook lives here because researchers build it while coding interviews; pulse comments are coded with the
same codes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.store.models.base import Base, utcnow


class Study(Base):
    """An interview study, e.g. Customer Service Week agent interviews."""

    __tablename__ = "studies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    guide: Mapped[list[GuideQuestion]] = relationship(
        back_populates="study", order_by="GuideQuestion.position", cascade="all, delete-orphan"
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="study", order_by="Participant.code", cascade="all, delete-orphan"
    )


class GuideQuestion(Base):
    """One question of a study's interview guide, with optional probes."""

    __tablename__ = "guide_questions"
    __table_args__ = (UniqueConstraint("study_id", "position", name="uq_guide_questions_study_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    probes: Mapped[list] = mapped_column(JSON, default=list)

    study: Mapped[Study] = relationship(back_populates="guide")


class Participant(Base):
    """A pseudonymous interviewee (code such as P07) and their attributes."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("study_id", "code", name="uq_participants_study_code"),
        Index("ix_participants_study_evidence_place", "study_id", "evidence_place", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    industry: Mapped[str] = mapped_column(String(64), default="")
    role: Mapped[str] = mapped_column(String(64), default="")
    tenure_band: Mapped[str] = mapped_column(String(32), default="")
    channel: Mapped[str] = mapped_column(String(32), default="")
    site: Mapped[str] = mapped_column(String(64), default="")
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_recorded_on: Mapped[date | None] = mapped_column(Date)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    # Set when the participant withdrew: their interviews are erased and the row stays only so the code is
    # not given to anyone else.
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    # Their place in the order interview evidence releases people (1, 2, ... within the study), given once, with
    # their first saved note, and kept through a withdrawal so nobody waiting ever takes it
    # (research.findings.interview_evidence).
    evidence_place: Mapped[int | None] = mapped_column(Integer)
    # The attributes interview evidence counts and shows them by (industry, role, channel), frozen with their
    # place, so editing a released participant never moves a count or the attributes beside their quote;
    # cleared by a withdrawal like every other attribute.
    evidence_attributes: Mapped[dict | None] = mapped_column(JSON)

    study: Mapped[Study] = relationship(back_populates="participants")
    interviews: Mapped[list[Interview]] = relationship(back_populates="participant", cascade="all, delete-orphan")


class Interview(Base):
    """One interview with one participant."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    interviewer: Mapped[str] = mapped_column(String(64), default="")
    held_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="interviews")
    notes: Mapped[list[InterviewNote]] = relationship(
        back_populates="interview", order_by="InterviewNote.position", cascade="all, delete-orphan"
    )


class InterviewNote(Base):
    """Notes for one guide question of an interview (or free notes, with no question)."""

    __tablename__ = "interview_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    guide_question_id: Mapped[int | None] = mapped_column(ForeignKey("guide_questions.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str] = mapped_column(Text, default="")
    # The question as asked, for notes imported from a transcript whose turns match no guide question.
    label: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    interview: Mapped[Interview] = relationship(back_populates="notes")
    revisions: Mapped[list[NoteRevision]] = relationship(
        back_populates="note", order_by="NoteRevision.id", cascade="all, delete-orphan"
    )
    excerpts: Mapped[list[Excerpt]] = relationship(
        back_populates="note", order_by="Excerpt.span_start", cascade="all, delete-orphan"
    )


class NoteRevision(Base):
    """One saved version of a note: the edit history, newest last."""

    __tablename__ = "note_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("interview_notes.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    edited_by: Mapped[str] = mapped_column(String(64), default="")
    edited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The kinds of detail pseudonymisation replaced ("name", "email", ...); never the originals.
    replaced: Mapped[list] = mapped_column(JSON, default=list)

    note: Mapped[InterviewNote] = relationship(back_populates="revisions")


class Code(Base):
    """A code of the shared codebook; ``parent_id`` makes the hierarchy.

    The default codes are seeded from :data:`research.codebook.DEFAULT_CODEBOOK`
    by migration; researchers edit, add, import and export them.
    """

    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(7), default="#7f7f7f")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="SET NULL"))
    gap_kind: Mapped[str] = mapped_column(String(16), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    examples: Mapped[str] = mapped_column(Text, default="", server_default="")  # one phrase a line


class Excerpt(Base):
    """A coded span of a note: character offsets into the note and the text as coded."""

    __tablename__ = "excerpts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("interview_notes.id", ondelete="CASCADE"), index=True)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    coder: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    note: Mapped[InterviewNote] = relationship(back_populates="excerpts")
    codes: Mapped[list[Code]] = relationship(secondary="excerpt_codes", order_by="Code.position")


class ExcerptCode(Base):
    __tablename__ = "excerpt_codes"

    excerpt_id: Mapped[int] = mapped_column(ForeignKey("excerpts.id", ondelete="CASCADE"), primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), primary_key=True, index=True)


class Memo(Base):
    """A researcher's memo on exactly one excerpt, interview or code."""

    __tablename__ = "memos"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN excerpt_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN interview_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    excerpt_id: Mapped[int | None] = mapped_column(ForeignKey("excerpts.id", ondelete="CASCADE"), index=True)
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
