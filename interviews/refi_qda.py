"""REFI-QDA project exchange (.qdpx): export a study for NVivo, ATLAS.ti, MAXQDA
and QualCoder, and import such a project back as a new study.

A .qdpx is a zip holding ``project.qde`` (QDA-XML, namespace
``urn:QDA-XML:project:1.0``) and ``sources/<guid>.txt``, the UTF-8 plain text each
``TextSource`` points at with ``plainTextPath="internal://<guid>.txt"``. Selection
offsets count Unicode code points, end exclusive, which is what Python's ``str``
indexing counts, so excerpt spans carry over without conversion.

Each interview becomes one text source: its notes in order, each as
``"Q: <question>\\n<body>\\n\\n"``. On import, each source comes back as one note
holding the whole text, since other tools keep no notion of guide questions.
The text is pseudonymised on import exactly as a typed note is
(:func:`interviews.notes.redact_note`), and each coded selection is moved onto
the redacted text so it still covers the same words.
"""

from __future__ import annotations

import bisect
import io
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from xml.parsers import expat

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from interviews.notes import redact_note
from interviews.studies import CHANNELS
from research.errors import FrontlineError
from research.privacy.roster import roster_redactor
from research.store.models import Code, Excerpt, Interview, InterviewNote, Memo, NoteRevision, Participant, Study

NS = "urn:QDA-XML:project:1.0"
# Fixed, so the same study exports the same GUIDs (and bytes) every time.
GUID_NAMESPACE = uuid.UUID("6f1c2a8e-3d4b-5e6f-8a9b-0c1d2e3f4a5b")
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024  # uncompressed project.qde + sources read, all together
# (variable name, participant column, column length); matched case-insensitively on import.
FIELDS = (("Industry", "industry", 64), ("Role", "role", 64), ("Tenure band", "tenure_band", 32),
          ("Channel", "channel", 32), ("Site", "site", 64))
CONSENT = "Consent given"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_COLOUR = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


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


def _guid(kind: str, key: object) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _NOT_XML.sub("", str(v)) for k, v in attrs.items()
                                                        if v is not None})
    if text is not None:
        element.text = _NOT_XML.sub("", text)  # XML 1.0 cannot carry most control characters
    return element


def _stamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _source_text(interview: Interview, questions: dict[int, str]) -> tuple[str, dict[int, int]]:
    """The interview's plain text and where each note's body starts in it."""
    parts, offsets, length = [], {}, 0
    for note in interview.notes:
        question = questions.get(note.guide_question_id) or note.label
        head = f"Q: {question}\n" if question else ""
        offsets[note.id] = length + len(head)
        part = f"{head}{note.body}\n\n"
        parts.append(part)
        length += len(part)
    return "".join(parts), offsets


def _span(excerpt: Excerpt) -> tuple[int, int] | None:
    """The excerpt's span in its note; None when an edit removed its words (it is then left out)."""
    body, start, end = excerpt.note.body, excerpt.span_start, excerpt.span_end
    if start >= 0 and body[start:end] == excerpt.text:
        return start, end
    found = body.find(excerpt.text)
    return (found, found + len(excerpt.text)) if found >= 0 and excerpt.text else None


