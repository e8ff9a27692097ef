"""A wave's released comments and their codes as a .qdpx project: what the comments page shows, nothing more."""

import io
import xml.etree.ElementTree as ET
import zipfile
from datetime import date

import pytest
from pulse_builders import add_wave, answers
from sqlalchemy import select

from research.pulse.comment_codes import code_comment
from research.pulse.comments_qdpx import export_comments_qdpx
from research.pulse.errors import PulseError
from research.pulse.replies import comments_for_reply
from research.qdpx_format import NS
from research.qdpx_writer import guid
from research.store.engine import session_scope
from research.store.models import Code, PulseAnswer, PulseQuestion, PulseResponse, PulseSegment

TODAY = date(2026, 11, 22)
Q = {"q": NS}


def read(archive: bytes):
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        root = ET.fromstring(files.read("project.qde"))
        texts = {name: files.read(name).decode() for name in files.namelist() if name.startswith("sources/")}
    return root, texts


def test_coded_comments_of_released_teams_export_with_their_codes(engine):
    with session_scope(engine) as session:
        for key, name in (("tools", "Tools and systems"), ("pay", "Pay")):
            if session.scalar(select(Code).where(Code.key == key)) is None:
                session.add(Code(key=key, name=name, description="", colour="#123456"))
        wave_id = add_wave(session, "October pulse", TODAY,
                           {"Billing": answers(12), "Claims": answers(12), "Collections": answers(11),
                            "Night desk": answers(4)})
        texts = {team: list(session.scalars(
            select(PulseAnswer).join(PulseQuestion).join(PulseResponse).join(PulseSegment)
            .where(PulseSegment.team == team, PulseQuestion.key == "one_thing"))) for team in ("Billing", "Night desk")}
        for number, answer in enumerate(texts["Billing"]):
            answer.value_text = f"Billing comment {number}: the CRM freezes"
        for answer in texts["Night desk"]:
            answer.value_text = "Night comment: only three of us"
        session.flush()
        billing = [a.id for a in texts["Billing"]]
        code_comment(session=session, answer_id=billing[3], code_key="tools", coder="ann", today=TODAY)

    with session_scope(engine) as session:
        root, texts = read(export_comments_qdpx(session=session, wave_id=wave_id, threshold=10))
        commented = session.get(PulseAnswer, billing[3]).value_text
        page = set(comments_for_reply(session=session, wave_id=wave_id, threshold=10)["team"])

    sources = {s.get("name"): s for s in root.findall("q:Sources/q:TextSource", Q)}
    assert set(sources) == {f"October pulse · {team}" for team in page}  # what the comments page shows
    assert "Night desk" not in page and "Billing" in page  # four people wrote: below the threshold
    assert not any("Night comment" in text for text in texts.values())
    billing_source = sources["October pulse · Billing"]
    text = texts[f"sources/{billing_source.get('guid')}.txt"]
    assert text.count("Billing comment") == 12 and "Q: " in text
    (selection,) = billing_source.findall("q:PlainTextSelection", Q)
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert text[start:end] == commented
    assert selection.find("q:Coding/q:CodeRef", Q).get("targetGUID") == guid("code", "tools")
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{{{NS}}}Code")}
    assert codes[guid("code", "tools")] == "Tools and systems"  # the study export's GUID for the same code
    assert [u.get("name") for u in root.findall("q:Users/q:User", Q)] == ["ann"]


def test_an_unknown_wave_says_so(engine):
    with session_scope(engine) as session, pytest.raises(PulseError, match="no pulse wave with id 999"):
        export_comments_qdpx(session=session, wave_id=999, threshold=10)


def test_no_guid_in_the_file_is_made_from_an_answer_or_response_id(engine):
    """A database administrator mapped a selection's GUID (uuid5 of the answer id) back to its scores."""
    with session_scope(engine) as session:
        if session.scalar(select(Code).where(Code.key == "tools")) is None:
            session.add(Code(key="tools", name="Tools and systems", description="", colour="#123456"))
        wave_id = add_wave(session, "W", TODAY, {"Billing": answers(12), "Claims": answers(12)})
        answer = session.scalars(select(PulseAnswer).where(PulseAnswer.value_text.is_not(None))).first()
        code_comment(session=session, answer_id=answer.id, code_key="tools", coder="ann", today=TODAY)
        ids = {str(answer.id), str(answer.response_id)}
        archive = export_comments_qdpx(session=session, wave_id=wave_id, threshold=10)
    root, texts = read(archive)
    guids = {e.get("guid") for e in root.iter() if e.get("guid")}
    assert guids and not {guid(kind, i) for kind in ("pulse-comment", "pulse-coding") for i in ids} & guids
    shown = ET.tostring(root, encoding="unicode") + "".join(texts.values())
    assert not any(i in shown for i in ids)
