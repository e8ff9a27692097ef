"""The Import notes page refuses a .docx bomb in one line, quickly, and still imports an ordinary Word file."""

import time

from sqlalchemy import func, select
from upload_bombs import docx_bomb, word_file

from research.store.engine import make_engine, session_scope
from research.store.models import InterviewNote


def upload_transcript(at, name, data):
    next(s for s in at.selectbox if s.label == "Participant").select_index(0).run()
    at.file_uploader(key="import_transcript").set_value(
        (name, data, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")).run()
    assert not at.exception, at.exception


def test_a_docx_bomb_gets_a_one_line_refusal_within_ten_seconds(make_app):
    bomb = docx_bomb(451)
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_import.py").run()
    started = time.monotonic()
    upload_transcript(at, "minutes.docx", bomb)
    assert time.monotonic() - started <= 10
    assert [e.value.replace("\\", "") for e in at.error] == [  # shown escaped, as typed text always is
        '"minutes.docx" would unpack to 451.8 MB from 1.6 MB, over the 100 MB allowed for a file that size; '
        "it was refused unopened."]
    assert not [b for b in at.button if b.label == "Import this transcript"]


def test_an_ordinary_word_transcript_still_previews_and_imports(make_app, app_db):
    data = word_file("Q: What slows you down?", "A: The knowledge base search never finds the refund policy.")
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_import.py").run()
    upload_transcript(at, "p07.docx", data)
    assert not at.error
    assert any(m.value == "Found 1 turn(s) as Q/A turns." for m in at.markdown)
    [b for b in at.button if b.label == "Import this transcript"][0].click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Imported 1 answer(s) into 1 interview(s)")
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        stored = session.scalar(select(func.count()).select_from(InterviewNote)
                                .where(InterviewNote.body.like("%never finds the refund policy%")))
    engine.dispose()
    assert stored == 1
