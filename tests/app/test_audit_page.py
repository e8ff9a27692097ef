"""Downloads and account changes made in the app land in the audit trail, which only admins can read."""

from sqlalchemy import select

from research.store.engine import make_engine, session_scope
from research.store.models import AuditEvent


def events(app_db):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        rows = [(e.actor, e.action, e.subject) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    engine.dispose()
    return rows


def test_downloading_the_briefing_is_recorded_against_the_executive(make_app, app_db):
    at = make_app("exec-tester", "executive").run()
    next(b for b in at.button if b.label == "Prepare briefing").click().run()
    assert events(app_db)[-1][1] != "export"  # preparing is not taking a copy
    download = next(b for b in at.get("download_button") if b.proto.label == "Download HTML briefing")
    download.click().run()
    assert not at.exception
    who, action, subject = events(app_db)[-1]
    assert (who, action) == ("exec-tester", "export") and subject.startswith("HTML briefing, wave ")
    next(b for b in at.get("download_button") if b.proto.label == "Download briefing (PDF)").click().run()
    assert events(app_db)[-1][1:] == ("export", subject.replace("HTML briefing", "briefing (PDF)"))


def test_an_admin_reads_who_did_what(make_app, app_db):
    at = make_app("admin", "admin").run()
    at.switch_page("views/users.py").run()
    at.text_input[0].input("new-researcher")
    at.text_input[1].input("a long enough password")
    next(b for b in at.button if b.label == "Add user").click().run()
    at.switch_page("views/audit.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    created = table[(table["Action"] == "user_created") & (table["Who"] == "admin")]
    assert "new-researcher (researcher)" in created["Subject"].tolist()
    assert (table[table["Who"] == "demo"]["Action"] == "user_created").any()  # the demo's accounts, by the seed
    at.selectbox[0].set_value("export").run()
    assert not at.dataframe or (at.dataframe[0].value["Action"] == "export").all()
