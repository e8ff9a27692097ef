"""A typed headcount: only a whole number of people from 1 to 100,000, and what a small one means for results."""

import pytest

from research.pulse.errors import PulseError
from research.pulse.waves_admin import headcount_note, parse_headcount


@pytest.mark.parametrize(("typed", "people"), [("12", 12), (" 12 ", 12), ("12.0", 12), ("1", 1), ("100000", 100_000)])
def test_whole_numbers_are_read(typed, people):
    assert parse_headcount(typed) == people


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Type how many people the segment has."),
    ("3.5", "3.5 is not a whole number of people"),
    ("-0.5", "-0.5 is not a whole number of people"),
    ("abc", "'abc' is not a number"),
    ("NaN", "'NaN' is not a number"),
    ("0", "A headcount is a whole number of people from 1 to 100,000, not 0."),
    ("-2", "A headcount is a whole number of people from 1 to 100,000, not -2."),
    ("100001", "A headcount is a whole number of people from 1 to 100,000, not 100001."),
    ("1e999999999", "A headcount is a whole number of people from 1 to 100,000"),
])
def test_anything_else_is_refused_saying_what_is_wrong_and_that_nothing_changed(typed, message):
    with pytest.raises(PulseError) as refused:
        parse_headcount(typed)
    assert str(refused.value).startswith(message) and str(refused.value).endswith("Nothing changed.")


def test_a_team_smaller_than_a_threshold_is_told_what_will_never_be_shown():
    small = headcount_note(2, min_group_size=5, min_comment_group_size=10)
    assert "fewer than 5 people" in small and "scores and comments will never be shown on their own" in small
    middling = headcount_note(7, min_group_size=5, min_comment_group_size=10)
    assert "fewer than 10 people" in middling and "comments will never be shown on their own" in middling
    assert headcount_note(5, min_group_size=5, min_comment_group_size=5) is None
    assert headcount_note(10, min_group_size=5, min_comment_group_size=10) is None
