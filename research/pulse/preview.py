"""What an agent is told before submitting: in which groups their answers will count.

Only whether each group meets the threshold is revealed, never its count.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from research.store.models import PulseResponse, PulseSegment, PulseWave

LEVELS = (("team", "Your team"), ("site", "Your site"), ("channel", "Your channel"), ("industry", "Your industry"))


@dataclass(frozen=True)
class GroupStatus:
    level: str
    name: str
    meets_threshold: bool

    def sentence(self, threshold: int, fallback: str | None) -> str:
        label = f"{dict(LEVELS)[self.level]} ({self.name})" if self.level in dict(LEVELS) else "The whole wave"
        if self.meets_threshold:
            return f"{label} has at least {threshold} responses: your scores count in its results."
        if fallback is None:
            return (f"{label} has fewer than {threshold} responses so far: no figure that includes your answers "
                    "is published until it does.")
        return (f"{label} has fewer than {threshold} responses so far: your scores will only count in "
                f"{fallback} until it does.")


def anonymity_preview(*, session: Session, wave: PulseWave, segment: PulseSegment, threshold: int) -> list[GroupStatus]:
    """Threshold status of each group the segment belongs to, finest first, then the whole wave."""
    statuses = []
    for level, _ in LEVELS:
        value = getattr(segment, level)
        if not value:
            continue
        count = session.scalar(
            select(func.count(PulseResponse.id))
            .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
            .where(PulseResponse.wave_id == wave.id, getattr(PulseSegment, level) == value)
        )
        statuses.append(GroupStatus(level, value, int(count or 0) >= threshold))
    total = session.scalar(select(func.count(PulseResponse.id)).where(PulseResponse.wave_id == wave.id))
    statuses.append(GroupStatus("wave", wave.title, int(total or 0) >= threshold))
    return statuses


def preview_sentences(statuses: list[GroupStatus], threshold: int) -> list[str]:
    """Plain-language lines for the pulse page; each names the next group up that does count."""
    lines = []
    for index, status in enumerate(statuses):
        larger = next((s for s in statuses[index + 1:] if s.meets_threshold), None)
        if larger is None:
            fallback = None
        else:
            fallback = "the whole-wave total" if larger.level == "wave" else f"the {larger.level} total"
        lines.append(status.sentence(threshold, fallback))
    return lines
