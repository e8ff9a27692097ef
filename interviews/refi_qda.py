"""REFI-QDA project exchange (.qdpx): export a study for NVivo, ATLAS.ti, MAXQDA
and QualCoder, and import such a project back as a new study.

A .qdpx is a zip holding ``project.qde`` (QDA-XML, namespace
``urn:QDA-XML:project:1.0``) and ``sources/<guid>.txt``, the UTF-8 plain text each
``TextSource`` points at with ``plainTextPath="internal://<guid>.txt"``. Selection
offsets count Unicode code points, end exclusive, which is what Python's ``str``
indexing counts, so excerpt spans carry over without conversion.

Each interview becomes one text source: its notes in order, each under a
``"Q: <question>"`` or ``"Free notes:"`` line. On import, a source in that form
comes back as those notes, tied to the guide questions the project's "Interview
guide" note rebuilds, with the interview's date; any other source (or one coded
across two notes elsewhere) comes back as one note holding the whole text
(:mod:`interviews.qdpx_layout`). The text is pseudonymised on import exactly as a
typed note is (:func:`interviews.notes.redact_note`), and each coded selection is
moved onto the redacted text so it still covers the same words.

This module is the import, the side that reads files from outside; the export is
:mod:`interviews.qdpx_export` (re-exported here) and the names both use are in
:mod:`research.qdpx_format`.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviews.notes import give_evidence_place, redact_note
from interviews.qdpx_archive import MAX_ARCHIVE_BYTES  # noqa: F401  (re-exported: the importer's limit)
from interviews.qdpx_archive import guid_key as _g
from interviews.qdpx_archive import qualified as _q
from interviews.qdpx_archive import read_archive as _read_archive
from interviews.qdpx_export import export_qdpx  # noqa: F401  (re-exported: one module for both directions)
from interviews.qdpx_layout import DATE_VARIABLE, GUIDE_NOTE, NotePart, iso_date, note_parts, one_line, read_guide
from interviews.studies import CHANNELS
from research.errors import FrontlineError
from research.privacy.redaction import Redacted, Redactor
from research.privacy.roster import roster_redactor
from research.qdpx_format import COLOUR, CONSENT, FIELDS, NS  # noqa: F401  (NS re-exported for callers)
from research.store.models import (
    Code,
    Excerpt,
    GuideQuestion,
    Interview,
    InterviewNote,
    Memo,
    NoteRevision,
    Participant,
    Study,
)


@dataclass
class QdpxImportSummary:
    """What an import created, and what it left out and why."""

    study_id: int
    participants: int = 0
    interviews: int = 0
    excerpts: int = 0
    codes_created: int = 0
    memos: int = 0
    skipped: list[str] = field(default_factory=list)


def _unique(base: str, taken: set[str], length: int, joiner: str) -> str:
    name, n = base[:length], 1
    while name.casefold() in taken:
        n += 1
        name = base[:length - len(f"{joiner}{n}")] + f"{joiner}{n}"
    taken.add(name.casefold())
    return name


def _import_codes(session: Session, root: ET.Element, summary: QdpxImportSummary) -> dict[str, Code]:
    """Match the project's codes to the codebook by name; create missing ones under their parents."""
    existing = {code.name.casefold(): code for code in session.scalars(select(Code))}
    keys = {key.casefold() for key in session.scalars(select(Code.key))}
    position = session.scalar(select(func.max(Code.position))) or 0
    mapping: dict[str, Code] = {}
    pending: list[tuple[ET.Element, Code | None]] = [(e, None) for e in root.iterfind(_q("CodeBook/Codes/Code"))]
    while pending:
        element, parent = pending.pop(0)
        name = (element.get("name") or "").strip()[:120] or "Unnamed code"
        code = existing.get(name.casefold())
        if code is None:
            slug = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
            colour = COLOUR.fullmatch(element.get("color") or "")
            hexa = colour.group(1).lower() if colour else "7f7f7f"
            position += 1
            code = Code(key=_unique(re.sub(r"[^a-z0-9]+", "_", slug).strip("_") or "code", keys, 64, "_"),
                        name=name, description=element.findtext(_q("Description")) or "", position=position,
                        colour="#" + (hexa if len(hexa) == 6 else "".join(c * 2 for c in hexa)),
                        parent_id=parent.id if parent is not None else None)
            session.add(code)
            session.flush()  # children need its id
            existing[name.casefold()] = code
            summary.codes_created += 1
        mapping[_g(element.get("guid"))] = code
        pending.extend((child, code) for child in element.iterfind(_q("Code")))
    return mapping


