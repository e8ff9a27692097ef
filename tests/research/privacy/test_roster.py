import pytest

from research.errors import FrontlineError
from research.privacy.roster import parse_roster, replace_roster, roster_names, roster_redactor
from research.store.engine import session_scope


def test_roster_from_text_or_csv_with_header():
    assert parse_roster(b"Priya Natarajan\n\nSean O'Neill\n") == ["Priya Natarajan", "Sean O'Neill"]
    assert parse_roster(b"name,team\nZo\xc3\xab,Billing\nDave,Chat\n") == ["Zoë", "Dave"]


@pytest.mark.parametrize("data, message", [(b"\x00\x01\x02", "binary"), (b"Ann\n\xff\xfe\n", "Line 2"),
                                           (b"name\n", "no names")])
def test_bad_roster_files_are_refused(data, message):
    with pytest.raises(FrontlineError, match=message):
        parse_roster(data)


def test_saved_roster_feeds_the_redaction(engine):
    with session_scope(engine) as session:
        assert replace_roster(session=session, names=["Dave", " Dave ", "x", "Priya"], actor="admin") == 2
    with session_scope(engine) as session:
        assert roster_names(session=session) == ["Dave", "Priya"]
        assert roster_redactor(session=session).redact("dave moved my break").text == "[name] moved my break"
    # Every save is audited with what changed, never the names (a name taken off and put back is seen).
    from sqlalchemy import select

    from research.store.models import AuditEvent

    with session_scope(engine) as session:
        replace_roster(session=session, names=["Priya"], actor="ana")
        replace_roster(session=session, names=["Priya", "Dave"], actor="ana")
        trail = session.execute(select(AuditEvent.actor, AuditEvent.subject)
                                .where(AuditEvent.action == "roster_saved").order_by(AuditEvent.id)).all()
    assert [tuple(row) for row in trail] == [("admin", "2 name(s): 2 added, 0 removed"),
                                             ("ana", "1 name(s): 0 added, 1 removed"),
                                             ("ana", "2 name(s): 1 added, 0 removed")]
    assert not any("Dave" in subject for _, subject in trail)
