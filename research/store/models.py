"""ORM models for the core records of all three sides.

Identifiers of anything a respondent submits (pulse responses and answers) are
random UUIDs, so row ids reveal neither order nor volume. Pulse responses carry
the day they were submitted and their segment, nothing finer: no time of day,
no IP, no user agent, no session id.

The schema changes only through Alembic migrations in ``migrations/versions``;
``Base.metadata.create_all`` is never used outside tests of the migrations.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("admin", "researcher", "executive")
QUESTION_KINDS = ("scale", "enps", "percent", "text")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


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


class Study(Base):
    """An interview study, e.g. Customer Service Week agent interviews."""

    __tablename__ = "studies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    guide: Mapped[list["GuideQuestion"]] = relationship(
        back_populates="study", order_by="GuideQuestion.position", cascade="all, delete-orphan"
    )
    participants: Mapped[list["Participant"]] = relationship(
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
    __table_args__ = (UniqueConstraint("study_id", "code", name="uq_participants_study_code"),)

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

    study: Mapped[Study] = relationship(back_populates="participants")
    interviews: Mapped[list["Interview"]] = relationship(back_populates="participant", cascade="all, delete-orphan")


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
    notes: Mapped[list["InterviewNote"]] = relationship(
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
    revisions: Mapped[list["NoteRevision"]] = relationship(
        back_populates="note", order_by="NoteRevision.id", cascade="all, delete-orphan"
    )
    excerpts: Mapped[list["Excerpt"]] = relationship(
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


class PulseWave(Base):
    """A round of anonymous pulse surveys with its questions and segments."""

    __tablename__ = "pulse_waves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    questions: Mapped[list["PulseQuestion"]] = relationship(
        back_populates="wave", order_by="PulseQuestion.position", cascade="all, delete-orphan"
    )
    segments: Mapped[list["PulseSegment"]] = relationship(back_populates="wave", cascade="all, delete-orphan")


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

    answers: Mapped[list["PulseAnswer"]] = relationship(back_populates="response", cascade="all, delete-orphan")


class PulseAnswer(Base):
    """One answer of a response: a number for scales, redacted text for free text."""

    __tablename__ = "pulse_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", name="uq_pulse_answers_response_question"),
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

    It holds the validated, already redacted answers and the receipt hash as JSON.
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


class RosterName(Base):
    """A person's name the redaction must remove from free text (the researcher's deny-list)."""

    __tablename__ = "roster_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class AnalysisJob(Base):
    """One run of the analysis over stored texts, executed by a worker process.

    Results belong to their job; pages read those of the newest succeeded job,
    so a failed or killed run leaves the previous results in place.
    """

    __tablename__ = "analysis_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    stage: Mapped[str] = mapped_column(String(32), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(64), default="")
    stability: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The lease of the worker running the job: who holds it, how many claims so far, and until when.
    # A running job whose lease has expired belongs to a dead worker and may be claimed again.
    claimed_by: Mapped[str] = mapped_column(String(120), default="", server_default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TextAnalysis(Base):
    """The theme, topic and sentiment a job gave one pulse comment."""

    __tablename__ = "text_analyses"

    job_id: Mapped[int] = mapped_column(ForeignKey("analysis_jobs.id", ondelete="CASCADE"), primary_key=True)
    answer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pulse_answers.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(String(64))
    topic: Mapped[int] = mapped_column(Integer)
    sentiment: Mapped[float] = mapped_column(Float)
    theme_confidence: Mapped[float | None] = mapped_column(Float)
    theme2: Mapped[str] = mapped_column(String(64), default="", server_default="")  # "" when none
    theme2_confidence: Mapped[float | None] = mapped_column(Float)


class TopicSummary(Base):
    """A topic found by a job: its label, size and top words."""

    __tablename__ = "topic_summaries"

    job_id: Mapped[int] = mapped_column(ForeignKey("analysis_jobs.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    words: Mapped[list] = mapped_column(JSON, default=list)


class Action(Base):
    """Something management does about a theme agents raised ("you said, we did").

    ``theme`` holds a code key rather than a foreign key, so editing or deleting
    the codebook never erases the record of what was promised. ``baseline_wave_id``
    is the latest wave that had opened when the action was recorded: later waves
    are compared with it to show whether the theme moved since.
    """

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'in progress', 'done', 'dropped')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    baseline_wave_id: Mapped[int | None] = mapped_column(ForeignKey("pulse_waves.id", ondelete="SET NULL"))


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
