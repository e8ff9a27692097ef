"""REFI-QDA export validates against the published schema and round-trips through the importer."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviews import refi_qda
from interviews.refi_qda import MAX_ARCHIVE_BYTES, NS, export_qdpx, import_qdpx
from research.codebook import DEFAULT_CODEBOOK
from research.errors import FrontlineError
from research.store.models import (
    Code,
    Excerpt,
    GuideQuestion,
    Interview,
    InterviewNote,
    Memo,
    Participant,
    Study,
)

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "refi_qda_schema" / "Project.xsd")))
Q = {"q": NS}
BODY_1 = "The CRM freezes – café naïve 😀 every morning, and the knowledge base is out of date."
BODY_2 = "Nobody thanks us. My team lead 👍 backs me up though."
FREE = "Café rota changed again; 😀😀 no breaks."


def _excerpt(note: InterviewNote, phrase: str, coder: str, codes: list[Code]) -> Excerpt:
    start = note.body.index(phrase)
    return Excerpt(note=note, span_start=start, span_end=start + len(phrase), text=phrase, coder=coder, codes=codes)


@pytest.fixture
def study_id(engine) -> int:
    """A study with two consenting participants, guide questions, non-ASCII notes, two coders and memos."""
    with Session(engine) as session, session.begin():
        codes = {c.key: c for c in session.scalars(select(Code))}
        crm = Code(key="crm_freezes", name="CRM freezes", description="The CRM hangs.", colour="#123abc",
                   parent_id=codes["tools"].id, position=100)
        session.add(crm)
        study = Study(title="CS Week 2026", purpose="Why agents leave – ünïcode purpose.",
                      starts_on=date(2026, 10, 5), ends_on=date(2026, 10, 9))
        study.guide = [GuideQuestion(position=1, text="What slows you down?", probes=["Which screen?", "How often?"]),
                       GuideQuestion(position=2, text="Who backs you up?")]
        study.participants = [
            Participant(code="P01", industry="Telecom", role="Agent", tenure_band="1-2 years", channel="phone",
                        site="Leeds", consent_given=True, consent_recorded_on=date(2026, 10, 1),
                        attributes={"Shift": "night"}),
            Participant(code="P02", industry="Retail", role="Team lead", channel="chat", consent_given=True,
                        consent_recorded_on=date(2026, 10, 2), attributes={"Shift": "day", "Team": "Blue"}),
        ]
        session.add(study)
        session.flush()
        p1, p2 = study.participants
        first = Interview(study_id=study.id, participant=p1, interviewer="alice", held_on=date(2026, 10, 6))
        n1 = InterviewNote(interview=first, position=1, guide_question_id=study.guide[0].id, body=BODY_1)
        n2 = InterviewNote(interview=first, position=2, body=FREE)
        second = Interview(study_id=study.id, participant=p2, interviewer="bob", held_on=date(2026, 10, 7))
        n3 = InterviewNote(interview=second, position=1, label="Anything about recognition?", body=BODY_2)
        session.add_all([first, second])
        e1 = _excerpt(n1, "The CRM freezes – café", "alice", [codes["tools"], crm])
        e2 = _excerpt(n1, "knowledge base is out of date", "carol", [codes["tools"], codes["training"]])
        e3 = _excerpt(n2, "😀😀 no breaks", "carol", [codes["workload"]])
        e4 = _excerpt(n3, "Nobody thanks us.", "alice", [codes["recognition"], codes["morale"]])
        e5 = _excerpt(n3, "My team lead 👍 backs me up", "carol", [codes["management_support"]])
        session.add_all([e1, e2, e3, e4, e5])
        session.flush()
        session.add_all([
            Memo(excerpt_id=e1.id, author="dana", body="Freezing every morning: ask IT about the 9am batch."),
            Memo(interview_id=second.id, author="alice", body="P02 was on a break; interview cut short."),
            Memo(code_id=crm.id, author="carol", body="Split from Tools after the first five interviews."),
        ])
        return study.id


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _excerpt_rows(session: Session, study_id: int) -> Counter:
    rows = session.scalars(
        select(Excerpt).join(InterviewNote).join(Interview).where(Interview.study_id == study_id)).all()
    return Counter((e.note.interview.participant.code, e.text, tuple(sorted(c.name for c in e.codes)), e.coder)
                   for e in rows)


def _memo_rows(session: Session, study_id: int, since: int = 0) -> Counter:
    rows = Counter()
    for memo in session.scalars(select(Memo).where(Memo.id > since)):
        if memo.excerpt_id:
            excerpt = session.get(Excerpt, memo.excerpt_id)
            if excerpt.note.interview.study_id == study_id:
                rows["excerpt", excerpt.text, memo.author, memo.body] += 1
        elif memo.interview_id:
            interview = session.get(Interview, memo.interview_id)
            if interview.study_id == study_id:
                rows["interview", interview.participant.code, memo.author, memo.body] += 1
        else:
            rows["code", session.get(Code, memo.code_id).name, memo.author, memo.body] += 1
    return rows


def _interview_rows(session: Session, study_id: int) -> list:
    """Each interview's participant, date and interviewer, and its notes as (question or label, body) in order."""
    rows = []
    for interview in session.scalars(select(Interview).where(Interview.study_id == study_id)):
        notes = [(note.label or next((q.text for q in interview.participant.study.guide
                                      if q.id == note.guide_question_id), "Free notes"), note.body)
                 for note in interview.notes]
        rows.append((interview.participant.code, interview.held_on, interview.interviewer, notes))
    return sorted(rows)


