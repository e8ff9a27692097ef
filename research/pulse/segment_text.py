"""A wave's segments written as text: one segment per line, its columns separated by commas or tabs.

The segments are typed into one text box, which keeps every keystroke as its author's draft until the wave is
created (a grid of cells sent nothing before its form was: a reload or a page change lost the rows). Rows
pasted from a spreadsheet arrive separated by tabs, so a line holding a tab is split at tabs, any other at
commas (a value holding a comma can be put in double quotes). A header line, as a spreadsheet's first row, is
skipped. Each bad line is refused by its number, so no wave is created from half of what was meant.
"""

from __future__ import annotations

import csv

from research.pulse.errors import PulseError
from research.pulse.waves_admin import MAX_HEADCOUNT, SEGMENT_FIELDS, SegmentSpec

HEADCOUNT = "headcount"
LIMITS = {"team": 64, "site": 64, "channel": 32, "industry": 64}
"""Characters each column holds (as the table stores them)."""


def segment_columns(*, headcount: bool) -> tuple[str, ...]:
    """The columns of a segment line, in order: a headcount last, for an admin only."""
    return (*SEGMENT_FIELDS, HEADCOUNT) if headcount else SEGMENT_FIELDS


def segments_example(*, headcount: bool) -> str:
    """What the empty box shows: the header line, then two segments."""
    columns = segment_columns(headcount=headcount)
    rows = [("Billing", "Cardiff", "phone", "utilities", "14"), ("Retail Care", "Leeds", "chat", "retail", "9")]
    return "\n".join(", ".join(r[:len(columns)]) for r in [columns, *rows])


def _cells(line: str) -> list[str]:
    delimiter = "\t" if "\t" in line else ","
    return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])]


def segments_from_text(text: str, *, headcount_allowed: bool) -> list[SegmentSpec]:
    """The segments written in ``text``, one per non-blank line, in order.

    ``headcount_allowed`` is whether the writer is an admin: only an admin sets a headcount (it caps a
    segment's invites and answers, so nobody can pad a small team); anyone else writing one is told so.
    No segment at all is left to :func:`research.pulse.waves_admin.create_wave` to refuse.

    Raises:
        PulseError: naming the line: more columns than a segment has, a value too long for its column, a
            headcount that is not a whole number from 1 to :data:`MAX_HEADCOUNT` or that a non-admin wrote, a
            headcount for a segment that names nothing, or a segment written twice (whatever its capitals).
    """
    columns = segment_columns(headcount=True)
    specs: list[SegmentSpec] = []
    first_seen: dict[tuple[str, ...], int] = {}
    header_checked = False
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        cells = _cells(line)
        while cells and not cells[-1]:
            cells.pop()  # a spreadsheet's empty trailing columns
        if not header_checked:
            header_checked = True
            if cells and [c.casefold() for c in cells] == list(columns[:len(cells)]):
                continue
        allowed = len(segment_columns(headcount=headcount_allowed))
        if len(cells) > len(columns):
            raise PulseError(f"Line {number} has {len(cells)} columns; a segment has at most {allowed}: "
                             f"{', '.join(segment_columns(headcount=headcount_allowed))}. Nothing was created.")
        values = dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))
        for field, limit in LIMITS.items():
            if len(values[field]) > limit:
                raise PulseError(f"Line {number}: the {field} is {len(values[field]):,} characters; at most {limit} "
                                 "fit. Shorten it; nothing was created.")
        headcount = _headcount(number, values[HEADCOUNT], allowed=headcount_allowed)
        named = tuple(values[f] for f in SEGMENT_FIELDS)
        if not any(named):
            if headcount is not None:
                raise PulseError(f"Line {number} gives a headcount but no team, site, channel or industry. "
                                 "Nothing was created.")
            continue
        same = tuple(v.casefold() for v in named)
        if same in first_seen:
            raise PulseError(f"Line {number} repeats the segment of line {first_seen[same]} "
                             f"({' / '.join(v for v in named if v)}). Nothing was created.")
        first_seen[same] = number
        specs.append(SegmentSpec(**{f: values[f] for f in SEGMENT_FIELDS}, headcount=headcount))
    return specs


def _headcount(number: int, cell: str, *, allowed: bool) -> int | None:
    if not cell:
        return None
    if not allowed:
        raise PulseError(f"Line {number} gives a headcount ({cell}), which only an admin sets, on the Pulse links "
                         "page. Leave the fifth column out; nothing was created.")
    if not cell.isascii() or not cell.isdigit() or not 1 <= int(cell) <= MAX_HEADCOUNT:
        raise PulseError(f"Line {number}: the headcount must be a whole number from 1 to {MAX_HEADCOUNT:,}, "
                         f"not '{cell}'. Nothing was created.")
    return int(cell)
