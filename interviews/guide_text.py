"""An interview guide written as text: one question per line, its probes after " | ", separated by ";".

The guide is edited in one text box, which keeps every keystroke as its author's draft until the guide is saved
(a grid of cells sent nothing before its form was: a reload or a page change lost the edits). This module writes
a saved guide as that text and reads it back, refusing a bad line by its number, so nothing is saved by halves.
"""

from __future__ import annotations

from collections.abc import Iterable

from interviews.studies import GuideItem, GuideQuestionView
from research.errors import FrontlineError

PROBES = " | "
"""Between a question and its probes."""
PROBE = "; "
"""Between two probes."""
MAX_LINE = 1_000
"""Characters on one line: a question with its probes."""
EXAMPLE = ("Do you have the tools you need? | Which system slows you down most?; What workaround do you use?\n"
           "What one thing would make your job easier?")


def guide_text(items: Iterable[GuideItem | GuideQuestionView]) -> str:
    """The guide as the box shows it: each question on its line, followed by `` | `` and its probes if any."""
    return "\n".join(item.text + (PROBES + PROBE.join(item.probes) if item.probes else "") for item in items)


def parse_guide(text: str) -> list[GuideItem]:
    """The questions written in ``text``, in order; blank lines are skipped.

    A question keeps its wording exactly (spaces around it aside): notes stay attached to a question only while
    its wording is unchanged (see :func:`interviews.studies.set_guide`).

    Raises:
        FrontlineError: naming the line: probes with no question before them, a line longer than
            :data:`MAX_LINE`, a question asked twice (whatever its capitals or spacing); or no question at all.
    """
    items: list[GuideItem] = []
    first_seen: dict[str, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            raise FrontlineError(f"Line {number} is {len(line):,} characters; at most {MAX_LINE:,} fit on one line. "
                                 "Shorten it; nothing was saved.")
        question, _, probes = line.partition("|")
        question = question.strip()
        if not question:
            raise FrontlineError(f"Line {number} has probes but no question before the '|'. Write the question "
                                 "first; nothing was saved.")
        same = " ".join(question.casefold().split())
        if same in first_seen:
            raise FrontlineError(f"Line {number} asks the question of line {first_seen[same]} again ('{question}'). "
                                 "Remove or reword one; nothing was saved.")
        first_seen[same] = number
        items.append(GuideItem(question, tuple(p.strip() for p in probes.split(";") if p.strip())))
    if not items:
        raise FrontlineError("The guide needs at least one question: write one per line; nothing was saved.")
    return items
