"""The one reader for CSV files that people hand in: uploads, command-line files and CSVs read back.

Each reader used to have its own rules (one guessed the delimiter, one refused ragged rows, one looked for NUL
bytes in the first 4 kB only), so one file could be refused by one page and read, differently, by another.
Every caller now reads through :func:`read_csv` and keeps only its own column rules on top.

The rules, in the order they are checked: the size limit; an empty file; UTF-16 or UTF-32 (named as such);
NUL bytes anywhere; UTF-8 with or without a BOM (other bytes are refused, never guessed, since a wrong guess
garbles names quietly); the delimiter (whichever of comma, semicolon or tab the header line uses most); the
header (the first non-blank line; a blank name becomes "column N", a repeated name is refused); blank lines
skipped but counted; ragged rows (a short row is padded, text beyond the header is refused); a cell-size and a
row limit. Every refusal is one line naming the line, and the column where there is one, in plain words:
whoever reads it has the file open in a spreadsheet, not in a hex editor.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from research.errors import FrontlineError

MIB = 1024 * 1024
MAX_CSV_BYTES = 200 * MIB
MAX_CSV_CELL = 128 * 1024  # the csv module's own default; callers with longer cells say so
MAX_CSV_ROWS = 1_000_000
DELIMITERS = ",;\t"
SCAN_LIMIT = 100_000  # characters of one line walked to name a column in a message
_DELIMITER_WORDS = {",": "comma", ";": "semicolon", "\t": "tab"}
_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
         (b"\xfe\xff", "UTF-16"))
_SAVE_AS_UTF8 = 'save it as UTF-8 ("CSV UTF-8" in Excel) and try again.'


class CsvInputError(FrontlineError):
    """The file cannot be read as a CSV of text rows; the message names the file and, where it can, the line."""


@dataclass(frozen=True)
class CsvTable:
    """A CSV's rows as text, each with the physical line it starts on (blank lines and multi-line cells counted).

    With a header, every row has exactly ``len(columns)`` cells; without one, ``columns`` is empty and each row
    is as long as it was written.
    """
    columns: tuple[str, ...]
    rows: list[list[str]]
    lines: list[int]
    delimiter: str

    def records(self) -> list[dict[str, str]]:
        """Each row as a dict of column name to text."""
        return [dict(zip(self.columns, row)) for row in self.rows]


def read_csv(data: bytes, *, what: str = "CSV file", header: bool = True, max_bytes: int = MAX_CSV_BYTES,
             max_cell: int = MAX_CSV_CELL, max_rows: int = MAX_CSV_ROWS, delimiters: str = DELIMITERS,
             cell_hint: str = "; check the file's quotes.") -> CsvTable:
    """The rows of a CSV upload, or one :class:`CsvInputError` saying what is wrong and where.

    Args:
        data: the file's bytes.
        what: the file in words, as messages name it ("CSV file", "codebook file", "file in.csv").
        header: the first non-blank line names the columns (a roster of names has none).
        max_bytes: files of this size or more are refused before anything is decoded.
        max_cell: the longest cell, in characters; an unclosed quote swallowing the file ends here.
        max_rows: the most rows (not counting the header).
        delimiters: the delimiters the header line may use; pass "," for a file this project wrote.
        cell_hint: the end of the too-long-cell message, saying what a cell of this file should hold.
    """
    text = decode_csv(data, what=what, max_bytes=max_bytes, delimiters=delimiters)
    delimiter = _delimiter(text, delimiters)
    return _parse(text, what=what, header=header, delimiter=delimiter, max_cell=max_cell, max_rows=max_rows,
                  cell_hint=cell_hint)


def read_csv_file(path: Path, *, max_bytes: int = MAX_CSV_BYTES, max_rows: int = MAX_CSV_ROWS) -> CsvTable:
    """A CSV named on the command line, read by :func:`read_csv`; a missing or oversized file is never opened."""
    if not path.is_file():
        raise CsvInputError(f"{path}: no such file")
    size = path.stat().st_size
    if size >= max_bytes:
        raise CsvInputError(_too_big(f"file {path}", size, max_bytes))
    return read_csv(path.read_bytes(), what=f"file {path}", max_bytes=max_bytes, max_rows=max_rows)


def read_csv_rows(path: Path, *, max_bytes: int = MAX_CSV_BYTES) -> list[dict[str, str]]:
    """The rows of a command-line CSV as dicts (see :func:`read_csv_file` for their lines)."""
    return read_csv_file(path, max_bytes=max_bytes).records()


def require_columns(path: Path, rows: list[dict[str, str]], *columns: str | None) -> None:
    """Refuse, naming them, the columns a command was told to use that the file does not have."""
    have = list(rows[0]) if rows else []
    missing = [c for c in columns if c and c not in have]
    if missing:
        raise CsvInputError(f"{path}: no column {', '.join(map(repr, missing))}; the columns are {', '.join(have)}")


def decode_csv(data: bytes, *, what: str, max_bytes: int = MAX_CSV_BYTES, delimiters: str = DELIMITERS) -> str:
    """The file's text, after the size, emptiness, encoding and NUL-byte rules; a UTF-8 BOM is dropped.

    Size is checked first, so a huge file is never decoded; UTF-16 is named before NUL bytes are looked
    for, since every other byte of UTF-16 text is NUL and "binary file" would send the reader the wrong way.
    """
    if len(data) >= max_bytes:
        raise CsvInputError(_too_big(what, len(data), max_bytes))
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        found = " (it holds only blank space)" if data else ""
        raise CsvInputError(f"The {what} is empty{found}; there is nothing to read.")
    if encoding := _wide_encoding(data):
        raise CsvInputError(f"The {what} is saved as {encoding}, not UTF-8; {_SAVE_AS_UTF8}")
    if (nul := data.find(b"\x00")) >= 0:
        line, where = _byte_place(data, nul, delimiters)
        raise CsvInputError(f"Line {line} of the {what} holds a NUL byte{where}, so it is a binary file, "
                            "not CSV text; export it again as CSV.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, where = _byte_place(data, error.start, delimiters)
        guess = ""
        try:
            data.decode("cp1252")
            guess = ', and looks like Windows-1252 or Latin-1 (what Excel saves as plain "CSV")'
        except UnicodeDecodeError:
            pass
        raise CsvInputError(f"Line {line} of the {what} is not UTF-8 text (byte 0x{data[error.start]:02X}{where})"
                            f"{guess}; {_SAVE_AS_UTF8}") from None


def _too_big(what: str, size: int, max_bytes: int) -> str:
    return f"The {what} is {size / MIB:.1f} MB; files must be smaller than {_size_words(max_bytes)}."


def _size_words(size: int) -> str:
    return f"{size // MIB} MB" if size >= MIB and size % MIB == 0 else f"{size // 1024} kB"


def _wide_encoding(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" for text saved so (Notepad's and Excel's "Unicode"), by its BOM or its NUL pattern."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[: min(len(data), 64) // 2 * 2]
    if len(head) >= 4:
        low, high = head[0::2], head[1::2]  # ASCII in UTF-16 has a NUL in every other byte, no BOM needed
        if (not any(high) and all(low)) or (not any(low) and all(high)):
            return "UTF-16"
    return None


def _byte_place(data: bytes, position: int, delimiters: str) -> tuple[int, str]:
    """The line of byte ``position`` and " in column N ("name")" for it, counting lines as the reader does."""
    head = data[:position]
    line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    start = max(head.rfind(b"\n"), head.rfind(b"\r")) + 1
    first = re.split(r"\r\n|\r|\n", data[:SCAN_LIMIT].decode("utf-8", "replace").lstrip("\ufeff"), maxsplit=1)[0]
    delimiter = _delimiter(first, delimiters)
    try:
        names = next(csv.reader([first], delimiter=delimiter), []) if line > 1 else []
    except csv.Error:  # the header's own quoting is broken: name the column by number only
        names = []
    prefix = head[start:]
    if len(prefix) > SCAN_LIMIT:
        return line, ""
    column, _ = _scan(prefix.decode("utf-8", "replace"), delimiter)
    names = [] if any("\ufffd" in name for name in names) else names  # a binary header names nothing
    return line, " in " + _column_words(column, tuple(n.strip() for n in names))


def _delimiter(text: str, delimiters: str) -> str:
    """Whichever delimiter the first non-blank line uses most; the first of ``delimiters`` when it uses none."""
    for line in itertools.islice(io.StringIO(text, newline=""), 1000):
        if line.strip():
            return max(delimiters, key=line[:SCAN_LIMIT].count)  # max keeps the first on a tie, so "," wins
    return delimiters[0]


def _column_words(column: int, names: tuple[str, ...]) -> str:
    """'column 2 ("notes")', or 'column 2' when the column has no name in the header."""
    name = names[column - 1] if 0 < column <= len(names) else ""
    if not name or name == f"column {column}":
        return f"column {column}"
    return f'column {column} ("{name[:40]}{"…" if len(name) > 40 else ""}")'


def _scan(line: str, delimiter: str) -> tuple[int, str]:
    """Walk one physical line as the csv module does: (the column reached, "" or the first quoting mistake).

    The mistake is "after" for text straight after a closing quote (the column is that cell) or "open" for a
    quote still open at the end of the line (the column is the one it opened in). Only for messages, and only
    over ``SCAN_LIMIT`` characters, so a hostile line costs no time.
    """
    column, quoted, fresh, closed = 1, False, True, False
    for i, char in enumerate(line[:SCAN_LIMIT]):
        if quoted:
            if char == '"':
                quoted, closed = False, True  # a doubled quote reopens at the next character
        elif char == delimiter:
            column, fresh, closed = column + 1, True, False
            continue
        elif char == '"' and (fresh or (closed and line[i - 1] == '"')):
            quoted = True
        elif closed and char not in "\r\n":
            return column, "after"
        fresh = False
    return column, "open" if quoted else ""


def _parse(text: str, *, what: str, header: bool, delimiter: str, max_cell: int, max_rows: int,
           cell_hint: str) -> CsvTable:
    """Rows of decoded text by the header, blank-line, ragged-row, cell and row rules (see the module)."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))  # cells are measured below, with their column
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    columns: tuple[str, ...] | None = None if header else ()
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):  # a blank line is skipped but still counted
                _check_cells(row, start, what, columns or (), max_cell, cell_hint)
                if columns is None:
                    columns = _header(row, start, what)
                else:
                    if len(rows) == max_rows:
                        raise CsvInputError(f"The {what} has more than {max_rows:,} rows (line {start} is one too "
                                            "many); split it into smaller files.")
                    rows.append(_fit(row, columns, start, what, delimiter) if header else row)
                    lines.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        raise CsvInputError(_quote_message(text, start, what, delimiter, error, columns or ())) from None
    if columns is None or not rows:
        raise CsvInputError(f"The {what} has a header but no rows." if columns else
                            f"The {what} holds only separators and blank cells; there is nothing to read.")
    return CsvTable(columns or (), rows, lines, delimiter)