def test_export_validates_against_the_published_schema_and_offsets_count_code_points(engine, study_id):
    with Session(engine) as session:
        data = export_qdpx(session=session, study_id=study_id)
        files = _unzip(data)
        project = etree.fromstring(files["project.qde"])
        valid = SCHEMA.validate(project)
        assert valid, "\n".join(str(error) for error in SCHEMA.error_log)

        assert project.get("name") == "CS Week 2026"
        assert project.findtext("q:Description", namespaces=Q) == "Why agents leave – ünïcode purpose."
        assert {u.get("name") for u in project.iterfind("q:Users/q:User", Q)} == {"alice", "bob", "carol", "dana"}
        tools = project.find("q:CodeBook/q:Codes/q:Code[@name='Tools and systems']", Q)
        child = tools.find("q:Code[@name='CRM freezes']", Q)
        assert child is not None and child.get("color") == "#123abc" and child.find("q:NoteRef", Q) is not None
        cases = {c.get("name"): c for c in project.iterfind("q:Cases/q:Case", Q)}
        assert set(cases) == {"P01", "P02"} and len(cases["P01"].findall("q:SourceRef", Q)) == 1

        expected = Counter(e.text for e in session.scalars(select(Excerpt)))
        users = {u.get("guid"): u.get("name") for u in project.iterfind("q:Users/q:User", Q)}
        found, names = Counter(), set()
        for source in project.iterfind("q:Sources/q:TextSource", Q):
            names.add(source.get("name"))
            guid = source.get("guid")
            assert source.get("plainTextPath") == f"internal://{guid}.txt"
            text = files[f"sources/{guid}.txt"].decode("utf-8")
            for selection in source.iterfind("q:PlainTextSelection", Q):
                chunk = text[int(selection.get("startPosition")):int(selection.get("endPosition"))]
                found[chunk] += 1
                assert users[selection.get("creatingUser")] in {"alice", "carol"}
        assert found == expected  # offsets counted in UTF-16 units or bytes would miss after "😀"
        assert names == {"P01 interview 2026-10-06", "P02 interview 2026-10-07"}
        first = next(files[n].decode() for n in files if n.startswith("sources/") and "😀" in files[n].decode())
        assert first.startswith(f"Q: What slows you down?\n{BODY_1}\n\nFree notes:\n{FREE}\n\n")
        guide = project.find("q:Notes/q:Note[@name='Interview guide']", Q)
        assert project.find("q:NoteRef", Q).get("targetGUID") == guide.get("guid")
        assert guide.findtext("q:PlainTextContent", namespaces=Q) == (
            "Starts: 2026-10-05\nEnds: 2026-10-09\n1. What slows you down?\n   - Which screen?\n   - How often?\n"
            "2. Who backs you up?\n")
        dated = project.find("q:Variables/q:Variable[@name='Interview date']", Q)
        assert dated.get("typeOfVariable") == "Date"
        assert sorted(v.findtext("q:DateValue", namespaces=Q) for v in project.iterfind(
            "q:Sources/q:TextSource/q:VariableValue", Q)
            if v.find("q:VariableRef", Q).get("targetGUID") == dated.get("guid")) == ["2026-10-06", "2026-10-07"]
        assert export_qdpx(session=session, study_id=study_id) == data  # reproducible byte for byte


