"""Labelled examples that teach the theme classifier: a CSV of ``text`` and ``code`` for ``frontline analyze
--examples``. (In the app, examples are the excerpts researchers coded or accepted, see
:func:`interviews.corpus.coded_examples`.)"""

from __future__ import annotations

from collections.abc import Sequence

from research.codebook import CodeDefinition, plain_name
from research.csv_input import read_csv
from research.errors import FrontlineError


def examples_from_csv(data: bytes, codebook: Sequence[CodeDefinition]) -> dict[str, list[str]]:
    """Code key to example texts. ``code`` may be a code's key or its name, in any case and punctuation
    ("work life balance" for "Work-life balance"); a row naming no code of the codebook is refused with its
    line, so a typo never silently teaches nothing."""
    table = read_csv(data, what="examples file")
    columns = [c.lower() for c in table.columns]
    missing = [c for c in ("text", "code") if c not in columns]
    if missing:
        raise FrontlineError(f"The examples file needs the column(s) {', '.join(missing)}; "
                             f"it has {', '.join(columns)}.")
    lookup = {plain_name(c.name): c.key for c in codebook} | {plain_name(c.key): c.key for c in codebook}
    examples: dict[str, list[str]] = {}
    for line, row in zip(table.lines, table.rows):
        body = " ".join(row[columns.index("text")].split())
        code = row[columns.index("code")].strip()
        if not body and not code:
            continue
        if not body:
            raise FrontlineError(f"Line {line} of the examples has a code but no text.")
        if plain_name(code) not in lookup:
            raise FrontlineError(f"Line {line} of the examples names the code {code!r}, which is not in the codebook.")
        bucket = examples.setdefault(lookup[plain_name(code)], [])
        if body not in bucket:
            bucket.append(body)
    if not examples:
        raise FrontlineError("The examples file has no examples in it.")
    return examples
