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
        assert replace_roster(session=session, names=["Dave", " Dave ", "x", "Priya"]) == 2
    with session_scope(engine) as session:
        assert roster_names(session=session) == ["Dave", "Priya"]
        assert roster_redactor(session=session).redact("dave moved my break").text == "[name] moved my break"