def export_qdpx(*, session: Session, study_id: int) -> bytes:
    """Export a study, the codebook and the study's coding and memos as a REFI-QDA .qdpx archive.

    The whole shared codebook goes along (with its code memos), so coding can go on
    elsewhere with codes not yet used here. GUIDs derive from Frontline ids, so two
    exports of an unchanged study are identical and a re-export updates the same items.

    Raises:
        FrontlineError: there is no such study.
    """
    study = session.get(Study, study_id)
    if study is None:
        raise FrontlineError(f"There is no study with id {study_id}.")
    questions = {q.id: q.text for q in study.guide}
    interviews = session.scalars(
        select(Interview).where(Interview.study_id == study_id).order_by(Interview.id).options(
            selectinload(Interview.participant),
            selectinload(Interview.notes).selectinload(InterviewNote.excerpts).selectinload(Excerpt.codes))
    ).all()
    in_study = select(Interview.id).where(Interview.study_id == study_id)
    memos = session.scalars(
        select(Memo).outerjoin(Excerpt, Memo.excerpt_id == Excerpt.id)
        .outerjoin(InterviewNote, Excerpt.note_id == InterviewNote.id)
        .where(or_(Memo.code_id.is_not(None), Memo.interview_id.in_(in_study),
                   InterviewNote.interview_id.in_(in_study)))
        .order_by(Memo.id)
    ).all()
    codes = session.scalars(select(Code).order_by(Code.position, Code.id)).all()
    memo_refs: dict[tuple[str, int], list[str]] = defaultdict(list)
    for memo in memos:
        kind, target = next((k, v) for k, v in (("excerpt", memo.excerpt_id), ("interview", memo.interview_id),
                                                   ("code", memo.code_id)) if v is not None)
        memo_refs[kind, target].append(_guid("memo", memo.id))
    excerpts = [e for i in interviews for n in i.notes for e in n.excerpts]
    people = {e.coder for e in excerpts} | {i.interviewer for i in interviews} | {m.author for m in memos}
    user = {name: _guid("user", name) for name in sorted(people - {""})}

    # Unqualified tags under an explicit xmlns: ElementTree's default_namespace refuses unqualified attributes.
    root = ET.Element("Project", xmlns=NS, name=_NOT_XML.sub("", study.title), origin="Frontline")
    if (created := _stamp(study.created_at)) is not None:
        root.set("creationDateTime", created)
    if user:
        users = _sub(root, "Users")
        for name, guid in user.items():
            _sub(users, "User", guid=guid, name=name)
    if codes:
        _export_codes(_sub(_sub(root, "CodeBook"), "Codes"), codes, memo_refs)
    participants = study.participants
    reserved = {name.casefold() for name, _, _ in FIELDS} | {CONSENT.casefold()}
    custom = {key: f"{key} (custom)" if key.casefold() in reserved else key  # keeps columns' variables apart
              for key in sorted({key for p in participants for key in (p.attributes or {})})}
    variables = {name: _guid("variable", name) for name in [f[0] for f in FIELDS] + [CONSENT, *custom.values()]}
    if participants:
        element = _sub(root, "Variables")
        for name, guid in variables.items():
            _sub(element, "Variable", guid=guid, name=name, typeOfVariable="Boolean" if name == CONSENT else "Text")
        cases = _sub(root, "Cases")
        for p in participants:
            case = _sub(cases, "Case", guid=_guid("participant", p.id), name=p.code)
            values = [(name, getattr(p, column)) for name, column, _ in FIELDS]
            values += [(custom[key], value) for key, value in sorted((p.attributes or {}).items())]
            for name, value in values:
                if value:
                    _value(case, variables[name], "TextValue", str(value))
            _value(case, variables[CONSENT], "BooleanValue", "true" if p.consent_given else "false")
            for interview in interviews:
                if interview.participant_id == p.id:
                    _sub(case, "SourceRef", targetGUID=_guid("interview", interview.id))
    files: dict[str, bytes] = {}
    if interviews:
        sources, names = _sub(root, "Sources"), Counter()
        for interview in interviews:
            text, offsets = _source_text(interview, questions)
            guid = _guid("interview", interview.id)
            name = f"{interview.participant.code} interview {interview.held_on or interview.id}"
            names[name] += 1
            name += f" ({names[name]})" if names[name] > 1 else ""
            files[f"sources/{guid}.txt"] = text.encode("utf-8")
            source = _sub(sources, "TextSource", guid=guid, name=name, plainTextPath=f"internal://{guid}.txt",
                          creatingUser=user.get(interview.interviewer), creationDateTime=_stamp(interview.created_at))
            for note in interview.notes:
                for excerpt in note.excerpts:
                    if (span := _span(excerpt)) is None:
                        continue
                    start, end = span
                    selection = _sub(source, "PlainTextSelection", guid=_guid("excerpt", excerpt.id),
                                     startPosition=offsets[note.id] + start, endPosition=offsets[note.id] + end,
                                     creatingUser=user.get(excerpt.coder), creationDateTime=_stamp(excerpt.created_at))
                    for code in excerpt.codes:
                        coding = _sub(selection, "Coding", guid=_guid("coding", f"{excerpt.id}:{code.id}"),
                                      creatingUser=user.get(excerpt.coder), creationDateTime=_stamp(excerpt.created_at))
                        _sub(coding, "CodeRef", targetGUID=_guid("code", code.key))
                    for ref in memo_refs["excerpt", excerpt.id]:
                        _sub(selection, "NoteRef", targetGUID=ref)
            for ref in memo_refs["interview", interview.id]:
                _sub(source, "NoteRef", targetGUID=ref)
    if memos:
        notes = _sub(root, "Notes")
        for memo in memos:
            note = _sub(notes, "Note", guid=_guid("memo", memo.id), name=f"Memo by {memo.author}",
                        creatingUser=user.get(memo.author), creationDateTime=_stamp(memo.created_at))
            _sub(note, "PlainTextContent", memo.body)
    if study.purpose:
        _sub(root, "Description", study.purpose)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in [("project.qde", ET.tostring(root, encoding="utf-8", xml_declaration=True)),
                           *files.items()]:
            info = zipfile.ZipInfo(path)  # the fixed 1980 timestamp keeps the bytes reproducible
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _value(case: ET.Element, variable: str, tag: str, value: str) -> None:
    element = _sub(case, "VariableValue")
    _sub(element, "VariableRef", targetGUID=variable)
    _sub(element, tag, value)


