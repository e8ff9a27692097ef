"""Reading a codebook CSV upload into plain rows: the parsing half of the codebook import.

It imports no database code, so the upload sandbox (:mod:`interviews.sandbox`) runs it in its
child process quickly, and the web process only stores the rows it returns
(:func:`interviews.codebook.import_codebook_rows`).
"""

from __future__ import annotations

import csv
import io

from research.csv_input import decode_upload
from research.errors import FrontlineError

MAX_CODEBOOK_CELL = 100 * 1024  # a description or a cell of example phrases; far more is not a codebook


def read_codebook_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a codebook CSV upload as plain text dicts, or one FrontlineError saying what is wrong.

    A cell over ``MAX_CODEBOOK_CELL`` (an unclosed quote swallowing the file, or a hostile line) is refused.
    """
    text = decode_upload(data, "codebook", "a CSV file")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows, line = [], 2
    try:
        for row in reader:
            row = {k: (v if isinstance(v, str) else "") for k, v in row.items() if isinstance(k, str)}
            if any(len(v) > MAX_CODEBOOK_CELL for v in row.values()):
                raise csv.Error("field larger than field limit")
            rows.append(row)
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own limit (128 kB) or ours
            raise FrontlineError(f"Line {line} of the codebook file has a cell longer than "
                                 f"{MAX_CODEBOOK_CELL // 1024} kB; a codebook cell holds a name, a description "
                                 "or example phrases.") from None
        raise FrontlineError(f"The codebook file could not be read as CSV at line {line}: {exc}.") from None
    if not rows:
        raise FrontlineError("The codebook file has no codes in it.")
    if "name" not in rows[0]:
        raise FrontlineError(f"The codebook needs a 'name' column; it has {', '.join(k for k in rows[0] if k)}.")
    return rows
