"""What an agent is told before submitting: in which groups their answers will count.

The preview says of each group exactly what the dashboard does with it: it asks
the same release decision (:meth:`research.findings.overview.WaveStats.release`,
that is :func:`research.privacy.release.releasable` over the wave's responses per
segment at the score threshold) whether the group is shown on its own. A group
can have enough responses and still be withheld, so that subtracting it from its
siblings' total would not isolate a smaller one; the preview then says it is not
shown, like the dashboard, and never why in numbers: no count, and not which of
the two reasons applies.

It lives in ``findings``, not ``pulse``, because it is a statement about what the dashboard shows: the
pulse page above it asks, and the pulse layer below never reaches up into the dashboard's figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from research.errors import FrontlineError
from research.findings.overview import wave_stats
from research.privacy.release import Release
from research.privacy.reporting import Thresholds
from research.store.models import PulseSegment, PulseWave

LEVELS = (("team", "Your team"), ("site", "Your site"), ("channel", "Your channel"), ("industry", "Your industry"))


@dataclass(frozen=True)
class GroupStatus:
    level: str  # team, site, channel, industry, or "wave" for the whole wave
    name: str
    shown: bool  # whether the dashboard shows this group's figures on their own

    @property
    def meets_threshold(self) -> bool:
        """The old name of :attr:`shown`."""
        return self.shown

    def sentence(self, threshold: int, fallback: str | None) -> str:
        if self.level not in dict(LEVELS):
            if self.shown:
                return f"The whole wave has at least {threshold} responses: your scores count in its results."
            # The whole wave is withheld for one reason only, so saying it gives nothing away.
            return (f"The whole wave has fewer than {threshold} responses so far: no figure that includes your "
                    "answers is published until it does.")
        label = f"{dict(LEVELS)[self.level]} ({self.name})"
        if self.shown:
            return f"{label} is shown on its own: your scores count in its results."
        if fallback is None:
            return (f"{label}: its scores will not be shown on their own for now, and no figure that includes "
                    "your answers is published yet.")
        return f"{label}: its scores will not be shown on their own for now; your scores will only count in {fallback}."


def wave_release(*, session: Session, wave: PulseWave, threshold: int) -> Release:
    """What the dashboard may show of ``wave``: the decision its overview, filters and heatmap use."""
    return wave_stats(session=session, waves=[wave], thresholds=Thresholds(scores=threshold))[wave.id].release()


def anonymity_preview(*, session: Session, segment_id: int, threshold: int) -> list[GroupStatus]:
    """Whether each group the segment belongs to is shown on the dashboard, finest first, then its whole wave.

    ``threshold`` is the score threshold (``settings.min_group_size``), as the dashboard uses it. The segment
    is named by id, as a page knows it; its wave is the one it belongs to.

    Raises:
        FrontlineError: no segment with that id.
    """
    segment = session.get(PulseSegment, segment_id)
    if segment is None:
        raise FrontlineError(f"no pulse segment with id {segment_id}")
    wave = segment.wave
    release = wave_release(session=session, wave=wave, threshold=threshold)
    statuses = [GroupStatus(level, getattr(segment, level), release.allows((level, getattr(segment, level))))
                for level, _ in LEVELS if getattr(segment, level)]
    statuses.append(GroupStatus("wave", wave.title, release.allows(None)))
    return statuses


def preview_sentences(statuses: list[GroupStatus], threshold: int) -> list[str]:
    """Plain-language lines for the pulse page; each names the next group up that is shown."""
    lines = []
    for index, status in enumerate(statuses):
        larger = next((s for s in statuses[index + 1:] if s.shown), None)
        if larger is None:
            fallback = None
        else:
            fallback = "the whole-wave total" if larger.level == "wave" else f"the {larger.level} total"
        lines.append(status.sentence(threshold, fallback))
    if any(not s.shown and s.level != "wave" for s in statuses):  # why, said once (it read four times over)
        lines.insert(len(lines) - 1,
                     f"A group is not shown on its own while it has fewer than {threshold} responses, or while "
                     "showing it would let a smaller group's answers be worked out by subtracting it from a "
                     "total.")
    return lines