def _export_codes(parent: ET.Element, codes: list[Code], memo_refs: dict) -> None:
    """Nest codes under their parents; codes caught in a parent cycle go at the top level."""
    ids = {c.id for c in codes}
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id if code.parent_id in ids else None].append(code)
    emitted: set[int] = set()

    def add(under: ET.Element, code: Code) -> None:
        emitted.add(code.id)
        element = _sub(under, "Code", guid=_guid("code", code.key), name=code.name, isCodable="true",
                       color=code.colour if _COLOUR.fullmatch(code.colour or "") else None)
        if code.description:
            _sub(element, "Description", code.description)
        for ref in memo_refs["code", code.id]:
            _sub(element, "NoteRef", targetGUID=ref)
        for child in children[code.id]:
            if child.id not in emitted:
                add(element, child)

    for code in [*children[None], *codes]:
        if code.id not in emitted:
            add(parent, code)


def _g(value: str | None) -> str:
    """A GUID as a lookup key: tools write them with or without braces, in either case."""
    return (value or "").strip().strip("{}").lower()


def _q(path: str) -> str:
    return "/".join(part if part == "*" else f"{{{NS}}}{part}" for part in path.split("/"))


def _refuse_doctype(*_args: object) -> None:
    raise FrontlineError("project.qde declares a DOCTYPE or entities; such files are refused (XML entity attacks).")


def _member(path: str) -> str:
    """The archive member an ``internal://`` path names, refusing paths that leave ``sources/``."""
    relative = path[len("internal://"):] if path.startswith("internal://") else ""
    parts = relative.replace("\\", "/").split("/")
    if not relative or ":" in relative or any(part in ("", ".", "..") for part in parts):
        raise FrontlineError(f"The source path {path!r} points outside the archive; only internal:// files are read.")
    return "sources/" + "/".join(parts)


