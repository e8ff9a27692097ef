"""The one way a table leaves the system as CSV or XLSX: text a spreadsheet would run as a formula is made inert.

A quote, an action title, a team name or a column header someone typed can
start with ``=``; opened in Excel or LibreOffice it would run (``=HYPERLINK``
sends the reader's data anywhere). Every CSV and workbook is therefore built
here, whatever the column's dtype: pandas 3 stores text as its own string
dtype rather than ``object``, and categoricals hold text too, so the check is
on each cell, not on the dtype. Pages add the audit on top
(``frontline_ui.exports``); the CLI records its own exports.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Mapping
from datetime import date, datetime, time

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from research.csv_input import read_csv

# Cells starting with these are formulas to Excel and LibreOffice (OWASP's list); the full-width forms are
# read as formulas by Excel in East Asian locales.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CRLF = "\r\n"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def inert_cell(value: object) -> object:
    """``value`` with an apostrophe in front when it is text a spreadsheet would read as a formula."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def typed(value: str) -> str:
    """The text as typed, from a cell :func:`inert_cell` made inert: lets an exported CSV be imported again."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def holds_no_text(column: pd.Series) -> bool:
    """Numbers, booleans, dates and durations: dtypes no typed text can hide in."""
    types = pd.api.types
    return (types.is_bool_dtype(column) or types.is_numeric_dtype(column)
            or types.is_datetime64_any_dtype(column) or types.is_timedelta64_dtype(column))


def _inert_labels(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples([tuple(inert_cell(part) for part in label) for label in index],
                                         names=index.names)
    return pd.Index([inert_cell(label) for label in index], name=inert_cell(index.name))


def inert(frame: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """A copy whose text cells and column headers cannot run as formulas, for every dtype.

    Args:
        frame: any table; text may be ``object``, ``string`` (python or pyarrow) or categorical.
        index: keep the index as the first column(s), made inert too (tables whose rows are named).
    """
    frame = frame.reset_index() if index else frame.copy()
    frame.columns = _inert_labels(frame.columns)
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if not holds_no_text(column):
            frame.isetitem(position, column.astype(object).map(inert_cell))
    return frame


def to_csv(frame: pd.DataFrame, *, index: bool = False) -> bytes:
    """The table as UTF-8 CSV, every cell and header inert.

    Lines end in CRLF (RFC 4180): the writer then quotes any cell holding a lone ``\r``, which a reader would
    otherwise take for a line break and start a new row with the rest of the cell, formula and all.
    """
    return inert(frame, index=index).to_csv(index=False, lineterminator=CRLF).encode("utf-8")


def rewrite_csv(data: bytes) -> bytes:
    """A CSV some other code wrote, with every cell made inert; for exports built as CSV from the start.

    It is read by the one CSV reader (:func:`research.csv_input.read_csv`), comma-separated and without
    header rules since any table may come through; blank lines are dropped.
    """
    table = read_csv(data, what="export", header=False, delimiters=",", max_cell=len(data))
    out = io.StringIO()
    csv.writer(out, lineterminator=CRLF).writerows([inert_cell(cell) for cell in row] for row in table.rows)
    return out.getvalue().encode("utf-8")


def _xlsx_value(value: object) -> object:
    """What openpyxl can store for a cell: no NA markers, numpy scalars, time zones or control characters."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, (bool, int, float, date, time)):
        return None if isinstance(value, float) and math.isnan(value) else _naive(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return _xlsx_value(value.item())
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))  # lists, decimals, intervals: as their text


def _naive(value):
    return value.replace(tzinfo=None) if isinstance(value, (datetime, time)) and value.tzinfo else value


def to_xlsx(sheets: Mapping[str, pd.DataFrame], *, index: bool = False) -> bytes:
    """A workbook with one sheet per table: text is made inert and written as a text cell, never a formula.

    openpyxl turns any string starting with ``=`` into a formula, so each text cell's type is set to text
    after its value: even a cell that slipped past :func:`inert` could not run.
    """
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(ILLEGAL_CHARACTERS_RE.sub("", str(name))[:31] or "Sheet")
        table = inert(frame, index=index)
        rows = [list(table.columns)] + table.astype(object).values.tolist()
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=_xlsx_value(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_zip(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """Several tables, one inert CSV each (``name.csv``), in a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in tables.items():
            archive.writestr(f"{name}.csv", to_csv(frame))
    return buffer.getvalue()
