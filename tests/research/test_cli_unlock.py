"""`frontline users unlock`: the administrator's way back in while a stranger keeps guessing."""

import io
import sys

from research.accounts import authenticate, create_user
from research.audit import audit_events
from research.cli import main
from research.store.engine import make_engine, session_scope
from research.store.models import utcnow

PASSWORD = "correct horse battery"


def sign_in(engine, password, now):
    with session_scope(engine) as session:
        return authenticate(session=session, username="root-admin", password=password, now=now)


def test_unlock_lets_a_paused_admin_straight_back_in_and_is_audited(cli_env, db_url, monkeypatch, capsys):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        create_user(session=session, username="root-admin", role="admin", password=PASSWORD, actor="setup")
    now = utcnow()
    for attempt in range(6):
        sign_in(engine, f"a stranger's guess {attempt}", now)
    assert not sign_in(engine, PASSWORD, now).ok  # paused: even the right password waits

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["users", "unlock", "ROOT-ADMIN"]) == 0
    assert capsys.readouterr().out.strip() == "sign-in pause cleared for root-admin"
    assert sign_in(engine, PASSWORD, now).ok  # same moment, same password: no waiting, no reset needed
    with session_scope(engine) as session:
        trail = audit_events(session=session, action="user_enabled")
    assert trail["Subject"].tolist() == ["root-admin (sign-in pause cleared)"]
    assert trail["Who"].str.startswith("cli:").all()
    engine.dispose()


def test_unlock_of_an_unknown_name_is_a_one_line_error(cli_env, capsys):
    assert main(["users", "unlock", "nobody"]) == 2
    assert capsys.readouterr().err.strip() == "frontline: error: no user named 'nobody'"
