"""Moments shown to a person: in their browser's time zone, in words, never a raw ``2026-12-04 22:32:28+00:00``."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st


def human_time(moment: datetime, zone: str | None, *, now: datetime, seconds: bool = False) -> str:
    """``moment`` as ``today 23:32``, ``yesterday 08:05`` or ``Fri 4 Dec 2026, 23:32``, with the zone's abbreviation.

    ``zone`` is an IANA name (the browser's); unknown or missing, the time is given in UTC and says so.
    ``seconds`` adds them, for short pauses that end within the minute.
    """
    try:
        tz = ZoneInfo(zone) if zone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        tz = UTC
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    local, today = aware.astimezone(tz), now.astimezone(tz).date()
    clock = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    days = (today - local.date()).days
    day = {0: "today", 1: "yesterday", -1: "tomorrow"}.get(days, f"{local:%a} {local.day} {local:%b %Y},")
    return f"{day} {clock} {local.tzname() or 'UTC'}"


def local_time(moment: datetime | None, *, seconds: bool = False, never: str = "never") -> str:
    """``moment`` in the reader's time zone (see :func:`human_time`); ``never`` for None."""
    if moment is None:
        return never
    try:
        zone = st.context.timezone
    except Exception:  # noqa: BLE001 - no browser behind this run (tests): UTC, labelled as such
        zone = None
    return human_time(moment, zone, now=datetime.now(UTC), seconds=seconds)
