"""An uploaded file whose name (or, in a .qdpx, whose member) holds a path never writes anywhere.

Uploads are read in memory and never saved, so a name like ``../../x`` or an
absolute path has nowhere to go. Each uploader is fed such a file through the
page, its import button pressed, and the test's folder (the data folder in it) is
searched afterwards: nothing new may appear, and nothing named after the upload anywhere in /tmp.
"""

import io
import os
import uuid
import zipfile
from pathlib import Path

import pytest

from interviews.refi_qda import export_qdpx
from research.store.engine import make_engine, session_scope
from research.store.models import Study

MARK = f"frontline-escape-{uuid.uuid4().hex[:8]}"
TRAVERSALS = [f"../../../../../tmp/{MARK}", f"/tmp/{MARK}", f"..\\..\\..\\{MARK}"]


def files_under(*roots: Path) -> set[str]:
    found = set()
    for root in roots:
        for folder, _, names in os.walk(root):
            found.update(os.path.join(folder, n) for n in names if not n.endswith(("-wal", "-shm", "-journal")))
    return found


def qdpx_with_a_member_outside(app_db) -> bytes:
    """A real export of the demo study, plus a source pointing outside the archive and a zip-slip member."""
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        data = export_qdpx(session=session, study_id=session.query(Study.id).first()[0])
    engine.dispose()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            body = old.read(info)
            if info.filename == "project.qde":
                escape = f'plainTextPath="internal://../../../tmp/{MARK}'.encode()
                body = body.replace(b'plainTextPath="internal://', escape, 1)
            new.writestr(info, body)
        new.writestr(f"../../../../tmp/{MARK}.txt", b"escaped")
    return out.getvalue()


UPLOADS = [
    ("interview_import", "import_transcript", ".txt", b"Q: What breaks?\nA: The billing tool freezes.\n",
     "Import this transcript"),
    ("interview_import", "import_csv", ".csv", b"participant,question,answer\nP01,What breaks?,The CRM\n", None),
    ("codebook", "codebook_upload", ".csv", b"key,name,description\nqueue,Queue tool,Waits\n", "Import codes"),
    ("pulse_links", None, ".csv", b"name\nDana Whitfield\n", "Save roster"),
]


@pytest.mark.parametrize("traversal", TRAVERSALS)
@pytest.mark.parametrize("page, key, suffix, content, button", UPLOADS)
def test_a_path_in_an_uploaded_name_writes_nothing(make_app, app_db, tmp_path, page, key, suffix, content, button,
                                                   traversal):
    data_dir = Path(os.environ["FRONTLINE_DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    before = files_under(tmp_path)
    at = make_app("researcher", "researcher").run()
    at.switch_page(f"views/{page}.py").run()
    if page == "interview_import":
        next(s for s in at.selectbox if s.label == "Participant").select_index(0).run()
    uploader = next(u for u in at.file_uploader if key is None or u.key == key)
    uploader.set_value((traversal + suffix, content, "text/plain")).run()
    assert not at.exception, at.exception
    if button and any(b.label == button for b in at.button):
        next(b for b in at.button if b.label == button).click().run()
        assert not at.exception, at.exception
    assert files_under(tmp_path) - before == set()
    assert not [path for path in files_under(Path("/tmp")) if MARK in path]


def test_a_qdpx_whose_source_points_outside_the_archive_is_refused_and_writes_nothing(make_app, app_db, tmp_path):
    before = files_under(tmp_path)
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_import.py").run()
    uploader = next(u for u in at.file_uploader if u.key == "import_qdpx")
    uploader.set_value((f"../../{MARK}.qdpx", qdpx_with_a_member_outside(app_db), "application/zip")).run()
    next(b for b in at.button if b.label == "Import project").click().run()
    assert not at.exception, at.exception
    assert any("points outside the archive" in e.value for e in at.error)
    assert files_under(tmp_path) - before == set()
    assert not [path for path in files_under(Path("/tmp")) if MARK in path]
