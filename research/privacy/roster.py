"""The roster deny-list: names the redaction removes from every free text."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from research.privacy.redaction import Redactor
from research.store.models import RosterName

MAX_NAME = 200
MAX_ROSTER_CELL = 100 * 1024  # under the csv module's own 128 kB cell limit


def roster_names(*, session: Session) -> list[str]:
    return list(session.scalars(select(RosterName.name).order_by(RosterName.name)))


def replace_roster(*, session: Session, names: Iterable[str]) -> int:
    """Replace the roster with ``names`` (one per entry, blanks ignored); return how many are kept."""
    cleaned = sorted({n.strip()[:MAX_NAME] for n in names if n and len(n.strip()) >= 2})
    session.execute(delete(RosterName))
    session.add_all(RosterName(name=n) for n in cleaned)
    session.flush()
    return len(cleaned)


def parse_roster(data: bytes) -> list[str]:
    """Names from an uploaded roster: UTF-8 text, one per line, or a CSV whose first column holds them.

    Pages run this in the upload sandbox (``interviews.sandbox.parse_upload("roster", ...)``), never in
    the web process. A line far longer than any name is refused, not cut.
    """
    import csv
    import io

    from research.csv_input import decode_upload
    from research.errors import FrontlineError

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


def roster_redactor(*, session: Session) -> Redactor:
    """The redaction every free text goes through, with the saved roster.

    Roster names are matched by their parts as well as whole ("Dave" for Dave
    Jones, "zoe bronte" or "sarah.connor" for the full name), ignoring case,
    accents and spacing, on top of the names the gazetteer finds.
    """
    return Redactor(roster_names(session=session))
