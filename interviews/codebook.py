"""The editable codebook: hierarchical codes with descriptions and colours, CSV import and export.

The database starts with :data:`research.codebook.DEFAULT_CODEBOOK` (seeded by
migration); researchers rename, describe, nest and add codes here.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviews.codebook_csv import MAX_CODEBOOK_CELL, read_codebook_rows  # noqa: F401 - part of this API
from research.codebook import CodeDefinition, code_name_problem, plain_name
from research.csv_input import read_csv
from research.errors import FrontlineError
from research.store.models import Code, ExcerptCode

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
CSV_COLUMNS = ["key", "name", "parent", "description", "colour", "examples", "gap_kind"]
EXAMPLE_SEPARATOR = " | "  # example phrases in one CSV cell
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7",
           "#dbdb8d", "#9edae5", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d",
           "#31a354", "#756bb1", "#636363")
"""Colours a new code is given by default: matplotlib's tab10, tab20's light shades, then tab20b/c darks."""


def free_colour(*, session: Session) -> str:
    """The first palette colour no code uses yet (else the least used), so a new code never defaults to the
    colour of one already in the codebook, where the coding page would show the two alike."""
    used: dict[str, int] = {}
    for colour in session.scalars(select(Code.colour)):
        used[(colour or "").lower()] = used.get((colour or "").lower(), 0) + 1
    return min(PALETTE, key=lambda c: (used.get(c, 0), PALETTE.index(c)))


def all_codes(*, session: Session) -> list[Code]:
    return list(session.scalars(select(Code).order_by(Code.position, Code.id)))


def code_choices(*, session: Session) -> dict[str, str]:
    """Code keys to display names, children shown under their parent ("Tools and systems › CRM")."""
    codes = all_codes(session=session)
    by_id = {c.id: c for c in codes}
    return {c.key: (f"{by_id[c.parent_id].name} › {c.name}" if c.parent_id in by_id else c.name) for c in codes}


def codes_table(*, session: Session) -> pd.DataFrame:
    """The codebook with parents and how many excerpts each code is applied to."""
    counts = dict(session.execute(select(ExcerptCode.code_id, func.count()).group_by(ExcerptCode.code_id)).all())
    codes = all_codes(session=session)
    names: dict[int | None, str] = {c.id: c.name for c in codes}
    return pd.DataFrame(
        [(c.key, c.name, names.get(c.parent_id, ""), c.description, "\n".join(split_examples(c.examples)),
          c.gap_kind or "", c.colour, counts.get(c.id, 0)) for c in codes],
        columns=["Key", "Name", "Parent", "Description", "Examples", "Gap list", "Colour", "Excerpts"],
    )


def slugify(name: str) -> str:
    """A key made of a name's letters without their accents ("Café & Kühlschrank" is "cafe_kuhlschrank", not
    "caf_k_hlschrank", as a walk saw), and without markup typed or pasted into it ("Hold music <b>&amp; loops</b>"
    is "hold_music_loops", not "hold_music_b_amp_loops_b")."""
    words = html.unescape(re.sub(r"<[^<>]*>", " ", name))
    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    return slug[:60] or "code"


def _unique_key(session: Session, name: str) -> str:
    base = slugify(name)
    key, n = base, 2
    while session.scalar(select(Code.id).where(Code.key == key)) is not None:
        key, n = f"{base}_{n}", n + 1
    return key


def _check(session: Session, name: str, colour: str, code_id: int | None) -> tuple[str, str]:
    name = (name or "").strip()
    if problem := code_name_problem(name):
        raise FrontlineError(f"{problem[:1].upper()}{problem[1:]}.")
    colour = (colour or "#7f7f7f").strip()
    if not COLOUR.fullmatch(colour):
        raise FrontlineError(f"'{colour}' is not a colour like #1f77b4.")
    # By words alone, as the analysis and `analyze --codebook` compare them: "pay." and "Pay!" are "Pay" again
    # (an outside walk added both, and every code picker then listed three).
    wanted = plain_name(name)
    for other_id, other in session.execute(select(Code.id, Code.name)):
        if other_id != code_id and plain_name(other) == wanted:
            raise FrontlineError(f"There is already a code called '{other}'.")
    return name, colour


MAX_DESCRIPTION_CHARS = 2_000
"""A code's description: a few sentences saying what belongs under it. Its clauses are each matched against
every comment, so a far longer one (an outside walk saved 60,000 characters) only slows every analysis."""


def _description(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise FrontlineError(f"A code's description is at most {MAX_DESCRIPTION_CHARS:,} characters; this one is "
                             f"{len(text):,}. Say what belongs under the code in a few sentences.")
    return text


def _parent_id(session: Session, parent_key: str | None, code_id: int | None) -> int | None:
    if not parent_key:
        return None
    parent = session.scalar(select(Code).where(Code.key == parent_key))
    if parent is None:
        raise FrontlineError(f"There is no code with key '{parent_key}' to nest under.")
    ancestor: Code | None = parent
    while ancestor is not None:  # refuse cycles: a code may not sit under itself or its descendants
        if ancestor.id == code_id:
            raise FrontlineError("A code cannot be nested under itself or one of its own sub-codes.")
        ancestor = session.get(Code, ancestor.parent_id) if ancestor.parent_id else None
    return parent.id


GAP_KINDS = {"morale": "Morale gaps", "tooling": "Tooling gaps", "": "Neither (not ranked as a gap)"}


def _gap_kind(kind: str) -> str:
    if kind not in GAP_KINDS:
        raise FrontlineError(f"A code's gap list is one of morale, tooling or none, not '{kind}'.")
    return kind


@dataclass(frozen=True)
class CodeRef:
    """A code as saved: its key (what excerpts and results point at) and its name; never the ORM row."""

    key: str
    name: str


def add_code(
    *, session: Session, name: str, description: str = "", colour: str | None = None, parent_key: str | None = None,
    examples: str = "", gap_kind: str = "morale",
) -> CodeRef:
    """Add a code at the end of the codebook under a key made from its name (in :func:`free_colour` unless a
    colour is given)."""
    _check_typed_examples(examples)
    colour = free_colour(session=session) if colour is None else colour
    code = _add_code(session=session, name=name, description=description, colour=colour, parent_key=parent_key,
                     examples=examples, gap_kind=gap_kind)
    return CodeRef(key=code.key, name=code.name)


def _add_code(
    *, session: Session, name: str, description: str, colour: str, parent_key: str | None = None,
    examples: str = "", gap_kind: str = "morale",
) -> Code:
    name, colour = _check(session, name, colour, None)
    description = _description(description)
    position = (session.scalar(select(func.max(Code.position))) or 0) + 1
    code = Code(key=_unique_key(session, name), name=name, description=description, colour=colour,
                parent_id=_parent_id(session, parent_key, None), position=position,
                examples=join_examples(split_examples(examples)), gap_kind=_gap_kind(gap_kind))
    session.add(code)
    session.flush()
    return code


def update_code(
    *, session: Session, key: str, name: str, description: str, colour: str, parent_key: str | None,
    examples: str | None = None, gap_kind: str | None = None,
) -> CodeRef:
    """Edit a code; its key stays, so excerpts and analysis results keep pointing at it."""
    code = session.scalar(select(Code).where(Code.key == key))
    if code is None:
        raise FrontlineError(f"There is no code with key '{key}'.")
    _check_typed_examples(examples)
    description = _description(description)
    code.name, code.colour = _check(session, name, colour, code.id)
    code.description = description
    if examples is not None:
        code.examples = join_examples(split_examples(examples))
    if gap_kind is not None:
        code.gap_kind = _gap_kind(gap_kind)
    code.parent_id = _parent_id(session, parent_key, code.id)
    session.flush()
    return CodeRef(key=code.key, name=code.name)


def delete_code(*, session: Session, key: str) -> None:
    """Delete an unused code; a code applied to excerpts must be merged or left in place."""
    code = session.scalar(select(Code).where(Code.key == key))
    if code is None:
        raise FrontlineError(f"There is no code with key '{key}'.")
    used = session.scalar(select(func.count()).select_from(ExcerptCode).where(ExcerptCode.code_id == code.id))
    if used:
        raise FrontlineError(f"'{code.name}' is applied to {used} excerpt(s); remove it from them first.")
    session.delete(code)
    session.flush()


def export_codebook_csv(*, session: Session) -> bytes:
    codes = all_codes(session=session)
    keys: dict[int | None, str] = {c.id: c.key for c in codes}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for c in codes:
        writer.writerow([c.key, c.name, keys.get(c.parent_id, ""), c.description, c.colour,
                         EXAMPLE_SEPARATOR.join(split_examples(c.examples)), c.gap_kind or "none"])
    return out.getvalue().encode("utf-8")


@dataclass
class CodebookImport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    matched_by_name: list[str] = field(default_factory=list)
    """Updated codes a row named, with a key of its own that no code has ("'TOOLS AND SYSTEMS' (key x) updated
    'Tools and systems'"): an outside walk's import renamed a code the analysis reads, told only "updated 1"."""


def _matching_code(session: Session, row: dict[str, str], result: CodebookImport) -> Code | None:
    """The code a row updates: the one with its key, else the one with its name (noted when the row's key is
    another)."""
    existing = session.scalar(select(Code).where(Code.key == row["key"])) if row.get("key") else None
    if existing is None and row.get("name"):
        existing = session.scalar(select(Code).where(func.lower(Code.name) == row["name"].lower()))
        if existing is not None and row.get("key") and row["key"] != existing.key:
            result.matched_by_name.append(f"'{row['name']}' (key '{row['key']}') updated the code "
                                          f"'{existing.name}' (key '{existing.key}'), matched by its name")
    return existing


def import_codebook_csv(*, session: Session, data: bytes) -> CodebookImport:
    """Add or update codes from a CSV with columns key, name, parent, description, colour, examples, gap_kind
    (morale, tooling or none); a blank cell keeps what an existing code has.

    Rows are matched by key, else by name; a parent may be any key in the file
    or already in the codebook. Bad rows are skipped with the line and reason.
    Pages read uploads in the sandbox and call :func:`import_codebook_rows` with the rows instead.
    """
    return import_codebook_rows(session=session, rows=read_codebook_rows(data))


def import_codebook_rows(*, session: Session, rows: list[dict[str, str]]) -> CodebookImport:
    """Add or update codes from rows :func:`read_codebook_rows` returned, each with its line under the key ""
    (without one, line 2 is the first row). A row naming a code an earlier row of the file already added or
    updated is skipped, so one file never silently overwrites its own row."""
    if not rows:
        raise FrontlineError("The codebook file has no codes in it.")
    if "name" not in rows[0]:
        raise FrontlineError(f"The codebook needs a 'name' column; it has {', '.join(k for k in rows[0] if k)}.")
    result = CodebookImport()
    pending_parents: list[tuple[Code, str, int]] = []
    imported: dict[int, int] = {}  # code id -> the line that added or updated it
    for position, raw in enumerate(rows, start=2):
        line = int(raw[""]) if str(raw.get("", "")).isdigit() else position
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        try:
            existing = _matching_code(session, row, result)
            if existing is not None and existing.id in imported:
                raise FrontlineError(f"'{row.get('name') or row.get('key')}' names the same code as line "
                                     f"{imported[existing.id]} ('{existing.name}'), imported already; this row "
                                     "was left out")
            kind = _csv_gap_kind(row.get("gap_kind", ""))
            if existing is not None:
                # A blank cell keeps what the code has: a walk imported a row with no examples over "Pay" and
                # its examples were gone; clearing is done on the page.
                description = _description(row.get("description") or existing.description)
                existing.name, existing.colour = _check(session, row.get("name", ""),
                                                        row.get("colour") or existing.colour, existing.id)
                existing.description = description
                if row.get("examples"):
                    existing.examples = join_examples(split_examples(row["examples"]))
                existing.gap_kind = existing.gap_kind if kind is None else kind
                code = existing
                result.updated.append(code.name)
            else:
                code = _add_code(session=session, name=row.get("name", ""), description=row.get("description", ""),
                                 colour=row.get("colour") or free_colour(session=session),
                                 gap_kind="morale" if kind is None else kind)
                code.examples = join_examples(split_examples(row.get("examples", "")))
                if row.get("key") and session.scalar(select(Code.id).where(Code.key == row["key"])) is None:
                    code.key = slugify(row["key"])
                result.added.append(code.name)
            session.flush()
            imported[code.id] = line
            if row.get("parent"):
                pending_parents.append((code, row["parent"], line))
        except FrontlineError as exc:
            result.skipped.append(f"line {line}: {exc}")
    for code, parent, line in pending_parents:
        try:
            code.parent_id = _parent_id(session, parent, code.id)
        except FrontlineError as exc:
            result.skipped.append(f"line {line}: {exc}")
    session.flush()
    return result


def _csv_gap_kind(cell: str) -> str | None:
    """A codebook CSV's ``gap_kind`` cell: "morale", "tooling" or "none" (None when blank: keep the code's)."""
    cell = cell.strip().lower()
    if not cell:
        return None
    return _gap_kind("" if cell in ("none", "neither") else cell)


def _check_typed_examples(text: str | None) -> None:
    """Examples typed one a line must not hold "|": the codebook CSV puts it between examples, so the phrase would
    come back as two (an outside walk saw one example silently become two on save)."""
    for line in (text or "").splitlines():
        if "|" in line:
            raise FrontlineError(f"The example '{line.strip()}' contains '|', which the codebook CSV puts between "
                                 "examples: write it as two lines, or without the '|'. Nothing was saved.")


def split_examples(text: str | None) -> list[str]:
    """Example phrases from one stored value or CSV cell (one a line, or separated by ``|``)."""
    return [p.strip() for p in re.split(r"[|\n]", text or "") if p.strip()]


def join_examples(phrases: list[str]) -> str:
    return "\n".join(dict.fromkeys(phrases))


def analysis_codebook(*, session: Session) -> list[CodeDefinition]:
    """The codebook as the analysis reads it: one theme per top-level code, whose sub-codes' names and
    descriptions count as its example phrases (a comment about "the CRM" is a Tools comment)."""
    codes = all_codes(session=session)
    children: dict[int, list[Code]] = {}
    for code in codes:
        if code.parent_id is not None:
            children.setdefault(code.parent_id, []).append(code)
    result = []
    for code in codes:
        if code.parent_id is not None:
            continue
        below = [p for child in children.get(code.id, ()) for p in (child.name, child.description) if p]
        result.append(CodeDefinition(code.key, code.name, code.description or "", code.colour, code.gap_kind or "",
                                     tuple(split_examples(code.examples)) + tuple(below)))
    return result


def codebook_from_csv(data: bytes) -> list[CodeDefinition]:
    """A codebook for ``frontline analyze --codebook``: the Codebook page's CSV, or any CSV with at least
    ``name`` and ``description`` columns. Sub-codes (a ``parent`` column) count for their parent as in
    :func:`analysis_codebook`.

    A code's key, which the output's ``theme`` column holds, is its ``key`` cell, or without one its name as
    written: whoever scores the output against their own categories finds "Work-life balance" there, not a
    slug of it. Names and keys are compared by their words alone (:func:`research.codebook.plain_name`), so
    "Pay" and "pay." are one code written twice, and no code's name may be another's key: examples and parents
    name codes either way.
    """
    table = read_csv(data, what="codebook file")
    columns = [c.lower() for c in table.columns]
    missing = [c for c in ("name", "description") if c not in columns]
    if missing:
        raise FrontlineError(f"The codebook needs the column(s) {', '.join(missing)}; it has {', '.join(columns)}.")
    rows = [{k: v.strip() for k, v in zip(columns, row)} for row in table.rows]
    codes: dict[str, dict] = {}
    owners: dict[str, tuple[str, int]] = {}  # plain name or key -> (key, line)
    parents: list[tuple[str, str, int]] = []
    for line, row in zip(table.lines, rows):
        key = row.get("key") or row.get("name", "")
        for label in dict.fromkeys([row.get("name", ""), key]):
            if problem := code_name_problem(label):
                raise FrontlineError(f"Line {line} of the codebook: {problem}.")
            owner = owners.setdefault(plain_name(label), (key, line))
            if owner[0] != key:
                raise FrontlineError(f"Line {line}: the code '{label}' appears twice (also on line {owner[1]}).")
        codes[key] = {"name": row["name"], "description": row.get("description", ""),
                      "colour": row.get("colour") if COLOUR.fullmatch(row.get("colour") or "") else "#7f7f7f",
                      "kind": row.get("gap_kind", "") if row.get("gap_kind") in ("morale", "tooling") else "",
                      "examples": split_examples(row.get("examples"))}
        if row.get("parent"):
            parents.append((key, row["parent"], line))
    children = {key for key, _, _ in parents}
    for key, parent_cell, line in parents:
        parent = owners.get(plain_name(parent_cell), ("", 0))[0]
        if not parent:
            raise FrontlineError(f"Line {line}: the parent '{parent_cell}' is not a code in the file.")
        if parent == key:
            raise FrontlineError(f"Line {line}: the code '{codes[key]['name']}' is its own parent.")
        if parent in children:
            raise FrontlineError(f"Line {line}: '{parent_cell}' is itself a sub-code; a sub-code of a sub-code "
                                 f"is not supported.")
        child = codes.pop(key)
        codes[parent]["examples"] += [p for p in (child["name"], child["description"]) if p]
    return [CodeDefinition(k, c["name"], c["description"], c["colour"], c["kind"], tuple(c["examples"]))
            for k, c in codes.items()]