def test_import_round_trips_participants_coding_and_memos(engine, study_id):
    with Session(engine) as session, session.begin():
        data = export_qdpx(session=session, study_id=study_id)
        last_memo = session.scalar(select(func.max(Memo.id)))
        codes_before = session.scalar(select(func.count(Code.id)))
        original = _memo_rows(session, study_id)
        summary = import_qdpx(session=session, data=data, imported_by="erin", title="CS Week 2026 (copy)")

    with Session(engine) as session:
        copy = session.get(Study, summary.study_id)
        assert copy.title == "CS Week 2026 (copy)" and copy.purpose == "Why agents leave – ünïcode purpose."
        # The code memo is on the shared codebook already, so it is not added twice.
        assert (summary.participants, summary.interviews, summary.excerpts, summary.memos) == (2, 2, 5, 2)
        assert summary.codes_created == 0 and summary.skipped == []
        assert session.scalar(select(func.count(Code.id))) == codes_before

        def people(sid):
            return {p.code: (p.industry, p.role, p.tenure_band, p.channel, p.site, p.consent_given, p.attributes)
                    for p in session.get(Study, sid).participants}
        assert people(summary.study_id) == people(study_id)
        assert _excerpt_rows(session, summary.study_id) == _excerpt_rows(session, study_id)
        # The guide, the dates and each answer under its question come back as they were.
        original_study = session.get(Study, study_id)
        assert [(q.text, q.probes) for q in copy.guide] == [(q.text, q.probes) for q in original_study.guide]
        assert (copy.starts_on, copy.ends_on) == (date(2026, 10, 5), date(2026, 10, 9))
        assert _interview_rows(session, copy.id) == _interview_rows(session, study_id)
        notes = session.scalars(select(InterviewNote).join(Interview).where(Interview.study_id == copy.id)).all()
        # each imported participant takes a place for interview evidence, in the order their notes were saved
        placed = {n.interview.participant.evidence_place: n.id for n in notes}
        assert sorted(placed) == [1, 2] and placed[1] < placed[2]
        for excerpt in (e for n in notes for e in n.excerpts):
            assert excerpt.note.body[excerpt.span_start:excerpt.span_end] == excerpt.text
        assert len(original) == 3 and _memo_rows(session, study_id) == original
        assert _memo_rows(session, copy.id) == original  # the copy's excerpt and interview memos, the same code memo
        assert len(_memo_rows(session, copy.id, since=last_memo)) == 2


def test_a_study_without_participants_or_coding_still_exports_a_valid_project(engine):
    with Session(engine) as session, session.begin():
        study = Study(title="Not started yet")
        session.add(study)
        session.flush()
        files = _unzip(export_qdpx(session=session, study_id=study.id))
    project = etree.fromstring(files["project.qde"])
    assert SCHEMA.validate(project), "\n".join(str(error) for error in SCHEMA.error_log)
    assert list(files) == ["project.qde"] and project.find("q:Sources", Q) is None
    assert len(project.findall("q:CodeBook/q:Codes/q:Code", Q)) == len(DEFAULT_CODEBOOK)