def _check_cells(row: list[str], line: int, what: str, columns: tuple[str, ...], max_cell: int,
                 cell_hint: str) -> None:
    for column, cell in enumerate(row, start=1):
        if len(cell) > max_cell:
            raise CsvInputError(f"Line {line} of the {what} has a cell longer than {_size_words(max_cell)} in "
                                f"{_column_words(column, columns)}{cell_hint}")


def _header(row: list[str], line: int, what: str) -> tuple[str, ...]:
    """Column names from the header row: stripped, "column N" for a blank one, no name twice (in any case)."""
    names = [cell.strip() or f"column {i}" for i, cell in enumerate(row, start=1)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if (first := seen.setdefault(name.casefold(), i)) != i:
            raise CsvInputError(f"Line {line} of the {what} names {name!r} more than once (columns {first} and "
                                f"{i}); every column needs its own name.")
    return tuple(names)


def _fit(row: list[str], columns: tuple[str, ...], line: int, what: str, delimiter: str) -> list[str]:
    """The row padded with "" to the header's width; text beyond the header's last column is refused."""
    extra = next((i for i, cell in enumerate(row[len(columns):], start=len(columns) + 1) if cell.strip()), None)
    if extra is not None:
        raise CsvInputError(f"Line {line} of the {what} has {len(row)} cells but the header has {len(columns)} "
                            f"(text in column {extra}); put quotes around cells that contain a "
                            f"{_DELIMITER_WORDS.get(delimiter, repr(delimiter))}.")
    return (row + [""] * len(columns))[: len(columns)]


def _quote_message(text: str, line: int, what: str, delimiter: str, error: csv.Error,
                   columns: tuple[str, ...]) -> str:
    """The csv module's complaint about the record starting on ``line``, in words, with the cell where known."""
    physical = next(itertools.islice(io.StringIO(text, newline=""), line - 1, None), "")
    column, mistake = _scan(physical, delimiter)
    where = f" in {_column_words(column, columns)}" if len(physical) <= SCAN_LIMIT else ""
    if "unexpected end of data" in str(error):
        where = where if mistake == "open" else ""
        return (f"Line {line} of the {what} opens a quote{where} that is never closed; add the closing quote "
                "or remove the opening one.")
    if "expected after" in str(error):
        where = where if mistake == "after" else ""
        return (f"Line {line} of the {what} has text after the closing quote of a cell{where}; quote the whole "
                'cell and write each quote inside it twice ("").')
    return f"Line {line} of the {what} could not be read as CSV ({error})."
