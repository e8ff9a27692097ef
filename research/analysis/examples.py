"""Labelled examples that teach the theme classifier: a CSV of ``text`` and ``code`` for ``frontline analyze
--examples``. (In the app, examples are the excerpts researchers coded or accepted, see
:func:`interviews.corpus.coded_examples`.)"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from research.codebook import CodeDefinition
from research.csv_input import decode_upload
from research.errors import FrontlineError


def examples_from_csv(data: bytes, codebook: Sequence[CodeDefinition]) -> dict[str, list[str]]:
    """Code key to example texts. ``code`` may be a code's key or its name (any case); a row naming no code
    of the codebook is refused with its line, so a typo never silently teaches nothing."""
    text = decode_upload(data, "examples", "a CSV file")
    reader = csv.DictReader(io.StringIO(text))
    columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    missing = [c for c in ("text", "code") if c not in columns]
    if missing:
        raise FrontlineError(f"The examples file needs the column(s) {', '.join(missing)}; "
                             f"it has {', '.join(c for c in columns if c) or 'none'}.")
    lookup = {c.key.lower(): c.key for c in codebook} | {c.name.lower(): c.key for c in codebook}
    examples: dict[str, list[str]] = {}
    for line, row in enumerate(reader, start=2):
        body = " ".join((row.get(columns["text"]) or "").split())
        code = (row.get(columns["code"]) or "").strip()
        if not body and not code:
            continue
        if not body:
            raise FrontlineError(f"Line {line} of the examples has a code but no text.")
        if code.lower() not in lookup:
            raise FrontlineError(f"Line {line} of the examples names the code {code!r}, which is not in the codebook.")
        bucket = examples.setdefault(lookup[code.lower()], [])
        if body not in bucket:
            bucket.append(body)
    if not examples:
        raise FrontlineError("The examples file has no examples in it.")
    return examples