def test_a_failure_halfway_through_an_import_leaves_nothing_behind(engine, study_id, monkeypatch):
    def broken(_value):
        raise RuntimeError("disk full")

    with Session(engine) as session:
        data = export_qdpx(session=session, study_id=study_id)
        counts = [session.scalar(select(func.count()).select_from(t)) for t in (Study, Participant, Excerpt, Memo)]
        monkeypatch.setattr(refi_qda, "_parse_stamp", broken)  # runs after studies, excerpts are flushed
        with pytest.raises(RuntimeError, match="disk full"):
            import_qdpx(session=session, data=data, imported_by="erin", title="Half done")
        session.commit()
    with Session(engine) as session:
        assert [session.scalar(select(func.count()).select_from(t)) for t in (Study, Participant, Excerpt, Memo)] \
            == counts
        assert session.scalar(select(Study).where(Study.title == "Half done")) is None


def _qdpx(project: str, files: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", project)
        for name, text in (files or {}).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _project(source_path: str = "internal://a.txt", name: str = "Elsewhere") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="{name}"><Sources>'
            f'<TextSource guid="11111111-1111-1111-1111-111111111111" name="Call 1" plainTextPath="{source_path}"/>'
            f'</Sources></Project>')


def _entity_payload(declaration: str) -> bytes:
    return _qdpx(f'<?xml version="1.0"?><!DOCTYPE Project [{declaration}]>'
                 f'<Project xmlns="{NS}" name="&x;"/>')


def _zip_with(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "hello")
    return buffer.getvalue()


ESCAPED = {"sources/../../x": "stolen", "sources/a.txt": "x"}  # readable if the path check were missing
BAD_ARCHIVES = {  # kind: (archive, what the refusal says)
    "not a zip": (b"PK? no, just some bytes", "not a zip"),
    "no project.qde": (_zip_with("sources/a.txt"), "no project.qde"),
    "wrong namespace": (_qdpx('<Project xmlns="urn:something:else" name="x"/>'), "not a REFI-QDA project"),
    "wrong root": (_qdpx(f'<Codebook xmlns="{NS}"/>'), "not a REFI-QDA project"),
    "not XML": (_qdpx("<Project"), "not well-formed"),
    "path escapes with ..": (_qdpx(_project("internal://../../x"), ESCAPED), "outside the archive"),
    "absolute path": (_qdpx(_project("/etc/passwd")), "outside the archive"),
    "absolute:// path": (_qdpx(_project("absolute:///etc/passwd")), "outside the archive"),
    "source file missing": (_qdpx(_project()), "no sources/a.txt"),
    "billion laughs": (_entity_payload('<!ENTITY a "aaaaaaaaaa"><!ENTITY x "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'),
                       "DOCTYPE"),
    "external entity": (_entity_payload('<!ENTITY x SYSTEM "file:///etc/passwd">'), "DOCTYPE"),
}


@pytest.mark.parametrize("kind", BAD_ARCHIVES)
def test_malformed_or_unsafe_archives_are_refused_and_change_nothing(engine, kind):
    data, reason = BAD_ARCHIVES[kind]
    with Session(engine) as session:
        before = session.scalar(select(func.count(Study.id)))
        with pytest.raises(FrontlineError, match=reason):
            import_qdpx(session=session, data=data, imported_by="erin", consent_confirmed=True)
        session.commit()
        assert session.scalar(select(func.count(Study.id))) == before


def test_a_taken_title_is_refused_and_changes_nothing(engine, study_id):
    with Session(engine) as session:
        data = export_qdpx(session=session, study_id=study_id)
        with pytest.raises(FrontlineError, match="already exists"):
            import_qdpx(session=session, data=data, imported_by="erin", title="cs week 2026")
        with pytest.raises(FrontlineError, match="already exists"):
            import_qdpx(session=session, data=data, imported_by="erin")  # the project's own name
        session.commit()
        assert session.scalar(select(func.count(Study.id))) == 1