def _variable_values(element: ET.Element, variables: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Each variable value a case or source carries, as (variable name, value as written), both stripped."""
    for item in element.iterfind(_q("VariableValue")):
        ref = item.find(_q("VariableRef"))
        name = variables.get(_g(ref.get("targetGUID")) if ref is not None else "", "")
        yield name, next(((child.text or "").strip() for child in item if child.tag != _q("VariableRef")), "")


def _case_values(case: ET.Element, variables: dict[str, str], consent: bool) -> dict:
    """Participant columns, custom attributes and consent from a case's variable values."""
    fields = {name.casefold(): (column, length) for name, column, length in FIELDS}
    fields |= {column: (column, length) for _, column, length in FIELDS}
    values: dict = {"attributes": {}}
    for name, text in _variable_values(case, variables):
        if name.casefold() == CONSENT.casefold():
            consent = text.lower() in ("true", "1", "yes")
        elif name.casefold() in fields:
            column, length = fields[name.casefold()]
            if column == "channel" and text.lower() not in CHANNELS:
                values["attributes"]["Channel (imported)"] = text[:200]
            else:
                values[column] = (text.lower() if column == "channel" else text)[:length]
        elif name and text:
            values["attributes"][name[:64]] = text[:200]
    return values | {"consent_given": consent, "consent_recorded_on": date.today() if consent else None}


def import_qdpx(
    *, session: Session, data: bytes = b"", imported_by: str, title: str | None = None, consent_confirmed: bool = False,
    project: tuple[ET.Element, dict[str, str]] | None = None,
) -> QdpxImportSummary:
    """Import a REFI-QDA .qdpx project as a new study, its cases as participants and its text sources as interviews.

    Codes are matched to the shared codebook by name, so coding done elsewhere
    lands on Frontline's codes; missing ones are created. Participants need consent
    before any note is saved for them: it comes from the "Consent given" variable,
    else from ``consent_confirmed`` (the importer's word for the whole project).
    A memo a code already carries word for word is not added twice.
    Everything is written in one savepoint; the caller commits. ``project`` is the archive as
    ``interviews.qdpx_archive.read_archive`` returns it (the upload sandbox reads it in a child
    process), instead of ``data``.

    Raises:
        FrontlineError: the archive is unreadable, unsafe or not a REFI-QDA project, or the title is taken;
            nothing is written then.
    """
    root, texts = project if project is not None else _read_archive(data)  # pages: read in interviews.sandbox
    title = (title or root.get("name") or "").strip()[:200]
    if not title:
        raise FrontlineError("Give the imported study a title.")
    if session.scalar(select(Study.id).where(func.lower(Study.title) == title.lower())) is not None:
        raise FrontlineError(f"A study called '{title}' already exists; import under another title.")
    redactor = roster_redactor(session=session)
    with session.begin_nested():
        study = Study(title=title, purpose=root.findtext(_q("Description")) or "")
        session.add(study)
        session.flush()
        run = _Import(session=session, root=root, texts=texts, study=study, redactor=redactor,
                      summary=QdpxImportSummary(study_id=study.id), imported_by=imported_by.strip()[:64] or "import",
                      consent_confirmed=consent_confirmed,
                      users={_g(u.get("guid")): (u.get("name") or "").strip()[:64]
                             for u in root.iterfind(_q("Users/User"))})
        run.variables = {_g(v.get("guid")): (v.get("name") or "").strip()
                         for v in root.iterfind(_q("Variables/Variable"))}
        run.codes = _import_codes(session, root, run.summary)
        _import_guide(run)
        run.targets = [(_g(ref.get("targetGUID")), "code", run.codes[_g(element.get("guid"))])
                       for element in root.iter(_q("Code")) if _g(element.get("guid")) in run.codes
                       for ref in element.iterfind(_q("NoteRef"))]
        _import_cases(run)
        for source in root.iterfind(_q("Sources/*")):
            _import_source(run, source)
        session.flush()
        _import_memos(run)
        session.flush()
    return run.summary


@dataclass
class _Import:
    """One import in progress: what was read, what has been created so far, and what memos must attach to.

    The steps of :func:`import_qdpx` share it rather than passing a dozen arguments each.
    """

    session: Session
    root: ET.Element
    texts: dict[str, str]
    study: Study
    redactor: Redactor
    summary: QdpxImportSummary
    imported_by: str
    consent_confirmed: bool
    users: dict[str, str]
    codes: dict[str, Code] = field(default_factory=dict)
    # (note GUID, memo target kind, target)
    targets: list[tuple[str, str, Code | Interview | Excerpt]] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)  # participant codes used so far, casefolded
    by_source: dict[str, Participant] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)  # GUID to name
    guide: dict[str, GuideQuestion] = field(default_factory=dict)  # one-line wording to question
    read_notes: set[str] = field(default_factory=set)  # GUIDs of notes taken as the guide, not as memos

    @cached_property
    def notes(self) -> dict[str, ET.Element]:
        """The project's notes by GUID (the guide and the memos are both notes)."""
        return {_g(note.get("guid")): note for note in self.root.iterfind(_q("Notes/Note"))}


