import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from research.privacy.reporting import hidden_groups, releasable_rows, suppressed_note


def responses(sizes: dict[str, int], site="S", value=3.0) -> pd.DataFrame:
    rows = [{"site": site, "team": team, "score": value + i % 3} for team, n in sizes.items() for i in range(n)]
    return pd.DataFrame(rows, columns=["site", "team", "score"])


def test_groups_below_the_threshold_are_hidden_with_their_smallest_sibling():
    # D alone could be derived from the total: the next smallest sibling (A) is hidden with it.
    assert hidden_groups({"A": 5, "B": 12, "C": 20, "D": 3}, 5) == {"A", "D"}
    assert suppressed_note(5) == "fewer than 5 responses"


def test_nothing_is_hidden_when_every_group_is_large_enough():
    assert hidden_groups({"A": 5, "B": 6}, 5) == set()


def test_hidden_siblings_grow_until_they_pool_enough_responses():
    assert hidden_groups({"A": 1, "B": 1, "C": 2, "D": 30}, 5) == {"A", "B", "C", "D"}
    assert hidden_groups({"A": 4, "B": 1, "C": 9, "D": 30}, 5) == {"A", "B"}


def test_comments_of_small_groups_are_not_released():
    frame = responses({"A": 10, "B": 11, "C": 4})
    released = releasable_rows(frame, by="team", threshold=10)
    assert set(released["team"]) == {"B"}


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=7),
    threshold=st.integers(min_value=2, max_value=10),
)
def test_no_suppressed_group_can_be_recovered_by_subtraction(sizes, threshold):
    counts = {f"T{index}": n for index, n in enumerate(sizes)}
    hidden = hidden_groups(counts, threshold)
    if not hidden or sum(counts.values()) < threshold:
        return  # nothing hidden, or the total itself is withheld by the same rule
    # What an attacker can compute from the total and the shown groups is the pooled figure of all hidden
    # groups: it must describe enough people, and no hidden group may be alone in it.
    assert sum(counts[group] for group in hidden) >= threshold
    assert len(hidden) >= 2
    assert all(counts[group] >= threshold for group in counts if group not in hidden and counts[group] > 0)
