"""Reading an uploaded roster file into names: the parsing half of the roster upload.

It imports no database or redaction code, so the upload sandbox (:mod:`interviews.sandbox`) starts
it quickly in its child process; the web process stores the names it returns with
:func:`research.privacy.roster.replace_roster`.
"""

from __future__ import annotations

from research.csv_input import read_csv
from research.errors import FrontlineError

MAX_ROSTER_CELL = 100 * 1024  # a name is a few dozen characters; far more is not a roster


def parse_roster(data: bytes) -> list[str]:
    """Names from an uploaded roster: UTF-8 text, one per line, or a CSV whose first column holds them.

    Pages run this in the upload sandbox (``interviews.sandbox.parse_upload("roster", ...)``), never in
    the web process. The file rules are :func:`research.csv_input.read_csv`'s, without a header (a list of
    names has none; a first line reading "name" is dropped); a line far longer than any name is refused, not cut.
    """
    table = read_csv(data, what="roster", header=False, max_cell=MAX_ROSTER_CELL,
                     cell_hint="; a roster holds one name per line.")
    names = [row[0].strip() for row in table.rows if row and row[0].strip()]
    if names and names[0].lower() in ("name", "names", "full name"):
        names = names[1:]
    if not names:
        raise FrontlineError("The roster file has no names in it.")
    return names
