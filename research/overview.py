"""Workspace totals for the empty-state pages: what is stored, before any analysis."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from research.store.models import Interview, PulseAnswer, PulseResponse, PulseWave, Study


@dataclass(frozen=True)
class WorkspaceSummary:
    studies: int
    interviews: int
    waves: int
    responses: int
    comments: int


def workspace_summary(*, session: Session) -> WorkspaceSummary:
    """Whole-organisation totals; no group is small enough here to identify anyone."""
    def count(column, *where):
        return int(session.scalar(select(func.count(column)).where(*where)) or 0)

    return WorkspaceSummary(
        studies=count(Study.id),
        interviews=count(Interview.id),
        waves=count(PulseWave.id),
        responses=count(PulseResponse.id),
        comments=count(PulseAnswer.id, PulseAnswer.value_text.is_not(None), PulseAnswer.value_text != ""),
    )
