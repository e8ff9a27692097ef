"""Each upload page refuses a hostile file of its kind in one specific line, quickly, and stores nothing.

Every file is read in the sandbox child (interviews.sandbox); these drive the real pages: the .qdpx
import (a zip bomb, billion laughs, deep nesting), the interview CSV, the codebook CSV and the roster
(an enormous line each). The database is compared table by table before and after.
"""

import time

import pytest
from sqlalchemy import text
from upload_bombs import qdpx_billion_laughs, qdpx_deeply_nested, qdpx_source_bomb

from research.store.engine import make_engine

TABLES = ("studies", "participants", "interviews", "interview_notes", "excerpts", "memos", "codes", "roster_names")
HUGE = b"x" * (3 * 2**20)


def snapshot(app_db) -> dict[str, list]:
    engine = make_engine(app_db)
    with engine.connect() as conn:
        rows = {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}")).all()), key=repr) for t in TABLES}
    engine.dispose()
    return rows


CASES = [
    ("interview_import", "import_qdpx", "Import project", "bomb.qdpx", lambda: qdpx_source_bomb(200),
     '"bomb.qdpx" would unpack to 200 MB from'),
    ("interview_import", "import_qdpx", "Import project", "laughs.qdpx", qdpx_billion_laughs,
     "project.qde declares a DOCTYPE or entities; such files are refused (XML entity attacks)."),
    ("interview_import", "import_qdpx", "Import project", "deep.qdpx", qdpx_deeply_nested,
     "project.qde nests its elements more than 100 deep, which no REFI-QDA project does; the file was refused."),
    ("interview_import", "import_csv", None, "notes.csv", lambda: b'participant,answer\nP01,"' + HUGE + b'"\n',
     'Line 2 of the CSV file has a cell longer than 2 MB in column 2 ("answer"), more than any interview; '
     "check the file's quotes."),
    ("codebook", "codebook_upload", "Import codes", "codes.csv", lambda: b"key,name\nq,Queue\n" + HUGE + b"\n",
     ('Line 3 of the codebook file has a cell longer than 100 kB in column 1 ("key"); a codebook cell holds a '
      "name, a description or example phrases.")),
    ("pulse_links", "roster_upload", None, "team.txt", lambda: b"Ann Lee\n" + HUGE[:2**20] + b"\n",
     "Line 2 of the roster has a cell longer than 100 kB in column 1; a roster holds one name per line."),
]


@pytest.mark.parametrize("page, key, button, name, build, message", CASES, ids=[c[3] for c in CASES])
def test_a_hostile_upload_is_refused_in_one_specific_line_and_changes_nothing(make_app, app_db, page, key, button,
                                                                              name, build, message):
    data = build()
    before = snapshot(app_db)
    at = make_app("researcher", "researcher").run()
    at.switch_page(f"views/{page}.py").run()
    started = time.monotonic()
    next(u for u in at.file_uploader if u.key == key).set_value((name, data, "application/octet-stream")).run()
    if button:
        next(b for b in at.button if b.label == button).click().run()
    assert time.monotonic() - started <= 10
    assert not at.exception, at.exception
    errors = [e.value.replace("\\", "") for e in at.error]  # shown escaped, as any text from a file is
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert not at.success
    assert not [b for b in at.button if b.label in ("Import these rows", "Replace the roster with this file")]
    assert snapshot(app_db) == before