def _import_guide(run: _Import) -> None:
    """The study's guide and dates from a project-level "Interview guide" note written as the export writes it."""
    notes = run.notes
    for ref in run.root.iterfind(_q("NoteRef")):
        guid = _g(ref.get("targetGUID"))
        if guid not in notes or (notes[guid].get("name") or "").strip() != GUIDE_NOTE or run.guide:
            continue
        guide = read_guide(run.texts.get(guid, ""))
        if guide is None:
            continue
        run.read_notes.add(guid)
        run.summary.skipped += [f"Interview guide: {problem}." for problem in guide.problems]
        run.study.starts_on, run.study.ends_on = guide.starts_on, guide.ends_on
        run.study.guide = [GuideQuestion(position=position, text=text, probes=list(probes))
                           for position, (text, probes) in enumerate(guide.questions, start=1)]
        run.session.flush()
        run.guide = {one_line(q.text): q for q in run.study.guide}


def _import_cases(run: _Import) -> None:
    """Each case as a participant, with its variables; a source goes to the first case that names it."""
    for case in run.root.iterfind(_q("Cases/Case")):
        participant = Participant(study_id=run.study.id,
                                  code=_unique((case.get("name") or "").strip() or "Case", run.taken, 16, "-"),
                                  **_case_values(case, run.variables, run.consent_confirmed))
        run.session.add(participant)
        run.summary.participants += 1
        for ref in case.iterfind(_q("SourceRef")):
            run.by_source.setdefault(_g(ref.get("targetGUID")), participant)


def _import_source(run: _Import, source: ET.Element) -> None:
    """One text source as an interview with its redacted notes, when its participant has consent."""
    guid, name = _g(source.get("guid")), source.get("name") or source.get("guid") or "unnamed source"
    participant, text = run.by_source.get(guid), run.texts.get(guid)
    if source.tag != _q("TextSource") or text is None:
        run.summary.skipped.append(f"{name}: only text sources with their plain text are imported.")
        return
    if participant is None and run.consent_confirmed:
        participant = Participant(study_id=run.study.id, code=_unique(name.strip(), run.taken, 16, "-"),
                                  consent_given=True, consent_recorded_on=date.today(), attributes={})
        run.session.add(participant)
        run.summary.participants += 1
    if participant is None or not participant.consent_given:
        who = f"participant {participant.code}" if participant else "its participant"
        run.summary.skipped.append(f"{name}: {who} has no recorded consent, so no notes can be saved.")
        return
    interview = Interview(study_id=run.study.id, participant=participant, held_on=_source_date(run, source, name),
                          interviewer=run.users.get(_g(source.get("creatingUser")), ""))
    plain, move = _plain_newlines(text)
    redacted = redact_note(session=run.session, body=plain, redactor=run.redactor)
    placed = [(selection, span) for selection in _selections(source, len(text))
              if (span := _placed_span(run, selection, name=name, length=len(text),
                                       place=lambda offset, end=False: redacted.position(move(offset), end=end)))]
    parts = note_parts(redacted.text, [span for _, span in placed])
    notes = _notes(run, interview, redacted, parts, whole_label=f"Imported from {name}")
    run.session.add(interview)
    give_evidence_place(session=run.session, participant=participant)
    run.summary.interviews += 1
    run.targets += [(_g(ref.get("targetGUID")), "interview", interview) for ref in source.iterfind(_q("NoteRef"))]
    for selection, (start, end) in placed:
        part, note = next((part, note) for part, note in notes if part.start <= start and end <= part.end)
        _add_excerpt(run, selection, note, start - part.start, end - part.start)


def _source_date(run: _Import, source: ET.Element, name: str) -> date | None:
    """The source's "Interview date" variable; a value that is no date is reported and the interview has none."""
    for variable, value in _variable_values(source, run.variables):
        if variable.casefold() == DATE_VARIABLE.casefold():
            held_on = iso_date(value)
            if held_on is None and value:
                run.summary.skipped.append(f"{name}: its interview date {value[:40]!r} is not a date written "
                                           "YYYY-MM-DD, so the interview has no date.")
            return held_on
    return None


