import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.privacy.reporting import hidden_groups, releasable_rows, score_breakdown


def responses(sizes: dict[str, int], site="S", value=3.0) -> pd.DataFrame:
    rows = [{"site": site, "team": team, "score": value + i % 3} for team, n in sizes.items() for i in range(n)]
    return pd.DataFrame(rows, columns=["site", "team", "score"])


def test_groups_at_the_threshold_are_shown_and_below_it_hidden_with_a_note():
    table = score_breakdown(responses({"A": 5, "B": 12, "C": 20, "D": 3}), by="team", value="score", threshold=5)
    by_team = table.set_index("team")
    assert not by_team.loc["D", "shown"] and pd.isna(by_team.loc["D", "mean"]) and pd.isna(by_team.loc["D", "responses"])
    assert by_team.loc["D", "note"] == "fewer than 5 responses"
    # D alone could be derived from the total: the next smallest sibling (A) is hidden with it.
    assert not by_team.loc["A", "shown"]
    assert by_team.loc["B", "shown"] and by_team.loc["B", "responses"] == 12


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
    values=st.lists(st.floats(min_value=1, max_value=5, allow_nan=False), min_size=98, max_size=98),
    threshold=st.integers(min_value=2, max_value=10),
)
def test_no_suppressed_group_can_be_recovered_by_subtraction(sizes, values, threshold):
    rows, cursor = [], 0
    for index, n in enumerate(sizes):
        for _ in range(n):
            rows.append({"team": f"T{index}", "score": values[cursor]})
            cursor += 1
    frame = pd.DataFrame(rows, columns=["team", "score"])
    if frame.empty:
        return
    table = score_breakdown(frame, by="team", value="score", threshold=threshold)
    hidden = table[~table["shown"]]
    if hidden.empty:
        return
    parent_n = len(frame)
    if parent_n < threshold:
        return  # the total itself is withheld by the same rule, so nothing can be subtracted from it
    released = table[table["shown"]]
    residual_n = parent_n - int(released["responses"].sum())
    residual_sum = frame["score"].sum() - float((released["responses"] * released["mean"]).sum())
    # What an attacker can compute is the pooled figure of all hidden groups: it must describe enough people,
    # and no hidden group may be alone in it.
    assert residual_n >= threshold
    assert len(hidden) >= 2
    hidden_truth = frame[frame["team"].isin(hidden["team"])]
    assert residual_n == len(hidden_truth)
    assert residual_sum == pytest.approx(hidden_truth["score"].sum())


def test_an_empty_frame_releases_nothing():
    assert releasable_rows(responses({}), by="team", threshold=10).empty
