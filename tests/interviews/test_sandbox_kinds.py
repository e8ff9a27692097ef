"""Every kind of upload (.qdpx project, codebook CSV, roster, interview CSV) is read only in the sandbox child.

The web process gets plain data back and stores it; it never parses the bytes itself. Hostile files of
each kind are refused with a message that says what is wrong with them, within ten seconds, while another
session's upload is read meanwhile.
"""

import io
import re
import threading
import time
import xml.etree.ElementTree as ET
import zipfile

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from upload_bombs import qdpx, qdpx_billion_laughs, qdpx_deeply_nested, qdpx_source_bomb

from interviews import refi_qda, sandbox
from interviews.codebook import import_codebook_rows
from interviews.codebook_csv import read_codebook_rows
from interviews.refi_qda import NS, import_qdpx
from interviews.sandbox import parse_upload
from research.errors import FrontlineError
from research.privacy.roster import parse_roster
from research.store.models import Interview, InterviewNote, Study

GUID = "9a8b7c6d-0000-4000-8000-00000000000a"
PROJECT = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="Queue study" origin="x">'
           f'<CodeBook><Codes><Code guid="c1" name="Queue tool" isCodable="true"><Code guid="c2" name="Wait times" '
           f'isCodable="true"/></Code></Codes></CodeBook>'
           f'<Cases><Case guid="k1" name="P01"><SourceRef targetGUID="{GUID}"/></Case></Cases>'
           f'<Sources><TextSource guid="{GUID}" name="P01 interview" plainTextPath="internal://{GUID}.txt">'
           f'<PlainTextSelection guid="s1" startPosition="4" endPosition="9"><Coding guid="g1">'
           f'<CodeRef targetGUID="c2"/></Coding></PlainTextSelection></TextSource></Sources>'
           f'<Description>Tail text</Description></Project>')
SOURCE = "The queue tool shows the wrong wait – ünïcode 😀."


def project_file() -> bytes:
    return qdpx(PROJECT.encode(), {f"sources/{GUID}.txt": SOURCE.encode()})


def test_a_qdpx_comes_back_as_the_tree_and_texts_the_importer_reads_itself():
    root, texts = parse_upload("qdpx", "study.qdpx", project_file())
    own_root, own_texts = refi_qda._read_archive(project_file())
    assert ET.tostring(root) == ET.tostring(own_root) and texts == own_texts
    assert root.find(f"{{{NS}}}Description").text == "Tail text"


def test_the_sandboxed_project_imports_as_the_bytes_would(engine, monkeypatch):
    project = parse_upload("qdpx", "study.qdpx", project_file())

    def no_parsing(_data):  # the web process must not read the archive again
        raise AssertionError("the archive was parsed in the web process")

    monkeypatch.setattr(refi_qda, "_read_archive", no_parsing)
    with Session(engine) as session, session.begin():
        summary = import_qdpx(session=session, project=project, imported_by="erin", consent_confirmed=True)
    with Session(engine) as session:
        study = session.get(Study, summary.study_id)
        assert (study.title, summary.interviews, summary.excerpts) == ("Queue study", 1, 1)
        note = session.scalar(select(InterviewNote).join(Interview).where(Interview.study_id == study.id))
        assert note.body == SOURCE and note.excerpts[0].text == "queue"


def test_codebook_rows_and_roster_names_come_back_as_the_readers_return_them(engine):
    codebook = b"key,name,description,examples\nqueue,Queue tool,Waits,slow queue | long wait\n"
    rows = parse_upload("codebook", "codes.csv", codebook)
    assert rows == read_codebook_rows(codebook)
    with Session(engine) as session, session.begin():
        result = import_codebook_rows(session=session, rows=rows)
    assert result.added == ["Queue tool"]
    roster = "name\nZoë Brontë\nDave Jones\n".encode()
    assert parse_upload("roster", "team.csv", roster) == parse_roster(roster) == ["Zoë Brontë", "Dave Jones"]


