"""Which groups of a wave may be reported, so that no sum or difference of shown figures isolates a few people.

A group needs ``threshold`` responses, siblings are suppressed together
(:func:`research.privacy.reporting.hidden_groups`), and, because the dashboard
offers four dimensions over the same people, a value is also withdrawn when
subtracting other shown groups (a site minus its other teams, say) would
isolate fewer than ``threshold`` people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from research.privacy.reporting import hidden_groups

DIMENSIONS = ("team", "site", "channel", "industry")
# Subsets of small segments tried when looking for one that subtraction would reveal; beyond
# this (many tiny segments and a high threshold) only the whole wave is released.
SEARCH_BUDGET = 20_000

Choice = tuple[str, str] | None  # (dimension, value), or None for the whole wave
Cell = tuple[str, str, str, str]  # (team, site, channel, industry) of one segment


@dataclass(frozen=True)
class Release:
    """Which groups of a wave may be reported: the whole wave, and these (dimension, value) pairs."""

    whole: bool
    values: frozenset[tuple[str, str]]

    def allows(self, choice: Choice) -> bool:
        return self.whole if choice is None else choice in self.values


def releasable(cells: Mapping[Cell, int], threshold: int) -> Release:
    """Decide which groups of one wave may be reported, given responses per segment.

    The whole wave needs ``threshold`` responses. Per dimension, values under the
    threshold are hidden together with enough siblings (complementary suppression,
    :func:`hidden_groups`; blank values count as siblings but are never offered).
    Then the values left are checked across dimensions: if the whole wave and the
    shown values can be added and subtracted to isolate a set of segments with
    fewer than ``threshold`` responses, shown values are withdrawn, smallest first,
    until none can.

    Args:
        cells: responses per segment, keyed by (team, site, channel, industry).
        threshold: the fewest responses a reported figure may describe.
    """
    total = sum(cells.values())
    if total <= 0 or total < threshold:
        return Release(False, frozenset())
    candidates: dict[tuple[str, str], int] = {}
    for index, dimension in enumerate(DIMENSIONS):
        counts: dict[str, int] = defaultdict(int)
        for cell, n in cells.items():
            counts[cell[index]] += n
        hidden = hidden_groups(counts, threshold)
        candidates.update({(dimension, value): n for value, n in counts.items()
                           if value and n >= threshold and value not in hidden})
    return Release(True, frozenset(_withdraw_recoverable(cells, candidates, threshold)))


class _Undecided(Exception):
    pass


def _withdraw_recoverable(cells: Mapping[Cell, int], released: dict[tuple[str, str], int],
                          threshold: int) -> set[tuple[str, str]]:
    positive = [(cell, n) for cell, n in cells.items() if n > 0]
    if all(n >= threshold for _, n in positive):
        return set(released)  # a recoverable set of fewer than threshold would need a smaller segment
    released = dict(released)
    while released:
        try:
            leak = _find_recoverable(positive, list(released), threshold)
        except _Undecided:
            return set()
        if leak is None:
            break
        released.pop(_withdrawal(positive, released, leak))
    return set(released)


def _membership(positive: list[tuple[Cell, int]], groups: list[tuple[str, str]]) -> np.ndarray:
    """Segments by groups (the whole wave first): 1 where the segment belongs to the group."""
    values = [np.array([cell[index] for cell, _ in positive], dtype=object) for index in range(len(DIMENSIONS))]
    columns = [np.ones(len(positive))]
    for dimension, value in groups:
        columns.append((values[DIMENSIONS.index(dimension)] == value).astype(float))
    return np.column_stack(columns)


def _residuals(positive, groups) -> np.ndarray:
    """I - projection onto the span of the groups: column j is zero when segment j alone is recoverable."""
    matrix = _membership(positive, groups)
    return np.eye(len(positive)) - matrix @ np.linalg.pinv(matrix)


def _find_recoverable(positive, groups, threshold) -> list[int] | None:
    """Segments that sums and differences of the groups isolate, together under ``threshold`` responses.

    A depth-first search over sets of small segments, smallest first, each set's residual the sum of its
    segments' columns; at most :data:`SEARCH_BUDGET` sets are tried. The sets one level down are summed in one
    array operation (the same sums, in the same order, as one at a time, which took most of a wave's search
    with many tiny teams), and then visited in order, so the budget runs out at the same set as ever.
    """
    residual = _residuals(positive, groups)
    small = sorted((i for i, (_, n) in enumerate(positive) if n < threshold), key=lambda i: positive[i][1])
    sizes = [positive[i][1] for i in small]
    columns = np.ascontiguousarray(residual.T)[small]  # row k: the residual column of segment small[k]
    budget = [SEARCH_BUDGET]

    def visit(start: int, vector: np.ndarray, count: int, chosen: list[int]) -> list[int] | None:
        end = start
        while end < len(small) and count + sizes[end] < threshold:
            end += 1  # sorted by size, so every later segment is too big as well
        if end == start:
            return None
        combined = vector + columns[start:end]
        isolated = np.abs(combined).max(axis=1) < 1e-8
        for k in range(start, end):
            budget[0] -= 1
            if budget[0] < 0:
                raise _Undecided
            if isolated[k - start]:
                return chosen + [small[k]]
            found = visit(k + 1, combined[k - start], count + sizes[k], chosen + [small[k]])
            if found:
                return found
        return None

    return visit(0, np.zeros(len(positive)), 0, [])


def _withdrawal(positive, released: dict[tuple[str, str], int], leak: list[int]) -> tuple[str, str]:
    """The smallest shown value whose withdrawal stops ``leak`` being recoverable (else the smallest)."""
    target = np.zeros(len(positive))
    target[leak] = 1.0
    order = sorted(released, key=lambda key: (released[key], key))
    for key in order:
        matrix = _membership(positive, [k for k in order if k != key])
        fitted = matrix @ np.linalg.lstsq(matrix, target, rcond=None)[0]
        if np.abs(fitted - target).max() > 1e-8:
            return key
    return order[0]


# --- aggregates -----------------------------------------------------------------------------------
