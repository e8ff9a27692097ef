"""Tables leaving the system as CSV or XLSX: text a spreadsheet would run as a formula is made inert."""

from __future__ import annotations

import pandas as pd

# Cells starting with these are formulas to Excel and LibreOffice; a quote or an
# action title must never run as one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with text cells that start like a formula prefixed by an apostrophe."""
    def cell(value):
        return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value
    return frame.apply(lambda column: column.map(cell) if column.dtype == object else column)