def _read_archive(data: bytes) -> tuple[ET.Element, dict[str, str]]:
    """Parse project.qde and read the plain text of every source and note, or refuse the archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise FrontlineError("This is not a .qdpx file: it is not a zip archive.") from None
    budget = MAX_ARCHIVE_BYTES

    def read(name: str) -> bytes:
        nonlocal budget
        try:
            info = archive.getinfo(name)
        except KeyError:
            raise FrontlineError(f"The archive has no {name}.") from None
        budget -= info.file_size  # checked before decompressing: a zip bomb is refused unread
        if budget < 0:
            raise FrontlineError(f"The archive holds more than {MAX_ARCHIVE_BYTES // 2**20} MB of project text.")
        try:
            with archive.open(info) as handle:
                return handle.read(info.file_size)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as exc:
            raise FrontlineError(f"{name} cannot be read from the archive: {exc}") from None

    raw = read("project.qde")
    scanner = expat.ParserCreate()
    scanner.StartDoctypeDeclHandler = scanner.EntityDeclHandler = _refuse_doctype
    try:
        scanner.Parse(raw, True)
        root = ET.fromstring(raw)
    except (expat.ExpatError, ET.ParseError) as exc:
        raise FrontlineError(f"project.qde is not well-formed XML: {exc}") from None
    if root.tag != f"{{{NS}}}Project":
        raise FrontlineError(f"project.qde is not a REFI-QDA project: its root is not Project in {NS}.")
    texts = {}
    for element in [*root.iterfind(_q("Sources/TextSource")), *root.iterfind(_q("Notes/Note"))]:
        if path := element.get("plainTextPath"):
            try:
                texts[_g(element.get("guid"))] = read(_member(path)).decode("utf-8-sig")
            except UnicodeDecodeError:
                raise FrontlineError(f"{path} is not UTF-8 text.") from None
        elif (content := element.find(_q("PlainTextContent"))) is not None:
            texts[_g(element.get("guid"))] = content.text or ""
    return root, texts


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
    pending = [(element, None) for element in root.iterfind(_q("CodeBook/Codes/Code"))]
    while pending:
        element, parent = pending.pop(0)
        name = (element.get("name") or "").strip()[:120] or "Unnamed code"
        code = existing.get(name.casefold())
        if code is None:
            slug = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
            colour = _COLOUR.fullmatch(element.get("color") or "")
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


def _case_values(case: ET.Element, variables: dict[str, str], consent: bool) -> dict:
    """Participant columns, custom attributes and consent from a case's variable values."""
    fields = {name.casefold(): (column, length) for name, column, length in FIELDS}
    fields |= {column: (column, length) for _, column, length in FIELDS}
    values: dict = {"attributes": {}}
    for item in case.iterfind(_q("VariableValue")):
        ref = item.find(_q("VariableRef"))
        name = variables.get(_g(ref.get("targetGUID")) if ref is not None else "", "")
        text = next(((child.text or "").strip() for child in item if child.tag != _q("VariableRef")), "")
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
    ``_read_archive`` returns it (the upload sandbox reads it in a child process), instead of ``data``.

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
    users = {_g(u.get("guid")): (u.get("name") or "").strip()[:64] for u in root.iterfind(_q("Users/User"))}
    variables = {_g(v.get("guid")): (v.get("name") or "").strip() for v in root.iterfind(_q("Variables/Variable"))}
    imported_by = imported_by.strip()[:64] or "import"
    redactor = roster_redactor(session=session)
    with session.begin_nested():
        study = Study(title=title, purpose=root.findtext(_q("Description")) or "")
        session.add(study)
        session.flush()
        summary = QdpxImportSummary(study_id=study.id)
        codes = _import_codes(session, root, summary)
        targets: list[tuple[str, str, object]] = [  # (note GUID, memo target kind, target)
            (_g(ref.get("targetGUID")), "code", codes[_g(element.get("guid"))])
            for element in root.iter(_q("Code")) if _g(element.get("guid")) in codes
            for ref in element.iterfind(_q("NoteRef"))]
        taken: set[str] = set()
        by_source: dict[str, Participant] = {}
        for case in root.iterfind(_q("Cases/Case")):
            participant = Participant(study_id=study.id, code=_unique((case.get("name") or "").strip() or "Case",
                                                                       taken, 16, "-"),
                                      **_case_values(case, variables, consent_confirmed))
            session.add(participant)
            summary.participants += 1
            for ref in case.iterfind(_q("SourceRef")):
                by_source.setdefault(_g(ref.get("targetGUID")), participant)
        for source in root.iterfind(_q("Sources/*")):
            guid, name = _g(source.get("guid")), source.get("name") or source.get("guid") or "unnamed source"
            participant, text = by_source.get(guid), texts.get(guid)
            if source.tag != _q("TextSource") or text is None:
                summary.skipped.append(f"{name}: only text sources with their plain text are imported.")
                continue
            if participant is None and consent_confirmed:
                participant = Participant(study_id=study.id, code=_unique(name.strip(), taken, 16, "-"),
                                          consent_given=True, consent_recorded_on=date.today(), attributes={})
                session.add(participant)
                summary.participants += 1
            if participant is None or not participant.consent_given:
                who = f"participant {participant.code}" if participant else "its participant"
                summary.skipped.append(f"{name}: {who} has no recorded consent, so no notes can be saved.")
                continue
            interview = Interview(study_id=study.id, participant=participant,
                                  interviewer=users.get(_g(source.get("creatingUser")), ""))
            plain, move = _plain_newlines(text)
            redacted = redact_note(session=session, body=plain, redactor=redactor)
            note = InterviewNote(interview=interview, position=1, body=redacted.text, label=f"Imported from {name}")
            session.add(NoteRevision(note=note, body=redacted.text, edited_by=imported_by,
                                     replaced=[r.kind for r in redacted.replacements]))
            session.add(interview)
            summary.interviews += 1
            targets += [(_g(ref.get("targetGUID")), "interview", interview) for ref in source.iterfind(_q("NoteRef"))]
            selections = list(source.iterfind(_q("PlainTextSelection")))
            if source.find(_q("Coding")) is not None:  # coding of the whole source
                selections.append(ET.Element("", startPosition="0", endPosition=str(len(text)),
                                             creatingUser=source.find(_q("Coding")).get("creatingUser") or ""))
                selections[-1].extend(source.iterfind(_q("Coding")))
            for selection in selections:
                try:
                    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                except (TypeError, ValueError):
                    start = end = -1
                if not 0 <= start < end <= len(text):
                    summary.skipped.append(f"{name}: a selection at {start}-{end} lies outside the text.")
                    continue
                start, end = redacted.position(move(start)), redacted.position(move(end), end=True)
                excerpt = Excerpt(note=note, span_start=start, span_end=end, text=redacted.text[start:end],
                                  coder=users.get(_g(selection.get("creatingUser"))) or imported_by)
                refs = [_g(ref.get("targetGUID")) for ref in selection.iterfind(_q("Coding/CodeRef"))]
                excerpt.codes = list({codes[ref].id: codes[ref] for ref in refs if ref in codes}.values())
                session.add(excerpt)
                summary.excerpts += 1
                targets += [(_g(ref.get("targetGUID")), "excerpt", excerpt)
                            for ref in [*selection.iterfind(_q("NoteRef")), *selection.iterfind(_q("Coding/NoteRef"))]]
        session.flush()
        notes = {_g(note.get("guid")): note for note in root.iterfind(_q("Notes/Note"))}
        for guid, kind, target in targets:
            if guid not in notes or not texts.get(guid, "").strip():
                summary.skipped.append(f"A memo ({guid}) has no text in the project.")
                continue
            if kind == "code" and session.scalar(select(Memo.id).where(Memo.code_id == target.id,
                                                                       Memo.body == texts[guid])):
                continue  # the shared codebook already has it, e.g. a Frontline export coming back
            memo = Memo(**{f"{kind}_id": target.id}, body=texts[guid],
                        author=users.get(_g(notes[guid].get("creatingUser"))) or imported_by)
            if created := _parse_stamp(notes[guid].get("creationDateTime")):
                memo.created_at = created
            session.add(memo)
            summary.memos += 1
        for guid in notes.keys() - {guid for guid, _, _ in targets}:
            summary.skipped.append(f"Memo '{notes[guid].get('name') or guid}' is attached to nothing Frontline keeps.")
        session.flush()
    return summary


def _plain_newlines(text: str) -> tuple[str, Callable[[int], int]]:
    """The text with Windows newlines made plain, and where an offset of the original lands in it."""
    carriage = [m.start() for m in re.finditer("\r\n", text)]
    return text.replace("\r\n", "\n"), lambda offset: offset - bisect.bisect_left(carriage, offset)


def _parse_stamp(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
