"""Reading an uploaded roster file into names: the parsing half of the roster upload.

It imports no database or redaction code, so the upload sandbox (:mod:`interviews.sandbox`) starts
it quickly in its child process; the web process stores the names it returns with
:func:`research.privacy.roster.replace_roster`.
"""

from __future__ import annotations

import csv
import io

from research.csv_input import decode_upload
from research.errors import FrontlineError

MAX_ROSTER_CELL = 100 * 1024  # under the csv module's own 128 kB cell limit


def parse_roster(data: bytes) -> list[str]:
    """Names from an uploaded roster: UTF-8 text, one per line, or a CSV whose first column holds them.

    Pages run this in the upload sandbox (``interviews.sandbox.parse_upload("roster", ...)``), never in
    the web process. A line far longer than any name is refused, not cut.
    """
    text = decode_upload(data, "roster")
    reader = csv.reader(io.StringIO(text, newline=""))
    names, line = [], 1
    try:
        for row in reader:
            if any(len(cell) > MAX_ROSTER_CELL for cell in row):
                raise csv.Error("field larger than field limit")
            if row and row[0].strip():
                names.append(row[0].strip())
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FrontlineError(f"Line {line} of the roster is longer than {MAX_ROSTER_CELL // 1024} kB; "
                                 "a roster holds one name per line.") from None
        raise FrontlineError(f"The roster could not be read as text or CSV at line {line}: {exc}.") from None
    if names and names[0].lower() in ("name", "names", "full name"):
        names = names[1:]
    if not names:
        raise FrontlineError("The roster file has no names in it.")
    return names
