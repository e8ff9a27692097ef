"""Times on screen are in the reader's zone and in words, never a raw timestamp."""

from datetime import UTC, datetime

from frontline_ui.times import human_time, local_time

NOW = datetime(2026, 12, 4, 22, 40, tzinfo=UTC)


def test_a_moment_reads_in_the_browsers_zone_with_its_abbreviation():
    moment = datetime(2026, 12, 4, 22, 32, 28, tzinfo=UTC)
    assert human_time(moment, "Europe/Paris", now=NOW) == "today 23:32 CET"
    assert human_time(moment, "Europe/Paris", now=NOW, seconds=True) == "today 23:32:28 CET"
    assert human_time(moment, "America/New_York", now=NOW) == "today 17:32 EST"


def test_days_around_today_are_named_and_others_written_out():
    assert human_time(datetime(2026, 12, 3, 9, 5, tzinfo=UTC), None, now=NOW) == "yesterday 09:05 UTC"
    assert human_time(datetime(2026, 12, 5, 9, 5, tzinfo=UTC), None, now=NOW) == "tomorrow 09:05 UTC"
    assert human_time(datetime(2026, 11, 20, 9, 5, tzinfo=UTC), None, now=NOW) == "Fri 20 Nov 2026, 09:05 UTC"
    # Past midnight in Tokyo, it is already the next day there.
    assert human_time(datetime(2026, 12, 4, 16, 0, tzinfo=UTC), "Asia/Tokyo", now=NOW) == "today 01:00 JST"


def test_an_unknown_zone_or_a_naive_moment_is_read_as_utc_and_says_so():
    naive = datetime(2026, 12, 4, 22, 32)
    assert human_time(naive, "Not/AZone", now=NOW) == "today 22:32 UTC"
    assert local_time(None) == "never" and local_time(None, never="not yet") == "not yet"
