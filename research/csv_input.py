"""Reading CSV files that users hand in, with one clear message for each way they go wrong."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from research.errors import FrontlineError

MAX_CSV_BYTES = 200 * 1024 * 1024


class CsvInputError(FrontlineError):
    """The file cannot be read as a CSV of text rows; the message names the file (and line)."""


def decode_upload(data: bytes, what: str, expected: str = "a text or CSV file") -> str:
    """The text of a small uploaded file, or one clear error naming ``what`` it is and the bad line."""
    if b"\x00" in data[:4096]:
        raise FrontlineError(f"The {what} looks like a binary file; upload {expected}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FrontlineError(f"Line {line} of the {what} is not UTF-8 text; save it as UTF-8.") from None


def read_csv_rows(path: Path, *, max_bytes: int = MAX_CSV_BYTES) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV with a header, refusing missing, empty, binary, non-UTF-8 and oversized files."""
    if not path.is_file():
        raise CsvInputError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise CsvInputError(f"{path}: the file is empty")
    if size > max_bytes:
        raise CsvInputError(f"{path}: {size / 1e6:.0f} MB is over the {max_bytes // 1024 // 1024} MB limit")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise CsvInputError(f"{path}: this looks like a binary file, not a CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CsvInputError(f"{path}: line {line} is not UTF-8 text; save the file as UTF-8 CSV") from None
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CsvInputError(f"{path}: not a readable CSV ({exc})") from None
    if not rows:
        raise CsvInputError(f"{path}: the file has a header but no rows")
    return rows


def require_columns(path: Path, rows: list[dict[str, str]], *columns: str | None) -> None:
    have = list(rows[0]) if rows else []
    missing = [c for c in columns if c and c not in have]
    if missing:
        raise CsvInputError(f"{path}: no column {', '.join(map(repr, missing))}; the columns are {', '.join(have)}")
