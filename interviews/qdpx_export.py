"""Export a study as a REFI-QDA .qdpx archive for NVivo, ATLAS.ti, MAXQDA and QualCoder.

Each interview becomes one text source: its notes in order, each under a head line (``"Q: <question>"`` or
``"Free notes:"``) and followed by a blank line, with every coded excerpt a selection whose offsets count code
points into that text; the guide, the study's dates and each interview's date go along so an import rebuilds
them (:mod:`interviews.qdpx_layout`). The archive is built in
steps (records, memo references, cases, sources, memos, zip) so each step can be read on its own; the format
is described in :mod:`interviews.refi_qda`, which imports such archives.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from interviews.qdpx_layout import DATE_VARIABLE, GUIDE_NOTE, guide_text, note_head
from research.errors import FrontlineError
from research.qdpx_format import CONSENT, FIELDS, NOT_XML, NS
from research.qdpx_writer import export_codes, stamp, sub, zip_project
from research.qdpx_writer import guid as _guid
from research.store.models import Code, Excerpt, Interview, InterviewNote, Memo, Participant, Study

MemoRefs = dict[tuple[str, int], list[str]]
"""(target kind, target id) to the GUIDs of the memos attached to it."""


def _source_text(interview: Interview, questions: dict[int | None, str]) -> tuple[str, dict[int, int]]:
    """The interview's plain text and where each note's body starts in it."""
    parts, offsets, length = [], {}, 0
    for note in interview.notes:
        head = note_head(questions.get(note.guide_question_id) or note.label)
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
    interviews, memos, codes = _study_records(session, study_id)
    memo_refs = _memo_refs(memos)
    excerpts = [e for i in interviews for n in i.notes for e in n.excerpts]
    people = {e.coder for e in excerpts} | {i.interviewer for i in interviews} | {m.author for m in memos}
    user = {name: _guid("user", name) for name in sorted(people - {""})}

    # Unqualified tags under an explicit xmlns: ElementTree's default_namespace refuses unqualified attributes.
    root = ET.Element("Project", xmlns=NS, name=NOT_XML.sub("", study.title), origin="Frontline")
    if (created := stamp(study.created_at)) is not None:
        root.set("creationDateTime", created)
    if user:
        users = sub(root, "Users")
        for name, guid in user.items():
            sub(users, "User", guid=guid, name=name)
    if codes:
        export_codes(sub(sub(root, "CodeBook"), "Codes"), codes, memo_refs)
    variables = _export_cases(root, study.participants, interviews) if study.participants else {}
    questions: dict[int | None, str] = {q.id: q.text for q in study.guide}
    files = _export_sources(root, interviews, questions, user, memo_refs, variables) if interviews else {}
    guide = study.guide or study.starts_on or study.ends_on
    guide_guid = _guid("guide", study.id)
    if memos or guide:
        notes = sub(root, "Notes")
        for memo in memos:
            note = sub(notes, "Note", guid=_guid("memo", memo.id), name=f"Memo by {memo.author}",
                        creatingUser=user.get(memo.author), creationDateTime=stamp(memo.created_at))
            sub(note, "PlainTextContent", memo.body)
        if guide:
            note = sub(notes, "Note", guid=guide_guid, name=GUIDE_NOTE)
            sub(note, "PlainTextContent", guide_text([(q.text, q.probes or ()) for q in study.guide],
                                                      study.starts_on, study.ends_on))
    if study.purpose:
        sub(root, "Description", study.purpose)
    if guide:
        sub(root, "NoteRef", targetGUID=guide_guid)
    return zip_project(root, files)


def _study_records(session: Session, study_id: int) -> tuple[list[Interview], list[Memo], list[Code]]:
    """The study's interviews (notes, excerpts and codes loaded in a few queries), its memos and every code.

    Memos on codes go along with the whole codebook; memos on excerpts and interviews only for this study.
    """
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
    return list(interviews), list(memos), list(codes)


def _memo_refs(memos: list[Memo]) -> MemoRefs:
    """Each memo's GUID under the one excerpt, interview or code it is attached to."""
    refs: MemoRefs = defaultdict(list)
    for memo in memos:
        kind, target = next((k, v) for k, v in (("excerpt", memo.excerpt_id), ("interview", memo.interview_id),
                                                   ("code", memo.code_id)) if v is not None)
        refs[kind, target].append(_guid("memo", memo.id))
    return refs


