"""ORM models for the core records of all three sides.

Identifiers of anything a respondent submits (pulse responses and answers) are
random UUIDs, so row ids reveal neither order nor volume. Pulse responses carry
the day they were submitted and their segment, nothing finer: no time of day,
no IP, no user agent, no session id.

The schema changes only through Alembic migrations in ``migrations/versions``;
``Base.metadata.create_all`` is never used outside tests of the migrations.

The models live in one module per part of the product (:mod:`.staff`, :mod:`.interviews`, :mod:`.pulse`,
:mod:`.analysis`, :mod:`.actions`); every name is re-exported here, and importing this package registers
every table on ``Base.metadata``, which Alembic's ``env.py`` compares against.
"""

from research.store.models.actions import Action
from research.store.models.analysis import AnalysisJob, GapGroup, TextAnalysis, TopicLabelSet, TopicSummary
from research.store.models.base import NAMING, Base, utcnow
from research.store.models.interviews import (
    Code,
    Excerpt,
    ExcerptCode,
    GuideQuestion,
    Interview,
    InterviewNote,
    Memo,
    NoteRevision,
    Participant,
    Study,
)
from research.store.models.pulse import (
    QUESTION_KINDS,
    PulseAnswer,
    PulseCommentCode,
    PulseHeldText,
    PulseInbox,
    PulseLink,
    PulseLinkCopy,
    PulseOpenUse,
    PulseQuestion,
    PulseReceipt,
    PulseReleased,
    PulseReply,
    PulseResponse,
    PulseSegment,
    PulseWave,
)
from research.store.models.staff import ROLES, AuditEvent, RosterName, User

__all__ = [
    "NAMING",
    "Base",
    "utcnow",
    "ROLES",
    "User",
    "AuditEvent",
    "RosterName",
    "Study",
    "GuideQuestion",
    "Participant",
    "Interview",
    "InterviewNote",
    "NoteRevision",
    "Code",
    "Excerpt",
    "ExcerptCode",
    "Memo",
    "QUESTION_KINDS",
    "PulseWave",
    "PulseQuestion",
    "PulseSegment",
    "PulseResponse",
    "PulseAnswer",
    "PulseLink",
    "PulseLinkCopy",
    "PulseReceipt",
    "PulseInbox",
    "PulseReleased",
    "PulseOpenUse",
    "PulseHeldText",
    "PulseReply",
    "PulseCommentCode",
    "AnalysisJob",
    "TextAnalysis",
    "TopicSummary",
    "TopicLabelSet",
    "GapGroup",
    "Action",
]
