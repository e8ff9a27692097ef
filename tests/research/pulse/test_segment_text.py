"""Segments typed or pasted as lines: commas or tabs, a header skipped, headcounts for admins only, bad lines
refused by number."""

import pytest

from research.pulse.errors import PulseError
from research.pulse.segment_text import segment_columns, segments_example, segments_from_text
from research.pulse.waves_admin import MAX_HEADCOUNT, SegmentSpec


def test_comma_lines_give_segments_in_order_with_missing_values_blank():
    text = "Billing, Cardiff, phone, utilities\n\n  Retail Care,,chat\nNight desk\n"
    assert segments_from_text(text, headcount_allowed=False) == [
        SegmentSpec(team="Billing", site="Cardiff", channel="phone", industry="utilities"),
        SegmentSpec(team="Retail Care", channel="chat"),
        SegmentSpec(team="Night desk"),
    ]


def test_rows_pasted_from_a_spreadsheet_are_split_at_tabs_and_their_header_is_skipped():
    pasted = "Team\tSite\tChannel\tIndustry\tHeadcount\nBilling, East\tCardiff\tphone\tutilities\t14\t\t\n" \
             "Retail\tLeeds\t\t\t\n"
    assert segments_from_text(pasted, headcount_allowed=True) == [
        SegmentSpec(team="Billing, East", site="Cardiff", channel="phone", industry="utilities", headcount=14),
        SegmentSpec(team="Retail", site="Leeds"),
    ]
    assert segments_from_text('"Billing, East", Cardiff', headcount_allowed=False)[0].team == "Billing, East"


def test_the_example_an_empty_box_shows_reads_as_it_says():
    assert segments_example(headcount=False).splitlines()[0] == ", ".join(segment_columns(headcount=False))
    assert [s.headcount for s in segments_from_text(segments_example(headcount=True), headcount_allowed=True)] \
        == [14, 9]
    assert [s.headcount for s in segments_from_text(segments_example(headcount=False), headcount_allowed=False)] \
        == [None, None]


def test_only_an_admin_writes_a_headcount_and_everyone_else_is_told_where_it_is_set():
    with pytest.raises(PulseError, match=r"^Line 2 gives a headcount \(12\), which only an admin sets, on the "
                                         r"Pulse links page"):
        segments_from_text("Billing\nRetail, Leeds, chat, retail, 12", headcount_allowed=False)
    assert segments_from_text("Retail, Leeds, chat, retail, 12", headcount_allowed=True)[0].headcount == 12


@pytest.mark.parametrize("text, message", [
    ("Billing\nA, B, C, D, 5, extra", r"^Line 2 has 6 columns; a segment has at most 5: team, site, channel, "
                                     r"industry, headcount"),
    ("Billing\n\n" + "T" * 65, r"^Line 3: the team is 65 characters; at most 64 fit"),
    ("Billing,," + "c" * 33, r"^Line 1: the channel is 33 characters; at most 32 fit"),
    ("Billing,,,,2.5", r"^Line 1: the headcount must be a whole number from 1 to 100,000, not '2.5'"),
    ("Billing,,,,0", r"whole number from 1"),
    (f"Billing,,,,{MAX_HEADCOUNT + 1}", r"whole number from 1"),
    ("Billing,,,,-3", r"whole number from 1"),
    (",,,,12", r"^Line 1 gives a headcount but no team, site, channel or industry"),
    ("Billing, Leeds\nRetail\nbilling,LEEDS", r"^Line 3 repeats the segment of line 1 \(billing / LEEDS\)"),
])
def test_a_bad_line_is_refused_by_its_number_and_nothing_is_created(text, message):
    with pytest.raises(PulseError, match=message) as refused:
        segments_from_text(text, headcount_allowed=True)
    assert "Nothing was created" in str(refused.value) or "nothing was created" in str(refused.value)


def test_blank_lines_and_empty_rows_name_no_segment():
    assert segments_from_text("\n , , \n\t\t\n", headcount_allowed=True) == []