HUGE_LINE = b"x" * (5 * 2**20)
HOSTILE = [
    ("qdpx", "bomb.qdpx", lambda: qdpx_source_bomb(200),
     r'^"bomb\.qdpx" would unpack to 200 MB from \d+ kB, over the [\d.]+ MB allowed .*refused unopened\.$'),
    ("qdpx", "laughs.qdpx", qdpx_billion_laughs,
     r"^project\.qde declares a DOCTYPE or entities; such files are refused \(XML entity attacks\)\.$"),
    ("qdpx", "deep.qdpx", qdpx_deeply_nested,
     r"^project\.qde nests its elements more than 100 deep, which no REFI-QDA project does; the file was refused\.$"),
    ("codebook", "codes.csv", lambda: b'key,name\nq,"' + HUGE_LINE + b'"\n',
     r'^Line 2 of the codebook file has a cell longer than 100 kB in column 2 \("name"\);'),
    ("codebook", "codes.csv", lambda: b"key,name\nq,Queue\n" + HUGE_LINE + b"\n",
     r'^Line 3 of the codebook file has a cell longer than 100 kB in column 1 \("key"\);'),
    ("roster", "team.txt", lambda: b"Ann Lee\n" + HUGE_LINE + b"\n",
     r"^Line 2 of the roster has a cell longer than 100 kB in column 1; a roster holds one name per line\.$"),
    ("csv", "notes.csv", lambda: b'participant,answer\nP01,"' + HUGE_LINE + b'"\n',
     r'^Line 2 of the CSV file has a cell longer than 2 MB in column 2 \("answer"\), more than any interview;'),
]


@pytest.mark.parametrize("kind, name, build, message", HOSTILE, ids=[h[1] + "-" + h[3][:20] for h in HOSTILE])
def test_a_hostile_file_is_refused_specifically_within_ten_seconds_while_another_upload_is_read(
        kind, name, build, message):
    data = build()
    refused: list[str] = []

    def attacker():
        try:
            parse_upload(kind, name, data)
        except FrontlineError as exc:
            refused.append(str(exc))

    started = time.monotonic()
    thread = threading.Thread(target=attacker)
    thread.start()
    # Another session's roster is read while the hostile file is: nothing in the parent waits on it.
    other = parse_upload("roster", f"other-{kind}-{len(data)}.txt", b"Priya Natarajan\n")
    thread.join(timeout=30)
    assert time.monotonic() - started <= 10
    assert other == ["Priya Natarajan"]
    assert len(refused) == 1 and "\n" not in refused[0]
    assert re.search(message, refused[0]), refused[0]


def test_the_parent_never_recurses_over_the_childs_tree():
    """A flat list rebuilds however deep it is (the child refuses more than MAX_XML_DEPTH, this is a guard)."""
    nodes = [[-1, "Project", {}, None, None]] + [[i, "Code", {"n": str(i)}, None, None] for i in range(5000)]
    root = sandbox._tree(nodes)
    depth, element = 1, root
    while len(element):
        element, depth = element[0], depth + 1
    assert depth == 5001 and element.get("n") == "4999"


def test_a_zip_of_too_many_files_is_refused_from_its_end_record_without_the_parent_reading_its_directory(
        monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("project.qde", PROJECT)
        for i in range(sandbox.MAX_ZIP_MEMBERS + 1):  # and project.qde: 10,002 in all
            archive.writestr(f"sources/{i}.txt", b"")

    def no_directory(*_args, **_kwargs):  # a directory of millions of entries would fill the web process
        raise AssertionError("the web process read the zip's directory")

    monkeypatch.setattr(sandbox.zipfile, "ZipFile", no_directory)
    with pytest.raises(FrontlineError, match=r'^"many\.qdpx" holds 10,002 files, more than the 10,000 allowed; '
                                             r"it was refused unopened\.$"):
        parse_upload("qdpx", "many.qdpx", out.getvalue())


def test_a_zip_with_a_large_directory_is_left_to_the_child(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_PARENT_DIRECTORY", 10)
    monkeypatch.setattr(sandbox, "check_declared", lambda *_a: pytest.fail("the web process read the directory"))
    _root, texts = parse_upload("qdpx", "large-directory.qdpx", project_file())
    assert texts == {GUID.lower(): SOURCE}


def test_an_answer_out_of_form_is_a_one_line_refusal_not_a_crash(monkeypatch):
    """Only a subverted child could answer so; the page still gets a FrontlineError, not a traceback."""
    monkeypatch.setattr(sandbox, "_run_child", lambda *_a: {"tree": [[5, "Project", {}, None, None]], "texts": {}})
    with pytest.raises(FrontlineError, match=r'^"odd\.qdpx" could not be read: the reader answered out of form\.$'):
        parse_upload("qdpx", "odd.qdpx", b"not even a zip, but the child is faked")