def _selections(source: ET.Element, length: int) -> list[ET.Element]:
    """The source's coded selections, with coding of the whole source as one selection over all of it."""
    selections = list(source.iterfind(_q("PlainTextSelection")))
    whole = source.find(_q("Coding"))
    if whole is not None:
        selections.append(ET.Element("", startPosition="0", endPosition=str(length),
                                     creatingUser=whole.get("creatingUser") or ""))
        selections[-1].extend(source.iterfind(_q("Coding")))
    return selections


def _notes(run: _Import, interview: Interview, redacted: Redacted, parts: list[NotePart] | None, *,
           whole_label: str) -> list[tuple[NotePart, InterviewNote]]:
    """The interview's notes: one per part found (on its guide question when the guide has it), else one in all."""
    notes = []
    for position, part in enumerate(parts or [NotePart(None, 0, len(redacted.text))], start=1):
        question = run.guide.get(part.question or "")
        label = whole_label if parts is None else "" if question or part.question is None else part.question
        body = redacted.text[part.start:part.end]
        note = InterviewNote(interview=interview, position=position, body=body, label=label,
                             guide_question_id=question.id if question else None)
        kinds = [r.kind for r in redacted.replacements if part.start <= redacted.position(r.start) <= part.end]
        run.session.add(NoteRevision(note=note, body=body, edited_by=run.imported_by, replaced=kinds))
        notes.append((part, note))
    return notes


def _placed_span(run: _Import, selection: ET.Element, *, name: str, length: int,
                 place: Callable[..., int]) -> tuple[int, int] | None:
    """A selection's span moved onto the redacted text by ``place``; None (and said why) when it lies outside."""
    try:
        start, end = int(selection.get("startPosition", "")), int(selection.get("endPosition", ""))
    except (TypeError, ValueError):
        start = end = -1
    if not 0 <= start < end <= length:
        run.summary.skipped.append(f"{name}: a selection at {start}-{end} lies outside the text.")
        return None
    return place(start), place(end, end=True)


def _add_excerpt(run: _Import, selection: ET.Element, note: InterviewNote, start: int, end: int) -> None:
    """A coded selection as an excerpt of its note, with its codes and the memos on it."""
    excerpt = Excerpt(note=note, span_start=start, span_end=end, text=note.body[start:end],
                      coder=run.users.get(_g(selection.get("creatingUser"))) or run.imported_by)
    refs = [_g(ref.get("targetGUID")) for ref in selection.iterfind(_q("Coding/CodeRef"))]
    excerpt.codes = list({run.codes[ref].id: run.codes[ref] for ref in refs if ref in run.codes}.values())
    run.session.add(excerpt)
    run.summary.excerpts += 1
    run.targets += [(_g(ref.get("targetGUID")), "excerpt", excerpt)
                    for ref in [*selection.iterfind(_q("NoteRef")), *selection.iterfind(_q("Coding/NoteRef"))]]


def _import_memos(run: _Import) -> None:
    """Memos on what they are attached to; a memo on nothing Frontline keeps is reported, not stored."""
    notes = run.notes
    texts, users = run.texts, run.users
    for guid, kind, target in run.targets:
        if guid not in notes or not texts.get(guid, "").strip():
            run.summary.skipped.append(f"A memo ({guid}) has no text in the project.")
            continue
        if kind == "code" and run.session.scalar(select(Memo.id).where(Memo.code_id == target.id,
                                                                       Memo.body == texts[guid])):
            continue  # the shared codebook already has it, e.g. a Frontline export coming back
        memo = Memo(**{f"{kind}_id": target.id}, body=texts[guid],
                    author=users.get(_g(notes[guid].get("creatingUser"))) or run.imported_by)
        if created := _parse_stamp(notes[guid].get("creationDateTime")):
            memo.created_at = created
        run.session.add(memo)
        run.summary.memos += 1
    for guid in notes.keys() - {guid for guid, _, _ in run.targets} - run.read_notes:
        run.summary.skipped.append(f"Memo '{notes[guid].get('name') or guid}' is attached to nothing Frontline keeps.")


def _plain_newlines(text: str) -> tuple[str, Callable[[int], int]]:
    """The text with Windows newlines made plain, and where an offset of the original lands in it."""
    carriage = [m.start() for m in re.finditer("\r\n", text)]
    return text.replace("\r\n", "\n"), lambda offset: offset - bisect.bisect_left(carriage, offset)


def _parse_stamp(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