def test_oversized_archives_are_refused_before_decompressing(engine):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", b" " * (MAX_ARCHIVE_BYTES + 1))
    assert len(buffer.getvalue()) < MAX_ARCHIVE_BYTES // 100
    with Session(engine) as session:
        with pytest.raises(FrontlineError, match="MB"):
            import_qdpx(session=session, data=buffer.getvalue(), imported_by="erin")
        assert session.scalar(select(func.count(Study.id))) == 0


FOREIGN = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="From another tool">
  <Users><User guid="{{AAAAAAAA-0000-0000-0000-000000000001}}" name="Maria"/></Users>
  <CodeBook><Codes>
    <Code guid="c0000000-0000-0000-0000-000000000001" name="Shift swaps" isCodable="true" color="#F0A">
      <Code guid="c0000000-0000-0000-0000-000000000002" name="Swap app" isCodable="true"/>
    </Code>
    <Code guid="c0000000-0000-0000-0000-000000000003" name="workload and staffing" isCodable="true"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="d0000000-0000-0000-0000-000000000001" name="Site" typeOfVariable="Text"/>
    <Variable guid="d0000000-0000-0000-0000-000000000002" name="Consent given" typeOfVariable="Boolean"/>
  </Variables>
  <Cases>
    <Case guid="e0000000-0000-0000-0000-000000000001" name="Agent with a very long case name">
      <VariableValue><VariableRef targetGUID="d0000000-0000-0000-0000-000000000001"/>
        <TextValue>Cork</TextValue></VariableValue>
      <SourceRef targetGUID="f0000000-0000-0000-0000-000000000001"/>
    </Case>
    <Case guid="e0000000-0000-0000-0000-000000000002" name="Refused">
      <VariableValue><VariableRef targetGUID="d0000000-0000-0000-0000-000000000002"/>
        <BooleanValue>false</BooleanValue></VariableValue>
      <SourceRef targetGUID="f0000000-0000-0000-0000-000000000002"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="f0000000-0000-0000-0000-000000000001" name="Call one" plainTextPath="internal://one.txt">
      <PlainTextSelection guid="b0000000-0000-0000-0000-000000000001" startPosition="4" endPosition="20"
                          creatingUser="aaaaaaaa-0000-0000-0000-000000000001">
        <Coding guid="b1000000-0000-0000-0000-000000000001">
          <CodeRef targetGUID="c0000000-0000-0000-0000-000000000002"/></Coding>
        <Coding guid="b1000000-0000-0000-0000-000000000002">
          <CodeRef targetGUID="c0000000-0000-0000-0000-000000000003"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="f0000000-0000-0000-0000-000000000002" name="Call two" plainTextPath="internal://two.txt"/>
    <TextSource guid="f0000000-0000-0000-0000-000000000003" name="Stray file">
      <PlainTextContent>No case for this one.</PlainTextContent>
    </TextSource>
  </Sources>
