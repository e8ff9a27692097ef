"""Analysis jobs and the results each job wrote: a theme, topic and sentiment per comment, and the topics found.

Results hang off their job, so pages read one finished job's results and a failed run never mixes in.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from research.store.models.base import Base, utcnow


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


class TopicLabelSet(Base):
    """A job's topic labels as an executive may read them (rebuilt from the quotable comments only), stored
    under the SHA-256 digest of what they were built from (:mod:`research.findings.topic_labels`), so they
    are read back only while those inputs are unchanged."""

    __tablename__ = "topic_label_sets"

    job_id: Mapped[int] = mapped_column(ForeignKey("analysis_jobs.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    labels: Mapped[dict] = mapped_column(JSON)  # topic number (as text) -> label
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GapGroup(Base):
    """A group whose morale and eNPS a gap compares, as one analysis job defined it: the wave's agents who raised
    a theme, or (``theme`` "") everyone in the wave who answered those questions.

    The first are defined by what people wrote, so a re-run after a codebook change can move one comment between
    themes; :mod:`research.analysis.gap_steps` keeps each job's groups here, and whether their figures were
    released, so that no released group differs from another of its wave by fewer than the threshold of people.
    ``job_id`` has no foreign key: a released group must outlive the job results that pruning deletes.
    Members are the first 16 hex digits of each response id's SHA-256, one a line; left out (None) of a withheld
    group and of one that repeats an earlier row of its wave (same ``digest``).
    """

    __tablename__ = "gap_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(Integer, index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("pulse_waves.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(64))
    released: Mapped[bool] = mapped_column(Boolean)
    digest: Mapped[str] = mapped_column(String(64))
    members: Mapped[str | None] = mapped_column(Text)
