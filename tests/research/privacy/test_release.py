"""Complementary suppression across four dimensions: checked by brute force on random waves."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from research.privacy.release import DIMENSIONS, releasable


@settings(max_examples=200, deadline=None)
@given(
    cells=st.dictionaries(
        st.tuples(st.sampled_from(["T1", "T2", "T3", "T4"]), st.sampled_from(["S1", "S2", "S3"]),
                  st.sampled_from(["phone", "chat"]), st.sampled_from(["", "retail"])),
        st.integers(min_value=0, max_value=12), min_size=1, max_size=6),
    threshold=st.integers(min_value=2, max_value=8),
)
def test_nothing_shown_can_be_combined_to_isolate_fewer_than_the_threshold(cells, threshold):
    release = releasable(cells, threshold)
    positive = [(cell, n) for cell, n in cells.items() if n > 0]
    groups = [np.ones(len(positive))] if release.whole else []
    for dimension, value in release.values:
        index = DIMENSIONS.index(dimension)
        members = [cell[index] == value for cell, _ in positive]
        assert value and sum(n for (cell, n), m in zip(positive, members) if m) >= threshold
        groups.append(np.array(members, dtype=float))
    if not groups:
        return
    matrix = np.column_stack(groups)
    # Every subset of segments, not only the small ones the search looks at.
    for size in range(1, len(positive) + 1):
        for subset in itertools.combinations(range(len(positive)), size):
            count = sum(positive[i][1] for i in subset)
            if count >= threshold:
                continue
            target = np.zeros(len(positive))
            target[list(subset)] = 1
            fitted = matrix @ np.linalg.lstsq(matrix, target, rcond=None)[0]
            assert np.abs(fitted - target).max() > 1e-6, f"{subset} ({count} responses) is recoverable"