</Project>"""


def test_foreign_projects_create_missing_codes_and_skip_sources_without_consent(engine):
    data = _qdpx(FOREIGN, {"sources/one.txt": "Ça: swap app crashes at night.", "sources/two.txt": "Private."})
    with Session(engine) as session, session.begin():
        summary = import_qdpx(session=session, data=data, imported_by="erin", consent_confirmed=False)
    with Session(engine) as session:
        study = session.get(Study, summary.study_id)
        assert study.title == "From another tool"
        assert {p.code: (p.site, p.consent_given) for p in study.participants} == {
            "Agent with a ver": ("Cork", False), "Refused": ("", False)}
        assert summary.interviews == 0 and summary.excerpts == 0 and summary.codes_created == 2
        assert any("Call one" in s and "consent" in s for s in summary.skipped)
        assert any("Call two" in s and "consent" in s for s in summary.skipped)
        assert any("Stray file" in s for s in summary.skipped)
        swap = session.scalar(select(Code).where(Code.name == "Swap app"))
        parent = session.get(Code, swap.parent_id)
        assert (parent.name, parent.colour, swap.key) == ("Shift swaps", "#ff00aa", "swap_app")

    with Session(engine) as session, session.begin():
        summary = import_qdpx(session=session, data=data, imported_by="erin", title="Second", consent_confirmed=True)
    with Session(engine) as session:
        assert (summary.interviews, summary.excerpts, summary.codes_created) == (2, 1, 0)
        assert summary.skipped == ["Call two: participant Refused has no recorded consent, so no notes can be saved."]
        excerpt = session.scalar(select(Excerpt).join(InterviewNote).join(Interview)
                                 .where(Interview.study_id == summary.study_id))
        assert excerpt.text == "swap app crashes" and excerpt.coder == "Maria"
        assert sorted(c.name for c in excerpt.codes) == ["Swap app", "Workload and staffing"]


def _coded_project(text: str, phrases: list[str]) -> str:
    selections = "".join(
        f'<PlainTextSelection guid="2222222{i}-2222-2222-2222-222222222222" startPosition="{text.index(p)}" '
        f'endPosition="{text.index(p) + len(p)}"/>' for i, p in enumerate(phrases))
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="Typed elsewhere"><Sources>'
            f'<TextSource guid="11111111-1111-1111-1111-111111111111" name="Call 1" plainTextPath="internal://a.txt">'
            f'{selections}</TextSource></Sources></Project>')


def test_imported_sources_are_redacted_like_typed_notes_and_coding_follows(engine):
    from interviews.notes import redact_note
    from research.privacy.roster import replace_roster

    text = ("Q: Who backs you up?\r\nmy supervisor is Kevin Smith and he never listens.\r\n"
            "Write to john.smith(at)bank(dot)com or see bank.com/login. Dave is awful.\r\n"
            "The CRM freezes and Salesforce logs me out.")
    phrases = ["Kevin Smith and he never listens", "Dave is awful", "The CRM freezes and Salesforce logs me out"]
    with Session(engine) as session, session.begin():
        replace_roster(session=session, names=["Dave Jones"], actor="admin")
    with Session(engine) as session, session.begin():
        summary = import_qdpx(session=session, data=_qdpx(_coded_project(text, phrases), {"sources/a.txt": text}),
                              imported_by="erin", consent_confirmed=True)
        typed = redact_note(session=session, body=text).text
    with Session(engine) as session:
        note = session.scalar(select(InterviewNote).join(Interview).where(Interview.study_id == summary.study_id))
        # the very treatment a typed note gets; the "Q:" line it starts with becomes the note's question
        assert f"Q: {note.label}\n{note.body}" == typed and note.label == "Who backs you up?"
        for detail in ("Kevin", "Smith", "john.smith", "bank.com", "Dave"):
            assert detail not in note.body
        assert "my supervisor is [name] and he never listens" in note.body
        assert "Write to [email] or see [link]. [name] is awful." in note.body
        assert "The CRM freezes and Salesforce logs me out." in note.body
        assert [r.replaced for r in note.revisions] == [["name", "email", "url", "name"]]
        excerpts = sorted((e.span_start, e.text) for e in note.excerpts)
        assert [t for _, t in excerpts] == ["[name] and he never listens", "[name] is awful",
                                            "The CRM freezes and Salesforce logs me out"]
        assert all(note.body[e.span_start:e.span_end] == e.text for e in note.excerpts)


def test_a_passage_coded_across_two_answers_elsewhere_keeps_its_interview_as_one_note(engine, study_id):
    """Another tool may code across the line between two answers; splitting there would cut the coding."""
    with Session(engine) as session:
        files = _unzip(export_qdpx(session=session, study_id=study_id))
    project = etree.fromstring(files["project.qde"])
    source = next(s for s in project.iterfind("q:Sources/q:TextSource", Q) if "P01" in s.get("name"))
    text = files[f"sources/{source.get('guid')}.txt"].decode("utf-8")
    start, end = text.index("out of date."), text.index("Café rota") + len("Café rota")
    selection = etree.Element(f"{{{NS}}}PlainTextSelection", guid="b2000000-0000-0000-0000-000000000001",
                              startPosition=str(start), endPosition=str(end))
    source.insert(list(source).index(source.find("q:PlainTextSelection", Q)), selection)
    files["project.qde"] = etree.tostring(project, xml_declaration=True, encoding="utf-8")
    data = _qdpx(files.pop("project.qde").decode("utf-8"), files)
    with Session(engine) as session, session.begin():
        summary = import_qdpx(session=session, data=data, imported_by="erin", title="Coded elsewhere")
    with Session(engine) as session:
        rows = dict((code, notes) for code, _, _, notes in _interview_rows(session, summary.study_id))
        assert rows["P01"] == [("Imported from P01 interview 2026-10-06", text)]
        assert rows["P02"] == [("Anything about recognition?", BODY_2)]  # its other interview is still split
        texts = Counter(e.text for n in session.scalars(select(InterviewNote).join(Interview).where(
            Interview.study_id == summary.study_id)) for e in n.excerpts)
        assert texts[text[start:end]] == 1 and sum(texts.values()) == 6


def test_a_note_called_interview_guide_in_another_form_stays_a_memo_and_sets_no_guide(engine):
    project = FOREIGN.replace("</Sources>", """</Sources>
  <Notes><Note guid="a1000000-0000-0000-0000-000000000001" name="Interview guide">
    <PlainTextContent>We asked about shifts first, then swaps.</PlainTextContent></Note></Notes>
  <NoteRef targetGUID="a1000000-0000-0000-0000-000000000001"/>""")
    data = _qdpx(project, {"sources/one.txt": "Ça: swap app crashes at night.", "sources/two.txt": "Private."})
    with Session(engine) as session, session.begin():
        summary = import_qdpx(session=session, data=data, imported_by="erin", consent_confirmed=True)
    with Session(engine) as session:
        study = session.get(Study, summary.study_id)
        assert study.guide == [] and study.starts_on is None
        assert "Memo 'Interview guide' is attached to nothing Frontline keeps." in summary.skipped


def test_a_hand_edited_guide_and_a_date_that_is_no_date_are_reported_not_lost_in_silence(engine, study_id):
    with Session(engine) as session:
        files = _unzip(export_qdpx(session=session, study_id=study_id))
    project = files["project.qde"].decode("utf-8")
    project = project.replace("1. What slows you down?", "1) What slows you down?\n   ~ odd line")
    project = project.replace("<DateValue>2026-10-06</DateValue>", "<DateValue>06/10/2026</DateValue>")
    files.pop("project.qde")
    with Session(engine) as session, session.begin():
        summary = import_qdpx(session=session, data=_qdpx(project, files), imported_by="erin", title="Edited")
    with Session(engine) as session:
        copy = session.get(Study, summary.study_id)
        assert [q.text for q in copy.guide] == ["What slows you down?", "Who backs you up?"]
        assert (copy.starts_on, copy.ends_on) == (date(2026, 10, 5), date(2026, 10, 9))
        dates = {code: held_on for code, held_on, _, _ in _interview_rows(session, copy.id)}
        assert dates == {"P01": None, "P02": date(2026, 10, 7)}
    assert summary.skipped == [
        "Interview guide: line 4, '~ odd line', is not a question, a probe under one or a date.",
        "P01 interview 2026-10-06: its interview date '06/10/2026' is not a date written YYYY-MM-DD, so the "
        "interview has no date."]


def test_a_project_cut_short_says_so_and_creates_nothing(engine, study_id):
    """A download cut short was told only "not a zip archive" (an outside walk)."""
    with Session(engine) as session:
        data = export_qdpx(session=session, study_id=study_id)
        with pytest.raises(FrontlineError, match=r"or it was cut short \(download or copy it again\)"):
            import_qdpx(session=session, data=data[: len(data) // 2], imported_by="erin", title="Half")
        assert session.scalar(select(func.count(Study.id))) == 1
