"""Reading a codebook CSV upload into plain rows: the parsing half of the codebook import.

It imports no database code, so the upload sandbox (:mod:`interviews.sandbox`) runs it in its
child process quickly, and the web process only stores the rows it returns
(:func:`interviews.codebook.import_codebook_rows`).
"""

from __future__ import annotations

from research.csv_input import read_csv
from research.errors import FrontlineError

MAX_CODEBOOK_CELL = 100 * 1024  # a description or a cell of example phrases; far more is not a codebook


def read_codebook_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a codebook CSV upload as plain text dicts, or one FrontlineError saying what is wrong.

    The file rules are :func:`research.csv_input.read_csv`'s; the codebook adds its cell limit (a cell over
    ``MAX_CODEBOOK_CELL`` is an unclosed quote swallowing the file, or a hostile line) and its one required
    column.
    """
    table = read_csv(data, what="codebook file", max_cell=MAX_CODEBOOK_CELL,
                     cell_hint="; a codebook cell holds a name, a description or example phrases.")
    if "name" not in table.columns:
        raise FrontlineError(f"The codebook needs a 'name' column; it has {', '.join(table.columns)}.")
    # Each row carries the physical line it starts on under the key "", which no column can have (a blank header
    # is named "column N"), so a skipped row is named by the line the researcher sees in an editor.
    return [{**record, "": str(line)} for record, line in zip(table.records(), table.lines)]
