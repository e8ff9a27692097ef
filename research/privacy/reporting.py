"""Reporting thresholds: the one place that decides which group figures may leave the system.

A group's scores are shown only when it has at least ``min_group_size``
responses; its comments only at ``min_comment_group_size``. Hiding small
groups is not enough when the parent total is shown too: the hidden group's
figure would follow by subtraction. So hidden siblings are grown, smallest
first, until together they hold at least the threshold (complementary
suppression); then subtraction reveals only a pooled figure of enough people.

Every score figure a view, chart, export or CLI output shows is released by
:mod:`research.privacy.release`, which suppresses siblings with :func:`hidden_groups`;
every quoted comment passes :func:`releasable_rows`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd


@dataclass(frozen=True)
class Thresholds:
    scores: int = 5
    comments: int = 10

    @classmethod
    def from_settings(cls, settings) -> Thresholds:
        return cls(scores=settings.min_group_size, comments=settings.min_comment_group_size)


def suppressed_note(threshold: int) -> str:
    return f"fewer than {threshold} responses"


Group = TypeVar("Group", bound=Hashable)


def hidden_groups(counts: Mapping[Group, int], threshold: int) -> set[Group]:
    """Which sibling groups must be hidden so none can be recovered from the others and their total.

    Args:
        counts: responses per group; the groups partition their parent.
        threshold: the fewest responses a released figure may describe.
    """
    hidden = {key for key, n in counts.items() if 0 < n < threshold}
    if not hidden:
        return set()
    candidates = sorted((n, str(key), key) for key, n in counts.items() if key not in hidden and n > 0)
    while sum(counts[k] for k in hidden) < threshold and candidates:
        hidden.add(candidates.pop(0)[2])
    return hidden


def releasable_rows(frame: pd.DataFrame, *, by: str, threshold: int, parent: str | None = None,
                    people: str | None = None) -> pd.DataFrame:
    """The rows (e.g. comments) of groups that may be quoted at the ``by`` level.

    With ``people`` (a column such as ``response_id``), a group's size is its number of distinct people, not of
    rows: four agents answering three free-text questions are four people, not twelve comments.
    """
    keys = [parent, by] if parent else [by]
    if frame.empty:
        return frame
    grouped = frame.groupby(keys, dropna=False)
    sizes = grouped[people].nunique() if people else grouped.size()
    hidden: set[tuple] = set()
    groups = sizes.groupby(level=0) if parent else [(None, sizes)]
    for _, siblings in groups:
        counts = {(k if isinstance(k, tuple) else (k,)): int(n) for k, n in siblings.items()}
        hidden |= hidden_groups(counts, threshold)
    mask = [tuple(row) not in hidden for row in frame[keys].itertuples(index=False, name=None)]
    return frame[mask]