def _export_cases(root: ET.Element, participants: list[Participant], interviews: list[Interview]) -> dict[str, str]:
    """Participants as cases, their columns and attributes as variables, each case naming its interviews.

    A custom attribute whose name clashes with a standard variable is renamed "(custom)", so the two
    columns stay apart in the other tool. Returns every variable's GUID by name, the interviews' date included.
    """
    reserved = {name.casefold() for name, _, _ in FIELDS} | {CONSENT.casefold(), DATE_VARIABLE.casefold()}
    custom = {key: f"{key} (custom)" if key.casefold() in reserved else key
              for key in sorted({key for p in participants for key in (p.attributes or {})})}
    variables = {name: _guid("variable", name)
                 for name in [f[0] for f in FIELDS] + [CONSENT, DATE_VARIABLE, *custom.values()]}
    kinds = {CONSENT: "Boolean", DATE_VARIABLE: "Date"}
    element = sub(root, "Variables")
    for name, guid in variables.items():
        sub(element, "Variable", guid=guid, name=name, typeOfVariable=kinds.get(name, "Text"))
    cases = sub(root, "Cases")
    for p in participants:
        case = sub(cases, "Case", guid=_guid("participant", p.id), name=p.code)
        values = [(name, getattr(p, column)) for name, column, _ in FIELDS]
        values += [(custom[key], value) for key, value in sorted((p.attributes or {}).items())]
        for name, value in values:
            if value:
                _value(case, variables[name], "TextValue", str(value))
        _value(case, variables[CONSENT], "BooleanValue", "true" if p.consent_given else "false")
        for interview in interviews:
            if interview.participant_id == p.id:
                sub(case, "SourceRef", targetGUID=_guid("interview", interview.id))
    return variables


def _export_sources(root: ET.Element, interviews: list[Interview], questions: dict[int | None, str],
                    user: dict[str, str], memo_refs: MemoRefs, variables: dict[str, str]) -> dict[str, bytes]:
    """One text source per interview with its coded selections; returns the source files for the archive."""
    files: dict[str, bytes] = {}
    sources, names = sub(root, "Sources"), Counter[str]()
    for interview in interviews:
        text, offsets = _source_text(interview, questions)
        guid = _guid("interview", interview.id)
        name = f"{interview.participant.code} interview {interview.held_on or interview.id}"
        names[name] += 1
        name += f" ({names[name]})" if names[name] > 1 else ""
        files[f"sources/{guid}.txt"] = text.encode("utf-8")
        source = sub(sources, "TextSource", guid=guid, name=name, plainTextPath=f"internal://{guid}.txt",
                      creatingUser=user.get(interview.interviewer), creationDateTime=stamp(interview.created_at))
        for note in interview.notes:
            for excerpt in note.excerpts:
                _export_selection(source, excerpt, offsets[note.id], user, memo_refs)
        for ref in memo_refs["interview", interview.id]:
            sub(source, "NoteRef", targetGUID=ref)
        if interview.held_on:
            _value(source, variables[DATE_VARIABLE], "DateValue", interview.held_on.isoformat())
    return files


def _export_selection(source: ET.Element, excerpt: Excerpt, offset: int, user: dict[str, str],
                      memo_refs: MemoRefs) -> None:
    """The excerpt as a selection with its codings and memos; an excerpt whose words an edit removed is left out."""
    if (span := _span(excerpt)) is None:
        return
    start, end = span
    selection = sub(source, "PlainTextSelection", guid=_guid("excerpt", excerpt.id),
                     startPosition=offset + start, endPosition=offset + end,
                     creatingUser=user.get(excerpt.coder), creationDateTime=stamp(excerpt.created_at))
    for code in excerpt.codes:
        coding = sub(selection, "Coding", guid=_guid("coding", f"{excerpt.id}:{code.id}"),
                      creatingUser=user.get(excerpt.coder), creationDateTime=stamp(excerpt.created_at))
        sub(coding, "CodeRef", targetGUID=_guid("code", code.key))
    for ref in memo_refs["excerpt", excerpt.id]:
        sub(selection, "NoteRef", targetGUID=ref)


def _value(case: ET.Element, variable: str, tag: str, value: str) -> None:
    element = sub(case, "VariableValue")
    sub(element, "VariableRef", targetGUID=variable)
    sub(element, tag, value)
